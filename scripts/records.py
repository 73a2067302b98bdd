"""Medical records: anchor their salted hashes on chain, verify a record against its receipt.

ape run records anchor records/bundle/ --account hospital --out receipts/ --salts salts.json
ape run records verify record.json --receipt record.receipt.json --salt 0x...     (or --salts salts.json)
"""

from pathlib import Path

import click

from medchain.cli import Group, Session, account_option, deployment_option, yes_option


@click.group(cls=Group)
def cli():
    """Medical records: anchor salted hashes (one receipt per record), verify a record against the chain."""


@cli.command(
    rerun="rerun the same command: a batch in flight (in {out}/.pending-batch.json) is settled first, "
    "and every receipt is checked on chain"
)
@account_option()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=Path("receipts"), show_default=True)
@click.option(
    "--salts",
    type=click.Path(dir_okay=False, path_type=Path),
    default=Path("salts.json"),
    show_default=True,
    help="The provider's private salt store: keep it as safe as the records.",
)
@click.option(
    "--batch-threshold",
    type=click.IntRange(min=1),
    default=None,
    help="From this many records on, anchor them as one Merkle batch. Default: the library's (8).",
)
@click.option("--include-salt", is_flag=True, help="Write each record's salt into its receipt (off by default).")
@yes_option
@deployment_option
def anchor(network, account, paths, out, salts, batch_threshold, include_salt, yes, deployment):
    """Anchor FHIR record files (files or folders): salted hashes on chain, one receipt per record.

    Files are hashed (RFC 8785 + a fresh salt each, saved to --salts before anything is sent); fewer than
    --batch-threshold records are anchored one by one, more as one Merkle batch. Rerunning settles an
    interrupted batch, checks the receipts already there on chain, and skips the rest."""
    from medchain.records.anchoring import DEFAULT_BATCH_THRESHOLD, SaltStore, anchor_records

    session = Session(network, deployment, account=account, yes=yes)
    contract = session.contract("RecordAnchor")
    base = paths[0] if len(paths) == 1 and paths[0].is_dir() else None
    result = anchor_records(
        anchor_contract=contract,
        paths=paths,
        out_dir=out,
        salt_store=SaltStore(salts),
        base=base,
        batch_threshold=batch_threshold or DEFAULT_BATCH_THRESHOLD,
        include_salt=include_salt,
        from_block=session.block("RecordAnchor"),
        progress=click.echo,
    )
    click.echo(
        f"anchored {len(result.anchored)}, recovered {len(result.recovered)}, already done {len(result.skipped)}; "
        f"receipts in {out}/, salts in {salts} (head block {session.rpc.block_number()})"
    )


@cli.command()
@click.argument("record", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--receipt", "receipt_file", required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--salt", help="The record's salt (0x + 64 hex digits).")
@click.option("--salts", type=click.Path(dir_okay=False, path_type=Path), help="A salt store to look the salt up in.")
@deployment_option
def verify(network, record, receipt_file, salt, salts, deployment):
    """Verify RECORD against its receipt and the chain, with a verdict a person understands.

    Exit status: 0 when the record is anchored, unchanged and current; 1 otherwise."""
    from medchain.records.anchoring import SaltStore, verify_record
    from medchain.records.hashing import RecordError, RecordFile, parse_salt
    from medchain.records.receipts import Receipt

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
    session = Session(network, deployment)
    verdict = verify_record(
        anchor_contract=session.contract("RecordAnchor"),
        chain_id=session.manifest.chain_id,
        record=rec,
        salt=salt_bytes,
        receipt=receipt,
    )
    click.echo(f"{record}: {verdict.message}")
    raise SystemExit(0 if verdict.ok else 1)
