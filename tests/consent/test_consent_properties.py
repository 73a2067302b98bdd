"""Stateful property test: across random grant / revoke / delegate / break-glass / time jumps,
`hasConsent` always equals a plain Python model of the rules."""

from __future__ import annotations

from dataclasses import dataclass, field

import ape
import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule, run_state_machine_as_test

from medchain.consent import ALL_CATEGORIES, ALL_PURPOSES, EMERGENCY_PURPOSES, Category, Purpose
from tests.consent.conftest import EMERGENCY_WINDOW, REASON

purposes = st.integers(min_value=1, max_value=int(ALL_PURPOSES))
categories = st.integers(min_value=1, max_value=int(ALL_CATEGORIES))
durations = st.integers(min_value=1, max_value=3 * 24 * 3600)
QUERIES = [
    (int(Purpose.TREAT), int(Category.LABORATORY)),
    (int(Purpose.TREAT | Purpose.ETREAT), int(ALL_CATEGORIES)),
    (int(Purpose.HPAYMT), int(Category.BILLING_CLAIMS)),
    (int(Purpose.HRESCH | Purpose.PUBHLTH), int(Category.GENOMICS | Category.DEMOGRAPHICS)),
]


@dataclass
class Record:
    purposes: int = 0
    categories: int = 0
    valid_until: int = 0
    granted_at: int = 0
    emergency_until: int = 0
    barred: bool = False


@dataclass
class Model:
    now: int
    records: dict[tuple[int, int], Record] = field(default_factory=dict)
    delegate_until: dict[int, int] = field(default_factory=dict)

    def record(self, p: int, g: int) -> Record:
        return self.records.setdefault((p, g), Record())

    def has_consent(self, p: int, g: int, want_p: int, want_c: int) -> bool:
        r = self.record(p, g)
        if self.now < r.valid_until and want_p & ~r.purposes == 0 and want_c & ~r.categories == 0:
            return True
        return self.now < r.emergency_until and want_p & ~int(EMERGENCY_PURPOSES) == 0


@pytest.mark.property
def test_has_consent_matches_the_model(chain, consent, accounts, hospital, insurer):
    patients = [accounts[10], accounts[11]]
    delegates = [accounts[8], accounts[9]]  # delegate i may act for patient i
    grantees = [hospital, insurer]

    class Consents(RuleBasedStateMachine):
        @initialize()
        def start(self):
            self.snapshot = chain.snapshot()
            self.model = Model(now=chain.blocks.head.timestamp)

        def teardown(self):
            chain.restore(self.snapshot)

        def _next_tx_time(self) -> int:
            self.model.now += 1
            chain.pending_timestamp = self.model.now
            return self.model.now

        def _authorised(self, p: int, by_delegate: bool) -> bool:
            return not by_delegate or self.model.now < self.model.delegate_until.get(p, 0)

        @rule(
            p=st.integers(0, 1),
            g=st.integers(0, 1),
            pur=purposes,
            cat=categories,
            dur=durations,
            by_delegate=st.booleans(),
        )
        def grant(self, p, g, pur, cat, dur, by_delegate):
            now = self._next_tx_time()
            caller = delegates[p] if by_delegate else patients[p]
            if not self._authorised(p, by_delegate):
                with ape.reverts(consent.ConsentRegistryNotPatientOrDelegate):
                    consent.grant(patients[p], grantees[g], pur, cat, now + dur, sender=caller)
                return
            if by_delegate and now + dur > self.model.delegate_until[p]:
                with ape.reverts(
                    consent.ConsentRegistryGrantOutlivesDelegation,
                    validUntil=now + dur,
                    delegateUntil=self.model.delegate_until[p],
                ):
                    consent.grant(patients[p], grantees[g], pur, cat, now + dur, sender=caller)
                return
            consent.grant(patients[p], grantees[g], pur, cat, now + dur, sender=caller)
            r = self.model.record(p, g)
            r.purposes, r.categories, r.valid_until, r.granted_at = pur, cat, now + dur, now

        @rule(p=st.integers(0, 1), g=st.integers(0, 1), by_delegate=st.booleans())
        def revoke(self, p, g, by_delegate):
            self._next_tx_time()
            caller = delegates[p] if by_delegate else patients[p]
            if not self._authorised(p, by_delegate):
                with ape.reverts(consent.ConsentRegistryNotPatientOrDelegate):
                    consent.revoke(patients[p], grantees[g], sender=caller)
            else:
                consent.revoke(patients[p], grantees[g], sender=caller)
                r = self.model.record(p, g)
                # Ending an emergency access bars the provider until the patient allows it again.
                self.model.records[(p, g)] = Record(barred=r.barred or r.emergency_until != 0)

        @rule(p=st.integers(0, 1), by_delegate=st.booleans())
        def allow_emergency(self, p, by_delegate):
            self._next_tx_time()
            caller = delegates[p] if by_delegate else patients[p]
            r = self.model.record(p, 0)
            if not self._authorised(p, by_delegate):
                with ape.reverts(consent.ConsentRegistryNotPatientOrDelegate):
                    consent.allowEmergencyAccess(patients[p], hospital, sender=caller)
            elif not r.barred:
                with ape.reverts(consent.ConsentRegistryEmergencyNotBarred):
                    consent.allowEmergencyAccess(patients[p], hospital, sender=caller)
            else:
                consent.allowEmergencyAccess(patients[p], hospital, sender=caller)
                r.barred = False

        @rule(p=st.integers(0, 1), dur=durations)
        def set_delegate(self, p, dur):
            now = self._next_tx_time()
            consent.setDelegate(delegates[p], now + dur, sender=patients[p])
            self.model.delegate_until[p] = now + dur

        @rule(p=st.integers(0, 1))
        def remove_delegate(self, p):
            self._next_tx_time()
            if not self.model.delegate_until.get(p):
                with ape.reverts(consent.ConsentRegistryNotDelegate):
                    consent.removeDelegate(delegates[p], sender=patients[p])
            else:
                consent.removeDelegate(delegates[p], sender=patients[p])
                self.model.delegate_until[p] = 0

        @rule(p=st.integers(0, 1))
        def break_glass(self, p):
            now = self._next_tx_time()
            r = self.model.record(p, 0)  # grantee 0 is the provider
            if now < r.emergency_until:
                with ape.reverts(consent.ConsentRegistryEmergencyActive):
                    consent.breakGlass(patients[p], REASON, sender=hospital)
            elif r.barred:
                with ape.reverts(consent.ConsentRegistryEmergencyBarred, patient=patients[p], provider=hospital):
                    consent.breakGlass(patients[p], REASON, sender=hospital)
            else:
                consent.breakGlass(patients[p], REASON, sender=hospital)
                r.emergency_until = now + EMERGENCY_WINDOW

        @rule(seconds=st.one_of(st.integers(1, 120), st.integers(3600, 2 * EMERGENCY_WINDOW)))
        def time_passes(self, seconds):
            self.model.now += seconds
            chain.mine(timestamp=self.model.now)

        @invariant()
        def has_consent_matches(self):
            assert chain.blocks.head.timestamp == self.model.now
            for p, patient in enumerate(patients):
                assert consent.emergencyBarred(patient, hospital) == self.model.record(p, 0).barred
                for g, grantee in enumerate(grantees):
                    r = self.model.record(p, g)
                    queries = QUERIES + ([(r.purposes, r.categories)] if r.purposes else [])
                    for want_p, want_c in queries:
                        expected = self.model.has_consent(p, g, want_p, want_c)
                        assert consent.hasConsent(patient, grantee, want_p, want_c) == expected, (p, g, want_p, want_c)

    run_state_machine_as_test(
        Consents,
        settings=settings(
            settings.default,
            stateful_step_count=15,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
        ),
    )
