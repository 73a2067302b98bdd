"""Signed consent (EIP-712), relayed by anyone — and every attack the issue lists, refused."""

from __future__ import annotations

import ape
import pytest
from eth_account import Account

from medchain.consent import Domain, Purpose, recover, sign
from medchain.consent.signing import typed_data
from tests.consent.conftest import (
    CLINICAL,
    TREAT,
    consent_message,
    relay_grant,
    relay_revoke,
    revocation_message,
    signed_grant,
)

SECP256K1_N = 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141


def test_a_signed_consent_is_relayed_by_the_hospital(consent, signer, hospital, domain, later):
    msg, sig = signed_grant(signer.key, domain, signer.address, hospital, valid_until=later(), deadline=later(600))
    assert recover(domain, msg, sig) == signer.address
    receipt = relay_grant(consent, msg, sig, sender=hospital)

    assert consent.hasConsent(signer.address, hospital, TREAT, CLINICAL)
    assert consent.nonceUsed(signer.address, 0)
    logs = receipt.events.filter(consent.ConsentGranted)
    assert [(log.patient, log.grantee, log.by) for log in logs] == [(signer.address, hospital, signer.address)]


def test_the_signature_is_what_a_wallet_would_produce(signer, domain, hospital):
    """eth_signTypedData_v4 over the same document: eth-account's sign_typed_data with the dict parts."""
    msg = consent_message(signer.address, hospital, valid_until=10**9, deadline=10**9)
    doc = typed_data(domain, msg)
    wallet = Account.sign_typed_data(
        signer.key,
        domain_data=doc["domain"],
        message_types={"Consent": doc["types"]["Consent"]},
        message_data=doc["message"],
    )
    assert bytes(wallet.signature) == sign(signer.key, domain, msg)


def test_nonces_are_order_independent(consent, signer, hospital, insurer, domain, later):
    first, sig_first = signed_grant(
        signer.key, domain, signer.address, hospital, nonce=7, valid_until=later(), deadline=later(600)
    )
    second, sig_second = signed_grant(
        signer.key,
        domain,
        signer.address,
        insurer,
        nonce=3,
        purposes=int(Purpose.HPAYMT),
        valid_until=later(),
        deadline=later(600),
    )
    relay_grant(consent, first, sig_first, sender=hospital)
    relay_grant(consent, second, sig_second, sender=insurer)
    assert consent.nonceUsed(signer.address, 7) and consent.nonceUsed(signer.address, 3)
    assert not consent.nonceUsed(signer.address, 5)


def test_deadline_is_inclusive(chain, consent, signer, hospital, domain, later):
    deadline = later(60)
    msg, sig = signed_grant(signer.key, domain, signer.address, hospital, valid_until=later(), deadline=deadline)
    chain.pending_timestamp = deadline
    relay_grant(consent, msg, sig, sender=hospital)
    assert consent.hasConsent(signer.address, hospital, TREAT, CLINICAL)


# ---------------------------------------------------------------------------------------------
# Attacks


def test_expired_deadline(chain, consent, signer, hospital, domain, later):
    deadline = later(60)
    msg, sig = signed_grant(signer.key, domain, signer.address, hospital, valid_until=later(), deadline=deadline)
    chain.pending_timestamp = deadline + 1
    with ape.reverts(consent.ConsentRegistryExpiredSignature, deadline=deadline):
        relay_grant(consent, msg, sig, sender=hospital)


def test_reused_nonce(consent, patient, hospital, domain, later):
    msg, sig = signed_grant(
        patient.private_key, domain, patient.address, hospital, valid_until=later(), deadline=later(600)
    )
    relay_grant(consent, msg, sig, sender=hospital)
    consent.revoke(patient, hospital, sender=patient)
    with ape.reverts(consent.ConsentRegistryNonceUsed, patient=patient, nonce=0):
        relay_grant(consent, msg, sig, sender=hospital)  # a replay would undo the revocation
    assert not consent.hasConsent(patient, hospital, TREAT, CLINICAL)


@pytest.mark.parametrize("field", ["chain-id", "verifying-contract"])
def test_signature_for_another_domain(consent, signer, hospital, domain, later, field):
    other = (
        Domain(chain_id=domain.chain_id + 1, verifying_contract=domain.verifying_contract)
        if field == "chain-id"
        else Domain(chain_id=domain.chain_id, verifying_contract=str(hospital))
    )
    msg, sig = signed_grant(signer.key, other, signer.address, hospital, valid_until=later(), deadline=later(600))
    with ape.reverts(consent.ConsentRegistryInvalidSignature, patient=signer.address):
        relay_grant(consent, msg, sig, sender=hospital)


def test_signature_by_someone_else(consent, signer, hospital, domain, later):
    mallory = Account.from_key(b"\x66" * 32)
    msg, sig = signed_grant(mallory.key, domain, signer.address, hospital, valid_until=later(), deadline=later(600))
    with ape.reverts(consent.ConsentRegistryInvalidSignature, patient=signer.address):
        relay_grant(consent, msg, sig, sender=hospital)


def test_high_s_malleable_signature(consent, signer, hospital, domain, later):
    msg, sig = signed_grant(signer.key, domain, signer.address, hospital, valid_until=later(), deadline=later(600))
    r, s, v = sig[:32], int.from_bytes(sig[32:64], "big"), sig[64]
    flipped = r + (SECP256K1_N - s).to_bytes(32, "big") + bytes([55 - v])  # 27 <-> 28
    assert recover(domain, msg, flipped) == signer.address, "mathematically valid, but malleable"
    with ape.reverts(consent.ConsentRegistryInvalidSignature, patient=signer.address):
        relay_grant(consent, msg, flipped, sender=hospital)


@pytest.mark.parametrize("change", ["purposes", "categories", "validUntil", "signedAt", "grantee", "deadline", "nonce"])
def test_signature_over_different_fields(consent, signer, hospital, insurer, domain, later, change):
    msg, sig = signed_grant(signer.key, domain, signer.address, hospital, valid_until=later(), deadline=later(600))
    fields = dict(
        purposes=int(msg.purposes),
        categories=int(msg.categories),
        valid_until=msg.valid_until,
        signed_at=msg.signed_at,
        nonce=msg.nonce,
        deadline=msg.deadline,
    )
    grantee = hospital
    if change == "purposes":
        fields["purposes"] |= int(Purpose.HRESCH)
    elif change == "categories":
        fields["categories"] |= 1 << 9
    elif change == "validUntil":
        fields["valid_until"] += 365 * 24 * 3600
    elif change == "signedAt":
        fields["signed_at"] -= 1
    elif change == "grantee":
        grantee = insurer
    elif change == "deadline":
        fields["deadline"] += 1
    else:
        fields["nonce"] += 1
    tampered = consent_message(signer.address, grantee, **fields)
    with ape.reverts(consent.ConsentRegistryInvalidSignature, patient=signer.address):
        relay_grant(consent, tampered, sig, sender=hospital)


def test_relayed_consent_to_a_non_member(consent, signer, hospital, outsider, domain, later):
    msg, sig = signed_grant(signer.key, domain, signer.address, outsider, valid_until=later(), deadline=later(600))
    with ape.reverts(consent.ConsentRegistryGranteeNotMember, grantee=outsider):
        relay_grant(consent, msg, sig, sender=hospital)


def test_garbage_signature(consent, signer, hospital, domain, later):
    msg, _ = signed_grant(signer.key, domain, signer.address, hospital, valid_until=later(), deadline=later(600))
    with ape.reverts(consent.ConsentRegistryInvalidSignature, patient=signer.address):
        relay_grant(consent, msg, b"\x01" * 64, sender=hospital)


# ---------------------------------------------------------------------------------------------
# Contract wallets (ERC-1271)


def test_contract_wallet_patient(project, consent, governance, hospital, domain, later):
    owner = Account.from_key(b"\x77" * 32)
    wallet = governance.deploy(project.MockWallet, owner.address)
    msg, sig = signed_grant(owner.key, domain, wallet.address, hospital, valid_until=later(), deadline=later(600))
    relay_grant(consent, msg, sig, sender=hospital)
    assert consent.hasConsent(wallet.address, hospital, TREAT, CLINICAL)


def test_contract_wallet_refuses_a_stranger(project, consent, governance, hospital, domain, later):
    wallet = governance.deploy(project.MockWallet, Account.from_key(b"\x77" * 32).address)
    mallory = Account.from_key(b"\x66" * 32)
    msg, sig = signed_grant(mallory.key, domain, wallet.address, hospital, valid_until=later(), deadline=later(600))
    with ape.reverts(consent.ConsentRegistryInvalidSignature, patient=wallet.address):
        relay_grant(consent, msg, sig, sender=hospital)


# ---------------------------------------------------------------------------------------------
# revokeBySig and cancelNonce


def test_signed_revocation(consent, signer, hospital, insurer, domain, later):
    msg, sig = signed_grant(signer.key, domain, signer.address, hospital, valid_until=later(), deadline=later(600))
    relay_grant(consent, msg, sig, sender=hospital)
    revocation = revocation_message(signer.address, str(hospital), nonce=1, deadline=later(600))
    receipt = relay_revoke(consent, revocation, sign(signer.key, domain, revocation), sender=insurer)

    assert not consent.hasConsent(signer.address, hospital, TREAT, CLINICAL)
    logs = receipt.events.filter(consent.ConsentRevoked)
    assert [(log.patient, log.grantee, log.by) for log in logs] == [(signer.address, hospital, signer.address)]


def test_signed_revocation_refusals(chain, consent, signer, hospital, domain, later):
    msg, sig = signed_grant(signer.key, domain, signer.address, hospital, valid_until=later(), deadline=later(600))
    relay_grant(consent, msg, sig, sender=hospital)

    reused = revocation_message(signer.address, str(hospital), nonce=0, deadline=later(600))
    with ape.reverts(consent.ConsentRegistryNonceUsed, patient=signer.address, nonce=0):
        relay_revoke(consent, reused, sign(signer.key, domain, reused), sender=hospital)

    forged = revocation_message(signer.address, str(hospital), nonce=1, deadline=later(600))
    with ape.reverts(consent.ConsentRegistryInvalidSignature, patient=signer.address):
        relay_revoke(consent, forged, sign(b"\x66" * 32, domain, forged), sender=hospital)

    deadline = later(30)
    late = revocation_message(signer.address, str(hospital), nonce=2, deadline=deadline)
    chain.pending_timestamp = deadline + 1
    with ape.reverts(consent.ConsentRegistryExpiredSignature, deadline=deadline):
        relay_revoke(consent, late, sign(signer.key, domain, late), sender=hospital)


def test_cancel_nonce(consent, patient, hospital, domain, later):
    receipt = consent.cancelNonce(12, sender=patient)
    assert consent.nonceUsed(patient, 12)
    logs = receipt.events.filter(consent.NonceCancelled)
    assert [(log.patient, log.nonce) for log in logs] == [(patient, 12)]

    msg, sig = signed_grant(
        patient.private_key, domain, patient.address, hospital, nonce=12, valid_until=later(), deadline=later(600)
    )
    with ape.reverts(consent.ConsentRegistryNonceUsed, patient=patient, nonce=12):
        relay_grant(consent, msg, sig, sender=hospital)
    with ape.reverts(consent.ConsentRegistryNonceUsed, patient=patient, nonce=12):
        consent.cancelNonce(12, sender=patient)


@pytest.mark.parametrize("nonce", [0, 255, 256, 2**256 - 1])
def test_nonce_bitmap_edges(consent, patient, nonce):
    consent.cancelNonce(nonce, sender=patient)
    assert consent.nonceUsed(patient, nonce)
    neighbours = {n for n in (nonce - 1, nonce + 1) if 0 <= n < 2**256}
    assert not any(consent.nonceUsed(patient, n) for n in neighbours)
