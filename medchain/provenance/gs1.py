"""GS1 identifiers as a pharmacy's scanner reads them from a GS1 DataMatrix, and as the chain stores them.

A drug pack's DataMatrix carries the DSCSA / EU FMD product identifier as GS1 element strings:
GTIN (AI 01), expiry (AI 17, YYMMDD), lot (AI 10) and serial (AI 21). Scanners hand them over either
human-readable, ``(01)09506000134352(17)271231(10)LOT42(21)SN0001``, or raw, with the variable-length
fields ended by the FNC1 separator (ASCII GS, 0x1D) and often preceded by the symbology identifier
``]d2``. Both are parsed with ``biip``; since a GS cannot be typed on a command line, ``<GS>`` and the
four characters ``\\x1d`` are accepted in its place.

Everything is checked before anything is sent: the GTIN's mod-10 check digit (which the contract checks
again), the expiry date, and that the fields a step needs are present. Errors name the field.

On chain:

* ``gtin``: the GTIN-14 as an integer (shorter GTINs are zero-padded to 14 digits first);
* ``lot``: the lot's ASCII, left-aligned in a ``bytes32`` (GS1 lots are at most 20 characters);
* ``expiry``: a *unix day*, the number of days from 1970-01-01 to the expiry date; the product may be
  used through that day. A GS1 expiry with day ``00`` means the last day of that month;
* ``serialHash``: ``keccak256(serial as ASCII)``, the value of the unit's leaf in the batch's Merkle tree;
* ``batchId``: ``keccak256(abi.encode(uint64 gtin, bytes32 lot))``;
* a GS1 company prefix: its 6 to 12 digits (the GTIN-14's digits after the indicator digit) as
  ``(uint64 prefix, uint8 length)``, the length keeping its leading zeros. Only the manufacturer a
  prefix is assigned to commissions batches of the GTINs under it.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from eth_abi import encode
from eth_utils import keccak

from ..extras import missing_extra

try:
    from biip import ParseError
    from biip.gs1_messages import GS1Message
except ImportError as err:
    raise missing_extra("provenance", err) from None

__all__ = [
    "EPOCH",
    "GS1Error",
    "ProductIdentifier",
    "batch_id",
    "CompanyPrefix",
    "check_digit",
    "company_prefix",
    "company_prefix_of_gtin",
    "expiry_day",
    "gtin_int",
    "lot_bytes",
    "lot_text",
    "normalise_gtin",
    "parse_scan",
    "serial_hash",
]

EPOCH = dt.date(1970, 1, 1)
GS = "\x1d"
#: Symbology identifiers a scanner may put in front of the data (GS1 DataMatrix, GS1-128, QR, DotCode).
_SYMBOLOGY = re.compile(r"^\](?:d2|C1|Q3|J1|e0)")
#: GS1 AI 82 character set (what AI 10 and AI 21 may contain), 1 to 20 characters.
_CSET82 = re.compile(r"[!\"%&'()*+,\-./0-9:;<=>?A-Z_a-z]{1,20}")


class GS1Error(ValueError):
    """A scanner string or GS1 field is missing, malformed or fails its check digit; the message names it."""


def check_digit(digits: str) -> int:
    """The GS1 mod-10 check digit for ``digits`` (a GTIN without its check digit)."""
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(digits)))
    return (10 - total % 10) % 10


def normalise_gtin(value: str | int, field: str = "GTIN (01)") -> str:
    """A GTIN-8/12/13/14 (string or integer) as 14 digits, its check digit verified."""
    text = str(value).strip()
    if not text.isdigit() or len(text) > 14 or (isinstance(value, str) and len(text) not in (8, 12, 13, 14)):
        raise GS1Error(f"{field}: {text!r} is not a GTIN (8, 12, 13 or 14 digits)")
    text = text.zfill(14)
    if int(text) == 0:
        raise GS1Error(f"{field}: {text!r} is not a GTIN (all zeros)")
    expected = check_digit(text[:-1])
    if int(text[-1]) != expected:
        raise GS1Error(f"{field}: {text} has check digit {text[-1]}, expected {expected}")
    return text


@dataclass(frozen=True)
class CompanyPrefix:
    """A GS1 company prefix as the contract keys it: its digits (leading zeros kept by ``length``)."""

    digits: str

    @property
    def value(self) -> int:
        return int(self.digits)

    @property
    def length(self) -> int:
        return len(self.digits)

    def covers(self, gtin: str | int) -> bool:
        """Whether ``gtin`` (a GTIN-14 after its indicator digit) starts with this prefix."""
        return normalise_gtin(gtin)[1:].startswith(self.digits)


def company_prefix(text: str | int, field: str = "company prefix") -> CompanyPrefix:
    """A GS1 company prefix typed as its 6 to 12 digits (as a string: leading zeros count)."""
    digits = str(text).strip()
    if not digits.isdigit() or not 6 <= len(digits) <= 12:
        raise GS1Error(f"{field}: {digits!r} is not a GS1 company prefix (6 to 12 digits)")
    return CompanyPrefix(digits)


def company_prefix_of_gtin(gtin: str | int) -> CompanyPrefix:
    """The company prefix of ``gtin`` by GS1's prefix-length table (as ``biip`` ships it).

    GS1 allocates prefixes of different lengths in different ranges; where the table cannot tell (GS1
    Global Office numbers such as 950...), give the prefix explicitly instead.
    """
    from biip.gtin import Gtin

    text = normalise_gtin(gtin)
    try:
        found = Gtin.parse(text).company_prefix
    except ParseError as err:
        raise GS1Error(f"GTIN (01): {err}") from err
    if found is None:
        raise GS1Error(f"GTIN (01): {text}: GS1's prefix-length table does not know its company prefix; give it")
    return company_prefix(found.value)


def gtin_int(value: str | int) -> int:
    """The GTIN as the contract takes it: the 14-digit GTIN as an integer (check digit verified)."""
    return int(normalise_gtin(value))


def _check_cset82(value: str, field: str) -> str:
    if not isinstance(value, str) or _CSET82.fullmatch(value) is None:
        raise GS1Error(f"{field}: {value!r} must be 1 to 20 characters of the GS1 character set 82")
    return value


def lot_bytes(lot: str) -> bytes:
    """The lot (AI 10) as the contract's ``bytes32``: ASCII, left-aligned, zero-padded."""
    return _check_cset82(lot, "lot (10)").encode("ascii").ljust(32, b"\0")


def lot_text(lot: bytes) -> str:
    """Inverse of :func:`lot_bytes`."""
    text = bytes(lot).rstrip(b"\0").decode("ascii", errors="replace")
    return _check_cset82(text, "lot (10)")


def serial_hash(serial: str) -> bytes:
    """``keccak256(serial)``: the unit's value in its batch's Merkle tree and on chain."""
    return keccak(_check_cset82(serial, "serial (21)").encode("ascii"))


def expiry_day(date: dt.date) -> int:
    """The unix day of an expiry date (days since 1970-01-01)."""
    return (date - EPOCH).days


def batch_id(gtin: str | int, lot: str) -> bytes:
    """``keccak256(abi.encode(uint64 gtin, bytes32 lot))``, as the contract computes it."""
    return keccak(encode(["uint64", "bytes32"], [gtin_int(gtin), lot_bytes(lot)]))


@dataclass(frozen=True)
class ProductIdentifier:
    """What a scan gave: GTIN-14 (check digit verified), expiry date, lot and serial (each may be absent)."""

    gtin: str
    expiry: dt.date | None = None
    lot: str | None = None
    serial: str | None = None

    @property
    def gtin_int(self) -> int:
        return int(self.gtin)

    @property
    def expiry_day(self) -> int | None:
        return expiry_day(self.expiry) if self.expiry else None

    @property
    def batch_id(self) -> bytes:
        return batch_id(self.gtin, self.require("lot"))

    @property
    def serial_hash(self) -> bytes:
        return serial_hash(self.require("serial"))

    def require(self, *fields: str) -> str:
        """Raise :class:`GS1Error` naming the first of ``fields`` (gtin, expiry, lot, serial) that is missing."""
        names = {"gtin": "GTIN (01)", "expiry": "expiry (17)", "lot": "lot (10)", "serial": "serial (21)"}
        for name in fields:
            if getattr(self, name) is None:
                raise GS1Error(f"the scan has no {names[name]}: {self.as_hri()}")
        return getattr(self, fields[-1])

    def as_hri(self) -> str:
        """Human-readable element string: ``(01)...(17)...(10)...(21)...``."""
        parts = [f"(01){self.gtin}"]
        if self.expiry:
            parts.append(f"(17){self.expiry:%y%m%d}")
        if self.lot is not None:
            parts.append(f"(10){self.lot}")
        if self.serial is not None:
            parts.append(f"(21){self.serial}")
        return "".join(parts)


def parse_scan(text: str) -> ProductIdentifier:
    """Parse a scanner string (bracketed element strings, or raw with GS separators) into its fields.

    The GTIN (AI 01) is required and its check digit verified; AI 17 must be a valid date (day ``00``
    is the month's last day). Lot and serial are returned when present; use
    :meth:`ProductIdentifier.require` for the fields a step needs.
    """
    if not isinstance(text, str) or not text.strip():
        raise GS1Error("empty scan: expected GS1 element strings such as (01)...(17)...(10)...(21)...")
    raw = text.strip().replace("<GS>", GS).replace("\\x1d", GS).replace("\\x1D", GS)
    raw = _SYMBOLOGY.sub("", raw).lstrip(GS)
    try:
        message = GS1Message.parse_hri(raw) if raw.startswith("(") else GS1Message.parse(raw)
    except ParseError as err:
        raise GS1Error(f"not a GS1 element string: {err}") from err
    fields: dict[str, str] = {}
    dates: dict[str, dt.date | None] = {}
    for element in message.element_strings:
        ai = element.ai.ai
        if ai in fields:
            raise GS1Error(f"AI ({ai}) appears twice in the scan")
        fields[ai] = element.value
        dates[ai] = element.date
    if "01" not in fields:
        raise GS1Error(f"the scan has no GTIN (01): {text!r}")
    gtin = normalise_gtin(fields["01"])
    expiry = None
    if "17" in fields:
        expiry = dates["17"]
        if expiry is None:
            raise GS1Error(f"expiry (17): {fields['17']!r} is not a valid YYMMDD date")
    lot = _check_cset82(fields["10"], "lot (10)") if "10" in fields else None
    serial = _check_cset82(fields["21"], "serial (21)") if "21" in fields else None
    return ProductIdentifier(gtin=gtin, expiry=expiry, lot=lot, serial=serial)
