"""The claim lifecycle from the command line (bulk submission is `ape run submit_claims`).

    ape run claims policy --account insurer --patient 0xPatient --limit 5000 --deductible 500 --coinsurance 20% \\
        --from 2026-01-01 --until 2027-01-01
    ape run claims fund --account insurer --amount 20000          (--take-back 500: unreserved funds back)
    ape run claims keygen --account insurer          (once per insurer and deployment: the codes key)
    ape run claims status 0xCLAIM... | --journal claims.csv.journal.sqlite | --pool 0xInsurer
    ape run claims deny 0xCLAIM --reason 50 --account insurer
    ape run claims dispute 0xCLAIM --evidence receipts/note.json --account hospital
    ape run claims resolve 0xCLAIM --amount 800 --account insurer
    ape run claims settle 0xCLAIM... | --journal claims.csv.journal.sqlite --account anyone
    ape run claims withdraw --account hospital
    ape run claims pharmacy "(01)09506000134352(17)271231(10)LOT42(21)SN0001" --policy 0xPOLICY --amount 12.50 \
        --account pharmacy                                  (a claim for a pack the pharmacy dispensed)
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import click
from ape import project
from ape.cli import ConnectedProviderCommand, account_option
from web3.exceptions import ContractCustomError

from medchain.claims.client import (
    ClaimsInputError,
    ClaimState,
    describe_refusal,
    new_policy_id,
    pharmacy_claim_from_scan,
    parse_amount,
    parse_bytes32,
    parse_coinsurance,
    parse_date,
    reason_text,
)
from medchain.claims.status import ClaimStatus
from medchain.claims.inputs import ClaimInputError, format_units
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
from medchain.claims.submission import load_codes_key
from medchain.deployment import ManifestError, load_contract
from medchain.records.receipts import Receipt, ReceiptError

SETTLE_CHUNK = 200
STATUS_PAGE = 1_000  # claim ids per claimStatuses call

manifest_option = click.option("--manifest", type=click.Path(dir_okay=False, path_type=Path),
                               help="Default: deployments/<network>.json")
yes_option = click.option("--yes", "-y", is_flag=True,
                          help="Sign without asking (keyfile accounts: APE_ACCOUNTS_<alias>_PASSPHRASE).")


class _Ctx:
    def __init__(self, provider, manifest):
        try:
            self.claims = load_contract(project, provider, "ClaimSettlement", manifest)
        except ManifestError as err:
            raise click.ClickException(str(err)) from err
        self.token = project.TestStableToken.at(self.claims.token())  # only ERC-20 functions are used
        self.decimals = self.token.decimals()
        self.symbol = self.token.symbol()

    def money(self, units: int) -> str:
        return f"{format_units(units, self.decimals)} {self.symbol}"


def _unattended(account, yes):
    if yes and hasattr(account, "set_autosign"):
        account.set_autosign(True)


def _checked(fn):
    try:
        return fn()
    except ClaimsInputError as err:
        raise click.UsageError(str(err)) from err


def _journal_rows(path: Path, states: tuple[str, ...] = ("accepted",)) -> list[tuple[bytes, str, str, int | None]]:
    """``(claim id, claim_ref, outcome, reason)`` of a submit_claims journal's claims (read-only)."""
    if not path.is_file():
        raise click.UsageError(f"--journal: no such file {path}")
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    marks = ",".join("?" * len(states))
    rows = [(bytes.fromhex(r[0][2:]), r[1], r[2], r[3]) for r in db.execute(
        f"SELECT claim_id, ref, outcome, reason FROM claims WHERE state IN ({marks}) ORDER BY rowid", states)]
    db.close()
    return rows


def _journal_claims(path: Path, states: tuple[str, ...] = ("accepted",)) -> list[bytes]:
    """Claim ids of a submit_claims journal (read-only)."""
    return [row[0] for row in _journal_rows(path, states)]


@click.group()
def cli():
    """Policies, pools, claim status, denial and appeal, settlement and withdrawal."""


@cli.command(cls=ConnectedProviderCommand)
@account_option()
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path),
              help="Where to write the key. Default: the insurer's place for this deployment (see the README).")
@yes_option
@manifest_option
def keygen(provider, account, out, yes, manifest):
    """Create the insurer's codes key once and commit to it on chain (a submission never creates one)."""
    _unattended(account, yes)
    ctx = _Ctx(provider, manifest)
    path = out or insurer_dir(provider.chain_id, ctx.claims.address, account.address) / KEY_FILE
    onchain = committed_fingerprint(ctx.claims.codesKeyCommitmentOf(account.address))
    try:
        if path.is_file():
            key = read_codes_key(path)
            if onchain == fingerprint(key):
                click.echo(f"{path} holds the key this insurer committed to on chain (fingerprint {onchain})")
                return
            if onchain is not None:
                raise CodesKeyError(f"{path} holds key {fingerprint(key)}, but this insurer committed to key {onchain} "
                                    "on chain: restore that key from its backup")
            created = False
        else:
            if onchain is not None:
                raise CodesKeyError(f"this insurer committed to codes key {onchain} on chain, and a new key would give "
                                    f"the same services new claim ids: restore that key from its backup to {path} "
                                    "(or name it with --codes-key when submitting)")
            key, created = generate_codes_key(path), True
    except CodesKeyError as err:
        raise click.ClickException(str(err)) from err
    ctx.claims.commitCodesKey(commitment(key), sender=account)
    click.echo(f"codes key {'created at' if created else 'in'} {path} (fingerprint {fingerprint(key)}), committed "
               "on chain for good; back it up: claims hashed under another key get other ids")


@cli.command(cls=ConnectedProviderCommand)
@account_option()
@click.option("--patient", required=True, help="The patient's address (its consent to you is checked per claim).")
@click.option("--limit", "limit_", required=True, help="Annual limit, in tokens (5000 or 5000.00).")
@click.option("--deductible", default="0", show_default=True)
@click.option("--coinsurance", default="0", show_default=True, help="The patient's share after the deductible: 20% or bps.")
@click.option("--from", "valid_from", required=True, help="Coverage start: YYYY-MM-DD or unix time.")
@click.option("--until", "valid_until", required=True, help="Coverage end (exclusive).")
@click.option("--policy-id", help="0x + 64 hex digits; default: a fresh random id (printed).")
@yes_option
@manifest_option
def policy(provider, account, patient, limit_, deductible, coinsurance, valid_from, valid_until, policy_id, yes,
           manifest):
    """Register a policy for a patient (you, an active insurer, become its insurer)."""
    _unattended(account, yes)
    ctx = _Ctx(provider, manifest)
    pid = _checked(lambda: parse_bytes32("--policy-id", policy_id) if policy_id else new_policy_id())
    limit_units = _checked(lambda: parse_amount("--limit", limit_, ctx.decimals))
    ded = 0 if deductible.strip() in ("0", "") else _checked(lambda: parse_amount("--deductible", deductible, ctx.decimals))
    bps = _checked(lambda: parse_coinsurance(coinsurance))
    start, end = _checked(lambda: (parse_date("--from", valid_from), parse_date("--until", valid_until)))
    if start >= end:
        raise click.UsageError("--until must be after --from")
    ctx.claims.registerPolicy(pid, patient, limit_units, ded, bps, start, end, sender=account)
    click.echo(f"policy 0x{pid.hex()} registered for {patient}: limit {ctx.money(limit_units)} a year, "
               f"deductible {ctx.money(ded)}, coinsurance {bps / 100:g}%")


@cli.command(cls=ConnectedProviderCommand)
@account_option()
@click.option("--amount", help="Tokens to add to your pool (approved first if needed).")
@click.option("--take-back", help="Unreserved tokens to take back from your pool.")
@yes_option
@manifest_option
def fund(provider, account, amount, take_back, yes, manifest):
    """Add to (or take back from) the insurer's pool."""
    _unattended(account, yes)
    if bool(amount) == bool(take_back):
        raise click.UsageError("give exactly one of --amount and --take-back")
    ctx = _Ctx(provider, manifest)
    if amount:
        units = _checked(lambda: parse_amount("--amount", amount, ctx.decimals))
        held = ctx.token.balanceOf(account.address)
        if held < units:
            raise click.ClickException(f"{account.address} holds {ctx.money(held)}, not {ctx.money(units)}")
        if ctx.token.allowance(account.address, ctx.claims.address) < units:
            ctx.token.approve(ctx.claims.address, units, sender=account)
        ctx.claims.fund(units, sender=account)
    else:
        units = _checked(lambda: parse_amount("--take-back", take_back, ctx.decimals))
        ctx.claims.withdrawFunds(units, sender=account)
    available, reserved = ctx.claims.poolOf(account.address)
    click.echo(f"pool of {account.address}: available {ctx.money(available)}, reserved {ctx.money(reserved)}")


@cli.command(cls=ConnectedProviderCommand)
@click.argument("claim_ids", nargs=-1)
@click.option("--journal", type=click.Path(dir_okay=False, path_type=Path), help="Every claim of a submit_claims journal.")
@click.option("--pool", help="Also show this insurer's pool.")
@manifest_option
def status(provider, claim_ids, journal, pool, manifest):
    """Show claims (and an insurer's pool)."""
    ctx = _Ctx(provider, manifest)
    ids = [_checked(lambda c=c: parse_bytes32("CLAIM_ID", c)) for c in claim_ids]
    if not ids and not journal and not pool:
        raise click.UsageError("give claim ids, --journal or --pool")
    review, appeal = ctx.claims.reviewWindow(), ctx.claims.appealWindow()
    for cid in ids:
        state = ClaimState.from_view("0x" + cid.hex(), ctx.claims.claimOf(cid))
        click.echo(state.describe(ctx.decimals, ctx.symbol, review, appeal))
    if journal:
        # One claimStatuses view call per page of claims (not one claimOf per claim).
        rows = _journal_rows(journal, ("accepted", "rejected"))
        counts: dict[str, int] = {}
        for start in range(0, len(rows), STATUS_PAGE):
            page = rows[start:start + STATUS_PAGE]
            on_chain = [str(ClaimStatus(int(c))) for c in ctx.claims.claimStatuses([r[0] for r in page])]
            for (cid, ref, outcome, reason), status in zip(page, on_chain):
                if status == "None" and outcome in ("Rejected", "Duplicate"):
                    why = "a duplicate of an earlier submission" if outcome == "Duplicate" else "rejected at submission"
                    line = f"0x{cid.hex()}: {outcome} ({ref}): {why}, reason {reason_text(reason or 0)}"
                    status = outcome
                else:
                    line = f"0x{cid.hex()}: {status} ({ref})"
                counts[status] = counts.get(status, 0) + 1
                click.echo(line)
        click.echo(f"{len(rows)} claim(s) in {journal} by status ("
                   + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())) + ")")
    if pool:
        available, reserved = ctx.claims.poolOf(pool)
        click.echo(f"pool of {pool}: available {ctx.money(available)}, reserved {ctx.money(reserved)}")


@cli.command(cls=ConnectedProviderCommand)
@account_option()
@click.argument("claim_id")
@click.option("--reason", type=click.IntRange(1, 65535), required=True, help="CARC reason code (e.g. 50: not medically necessary).")
@yes_option
@manifest_option
def deny(provider, account, claim_id, reason, yes, manifest):
    """Deny a claim within its review window (the insurer)."""
    _unattended(account, yes)
    ctx = _Ctx(provider, manifest)
    cid = _checked(lambda: parse_bytes32("CLAIM_ID", claim_id))
    ctx.claims.deny(cid, reason, sender=account)
    click.echo(f"claim {claim_id} denied, reason {reason_text(reason)}; its reservation is back in the pool")


@cli.command(cls=ConnectedProviderCommand)
@account_option()
@click.argument("claim_id")
@click.option("--evidence", required=True, help="Anchoring receipt (path) or record hash of the new evidence.")
@yes_option
@manifest_option
def dispute(provider, account, claim_id, evidence, yes, manifest):
    """Appeal a denial or partial payment with new anchored evidence (the provider, once)."""
    _unattended(account, yes)
    ctx = _Ctx(provider, manifest)
    cid = _checked(lambda: parse_bytes32("CLAIM_ID", claim_id))
    root, proof = b"\0" * 32, []
    if evidence.startswith("0x"):
        record = _checked(lambda: parse_bytes32("--evidence", evidence))
    else:
        try:
            receipt = Receipt.load(Path(evidence))
        except ReceiptError as err:
            raise click.UsageError(f"--evidence: {err}") from err
        record, root, proof = receipt.record_hash, receipt.root or root, list(receipt.proof)
    ctx.claims.dispute(cid, record, root, proof, sender=account)
    click.echo(f"claim {claim_id} disputed with evidence 0x{record.hex()}")


@cli.command(cls=ConnectedProviderCommand)
@account_option()
@click.argument("claim_id")
@click.option("--amount", required=True, help="The approved amount in tokens (0 denies).")
@yes_option
@manifest_option
def resolve(provider, account, claim_id, amount, yes, manifest):
    """Resolve a dispute with an approved amount (the insurer)."""
    _unattended(account, yes)
    ctx = _Ctx(provider, manifest)
    cid = _checked(lambda: parse_bytes32("CLAIM_ID", claim_id))
    units = 0 if amount.strip() in ("0", "0.0", "0.00") else _checked(
        lambda: parse_amount("--amount", amount, ctx.decimals))
    ctx.claims.resolveDispute(cid, units, sender=account)
    click.echo(f"dispute on {claim_id} resolved: {ctx.money(units)} approved")


@cli.command(cls=ConnectedProviderCommand)
@account_option()
@click.argument("claim_ids", nargs=-1)
@click.option("--journal", type=click.Path(dir_okay=False, path_type=Path), help="Settle every accepted claim of a journal.")
@yes_option
@manifest_option
def settle(provider, account, claim_ids, journal, yes, manifest):
    """Credit providers for every claim past its review window (anyone may call it)."""
    _unattended(account, yes)
    ctx = _Ctx(provider, manifest)
    ids = [_checked(lambda c=c: parse_bytes32("CLAIM_ID", c)) for c in claim_ids]
    if journal:
        ids += _journal_claims(journal)
    if not ids:
        raise click.UsageError("give claim ids or --journal")
    settled = 0
    with click.progressbar(length=len(ids), label="settling", file=click.get_text_stream("stderr"),
                           show_pos=True) as bar:
        for start in range(0, len(ids), SETTLE_CHUNK):
            chunk = ids[start:start + SETTLE_CHUNK]
            receipt = ctx.claims.settle(chunk, sender=account)
            settled += len(receipt.events.filter(ctx.claims.ClaimSettled))
            bar.update(len(chunk))
    click.echo(f"{settled} of {len(ids)} claim(s) settled (the others are not due, or were settled before)")


@cli.command(cls=ConnectedProviderCommand)
@account_option()
@yes_option
@manifest_option
def withdraw(provider, account, yes, manifest):
    """Withdraw everything credited to you (a provider)."""
    _unattended(account, yes)
    ctx = _Ctx(provider, manifest)
    credit = ctx.claims.creditOf(account.address)
    if credit == 0:
        raise click.ClickException(f"nothing to withdraw for {account.address}")
    ctx.claims.withdraw(sender=account)
    click.echo(f"withdrew {ctx.money(credit)} to {account.address}")


@cli.command(cls=ConnectedProviderCommand)
@account_option()
@click.argument("scan")
@click.option("--policy", "policy_id", required=True, help="The patient's policy id (0x + 64 hex digits).")
@click.option("--amount", required=True, help="The billed amount in tokens (12.50).")
@click.option("--codes-key", type=click.Path(dir_okay=False, path_type=Path),
              help="32-byte key (hex) for the line item's hash. Default: the submitting account's key for this "
                   "deployment (`ape run claims keygen`); never created here.")
@yes_option
@manifest_option
def pharmacy(provider, account, scan, policy_id, amount, codes_key, yes, manifest):
    """Claim for a pack the pharmacy dispensed (SCAN: its GS1 DataMatrix, as the scanner reads it).

    Only the dispensing pharmacy submits it (the account); the claim names that dispense."""
    _unattended(account, yes)
    ctx = _Ctx(provider, manifest)
    try:
        key = load_codes_key(codes_key or insurer_dir(provider.chain_id, ctx.claims.address, account.address) / KEY_FILE)
    except ClaimInputError as err:
        raise click.UsageError(f"--codes-key: {err.problems[0]}") from err
    claim = _checked(lambda: pharmacy_claim_from_scan(
        scan, policy_id=parse_bytes32("--policy", policy_id), pharmacy=account.address,
        amount=parse_amount("--amount", amount, ctx.decimals), codes_key=key))
    data = ctx.claims.submitPharmacyClaim.encode_input(claim.as_input())
    try:  # a dry run first: a refused claim costs no gas; it answers the claim's id (the dispense's)
        answer = bytes(provider.web3.eth.call({"from": account.address, "to": ctx.claims.address, "data": data}))
    except ContractCustomError as err:
        raise click.ClickException(f"claim for unit 0x{claim.unit_id.hex()} refused: {describe_refusal(err.data)}") from err
    claim_id = answer[:32]
    cid = "0x" + claim_id.hex()
    ctx.claims.submitPharmacyClaim(claim.as_input(), sender=account)
    state = ClaimState.from_view(cid, ctx.claims.claimOf(claim_id))
    click.echo(state.describe(ctx.decimals, ctx.symbol, ctx.claims.reviewWindow(), ctx.claims.appealWindow()))
