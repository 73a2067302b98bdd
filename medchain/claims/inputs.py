"""Claim files an insurer submits in bulk: CSV, JSON lines, or a FHIR R4 Bundle of Claim resources.

Every format becomes the same :class:`ClaimRow` list. The whole file is read and checked before
anything is sent; each problem is an :class:`InputProblem` naming the file, the row and the field, and
all of them are reported at once. The reader never raises on what a file contains: a bad byte, cell
or number is a problem of its row. :func:`codes_hash` is the keyed hash of the canonical line items.

The formats and the codes hash are specified in docs/guides/insurer.md, "Claim files".
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal, DecimalException
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any

from eth_utils import is_address, keccak, to_checksum_address

from ..records.hashing import SALT_BYTES, RecordError, record_hash
from ..records.receipts import Receipt, ReceiptError

CSV_COLUMNS = ("claim_ref", "policy_id", "provider", "service_date", "amount", "line_items", "evidence")
REQUIRED_COLUMNS = tuple(c for c in CSV_COLUMNS if c != "claim_ref")
FORMATS = ("csv", "jsonl", "fhir")
MAX_UINT64 = 2**64 - 1
MAX_AMOUNT = 2**96 - 1  # ClaimSettlement refuses larger amounts (reason 1002)
HEX32 = re.compile(r"^0x[0-9a-fA-F]{64}$")
#: ``code[/mod...][*qty]@price``: the code part is strict, quantity and price are any text up to the
#: next separator and are checked as numbers (so ``@-5`` is "must be positive", not a syntax error).
LINE_ITEM = re.compile(r"^(?P<code>[A-Za-z0-9.]+)(?P<mods>(/[A-Za-z0-9]+)*)(\*(?P<qty>[^@*]*))?@(?P<price>[^@*]*)$")
#: The longest cell (or JSON line / Bundle entry value) read: anything longer is a problem of its row.
MAX_CELL = 8 * 1024
MAX_LINE = 1024 * 1024  # a JSON line
MAX_QUANTITY = Decimal(10) ** 9
QUANTITY_DECIMALS = 6
#: ISO 4217 minor units of the currencies a claim is billed in (an amount may not have more decimals).
CURRENCY_DECIMALS = {
    "USD": 2,
    "EUR": 2,
    "GBP": 2,
    "CHF": 2,
    "CAD": 2,
    "AUD": 2,
    "NZD": 2,
    "SEK": 2,
    "NOK": 2,
    "DKK": 2,
    "PLN": 2,
    "CZK": 2,
    "INR": 2,
    "CNY": 2,
    "BRL": 2,
    "MXN": 2,
    "ZAR": 2,
    "SGD": 2,
    "HKD": 2,
    "JPY": 0,
    "KRW": 0,
    "ISK": 0,
    "CLP": 0,
    "BHD": 3,
    "KWD": 3,
    "OMR": 3,
    "JOD": 3,
    "TND": 3,
}
#: Plain decimal notation (an exponent allowed; no "1_000", no spaces), or what Decimal calls NaN/Infinity.
_NUMBER = re.compile(r"^[+-]?((\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?|inf|infinity|nan|snan)$", re.IGNORECASE)
_NOT_UTF8 = re.compile("[\udc80-\udcff]")  # bytes that were not UTF-8 (decoded with surrogateescape)

csv.field_size_limit(2**31 - 1)  # cells are measured and refused per row (MAX_CELL), never by the csv module


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
    whole_file: bool = False  # a header problem: it has a line (1) but concerns every row

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
            "code": self.code,
            "modifiers": list(self.modifiers),
            "quantity": _decimal_text(self.quantity),
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
            self.policy_id,
            self.provider,
            self.amount,
            self.service_date,
            self.codes_hash,
            self.evidence_hash,
            self.evidence_root,
            list(self.evidence_proof),
        )


@dataclass
class ClaimFile:
    """A parsed claim file: the valid rows, and the problems of the others (by row)."""

    path: Path
    format: str
    rows: list[ClaimRow] = field(default_factory=list)
    problems: list[InputProblem] = field(default_factory=list)
    raw: dict[int, Any] = field(default_factory=dict)  # row -> the row as read (for the rejects file)
    header: list[str] | None = None  # CSV: the header's cells as read (the rejects file repeats them)
    records: int = 0  # rows read (not blank): every one is in ``rows`` or has a problem

    @property
    def invalid_rows(self) -> list[int]:
        return sorted({p.row for p in self.problems if p.row is not None and not p.whole_file})

    def file_problems(self) -> list[InputProblem]:
        return [p for p in self.problems if p.row is None or p.whole_file]


SERVICE_DAY = 86_400  # ClaimSettlement.SERVICE_DAY: claim ids name the service day (UTC)


def claim_id(policy_id: bytes, provider: str, service_date: int, codes_hash: bytes) -> bytes:
    """``ClaimSettlement.claimIdOf``: keccak256(abi.encode(policy, provider, serviceDate / 1 days, codesHash)).

    Static types only, so abi.encode is the four 32-byte words side by side (no eth_abi on this hot path).
    """
    return keccak(
        policy_id
        + bytes.fromhex(provider[2:]).rjust(32, b"\0")
        + (service_date // SERVICE_DAY).to_bytes(32, "big")
        + codes_hash
    )


def canonical_items(items: tuple[LineItem, ...] | list[LineItem]) -> list[dict[str, Any]]:
    """The items' fingerprints in canonical form: what identifies the service, whatever the writing.

    Codes and modifiers upper-cased, modifiers sorted and deduplicated; lines with the same code and
    modifiers merged (their quantities added); lines sorted by code, then modifiers.
    """
    merged: dict[tuple[str, tuple[str, ...]], Decimal] = {}
    for item in items:
        key = (item.code.upper(), tuple(sorted({m.upper() for m in item.modifiers})))
        merged[key] = merged.get(key, Decimal(0)) + item.quantity
    return [
        {"code": code, "modifiers": list(mods), "quantity": _decimal_text(qty)}
        for (code, mods), qty in sorted(merged.items())
    ]


def codes_hash(items: tuple[LineItem, ...] | list[LineItem], codes_key: bytes) -> bytes:
    """keccak256(codes key ‖ RFC 8785 JSON of the canonical line items (:func:`canonical_items`)).

    The one place the codes hash is made: every submitter (bulk, CLI, pharmacy) goes through it, so the
    same service always has the same hash and ClaimSettlement's duplicate check holds.
    """
    canonical = canonical_items(items)
    # The parsers admit only ASCII codes, modifiers and decimals: where no character needs escaping (no
    # backslash in the output), json.dumps with sorted keys and no spaces writes RFC 8785's bytes, with
    # the C encoder (a third of the cost of reading a claim). Anything else goes through rfc8785.
    text = json.dumps(canonical, sort_keys=True, separators=(",", ":"))
    if "\\" in text:
        return record_hash(canonical, codes_key)
    if len(codes_key) != SALT_BYTES:
        raise RecordError(f"salt must be {SALT_BYTES} bytes, got {len(codes_key)}")
    return keccak(codes_key + text.encode())


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


#: A claim file names a few providers thousands of times: each spelling is checksummed once.
_checksum = lru_cache(maxsize=1 << 14)(to_checksum_address)


def parse_address(value: Any) -> str:
    text = _required(value)
    if not is_address(text):
        raise _Bad(f"not an address: {text!r}")
    address = _checksum(text)
    if text != text.lower() and text[2:] != text[2:].upper() and text != address:
        raise _Bad(f"address checksum does not match (mistyped?): {text!r}")
    if int(address, 16) == 0:
        raise _Bad("the zero address")
    return address


def parse_service_date(value: Any) -> int:
    text = _required(value)
    try:
        if re.fullmatch(r"\d{9,11}", text):
            stamp = int(text)
        elif re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            stamp = int(datetime.combine(date.fromisoformat(text), datetime.min.time(), UTC).timestamp())
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


def _number(text: str, what: str = "") -> Decimal:
    """A finite decimal of sane size (``1e999999`` is "too large", never an arithmetic exception)."""
    shown = text if len(text) <= 40 else text[:37] + "..."
    try:
        if not _NUMBER.match(text):
            raise ValueError(text)
        number = Decimal(text)
    except (DecimalException, ValueError):
        raise _Bad(f"{what}not a number: {shown!r}") from None
    if number.is_nan():
        raise _Bad(f"{what}not a number: {shown!r}")
    if number.is_infinite() or number.adjusted() > 40:
        raise _Bad(f"{what}too large: {shown!r}")
    if number <= 0:
        raise _Bad(f"{what}must be positive: {shown!r}")
    if number.as_tuple().exponent < -40:  # type: ignore[operator]
        raise _Bad(f"{what}too many decimals: {shown!r}")
    return number


def parse_units(value: Any, decimals: int, max_decimals: int | None = None) -> int:
    """A decimal amount of tokens → token units (no rounding: extra decimals are an error).

    ``max_decimals``: the currency's minor units (2 for USD), when fewer than the token's."""
    text = _required(value)
    amount = _number(text)
    allowed = decimals if max_decimals is None else min(decimals, max_decimals)
    if -amount.normalize().as_tuple().exponent > allowed:  # type: ignore[operator]
        raise _Bad(f"more than {allowed} decimals: {text!r}")
    units = amount.scaleb(decimals)
    if units > MAX_AMOUNT:
        raise _Bad(f"too large: {text!r}")
    return int(units)


def _item(code: Any, modifiers: Any, quantity: Any, price: Any, decimals: int) -> LineItem:
    code_text = _required(code)
    if not re.fullmatch(r"[A-Za-z0-9.]{1,16}", code_text):
        raise _Bad(f"not a procedure code: {code_text!r}")
    if modifiers is not None and not isinstance(modifiers, (list, tuple)):
        raise _Bad(f"modifiers are not a list: {str(modifiers)[:40]!r}")
    mods = tuple(str(m).strip().upper() for m in (modifiers or ()))
    if any(not re.fullmatch(r"[A-Z0-9]{1,4}", m) for m in mods):
        raise _Bad(f"bad modifier in {list(mods)!r}")
    if isinstance(quantity, bool) or not isinstance(quantity, (str, int, float, type(None))):
        raise _Bad(f"quantity is not a number: {str(quantity)[:40]!r}")
    qty = _number(str(quantity).strip() if quantity not in (None, "") else "1", "quantity ")
    if qty > MAX_QUANTITY:
        raise _Bad(f"quantity too large: {quantity!r}")
    if -qty.normalize().as_tuple().exponent > QUANTITY_DECIMALS:  # type: ignore[operator]
        raise _Bad(f"quantity has more than {QUANTITY_DECIMALS} decimals: {quantity!r}")
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
                items.append(
                    _item(obj.get("code"), obj.get("modifiers"), obj.get("quantity"), obj.get("unit_price"), decimals)
                )
            except _Bad as err:
                raise _Bad(f"item {n}: {err}") from None
    else:
        text = _required(value)
        items = []
        for n, part in enumerate(text.split(";"), 1):
            match = LINE_ITEM.match(part.strip())
            if not match:
                shown = part.strip() if len(part.strip()) <= 60 else part.strip()[:57] + "..."
                raise _Bad(f"item {n} is not code[/modifier][*quantity]@unit_price: {shown!r}")
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
    if "\0" in text or len(text) > 4096:
        raise _Bad(f"not a receipt path or a record hash: {text[:40]!r}")
    path = Path(text)
    path = path if path.is_absolute() else base / path
    try:
        receipt = Receipt.load(path)
    except ReceiptError as err:
        raise _Bad(f"receipt {text}: {str(err).removeprefix(str(path) + ': ')}") from None
    except (OSError, ValueError, UnicodeError) as err:
        raise _Bad(f"receipt {text}: unreadable ({type(err).__name__})") from None
    if chain_id is not None and receipt.chain_id != chain_id:
        raise _Bad(f"receipt {text} is for chain {receipt.chain_id}, not {chain_id}")
    if receipt.root is not None:
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
    check: _RowChecker,
    values: dict[str, Any],
    *,
    decimals: int,
    codes_key: bytes,
    base: Path,
    chain_id: int | None,
    patient: str | None = None,
    field_names: dict[str, str] | None = None,
    currency_decimals: int | None = None,
) -> ClaimRow | None:
    """Parse the common fields (keys as in CSV_COLUMNS); ``field_names`` renames them in messages."""
    names = field_names or {}

    def name(key: str) -> str:
        return names.get(key, key)

    policy = check.field(name("policy_id"), lambda: parse_policy_id(values.get("policy_id")))
    provider = check.field(name("provider"), lambda: parse_address(values.get("provider")))
    service = check.field(name("service_date"), lambda: parse_service_date(values.get("service_date")))
    amount = check.field(name("amount"), lambda: parse_units(values.get("amount"), decimals, currency_decimals))
    items = check.field(name("line_items"), lambda: parse_line_items(values.get("line_items"), decimals))
    evidence = check.field(name("evidence"), lambda: parse_evidence(values.get("evidence"), base, chain_id))
    if amount is not None and items is not None:
        total = sum(item.net for item in items)
        if total != amount:
            check.fail(
                name("amount"),
                f"{format_units(amount, decimals)} is not the sum of the line items "
                f"({format_units(int(total), decimals) if total == int(total) else total})",
            )
    if evidence is not None and provider is not None and evidence.provider not in (None, provider):
        check.fail(
            name("evidence"),
            f"the receipt's record was anchored by {evidence.provider}, not by the claim's provider {provider}",
        )
    if not check.ok:
        return None
    ref_value = values.get("claim_ref")
    if ref_value is not None and not isinstance(ref_value, (str, int)):
        check.fail(name("claim_ref"), "not text")
        return None
    ref = str(ref_value or "").strip() or f"{check.source}#{check.row}"
    return ClaimRow(
        row=check.row,
        ref=ref,
        policy_id=policy,
        provider=provider,
        amount=amount,
        service_date=service,
        line_items=items,
        codes_hash=codes_hash(items, codes_key),
        evidence_hash=evidence.record_hash,
        evidence_root=evidence.root,
        evidence_proof=evidence.proof,
        patient=patient,
    )


def detect_format(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return "csv"
    if suffix in (".jsonl", ".ndjson"):
        return "jsonl"
    if suffix == ".json":
        return "fhir"
    raise ClaimInputError(
        [
            InputProblem(
                str(path), None, None, "unknown file type: use .csv, .jsonl (JSON lines) or .json (FHIR R4 Bundle)"
            )
        ]
    )


def read_claim_file(
    path: Path,
    *,
    decimals: int,
    codes_key: bytes,
    chain_id: int | None = None,
    mapping: dict[str, str] | None = None,
    fmt: str | None = None,
    currency: str | None = None,
) -> ClaimFile:
    """Parse and check the whole file. Problems are collected (never raised) except for an unreadable file.

    ``currency``: the ISO 4217 code amounts are billed in (its minor units bound an amount's decimals)."""
    path = Path(path)
    fmt = fmt or detect_format(path)
    result = ClaimFile(path=path, format=fmt)
    source = str(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise ClaimInputError([InputProblem(source, None, None, "no such file")]) from None
    except OSError as err:
        raise ClaimInputError([InputProblem(source, None, None, f"unreadable: {err.strerror or err}")]) from None
    # Bytes that are not UTF-8 become lone surrogates here and a problem of their row (see _not_utf8).
    text = data.removeprefix(b"\xef\xbb\xbf").decode("utf-8", errors="surrogateescape")
    common = {
        "decimals": decimals,
        "codes_key": codes_key,
        "base": path.parent,
        "chain_id": chain_id,
        "currency_decimals": CURRENCY_DECIMALS.get(currency.upper()) if currency else None,
    }
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
    result.problems.sort(key=lambda p: (p.row is not None, p.row or 0))
    _check_duplicates(result)
    return result


def _not_utf8(value: Any) -> str | None:
    """Where a value read with surrogateescape holds bytes that are not UTF-8: ``byte 0xE9 at column 12``."""
    if isinstance(value, str):
        found = _NOT_UTF8.search(value)
        if found:
            return f"byte 0x{ord(found.group()) - 0xDC00:02X} at column {found.start() + 1}"
        return None
    if isinstance(value, dict):
        for key, item in value.items():
            where = _not_utf8(key) or _not_utf8(item)
            if where:
                return where
    if isinstance(value, list):
        for item in value:
            where = _not_utf8(item)
            if where:
                return where
    return None


def _row_text_problems(check: _RowChecker, names: list[str], cells: list[str]) -> None:
    """Cells that are not UTF-8, hold a NUL, or are too long: problems of the row, by column."""
    for name, cell in zip(names, cells):
        where = _not_utf8(cell)
        if where:
            check.fail(name, f"not UTF-8 text ({where}); save the file as UTF-8")
        elif "\0" in cell:
            check.fail(name, "holds a NUL character")
        elif len(cell) > MAX_CELL:
            check.fail(name, f"{len(cell):,} characters, more than {MAX_CELL:,}: not read")


def _read_csv(result: ClaimFile, text: str, common: dict[str, Any]) -> None:
    source = str(result.path)
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    records = _csv_records(reader, result, source, text)
    first = next(records, None)
    if first is None:
        result.problems.append(InputProblem(source, None, None, "empty file"))
        return
    _line, raw_header = first
    result.header = raw_header
    header = [h.strip().lower() for h in raw_header]
    problems: list[tuple[str | None, str]] = []
    where = _not_utf8("".join(raw_header))
    if where or any(len(h) > MAX_CELL or "\0" in h for h in raw_header):
        problems.append((None, f"the header is not a line of UTF-8 column names ({where or 'bad cell'})"))
    else:
        problems += [(c, "column missing from the header") for c in REQUIRED_COLUMNS if c not in header]
        problems += [(h, f"unknown column (known: {', '.join(CSV_COLUMNS)})") for h in header if h not in CSV_COLUMNS]
        problems += [(h, "column appears twice") for h in sorted({h for h in header if header.count(h) > 1})]
    for column, message in problems:
        result.problems.append(InputProblem(source, 1, column, message, whole_file=True))
    if problems:
        return
    for line_no, cells in records:
        if not cells or all(not c.strip() for c in cells):
            continue
        result.records += 1
        check = _RowChecker(source, line_no, result.problems)
        result.raw[line_no] = cells
        if len(cells) != len(header):
            check.fail(None, f"{len(cells)} cells, the header has {len(header)}")
        _row_text_problems(check, header, cells)
        if not check.ok:
            continue
        row = _build_row(check, dict(zip(header, cells)), **common)
        if row:
            result.rows.append(row)


class RawText(str):
    """Lines of a CSV file kept verbatim (a record the csv module refused): the rejects file repeats them."""


def _csv_records(reader: Any, result: ClaimFile, source: str, text: str) -> Iterator[tuple[int, list[str]]]:
    """``(first line, cells)`` of each CSV record (a quoted cell may span lines). What the csv module
    refuses (a quote that never closes, text after a closing quote) is a problem of the record's first
    line, and reading goes on with the next line."""
    line = 1
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as err:
            end = reader.line_num
            if "unexpected end of data" in str(err):
                message = (
                    f"a quote opened on line {line} never closes (the cell runs to line {end}, the end of the file)"
                )
            else:
                message = f"not CSV ({err}); quote a cell that holds a comma, a quote or a line break"
            result.problems.append(InputProblem(source, line, None, message))
            result.records += 1
            if line > 1:
                result.raw[line] = RawText("".join(text.splitlines(keepends=True)[line - 1 : end]))
            line = end + 1
            continue
        start, line = line, reader.line_num + 1
        yield start, cells


def _read_jsonl(result: ClaimFile, text: str, common: dict[str, Any]) -> None:
    source = str(result.path)
    for line_no, line in enumerate(text.split("\n"), 1):
        line = line.removesuffix("\r")
        if not line.strip():
            continue
        result.records += 1
        check = _RowChecker(source, line_no, result.problems)
        result.raw[line_no] = line
        where = _not_utf8(line)
        if where:
            check.fail(None, f"not UTF-8 text ({where}); save the file as UTF-8")
            continue
        if len(line) > MAX_LINE:
            check.fail(None, f"{len(line):,} characters, more than {MAX_LINE:,}: not read")
            continue
        try:
            values = json.loads(line)
        except json.JSONDecodeError as err:
            check.fail(None, f"not JSON (column {err.colno}: {err.msg})")
            continue
        except (ValueError, RecursionError) as err:  # e.g. an integer of more than 4,300 digits
            check.fail(None, f"not usable JSON ({str(err)[:80] or type(err).__name__})")
            continue
        if not isinstance(values, dict):
            check.fail(None, "not a JSON object")
            continue
        unknown = sorted(set(values) - set(CSV_COLUMNS))
        for key in unknown:
            check.fail(key, f"unknown field (known: {', '.join(CSV_COLUMNS)})")
        for key, value in values.items():
            if key in unknown:
                continue
            if isinstance(value, str) and len(value) > MAX_CELL:
                check.fail(key, f"{len(value):,} characters, more than {MAX_CELL:,}: not read")
            elif key != "line_items" and value is not None and not isinstance(value, (str, int, float)):
                check.fail(key, f"not a text or a number: {json.dumps(value)[:40]}")
        if not check.ok:
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
            result.problems.append(
                InputProblem(
                    str(result.path),
                    row.row,
                    "line_items",
                    f"the same service as {unit} {other.row} (same policy, provider, date and codes): a duplicate claim",
                )
            )
    result.rows = keep


def iter_batches(rows: list[ClaimRow], size: int) -> Iterator[list[ClaimRow]]:
    for start in range(0, len(rows), size):
        yield rows[start : start + size]
