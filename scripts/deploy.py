"""Deploy the medchain suite and write deployments/<network>.json.

    ape run deploy --network ethereum:local:foundry --account TEST::0
    ape run deploy --network ethereum:consortium:node --account consortium-deployer --governance 0x...
"""

from pathlib import Path

import click
from ape import project
from ape.cli import ConnectedProviderCommand, account_option

from medchain.deployment import DEFAULT_ADMIN_DELAY, ManifestError, deploy_suite, manifest_path


@click.command(cls=ConnectedProviderCommand)
@account_option()
@click.option("--governance", help="Consortium governance account (a multisig in production). Default: the deployer.")
@click.option(
    "--admin-delay", type=click.IntRange(min=0), default=None,
    help=f"Seconds a governance handover must wait. Default: 0 on local chains, {DEFAULT_ADMIN_DELAY} elsewhere.",
)
@click.option("--manifest", type=click.Path(dir_okay=False, path_type=Path), help="Default: deployments/<network>.json")
@click.option("--token", help="The settlement stable token (ERC-20) claims are paid in. Required off the local chain.")
@click.option("--test-token", is_flag=True, help="Deploy the test stable token instead (test networks only).")
@click.option("--fresh", is_flag=True, help="Deploy a new suite even if the manifest records a complete one.")
@click.option("--yes", "-y", is_flag=True, help="Do not ask before sending transactions (keyfile accounts then read "
              "their passphrase from APE_ACCOUNTS_<alias>_PASSPHRASE).")
def cli(provider, account, governance, admin_delay, manifest, token, test_token, fresh, yes):
    net = provider.network
    is_local = net.name == "local"
    path = manifest or manifest_path(net.name)
    delay = admin_delay if admin_delay is not None else (0 if is_local else DEFAULT_ADMIN_DELAY)
    gov = governance or account.address
    if not is_local and not token and not test_token:
        raise click.UsageError("give the settlement stable token with --token ADDRESS (or --test-token on a test network)")
    if not is_local and not yes:
        click.confirm(
            f"Deploy medchain to {net.ecosystem.name}:{net.name} (chain {provider.chain_id}) from {account.address}, "
            f"governance {gov}?", abort=True,
        )
    if yes and hasattr(account, "set_autosign"):
        account.set_autosign(True)
    try:
        result = deploy_suite(
            project=project, provider=provider, deployer=account, governance=gov, admin_delay=delay,
            path=path, network=f"{net.ecosystem.name}:{net.name}", fresh=fresh, token=token, progress=click.echo,
        )
    except ManifestError as err:
        raise click.ClickException(str(err)) from err
    for name, rec in result.manifest.contracts.items():
        click.echo(f"{name:<24} {rec.address}  block {rec.block}  tx {rec.tx}")
    click.echo(f"manifest: {path}")
