"""Claim files an insurer submits in bulk: CSV, JSON lines, or a FHIR R4 Bundle of Claim resources.

Every format becomes the same :class:`ClaimRow` list. The whole file is read and checked before
anything is sent; each problem is an :class:`InputProblem` naming the file, the row (CSV line, JSON
line or Bundle entry) and the field, and all of them are reported at once.

CSV columns (a header line is required; column order is free; extra columns are refused):

=============  ==============================================================================
claim_ref      the insurer's own reference for the claim (optional; stays off chain: used in
               the journal, the rejects file and the FHIR ClaimResponse)
policy_id      the opaque 32-byte policy id registered on chain (0x + 64 hex digits)
provider       the provider's address (it rendered the service and will be paid)
service_date   ``YYYY-MM-DD`` (midnight UTC), an ISO 8601 time with a zone, or unix seconds
amount         billed amount in token units as a decimal (``1250.00``); must equal the line items' sum
line_items     ``code[/modifier...][*quantity]@unit_price`` joined by ``;``, e.g. ``99213@150.00;85025/59*2@12.50``
evidence       the anchoring receipt of the supporting record (a path, relative to the claim file),
               or the record hash (0x + 64 hex digits) of a record anchored on its own
=============  ==============================================================================

JSON lines: one object per line with the same keys; ``line_items`` may also be a list of objects
``{"code", "modifiers", "quantity", "unit_price"}``.

FHIR R4: a Bundle whose entries are Claim resources (validated with ``fhir.resources``). Patient,
coverage and provider references are pseudonyms resolved through a mapping file (a JSON object such
as ``{"Patient/p-17": "0x…address", "Coverage/c-17": "0x…policy id", "Organization/north": "0x…"}``);
a Coverage or provider may also carry the on-chain value directly as its identifier. Line items come
from ``item`` (``productOrService``, ``modifier``, ``quantity``, ``unitPrice``), the amount from
``total``, the service date from ``billablePeriod.start`` or the first item's ``servicedDate``, the
evidence from ``supportingInfo`` (``valueAttachment.url`` or ``valueString``: a receipt path or a
record hash).

The codes hash is keccak256(codes key ‖ RFC 8785 JSON of the canonical line items: codes and
modifiers upper-cased, modifiers sorted and deduplicated, lines of the same code and modifiers merged
(quantities added), lines sorted): procedure codes are health information, so the hash is keyed (a
32-byte secret the insurer shares with the providers that submit directly) and nobody can test
guesses against it. Unit prices are checked against the amount but left out of the fingerprint, and
the claim id names the service day (UTC), not the second: the same service billed again at another
price, another time of the same day or with its codes or modifiers in another order is still the same
claim (ClaimSettlement refuses it as a duplicate).
"""

from __future__ import annotations

import csv
import json
import re
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from decimal import Decimal, InvalidOperation
from functools import cached_property
from pathlib import Path
from typing import Any, Callable, Iterator

from eth_utils import is_address, keccak, to_checksum_address

from ..records.hashing import record_hash
from ..records.receipts import Receipt, ReceiptError

CSV_COLUMNS = ("claim_ref", "policy_id", "provider", "service_date", "amount", "line_items", "evidence")
REQUIRED_COLUMNS = tuple(c for c in CSV_COLUMNS if c != "claim_ref")
FORMATS = ("csv", "jsonl", "fhir")
MAX_UINT64 = 2**64 - 1
MAX_AMOUNT = 2**96 - 1  # ClaimSettlement refuses larger amounts (reason 1002)
HEX32 = re.compile(r"^0x[0-9a-fA-F]{64}$")
LINE_ITEM = re.compile(r"^(?P<code>[A-Za-z0-9.]+)(?P<mods>(/[A-Za-z0-9]+)*)(\*(?P<qty>[0-9.]+))?@(?P<price>[0-9.]+)$")


class ClaimInputError(ValueError):
    """The claim file cannot be used; ``problems`` lists every row and field at fault."""

    def __init__(self, problems: list[InputProblem]):
        self.problems = problems
        shown = "\n".join(f"  {p}" for p in problems[:50])
        more = f"\n  ... and {len(problems) - 50} more" if len(problems) > 50 else ""
        super().__init__(f"{len(problems)} problem(s) in the claim file:\n{shown}{more}")


@dataclass(frozen=True)
class InputProblem:
    """One thing wrong with one field of one row."""

    source: str
    row: int | None  # CSV/JSONL line or Bundle entry number (1-based); None for the whole file
    field: str | None
    message: str

    def __str__(self) -> str:
        where = self.source if self.row is None else f"{self.source}: {self.unit} {self.row}"
        return f"{where}: {self.field}: {self.message}" if self.field else f"{where}: {self.message}"

    @property
    def unit(self) -> str:
        return "entry" if self.source.endswith(".json") else "line"


@dataclass(frozen=True)
class LineItem:
    code: str
    modifiers: tuple[str, ...]
    quantity: Decimal
    unit_price: int  # token units

    @property
    def net(self) -> Decimal:
        return self.quantity * self.unit_price

    def fingerprint(self) -> dict[str, Any]:
        """What identifies the service as written (no price); the codes hash uses :func:`canonical_items`."""
        return {"code": self.code, "modifiers": list(self.modifiers), "quantity": _decimal_text(self.quantity)}

    def to_json(self, decimals: int) -> dict[str, Any]:
        return {
            "code": self.code, "modifiers": list(self.modifiers), "quantity": _decimal_text(self.quantity),
            "unit_price": format_units(self.unit_price, decimals),
        }


@dataclass(frozen=True)
class ClaimRow:
    """One valid claim, ready to submit."""

    row: int  # line or entry number in the source file
    ref: str
    policy_id: bytes
    provider: str
    amount: int  # token units
    service_date: int  # unix seconds
    line_items: tuple[LineItem, ...]
    codes_hash: bytes
    evidence_hash: bytes
    evidence_root: bytes = b"\x00" * 32
    evidence_proof: tuple[bytes, ...] = ()
    patient: str | None = None  # from a FHIR Claim's patient pseudonym: checked against the policy

    @cached_property
    def claim_id(self) -> bytes:
        return claim_id(self.policy_id, self.provider, self.service_date, self.codes_hash)

    def as_input(self) -> tuple:
        """The ``ClaimInput`` tuple of ``submitClaims``."""
        return (
            self.policy_id, self.provider, self.amount, self.service_date, self.codes_hash, self.evidence_hash,
            self.evidence_root, list(self.evidence_proof),
        )


@dataclass
class ClaimFile:
    """A parsed claim file: the valid rows, and the problems of the others (by row)."""

    path: Path
    format: str
    rows: list[ClaimRow] = field(default_factory=list)
    problems: list[InputProblem] = field(default_factory=list)
    raw: dict[int, Any] = field(default_factory=dict)  # row -> the row as read (for the rejects file)

    @property
    def invalid_rows(self) -> list[int]:
        return sorted({p.row for p in self.problems if p.row is not None})

    def file_problems(self) -> list[InputProblem]:
        return [p for p in self.problems if p.row is None]


SERVICE_DAY = 86_400  # ClaimSettlement.SERVICE_DAY: claim ids name the service day (UTC)


def claim_id(policy_id: bytes, provider: str, service_date: int, codes_hash: bytes) -> bytes:
    """``ClaimSettlement.claimIdOf``: keccak256(abi.encode(policy, provider, serviceDate / 1 days, codesHash)).

    Static types only, so abi.encode is the four 32-byte words side by side (no eth_abi on this hot path).
    """
    return keccak(policy_id + bytes.fromhex(provider[2:]).rjust(32, b"\0")
                  + (service_date // SERVICE_DAY).to_bytes(32, "big") + codes_hash)


def canonical_items(items: tuple[LineItem, ...] | list[LineItem]) -> list[dict[str, Any]]:
    """The items' fingerprints in canonical form: what identifies the service, whatever the writing.

    Codes and modifiers upper-cased, modifiers sorted and deduplicated; lines with the same code and
    modifiers merged (their quantities added); lines sorted by code, then modifiers.
    """
    merged: dict[tuple[str, tuple[str, ...]], Decimal] = {}
    for item in items:
        key = (item.code.upper(), tuple(sorted({m.upper() for m in item.modifiers})))
        merged[key] = merged.get(key, Decimal(0)) + item.quantity
    return [{"code": code, "modifiers": list(mods), "quantity": _decimal_text(qty)}
            for (code, mods), qty in sorted(merged.items())]


def codes_hash(items: tuple[LineItem, ...] | list[LineItem], codes_key: bytes) -> bytes:
    """keccak256(codes key ‖ RFC 8785 JSON of the canonical line items (:func:`canonical_items`)).

    The one place the codes hash is made: every submitter (bulk, CLI, pharmacy) goes through it, so the
    same service always has the same hash and ClaimSettlement's duplicate check holds.
    """
    return record_hash(canonical_items(items), codes_key)


def format_units(units: int, decimals: int) -> str:
    """``150000000`` at 6 decimals → ``150.00`` (at least two decimals shown)."""
    text = f"{Decimal(units).scaleb(-decimals):f}" if decimals else str(units)
    whole, _, frac = text.partition(".")
    frac = frac.rstrip("0").ljust(2, "0") if decimals else ""
    return f"{whole}.{frac}" if frac else whole


def _decimal_text(value: Decimal) -> str:
    return f"{value.normalize():f}"


# ----------------------------------------------------------------------------------------------
# Field parsers: each returns the value or raises _Bad with the message.


class _Bad(ValueError):
    pass


def _required(value: Any) -> str:
    if value is None or (isinstance(value, str) and not value.strip()):
        raise _Bad("missing")
    return str(value).strip()


def parse_policy_id(value: Any) -> bytes:
    text = _required(value)
    if not HEX32.match(text):
        raise _Bad(f"not a policy id (0x + 64 hex digits): {text!r}")
    raw = bytes.fromhex(text[2:])
    if raw == b"\x00" * 32:
        raise _Bad("the zero policy id is never registered")
    return raw


def parse_address(value: Any) -> str:
    text = _required(value)
    if not is_address(text):
        raise _Bad(f"not an address: {text!r}")
    if text != text.lower() and text[2:] != text[2:].upper() and text != to_checksum_address(text):
        raise _Bad(f"address checksum does not match (mistyped?): {text!r}")
    address = to_checksum_address(text)
    if int(address, 16) == 0:
        raise _Bad("the zero address")
    return address


def parse_service_date(value: Any) -> int:
    text = _required(value)
    try:
        if re.fullmatch(r"\d{9,11}", text):
            stamp = int(text)
        elif re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            stamp = int(datetime.combine(date.fromisoformat(text), datetime.min.time(), timezone.utc).timestamp())
        else:
            moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
            if moment.tzinfo is None:
                raise _Bad(f"a time needs a zone (e.g. Z or +01:00): {text!r}")
            stamp = int(moment.timestamp())
    except ValueError as err:
        if isinstance(err, _Bad):
            raise
        raise _Bad(f"not a date (YYYY-MM-DD, ISO 8601 time with zone, or unix seconds): {text!r}") from None
    if not 0 < stamp <= MAX_UINT64:
        raise _Bad(f"out of range: {text!r}")
    return stamp


def parse_units(value: Any, decimals: int) -> int:
    """A decimal amount of tokens → token units (no rounding: extra decimals are an error)."""
    text = _required(value)
    try:
        amount = Decimal(text)
    except InvalidOperation:
        raise _Bad(f"not a number: {text!r}") from None
    if not amount.is_finite() or amount <= 0:
        raise _Bad(f"must be positive: {text!r}")
    units = amount.scaleb(decimals)
    if units != units.to_integral_value():
        raise _Bad(f"more than {decimals} decimals: {text!r}")
    if units > MAX_AMOUNT:
        raise _Bad(f"too large: {text!r}")
    return int(units)


def _item(code: Any, modifiers: Any, quantity: Any, price: Any, decimals: int) -> LineItem:
    code_text = _required(code)
    if not re.fullmatch(r"[A-Za-z0-9.]{1,16}", code_text):
        raise _Bad(f"not a procedure code: {code_text!r}")
    mods = tuple(str(m).strip().upper() for m in (modifiers or ()))
    if any(not re.fullmatch(r"[A-Z0-9]{1,4}", m) for m in mods):
        raise _Bad(f"bad modifier in {list(mods)!r}")
    try:
        qty = Decimal(str(quantity if quantity not in (None, "") else 1))
    except InvalidOperation:
        raise _Bad(f"quantity is not a number: {quantity!r}") from None
    if not qty.is_finite() or qty <= 0:
        raise _Bad(f"quantity must be positive: {quantity!r}")
    try:
        unit_price = parse_units(price, decimals)
    except _Bad as err:
        raise _Bad(f"unit price: {err}") from None
    return LineItem(code_text.upper(), mods, qty, unit_price)


def parse_line_items(value: Any, decimals: int) -> tuple[LineItem, ...]:
    """``99213@150.00;85025/59*2@12.50`` or a list of objects."""
    if isinstance(value, list):
        items = []
        for n, obj in enumerate(value, 1):
            if not isinstance(obj, dict):
                raise _Bad(f"item {n} is not an object")
            try:
                items.append(_item(obj.get("code"), obj.get("modifiers"), obj.get("quantity"), obj.get("unit_price"),
                                   decimals))
            except _Bad as err:
                raise _Bad(f"item {n}: {err}") from None
    else:
        text = _required(value)
        items = []
        for n, part in enumerate(text.split(";"), 1):
            match = LINE_ITEM.match(part.strip())
            if not match:
                raise _Bad(f"item {n} is not code[/modifier][*quantity]@unit_price: {part.strip()!r}")
            mods = [m for m in match["mods"].split("/") if m]
            try:
                items.append(_item(match["code"], mods, match["qty"], match["price"], decimals))
            except _Bad as err:
                raise _Bad(f"item {n}: {err}") from None
    if not items:
        raise _Bad("no line items")
    return tuple(items)


@dataclass(frozen=True)
class Evidence:
    record_hash: bytes
    root: bytes = b"\x00" * 32
    proof: tuple[bytes, ...] = ()
    provider: str | None = None  # who the receipt says anchored it


def parse_evidence(value: Any, base: Path, chain_id: int | None) -> Evidence:
    """A receipt path (relative to the claim file's folder) or a single-anchored record hash."""
    text = _required(value)
    if HEX32.match(text):
        return Evidence(bytes.fromhex(text[2:]))
    path = Path(text)
    path = path if path.is_absolute() else base / path
    try:
        receipt = Receipt.load(path)
    except ReceiptError as err:
        raise _Bad(f"receipt {text}: {str(err).removeprefix(str(path) + ': ')}") from None
    if chain_id is not None and receipt.chain_id != chain_id:
        raise _Bad(f"receipt {text} is for chain {receipt.chain_id}, not {chain_id}")
    if receipt.in_batch:
        return Evidence(receipt.record_hash, receipt.root, tuple(receipt.proof), receipt.provider)
    return Evidence(receipt.record_hash, provider=receipt.provider)


# ----------------------------------------------------------------------------------------------
# Rows


class _RowChecker:
    """Collects the problems of one row while parsing its fields."""

    def __init__(self, source: str, row: int, problems: list[InputProblem]):
        self.source, self.row, self.problems = source, row, problems
        self.ok = True

    def field(self, name: str, parse: Callable[[], Any]) -> Any:
        try:
            return parse()
        except _Bad as err:
            self.problems.append(InputProblem(self.source, self.row, name, str(err)))
            self.ok = False
            return None

    def fail(self, name: str | None, message: str) -> None:
        self.problems.append(InputProblem(self.source, self.row, name, message))
        self.ok = False


def _build_row(
    check: _RowChecker, values: dict[str, Any], *, decimals: int, codes_key: bytes, base: Path,
    chain_id: int | None, patient: str | None = None, field_names: dict[str, str] | None = None,
) -> ClaimRow | None:
    """Parse the common fields (keys as in CSV_COLUMNS); ``field_names`` renames them in messages."""
    names = field_names or {}

    def name(key: str) -> str:
        return names.get(key, key)

    policy = check.field(name("policy_id"), lambda: parse_policy_id(values.get("policy_id")))
    provider = check.field(name("provider"), lambda: parse_address(values.get("provider")))
    service = check.field(name("service_date"), lambda: parse_service_date(values.get("service_date")))
    amount = check.field(name("amount"), lambda: parse_units(values.get("amount"), decimals))
    items = check.field(name("line_items"), lambda: parse_line_items(values.get("line_items"), decimals))
    evidence = check.field(name("evidence"), lambda: parse_evidence(values.get("evidence"), base, chain_id))
    if amount is not None and items is not None:
        total = sum(item.net for item in items)
        if total != amount:
            check.fail(name("amount"), f"{format_units(amount, decimals)} is not the sum of the line items "
                                      f"({format_units(int(total), decimals) if total == int(total) else total})")
    if evidence is not None and provider is not None and evidence.provider not in (None, provider):
        check.fail(name("evidence"), f"the receipt's record was anchored by {evidence.provider}, not by the "
                                    f"claim's provider {provider}")
    if not check.ok:
        return None
    ref = str(values.get("claim_ref") or "").strip() or f"{check.source}#{check.row}"
    return ClaimRow(
        row=check.row, ref=ref, policy_id=policy, provider=provider, amount=amount, service_date=service,
        line_items=items, codes_hash=codes_hash(items, codes_key), evidence_hash=evidence.record_hash,
        evidence_root=evidence.root, evidence_proof=evidence.proof, patient=patient,
    )


def detect_format(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return "csv"
    if suffix in (".jsonl", ".ndjson"):
        return "jsonl"
    if suffix == ".json":
        return "fhir"
    raise ClaimInputError([InputProblem(str(path), None, None,
                                        "unknown file type: use .csv, .jsonl (JSON lines) or .json (FHIR R4 Bundle)")])


def read_claim_file(
    path: Path, *, decimals: int, codes_key: bytes, chain_id: int | None = None, mapping: dict[str, str] | None = None,
    fmt: str | None = None,
) -> ClaimFile:
    """Parse and check the whole file. Problems are collected (never raised) except for an unreadable file."""
    path = Path(path)
    fmt = fmt or detect_format(path)
    result = ClaimFile(path=path, format=fmt)
    source = str(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise ClaimInputError([InputProblem(source, None, None, "no such file")]) from None
    except UnicodeDecodeError:
        raise ClaimInputError([InputProblem(source, None, None, "not UTF-8 text")]) from None
    common = {"decimals": decimals, "codes_key": codes_key, "base": path.parent, "chain_id": chain_id}
    if fmt == "csv":
        _read_csv(result, text, common)
    elif fmt == "jsonl":
        _read_jsonl(result, text, common)
    elif fmt == "fhir":
        from .fhir import read_bundle  # fhir.resources is slow to import: only for FHIR files

        read_bundle(result, text, common, mapping or {})
    else:
        raise ClaimInputError([InputProblem(source, None, None, f"unknown format {fmt!r}: {', '.join(FORMATS)}")])
    if not result.rows and not result.problems:
        result.problems.append(InputProblem(source, None, None, "no claims in the file"))
    _check_duplicates(result)
    return result


def _read_csv(result: ClaimFile, text: str, common: dict[str, Any]) -> None:
    source = str(result.path)
    reader = csv.reader(text.splitlines())
    header = next(reader, None)
    if header is None:
        result.problems.append(InputProblem(source, None, None, "empty file"))
        return
    header = [h.strip().lower() for h in header]
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    unknown = [h for h in header if h not in CSV_COLUMNS]
    dupes = sorted({h for h in header if header.count(h) > 1})
    for column in missing:
        result.problems.append(InputProblem(source, 1, column, "column missing from the header"))
    for column in unknown:
        result.problems.append(InputProblem(source, 1, column, f"unknown column (known: {', '.join(CSV_COLUMNS)})"))
    for column in dupes:
        result.problems.append(InputProblem(source, 1, column, "column appears twice"))
    if missing or unknown or dupes:
        return
    for line_no, cells in enumerate(reader, 2):
        if not cells or all(not c.strip() for c in cells):
            continue
        check = _RowChecker(source, line_no, result.problems)
        values = dict(zip(header, cells))
        result.raw[line_no] = values
        if len(cells) != len(header):
            check.fail(None, f"{len(cells)} cells, the header has {len(header)}")
            continue
        row = _build_row(check, values, **common)
        if row:
            result.rows.append(row)


def _read_jsonl(result: ClaimFile, text: str, common: dict[str, Any]) -> None:
    source = str(result.path)
    for line_no, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        check = _RowChecker(source, line_no, result.problems)
        try:
            values = json.loads(line)
        except json.JSONDecodeError as err:
            result.raw[line_no] = line
            check.fail(None, f"not JSON (column {err.colno}: {err.msg})")
            continue
        result.raw[line_no] = values
        if not isinstance(values, dict):
            check.fail(None, "not a JSON object")
            continue
        unknown = sorted(set(values) - set(CSV_COLUMNS))
        for key in unknown:
            check.fail(key, f"unknown field (known: {', '.join(CSV_COLUMNS)})")
        if unknown:
            continue
        row = _build_row(check, values, **common)
        if row:
            result.rows.append(row)


def _check_duplicates(result: ClaimFile) -> None:
    """Two rows of one file for the same service (same claim id) are a mistake in the file."""
    first: dict[bytes, ClaimRow] = {}
    keep = []
    for row in result.rows:
        other = first.get(row.claim_id)
        if other is None:
            first[row.claim_id] = row
            keep.append(row)
        else:
            unit = InputProblem(str(result.path), other.row, None, "").unit
            result.problems.append(InputProblem(
                str(result.path), row.row, "line_items",
                f"the same service as {unit} {other.row} (same policy, provider, date and codes): a duplicate claim",
            ))
    result.rows = keep


def iter_batches(rows: list[ClaimRow], size: int) -> Iterator[list[ClaimRow]]:
    for start in range(0, len(rows), size):
        yield rows[start:start + size]
