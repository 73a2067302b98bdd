"""Patient consent from the command line.

    ape run consent grant --account patient --grantee 0xHospital --purposes treat --categories laboratory,imaging --until +90d
    ape run consent sign --account patient --grantee 0xHospital --purposes treat --categories all --until 2027-06-30 --out c.json
    ape run consent relay c.json --account hospital
    ape run consent revoke --account patient --grantee 0xHospital
    ape run consent check --patient 0xPatient --grantee 0xHospital --purposes treat --categories laboratory [--fhir]
    ape run consent delegate --account patient --delegate 0xCaregiver --until +1y   (or --remove)
    ape run consent break-glass --account hospital --patient 0xPatient --reason UNCONSCIOUS_ED
    ape run consent allow-emergency --account patient --provider 0xHospital   (after ending its emergency access)
"""

from __future__ import annotations

import json
from pathlib import Path

import click
from ape import chain, project
from ape.cli import ConnectedProviderCommand, account_option
from ape.exceptions import ContractLogicError

from medchain.access import reason_code
from medchain.consent import ConsentMessage, RevocationMessage, domain_of, names, parse_categories, parse_purposes
from medchain.consent.client import (
    ConsentInputError,
    SignedMessage,
    check_before_relay,
    iso,
    new_nonce,
    parse_address,
    parse_time,
    relay,
    sign_with_account,
)
from medchain.consent.fhir import consent_from_chain
from medchain.deployment import ManifestError, load_contract

yes_option = click.option(
    "--yes", "-y", is_flag=True,
    help="Sign without asking (keyfile accounts read APE_ACCOUNTS_<alias>_PASSPHRASE).",
)


def _unattended(account, yes: bool) -> None:
    if yes and hasattr(account, "set_autosign"):
        account.set_autosign(True)


manifest_option = click.option(
    "--manifest", type=click.Path(dir_okay=False, path_type=Path), help="Default: deployments/<network>.json"
)


def _registry(provider, manifest):
    try:
        return load_contract(project, provider, "ConsentRegistry", manifest)
    except ManifestError as err:
        raise click.ClickException(str(err)) from err


def _inputs(fn):
    """Run `fn`, turning input errors into clean command-line errors that name the field."""
    try:
        return fn()
    except (ConsentInputError, ValueError) as err:
        raise click.UsageError(str(err)) from err


def _now() -> int:
    return chain.pending_timestamp


@click.group()
def cli():
    """Patient consent: grant, sign and relay, revoke, check, delegates, break-glass."""


@cli.command(cls=ConnectedProviderCommand)
@account_option()
@click.option("--patient", help="The patient (default: the account, acting for itself); a delegate names the patient here.")
@click.option("--grantee", required=True)
@click.option("--purposes", required=True, help="Comma-separated: treat, hpaymt, hoperat, hresch, pubhlth, etreat")
@click.option("--categories", required=True, help="Comma-separated category names, or all")
@click.option("--until", "until", required=True, help="+90d, 2027-06-30, or unix seconds")
@manifest_option
@yes_option
def grant(provider, account, patient, grantee, purposes, categories, until, manifest, yes):
    """Grant (or replace) a consent, sent by the patient or a delegate."""
    _unattended(account, yes)
    registry = _registry(provider, manifest)
    args = _inputs(lambda: (
        parse_address(patient or account.address, "--patient"), parse_address(grantee, "--grantee"),
        parse_purposes(purposes), parse_categories(categories), parse_time(until, "--until", _now()),
    ))
    receipt = registry.grant(*args[:2], int(args[2]), int(args[3]), args[4], sender=account)
    click.echo(f"granted {'+'.join(names(args[2]))} / {'+'.join(names(args[3]))} to {args[1]} until {iso(args[4])} "
               f"(tx {receipt.txn_hash}, gas {receipt.gas_used:,})")


@cli.command(cls=ConnectedProviderCommand)
@account_option()
@click.option("--grantee", required=True)
@click.option("--purposes", help="For a consent (omit with --revocation)")
@click.option("--categories")
@click.option("--until", "until")
@click.option("--revocation", is_flag=True, help="Sign a revocation instead of a consent.")
@click.option("--nonce", type=click.IntRange(min=0, max=2**256 - 1),
              help="Default: a random 256-bit nonce (messages signed before any is relayed never collide).")
@click.option("--deadline", default="+7d", show_default=True, help="Last moment the signature may be relayed.")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), required=True)
@manifest_option
@yes_option
def sign(provider, account, grantee, purposes, categories, until, revocation, nonce, deadline, out, manifest, yes):
    """Sign a consent (or revocation) off line as the patient; anyone may relay the file."""
    _unattended(account, yes)
    registry = _registry(provider, manifest)
    domain = domain_of(registry, provider.chain_id)
    now = _now()
    # The signing time: the latest block's, which every later block may carry (a node may mine the next
    # block in the same second). A grant signed in the very second of a decision already mined is refused
    # (at equal times the earlier decision, or the revocation, wins): the relay's check says so.
    signed_at = chain.blocks.head.timestamp

    def build():
        patient = str(account.address)
        grantee_addr = parse_address(grantee, "--grantee")
        n = nonce if nonce is not None else new_nonce()
        dl = parse_time(deadline, "--deadline", now)
        if revocation:
            return RevocationMessage(patient, grantee_addr, signed_at, n, dl)
        if not (purposes and categories and until):
            raise ConsentInputError("a consent needs --purposes, --categories and --until (or pass --revocation)")
        return ConsentMessage(patient, grantee_addr, parse_purposes(purposes), parse_categories(categories),
                              parse_time(until, "--until", now), signed_at, n, dl)

    message = _inputs(build)
    signed = SignedMessage(domain, message, sign_with_account(account, domain, message))
    signed.save(out)
    click.echo(f"signed {type(message).__name__.removesuffix('Message').lower()} at {iso(message.signed_at)}, "
               f"nonce {message.nonce:#x}, relayable until {iso(message.deadline)}: {out}")


@cli.command("relay", cls=ConnectedProviderCommand)
@account_option()
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path))
@manifest_option
@yes_option
def relay_cmd(provider, account, files, manifest, yes):
    """Relay signed consents or revocations (paying their gas)."""
    _unattended(account, yes)
    registry = _registry(provider, manifest)
    domain = domain_of(registry, provider.chain_id)
    for path in files:
        signed = _inputs(lambda: SignedMessage.load(path))
        try:
            check_before_relay(signed, domain, _now(), source=str(path), consent_registry=registry)
        except ConsentInputError as err:
            # Not a usage mistake: the message cannot take effect on this chain. One line, no usage text.
            raise click.ClickException(str(err)) from None
        try:
            receipt = relay(registry, signed, account)
        except ContractLogicError as err:
            # Something changed between the check and the transaction (another relayer was faster).
            raise click.ClickException(f"{path}: refused by the registry: {err}") from None
        click.echo(f"{path}: relayed (tx {receipt.txn_hash}, gas {receipt.gas_used:,})")


@cli.command(cls=ConnectedProviderCommand)
@account_option()
@click.option("--patient", help="Default: the account.")
@click.option("--grantee", required=True)
@manifest_option
@yes_option
def revoke(provider, account, patient, grantee, manifest, yes):
    """Revoke a consent (and any emergency access) of a grantee."""
    _unattended(account, yes)
    registry = _registry(provider, manifest)
    p, g = _inputs(lambda: (parse_address(patient or account.address, "--patient"), parse_address(grantee, "--grantee")))
    receipt = registry.revoke(p, g, sender=account)
    barred = receipt.events.filter(registry.EmergencyAccessBarred)
    click.echo(f"revoked {g}'s access to {p}; no grant signed before now can be relayed (tx {receipt.txn_hash})")
    if barred:
        click.echo(f"{g}'s emergency access ended: it may not break the glass for {p} again until "
                   "`ape run consent allow-emergency`")


@cli.command(cls=ConnectedProviderCommand)
@click.option("--patient", required=True)
@click.option("--grantee", required=True)
@click.option("--purposes", default="treat", show_default=True)
@click.option("--categories", default="all", show_default=True)
@click.option("--fhir", is_flag=True, help="Print the consent as a FHIR R5 Consent resource.")
@manifest_option
def check(provider, patient, grantee, purposes, categories, fhir, manifest):
    """Does the grantee hold consent for these purposes and categories right now?"""
    registry = _registry(provider, manifest)
    p, g, pur, cat = _inputs(lambda: (parse_address(patient, "--patient"), parse_address(grantee, "--grantee"),
                                      parse_purposes(purposes), parse_categories(categories)))
    allowed = registry.hasConsent(p, g, int(pur), int(cat))
    record = registry.consentOf(p, g)
    emergency = registry.emergencyAccessOf(p, g)
    click.echo(f"consent: {'YES' if allowed else 'NO'} for {'+'.join(names(pur))} / {'+'.join(names(cat))}")
    if record[3]:
        click.echo(f"on record: {'+'.join(names(type(pur)(record[0])))} / {'+'.join(names(type(cat)(record[1])))}, "
                   f"granted {iso(record[3])}, valid until {iso(record[2])}")
    if emergency:
        click.echo(f"emergency access until {iso(emergency)}")
    if fhir:
        click.echo(json.dumps(_inputs(lambda: consent_from_chain(registry, p, g, provider.chain_id, now=chain.blocks.head.timestamp)), indent=2))


@cli.command(cls=ConnectedProviderCommand)
@account_option()
@click.option("--delegate", "delegate", required=True)
@click.option("--until", "until", help="Required unless --remove.")
@click.option("--remove", is_flag=True)
@manifest_option
@yes_option
def delegate(provider, account, delegate, until, remove, manifest, yes):
    """Appoint (or remove) a delegate who may grant and revoke for you."""
    _unattended(account, yes)
    registry = _registry(provider, manifest)
    d = _inputs(lambda: parse_address(delegate, "--delegate"))
    if remove:
        registry.removeDelegate(d, sender=account)
        click.echo(f"removed delegate {d}")
        return
    if not until:
        raise click.UsageError("--until is required to appoint a delegate")
    t = _inputs(lambda: parse_time(until, "--until", _now()))
    registry.setDelegate(d, t, sender=account)
    click.echo(f"{d} may act for {account.address} until {iso(t)}")


@cli.command("break-glass", cls=ConnectedProviderCommand)
@account_option()
@click.option("--patient", required=True)
@click.option("--reason", required=True, help="A short code such as UNCONSCIOUS_ED (never free text).")
@manifest_option
@yes_option
def break_glass(provider, account, patient, reason, manifest, yes):
    """Emergency access (an active provider only): loudly logged, time-limited."""
    _unattended(account, yes)
    registry = _registry(provider, manifest)
    p, code = _inputs(lambda: (parse_address(patient, "--patient"), reason_code(reason)))
    if registry.emergencyBarred(p, account.address):
        raise click.ClickException(f"the patient {p} ended your earlier emergency access: break-glass is barred "
                                   "until the patient (or a delegate) allows it again")
    receipt = registry.breakGlass(p, code, sender=account)
    expires = receipt.events.filter(registry.EmergencyAccessed)[0].expiresAt
    click.echo(f"EMERGENCY ACCESS to {p} by {account.address} ({reason}) until {iso(expires)}; the patient can end it")


@cli.command("allow-emergency", cls=ConnectedProviderCommand)
@account_option()
@click.option("--patient", help="Default: the account.")
@click.option("--provider", "provider_address", required=True)
@manifest_option
@yes_option
def allow_emergency(provider, account, patient, provider_address, manifest, yes):
    """Let a provider whose emergency access you ended break the glass for you again."""
    _unattended(account, yes)
    registry = _registry(provider, manifest)
    p, g = _inputs(lambda: (parse_address(patient or account.address, "--patient"),
                            parse_address(provider_address, "--provider")))
    if not registry.emergencyBarred(p, g):
        raise click.UsageError(f"--provider: {g} is not barred from emergency access to {p}")
    receipt = registry.allowEmergencyAccess(p, g, sender=account)
    click.echo(f"{g} may break the glass for {p} again (tx {receipt.txn_hash})")
