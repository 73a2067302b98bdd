"""An insurer's bulk claim submission: check the whole file, submit in batches, resume safely.

    ape run submit_claims --file claims.csv --account insurer [--network ...]
    ape run submit_claims --file bundle.json --mapping pseudonyms.json --account insurer --skip-invalid

Formats: CSV, JSON lines (.jsonl) or a FHIR R4 Bundle of Claims (.json); columns and mapping are in
medchain/claims/inputs.py and the README. Nothing is sent unless the whole file is valid (or
--skip-invalid: the bad rows go to a rejects file). Claims go through ClaimSettlement.submitClaims,
signed locally and pipelined; the journal (SQLite) makes a rerun send only what is not on chain yet.
It ends with a summary; what became of each claim is in one NDJSON file (--responses), and, with
--fhir-files, in one FHIR ClaimResponse file per claim.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click
from ape.cli import account_option

from medchain.cli import NodeCommand

if TYPE_CHECKING:
    from medchain.claims.bulk import Progress

# ape loads every script for each `ape run`: the SDK is imported when this command runs, not before.

def _progress_lines():
    """For logs (no terminal): one line per tenth of the claims mined."""
    shown = {"tenth": -1}

    def report(p: Progress) -> None:
        tenth = 10 * p.settled // p.total if p.total else 10
        if tenth > shown["tenth"]:
            shown["tenth"] = tenth
            click.echo(f"  {p.settled:,}/{p.total:,} claims mined, {p.rate:,.0f} claims/s", err=True)
    return report


def _progress(p: Progress) -> None:
    width = 30
    done = int(width * p.settled / p.total) if p.total else width
    click.echo(f"\r  [{'#' * done}{'.' * (width - done)}] {p.settled:,}/{p.total:,} claims mined, "
               f"{p.rate:,.0f} claims/s", err=True, nl=p.settled >= p.total)


@click.command(cls=NodeCommand)
@account_option()
@click.option("--file", "file_", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="Claims: .csv, .jsonl or a FHIR R4 Bundle (.json).")
@click.option("--mapping", type=click.Path(dir_okay=False, path_type=Path),
              help="FHIR only: pseudonym mapping file (reference -> address or policy id).")
@click.option("--codes-key", type=click.Path(dir_okay=False, path_type=Path),
              help="The insurer's secret for the codes hash. Default: the insurer's key for this deployment, "
                   "created once by `ape run claims keygen` (never by this command).")
@click.option("--journal", type=click.Path(dir_okay=False, path_type=Path),
              help="Default: <file>.journal.sqlite next to the file.")
@click.option("--responses", type=click.Path(dir_okay=False, path_type=Path),
              help="What became of each claim, one JSON line per claim. Default: <file>.responses.ndjson")
@click.option("--fhir-files", type=click.Path(file_okay=False, path_type=Path),
              help="Also write one FHIR ClaimResponse file per claim into this folder.")
@click.option("--skip-invalid", is_flag=True, help="Submit the valid claims; write the invalid rows to a rejects file.")
@click.option("--rejects", type=click.Path(dir_okay=False, path_type=Path), help="Default: <file>.rejects.csv/.jsonl/.json (the rows as read; their problems in <rejects>.errors.csv)")
@click.option("--batch-size", type=click.IntRange(1, 1_000),
              help="Most claims per transaction (fewer when the gas or calldata bound is reached first). "
                   "Default: 250 (medchain.claims.bulk.DEFAULT_BATCH_SIZE).")
@click.option("--window", type=click.IntRange(1, 64),
              help="Transactions in flight. Default: what two blocks hold (from the block gas limit).")
@click.option("--retry-rejected", is_flag=True, help="Send again the claims the chain refused in an earlier run.")
@click.option("--dry-run", is_flag=True, help="Check the file (and the policies on chain) and stop.")
@click.option("--patience", type=click.FloatRange(min=0.1), default=30.0, show_default=True,
              help="Seconds to wait for a node that does not answer, fails or does not mine, before stopping.")
@click.option("--yes", "-y", is_flag=True, help="Sign without asking (keyfile accounts: APE_ACCOUNTS_<alias>_PASSPHRASE).")
@click.option("--currency", default="USD", show_default=True,
              help="ISO 4217 currency of the amounts (an amount may not have more decimals than it has).")
@click.option("--manifest", type=click.Path(dir_okay=False, path_type=Path))
def cli(provider, account, file_, mapping, codes_key, journal, responses, fhir_files, skip_invalid, rejects,
        batch_size, window, retry_rejected, dry_run, patience, currency, yes, manifest):
    """Submit a file of claims in batches; a rerun resumes (see the module's docstring)."""
    from ape import project

    from medchain.claims.bulk import ApeSigner, BulkSubmitError
    from medchain.claims.client import reason_text
    from medchain.claims.inputs import ClaimInputError, format_units
    from medchain.claims.journal import JournalError
    from medchain.claims.keys import KEY_FILE, committed_fingerprint, insurer_dir
    from medchain.claims.submission import load_codes_key, load_mapping, submit_file
    from medchain.deployment import ManifestError, load_contract
    from medchain.rpc import describe, http_web3, node_unreachable

    if yes and hasattr(account, "set_autosign"):
        account.set_autosign(True)
    try:
        contract = load_contract(project, provider, "ClaimSettlement", manifest)
        token = project.TestStableToken.at(contract.token())  # any ERC-20: only decimals() and symbol() are read
        decimals, symbol = token.decimals(), token.symbol()
        # Our own HTTP connection: requests time out after --patience (ape's wait 30 minutes).
        w3 = http_web3(provider.http_uri, timeout=patience) if provider.http_uri else provider.web3
        folder = insurer_dir(provider.chain_id, contract.address, account.address)
        key = load_codes_key(codes_key or folder / KEY_FILE)
        report = submit_file(
            file_, w3=w3, contract=contract.address, signer=ApeSigner(account, provider.network.ecosystem),
            journal_path=journal or file_.with_name(file_.name + ".journal.sqlite"),
            codes_key=key, decimals=decimals, mapping=load_mapping(mapping), currency=currency,
            insurer_folder=folder,
            key_committed=lambda: committed_fingerprint(contract.codesKeyCommitmentOf(account.address)),
            skip_invalid=skip_invalid, rejects_path=rejects,
            responses_file=responses or file_.with_name(file_.name + ".responses.ndjson"), responses_dir=fhir_files,
            **({"batch_size": batch_size} if batch_size else {}),
            window=window, retry_rejected=retry_rejected, dry_run=dry_run, patience=patience,
            stall_timeout=patience, progress=_progress if sys.stderr.isatty() else _progress_lines(),
            log=lambda message: click.echo(f"  {message}", err=True),
        )
    except ClaimInputError as err:
        raise click.ClickException(str(err)) from err
    except (ManifestError, JournalError, BulkSubmitError) as err:
        raise click.ClickException(str(err)) from err
    except Exception as err:  # ape's own calls (manifest check, token) to a node that went away
        if not node_unreachable(err):
            raise
        raise click.ClickException(f"the node at {provider.http_uri or provider.uri} is not answering "
                                   f"({describe(err)}); nothing was sent: start it (or wait for it) and rerun the "
                                   "same command") from None
    if report.rejects_file:
        click.echo(f"{report.skipped_invalid} invalid row(s) skipped, written to {report.rejects_file} (as read: "
                   f"correct them there and submit that file; what is wrong with each is in "
                   f"{report.rejects_file}.errors.csv)")
    if dry_run:
        click.echo(f"{report.summary['valid']} valid claim(s); nothing sent (--dry-run)")
        return
    result = report.result
    s = report.summary
    click.echo(f"{len(report.parsed.rows)} claim(s) in {file_}: sent {result.sent} in {result.transactions} "
               f"transaction(s), recovered {result.recovered}, already done {result.already_done}, duplicates of "
               f"earlier submissions {len(result.duplicates)}"
               + (f" ({result.claims_per_second:,.0f} claims/s)" if result.sent else ""))
    for note in result.notes:
        click.echo(f"  note: {note}")
    click.echo("outcomes: " + ", ".join(f"{k} {v}" for k, v in sorted(s["outcomes"].items())))
    if s["reasons"]:
        click.echo("reason codes: " + ", ".join(f"{reason_text(k)} x{v}" for k, v in s["reasons"].items()))
    if s["refused"]:
        click.echo(f"{len(s['refused'])} claim(s) not accepted (nothing stored on chain for them):")
        for r in s["refused"][:200]:
            why = (f"duplicate of {result.duplicates[r['claim_id']]}" if r["claim_id"] in result.duplicates
                   else f"rejected: {r['reason_text']}")
            click.echo(f"  row {r['row']} {r['claim_ref']}: {why}")
        if len(s["refused"]) > 200:
            click.echo(f"  ... and {len(s['refused']) - 200} more (every one is in {report.responses_file})")
    click.echo(f"accepted claims billed {format_units(s['billed_accepted'], decimals)} {symbol}: insurer pays "
               f"{format_units(s['payable'], decimals)}, patients owe {format_units(s['patient_share'], decimals)}")
    click.echo(f"responses (one JSON line per claim): {report.responses_file}")
    if report.responses_dir:
        click.echo(f"FHIR ClaimResponses in {report.responses_dir}/")
