"""The main job (make demo): deploy to the local chain, register a sample consortium, print a summary.

ape run demo
"""

import click

from medchain.cli import ChainCommand


@click.command(cls=ChainCommand)
def cli(provider):
    """Deploy to the local chain, register a sample consortium and run every domain once; print a summary."""
    from ape import accounts, project
    from ape.logging import logger

    from medchain_dev.demo import run_demo

    if provider.network.name != "local":
        raise click.ClickException(
            "the demo uses the local chain's funded test accounts: run it with the local network"
        )
    logger.set_level("WARNING")  # the summary below says what happened; per-transaction lines would bury it
    report = run_demo(
        project=project,
        provider=provider,
        accounts=list(accounts.test_accounts),
        network=f"{provider.network.ecosystem.name}:{provider.network.name}",
        progress=click.echo,
    )
    click.echo(report.render())
