"""Anchor FHIR record files: salted hashes on chain, one receipt per record.

    ape run anchor records/bundle/ --account hospital --out receipts/ --salts salts.json

Files are hashed (RFC 8785 + a fresh salt each, saved to --salts before anything is sent); fewer
than --batch-threshold records are anchored one by one, more as one Merkle batch. Rerunning settles
a batch an interrupted run left in <out>/.pending-batch.json, checks the receipts already there on
chain (re-anchoring any the chain lost), skips the rest and recovers what reached the chain before an
interruption. A node that goes away mid-run is reported in one line with what to do.
"""

from pathlib import Path

import click
from ape import chain, project
from ape.cli import account_option

from medchain.cli import NodeCommand
from medchain.deployment import ManifestError, load_contract, manifest_path, read_manifest
from medchain.records.anchoring import DEFAULT_BATCH_THRESHOLD, SaltStore, anchor_records
from medchain.records.hashing import RecordError
from medchain.records.receipts import ReceiptError
from medchain.chain.rpc import describe, node_unreachable


@click.command(cls=NodeCommand)
@account_option()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=Path("receipts"), show_default=True)
@click.option("--salts", type=click.Path(dir_okay=False, path_type=Path), default=Path("salts.json"),
              show_default=True, help="The provider's private salt store: keep it as safe as the records.")
@click.option("--batch-threshold", type=click.IntRange(min=1), default=DEFAULT_BATCH_THRESHOLD, show_default=True)
@click.option("--include-salt", is_flag=True, help="Write each record's salt into its receipt (off by default).")
@click.option("--yes", "-y", is_flag=True, help="Sign without asking (keyfile accounts: APE_ACCOUNTS_<alias>_PASSPHRASE).")
@click.option("--manifest", type=click.Path(dir_okay=False, path_type=Path))
def cli(provider, account, paths, out, salts, batch_threshold, include_salt, yes, manifest):
    if yes and hasattr(account, "set_autosign"):
        account.set_autosign(True)
    path = manifest or manifest_path(provider.network.name)
    try:
        contract = load_contract(project, provider, "RecordAnchor", path)
        from_block = read_manifest(path).contracts["RecordAnchor"].block
        base = paths[0] if len(paths) == 1 and paths[0].is_dir() else None
        result = anchor_records(
            anchor_contract=contract, provider_account=account, chain_id=provider.chain_id, paths=paths,
            out_dir=out, salt_store=SaltStore(salts), base=base, batch_threshold=batch_threshold,
            include_salt=include_salt, from_block=from_block, progress=click.echo,
        )
    except (ManifestError, RecordError, ReceiptError) as err:
        raise click.ClickException(str(err)) from err
    except Exception as err:  # ape's calls to a node that went away
        if not node_unreachable(err):
            raise
        raise click.ClickException(
            f"the node at {provider.http_uri or provider.uri} is not answering ({describe(err)}): start it (or wait "
            f"for it) and rerun the same command: a batch in flight is written down in {out}/.pending-batch.json "
            "and settled first, and every receipt is checked on chain") from None
    click.echo(
        f"anchored {len(result.anchored)}, recovered {len(result.recovered)}, already done {len(result.skipped)}; "
        f"receipts in {out}/, salts in {salts} (head block {chain.blocks.head.number})"
    )
