"""The insurer's bulk submission job, start to end (``ape run claims submit`` calls :func:`submit_file`).

1. read and check the whole claim file (:mod:`medchain.claims.inputs`), then check it against the
   chain: each policy exists, and a FHIR Claim's patient is the policy's patient;
2. stop on any problem, or with ``skip_invalid`` write the bad rows to a rejects file and go on;
3. submit the rest with :class:`medchain.claims.bulk.BulkSubmitter` (journaled, resumable);
4. write the responses -- one NDJSON file, a line per claim (:func:`write_responses_ndjson`), and, when
   asked, one FHIR ClaimResponse file per claim -- and return the summary.
"""

from __future__ import annotations

import csv
import json
import os
import re
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from eth_abi import decode, encode
from eth_utils import to_checksum_address

from ..chain import abi as chain_abi
from ..chain.rpc import NodeError, Rpc
from ..jsonfiles import write_json_atomic
from .bulk import (
    DEFAULT_BATCH_SIZE,
    BulkSubmitError,
    BulkSubmitter,
    Progress,
    RunResult,
    Signer,
    require_contract,
    settlement_abi,
    summarize,
)
from .client import reason_text
from .inputs import ClaimFile, ClaimInputError, ClaimRow, InputProblem, RawText, format_units, read_claim_file
from .journal import Journal, Ledger
from .keys import CodesKeyError, check_fingerprint, fingerprint, generate_codes_key, read_codes_key

_POLICY_OF = chain_abi.function("ClaimSettlement", "policyOf")
POLICY_OF = _POLICY_OF.prefix
_POLICY_OF_OUT = _POLICY_OF.outputs
_POLICY_OF_FIELDS = [o["name"] for o in settlement_abi("function", "policyOf")["outputs"]]


def load_codes_key(path: Path, create: bool = False) -> bytes:
    """The 32-byte codes key (hex in a file). A missing file is an error unless ``create`` (an explicit
    request: the demo's throw-away chain); see :mod:`medchain.claims.keys` for where an insurer's key lives."""
    path = Path(path)
    try:
        if create and not path.exists():
            return generate_codes_key(path)
        return read_codes_key(path)
    except CodesKeyError as err:
        raise ClaimInputError([InputProblem(str(path), None, None, str(err).removeprefix(f"{path}: "))]) from None


def load_mapping(path: Path | None) -> dict[str, str]:
    """The pseudonym mapping file: FHIR reference -> on-chain address or policy id."""
    if path is None:
        return {}
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as err:
        raise ClaimInputError([InputProblem(str(path), None, None, f"unreadable mapping file: {err}")]) from None
    if not isinstance(data, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in data.items()):
        raise ClaimInputError(
            [InputProblem(str(path), None, None, 'the mapping file must be a JSON object {"Patient/x": "0x…", …}')]
        )
    return data


def check_against_chain(parsed: ClaimFile, call_many: Callable[[str, list[bytes]], list[bytes]], contract: str) -> None:
    """Each policy exists on chain; a FHIR Claim's patient is its policy's patient. Adds problems.

    ``call_many(contract, calldata)``: the ``eth_call`` answers, in order (one JSON-RPC batch)."""
    policies = sorted({row.policy_id for row in parsed.rows})
    answers = call_many(contract, [POLICY_OF + encode(["bytes32"], [policy]) for policy in policies])
    patients: dict[bytes, str | None] = {}
    for policy, answer in zip(policies, answers):
        view = dict(zip(_POLICY_OF_FIELDS, decode(_POLICY_OF_OUT, answer)))
        patients[policy] = None if int(view["insurer"], 16) == 0 else to_checksum_address(view["patient"])
    source = str(parsed.path)
    fhir = parsed.format == "fhir"
    keep = []
    for row in parsed.rows:
        patient = patients[row.policy_id]
        if patient is None:
            field_name = "Claim.insurance[0].coverage" if fhir else "policy_id"
            parsed.problems.append(
                InputProblem(source, row.row, field_name, f"policy 0x{row.policy_id.hex()} is not registered on chain")
            )
        elif row.patient is not None and row.patient != patient:
            parsed.problems.append(
                InputProblem(
                    source, row.row, "Claim.patient", f"the policy belongs to another patient than {row.patient}"
                )
            )
        else:
            keep.append(row)
    parsed.rows = keep


def write_rejects(parsed: ClaimFile, path: Path) -> int:
    """The invalid rows exactly as read, in a file of the input's own format that can be corrected and
    submitted again: a CSV keeps the input's header and each row's cells in their order (bytes that were
    not UTF-8 are written back as they were); JSON lines keep each line; a FHIR Bundle keeps each entry.
    The problems go to a sidecar ``<rejects>.errors.csv`` (rejects line, source line, field, message),
    never into the rejects file itself. How many rows."""
    bad = [r for r in parsed.invalid_rows if r in parsed.raw]
    path.parent.mkdir(parents=True, exist_ok=True)
    where: dict[int, int] = {}  # source row -> its line (or entry) in the rejects file
    if parsed.format == "csv":
        with path.open("w", newline="", encoding="utf-8", errors="surrogateescape") as fh:
            writer = csv.writer(fh, lineterminator="\n")
            writer.writerow(parsed.header or [])
            line = 2
            for r in bad:
                cells = parsed.raw[r]
                where[r] = line
                if isinstance(cells, RawText):  # lines the csv module could not split: as they were
                    fh.write(cells if cells.endswith("\n") else cells + "\n")
                    line += cells.count("\n") + (0 if cells.endswith("\n") else 1)
                    continue
                writer.writerow(cells)
                line += 1 + sum(c.count("\n") for c in cells)
    elif parsed.format == "jsonl":
        with path.open("w", encoding="utf-8", errors="surrogateescape") as fh:
            for n, r in enumerate(bad, 1):
                fh.write(parsed.raw[r] + "\n")
                where[r] = n
    else:
        bundle = {"resourceType": "Bundle", "type": "collection", "entry": [parsed.raw[r] for r in bad]}
        path.write_text(
            json.dumps(bundle, indent=2, ensure_ascii=False) + "\n", encoding="utf-8", errors="surrogateescape"
        )
        where = {r: n for n, r in enumerate(bad, 1)}
    with errors_path(path).open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(
            [
                "rejects_" + ("entry" if parsed.format == "fhir" else "line"),
                "source_" + ("entry" if parsed.format == "fhir" else "line"),
                "field",
                "problem",
            ]
        )
        for problem in parsed.problems:
            if problem.row in where and not problem.whole_file:
                writer.writerow(
                    [
                        where[problem.row],
                        problem.row,
                        problem.field or "",
                        problem.message.encode("utf-8", "replace").decode("utf-8"),
                    ]
                )
    return len(bad)


def errors_path(rejects: Path) -> Path:
    """The sidecar of a rejects file that says what is wrong with each of its rows."""
    return rejects.with_name(rejects.name + ".errors.csv")


def _safe_name(ref: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "_", ref).strip("_")[:80] or "claim"


@dataclass
class SubmissionReport:
    parsed: ClaimFile
    result: RunResult | None
    summary: dict[str, Any]
    rejects_file: Path | None = None
    responses_file: Path | None = None  # the NDJSON responses
    responses_dir: Path | None = None  # the FHIR ClaimResponse files, when asked for
    skipped_invalid: int = 0
    notes: list[str] = field(default_factory=list)


def submit_file(
    path: Path,
    *,
    rpc: Rpc,
    contract: str,
    signer: Signer,
    journal_path: Path,
    codes_key: bytes,
    decimals: int,
    currency: str = "USD",
    mapping: dict[str, str] | None = None,
    skip_invalid: bool = False,
    rejects_path: Path | None = None,
    responses_file: Path | None = None,
    responses_dir: Path | None = None,
    batch_size: int = DEFAULT_BATCH_SIZE,
    window: int | None = None,
    retry_rejected: bool = False,
    dry_run: bool = False,
    progress: Callable[[Progress], None] | None = None,
    stall_timeout: float = 30.0,
    log: Callable[[str], None] = lambda _m: None,
    insurer_folder: Path | None = None,
    key_committed: Callable[[], str | None] | None = None,
) -> SubmissionReport:
    """Check the file, submit what is valid and not yet done, write responses; see the module docstring.

    ``responses_file``: the NDJSON responses (:func:`write_responses_ndjson`); ``responses_dir``: a folder
    for one FHIR ClaimResponse file per claim (:func:`write_fhir_responses`). Each is written only when
    given. ``window``: transactions in flight (None: sized from the node's block gas limit,
    :func:`medchain.claims.bulk.auto_window`).

    ``rpc``: the node; its ``patience`` is how long a node that does not answer (or fails) is retried
    before the run stops with :class:`BulkSubmitError`.

    ``insurer_folder`` (:func:`medchain.claims.keys.insurer_dir`): where the insurer's key fingerprint
    and its ledger of claims (which file and row each claim id came from) are kept. With it, a key
    other than the insurer's earlier one is refused before anything is read or sent, and a claim found
    on chain that another file submitted is reported as a duplicate, not as this file's claim.
    """
    key_print = fingerprint(codes_key)
    if insurer_folder is not None:
        try:
            check_fingerprint(insurer_folder, codes_key, record=False, committed=key_committed)
        except CodesKeyError as err:
            raise BulkSubmitError(str(err)) from None
    node = rpc
    try:
        chain_id = int(node.call("eth_chainId", []), 16)
    except NodeError as err:
        raise BulkSubmitError(f"{err}; nothing was sent: rerun the same command once the node answers") from None
    parsed = read_claim_file(
        path, decimals=decimals, codes_key=codes_key, chain_id=chain_id, mapping=mapping, currency=currency
    )

    def call_many(to: str, calls: list[bytes]) -> list[bytes]:
        try:
            results = node.batch([("eth_call", [{"to": to, "data": "0x" + data.hex()}, "latest"]) for data in calls])
        except NodeError as err:
            raise BulkSubmitError(
                f"{err}; checking the policies on chain, nothing was sent: rerun the same command once the node answers"
            ) from None
        return [bytes.fromhex(result[2:]) for result in results]

    if parsed.rows:
        try:
            require_contract(node, contract, chain_id, journal_path)
        except NodeError as err:
            raise BulkSubmitError(f"{err}; nothing was sent: rerun the same command once the node answers") from None
        check_against_chain(parsed, call_many, contract)
    report = SubmissionReport(parsed=parsed, result=None, summary={})
    if parsed.file_problems() or (parsed.problems and not skip_invalid):
        raise ClaimInputError(parsed.problems)
    if parsed.problems:
        report.rejects_file = rejects_path or path.with_name(
            path.name + ".rejects" + {"csv": ".csv", "jsonl": ".jsonl"}.get(parsed.format, ".json")
        )
        report.skipped_invalid = write_rejects(parsed, report.rejects_file)
    if dry_run:
        report.summary = {"valid": len(parsed.rows), "invalid": report.skipped_invalid}
        return report
    ledger = None
    if insurer_folder is not None:
        check_fingerprint(insurer_folder, codes_key, record=True, committed=key_committed)
        ledger = Ledger(Path(insurer_folder) / "claims-ledger.sqlite")
        ledger.claim(str(Path(path).resolve()), [("0x" + r.claim_id.hex(), r.ref, r.row) for r in parsed.rows])
    try:
        with Journal(journal_path, chain_id=chain_id, contract=contract, codes_key=key_print) as journal:
            submitter = BulkSubmitter(
                rpc,
                contract,
                signer,
                journal,
                batch_size=batch_size,
                window=window,
                progress=progress,
                stall_timeout=stall_timeout,
                log=log,
                owner_of=(lambda ids: ledger.owners(ids)) if ledger else None,
                source=str(Path(path).resolve()),
            )
            result = submitter.run(parsed.rows, retry_rejected=retry_rejected)
    finally:
        if ledger is not None:
            ledger.close()
    report.result = result
    report.summary = summarize(parsed.rows, result.entries)
    if responses_file is not None:
        report.responses_file = responses_file
        write_responses_ndjson(parsed.rows, result, responses_file, decimals=decimals, currency=currency)
    if responses_dir is not None:
        report.responses_dir = responses_dir
        write_fhir_responses(
            parsed.rows, result, responses_dir, decimals=decimals, currency=currency, insurer=signer.address, node=node
        )
    return report


def response_line(row: ClaimRow, entry: Any, *, decimals: int, currency: str) -> dict[str, Any]:
    """What became of one claim, as one NDJSON line: the file's row and claim_ref, the claim id, its
    status (Approved, Partial, Denied, PendingFunds, Rejected, Duplicate, or the status a claim found on
    chain has moved on to), the amounts in the currency (billed; payable and the patient's share when
    adjudicated), the reason code and its words, and the transaction."""
    reason = entry.reason or None
    return {
        "row": row.row,
        "claim_ref": row.ref,
        "claim_id": entry.claim_id,
        "status": entry.outcome or "Rejected",
        "currency": currency,
        "billed": format_units(row.amount, decimals),
        "payable": None if entry.payable is None else format_units(entry.payable, decimals),
        "patient_share": None if entry.patient_share is None else format_units(entry.patient_share, decimals),
        "reason": reason,
        "reason_text": None if reason is None else reason_text(reason).removeprefix(f"{reason} "),
        "tx": entry.tx_hash,
    }


def write_responses_ndjson(
    rows: Sequence[ClaimRow], result: RunResult, path: Path, *, decimals: int, currency: str
) -> int:
    """One JSON line per claim of the file that has an outcome (:func:`response_line`), in file order,
    written to a temporary file and renamed over ``path``; how many lines."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = []
    for row in rows:
        entry = result.entries.get("0x" + row.claim_id.hex())
        if entry is not None and entry.done:
            lines.append(
                json.dumps(
                    response_line(row, entry, decimals=decimals, currency=currency),
                    ensure_ascii=False,
                    separators=(",", ":"),
                )
            )
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write("".join(line + "\n" for line in lines))
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return len(lines)


def write_fhir_responses(
    rows: Sequence[ClaimRow], result: RunResult, out: Path, *, decimals: int, currency: str, insurer: str, node: Rpc
) -> None:
    """One FHIR ClaimResponse JSON file per claim of the file that has an outcome."""
    from .fhir import claim_response  # fhir.resources takes a second to import: only when asked for

    out.mkdir(parents=True, exist_ok=True)
    try:
        now = int(node.call("eth_getBlockByNumber", ["latest", False])["timestamp"], 16)
    except NodeError as err:
        raise BulkSubmitError(
            f"{err}; every claim is journaled: rerun the same command to write the ClaimResponses"
        ) from None
    for row in rows:
        cid = "0x" + row.claim_id.hex()
        entry = result.entries.get(cid)
        if entry is None or not entry.done:
            continue
        response = claim_response(
            ref=row.ref,
            claim_id=cid,
            outcome=entry.outcome or "Rejected",
            reason=entry.reason,
            amount=row.amount,
            payable=entry.payable,
            patient_share=entry.patient_share,
            decimals=decimals,
            currency=currency,
            insurer=insurer,
            created=now,
            tx_hash=entry.tx_hash,
        )
        write_json_atomic(out / f"{_safe_name(row.ref)}.{cid[2:10]}.json", response)
