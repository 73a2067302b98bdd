"""Delegates (guardians, caregivers) and audited break-glass emergency access."""

from __future__ import annotations

import ape
import pytest

from medchain.access import Role, reason_code
from medchain.consent import ALL_CATEGORIES, Category, Purpose
from tests.consent.conftest import CLINICAL, EMERGENCY_WINDOW, HOUR, REASON, TREAT

ZERO = "0x" + "00" * 20
ETREAT = int(Purpose.ETREAT)


def _only(receipt, event):
    logs = receipt.events.filter(event)
    assert len(logs) == 1
    return logs[0]


# ---------------------------------------------------------------------------------------------
# setDelegate / removeDelegate


def test_set_delegate(consent, patient, caregiver, later):
    until = later(30 * 24 * HOUR)
    receipt = consent.setDelegate(caregiver, until, sender=patient)
    assert consent.delegateUntil(patient, caregiver) == until
    assert consent.isActiveDelegate(patient, caregiver)
    log = _only(receipt, consent.DelegateSet)
    assert (log.patient, log.delegate, log.validUntil) == (patient, caregiver, until)


def test_delegate_grants_and_revokes_for_the_patient(consent, patient, caregiver, hospital, later):
    consent.setDelegate(caregiver, later(10 * HOUR), sender=patient)
    receipt = consent.grant(patient, hospital, TREAT, CLINICAL, later(), sender=caregiver)
    assert _only(receipt, consent.ConsentGranted).by == caregiver
    assert consent.hasConsent(patient, hospital, TREAT, CLINICAL)

    receipt = consent.revoke(patient, hospital, sender=caregiver)
    assert _only(receipt, consent.ConsentRevoked).by == caregiver
    assert not consent.hasConsent(patient, hospital, TREAT, CLINICAL)


def test_patient_revokes_what_a_delegate_granted(consent, patient, caregiver, hospital, later):
    consent.setDelegate(caregiver, later(10 * HOUR), sender=patient)
    consent.grant(patient, hospital, TREAT, CLINICAL, later(), sender=caregiver)
    consent.revoke(patient, hospital, sender=patient)
    assert not consent.hasConsent(patient, hospital, TREAT, CLINICAL)


def test_delegation_expires_at_the_boundary_second(chain, consent, patient, caregiver, hospital, later):
    until = later(100)
    consent.setDelegate(caregiver, until, sender=patient)
    chain.pending_timestamp = until - 1
    consent.grant(patient, hospital, TREAT, CLINICAL, until, sender=caregiver)
    chain.pending_timestamp = until
    with ape.reverts(consent.ConsentRegistryNotPatientOrDelegate, caller=caregiver, patient=patient):
        consent.revoke(patient, hospital, sender=caregiver)
    assert not consent.isActiveDelegate(patient, caregiver)


def test_re_appointing_changes_the_expiry(consent, patient, caregiver, later):
    first, second = later(HOUR), later(5 * HOUR)
    consent.setDelegate(caregiver, first, sender=patient)
    receipt = consent.setDelegate(caregiver, second, sender=patient)
    assert consent.delegateUntil(patient, caregiver) == second
    assert _only(receipt, consent.DelegateSet).validUntil == second


def test_delegates_cannot_appoint_delegates(consent, patient, caregiver, outsider, hospital, later):
    consent.setDelegate(caregiver, later(10 * HOUR), sender=patient)
    consent.setDelegate(outsider, later(10 * HOUR), sender=caregiver)  # the caregiver's own delegate, not the patient's
    assert not consent.isActiveDelegate(patient, outsider)
    with ape.reverts(consent.ConsentRegistryNotPatientOrDelegate, caller=outsider, patient=patient):
        consent.grant(patient, hospital, TREAT, CLINICAL, later(), sender=outsider)


def test_set_delegate_refusals(chain, consent, patient, caregiver):
    with ape.reverts(consent.ConsentRegistryZeroAddress):
        consent.setDelegate(ZERO, chain.pending_timestamp + HOUR, sender=patient)
    with ape.reverts(consent.ConsentRegistrySelfDelegation, patient=patient):
        consent.setDelegate(patient, chain.pending_timestamp + HOUR, sender=patient)
    when = chain.pending_timestamp + 10
    chain.pending_timestamp = when
    with ape.reverts(consent.ConsentRegistryValidUntilInPast, validUntil=when, nowTime=when):
        consent.setDelegate(caregiver, when, sender=patient)


def test_remove_delegate(consent, patient, caregiver, hospital, later):
    consent.setDelegate(caregiver, later(10 * HOUR), sender=patient)
    receipt = consent.removeDelegate(caregiver, sender=patient)
    assert consent.delegateUntil(patient, caregiver) == 0
    log = _only(receipt, consent.DelegateRemoved)
    assert (log.patient, log.delegate) == (patient, caregiver)
    with ape.reverts(consent.ConsentRegistryNotPatientOrDelegate, caller=caregiver, patient=patient):
        consent.grant(patient, hospital, TREAT, CLINICAL, later(), sender=caregiver)


def test_remove_delegate_refuses_a_non_delegate(consent, patient, caregiver):
    with ape.reverts(consent.ConsentRegistryNotDelegate, patient=patient, delegate=caregiver):
        consent.removeDelegate(caregiver, sender=patient)


# ---------------------------------------------------------------------------------------------
# breakGlass


def test_break_glass(chain, consent, patient, hospital):
    receipt = consent.breakGlass(patient, REASON, sender=hospital)
    expires = chain.provider.get_block(receipt.block_number).timestamp + EMERGENCY_WINDOW

    assert consent.emergencyAccessOf(patient, hospital) == expires
    assert consent.hasConsent(patient, hospital, TREAT | ETREAT, int(ALL_CATEGORIES))
    assert consent.hasConsent(patient, hospital, ETREAT, int(Category.MENTAL_HEALTH))
    assert not consent.hasConsent(patient, hospital, int(Purpose.HPAYMT), int(Category.BILLING_CLAIMS))
    assert not consent.hasConsent(patient, hospital, int(Purpose.HRESCH), int(Category.GENOMICS))
    log = _only(receipt, consent.EmergencyAccessed)
    assert (log.patient, log["provider"], log.reasonCode, log.expiresAt) == (patient, hospital, REASON, expires)


def test_break_glass_ends_at_the_boundary_second(chain, consent, patient, hospital):
    receipt = consent.breakGlass(patient, REASON, sender=hospital)
    expires = chain.provider.get_block(receipt.block_number).timestamp + EMERGENCY_WINDOW
    chain.mine(timestamp=expires - 1)
    assert consent.hasConsent(patient, hospital, TREAT, CLINICAL)
    chain.mine(timestamp=expires)
    assert not consent.hasConsent(patient, hospital, TREAT, CLINICAL)


def test_break_glass_twice_inside_the_window_is_refused(chain, consent, patient, hospital):
    consent.breakGlass(patient, REASON, sender=hospital)
    expires = consent.emergencyAccessOf(patient, hospital)
    with ape.reverts(consent.ConsentRegistryEmergencyActive, patient=patient, provider=hospital, expiresAt=expires):
        consent.breakGlass(patient, reason_code("AGAIN"), sender=hospital)
    chain.pending_timestamp = expires
    consent.breakGlass(patient, REASON, sender=hospital)  # a new emergency after the window
    assert consent.emergencyAccessOf(patient, hospital) == expires + EMERGENCY_WINDOW


def test_patient_ends_emergency_access_early(consent, patient, hospital):
    consent.breakGlass(patient, REASON, sender=hospital)
    receipt = consent.revoke(patient, hospital, sender=patient)
    assert not consent.hasConsent(patient, hospital, TREAT, CLINICAL)
    assert consent.emergencyAccessOf(patient, hospital) == 0
    assert _only(receipt, consent.ConsentRevoked).grantee == hospital


def test_a_grant_keeps_emergency_access_and_consent_outlives_it(chain, consent, patient, hospital, later):
    consent.breakGlass(patient, REASON, sender=hospital)
    expires = consent.emergencyAccessOf(patient, hospital)
    consent.grant(patient, hospital, int(Purpose.HPAYMT), int(Category.BILLING_CLAIMS), expires + HOUR, sender=patient)
    assert consent.emergencyAccessOf(patient, hospital) == expires
    assert consent.hasConsent(patient, hospital, TREAT, int(Category.IMAGING))  # emergency
    chain.mine(timestamp=expires)
    assert not consent.hasConsent(patient, hospital, TREAT, int(Category.IMAGING))
    assert consent.hasConsent(patient, hospital, int(Purpose.HPAYMT), int(Category.BILLING_CLAIMS))


@pytest.mark.parametrize("role", [Role.INSURER, Role.PHARMACY, Role.REGULATOR])
def test_only_providers_break_glass(consent, members, patient, role):
    caller = members[role]
    with ape.reverts(consent.ConsortiumInactiveMember, account=caller, role=Role.PROVIDER.id):
        consent.breakGlass(patient, REASON, sender=caller)


def test_a_suspended_provider_cannot_break_glass(consent, registry, governance, patient, hospital):
    registry.suspendMember(hospital, reason_code("AUDIT"), sender=governance)
    with ape.reverts(consent.ConsortiumInactiveMember, account=hospital, role=Role.PROVIDER.id):
        consent.breakGlass(patient, REASON, sender=hospital)


def test_break_glass_refusals(consent, patient, hospital):
    with ape.reverts(consent.ConsentRegistryZeroAddress):
        consent.breakGlass(ZERO, REASON, sender=hospital)
    with ape.reverts(consent.ConsentRegistryMissingReason):
        consent.breakGlass(patient, b"\0" * 32, sender=hospital)
