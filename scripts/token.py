"""The test stable token of a test deployment (deployed with --test-token, or on the local chain).

ape run token mint 0xInsurer 20000 --account deployer
"""

import click

from medchain.cli import ADDRESS, AMOUNT, Group, Session, account_option, deployment_option, yes_option


@click.group(cls=Group)
def cli():
    """The test stable token: mint (test deployments only; a real settlement token is refused)."""


@cli.command()
@account_option()
@click.argument("to", type=ADDRESS)
@click.argument("amount", type=AMOUNT)
@yes_option
@deployment_option
def mint(network, account, to, amount, yes, deployment):
    """Mint AMOUNT test tokens to TO. Refused when the deployment settles claims in another token."""
    from medchain.claims.inputs import format_units

    session = Session(network, deployment, account=account, yes=yes)
    settles_in = session.contract("ClaimSettlement").token()
    if (
        "TestStableToken" not in session.manifest.contracts
        or session.manifest.address_of("TestStableToken").lower() != settles_in.lower()
    ):
        raise click.ClickException(
            f"{session.path}: this deployment settles in {settles_in}, not the test "
            "token: get tokens from that token's issuer; nothing was minted"
        )
    token = session.contract("TestStableToken")
    decimals = token.decimals()
    units = amount.units(decimals)
    receipt = token.mint(to, units)
    click.echo(
        f"minted {format_units(units, decimals)} {token.symbol()} to {to}; it holds "
        f"{format_units(token.balanceOf(to), decimals)} (tx {receipt.transaction_hash})"
    )
