"""The main job (make demo): deploy, register a sample consortium, run every domain once, print a summary.

ape run demo                                                   # the local chain ape starts
ape run demo --network ethereum:consortium:node --deployment deployments/demo.json
"""

import click

from medchain.cli import ChainCommand, deployment_option


@click.command(cls=ChainCommand)
@deployment_option
def cli(provider, deployment):
    """Deploy a new suite, register a sample consortium and run every domain once; print a summary.

    It signs with the test mnemonic's first twelve accounts (ape-config.yaml's `test` section): on any
    network but the local one they must be funded, and --deployment names a manifest of its own (the
    demo deploys a new suite: it never touches the network's deployment)."""
    from ape import accounts, project
    from ape.logging import logger

    from medchain_dev.demo import run_demo, unfunded

    test_accounts = list(accounts.test_accounts)
    if provider.network.name != "local":
        if deployment is None:
            raise click.UsageError(
                "give the demo's own manifest with --deployment PATH: the demo deploys a new suite, and "
                f"deployments/{provider.network.name}.json is the network's deployment"
            )
        poor = unfunded(provider, test_accounts)
        if poor:
            raise click.ClickException(
                f"the demo signs with the test mnemonic's accounts, and {len(poor)} of them have no funds on "
                f"{provider.network.name} (first: {poor[0]}): fund them, or run the demo on the local network"
            )
    logger.set_level("WARNING")  # the summary below says what happened; per-transaction lines would bury it
    report = run_demo(
        project=project,
        provider=provider,
        accounts=test_accounts,
        network=f"{provider.network.ecosystem.name}:{provider.network.name}",
        manifest=deployment,
        progress=click.echo,
    )
    click.echo(report.render())
