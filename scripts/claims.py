"""Claims: bulk submission, policies, pools, status, denial and appeal, settlement and withdrawal.

    ape run claims submit claims.csv --account insurer [--network ...]
    ape run claims submit bundle.json --mapping pseudonyms.json --account insurer --skip-invalid
    ape run claims policy --account insurer --patient 0xPatient --limit 5000 --deductible 500 --coinsurance 20% \\
        --from 2026-01-01 --until 2027-01-01
    ape run claims policies policies.csv --account insurer          (many at once; rerunning skips those done)
    ape run claims fund --account insurer --amount 20000          (--take-back 500: unreserved funds back)
    ape run claims keygen --account insurer          (once per insurer and deployment: the codes key)
    ape run claims status 0xCLAIM... | --journal claims.csv.journal.sqlite | --pool 0xInsurer
    ape run claims deny 0xCLAIM --reason 50 --account insurer
    ape run claims dispute 0xCLAIM --evidence receipts/note.json --account hospital
    ape run claims resolve 0xCLAIM --amount 800 --account insurer
    ape run claims settle 0xCLAIM... | --journal claims.csv.journal.sqlite --account anyone
    ape run claims withdraw --account hospital
    ape run claims pharmacy "(01)09506000134352(17)271231(10)LOT42(21)SN0001" --policy 0xPOLICY --amount 12.50 \\
        --account pharmacy                                  (a claim for a pack the pharmacy dispensed)
"""

from __future__ import annotations

import io
import sys
from pathlib import Path

import click

from medchain.cli import (
    ADDRESS,
    AMOUNT,
    BYTES32,
    CLAIM_REASON,
    GS1_SCAN,
    TIME,
    Group,
    Session,
    account_option,
    deployment_option,
    yes_option,
)

SETTLE_CHUNK = 200
STATUS_PAGE = 1_000  # claim ids per claimStatuses call
journal_option = click.option(
    "--journal",
    type=click.Path(dir_okay=False, path_type=Path),
    help="A `claims submit` journal: every claim it accepted.",
)


class _Claims(Session):
    """The deployment's ClaimSettlement and its settlement token (only ERC-20 functions are used)."""

    def __init__(self, network, deployment, account=None, yes=False, patience: float = 30.0):
        super().__init__(network, deployment, account=account, yes=yes, patience=patience)
        from medchain.contracts import ERC20

        self.claims = self.contract("ClaimSettlement")
        self.token = self.contract("ERC20", ERC20, self.claims.token())
        self.decimals = self.token.decimals()
        self.symbol = self.token.symbol()

    def money(self, units: int) -> str:
        from medchain.claims.inputs import format_units

        return f"{format_units(units, self.decimals)} {self.symbol}"


def _journal_rows(path: Path, states: tuple[str, ...] = ("accepted",)) -> list[tuple[bytes, str, str, int | None]]:
    """``(claim id, claim_ref, outcome, reason)`` of a submission journal's claims (read-only)."""
    import sqlite3

    if not path.is_file():
        raise click.BadParameter(f"no such file {path}", param_hint="--journal")
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    marks = ",".join("?" * len(states))
    rows = [
        (bytes.fromhex(r[0][2:]), r[1], r[2], r[3])
        for r in db.execute(
            f"SELECT claim_id, ref, outcome, reason FROM claims WHERE state IN ({marks}) ORDER BY rowid", states
        )
    ]
    db.close()
    return rows


def _progress_lines():
    """For logs (no terminal): one line per tenth of the claims mined."""
    shown = {"tenth": -1}

    def report(p) -> None:
        tenth = 10 * p.settled // p.total if p.total else 10
        if tenth > shown["tenth"]:
            shown["tenth"] = tenth
            click.echo(f"  {p.settled:,}/{p.total:,} claims mined, {p.rate:,.0f} claims/s", err=True)

    return report


def _progress(p) -> None:
    width = 30
    done = int(width * p.settled / p.total) if p.total else width
    click.echo(
        f"\r  [{'#' * done}{'.' * (width - done)}] {p.settled:,}/{p.total:,} claims mined, {p.rate:,.0f} claims/s",
        err=True,
        nl=p.settled >= p.total,
    )


@click.group(cls=Group)
def cli():
    """Claims: bulk submission, policies, pools, status, denial and appeal, settlement and withdrawal."""


@cli.command(rerun="rerun the same command: the journal sends only what is not on chain yet")
@account_option()
@click.argument("file_", metavar="FILE", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--mapping",
    type=click.Path(dir_okay=False, path_type=Path),
    help="FHIR only: pseudonym mapping file (reference -> address or policy id).",
)
@click.option(
    "--codes-key",
    type=click.Path(dir_okay=False, path_type=Path),
    help="The insurer's secret for the codes hash. Default: the insurer's key for this deployment, "
    "created once by `ape run claims keygen` (never by this command).",
)
@click.option(
    "--journal",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Default: <file>.journal.sqlite next to the file.",
)
@click.option(
    "--responses",
    type=click.Path(dir_okay=False, path_type=Path),
    help="What became of each claim, one JSON line per claim. Default: <file>.responses.ndjson",
)
@click.option(
    "--fhir-files",
    type=click.Path(file_okay=False, path_type=Path),
    help="Also write one FHIR ClaimResponse file per claim into this folder.",
)
@click.option("--skip-invalid", is_flag=True, help="Submit the valid claims; write the invalid rows to a rejects file.")
@click.option(
    "--rejects",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Default: <file>.rejects.csv/.jsonl/.json (the rows as read; their problems in <rejects>.errors.csv)",
)
@click.option(
    "--batch-size",
    type=click.IntRange(1, 1_000),
    help="Most claims per transaction (fewer when the gas or calldata bound is reached first). "
    "Default: 250 (medchain.claims.bulk.DEFAULT_BATCH_SIZE).",
)
@click.option(
    "--window",
    type=click.IntRange(1, 64),
    help="Transactions in flight. Default: what two blocks hold (from the block gas limit).",
)
@click.option("--retry-rejected", is_flag=True, help="Send again the claims the chain refused in an earlier run.")
@click.option("--dry-run", is_flag=True, help="Check the file (and the policies on chain) and stop.")
@click.option(
    "--patience",
    type=click.FloatRange(min=0.1),
    default=30.0,
    show_default=True,
    help="Seconds to wait for a node that does not answer, fails or does not mine, before stopping.",
)
@click.option(
    "--currency",
    default="USD",
    show_default=True,
    help="ISO 4217 currency of the amounts (an amount may not have more decimals than it has).",
)
@yes_option
@deployment_option
def submit(
    network,
    account,
    file_,
    mapping,
    codes_key,
    journal,
    responses,
    fhir_files,
    skip_invalid,
    rejects,
    batch_size,
    window,
    retry_rejected,
    dry_run,
    patience,
    currency,
    yes,
    deployment,
):
    """Submit a claim FILE in bulk (an insurer): check it whole, submit in batches, resume safely.

    FILE: .csv, .jsonl or a FHIR R4 Bundle of Claims (.json). Nothing is sent unless the whole file is valid
    (or --skip-invalid). A rerun sends only what is not on chain yet. Ends with a summary and one FHIR
    ClaimResponse per claim."""
    from medchain.claims.client import reason_text
    from medchain.claims.inputs import format_units
    from medchain.claims.keys import KEY_FILE, committed_fingerprint, insurer_dir
    from medchain.claims.submission import load_codes_key, load_mapping, submit_file

    def log(message: str) -> None:
        click.echo(f"  {message}", err=True)

    ctx = _Claims(network, deployment, account, yes, patience)
    contract, decimals, symbol = ctx.claims, ctx.decimals, ctx.symbol
    folder = insurer_dir(ctx.manifest.chain_id, contract.address, account.address)
    key = load_codes_key(codes_key or folder / KEY_FILE)
    report = submit_file(
        file_,
        rpc=ctx.rpc,
        contract=contract.address,
        signer=ctx.signer,
        journal_path=journal or file_.with_name(file_.name + ".journal.sqlite"),
        codes_key=key,
        decimals=decimals,
        mapping=load_mapping(mapping),
        currency=currency,
        insurer_folder=folder,
        key_committed=lambda: committed_fingerprint(contract.codesKeyCommitmentOf(account.address)),
        skip_invalid=skip_invalid,
        rejects_path=rejects,
        responses_file=responses or file_.with_name(file_.name + ".responses.ndjson"),
        responses_dir=fhir_files,
        **({"batch_size": batch_size} if batch_size else {}),
        window=window,
        retry_rejected=retry_rejected,
        dry_run=dry_run,
        stall_timeout=patience,
        progress=_progress if sys.stderr.isatty() else _progress_lines(),
        log=log,
    )
    if report.rejects_file:
        click.echo(
            f"{report.skipped_invalid} invalid row(s) skipped, written to {report.rejects_file} (as read: "
            f"correct them there and submit that file; what is wrong with each is in "
            f"{report.rejects_file}.errors.csv)"
        )
    if dry_run:
        click.echo(f"{report.summary['valid']} valid claim(s); nothing sent (--dry-run)")
        return
    result = report.result
    s = report.summary
    click.echo(
        f"{len(report.parsed.rows)} claim(s) in {file_}: sent {result.sent} in {result.transactions} "
        f"transaction(s), recovered {result.recovered}, already done {result.already_done}, duplicates of "
        f"earlier submissions {len(result.duplicates)}"
        + (f" ({result.claims_per_second:,.0f} claims/s)" if result.sent else "")
    )
    for note in result.notes:
        click.echo(f"  note: {note}")
    click.echo("outcomes: " + ", ".join(f"{k} {v}" for k, v in sorted(s["outcomes"].items())))
    if s["reasons"]:
        click.echo("reason codes: " + ", ".join(f"{reason_text(k)} x{v}" for k, v in s["reasons"].items()))
    if s["refused"]:
        click.echo(f"{len(s['refused'])} claim(s) not accepted (nothing stored on chain for them):")
        for r in s["refused"][:200]:
            why = (
                f"duplicate of {result.duplicates[r['claim_id']]}"
                if r["claim_id"] in result.duplicates
                else f"rejected: {r['reason_text']}"
            )
            click.echo(f"  row {r['row']} {r['claim_ref']}: {why}")
        if len(s["refused"]) > 200:
            click.echo(f"  ... and {len(s['refused']) - 200} more (every one is in {report.responses_file})")
    click.echo(
        f"accepted claims billed {format_units(s['billed_accepted'], decimals)} {symbol}: insurer pays "
        f"{format_units(s['payable'], decimals)}, patients owe {format_units(s['patient_share'], decimals)}"
    )
    click.echo(f"responses (one JSON line per claim): {report.responses_file}")
    if report.responses_dir:
        click.echo(f"FHIR ClaimResponses in {report.responses_dir}/")


@cli.command()
@account_option()
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Where to write the key. Default: the insurer's place for this deployment (see docs/guides/insurer.md).",
)
@yes_option
@deployment_option
def keygen(network, account, out, yes, deployment):
    """Create the insurer's codes key once and commit to it on chain (a submission never creates one)."""
    from medchain.claims.keys import (
        KEY_FILE,
        CodesKeyError,
        commitment,
        committed_fingerprint,
        fingerprint,
        generate_codes_key,
        insurer_dir,
        read_codes_key,
    )

    ctx = _Claims(network, deployment, account, yes)
    path = out or insurer_dir(ctx.manifest.chain_id, ctx.claims.address, account.address) / KEY_FILE
    onchain = committed_fingerprint(ctx.claims.codesKeyCommitmentOf(account.address))
    if path.is_file():
        key = read_codes_key(path)
        if onchain == fingerprint(key):
            click.echo(f"{path} holds the key this insurer committed to on chain (fingerprint {onchain})")
            return
        if onchain is not None:
            raise CodesKeyError(
                f"{path} holds key {fingerprint(key)}, but this insurer committed to key {onchain} "
                "on chain: restore that key from its backup"
            )
        created = False
    else:
        if onchain is not None:
            raise CodesKeyError(
                f"this insurer committed to codes key {onchain} on chain, and a new key would give "
                f"the same services new claim ids: restore that key from its backup to {path} "
                "(or name it with --codes-key when submitting)"
            )
        key, created = generate_codes_key(path), True
    ctx.claims.commitCodesKey(commitment(key))
    click.echo(
        f"codes key {'created at' if created else 'in'} {path} (fingerprint {fingerprint(key)}), committed "
        "on chain for good; back it up: claims hashed under another key get other ids"
    )


@cli.command()
@account_option()
@click.option("--patient", required=True, type=ADDRESS, help="The patient (its consent to you is checked per claim).")
@click.option("--limit", "limit_", required=True, type=AMOUNT, help="Annual limit, in tokens (5000 or 5000.00).")
@click.option("--deductible", type=AMOUNT, default="0", show_default=True)
@click.option(
    "--coinsurance", default="0", show_default=True, help="The patient's share after the deductible: 20% or bps."
)
@click.option("--from", "valid_from", required=True, type=TIME, help="Coverage start: YYYY-MM-DD or unix time.")
@click.option("--until", "valid_until", required=True, type=TIME, help="Coverage end (exclusive).")
@click.option("--policy-id", type=BYTES32, help="0x + 64 hex digits; default: a fresh random id (printed).")
@yes_option
@deployment_option
def policy(
    network, account, patient, limit_, deductible, coinsurance, valid_from, valid_until, policy_id, yes, deployment
):
    """Register a policy for a patient (you, an active insurer, become its insurer)."""
    from medchain.claims.client import new_policy_id, parse_coinsurance

    ctx = _Claims(network, deployment, account, yes)
    pid = policy_id or new_policy_id()
    limit_units, ded = limit_.units(ctx.decimals), deductible.units(ctx.decimals)
    bps = parse_coinsurance(coinsurance)
    start, end = valid_from.at(ctx.now), valid_until.at(ctx.now)
    if start >= end:
        raise click.BadParameter("must be after --from", param_hint="--until")
    ctx.claims.registerPolicy(pid, patient, limit_units, ded, bps, start, end)
    click.echo(
        f"policy 0x{pid.hex()} registered for {patient}: limit {ctx.money(limit_units)} a year, "
        f"deductible {ctx.money(ded)}, coinsurance {bps / 100:g}%"
    )


@cli.command()
@account_option()
@click.argument("file_", metavar="FILE", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@yes_option
@deployment_option
def policies(network, account, file_, yes, deployment):
    """Register the policies of FILE (.csv or .json; columns policy_id, patient, limit, deductible, coinsurance,
    from, until). Rows already registered by you with the same terms are skipped, so a rerun finishes the job."""
    from medchain.claims.policies import PolicyFileError, read_policy_file

    ctx = _Claims(network, deployment, account, yes)
    rows = read_policy_file(file_, ctx.decimals)
    done = 0
    for row in rows:
        insurer, *terms = ctx.claims.policyOf(row.policy_id)
        if int(insurer, 16):
            if insurer.lower() != account.address.lower() or tuple(terms) != row.as_args()[1:]:
                raise PolicyFileError(
                    f"{file_} row {row.row}: policy 0x{row.policy_id.hex()} is already registered "
                    f"by {insurer} with other terms: give the row another policy_id"
                )
            done += 1
            continue
        ctx.claims.registerPolicy(*row.as_args())
        click.echo(f"row {row.row}: policy 0x{row.policy_id.hex()} registered for {row.patient}")
    click.echo(f"{len(rows) - done} policy(ies) registered, {done} already registered, from {file_}")


@cli.command()
@account_option()
@click.option("--amount", type=AMOUNT, help="Tokens to add to your pool (approved first if needed).")
@click.option("--take-back", type=AMOUNT, help="Unreserved tokens to take back from your pool.")
@yes_option
@deployment_option
def fund(network, account, amount, take_back, yes, deployment):
    """Add to (or take back from) the insurer's pool."""
    if bool(amount) == bool(take_back):
        raise click.UsageError("give exactly one of --amount and --take-back")
    ctx = _Claims(network, deployment, account, yes)
    if amount:
        units = amount.units(ctx.decimals)
        held = ctx.token.balanceOf(account.address)
        if held < units:
            raise click.ClickException(f"{account.address} holds {ctx.money(held)}, not {ctx.money(units)}")
        if ctx.token.allowance(account.address, ctx.claims.address) < units:
            ctx.token.approve(ctx.claims.address, units)
        ctx.claims.fund(units)
    else:
        ctx.claims.withdrawFunds(take_back.units(ctx.decimals))
    available, reserved = ctx.claims.poolOf(account.address)
    click.echo(f"pool of {account.address}: available {ctx.money(available)}, reserved {ctx.money(reserved)}")


@cli.command()
@click.argument("claim_ids", nargs=-1, type=BYTES32)
@journal_option
@click.option("--pool", type=ADDRESS, help="Also show this insurer's pool.")
@deployment_option
def status(network, claim_ids, journal, pool, deployment):
    """Show claims (and an insurer's pool)."""
    from medchain.claims.client import ClaimState, reason_text
    from medchain.claims.status import ClaimStatus

    if not claim_ids and not journal and not pool:
        raise click.UsageError("give claim ids, --journal or --pool")
    ctx = _Claims(network, deployment)
    review, appeal = ctx.claims.reviewWindow(), ctx.claims.appealWindow()
    for cid in claim_ids:
        state = ClaimState.from_view("0x" + cid.hex(), ctx.claims.claimOf(cid))
        click.echo(state.describe(ctx.decimals, ctx.symbol, review, appeal))
    if journal:
        # One claimStatuses view call per page of claims (not one claimOf per claim).
        rows = _journal_rows(journal, ("accepted", "rejected"))
        counts: dict[str, int] = {}
        for start in range(0, len(rows), STATUS_PAGE):
            page = rows[start : start + STATUS_PAGE]
            on_chain = [str(ClaimStatus(c)) for c in ctx.claims.claimStatuses([r[0] for r in page])]
            for (cid, ref, outcome, reason), state in zip(page, on_chain):
                if state == "None" and outcome in ("Rejected", "Duplicate"):
                    why = "a duplicate of an earlier submission" if outcome == "Duplicate" else "rejected at submission"
                    line = f"0x{cid.hex()}: {outcome} ({ref}): {why}, reason {reason_text(reason or 0)}"
                    state = outcome
                else:
                    line = f"0x{cid.hex()}: {state} ({ref})"
                counts[state] = counts.get(state, 0) + 1
                click.echo(line)
        click.echo(
            f"{len(rows)} claim(s) in {journal} by status ("
            + ", ".join(f"{k} {v}" for k, v in sorted(counts.items()))
            + ")"
        )
    if pool:
        available, reserved = ctx.claims.poolOf(pool)
        click.echo(f"pool of {pool}: available {ctx.money(available)}, reserved {ctx.money(reserved)}")


@cli.command()
@account_option()
@click.argument("claim_id", type=BYTES32)
@click.option(
    "--reason",
    type=CLAIM_REASON,
    required=True,
    help='CARC reason code, as a number (50) or a name ("consent absent").',
)
@yes_option
@deployment_option
def deny(network, account, claim_id, reason, yes, deployment):
    """Deny a claim within its review window (the insurer)."""
    from medchain.claims.client import reason_text

    ctx = _Claims(network, deployment, account, yes)
    ctx.claims.deny(claim_id, reason)
    click.echo(f"claim 0x{claim_id.hex()} denied, reason {reason_text(reason)}; its reservation is back in the pool")


@cli.command()
@account_option()
@click.argument("claim_id", type=BYTES32)
@click.option("--evidence", required=True, help="Anchoring receipt (path) or record hash of the new evidence.")
@yes_option
@deployment_option
def dispute(network, account, claim_id, evidence, yes, deployment):
    """Appeal a denial or partial payment with new anchored evidence (the provider, once)."""
    from medchain.records.receipts import Receipt, ReceiptError

    ctx = _Claims(network, deployment, account, yes)
    root, proof = b"\0" * 32, []
    if evidence.startswith("0x"):
        record = BYTES32.convert(evidence, None, None)
    else:
        try:
            receipt = Receipt.load(Path(evidence))
        except ReceiptError as err:
            raise click.BadParameter(str(err), param_hint="--evidence") from err
        record, root, proof = receipt.record_hash, receipt.root or root, list(receipt.proof)
    ctx.claims.dispute(claim_id, record, root, proof)
    click.echo(f"claim 0x{claim_id.hex()} disputed with evidence 0x{record.hex()}")


@cli.command()
@account_option()
@click.argument("claim_id", type=BYTES32)
@click.option("--amount", required=True, type=AMOUNT, help="The approved amount in tokens (0 denies).")
@yes_option
@deployment_option
def resolve(network, account, claim_id, amount, yes, deployment):
    """Resolve a dispute with an approved amount (the insurer)."""
    ctx = _Claims(network, deployment, account, yes)
    units = amount.units(ctx.decimals)
    ctx.claims.resolveDispute(claim_id, units)
    click.echo(f"dispute on 0x{claim_id.hex()} resolved: {ctx.money(units)} approved")


@cli.command()
@account_option()
@click.argument("claim_ids", nargs=-1, type=BYTES32)
@journal_option
@yes_option
@deployment_option
def settle(network, account, claim_ids, journal, yes, deployment):
    """Credit providers for every claim past its review window (anyone may call it)."""
    from medchain.contracts import ClaimSettlement

    ids = list(claim_ids) + ([row[0] for row in _journal_rows(journal)] if journal else [])
    if not ids:
        raise click.UsageError("give claim ids or --journal")
    ctx = _Claims(network, deployment, account, yes)
    settled = 0
    stderr = click.get_text_stream("stderr")
    with click.progressbar(
        length=len(ids), label="settling", file=stderr if stderr.isatty() else io.StringIO(), show_pos=True
    ) as bar:
        for start in range(0, len(ids), SETTLE_CHUNK):
            chunk = ids[start : start + SETTLE_CHUNK]
            receipt = ctx.claims.settle(chunk)
            settled += sum(isinstance(e, ClaimSettlement.ClaimSettled) for e in receipt.events)
            bar.update(len(chunk))
    click.echo(f"{settled} of {len(ids)} claim(s) settled (the others are not due, or were settled before)")


@cli.command()
@account_option()
@yes_option
@deployment_option
def withdraw(network, account, yes, deployment):
    """Withdraw everything credited to you (a provider)."""
    ctx = _Claims(network, deployment, account, yes)
    credit = ctx.claims.creditOf(account.address)
    if credit == 0:
        raise click.ClickException(f"nothing to withdraw for {account.address}")
    ctx.claims.withdraw()
    click.echo(f"withdrew {ctx.money(credit)} to {account.address}")


@cli.command()
@account_option()
@click.argument("scan", type=GS1_SCAN)
@click.option(
    "--policy", "policy_id", required=True, type=BYTES32, help="The patient's policy id (0x + 64 hex digits)."
)
@click.option("--amount", required=True, type=AMOUNT, help="The billed amount in tokens (12.50).")
@click.option(
    "--codes-key",
    type=click.Path(dir_okay=False, path_type=Path),
    help="32-byte key (hex) for the line item's hash. Default: the submitting account's key for this "
    "deployment (`ape run claims keygen`); never created here.",
)
@yes_option
@deployment_option
def pharmacy(network, account, scan, policy_id, amount, codes_key, yes, deployment):
    """Claim for a pack the pharmacy dispensed (SCAN: its GS1 DataMatrix, as the scanner reads it).

    Only the dispensing pharmacy submits it (the account); the claim names that dispense."""
    from medchain.claims.client import ClaimState, pharmacy_claim_from_scan
    from medchain.claims.inputs import ClaimInputError
    from medchain.claims.keys import KEY_FILE, insurer_dir
    from medchain.claims.submission import load_codes_key
    from medchain.provenance.gs1 import GS1Error

    try:
        scan.require("gtin", "lot", "serial")
    except GS1Error as err:
        raise click.BadParameter(str(err), param_hint="SCAN") from None
    ctx = _Claims(network, deployment, account, yes)
    try:
        key = load_codes_key(
            codes_key or insurer_dir(ctx.manifest.chain_id, ctx.claims.address, account.address) / KEY_FILE
        )
    except ClaimInputError as err:
        raise click.BadParameter(err.problems[0], param_hint="--codes-key") from err
    claim = pharmacy_claim_from_scan(
        scan.as_hri(), policy_id=policy_id, pharmacy=account.address, amount=amount.units(ctx.decimals), codes_key=key
    )
    # A dry run first: a refused claim costs no gas (the error handler decodes the refusal); it answers
    # the claim's id (the dispense's).
    claim_id = ctx.claims.call("submitPharmacyClaim", claim.as_input(), sender=account.address)
    ctx.claims.submitPharmacyClaim(claim.as_input())
    state = ClaimState.from_view("0x" + claim_id.hex(), ctx.claims.claimOf(claim_id))
    click.echo(state.describe(ctx.decimals, ctx.symbol, ctx.claims.reviewWindow(), ctx.claims.appealWindow()))
