"""Stateful property test: random sequences of membership changes against a Python model.

Invariants checked after every step (the contract's NatSpec lists them):
- `isActiveMember(a, r)` == (a holds member role r) and (a is not suspended);
- the packed role mask (`memberOf`, `rolesOf`) equals the member roles held in AccessControl;
- every refusal is the custom error the model predicts.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import ape
import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule, run_state_machine_as_test

from medchain.access import Role, reason_code
from tests.conftest import credential_for

REASON = reason_code("PROPERTY_TEST")
roles = st.sampled_from(list(Role))
slots = st.integers(min_value=0, max_value=2)  # which of the three subject accounts


@dataclass
class Model:
    roles: dict[int, set[Role]] = field(default_factory=lambda: {0: set(), 1: set(), 2: set()})
    suspended: dict[int, bool] = field(default_factory=lambda: {0: False, 1: False, 2: False})
    # Who imposed each current suspension: None for governance, else the suspending subject's slot.
    suspender: dict[int, int | None] = field(default_factory=dict)

    def active(self, i: int, role: Role) -> bool:
        return role in self.roles[i] and not self.suspended[i]


@pytest.mark.property
def test_membership_matches_the_model(chain, empty_registry, governance, accounts):
    registry = empty_registry
    subjects = [accounts[8], accounts[9], accounts[10]]

    class Membership(RuleBasedStateMachine):
        @initialize()
        def start(self):
            self.snapshot = chain.snapshot()
            self.model = Model()
            self.touched = 0

        def teardown(self):
            chain.restore(self.snapshot)

        def _caller_may_suspend(self, caller_slot: int | None) -> bool:
            return caller_slot is None or self.model.active(caller_slot, Role.REGULATOR)

        @rule(i=slots, role=roles)
        def register(self, i, role):
            self.touched = i
            if role in self.model.roles[i]:
                with ape.reverts(registry.ConsortiumRegistryAlreadyMember, account=subjects[i], role=role.id):
                    registry.registerMember(subjects[i], role.id, credential_for(role), sender=governance)
            else:
                registry.registerMember(subjects[i], role.id, credential_for(role), sender=governance)
                self.model.roles[i].add(role)

        @rule(i=slots, role=roles)
        def remove(self, i, role):
            self.touched = i
            if role not in self.model.roles[i]:
                with ape.reverts(registry.ConsortiumRegistryRoleNotHeld, account=subjects[i], role=role.id):
                    registry.removeMember(subjects[i], role.id, REASON, sender=governance)
            else:
                registry.removeMember(subjects[i], role.id, REASON, sender=governance)
                self.model.roles[i].discard(role)

        @rule(i=slots, role=roles)
        def renounce(self, i, role):
            self.touched = i
            receipt = registry.renounceRole(role.id, subjects[i], sender=subjects[i])
            removed = receipt.events.filter(registry.MemberRemoved)
            assert len(removed) == (1 if role in self.model.roles[i] else 0)
            self.model.roles[i].discard(role)

        @rule(i=slots, by=st.one_of(st.none(), slots))
        def suspend(self, i, by):
            self.touched = i
            caller = governance if by is None else subjects[by]
            if not self._caller_may_suspend(by):
                with ape.reverts(registry.ConsortiumRegistryNotAdminOrRegulator, account=caller):
                    registry.suspendMember(subjects[i], REASON, sender=caller)
            elif not self.model.roles[i]:
                with ape.reverts(registry.ConsortiumRegistryUnknownMember, account=subjects[i]):
                    registry.suspendMember(subjects[i], REASON, sender=caller)
            elif by is not None and Role.REGULATOR in self.model.roles[i]:
                # Only governance suspends regulators.
                with ape.reverts(
                    registry.ConsortiumRegistrySuspensionOutOfScope, regulator=caller, account=subjects[i]
                ):
                    registry.suspendMember(subjects[i], REASON, sender=caller)
            elif self.model.suspended[i]:
                with ape.reverts(registry.ConsortiumRegistryAlreadySuspended):
                    registry.suspendMember(subjects[i], REASON, sender=caller)
            else:
                registry.suspendMember(subjects[i], REASON, sender=caller)
                self.model.suspended[i] = True
                self.model.suspender[i] = by

        @rule(i=slots, by=st.one_of(st.none(), slots))
        def reinstate(self, i, by):
            self.touched = i
            caller = governance if by is None else subjects[by]
            if not self._caller_may_suspend(by):
                with ape.reverts(registry.ConsortiumRegistryNotAdminOrRegulator, account=caller):
                    registry.reinstateMember(subjects[i], sender=caller)
            elif not self.model.suspended[i]:
                with ape.reverts(registry.ConsortiumRegistryNotSuspended, account=subjects[i]):
                    registry.reinstateMember(subjects[i], sender=caller)
            elif by is not None and self.model.suspender[i] != by:
                # A regulator lifts only its own suspensions; governance lifts any.
                with ape.reverts(registry.ConsortiumRegistryNotSuspender, caller=caller, account=subjects[i]):
                    registry.reinstateMember(subjects[i], sender=caller)
            else:
                registry.reinstateMember(subjects[i], sender=caller)
                self.model.suspended[i] = False
                self.model.suspender.pop(i, None)

        @invariant()
        def records_match(self):
            for i, account in enumerate(subjects):
                member = registry.memberOf(account)
                expected = {r for r in Role if member.roles & r.bit}
                assert expected == self.model.roles[i]
                assert (member.suspendedAt != 0) == self.model.suspended[i]
                if self.model.suspended[i]:
                    by = self.model.suspender[i]
                    assert member.suspendedBy == (governance.address if by is None else subjects[by].address)
                assert registry.rolesOf(account) == [r.id for r in Role if r in self.model.roles[i]]

        @invariant()
        def activity_matches(self):
            i = self.touched
            account = subjects[i]
            for role in Role:
                assert registry.isActiveMember(account, role.id) == self.model.active(i, role)
                assert registry.hasRole(role.id, account) == (role in self.model.roles[i])
            assert registry.isActive(account) == (bool(self.model.roles[i]) and not self.model.suspended[i])

    run_state_machine_as_test(
        Membership,
        settings=settings(
            settings.default,
            stateful_step_count=12,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
        ),
    )
