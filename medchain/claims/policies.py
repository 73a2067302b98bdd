"""Insurance policies from a file, for ``ape run claims policies FILE``: CSV or JSON, one policy a row.

Columns (CSV header, or JSON object keys): ``policy_id`` (0x + 64 hex digits: it makes a rerun find the
rows already registered), ``patient`` (address), ``limit`` (annual limit in tokens), ``deductible``
(tokens, default 0), ``coinsurance`` (``20%`` or basis points, default 0), ``from`` and ``until``
(``YYYY-MM-DD`` or unix seconds; ``until`` exclusive). Every problem names its row and column.
"""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .client import ClaimsInputError, parse_amount, parse_bytes32, parse_coinsurance, parse_date

COLUMNS = ("policy_id", "patient", "limit", "deductible", "coinsurance", "from", "until")


class PolicyFileError(ValueError):
    """The policy file cannot be used; the message names the file, the row and the column."""


@dataclass(frozen=True)
class PolicyRow:
    """One policy as ``registerPolicy`` takes it (amounts in token units, times in unix seconds)."""

    row: int
    policy_id: bytes
    patient: str
    annual_limit: int
    deductible: int
    coinsurance_bps: int
    valid_from: int
    valid_until: int

    def as_args(self) -> tuple:
        return (
            self.policy_id,
            self.patient,
            self.annual_limit,
            self.deductible,
            self.coinsurance_bps,
            self.valid_from,
            self.valid_until,
        )


def read_policy_file(path: Path, decimals: int) -> list[PolicyRow]:
    """Every row of ``path`` (``.csv`` or ``.json``), checked; :class:`PolicyFileError` at the first bad row."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as err:
        raise PolicyFileError(f"{path}: cannot read it ({err.strerror or err})") from None
    if path.suffix.lower() == ".json":
        try:
            rows = json.loads(text)
        except json.JSONDecodeError as err:
            raise PolicyFileError(f"{path}: not JSON ({err.msg} at line {err.lineno})") from None
        if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
            raise PolicyFileError(f"{path}: expected a JSON list of objects with keys {', '.join(COLUMNS)}")
        first = 1
    else:
        rows = list(csv.DictReader(text.splitlines()))
        first = 2  # row numbers as a spreadsheet shows them (the header is row 1)
    policies: list[PolicyRow] = []
    seen: dict[bytes, int] = {}
    for number, raw in enumerate(rows, start=first):
        policy = _row(path, number, raw, decimals)
        if policy.policy_id in seen:
            raise PolicyFileError(
                f"{path} row {number}: policy_id 0x{policy.policy_id.hex()} is also in row {seen[policy.policy_id]}"
            )
        seen[policy.policy_id] = number
        policies.append(policy)
    return policies


def _row(path: Path, number: int, raw: dict[str, Any], decimals: int) -> PolicyRow:
    from eth_utils import is_address, to_checksum_address

    def value(column: str, default: str | None = None) -> str:
        text = str(raw.get(column) if raw.get(column) is not None else "").strip()
        if not text:
            if default is None:
                raise ClaimsInputError(f"{column}: missing")
            return default
        return text

    try:
        unknown = sorted(set(raw) - set(COLUMNS))
        if unknown:
            raise ClaimsInputError(f"{unknown[0]}: not a column (the columns are {', '.join(COLUMNS)})")
        patient = value("patient")
        if not is_address(patient):
            raise ClaimsInputError(f"patient: not an address: {patient!r}")
        start, end = parse_date("from", value("from")), parse_date("until", value("until"))
        if start >= end:
            raise ClaimsInputError("until: must be after from")
        return PolicyRow(
            row=number,
            policy_id=parse_bytes32("policy_id", value("policy_id")),
            patient=to_checksum_address(patient),
            annual_limit=parse_amount("limit", value("limit"), decimals),
            deductible=parse_amount("deductible", value("deductible", "0"), decimals, zero=True),
            coinsurance_bps=parse_coinsurance(value("coinsurance", "0")),
            valid_from=start,
            valid_until=end,
        )
    except ClaimsInputError as err:
        raise PolicyFileError(f"{path} row {number}: {str(err).replace('--coinsurance', 'coinsurance')}") from None
