"""The insurer's bulk submission job, start to end (``ape run submit_claims`` calls :func:`submit_file`).

1. read and check the whole claim file (:mod:`medchain.claims.inputs`), then check it against the
   chain: each policy exists, and a FHIR Claim's patient is the policy's patient;
2. stop on any problem, or with ``skip_invalid`` write the bad rows to a rejects file and go on;
3. submit the rest with :class:`medchain.claims.bulk.BulkSubmitter` (journaled, resumable);
4. write one FHIR ClaimResponse per claim and return the summary.
"""

from __future__ import annotations

import csv
import json
import os
import re
import secrets
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from eth_abi import decode, encode
from eth_utils import keccak, to_checksum_address

from ..jsonfiles import write_json_atomic
from ..rpc import NodeClient, NodeError
from .bulk import BulkSubmitError, BulkSubmitter, Progress, RunResult, Signer, require_contract, summarize
from .fhir import claim_response
from .inputs import ClaimFile, ClaimInputError, ClaimRow, InputProblem, read_claim_file
from .journal import Journal

POLICY_OF = keccak(text="policyOf(bytes32)")[:4]
CODES_KEY_BYTES = 32


def load_codes_key(path: Path, create: bool = True) -> bytes:
    """The insurer's 32-byte codes key (hex in a file), created on first use with owner-only access."""
    path = Path(path)
    if not path.exists():
        if not create:
            raise ClaimInputError([InputProblem(str(path), None, None, "no codes key file")])
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write("0x" + secrets.token_bytes(CODES_KEY_BYTES).hex() + "\n")
    text = path.read_text().strip()
    try:
        key = bytes.fromhex(text.removeprefix("0x"))
    except ValueError:
        key = b""
    if len(key) != CODES_KEY_BYTES:
        raise ClaimInputError([InputProblem(str(path), None, None, "a codes key is 32 bytes as hex (64 digits)")])
    return key


def load_mapping(path: Path | None) -> dict[str, str]:
    """The pseudonym mapping file: FHIR reference -> on-chain address or policy id."""
    if path is None:
        return {}
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as err:
        raise ClaimInputError([InputProblem(str(path), None, None, f"unreadable mapping file: {err}")]) from None
    if not isinstance(data, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in data.items()):
        raise ClaimInputError([InputProblem(str(path), None, None,
                                            'the mapping file must be a JSON object {"Patient/x": "0x…", …}')])
    return data


def check_against_chain(parsed: ClaimFile, rpc_call: Callable[[str, bytes], bytes], contract: str) -> None:
    """Each policy exists on chain; a FHIR Claim's patient is its policy's patient. Adds problems."""
    patients: dict[bytes, str | None] = {}
    for policy in {row.policy_id for row in parsed.rows}:
        answer = rpc_call(contract, POLICY_OF + encode(["bytes32"], [policy]))
        insurer, patient, *_ = decode(["address", "address", "uint128", "uint128", "uint16", "uint64", "uint64"], answer)
        patients[policy] = None if int(insurer, 16) == 0 else to_checksum_address(patient)
    source = str(parsed.path)
    fhir = parsed.format == "fhir"
    keep = []
    for row in parsed.rows:
        patient = patients[row.policy_id]
        if patient is None:
            field_name = "Claim.insurance[0].coverage" if fhir else "policy_id"
            parsed.problems.append(InputProblem(source, row.row, field_name,
                                                f"policy 0x{row.policy_id.hex()} is not registered on chain"))
        elif row.patient is not None and row.patient != patient:
            parsed.problems.append(InputProblem(source, row.row, "Claim.patient",
                                                f"the policy belongs to another patient than {row.patient}"))
        else:
            keep.append(row)
    parsed.rows = keep


def write_rejects(parsed: ClaimFile, path: Path) -> int:
    """The invalid rows, as read, each with its problems; how many rows."""
    bad = parsed.invalid_rows
    by_row: dict[int, list[str]] = {}
    for problem in parsed.problems:
        if problem.row is not None:
            by_row.setdefault(problem.row, []).append(f"{problem.field}: {problem.message}" if problem.field
                                                      else problem.message)
    path.parent.mkdir(parents=True, exist_ok=True)
    if parsed.format == "csv":
        columns = sorted({k for r in bad for k in (parsed.raw.get(r) or {})})
        with path.open("w", newline="", encoding="utf-8") as fh:
            writer = csv.writer(fh)
            writer.writerow(["line", *columns, "errors"])
            for r in bad:
                raw = parsed.raw.get(r) or {}
                writer.writerow([r, *(raw.get(c, "") for c in columns), " | ".join(by_row[r])])
    else:
        with path.open("w", encoding="utf-8") as fh:
            for r in bad:
                fh.write(json.dumps({"row": r, "errors": by_row[r], "input": parsed.raw.get(r)}) + "\n")
    return len(bad)


def _safe_name(ref: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "_", ref).strip("_")[:80] or "claim"


@dataclass
class SubmissionReport:
    parsed: ClaimFile
    result: RunResult | None
    summary: dict[str, Any]
    rejects_file: Path | None = None
    responses_dir: Path | None = None
    skipped_invalid: int = 0
    notes: list[str] = field(default_factory=list)


def submit_file(
    path: Path, *, w3: Any, contract: str, signer: Signer, journal_path: Path, codes_key: bytes, decimals: int,
    currency: str = "USD", mapping: dict[str, str] | None = None, skip_invalid: bool = False,
    rejects_path: Path | None = None, responses_dir: Path | None = None, batch_size: int = 50, window: int = 8,
    retry_rejected: bool = False, dry_run: bool = False, progress: Callable[[Progress], None] | None = None,
    stall_timeout: float = 30.0, patience: float = 30.0, log: Callable[[str], None] = lambda _m: None,
) -> SubmissionReport:
    """Check the file, submit what is valid and not yet done, write responses; see the module docstring.

    ``patience``: seconds a node that does not answer (or fails) is retried before the run stops with
    :class:`BulkSubmitError`; ``log`` hears about the retries.
    """
    node = NodeClient(w3.provider, patience=patience, log=log)
    try:
        chain_id = int(node.call("eth_chainId", []), 16)
    except NodeError as err:
        raise BulkSubmitError(f"{err}; nothing was sent: rerun the same command once the node answers") from None
    parsed = read_claim_file(path, decimals=decimals, codes_key=codes_key, chain_id=chain_id, mapping=mapping)

    def rpc_call(to: str, data: bytes) -> bytes:
        try:
            result = node.call("eth_call", [{"to": to, "data": "0x" + data.hex()}, "latest"])
        except NodeError as err:
            raise BulkSubmitError(f"{err}; checking the policies on chain, nothing was sent: rerun the same "
                                  "command once the node answers") from None
        return bytes.fromhex(result[2:])

    if parsed.rows:
        try:
            require_contract(node, contract, chain_id, journal_path)
        except NodeError as err:
            raise BulkSubmitError(f"{err}; nothing was sent: rerun the same command once the node answers") from None
        check_against_chain(parsed, rpc_call, contract)
    report = SubmissionReport(parsed=parsed, result=None, summary={})
    if parsed.file_problems() or (parsed.problems and not skip_invalid):
        raise ClaimInputError(parsed.problems)
    if parsed.problems:
        report.rejects_file = rejects_path or path.with_name(path.name + ".rejects" +
                                                             (".csv" if parsed.format == "csv" else ".jsonl"))
        report.skipped_invalid = write_rejects(parsed, report.rejects_file)
    if dry_run:
        report.summary = {"valid": len(parsed.rows), "invalid": report.skipped_invalid}
        return report
    with Journal(journal_path, chain_id=chain_id, contract=contract) as journal:
        submitter = BulkSubmitter(w3, contract, signer, journal, batch_size=batch_size, window=window,
                                  progress=progress, stall_timeout=stall_timeout, patience=patience, log=log)
        result = submitter.run(parsed.rows, retry_rejected=retry_rejected)
    report.result = result
    report.summary = summarize(parsed.rows, result.entries)
    if responses_dir is not None:
        report.responses_dir = responses_dir
        write_responses(parsed.rows, result, responses_dir, decimals=decimals, currency=currency,
                        insurer=signer.address, node=node)
    return report


def write_responses(rows: list[ClaimRow], result: RunResult, out: Path, *, decimals: int, currency: str,
                    insurer: str, node: NodeClient) -> None:
    """One ClaimResponse JSON per claim of the file that has an outcome."""
    out.mkdir(parents=True, exist_ok=True)
    try:
        now = int(node.call("eth_getBlockByNumber", ["latest", False])["timestamp"], 16)
    except NodeError as err:
        raise BulkSubmitError(f"{err}; every claim is journaled: rerun the same command to write the "
                              "ClaimResponses") from None
    for row in rows:
        cid = "0x" + row.claim_id.hex()
        entry = result.entries.get(cid)
        if entry is None or not entry.done:
            continue
        response = claim_response(
            ref=row.ref, claim_id=cid, outcome=entry.outcome or "Rejected", reason=entry.reason, amount=row.amount,
            payable=entry.payable, patient_share=entry.patient_share, decimals=decimals, currency=currency,
            insurer=insurer, created=now, tx_hash=entry.tx_hash,
        )
        write_json_atomic(out / f"{_safe_name(row.ref)}.{cid[2:10]}.json", response)
