"""The signing agent: a keyfile account unlocked once; the commands given that account then sign through it.

ape run signer start --account insurer --network ethereum:consortium:node --lifetime 8h
ape run signer status
ape run signer stop --account insurer
"""

import signal
from datetime import UTC

import click

from medchain.cli import DURATION, Group, OfflineCommand, Session, account_option, deployment_option


@click.group(cls=Group)
def cli():
    """The signing agent: unlock a keyfile account once, for the contracts of one deployment."""


@cli.command()
@account_option(signs=False)
@click.option(
    "--lifetime",
    type=DURATION,
    default="8h",
    show_default=True,
    help="Stop signing after this long (12h, 90m, 2w or seconds).",
)
@deployment_option
def start(network, account, lifetime, deployment):
    """Unlock ACCOUNT once and sign, for the deployment's contracts only, until stopped or LIFETIME has passed.

    Runs in the foreground (Ctrl-C stops it) and logs each signature on standard error. Commands given the
    same --account then sign through it: no passphrase in their environment, no key derivation per run."""
    from medchain.cli.agent import SigningAgent

    if account.keyfile is None:
        raise click.ClickException(f"--account {account.alias}: only a keyfile account needs an agent")
    if account.agent is not None:
        raise click.ClickException(
            f"an agent already signs for {account.alias}: stop it first (ape run signer stop --account {account.alias})"
        )
    session = Session(network, deployment)
    manifest = session.manifest
    contracts = {name: record.address for name, record in manifest.contracts.items()}
    agent = SigningAgent(
        account.unlock(),
        alias=account.alias,
        chain_id=manifest.chain_id,
        contracts=contracts,
        lifetime=lifetime,
        path=account.agent_path,
        deployment=str(session.path),
        log=lambda line: click.echo(line, err=True),
    )
    network.close()  # the agent needs no node
    click.echo(
        f"signing for {account.alias} ({account.address}) on chain {manifest.chain_id}, for the "
        f"{len(contracts)} contracts of {session.path}, for {lifetime:,} s at most; Ctrl-C stops it",
        err=True,
    )
    signal.signal(signal.SIGTERM, lambda *_: agent.stop())  # a service manager's stop: the socket is removed
    try:
        agent.serve()
    except KeyboardInterrupt:
        pass
    click.echo("stopped: commands given this account unlock its keyfile again", err=True)


@cli.command(cls=OfflineCommand)
def status():
    """List the signing agents running for this user: account, address, chain, until when."""
    from datetime import datetime

    from medchain.cli.agent import agent_folder, running_agents

    found = 0
    for client in running_agents():
        info = client.info
        until = datetime.fromtimestamp(info["expires"], UTC).isoformat(timespec="seconds")
        click.echo(
            f"{info['alias']}  {info['address']}  chain {info['chainId']}  {len(info['contracts'])} contracts of "
            f"{info['deployment']}  until {until.replace('+00:00', 'Z')}  pid {info['pid']}"
        )
        client.close()
        found += 1
    if not found:
        click.echo(f"no signing agent runs for this user (in {agent_folder()})")


@cli.command(cls=OfflineCommand)
@account_option(signs=False)
def stop(account):
    """Stop the signing agent of ACCOUNT."""
    client = account.agent
    if client is None:
        raise click.ClickException(f"no signing agent runs for {account.alias}")
    client.stop()
    client.close()
    click.echo(f"the signing agent of {account.alias} ({client.address}) stopped")
