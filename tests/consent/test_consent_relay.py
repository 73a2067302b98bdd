"""medchain.consent.client on chain through the SDK: a patient's key signs off line (sign_with_account), the
pre-relay check reads the deployed registry, and whoever holds the registry's transactor relays and pays."""

from __future__ import annotations

import pytest

from medchain.consent import Purpose, domain_of
from medchain.consent.client import (
    ConsentInputError,
    SignedMessage,
    check_before_relay,
    new_nonce,
    relay,
    sign_with_account,
)
from medchain.contracts import ConsentRegistry, ContractReverted
from medchain.errors import decode_revert
from tests.conftest import as_sdk
from tests.consent.conftest import CLINICAL, TREAT, consent_message, revocation_message


def _signed(signer, domain, message) -> SignedMessage:
    return SignedMessage(domain, message, sign_with_account(signer, domain, message))


def test_a_consent_signed_off_line_is_checked_and_relayed_by_the_hospital(chain, consent, signer, hospital, later):
    registry = as_sdk(consent, hospital)
    domain = domain_of(registry, chain.chain_id)
    signed = _signed(
        signer,
        domain,
        consent_message(signer.address, hospital.address, valid_until=later(), nonce=new_nonce(), deadline=later(600)),
    )
    check_before_relay(signed, domain, chain.pending_timestamp, consent_registry=registry)

    receipt = relay(registry, signed)

    assert receipt.status == 1 and receipt.sender == hospital.address, "the hospital sent it and paid"
    (granted,) = [e for e in receipt.events if isinstance(e, ConsentRegistry.ConsentGranted)]
    assert (granted.patient, granted.grantee, granted.by) == (signer.address, hospital.address, signer.address)
    assert registry.hasConsent(signer.address, hospital.address, TREAT, CLINICAL)
    assert registry.consentOf(signer.address, hospital.address).purposes == TREAT

    with pytest.raises(
        ConsentInputError, match=f"nonce {signed.message.nonce} of patient {signer.address} is already used"
    ):
        check_before_relay(signed, domain, chain.pending_timestamp, consent_registry=registry)
    with pytest.raises(ContractReverted) as refused:  # relayed again without the check: the contract refuses
        relay(as_sdk(consent, hospital), signed)
    error = decode_revert(refused.value.data, "ConsentRegistry")
    assert (error.name, error.values) == (
        "ConsentRegistryNonceUsed",
        {"patient": signer.address.lower(), "nonce": signed.message.nonce},
    )


def test_a_signed_revocation_relayed_by_anyone_ends_the_consent(chain, consent, signer, hospital, insurer, later):
    registry = as_sdk(consent, hospital)
    domain = domain_of(registry, chain.chain_id)
    relay(
        registry,
        _signed(
            signer,
            domain,
            consent_message(
                signer.address, hospital.address, valid_until=later(), nonce=new_nonce(), deadline=later(600)
            ),
        ),
    )
    chain.mine(timestamp=chain.pending_timestamp + 5)  # the revocation is signed after the grant was mined
    revocation = _signed(
        signer, domain, revocation_message(signer.address, hospital.address, nonce=new_nonce(), deadline=later(600))
    )
    by_insurer = as_sdk(consent, insurer)
    check_before_relay(revocation, domain, chain.pending_timestamp, consent_registry=by_insurer)

    receipt = relay(by_insurer, revocation)

    assert receipt.sender == insurer.address
    assert [type(e) for e in receipt.events] == [ConsentRegistry.ConsentRevoked]
    assert not registry.hasConsent(signer.address, hospital.address, TREAT, CLINICAL)


def test_only_the_patient_signs_for_the_patient(chain, consent, signer, patient, hospital, later):
    domain = domain_of(as_sdk(consent), chain.chain_id)
    message = consent_message(
        patient.address,
        hospital.address,
        purposes=int(Purpose.TREAT),
        valid_until=later(),
        nonce=1,
        deadline=later(600),
    )
    with pytest.raises(ConsentInputError, match=f"signed by {signer.address}, not by the patient {patient.address}"):
        sign_with_account(signer, domain, message)


def test_a_signer_that_returns_no_signature_is_refused(chain, consent, hospital, later):
    class Broken:
        address = hospital.address

        def sign_typed_data(self, domain, types, message):
            return b"\x01" * 64

    domain = domain_of(as_sdk(consent), chain.chain_id)
    message = consent_message(hospital.address, hospital.address, valid_until=later(), nonce=1, deadline=later(600))
    with pytest.raises(ConsentInputError, match="the signer returned 64 bytes, not a 65-byte signature"):
        sign_with_account(Broken(), domain, message)
