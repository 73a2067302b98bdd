"""Consent-gated encrypted record exchange from the command line.

    ape run exchange keys new --account hospital                       (again to rotate)
    ape run exchange keys show 0xMember
    ape run exchange share --account hospital --patient 0xPatient --to 0xRecipient --purpose treat records/*.json \\
        --salts salts.json --receipts receipts/ --store envelopes/
    ape run exchange receive <envelope id or file> --account recipient --store envelopes/ --out received/
    ape run exchange disclosures --patient 0xPatient [--fhir disclosures.json]

Keyrings hold the encryption private keys (default keys/<address>.keyring.json); their passphrase is
read from MEDCHAIN_KEYRING_PASSPHRASE, or asked for.
"""

from __future__ import annotations

import os
from pathlib import Path

import click

from medchain.cli import (
    ADDRESS,
    Group,
    Session,
    account_option,
    deployment_option,
    page_option,
    purpose_option,
    yes_option,
)

PASSPHRASE_ENV = "MEDCHAIN_KEYRING_PASSPHRASE"

keyring_option = click.option(
    "--keyring", type=click.Path(dir_okay=False, path_type=Path), help="Default: keys/<address>.keyring.json"
)
store_option = click.option(
    "--store",
    default="envelopes",
    show_default=True,
    help="The envelope store: a folder (object stores plug in through EnvelopeStore)",
)


def _suite(network, deployment, account=None, yes=False):
    """The session, and the exchange's contracts with the block it was deployed in (``account`` signs,
    unattended with ``yes``)."""
    from medchain.exchange import ExchangeSuite

    session = Session(network, deployment, account=account, yes=yes)
    exchange = session.contract("RecordExchange")  # a deployment without it is refused, naming what it has
    contracts = {name: session.contract(name) for name in ("ConsortiumRegistry", "ConsentRegistry", "RecordAnchor")}
    return session, ExchangeSuite.from_contracts(
        {**contracts, "RecordExchange": exchange}, session.block("RecordExchange")
    )


def _keyring(path: Path | None, address: str):
    from medchain.exchange import Keyring

    return Keyring.open(path or Path("keys") / f"{address}.keyring.json", address)


def _passphrase(confirm: bool = False) -> str:
    return os.environ.get(PASSPHRASE_ENV) or click.prompt(
        "keyring passphrase", hide_input=True, confirmation_prompt=confirm
    )


@click.group(cls=Group)
def cli():
    """Record exchange: encryption keys, share, receive, the accounting of disclosures."""


@cli.group()
def keys():
    """Encryption keys: make and register one (or rotate), show a member's."""


@keys.command("new")
@account_option()
@keyring_option
@deployment_option
@yes_option
def keys_new(network, account, keyring, deployment, yes):
    """Make an encryption key, keep it in the keyring, and register it (a rotation if there was one)."""
    from medchain.exchange import register_new_key

    _, suite = _suite(network, deployment, account, yes)
    ring = _keyring(keyring, account.address)
    public_key, receipt = register_new_key(suite.exchange, ring, _passphrase(confirm=not ring.entries))
    version = suite.exchange.encryptionKeyDetails(account.address).version
    click.echo(
        f"registered encryption key 0x{public_key.hex()} for {account.address} (version {version}, "
        f"tx {receipt.transaction_hash}, gas {receipt.gas_used:,}); private key in {ring.path}"
    )


@keys.command("show")
@click.argument("address", type=ADDRESS)
@deployment_option
def keys_show(network, address, deployment):
    """Print ADDRESS's registered encryption key."""
    from medchain.errors import iso_time as iso

    who = address
    key, version, set_at = _suite(network, deployment)[1].exchange.encryptionKeyDetails(who)
    if not version:
        raise click.ClickException(f"{who} has registered no encryption key")
    click.echo(f"{who}: 0x{bytes(key).hex()} (version {version}, set {iso(set_at)})")


@cli.command()
@account_option()
@click.argument("records", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--patient", required=True, type=ADDRESS, help="The patient the records are about")
@click.option("--to", "to", required=True, type=ADDRESS, help="The recipient: an active member with a registered key")
@purpose_option(multiple=False)
@click.option(
    "--category",
    help="Data categories of every record: checked against what each record says (a "
    "mismatch is refused); needed only for a kind whose category cannot be read from it",
)
@click.option("--salts", type=click.Path(dir_okay=False, path_type=Path), default=Path("salts.json"), show_default=True)
@click.option(
    "--receipts",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("receipts"),
    show_default=True,
    help="The records' anchoring receipts (searched recursively)",
)
@store_option
@click.option("--batch-size", type=click.IntRange(min=1, max=100), default=20, show_default=True)
@deployment_option
@yes_option
def share(
    network, account, records, patient, to, purpose, category, salts, receipts, store, batch_size, deployment, yes
):
    """Share anchored RECORDS with a consented recipient: encrypted for its key, each disclosure logged."""
    from medchain.consent import names, parse_categories
    from medchain.exchange import open_store, parse_purpose, prepare_items, share_records
    from medchain.records.anchoring import SaltStore

    session, suite = _suite(network, deployment, account, yes)
    items = prepare_items(
        records, salts=SaltStore(salts), receipts=receipts, category=parse_categories(category) if category else None
    )
    result = share_records(
        suite=suite,
        chain_id=session.manifest.chain_id,
        now=session.now,
        patient=patient,
        recipient=to,
        purpose=parse_purpose(purpose),
        items=items,
        store=open_store(store),
        batch_size=batch_size,
        progress=click.echo,
    )
    for e in result.envelopes:
        click.echo(f"{e.path}: envelope {e.envelope_id} ({'+'.join(names(e.category)).lower()}) at {e.location}")
    click.echo(
        f"shared {len(result.envelopes)} record(s) with {to}: {len(result.transactions)} transaction(s), "
        f"gas {result.gas_used:,}"
    )


@cli.command()
@account_option(signs=False)
@click.argument("envelope")
@keyring_option
@store_option
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=Path("received"), show_default=True)
@deployment_option
def receive(network, account, envelope, keyring, store, out, deployment):
    """Open ENVELOPE (an id in the store, or a file), check it against the chain, write the record."""
    from medchain.exchange import open_store, receive_envelope
    from medchain.exchange.store import check_id

    path = Path(envelope)
    data = path.read_bytes() if path.is_file() else open_store(store).get(check_id(envelope))
    session, suite = _suite(network, deployment)
    got = receive_envelope(
        suite=suite,
        chain_id=session.manifest.chain_id,
        data=data,
        source=envelope,
        account=account.address,
        keyring=_keyring(keyring, account.address),
        passphrase=_passphrase(),
        out_dir=out,
    )
    c, d = got.contents, got.disclosure
    click.echo(
        f"VERIFIED {got.record_path}: record 0x{c.record_hash.hex()} about patient {c.patient} from "
        f"{c.discloser} for {d.purpose_name}, disclosure logged in tx {d.tx} (block {d.block}); "
        f"{got.verdict_message}"
    )
    if not got.current_key:
        click.echo("note: wrapped to a key you have rotated since; it stays valid (your keyring keeps old keys)")
    click.echo(f"receipt with salt: {got.receipt_path}")


@cli.command()
@click.option("--patient", required=True, type=ADDRESS)
@click.option(
    "--fhir",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Also write the accounting as a FHIR R5 Bundle of AuditEvents",
)
@page_option(5_000)
@deployment_option
def disclosures(network, patient, fhir, page, deployment):
    """The patient's accounting of disclosures, from the chain's RecordDisclosed events."""
    from medchain.errors import iso_time as iso
    from medchain.exchange import audit_bundle, read_disclosures
    from medchain.jsonfiles import write_json_atomic

    who = patient
    session, suite = _suite(network, deployment)
    found = read_disclosures(session.rpc, suite.exchange.address, patient=who, from_block=suite.from_block, page=page)
    click.echo(f"{len(found)} disclosure(s) of patient {who}'s records")
    for d in found:
        click.echo(
            f"{iso(d.timestamp)}  to {d.recipient}  by {d.discloser}  {d.purpose_name:<7} "
            f"{'+'.join(d.category_names).lower():<24} record 0x{d.record_hash.hex()}  tx {d.tx}"
        )
    if fhir:
        write_json_atomic(
            fhir, audit_bundle(found, chain_id=session.manifest.chain_id, exchange=suite.exchange.address)
        )
        click.echo(f"FHIR AuditEvents: {fhir}")
