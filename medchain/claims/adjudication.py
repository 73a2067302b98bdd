"""The adjudication rules of ClaimSettlement, in plain Python.

Used to predict outcomes before submitting (and by tests, as the model the contract must match):
the remaining deductible is taken first, then coinsurance on the rest; payable is the benefit,
capped by what is left of the annual limit in the service's policy year.
"""

from __future__ import annotations

from dataclasses import dataclass, field

POLICY_YEAR = 365 * 24 * 3600
REASON_DEDUCTIBLE, REASON_COINSURANCE, REASON_BENEFIT_MAXIMUM = 1, 2, 119


@dataclass(frozen=True)
class PolicyTerms:
    annual_limit: int
    deductible: int
    coinsurance_bps: int
    valid_from: int
    valid_until: int

    def year_of(self, service_date: int) -> int:
        return (service_date - self.valid_from) // POLICY_YEAR


@dataclass(frozen=True)
class Adjudication:
    year: int
    deductible_applied: int
    payable: int
    patient_share: int
    reason: int  # 0, 1 deductible, 2 coinsurance or 119 benefit maximum

    @property
    def denied(self) -> bool:
        return self.payable == 0


@dataclass
class PolicyYears:
    """Accumulators per policy year: deductible met and amount paid (or reserved)."""

    deductible_met: dict[int, int] = field(default_factory=dict)
    paid: dict[int, int] = field(default_factory=dict)

    def apply(self, a: Adjudication) -> None:
        self.deductible_met[a.year] = self.deductible_met.get(a.year, 0) + a.deductible_applied
        self.paid[a.year] = self.paid.get(a.year, 0) + a.payable


def adjudicate(terms: PolicyTerms, years: PolicyYears, amount: int, service_date: int) -> Adjudication:
    """What the contract decides for a claim of ``amount`` on ``service_date`` (no side effects)."""
    year = terms.year_of(service_date)
    deductible_left = max(terms.deductible - years.deductible_met.get(year, 0), 0)
    deductible_applied = min(amount, deductible_left)
    rest = amount - deductible_applied
    coinsurance = rest * terms.coinsurance_bps // 10_000
    benefit = rest - coinsurance
    limit_left = max(terms.annual_limit - years.paid.get(year, 0), 0)
    payable = min(benefit, limit_left)
    if payable < benefit:
        reason = REASON_BENEFIT_MAXIMUM
    elif deductible_applied:
        reason = REASON_DEDUCTIBLE
    elif coinsurance:
        reason = REASON_COINSURANCE
    else:
        reason = 0
    return Adjudication(year, deductible_applied, payable, amount - payable, reason)
