"""Contract refusals, decoded: any custom error of the suite's contracts, ``Error(string)`` and ``Panic(uint256)``.

The errors are read from the ABIs shipped in :mod:`medchain.abi`, never typed in. A decoded refusal keeps
the raw values (``ContractError.values``, by parameter name) and prints them for people::

    >>> str(decode_revert(data))
    'ConsortiumRegistryAlreadySuspended(account=0x70997970C51812dc3A010C7d01b50e0d17dc79C8,
     suspendedAt=2026-12-04T09:30:00Z)'

- ids and hashes (``bytes32``, ``bytes``) as full ``0x`` hex, never shortened;
- times (parameters named ``...At``, ``...Until``, ``until``, ``deadline``, ``nowTime``, ``schedule``) as
  ISO-8601 UTC; unix days (``expiry``, ``expiryDay``) as dates; windows and delays as durations;
- role ids (``role``, ``neededRole``) as role names; bytes32 reason codes as their text; CARC reason codes
  (``reasonCode``) with their meaning; enums (the ABI's ``internalType`` ``enum X.Y``) by member name;
  consent purposes and categories by name.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from functools import cache
from typing import Any

from eth_utils import keccak

from .abi import SUITE_CONTRACTS, abi

#: ``Error(string)``, what ``require(cond, "text")`` and ``revert("text")`` raise.
ERROR_STRING = keccak(text="Error(string)")[:4]
#: ``Panic(uint256)``, what the compiler raises on failed asserts, overflows and the like.
PANIC = keccak(text="Panic(uint256)")[:4]

#: Solidity's panic codes (the documentation's list).
PANIC_CODES = {
    0x00: "generic compiler panic",
    0x01: "assert failed",
    0x11: "arithmetic overflow or underflow",
    0x12: "division or modulo by zero",
    0x21: "conversion to an enum out of range",
    0x22: "malformed storage byte array",
    0x31: "pop on an empty array",
    0x32: "array index out of bounds",
    0x41: "out of memory",
    0x51: "call to an uninitialised function pointer",
}

_TIME = re.compile(r"(At|Until|Time)$|^(until|deadline|schedule)$")
_DAY = re.compile(r"^expiry(Day)?$")
_DURATION = re.compile(r"(window|Window|delay|Delay)$")


class ContractError(Exception):
    """A contract's refusal, decoded.

    ``contract`` is the suite contract whose ABI declares the error (None for ``Error``/``Panic``), ``name``
    the error's name, ``args`` the decoded values by parameter name (raw: bytes, ints, addresses).
    ``str()`` gives the error with human values.
    """

    def __init__(self, contract: str | None, name: str, args: dict[str, Any], inputs: list[dict[str, Any]]):
        super().__init__(contract, name)
        self.contract = contract
        self.name = name
        self._values = args
        self._inputs = inputs

    @property
    def values(self) -> dict[str, Any]:
        """The decoded values, by parameter name."""
        return self._values

    def human(self) -> dict[str, str]:
        """The values as people read them, by parameter name."""
        return {i["name"]: _human(i, self._values[i["name"]]) for i in self._inputs}

    def __str__(self) -> str:
        if self.name == "Error":
            return str(self._values["message"])
        if self.name == "Panic":
            code = self._values["code"]
            return f"Panic(0x{code:02x}: {PANIC_CODES.get(code, 'unknown panic code')})"
        return f"{self.name}(" + ", ".join(f"{k}={v}" for k, v in self.human().items()) + ")"

    def __repr__(self) -> str:
        return f"ContractError({self.contract!r}, {self.name!r}, {self._values!r})"


@cache
def _errors() -> dict[bytes, list[tuple[str, dict[str, Any]]]]:
    """Every custom error of the suite by selector: ``[(contract, abi entry), ...]`` in suite order."""
    from .chain.abi import keccak as keccak_text
    from .chain.abi import signature

    table: dict[bytes, list[tuple[str, dict[str, Any]]]] = {}
    for contract in SUITE_CONTRACTS:
        for entry in abi(contract):
            if entry.get("type") == "error":
                table.setdefault(keccak_text(signature(entry))[:4], []).append((contract, entry))
    table[ERROR_STRING] = [("", {"type": "error", "name": "Error", "inputs": [{"name": "message", "type": "string"}]})]
    table[PANIC] = [("", {"type": "error", "name": "Panic", "inputs": [{"name": "code", "type": "uint256"}]})]
    return table


def error_names() -> list[tuple[str, str]]:
    """``(contract, error name)`` of every custom error the decoder knows (one entry per declaring contract)."""
    return [(c, e["name"]) for entries in _errors().values() for c, e in entries if c]


def decode_revert(data: bytes | str | None, contract: str | None = None) -> ContractError | None:
    """Decode revert data (bytes or ``0x`` hex); None when it is empty or no suite error has its selector.

    ``contract`` prefers that contract's declaration when several contracts declare the same error.
    Data that has a known selector but cannot be decoded for it is treated as unknown (None).
    """
    from eth_abi import decode

    from .chain.abi import type_string

    raw = _bytes(data)
    if raw is None or len(raw) < 4 or bytes(raw[:4]) not in _errors():
        return None
    entries = _errors()[bytes(raw[:4])]
    owner, entry = next(((c, e) for c, e in entries if c == contract), entries[0])
    try:
        values = decode([type_string(i) for i in entry.get("inputs", [])], bytes(raw[4:]))
    except Exception:  # noqa: BLE001 - eth-abi raises several types for short or malformed data
        return None
    inputs = entry.get("inputs", [])
    return ContractError(owner or None, entry["name"], {i["name"]: v for i, v in zip(inputs, values)}, inputs)


def revert_data(err: BaseException) -> bytes | None:
    """The revert data carried by an exception of ape or web3.py (or anything it was raised from)."""
    for e in causes(err):
        for attr in ("data", "revert_message"):
            raw = _bytes(getattr(e, attr, None))
            if raw is not None and len(raw) >= 4:
                return raw
        if getattr(e, "abi", None) is not None and isinstance(getattr(e, "inputs", None), dict):
            return _encode_ape_custom_error(e)
    return None


def causes(err: BaseException) -> Iterator[BaseException]:
    """``err`` and what it was raised from (``__cause__``, ``__context__``, ape's ``base_err``), nearest first."""
    seen: set[int] = set()
    todo: list[Any] = [err]
    while todo:
        e = todo.pop(0)
        if e is None or id(e) in seen:
            continue
        seen.add(id(e))
        yield e
        todo += [getattr(e, "base_err", None), e.__cause__, e.__context__]


def refusal(err: BaseException, contract: str | None = None) -> ContractError | None:
    """:func:`decode_revert` of :func:`revert_data`: the suite error an ape/web3 exception stands for."""
    data = revert_data(err)
    return decode_revert(data, contract) if data is not None else None


def _encode_ape_custom_error(err: Any) -> bytes | None:
    """ape decoded the error already (a ``CustomError``): encode it back so one decoder describes all."""
    from eth_abi import encode

    from .chain.abi import keccak as keccak_text
    from .chain.abi import signature, type_string

    entry = err.abi.model_dump(by_alias=True, mode="json")
    try:
        values = [err.inputs[i["name"]] for i in entry.get("inputs", [])]
        return keccak_text(signature(entry))[:4] + encode([type_string(i) for i in entry.get("inputs", [])], values)
    except Exception:  # noqa: BLE001 - ape's converted values that no longer encode: not decodable here
        return None


def _bytes(data: Any) -> bytes | None:
    if isinstance(data, (bytes, bytearray, memoryview)):
        return bytes(data)
    if isinstance(data, str) and re.fullmatch(r"0x([0-9a-fA-F]{2})*", data.strip()):
        return bytes.fromhex(data.strip()[2:])
    return None


def iso_time(seconds: int) -> str:
    """Unix seconds as ISO-8601 UTC (``2026-12-04T09:30:00Z``); values past year 9999 stay numbers."""
    try:
        return datetime.fromtimestamp(int(seconds), UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    except (OverflowError, OSError, ValueError):
        return str(seconds)


def _day(days: int) -> str:
    try:
        return (datetime(1970, 1, 1, tzinfo=UTC) + timedelta(days=int(days))).date().isoformat()
    except OverflowError:
        return str(days)


def duration(seconds: int) -> str:
    """Seconds as days/hours/minutes/seconds: ``2d``, ``1d 6h``, ``90s``."""
    s, parts = int(seconds), []
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if s >= size:
            parts.append(f"{s // size}{unit}")
            s %= size
    if s or not parts:
        parts.append(f"{s}s")
    return " ".join(parts)


def _role(value: bytes) -> str:
    from .access.roles import Role

    if not any(value):
        return "DEFAULT_ADMIN_ROLE"
    try:
        return Role.parse(bytes(value)).value
    except ValueError:
        return "0x" + bytes(value).hex()


def _reason_bytes(value: bytes) -> str:
    from .access.codes import decode_reason

    return decode_reason(value)


def _carc(code: int) -> str:
    from .claims.client import reason_text

    return reason_text(code)


def _flags(kind: str) -> Callable[[int], str]:
    def render(value: int) -> str:
        from .consent import purposes

        flag = getattr(purposes, kind)
        known = [m.name for m in flag if m & value]
        unknown = value & ~sum(int(m) for m in flag)
        return "+".join(known + ([hex(unknown)] if unknown else [])) or "none"

    return render


def _enum(internal_type: str) -> Callable[[int], str] | None:
    """A renderer for the enums the project has a Python twin of (by the ABI's ``enum X.Y``)."""
    if internal_type.split(".")[-1] == "Status" and "ClaimSettlement" in internal_type:

        def claim_status(value: int) -> str:
            from .claims.status import ClaimStatus

            try:
                return str(ClaimStatus(value))
            except ValueError:
                return str(value)

        return claim_status
    return None


def _human(param: dict[str, Any], value: Any) -> str:
    name, kind, internal = param.get("name", ""), param["type"], param.get("internalType", "")
    if kind == "bytes32":
        if name in ("role", "neededRole"):
            return _role(value)
        if name.lower().endswith("reason") or name == "reasonCode":
            return _reason_bytes(value)
        return "0x" + bytes(value).hex()
    if kind.startswith("bytes"):
        return "0x" + bytes(value).hex()
    if kind == "string":
        return f'"{value}"'
    if kind == "address":
        from eth_utils import to_checksum_address

        return to_checksum_address(value)
    if kind == "bool":
        return str(value)
    if internal.startswith("enum ") and (render := _enum(internal.removeprefix("enum "))):
        return render(value)
    if kind.startswith("uint") or kind.startswith("int"):
        if name == "reasonCode":
            return _carc(value)
        if _DAY.match(name):
            return _day(value)
        if _TIME.search(name):
            return iso_time(value)
        if _DURATION.search(name):
            return duration(value)
        if name in ("purpose", "purposes"):
            return _flags("Purpose")(value)
        if name in ("category", "categories"):
            return _flags("Category")(value)
        if name == "gtin":
            return str(value).zfill(14)
        return str(value)
    return str(value)
