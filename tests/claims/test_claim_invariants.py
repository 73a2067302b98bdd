"""Stateful property test of ClaimSettlement's money invariants (the contract's NatSpec lists them):

- conservation: the contract's token balance = Σ insurers' (available + reserved) + Σ providers' credits;
- per insurer: funded − withdrawn = available + reserved + credited to providers from its pool;
- per policy year: paid never exceeds the annual limit;
- a claim is paid (ClaimSettled) at most once; nobody withdraws more than they were credited.
"""

from __future__ import annotations

import ape
import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from tests.claims.conftest import DAY, FILING, LIMIT, REVIEW, ZERO32, claim_input, new_evidence

SETTLEABLE = {2, 3, 6}  # Approved, Partial, Resolved
DENIABLE = {1, 2, 3}  # PendingFunds, Approved, Partial (within the review window)


@pytest.mark.property
def test_money_invariants(world, chain):
    claims, token, insurer, hospital = world.claims, world.token, world.insurer, world.hospital

    class Money(RuleBasedStateMachine):
        runs: list[tuple[int, int, int]] = []  # (claims, claims settled, provider withdrawn) per run

        @initialize(settle_first=st.booleans())
        def start(self, settle_first):
            self.snapshot = chain.snapshot()
            available, reserved = claims.poolOf(insurer)
            self.funded, self.withdrawn_funds = available + reserved, 0
            self.credited_total, self.provider_withdrawn = claims.creditOf(hospital), 0
            self.ids: list[bytes] = []
            self.settled_count: dict[bytes, int] = {}
            self.credited_from_pool = 0
            for amount in (800_000_000, 2_500_000_000, 9_000_000_000):  # deductible, coinsurance, limit
                self.submit(amount, 0)
            if settle_first:  # so that most runs hold provider credit early and the withdrawal path is walked
                self.settle(True)

        def teardown(self):
            chain.restore(self.snapshot)
            Money.runs.append((len(self.ids), len(self.settled_count), self.provider_withdrawn))

        @rule(amount=st.integers(1, 6 * 10**9), year=st.integers(0, 1))
        def submit(self, amount, year):
            service = world.start + year * 365 * DAY + 5 * DAY
            now = max(chain.pending_timestamp, service + DAY)
            chain.pending_timestamp = now
            c = claim_input(world, amount=amount, service_date=service)
            if now - service > FILING:  # time has moved on: the contract must refuse it as filed too late
                with ape.reverts(claims.ClaimSettlementRejected, reasonCode=29):
                    claims.submitClaim(c, sender=hospital)
                return
            claims.submitClaim(c, sender=hospital)
            self.ids.append(claims.claimIdOf(c[0], c[1], c[3], c[4]))

        @rule(amount=st.integers(1, 10**10))
        def fund(self, amount):
            claims.fund(amount, sender=insurer)
            self.funded += amount

        @rule(fraction=st.floats(0.0, 1.0))
        def withdraw_funds(self, fraction):
            available = claims.poolOf(insurer)[0]
            amount = int(available * fraction)
            if amount == 0:
                return
            claims.withdrawFunds(amount, sender=insurer)
            self.withdrawn_funds += amount

        @precondition(lambda self: self.ids)
        @rule(pick=st.integers(0, 10**6))
        def deny(self, pick):
            claim_id = self.ids[pick % len(self.ids)]
            view = claims.claimOf(claim_id)
            open_window = chain.pending_timestamp < view.decidedAt + REVIEW
            if view.status in DENIABLE and (view.status == 1 or open_window):
                claims.deny(claim_id, 50, sender=insurer)

        @precondition(lambda self: self.ids)
        @rule(pick=st.integers(0, 10**6), approved=st.integers(0, LIMIT))
        def dispute_and_resolve(self, pick, approved):
            claim_id = self.ids[pick % len(self.ids)]
            view = claims.claimOf(claim_id)
            if view.status not in (3, 4) or view.disputed or chain.pending_timestamp >= view.decidedAt + 30 * DAY:
                return
            claims.dispute(claim_id, new_evidence(world), ZERO32, [], sender=hospital)
            try:
                claims.resolveDispute(claim_id, approved, sender=insurer)
            except ape.exceptions.ContractLogicError:
                claims.resolveDispute(claim_id, 0, sender=insurer)  # over the limit or the pool: deny instead

        @rule(days=st.integers(1, 10))
        def time_passes(self, days):
            chain.pending_timestamp = chain.pending_timestamp + days * DAY
            chain.mine()

        @precondition(lambda self: self.ids)
        @rule(wait=st.booleans())
        def settle(self, wait):
            if wait:  # let every review window so far close first
                chain.pending_timestamp = chain.pending_timestamp + REVIEW + 1
            receipt = claims.settle(self.ids, sender=world.patient)
            for log in receipt.events.filter(claims.ClaimSettled):
                self.settled_count[log.claimId] = self.settled_count.get(log.claimId, 0) + 1
                self.credited_total += log.amount
                self.credited_from_pool += log.amount

        @rule()
        def provider_withdraws(self):
            credit = claims.creditOf(hospital)
            if credit:
                claims.withdraw(sender=hospital)
                self.provider_withdrawn += credit

        @invariant()
        def money_is_conserved(self):
            available, reserved = claims.poolOf(insurer)
            credit = claims.creditOf(hospital)
            assert token.balanceOf(claims) == available + reserved + credit
            assert self.funded - self.withdrawn_funds == available + reserved + self.credited_from_pool
            assert self.provider_withdrawn + credit == self.credited_total
            assert all(n == 1 for n in self.settled_count.values()), "a claim is paid at most once"
            for year in (0, 1):
                assert claims.usageOf(world.policy, year)[1] <= LIMIT

    run_state_machine_as_test(
        Money,
        settings=settings(
            settings.default,
            max_examples=10,
            stateful_step_count=30,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
        ),
    )
    # The runs must have exercised the money paths, or the invariants proved little.
    assert any(settled for _, settled, _ in Money.runs), Money.runs
    assert any(withdrawn for _, _, withdrawn in Money.runs), Money.runs
