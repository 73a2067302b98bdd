"""Deploy the medchain suite and write its manifest (deployments/<network>.json).

ape run deploy --network ethereum:local:foundry --account TEST::0
ape run deploy --network ethereum:consortium:node --account consortium-deployer --governance 0x... --token 0x...
"""

import click

from medchain.cli import (
    ADDRESS,
    DURATION,
    ApeSession,
    ChainCommand,
    account_option,
    confirm,
    deployment_option,
    yes_option,
)


@click.command(cls=ChainCommand, rerun="rerun the same command: the manifest resumes the deployment")
@account_option()
@click.option(
    "--governance",
    type=ADDRESS,
    help="Consortium governance account (a multisig in production). Default: the deployer.",
)
@click.option(
    "--admin-delay",
    type=DURATION,
    default=None,
    help="How long a governance handover must wait (2d, 48h or seconds). Default: 0 on local chains, 2d elsewhere.",
)
@click.option(
    "--token",
    type=ADDRESS,
    help="The settlement stable token (ERC-20) claims are paid in. Required off the local chain.",
)
@click.option("--test-token", is_flag=True, help="Deploy the test stable token instead (test networks only).")
@click.option(
    "--fresh",
    is_flag=True,
    help="Deploy a new suite even if the manifest records a live one (asks first; --yes does not ask).",
)
@yes_option
@deployment_option
def cli(provider, account, governance, admin_delay, token, test_token, fresh, yes, deployment):
    """Deploy the suite (or resume an interrupted deployment) and write its manifest.

    A chain without Cancun is refused before anything is sent; a manifest of another chain is never
    overwritten; --fresh asks before replacing a live deployment's manifest."""
    from ape import project

    from medchain.deployment import DEFAULT_ADMIN_DELAY, deploy_suite, read_manifest, require_cancun

    session = ApeSession(provider, deployment, account=account, yes=yes)
    net = provider.network
    is_local = net.name == "local"
    delay = admin_delay if admin_delay is not None else (0 if is_local else DEFAULT_ADMIN_DELAY)
    gov = governance or account.address
    if not is_local and not token and not test_token:
        raise click.UsageError(
            "give the settlement stable token with --token ADDRESS (or --test-token on a test network)"
        )
    require_cancun(provider.web3)
    if fresh and session.path.exists():
        live = read_manifest(session.path)
        if live.chain_id == provider.chain_id and any(provider.get_code(r.address) for r in live.contracts.values()):
            confirm(
                f"{session.path} records a live deployment on chain {live.chain_id} (ConsortiumRegistry "
                f"{live.contracts['ConsortiumRegistry'].address}); --fresh replaces it with a new suite.",
                yes,
            )
    if not is_local:
        confirm(
            f"Deploy medchain to {session.network} (chain {provider.chain_id}) from {account.address}, "
            f"governance {gov}?",
            yes,
        )
    result = deploy_suite(
        project=project,
        provider=provider,
        deployer=account,
        governance=gov,
        admin_delay=delay,
        path=session.path,
        network=session.network,
        fresh=fresh,
        token=token,
        progress=click.echo,
    )
    for name, rec in result.manifest.contracts.items():
        click.echo(f"{name:<24} {rec.address}  block {rec.block}  tx {rec.tx}")
    click.echo(f"manifest: {session.path}")
