"""Helpers of ``ape run claims``: parsing the lifecycle commands' inputs and describing claims.

Everything here is pure (no chain access) so that it can be tested on its own; the script calls the
contract through ape.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from eth_utils import keccak

from .inputs import HEX32, MAX_AMOUNT, LineItem, codes_hash, format_units, parse_service_date, parse_units
from .status import ClaimStatus

REASONS = {
    1: "deductible",
    2: "coinsurance",
    16: "evidence missing",
    18: "duplicate",
    26: "before coverage",
    27: "coverage terminated",
    29: "timely filing",
    31: "not insured",
    110: "future service",
    119: "benefit maximum",
    185: "provider ineligible",
    197: "consent absent",
    1001: "not a submitter",
    1002: "invalid amount",
    1003: "unit not dispensed by this pharmacy",
    1004: "batch recalled",
    1005: "batch quarantined",
    1006: "no care relationship (no TREAT consent to the provider or pharmacy, no emergency access)",
    1007: "insurer not active",
}


_DECIMAL = re.compile(r"^\d+(\.\d+)?$")


class ClaimsInputError(ValueError):
    """A command-line value that cannot be used; the message names the option."""


def _field(option: str, parse: Any, value: Any) -> Any:
    try:
        return parse(value)
    except ValueError as err:  # the parsers of .inputs say what is wrong with the value
        raise ClaimsInputError(f"{option}: {err}") from None


def parse_bytes32(option: str, value: str) -> bytes:
    if not HEX32.match(value or ""):
        raise ClaimsInputError(f"{option}: not 0x + 64 hex digits: {value!r}")
    return bytes.fromhex(value[2:])


def new_policy_id() -> bytes:
    """A fresh opaque policy id (random: it reveals nothing about the member or the contract)."""
    return secrets.token_bytes(32)


def parse_amount(option: str, value: str, decimals: int, *, zero: bool = False) -> int:
    """A decimal amount of tokens → token units; ``zero`` accepts 0 (a deductible, an approval that denies)."""
    if zero and str(value).strip() and Decimal(str(value).strip() if _DECIMAL.match(str(value).strip()) else "1") == 0:
        return 0
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
    status: ClaimStatus
    reason: int
    policy_year: int
    decided_at: int
    disputed: bool
    payable: int
    deductible_applied: int
    pharmacy_claim: bool = False

    @classmethod
    def from_view(cls, claim_id: str, view: Any) -> ClaimState:
        values = list(view)
        policy, provider, status, reason, year, decided, disputed, payable, deductible, pharmacy = values
        policy_hex = policy.hex() if isinstance(policy, (bytes, bytearray)) else str(policy)
        return cls(
            claim_id,
            "0x" + policy_hex.removeprefix("0x"),
            provider,
            ClaimStatus(int(status)),
            int(reason),
            int(year),
            int(decided),
            bool(disputed),
            int(payable),
            int(deductible),
            bool(pharmacy),
        )

    def describe(self, decimals: int, symbol: str, review_window: int, appeal_window: int) -> str:
        if self.status is ClaimStatus.NONE:
            return f"{self.claim_id}: not on chain"
        lines = [
            f"{self.claim_id}: {self.status}" + (f", reason {reason_text(self.reason)}" if self.reason else ""),
            f"  policy {self.policy_id}, provider {self.provider}, policy year {self.policy_year}",
            f"  payable {format_units(self.payable, decimals)} {symbol}"
            + (
                f", deductible applied {format_units(self.deductible_applied, decimals)}"
                if self.deductible_applied
                else ""
            ),
        ]
        if self.pharmacy_claim:
            lines.append(
                "  pharmacy claim for a dispensed unit: paid only once the dispense can no longer be "
                "reverted (10 days after dispensing), voided if it was reverted"
            )
        if self.status is ClaimStatus.APPROVED:
            lines.append(f"  settleable from {self.decided_at + review_window} (unix time; review window)")
        if self.status is ClaimStatus.PARTIAL:
            lines.append(
                f"  settleable from {self.decided_at + appeal_window} (unix time; appeal window), or by its "
                f"provider, accepting, from {self.decided_at + review_window}"
            )
        if self.status in (ClaimStatus.DENIED, ClaimStatus.PARTIAL) and not self.disputed:
            lines.append(f"  the provider may dispute until {self.decided_at + appeal_window} (unix time)")
        if self.status is ClaimStatus.DISPUTED:
            lines.append(
                f"  the insurer may resolve until {self.decided_at + appeal_window} (unix time); then the "
                "dispute lapses and the claim settles at its pre-dispute outcome"
            )
        return "\n".join(lines)


@dataclass(frozen=True)
class PharmacyClaim:
    """A pharmacy's claim for one pack it dispensed, as ``submitPharmacyClaim`` takes it (only the
    dispensing pharmacy submits it: ``pharmacy`` is the sender)."""

    policy_id: bytes
    pharmacy: str
    amount: int  # token units
    codes_hash: bytes
    batch_id: bytes
    serial_hash: bytes

    def as_input(self) -> tuple:
        return (self.policy_id, self.pharmacy, self.amount, self.codes_hash, self.batch_id, self.serial_hash)

    @property
    def unit_id(self) -> bytes:
        """The unit's id: keccak256(abi.encode(batchId, serialHash)), as DrugProvenance.unitIdOf."""
        return keccak(self.batch_id + self.serial_hash)

    def claim_id(self, dispensed_at: int) -> bytes:
        """The claim's id for the unit's dispense at ``dispensed_at`` (DrugProvenance.unitDispense):
        keccak256(abi.encode(unitId, dispensedAt)), as ClaimSettlement.pharmacyClaimIdOf. A new dispense
        of the same pack is a new claim."""
        return pharmacy_claim_id(self.unit_id, dispensed_at)


def pharmacy_claim_id(unit_id: bytes, dispensed_at: int) -> bytes:
    """ClaimSettlement.pharmacyClaimIdOf: the id of the dispense of ``unit_id`` at ``dispensed_at``."""
    return keccak(unit_id + dispensed_at.to_bytes(32, "big"))


def pharmacy_claim_from_scan(
    scan_text: str, *, policy_id: bytes, pharmacy: str, amount: int, codes_key: bytes
) -> PharmacyClaim:
    """A pharmacy claim for the pack whose DataMatrix reads ``scan_text`` (GTIN, lot and serial needed).

    The line item is the product (its GTIN) times one pack at ``amount``; its keyed hash is the claim's
    codes hash, like the bulk submitter's (see :func:`medchain.claims.inputs.codes_hash`).
    """
    from medchain.provenance.gs1 import GS1Error, parse_scan, serial_hash

    try:
        scan = parse_scan(scan_text)
        scan.require("gtin", "lot", "serial")
    except GS1Error as err:
        raise ClaimsInputError(f"SCAN: {err}") from None
    if not 0 < amount <= MAX_AMOUNT:
        raise ClaimsInputError(f"--amount: must be more than 0 and at most {MAX_AMOUNT} token units")
    assert scan.gtin is not None and scan.serial is not None  # required above
    item = LineItem(code=scan.gtin, modifiers=(), quantity=Decimal(1), unit_price=amount)
    return PharmacyClaim(
        policy_id, pharmacy, amount, codes_hash([item], codes_key), scan.batch_id, serial_hash(scan.serial)
    )
