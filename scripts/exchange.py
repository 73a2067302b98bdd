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
from ape import chain, project
from ape.cli import ConnectedProviderCommand, account_option
from ape.exceptions import ContractLogicError

from medchain.consent import names, parse_categories
from medchain.consent.client import ConsentInputError, iso, parse_address
from medchain.deployment import ManifestError, load_suite, manifest_path, read_manifest
from medchain.exchange import (
    ExchangeKeyError,
    ExchangeSuite,
    Keyring,
    ReceiveRefused,
    ShareRefused,
    StoreError,
    audit_bundle,
    open_store,
    parse_purpose,
    prepare_items,
    read_disclosures,
    receive_envelope,
    register_new_key,
    share_records,
)
from medchain.exchange.envelope import EnvelopeError
from medchain.exchange.store import check_id
from medchain.jsonfiles import write_json_atomic
from medchain.records.anchoring import SaltStore

PASSPHRASE_ENV = "MEDCHAIN_KEYRING_PASSPHRASE"

yes_option = click.option(
    "--yes", "-y", is_flag=True, help="Sign without asking (keyfile accounts read APE_ACCOUNTS_<alias>_PASSPHRASE)."
)
manifest_option = click.option(
    "--manifest", type=click.Path(dir_okay=False, path_type=Path), help="Default: deployments/<network>.json"
)
keyring_option = click.option(
    "--keyring", type=click.Path(dir_okay=False, path_type=Path), help="Default: keys/<address>.keyring.json"
)
store_option = click.option("--store", default="envelopes", show_default=True,
                            help="The envelope store: a folder (object stores plug in through EnvelopeStore)")

ERRORS = (ConsentInputError, ExchangeKeyError, EnvelopeError, ManifestError, ReceiveRefused, ShareRefused, StoreError,
          ValueError)


def _run(fn):
    """Run `fn`; refusals and bad input become clean command-line errors, contract refusals by error name."""
    try:
        return fn()
    except ContractLogicError as err:
        raise click.ClickException(f"refused by the contract: {type(err).__name__} {err}") from err
    except ERRORS as err:
        raise click.ClickException(f"REFUSED: {err}" if isinstance(err, (ShareRefused, ReceiveRefused, EnvelopeError))
                                   else str(err)) from err


def _suite(provider, manifest) -> ExchangeSuite:
    path = manifest or manifest_path(provider.network.name)
    _, contracts = load_suite(project, provider, path)
    if "RecordExchange" not in contracts:
        raise ManifestError(f"{path}: no RecordExchange in this deployment")
    return ExchangeSuite.from_contracts(contracts, read_manifest(path).contracts["RecordExchange"].block)


def _keyring(path: Path | None, address: str) -> Keyring:
    return Keyring.open(path or Path("keys") / f"{address}.keyring.json", address)


def _passphrase(confirm: bool = False) -> str:
    return os.environ.get(PASSPHRASE_ENV) or click.prompt("keyring passphrase", hide_input=True,
                                                           confirmation_prompt=confirm)


def _unattended(account, yes: bool) -> None:
    if yes and hasattr(account, "set_autosign"):
        account.set_autosign(True)


@click.group()
def cli():
    """Record exchange: encryption keys, share, receive, the accounting of disclosures."""


@cli.group()
def keys():
    """Encryption keys: make and register one (or rotate), show a member's."""


@keys.command("new", cls=ConnectedProviderCommand)
@account_option()
@keyring_option
@manifest_option
@yes_option
def keys_new(provider, account, keyring, manifest, yes):
    """Make an encryption key, keep it in the keyring, and register it (a rotation if there was one)."""
    _unattended(account, yes)

    def run():
        suite = _suite(provider, manifest)
        ring = _keyring(keyring, account.address)
        public_key, receipt = register_new_key(suite.exchange, account, ring, _passphrase(confirm=not ring.entries))
        _, version, _ = suite.exchange.encryptionKeyDetails(account.address)
        click.echo(f"registered encryption key 0x{public_key.hex()} for {account.address} (version {version}, "
                   f"tx {receipt.txn_hash}, gas {receipt.gas_used:,}); private key in {ring.path}")

    _run(run)


@keys.command("show", cls=ConnectedProviderCommand)
@click.argument("address")
@manifest_option
def keys_show(provider, address, manifest):
    """Print ADDRESS's registered encryption key."""

    def run():
        who = parse_address(address, "ADDRESS")
        key, version, set_at = _suite(provider, manifest).exchange.encryptionKeyDetails(who)
        if not version:
            raise click.ClickException(f"{who} has registered no encryption key")
        click.echo(f"{who}: 0x{bytes(key).hex()} (version {version}, set {iso(set_at)})")

    _run(run)


@cli.command(cls=ConnectedProviderCommand)
@account_option()
@click.argument("records", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--patient", required=True, help="The patient the records are about")
@click.option("--to", "to", required=True, help="The recipient: an active member with a registered key")
@click.option("--purpose", required=True, help="One PurposeOfUse: treat, hpaymt, hoperat, hresch, pubhlth, etreat")
@click.option("--category", help="Data categories of every record: checked against what each record says (a "
              "mismatch is refused); needed only for a kind whose category cannot be read from it")
@click.option("--salts", type=click.Path(dir_okay=False, path_type=Path), default=Path("salts.json"), show_default=True)
@click.option("--receipts", type=click.Path(file_okay=False, path_type=Path), default=Path("receipts"),
              show_default=True, help="The records' anchoring receipts (searched recursively)")
@store_option
@click.option("--batch-size", type=click.IntRange(min=1, max=100), default=20, show_default=True)
@manifest_option
@yes_option
def share(provider, account, records, patient, to, purpose, category, salts, receipts, store, batch_size, manifest,
          yes):
    """Share anchored RECORDS with a consented recipient: encrypted for its key, each disclosure logged."""
    _unattended(account, yes)

    def run():
        suite = _suite(provider, manifest)
        items = prepare_items(records, salts=SaltStore(salts), receipts=receipts,
                              category=parse_categories(category) if category else None)
        result = share_records(
            suite=suite, sender=account, chain_id=provider.chain_id, now=chain.pending_timestamp,
            patient=parse_address(patient, "--patient"), recipient=parse_address(to, "--to"),
            purpose=parse_purpose(purpose), items=items, store=open_store(store), batch_size=batch_size,
            progress=click.echo,
        )
        for e in result.envelopes:
            click.echo(f"{e.path}: envelope {e.envelope_id} ({'+'.join(names(e.category)).lower()}) at {e.location}")
        click.echo(f"shared {len(result.envelopes)} record(s) with {to}: {len(result.transactions)} transaction(s), "
                   f"gas {result.gas_used:,}")

    _run(run)


@cli.command(cls=ConnectedProviderCommand)
@account_option()
@click.argument("envelope")
@keyring_option
@store_option
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=Path("received"), show_default=True)
@manifest_option
def receive(provider, account, envelope, keyring, store, out, manifest):
    """Open ENVELOPE (an id in the store, or a file), check it against the chain, write the record."""

    def run():
        path = Path(envelope)
        data = path.read_bytes() if path.is_file() else open_store(store).get(check_id(envelope))
        suite = _suite(provider, manifest)
        got = receive_envelope(suite=suite, rpc=provider.http_uri, chain_id=provider.chain_id, data=data,
                               source=envelope, account=account.address, keyring=_keyring(keyring, account.address),
                               passphrase=_passphrase(), out_dir=out)
        c, d = got.contents, got.disclosure
        click.echo(f"VERIFIED {got.record_path}: record 0x{c.record_hash.hex()} about patient {c.patient} from "
                   f"{c.discloser} for {d.purpose_name}, disclosure logged in tx {d.tx} (block {d.block}); "
                   f"{got.verdict_message}")
        if not got.current_key:
            click.echo("note: wrapped to a key you have rotated since; it stays valid (your keyring keeps old keys)")
        click.echo(f"receipt with salt: {got.receipt_path}")

    _run(run)


@cli.command(cls=ConnectedProviderCommand)
@click.option("--patient", required=True)
@click.option("--fhir", type=click.Path(dir_okay=False, path_type=Path),
              help="Also write the accounting as a FHIR R5 Bundle of AuditEvents")
@click.option("--page", type=click.IntRange(min=1), default=5000, show_default=True, help="Blocks per eth_getLogs")
@manifest_option
def disclosures(provider, patient, fhir, page, manifest):
    """The patient's accounting of disclosures, from the chain's RecordDisclosed events."""

    def run():
        who = parse_address(patient, "--patient")
        suite = _suite(provider, manifest)
        found = read_disclosures(provider.http_uri, suite.exchange.address, patient=who, from_block=suite.from_block,
                                 page=page)
        click.echo(f"{len(found)} disclosure(s) of patient {who}'s records")
        for d in found:
            click.echo(f"{iso(d.timestamp)}  to {d.recipient}  by {d.discloser}  {d.purpose_name:<7} "
                       f"{'+'.join(d.category_names).lower():<24} record 0x{d.record_hash.hex()}  tx {d.tx}")
        if fhir:
            write_json_atomic(fhir, audit_bundle(found, chain_id=provider.chain_id, exchange=suite.exchange.address))
            click.echo(f"FHIR AuditEvents: {fhir}")

    _run(run)
