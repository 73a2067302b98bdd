"""Adjudication arithmetic against the plain-Python model, for random policies and claim sequences
(hypothesis), across the policy-year boundary."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from medchain.claims import PolicyTerms, PolicyYears, adjudicate
from tests.claims.conftest import DAY, evidence

YEAR = 365 * DAY


@pytest.mark.property
@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    limit=st.integers(1, 5 * 10**9),
    deductible=st.integers(0, 2 * 10**9),
    bps=st.integers(0, 10_000),
    claims=st.lists(
        st.tuples(st.integers(1, 3 * 10**9), st.integers(0, 2)),  # amount, which day (year 1 end / boundary / year 2)
        min_size=1,
        max_size=8,
    ),
)
def test_contract_matches_the_model(world, chain, limit, deductible, bps, claims):
    snapshot = chain.snapshot()
    try:
        start = world.start
        terms = PolicyTerms(limit, deductible, bps, start, start + 2 * YEAR)
        policy = b"H" * 32
        world.claims.registerPolicy(
            policy, world.patient, limit, deductible, bps, start, start + 2 * YEAR, sender=world.insurer
        )
        chain.pending_timestamp = max(chain.pending_timestamp, start + YEAR + 2 * DAY)
        days = [start + YEAR - 1, start + YEAR, start + YEAR + DAY]  # last second of year 0, first of year 1
        years = PolicyYears()
        for n, (amount, which) in enumerate(claims):
            service = days[which]
            expected = adjudicate(terms, years, amount, service)
            c = (policy, world.hospital, amount, service, n.to_bytes(32, "big"), evidence(world), b"\0" * 32, [])
            receipt = world.claims.submitClaim(c, sender=world.hospital)
            log = receipt.events.filter(world.claims.ClaimAdjudicated)[0]
            assert (log.payable_, log.patientShare, log.reasonCode) == (
                expected.payable,
                expected.patient_share,
                expected.reason,
            ), (n, amount, service)
            years.apply(expected)
            for y in (0, 1):
                assert world.claims.usageOf(policy, y) == (years.deductible_met.get(y, 0), years.paid.get(y, 0))
                assert years.paid.get(y, 0) <= limit, "paid per policy year never exceeds the annual limit"
    finally:
        chain.restore(snapshot)
