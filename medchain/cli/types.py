"""The command line's value types, shared by every script: address, bytes32, token amount, duration, time,
GS1 scan and reason codes.

Each refuses a bad value with click's one-line usage error naming the option. Parsing libraries are
imported only when a value is converted, never when a script is loaded (``ape run`` loads every script).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import click

_DURATION = re.compile(r"^\+?(\d+)([smhdw]?)$")
_UNIT_SECONDS = {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400, "w": 7 * 86400}


class AddressType(click.ParamType):
    """``0x`` + 40 hex digits (a wrong EIP-55 checksum is refused) → the checksummed address."""

    name = "address"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> str:
        from eth_utils import is_address, is_checksum_address, to_checksum_address

        text = str(value).strip()
        mixed = text[2:] != text[2:].lower() and text[2:] != text[2:].upper()
        if not is_address(text) or (mixed and not is_checksum_address(text)):
            self.fail(
                f"{text!r} is not an address (0x followed by 40 hex digits, a correct checksum if mixed-case)",
                param,
                ctx,
            )
        return to_checksum_address(text)


class Bytes32Type(click.ParamType):
    """``0x`` + 64 hex digits (a claim, policy, batch or record id, a hash) → 32 bytes."""

    name = "bytes32"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> bytes:
        if isinstance(value, bytes) and len(value) == 32:
            return value
        text = str(value).strip()
        if not re.fullmatch(r"0x[0-9a-fA-F]{64}", text):
            self.fail(f"{text!r} is not 0x followed by 64 hex digits", param, ctx)
        return bytes.fromhex(text[2:])


@dataclass(frozen=True)
class Amount:
    """An amount of tokens as typed (``5000``, ``12.50``); :meth:`units` needs the token's decimals."""

    text: str
    option: str

    def units(self, decimals: int) -> int:
        """Token units; a usage error naming the option if the amount has more decimals than the token."""
        from medchain.claims.client import ClaimsInputError, parse_amount

        try:
            return parse_amount(self.option, self.text, decimals, zero=True)
        except ClaimsInputError as err:
            raise click.BadParameter(str(err).removeprefix(f"{self.option}: "), param_hint=self.option) from None


class AmountType(click.ParamType):
    """A non-negative decimal amount of tokens (``5000``, ``12.50``)."""

    name = "amount"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Amount:
        if isinstance(value, Amount):
            return value
        text = str(value).strip()
        if not re.fullmatch(r"\d+(\.\d+)?", text):
            self.fail(f"{text!r} is not an amount of tokens (5000 or 12.50)", param, ctx)
        return Amount(text, _hint(param))


class DurationType(click.ParamType):
    """``+30d``, ``12h``, ``90m``, ``2w`` or seconds → seconds."""

    name = "duration"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> int:
        if isinstance(value, int):
            return value
        m = _DURATION.match(str(value).strip())
        if not m:
            self.fail(f"{value!r} is not a duration (+30d, 12h, 90m, 2w or seconds)", param, ctx)
        return int(m.group(1)) * _UNIT_SECONDS[m.group(2)]


@dataclass(frozen=True)
class When:
    """A time as typed: ``+30d`` (from the chain's time), ``2027-06-30``, ``2027-06-30T12:00:00Z`` or unix seconds."""

    text: str
    option: str

    def at(self, now: int, *, future: bool = False) -> int:
        """Unix seconds, relative times counted from ``now``; ``future`` refuses times not after ``now``."""
        from medchain.consent.client import ConsentInputError, parse_time

        try:
            return parse_time(self.text, self.option, now, future=future)
        except ConsentInputError as err:
            raise click.BadParameter(str(err).removeprefix(f"{self.option}: "), param_hint=self.option) from None


class TimeType(click.ParamType):
    """A date or time (UTC unless it says otherwise), relative (``+30d``) or unix seconds."""

    name = "time"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> When:
        if isinstance(value, When):
            return value
        when = When(str(value).strip(), _hint(param))
        when.at(0)  # the syntax, now; the chain's time when the command runs
        return when


class Gs1ScanType(click.ParamType):
    """A GS1 DataMatrix as the scanner reads it (bracketed element strings or raw, ``<GS>`` for the separator)."""

    name = "scan"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        from medchain.provenance.gs1 import GS1Error, parse_scan

        if not isinstance(value, str):
            return value
        try:
            return parse_scan(value)
        except GS1Error as err:
            self.fail(str(err), param, ctx)


class ClaimReasonType(click.ParamType):
    """A claim reason code (CARC): its number (``50``) or its name as ``claims`` prints it (``consent absent``)."""

    name = "reason"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> int:
        from medchain.claims.client import REASONS

        text = str(value).strip()
        if text.isdigit() and 1 <= int(text) <= 65535:
            return int(text)
        key = text.lower().replace("-", " ").replace("_", " ")
        for code, name in REASONS.items():
            if name.lower() == key:
                return code
        self.fail(
            f"{text!r} is not a reason code: a number 1-65535 or one of "
            + ", ".join(repr(n) for n in REASONS.values() if len(n) < 40),
            param,
            ctx,
        )


class ReasonCodeType(click.ParamType):
    """A short reason code stored as bytes32 (``LICENCE_EXPIRED``, ``UNCONSCIOUS_ED``; a number is a code
    too); never free text. Converts to the bytes32."""

    name = "reason"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> bytes:
        from medchain.access.codes import reason_code

        if isinstance(value, bytes):
            return value
        try:
            return reason_code(str(value).strip().upper().replace("-", "_"))
        except ValueError as err:
            self.fail(str(err), param, ctx)


def _hint(param: click.Parameter | None) -> str:
    if isinstance(param, click.Option) and param.opts:
        return max(param.opts, key=len)
    return (param.human_readable_name if param else "value").upper()


ADDRESS = AddressType()
BYTES32 = Bytes32Type()
AMOUNT = AmountType()
DURATION = DurationType()
TIME = TimeType()
GS1_SCAN = Gs1ScanType()
CLAIM_REASON = ClaimReasonType()
REASON_CODE = ReasonCodeType()
