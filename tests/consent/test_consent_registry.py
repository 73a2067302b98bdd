"""ConsentRegistry: deployment, grant, revoke, views — happy paths, every refusal, every event."""

from __future__ import annotations

import ape
import pytest
from eth_utils import keccak

from medchain.access import reason_code
from medchain.consent import ALL_CATEGORIES, ALL_PURPOSES, Category, Purpose
from tests.consent.conftest import CLINICAL, EMERGENCY_WINDOW, HOUR, TREAT

ZERO = "0x" + "00" * 20


def _only(receipt, event):
    logs = receipt.events.filter(event)
    assert len(logs) == 1
    return logs[0]


# ---------------------------------------------------------------------------------------------
# Deployment and constants


@pytest.mark.parametrize("purpose", list(Purpose), ids=lambda p: p.name)
def test_purpose_constants_match_python(consent, purpose):
    assert getattr(consent, f"PURPOSE_{purpose.name}")() == int(purpose)


@pytest.mark.parametrize("category", list(Category), ids=lambda c: c.name)
def test_category_constants_match_python(consent, category):
    assert getattr(consent, f"CATEGORY_{category.name}")() == int(category)


def test_masks_and_window(consent):
    assert consent.ALL_PURPOSES() == int(ALL_PURPOSES)
    assert consent.ALL_CATEGORIES() == int(ALL_CATEGORIES)
    assert consent.EMERGENCY_PURPOSES() == int(Purpose.TREAT | Purpose.ETREAT)
    assert consent.EMERGENCY_WINDOW() == EMERGENCY_WINDOW


def test_eip712_domain(consent, chain):
    domain = consent.eip712Domain()
    assert (domain.name, domain.version, domain.chainId, domain.verifyingContract) == (
        "medchain ConsentRegistry",
        "1",
        chain.chain_id,
        consent.address,
    )
    assert consent.CONSENT_TYPEHASH() == keccak(
        text="Consent(address patient,address grantee,uint256 purposes,uint256 categories,uint64 validUntil,"
        "uint64 signedAt,uint256 nonce,uint256 deadline)"
    )
    assert consent.REVOCATION_TYPEHASH() == keccak(
        text="Revocation(address patient,address grantee,uint64 signedAt,uint256 nonce,uint256 deadline)"
    )


@pytest.mark.parametrize("window", [0, 7 * 24 * 3600 + 1])
def test_deployment_refuses_a_bad_emergency_window(project, governance, registry, window):
    with ape.reverts(project.ConsentRegistry.ConsentRegistryInvalidEmergencyWindow, window=window):
        governance.deploy(project.ConsentRegistry, registry, window)


def test_deployment_refuses_a_non_registry(project, governance, outsider):
    with ape.reverts(project.ConsentRegistry.ConsortiumInvalidRegistry, registry=outsider):
        governance.deploy(project.ConsentRegistry, outsider, EMERGENCY_WINDOW)


# ---------------------------------------------------------------------------------------------
# grant


def test_patient_grants(chain, consent, patient, hospital, later):
    until = later()
    receipt = consent.grant(patient, hospital, TREAT, CLINICAL, until, sender=patient)

    granted_at = chain.provider.get_block(receipt.block_number).timestamp
    assert consent.consentOf(patient, hospital) == (TREAT, CLINICAL, until, granted_at)
    assert consent.hasConsent(patient, hospital, TREAT, CLINICAL)
    assert consent.hasConsent(patient, hospital, TREAT, int(Category.LABORATORY))
    log = _only(receipt, consent.ConsentGranted)
    assert (log.patient, log.grantee, log.purposes, log.categories, log.validUntil, log.by) == (
        patient,
        hospital,
        TREAT,
        CLINICAL,
        until,
        patient,
    )


def test_consent_covers_only_what_was_granted(consent, patient, hospital, later):
    consent.grant(patient, hospital, TREAT, CLINICAL, later(), sender=patient)
    assert not consent.hasConsent(patient, hospital, TREAT | int(Purpose.HRESCH), CLINICAL)
    assert not consent.hasConsent(patient, hospital, TREAT, CLINICAL | int(Category.GENOMICS))
    assert not consent.hasConsent(patient, hospital, int(Purpose.HPAYMT), int(Category.LABORATORY))


def test_a_new_grant_replaces_the_old_one(consent, patient, hospital, later):
    consent.grant(patient, hospital, TREAT | int(Purpose.HRESCH), CLINICAL, later(), sender=patient)
    consent.grant(patient, hospital, TREAT, int(Category.LABORATORY), later(2 * HOUR), sender=patient)
    assert consent.hasConsent(patient, hospital, TREAT, int(Category.LABORATORY))
    assert not consent.hasConsent(patient, hospital, int(Purpose.HRESCH), int(Category.LABORATORY))
    assert not consent.hasConsent(patient, hospital, TREAT, int(Category.IMAGING))


def test_consents_are_per_grantee(consent, patient, hospital, insurer, later):
    consent.grant(patient, hospital, TREAT, CLINICAL, later(), sender=patient)
    assert not consent.hasConsent(patient, insurer, TREAT, CLINICAL)


def test_expiry_at_the_boundary_second(chain, consent, patient, hospital, later):
    until = later(100)
    consent.grant(patient, hospital, TREAT, CLINICAL, until, sender=patient)
    chain.mine(timestamp=until - 1)
    assert consent.hasConsent(patient, hospital, TREAT, CLINICAL), "holds in the last second before validUntil"
    chain.mine(timestamp=until)
    assert not consent.hasConsent(patient, hospital, TREAT, CLINICAL), "no longer holds at validUntil"
    assert consent.consentOf(patient, hospital)[2] == until, "the expired record stays readable"


def test_grant_by_a_stranger_is_refused(consent, patient, hospital, outsider, later):
    with ape.reverts(consent.ConsentRegistryNotPatientOrDelegate, caller=outsider, patient=patient):
        consent.grant(patient, hospital, TREAT, CLINICAL, later(), sender=outsider)


def test_a_grantee_cannot_grant_itself_access(consent, patient, hospital, later):
    with ape.reverts(consent.ConsentRegistryNotPatientOrDelegate, caller=hospital, patient=patient):
        consent.grant(patient, hospital, TREAT, CLINICAL, later(), sender=hospital)


def test_grant_to_a_non_member_is_refused(consent, patient, outsider, later):
    with ape.reverts(consent.ConsentRegistryGranteeNotMember, grantee=outsider):
        consent.grant(patient, outsider, TREAT, CLINICAL, later(), sender=patient)


def test_grant_to_a_suspended_member_is_refused(consent, registry, governance, patient, hospital, later):
    registry.suspendMember(hospital, reason_code("AUDIT"), sender=governance)
    with ape.reverts(consent.ConsentRegistryGranteeNotMember, grantee=hospital):
        consent.grant(patient, hospital, TREAT, CLINICAL, later(), sender=patient)


def test_grant_to_the_zero_address_is_refused(consent, patient, later):
    with ape.reverts(consent.ConsentRegistryZeroAddress):
        consent.grant(patient, ZERO, TREAT, CLINICAL, later(), sender=patient)


@pytest.mark.parametrize("purposes", [0, 1 << 6, TREAT | (1 << 200)], ids=["empty", "unknown-bit", "high-bit"])
def test_grant_refuses_bad_purposes(consent, patient, hospital, later, purposes):
    with ape.reverts(consent.ConsentRegistryInvalidPurposes, purposes=purposes):
        consent.grant(patient, hospital, purposes, CLINICAL, later(), sender=patient)


@pytest.mark.parametrize("categories", [0, 1 << 14, CLINICAL | (1 << 255)], ids=["empty", "unknown-bit", "high-bit"])
def test_grant_refuses_bad_categories(consent, patient, hospital, later, categories):
    with ape.reverts(consent.ConsentRegistryInvalidCategories, categories=categories):
        consent.grant(patient, hospital, TREAT, categories, later(), sender=patient)


@pytest.mark.parametrize("offset", [0, -1], ids=["now", "past"])
def test_grant_refuses_a_valid_until_not_in_the_future(chain, consent, patient, hospital, offset):
    when = chain.pending_timestamp + 50
    chain.pending_timestamp = when
    with ape.reverts(consent.ConsentRegistryValidUntilInPast, validUntil=when + offset, nowTime=when):
        consent.grant(patient, hospital, TREAT, CLINICAL, when + offset, sender=patient)


# ---------------------------------------------------------------------------------------------
# revoke


def test_patient_revokes(consent, patient, hospital, later):
    consent.grant(patient, hospital, TREAT, CLINICAL, later(), sender=patient)
    receipt = consent.revoke(patient, hospital, sender=patient)

    assert not consent.hasConsent(patient, hospital, TREAT, CLINICAL)
    assert consent.consentOf(patient, hospital) == (0, 0, 0, 0)
    log = _only(receipt, consent.ConsentRevoked)
    assert (log.patient, log.grantee, log.by) == (patient, hospital, patient)


def test_an_expired_consent_can_still_be_revoked(chain, consent, patient, hospital, later):
    until = later(10)
    consent.grant(patient, hospital, TREAT, CLINICAL, until, sender=patient)
    chain.mine(timestamp=until + 5)
    consent.revoke(patient, hospital, sender=patient)
    assert consent.consentOf(patient, hospital) == (0, 0, 0, 0)


def test_revoke_without_consent_records_a_cutoff(chain, consent, patient, hospital):
    """A patient may revoke ahead of signatures not relayed yet: nothing on record is needed."""
    receipt = consent.revoke(patient, hospital, sender=patient)
    assert _only(receipt, consent.ConsentRevoked).by == patient
    assert consent.lastAuthorisedAt(patient, hospital) == chain.provider.get_block(receipt.block_number).timestamp


def test_revoking_twice_moves_the_cutoff(chain, consent, patient, hospital, later):
    consent.grant(patient, hospital, TREAT, CLINICAL, later(), sender=patient)
    consent.revoke(patient, hospital, sender=patient)
    receipt = consent.revoke(patient, hospital, sender=patient)
    assert consent.lastAuthorisedAt(patient, hospital) == chain.provider.get_block(receipt.block_number).timestamp
    assert consent.consentOf(patient, hospital) == (0, 0, 0, 0)


@pytest.mark.parametrize("who", ["grantee", "stranger"])
def test_revoke_by_others_is_refused(consent, patient, hospital, outsider, later, who):
    caller = hospital if who == "grantee" else outsider
    consent.grant(patient, hospital, TREAT, CLINICAL, later(), sender=patient)
    with ape.reverts(consent.ConsentRegistryNotPatientOrDelegate, caller=caller, patient=patient):
        consent.revoke(patient, hospital, sender=caller)


# ---------------------------------------------------------------------------------------------
# hasConsent edge cases


def test_has_consent_is_false_for_empty_or_unknown_requests(consent, patient, hospital, later):
    consent.grant(patient, hospital, int(ALL_PURPOSES), int(ALL_CATEGORIES), later(), sender=patient)
    assert consent.hasConsent(patient, hospital, int(ALL_PURPOSES), int(ALL_CATEGORIES))
    assert not consent.hasConsent(patient, hospital, 0, CLINICAL)
    assert not consent.hasConsent(patient, hospital, TREAT, 0)
    assert not consent.hasConsent(patient, hospital, 1 << 6, CLINICAL)
    assert not consent.hasConsent(patient, hospital, TREAT, 1 << 14)


def test_has_consent_is_false_when_nothing_is_on_record(consent, patient, hospital):
    assert not consent.hasConsent(patient, hospital, TREAT, CLINICAL)
    assert consent.consentOf(patient, hospital) == (0, 0, 0, 0)
