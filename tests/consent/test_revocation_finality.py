"""The patient's last word: a revocation is final against every grant signed before it (relayed before
or after it), the patient's end of an emergency access bars that provider until the patient allows it,
and a delegate's grant never outlives its appointment."""

from __future__ import annotations

import ape

from medchain.consent import sign
from tests.consent.conftest import (
    CLINICAL,
    HOUR,
    REASON,
    TREAT,
    relay_grant,
    relay_revoke,
    revocation_message,
    signed_grant,
)


def _events(receipt, event):
    return list(receipt.events.filter(event))


def test_revocation_beats_earlier_signed_grant_relayed_later(chain, consent, signer, hospital, insurer, domain, later):
    grant, grant_sig = signed_grant(
        signer.key, domain, signer.address, hospital, nonce=1, valid_until=later(), deadline=later(2 * HOUR)
    )
    chain.mine(timestamp=chain.pending_timestamp + 60)
    revocation = revocation_message(signer.address, hospital, nonce=2, deadline=later(HOUR))
    # Relayed first, with no consent on record: it records the cutoff.
    receipt = relay_revoke(consent, revocation, sign(signer.key, domain, revocation), sender=insurer)
    assert [log.by for log in _events(receipt, consent.ConsentRevoked)] == [signer.address]
    assert consent.lastAuthorisedAt(signer.address, hospital) == revocation.signed_at

    with ape.reverts(
        consent.ConsentRegistrySignatureSuperseded,
        patient=signer.address,
        grantee=hospital,
        signedAt=grant.signed_at,
        authorisedAt=revocation.signed_at,
    ):
        relay_grant(consent, grant, grant_sig, sender=hospital)
    assert not consent.hasConsent(signer.address, hospital, TREAT, CLINICAL)
    assert not consent.nonceUsed(signer.address, 1)


def test_on_chain_revocation_beats_earlier_signed_grant(chain, consent, patient, hospital, domain, later):
    grant, grant_sig = signed_grant(
        patient.private_key, domain, patient.address, hospital, nonce=5, valid_until=later(), deadline=later(2 * HOUR)
    )
    chain.mine(timestamp=chain.pending_timestamp + 60)
    receipt = consent.revoke(patient, hospital, sender=patient)
    cutoff = chain.provider.get_block(receipt.block_number).timestamp
    with ape.reverts(consent.ConsentRegistrySignatureSuperseded, signedAt=grant.signed_at, authorisedAt=cutoff):
        relay_grant(consent, grant, grant_sig, sender=hospital)


def test_revocation_ends_a_grant_relayed_ahead_of_it(chain, consent, signer, hospital, domain, later):
    grant, grant_sig = signed_grant(
        signer.key, domain, signer.address, hospital, nonce=1, valid_until=later(), deadline=later(2 * HOUR)
    )
    chain.mine(timestamp=chain.pending_timestamp + 60)
    revocation = revocation_message(signer.address, hospital, nonce=2, deadline=later(HOUR))
    relay_grant(consent, grant, grant_sig, sender=hospital)  # the grantee front-runs the revocation
    relay_revoke(consent, revocation, sign(signer.key, domain, revocation), sender=hospital)
    assert not consent.hasConsent(signer.address, hospital, TREAT, CLINICAL)


def test_signed_in_the_future_is_refused(chain, consent, signer, hospital, domain, later):
    grant, grant_sig = signed_grant(
        signer.key,
        domain,
        signer.address,
        hospital,
        valid_until=later(),
        deadline=later(2 * HOUR),
        signed_at=later(HOUR),
    )
    with ape.reverts(consent.ConsentRegistrySignedInFuture, signedAt=grant.signed_at):
        relay_grant(consent, grant, grant_sig, sender=hospital)


def test_patient_ended_emergency_cannot_be_reopened_by_provider(chain, consent, patient, caregiver, hospital, later):
    consent.breakGlass(patient, REASON, sender=hospital)
    receipt = consent.revoke(patient, hospital, sender=patient)
    assert [(log.patient, log["provider"], log.by) for log in _events(receipt, consent.EmergencyAccessBarred)] == [
        (patient, hospital, patient)
    ]
    assert consent.emergencyBarred(patient, hospital)
    with ape.reverts(consent.ConsentRegistryEmergencyBarred, patient=patient, provider=hospital):
        consent.breakGlass(patient, REASON, sender=hospital)

    consent.setDelegate(caregiver, later(10 * HOUR), sender=patient)
    receipt = consent.allowEmergencyAccess(patient, hospital, sender=caregiver)
    assert [(log.patient, log["provider"], log.by) for log in _events(receipt, consent.EmergencyAccessAllowed)] == [
        (patient, hospital, caregiver)
    ]
    consent.breakGlass(patient, REASON, sender=hospital)
    assert consent.hasConsent(patient, hospital, TREAT, CLINICAL)


def test_allow_emergency_refusals(consent, patient, hospital):
    with ape.reverts(consent.ConsentRegistryEmergencyNotBarred, patient=patient, provider=hospital):
        consent.allowEmergencyAccess(patient, hospital, sender=patient)
    with ape.reverts(consent.ConsentRegistryNotPatientOrDelegate, caller=hospital, patient=patient):
        consent.allowEmergencyAccess(patient, hospital, sender=hospital)


def test_delegate_grant_cannot_outlive_appointment(consent, patient, caregiver, hospital, later):
    appointment_end = later(10 * HOUR)
    consent.setDelegate(caregiver, appointment_end, sender=patient)
    with ape.reverts(
        consent.ConsentRegistryGrantOutlivesDelegation, validUntil=appointment_end + 1, delegateUntil=appointment_end
    ):
        consent.grant(patient, hospital, TREAT, CLINICAL, appointment_end + 1, sender=caregiver)
    consent.grant(patient, hospital, TREAT, CLINICAL, appointment_end, sender=caregiver)
    assert consent.consentOf(patient, hospital)[2] == appointment_end
