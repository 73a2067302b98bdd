"""Patient consent from the command line.

    ape run consent grant --account patient --grantee 0xHospital --purpose treat --category laboratory,imaging --until +90d
    ape run consent sign --account patient --grantee 0xHospital --purpose treat --category all --until 2027-06-30 --out c.json
    ape run consent relay c.json --account hospital
    ape run consent revoke --account patient --grantee 0xHospital
    ape run consent check --patient 0xPatient --grantee 0xHospital --purpose treat --category laboratory [--fhir]
    ape run consent delegate --account patient --delegate 0xCaregiver --until +1y   (or --remove)
    ape run consent break-glass --account hospital --patient 0xPatient --reason UNCONSCIOUS_ED
    ape run consent allow-emergency --account patient --provider 0xHospital   (after ending its emergency access)

--purpose and --category repeat (or take comma-separated names); times are +90d, a date, or unix seconds.
"""

from __future__ import annotations

from pathlib import Path

import click

from medchain.cli import (
    ADDRESS,
    REASON_CODE,
    TIME,
    Group,
    Session,
    account_option,
    deployment_option,
    purpose_option,
    yes_option,
)


def category_option(*, required: bool = True, default: str | None = None):
    return click.option(
        "--category",
        "category",
        multiple=True,
        required=required and default is None,
        default=(default,) if default else (),
        show_default=default is not None,
        help="A data category (laboratory, imaging, ...), or all; repeat it, or comma-separate.",
    )


def _flags(purpose, category):
    """The ``--purpose`` and ``--category`` values as the registry's bit masks, errors naming the option."""
    from medchain.consent import parse_categories, parse_purposes

    try:
        pur = parse_purposes(",".join(purpose))
    except ValueError as err:
        raise click.BadParameter(str(err), param_hint="--purpose") from None
    try:
        cat = parse_categories(",".join(category))
    except ValueError as err:
        raise click.BadParameter(str(err), param_hint="--category") from None
    return pur, cat


def _registry(network, deployment, account=None, yes=False):
    """The session and the deployment's ConsentRegistry (signed by ``account``, unattended with ``yes``)."""
    session = Session(network, deployment, account=account, yes=yes)
    return session, session.contract("ConsentRegistry")


def _head_time(session: Session) -> int:
    """The latest block's time: one every later block may carry (a node may mine the next in the same second)."""
    return int(session.rpc.call("eth_getBlockByNumber", ["latest", False])["timestamp"], 16)


@click.group(cls=Group)
def cli():
    """Patient consent: grant, sign and relay, revoke, check, delegates, break-glass."""


@cli.command()
@account_option()
@click.option(
    "--patient",
    type=ADDRESS,
    help="The patient (default: the account, acting for itself); a delegate names the patient here.",
)
@click.option("--grantee", required=True, type=ADDRESS)
@purpose_option()
@category_option()
@click.option("--until", "until", required=True, type=TIME, help="+90d, 2027-06-30, or unix seconds")
@deployment_option
@yes_option
def grant(network, account, patient, grantee, purpose, category, until, deployment, yes):
    """Grant (or replace) a consent, sent by the patient or a delegate."""
    from medchain.consent import names
    from medchain.errors import iso_time

    session, registry = _registry(network, deployment, account, yes)
    pur, cat = _flags(purpose, category)
    end = until.at(session.now, future=True)
    receipt = registry.grant(patient or account.address, grantee, int(pur), int(cat), end)
    click.echo(
        f"granted {'+'.join(names(pur))} / {'+'.join(names(cat))} to {grantee} until {iso_time(end)} "
        f"(tx {receipt.transaction_hash}, gas {receipt.gas_used:,})"
    )


@cli.command()
@account_option()
@click.option("--grantee", required=True, type=ADDRESS)
@purpose_option(required=False)
@category_option(required=False)
@click.option("--until", "until", type=TIME, help="For a consent: +90d, 2027-06-30, or unix seconds")
@click.option("--revocation", is_flag=True, help="Sign a revocation instead of a consent.")
@click.option(
    "--nonce",
    type=click.IntRange(min=0, max=2**256 - 1),
    help="Default: a random 256-bit nonce (messages signed before any is relayed never collide).",
)
@click.option(
    "--deadline", type=TIME, default="+7d", show_default=True, help="Last moment the signature may be relayed."
)
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), required=True)
@deployment_option
@yes_option
def sign(network, account, grantee, purpose, category, until, revocation, nonce, deadline, out, deployment, yes):
    """Sign a consent (or revocation) off line as the patient; anyone may relay the file."""
    from medchain.consent import ConsentMessage, RevocationMessage, domain_of
    from medchain.consent.client import SignedMessage, new_nonce, sign_with_account
    from medchain.errors import iso_time

    session, registry = _registry(network, deployment, account, yes)
    domain = domain_of(registry, session.manifest.chain_id)
    now = session.now
    # The signing time: the latest block's, which every later block may carry (a node may mine the next
    # block in the same second). A grant signed in the very second of a decision already mined is refused
    # (at equal times the earlier decision, or the revocation, wins): the relay's check says so.
    signed_at = _head_time(session)
    n = nonce if nonce is not None else new_nonce()
    dl = deadline.at(now, future=True)
    if revocation:
        message = RevocationMessage(account.address, grantee, signed_at, n, dl)
    else:
        if not (purpose and category and until):
            raise click.UsageError("a consent needs --purpose, --category and --until (or pass --revocation)")
        pur, cat = _flags(purpose, category)
        message = ConsentMessage(account.address, grantee, pur, cat, until.at(now, future=True), signed_at, n, dl)
    signed = SignedMessage(domain, message, sign_with_account(session.signer, domain, message))
    signed.save(out)
    click.echo(
        f"signed {type(message).__name__.removesuffix('Message').lower()} at {iso_time(message.signed_at)}, "
        f"nonce {message.nonce:#x}, relayable until {iso_time(message.deadline)}: {out}"
    )


@cli.command("relay")
@account_option()
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path))
@deployment_option
@yes_option
def relay_cmd(network, account, files, deployment, yes):
    """Relay signed consents or revocations (paying their gas); each is checked before any gas is spent."""
    from medchain.consent import domain_of
    from medchain.consent.client import SignedMessage, check_before_relay, relay

    session, registry = _registry(network, deployment, account, yes)
    domain = domain_of(registry, session.manifest.chain_id)
    for path in files:
        signed = SignedMessage.load(path)
        check_before_relay(signed, domain, session.now, source=str(path), consent_registry=registry)
        receipt = relay(registry, signed)
        click.echo(f"{path}: relayed (tx {receipt.transaction_hash}, gas {receipt.gas_used:,})")


@cli.command()
@account_option()
@click.option("--patient", type=ADDRESS, help="Default: the account.")
@click.option("--grantee", required=True, type=ADDRESS)
@deployment_option
@yes_option
def revoke(network, account, patient, grantee, deployment, yes):
    """Revoke a consent (and any emergency access) of a grantee."""
    from medchain.contracts import ConsentRegistry

    _, registry = _registry(network, deployment, account, yes)
    p = patient or account.address
    receipt = registry.revoke(p, grantee)
    barred = [e for e in receipt.events if isinstance(e, ConsentRegistry.EmergencyAccessBarred)]
    click.echo(
        f"revoked {grantee}'s access to {p}; no grant signed before now can be relayed (tx {receipt.transaction_hash})"
    )
    if barred:
        click.echo(
            f"{grantee}'s emergency access ended: it may not break the glass for {p} again until "
            "`ape run consent allow-emergency`"
        )


@cli.command()
@click.option("--patient", required=True, type=ADDRESS)
@click.option("--grantee", required=True, type=ADDRESS)
@purpose_option(default=("treat",))
@category_option(default="all")
@click.option("--fhir", is_flag=True, help="Print the consent as a FHIR R5 Consent resource.")
@deployment_option
def check(network, patient, grantee, purpose, category, fhir, deployment):
    """Does the grantee hold consent for these purposes and categories right now?"""
    import json

    from medchain.consent import names
    from medchain.consent.fhir import consent_from_chain
    from medchain.errors import iso_time

    session, registry = _registry(network, deployment)
    pur, cat = _flags(purpose, category)
    allowed = registry.hasConsent(patient, grantee, int(pur), int(cat))
    record = registry.consentOf(patient, grantee)
    emergency = registry.emergencyAccessOf(patient, grantee)
    click.echo(f"consent: {'YES' if allowed else 'NO'} for {'+'.join(names(pur))} / {'+'.join(names(cat))}")
    if record.grantedAt:
        click.echo(
            f"on record: {'+'.join(names(type(pur)(record.purposes)))} / "
            f"{'+'.join(names(type(cat)(record.categories)))}, granted {iso_time(record.grantedAt)}, "
            f"valid until {iso_time(record.validUntil)}"
        )
    if emergency:
        click.echo(f"emergency access until {iso_time(emergency)}")
    if fhir:
        document = consent_from_chain(registry, patient, grantee, session.manifest.chain_id, now=_head_time(session))
        click.echo(json.dumps(document, indent=2))


@cli.command()
@account_option()
@click.option("--delegate", "delegate", required=True, type=ADDRESS)
@click.option("--until", "until", type=TIME, help="Required unless --remove.")
@click.option("--remove", is_flag=True)
@deployment_option
@yes_option
def delegate(network, account, delegate, until, remove, deployment, yes):
    """Appoint (or remove) a delegate who may grant and revoke for you."""
    from medchain.errors import iso_time

    session, registry = _registry(network, deployment, account, yes)
    if remove:
        registry.removeDelegate(delegate)
        click.echo(f"removed delegate {delegate}")
        return
    if not until:
        raise click.UsageError("--until is required to appoint a delegate")
    t = until.at(session.now, future=True)
    registry.setDelegate(delegate, t)
    click.echo(f"{delegate} may act for {account.address} until {iso_time(t)}")


@cli.command("break-glass")
@account_option()
@click.option("--patient", required=True, type=ADDRESS)
@click.option(
    "--reason", required=True, type=REASON_CODE, help="A short code such as UNCONSCIOUS_ED (never free text)."
)
@deployment_option
@yes_option
def break_glass(network, account, patient, reason, deployment, yes):
    """Emergency access (an active provider only): loudly logged, time-limited."""
    from medchain.access import decode_reason
    from medchain.contracts import ConsentRegistry
    from medchain.errors import iso_time

    _, registry = _registry(network, deployment, account, yes)
    if registry.emergencyBarred(patient, account.address):
        raise click.ClickException(
            f"the patient {patient} ended your earlier emergency access: break-glass is barred "
            "until the patient (or a delegate) allows it again"
        )
    receipt = registry.breakGlass(patient, reason)
    expires = next(e.expiresAt for e in receipt.events if isinstance(e, ConsentRegistry.EmergencyAccessed))
    click.echo(
        f"EMERGENCY ACCESS to {patient} by {account.address} ({decode_reason(reason)}) until "
        f"{iso_time(expires)}; the patient can end it"
    )


@cli.command("allow-emergency")
@account_option()
@click.option("--patient", type=ADDRESS, help="Default: the account.")
@click.option("--provider", "provider_address", required=True, type=ADDRESS)
@deployment_option
@yes_option
def allow_emergency(network, account, patient, provider_address, deployment, yes):
    """Let a provider whose emergency access you ended break the glass for you again."""
    _, registry = _registry(network, deployment, account, yes)
    p = patient or account.address
    if not registry.emergencyBarred(p, provider_address):
        raise click.BadParameter(
            f"{provider_address} is not barred from emergency access to {p}", param_hint="--provider"
        )
    receipt = registry.allowEmergencyAccess(p, provider_address)
    click.echo(f"{provider_address} may break the glass for {p} again (tx {receipt.transaction_hash})")
