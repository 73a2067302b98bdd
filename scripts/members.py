"""Consortium membership, for governance (and regulators, for suspensions).

ape run members register 0xHospital --role provider --credential licence.pdf --account governance
ape run members suspend 0xPharmacy --reason LICENCE_EXPIRED --account regulator
ape run members reinstate 0xPharmacy --account regulator
ape run members remove 0xPharmacy --role pharmacy --reason LICENCE_REVOKED --account governance
ape run members show 0xPharmacy
"""

from pathlib import Path

import click

from medchain.cli import ADDRESS, BYTES32, REASON_CODE, Group, Session, account_option, deployment_option, yes_option

ROLES = ("provider", "insurer", "manufacturer", "distributor", "pharmacy", "regulator", "auditor")
role_option = click.option("--role", required=True, type=click.Choice(ROLES, case_sensitive=False))
reason_option = click.option(
    "--reason", required=True, type=REASON_CODE, help="A short code such as LICENCE_EXPIRED (never free text)."
)


def _registry(network, deployment, account=None, yes=False):
    return Session(network, deployment, account=account, yes=yes).contract("ConsortiumRegistry")


@click.group(cls=Group)
def cli():
    """Consortium members: register, suspend, reinstate, remove, show (governance; regulators suspend)."""


@cli.command()
@account_option()
@click.argument("address", type=ADDRESS)
@role_option
@click.option(
    "--credential",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="The licence or accreditation document: only its salted hash goes on chain (a fresh salt, printed).",
)
@click.option("--credential-hash", type=BYTES32, help="Or the credential hash itself (0x + 64 hex digits).")
@yes_option
@deployment_option
def register(network, account, address, role, credential, credential_hash, yes, deployment):
    """Register ADDRESS in a role (governance). An account already holding the role is left as it is."""
    from medchain.access import MemberSpec, Role, new_salt, register_members
    from medchain.access import credential_hash as hash_of

    if bool(credential) == bool(credential_hash):
        raise click.UsageError("give exactly one of --credential FILE and --credential-hash")
    salt = None
    if credential:
        salt = new_salt()
        credential_hash = hash_of(credential.read_bytes(), salt)
    registry = _registry(network, deployment, account, yes)
    spec = MemberSpec(name=address, role=Role.parse(role), address=address, credential_hash=credential_hash)
    (result,) = register_members(registry, [spec])
    if not result.registered:
        click.echo(f"{address} already holds {spec.role.value}; nothing sent")
        return
    click.echo(
        f"registered {address} as {spec.role.label}, credential hash 0x{credential_hash.hex()} (tx {result.tx_hash})"
    )
    if salt is not None:
        click.echo(f"credential salt 0x{salt.hex()}: give it to the member with the document (it proves the hash)")


@cli.command()
@account_option()
@click.argument("address", type=ADDRESS)
@reason_option
@yes_option
@deployment_option
def suspend(network, account, address, reason, yes, deployment):
    """Suspend ADDRESS in every role (governance, or an active regulator for non-regulators)."""
    from medchain.access import decode_reason

    registry = _registry(network, deployment, account, yes)
    receipt = registry.suspendMember(address, reason)
    click.echo(f"suspended {address} ({decode_reason(reason)}) (tx {receipt.transaction_hash})")


@cli.command()
@account_option()
@click.argument("address", type=ADDRESS)
@yes_option
@deployment_option
def reinstate(network, account, address, yes, deployment):
    """Lift ADDRESS's suspension (governance, or the regulator who suspended it)."""
    registry = _registry(network, deployment, account, yes)
    receipt = registry.reinstateMember(address)
    click.echo(f"reinstated {address} (tx {receipt.transaction_hash})")


@cli.command()
@account_option()
@click.argument("address", type=ADDRESS)
@role_option
@reason_option
@yes_option
@deployment_option
def remove(network, account, address, role, reason, yes, deployment):
    """Remove ADDRESS from a role for good (governance)."""
    from medchain.access import Role, decode_reason

    registry = _registry(network, deployment, account, yes)
    receipt = registry.removeMember(address, Role.parse(role).id, reason)
    click.echo(
        f"removed {address} from {Role.parse(role).label} ({decode_reason(reason)}) (tx {receipt.transaction_hash})"
    )


@cli.command()
@click.argument("address", type=ADDRESS)
@deployment_option
def show(network, address, deployment):
    """ADDRESS's roles, registration and suspension."""
    from medchain.access import member_status
    from medchain.errors import iso_time

    status = member_status(_registry(network, deployment), address)
    if not status.roles:
        click.echo(f"{address}: not a member")
        return
    click.echo(
        f"{address}: {', '.join(r.label for r in status.roles)}; registered {iso_time(status.registered_at)}; "
        + (
            f"SUSPENDED since {iso_time(status.suspended_at)} by {status.suspended_by}"
            if status.suspended_at
            else "active"
        )
    )
