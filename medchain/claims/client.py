"""Helpers of ``ape run claims``: parsing the lifecycle commands' inputs and describing claims.

Everything here is pure (no chain access) so that it can be tested on its own; the script calls the
contract through ape.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Any

from .bulk import STATUS
from .inputs import HEX32, _Bad, format_units, parse_service_date, parse_units

REASONS = {
    1: "deductible", 2: "coinsurance", 16: "evidence missing", 18: "duplicate", 26: "before coverage",
    27: "coverage terminated", 29: "timely filing", 31: "not insured", 110: "future service",
    119: "benefit maximum", 185: "provider ineligible", 197: "consent absent", 1001: "not a submitter",
    1002: "invalid amount",
}


class ClaimsInputError(ValueError):
    """A command-line value that cannot be used; the message names the option."""


def _field(option: str, parse: Any, value: Any) -> Any:
    try:
        return parse(value)
    except _Bad as err:
        raise ClaimsInputError(f"{option}: {err}") from None


def parse_bytes32(option: str, value: str) -> bytes:
    if not HEX32.match(value or ""):
        raise ClaimsInputError(f"{option}: not 0x + 64 hex digits: {value!r}")
    return bytes.fromhex(value[2:])


def new_policy_id() -> bytes:
    """A fresh opaque policy id (random: it reveals nothing about the member or the contract)."""
    return secrets.token_bytes(32)


def parse_amount(option: str, value: str, decimals: int) -> int:
    return _field(option, lambda v: parse_units(v, decimals), value)


def parse_date(option: str, value: str) -> int:
    return _field(option, parse_service_date, value)


def parse_coinsurance(value: str) -> int:
    """``20%`` or ``2000`` (basis points) → basis points."""
    text = value.strip()
    try:
        bps = round(float(text[:-1]) * 100) if text.endswith("%") else int(text)
    except ValueError:
        raise ClaimsInputError(f"--coinsurance: not a percentage (20%) or basis points (2000): {value!r}") from None
    if not 0 <= bps <= 10_000:
        raise ClaimsInputError(f"--coinsurance: must be between 0% and 100%: {value!r}")
    return bps


def reason_text(code: int) -> str:
    return f"{code} {REASONS[code]}" if code in REASONS else str(code)


@dataclass(frozen=True)
class ClaimState:
    claim_id: str
    policy_id: str
    provider: str
    status: str
    reason: int
    policy_year: int
    decided_at: int
    disputed: bool
    payable: int
    deductible_applied: int

    @classmethod
    def from_view(cls, claim_id: str, view: Any) -> ClaimState:
        values = list(view)
        policy, provider, status, reason, year, decided, disputed, payable, deductible = values
        policy_hex = policy.hex() if isinstance(policy, (bytes, bytearray)) else str(policy)
        return cls(claim_id, "0x" + policy_hex.removeprefix("0x"), provider, STATUS[int(status)], int(reason),
                   int(year), int(decided), bool(disputed), int(payable), int(deductible))

    def describe(self, decimals: int, symbol: str, review_window: int, appeal_window: int) -> str:
        if self.status == "None":
            return f"{self.claim_id}: not on chain"
        lines = [
            f"{self.claim_id}: {self.status}" + (f", reason {reason_text(self.reason)}" if self.reason else ""),
            f"  policy {self.policy_id}, provider {self.provider}, policy year {self.policy_year}",
            f"  payable {format_units(self.payable, decimals)} {symbol}"
            + (f", deductible applied {format_units(self.deductible_applied, decimals)}"
               if self.deductible_applied else ""),
        ]
        if self.status in ("Approved", "Partial"):
            lines.append(f"  settleable from {self.decided_at + review_window} (unix time; review window)")
        if self.status in ("Denied", "Partial") and not self.disputed:
            lines.append(f"  the provider may dispute until {self.decided_at + appeal_window} (unix time)")
        return "\n".join(lines)
