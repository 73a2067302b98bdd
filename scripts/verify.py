"""Verify a record against its receipt and the chain, with a verdict a person understands.

    ape run verify record.json --receipt record.receipt.json --salt 0x...     (or --salts salts.json)

Exit status: 0 when the record is anchored, unchanged and current; 1 otherwise.
"""

import sys
from pathlib import Path

import click
from ape import project
from ape.cli import ConnectedProviderCommand

from medchain.deployment import ManifestError, load_contract
from medchain.records.anchoring import SaltStore, verify_record
from medchain.records.hashing import RecordError, RecordFile, parse_salt
from medchain.records.receipts import Receipt, ReceiptError


@click.command(cls=ConnectedProviderCommand)
@click.argument("record", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--receipt", "receipt_file", required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--salt", help="The record's salt (0x + 64 hex digits).")
@click.option("--salts", type=click.Path(dir_okay=False, path_type=Path), help="A salt store to look the salt up in.")
@click.option("--manifest", type=click.Path(dir_okay=False, path_type=Path))
def cli(provider, record, receipt_file, salt, salts, manifest):
    try:
        rec = RecordFile.read(record)
        receipt = Receipt.load(receipt_file)
        if salt:
            salt_bytes = parse_salt(salt)
        elif salts:
            salt_bytes = SaltStore(salts).get(rec)
            if salt_bytes is None:
                raise RecordError(f"{salts}: no salt for {record} (was the record changed?)")
        elif receipt.salt:
            salt_bytes = receipt.salt
        else:
            raise click.UsageError("give the record's --salt (or --salts FILE): the receipt does not carry it")
        contract = load_contract(project, provider, "RecordAnchor", manifest)
        verdict = verify_record(anchor_contract=contract, chain_id=provider.chain_id, record=rec, salt=salt_bytes,
                                receipt=receipt)
    except (ManifestError, RecordError, ReceiptError) as err:
        raise click.ClickException(str(err)) from err
    click.echo(f"{record}: {verdict.message}")
    sys.exit(0 if verdict.ok else 1)
