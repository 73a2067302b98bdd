"""Sharing and receiving records on chain: every refusal the issue names, envelopes that open only for
their recipient and detect tampering, received records that match their anchors, the disclosure log
equal to the successful shares, and no plaintext or key material in any transaction."""

from __future__ import annotations

import dataclasses
import json

import ape
import ecies
import pytest
from eth_utils import keccak

from medchain.access import reason_code
from medchain.consent import Category, Purpose
from medchain.exchange import (
    Envelope,
    EnvelopeError,
    ReceiveRefused,
    ShareRefused,
    open_envelope,
    prepare_items,
    read_disclosures,
    receive_envelope,
    seal,
    share_records,
)
from medchain.exchange.envelope import ECIES, Contents
from medchain.records.hashing import canonical_bytes

from .conftest import DAY, PASSPHRASE, TREAT, grant


def share(world, chain, records, store, paths=None, *, to=None, sender=None, purpose=Purpose.TREAT, batch_size=20):
    items = prepare_items(paths or records.paths, salts=records.salts, receipts=records.receipts)
    return share_records(suite=world.suite, sender=sender or world.hospital, chain_id=chain.chain_id,
                         now=chain.pending_timestamp, patient=world.patient.address,
                         recipient=(to or world.referral).address, purpose=purpose, items=items, store=store,
                         batch_size=batch_size)


def receive(world, chain, data, tmp_path, *, account=None, source="envelope"):
    account = account or world.referral
    return receive_envelope(suite=world.suite, w3=chain.provider.web3, chain_id=chain.chain_id, data=data,
                            source=source, account=account.address, keyring=world.keyring(account),
                            passphrase=PASSPHRASE, out_dir=tmp_path / "received")


# ---------------------------------------------------------------------------------------------
# Refusals: checked before anything is encrypted, and by the contract itself


def test_share_without_consent_is_refused_and_the_contract_refuses_too(world, chain, batch_records, store):
    with pytest.raises(ShareRefused, match="has no consent on record for .* ENCOUNTERS data for TREAT refused"):
        share(world, chain, batch_records, store)
    assert not list(store.root.glob("*/*")), "nothing was encrypted or stored"
    items = prepare_items(batch_records.paths[:1], salts=batch_records.salts, receipts=batch_records.receipts)
    with ape.reverts(world.exchange.RecordExchangeNoConsent, patient=world.patient.address,
                     recipient=world.referral.address, purpose=TREAT, categories=int(Category.ENCOUNTERS)):
        world.exchange.logDisclosures(world.patient, world.referral, TREAT, [items[0].disclosure()],
                                      sender=world.hospital)


def test_share_with_expired_consent_is_refused(world, chain, batch_records, store):
    until = grant(world, chain, world.referral, seconds=DAY)
    chain.pending_timestamp = until
    chain.mine()
    with pytest.raises(ShareRefused, match="consent for .* expired at"):
        share(world, chain, batch_records, store)
    items = prepare_items(batch_records.paths[:1], salts=batch_records.salts, receipts=batch_records.receipts)
    with ape.reverts(world.exchange.RecordExchangeNoConsent):
        world.exchange.logDisclosures(world.patient, world.referral, TREAT, [items[0].disclosure()],
                                      sender=world.hospital)


def test_share_after_revocation_is_refused(world, chain, single_records, store):
    grant(world, chain, world.referral)
    share(world, chain, single_records, store, single_records.paths[:1])
    world.consent.revoke(world.patient, world.referral, sender=world.patient)
    with pytest.raises(ShareRefused, match=r"no consent on record .* \(never granted, or revoked\)"):
        share(world, chain, single_records, store, single_records.paths[:1])
    items = prepare_items(single_records.paths[:1], salts=single_records.salts, receipts=single_records.receipts)
    with ape.reverts(world.exchange.RecordExchangeNoConsent):
        world.exchange.logDisclosure(world.patient, world.referral, items[0].record_hash, TREAT,
                                     int(items[0].category), sender=world.hospital)


def test_share_beyond_the_consented_categories_is_refused(world, chain, batch_records, store):
    grant(world, chain, world.referral, categories=int(Category.ENCOUNTERS))
    with pytest.raises(ShareRefused, match="covers TREAT on ENCOUNTERS, not LABORATORY data for TREAT"):
        share(world, chain, batch_records, store)


def test_share_to_a_recipient_without_a_registered_key_is_refused(world, chain, single_records, store):
    grant(world, chain, world.insurer)
    with pytest.raises(ShareRefused, match=f"recipient {world.insurer.address} has registered no encryption key"):
        share(world, chain, single_records, store, to=world.insurer)
    items = prepare_items(single_records.paths[:1], salts=single_records.salts, receipts=single_records.receipts)
    with ape.reverts(world.exchange.RecordExchangeNoEncryptionKey, recipient=world.insurer.address):
        world.exchange.logDisclosure(world.patient, world.insurer, items[0].record_hash, TREAT,
                                     int(items[0].category), sender=world.hospital)


def test_share_by_a_member_that_did_not_anchor_the_record_is_refused(world, chain, accounts, single_records, store):
    clinic = accounts[3]
    grant(world, chain, world.referral)
    with pytest.raises(ShareRefused, match=f"anchored by {world.hospital.address}, not by {clinic.address}"):
        share(world, chain, single_records, store, sender=clinic)
    items = prepare_items(single_records.paths[:1], salts=single_records.salts, receipts=single_records.receipts)
    with ape.reverts(world.exchange.RecordExchangeNotAnchoringProvider, recordHash=items[0].record_hash,
                     provider=world.hospital.address, caller=clinic.address):
        world.exchange.logDisclosure(world.patient, world.referral, items[0].record_hash, TREAT,
                                     int(items[0].category), sender=clinic)


def test_share_to_a_non_member_or_by_a_non_provider_is_refused(world, chain, single_records, store):
    with pytest.raises(ShareRefused, match=f"recipient {world.stranger.address} is not an active consortium member"):
        share(world, chain, single_records, store, to=world.stranger)
    with pytest.raises(ShareRefused, match=f"{world.insurer.address} is not an active provider"):
        share(world, chain, single_records, store, sender=world.insurer)


def test_a_retracted_record_is_not_shared(world, chain, single_records, store):
    grant(world, chain, world.referral)
    items = prepare_items(single_records.paths[:1], salts=single_records.salts, receipts=single_records.receipts)
    world.anchor.retract(items[0].record_hash, reason_code("WRONG_PATIENT"), sender=world.hospital)
    with pytest.raises(ShareRefused, match="retracted by its provider"):
        share(world, chain, single_records, store, single_records.paths[:1])


def test_a_disclosure_has_exactly_one_purpose():
    from medchain.exchange import parse_purpose

    assert parse_purpose("treat") is Purpose.TREAT
    with pytest.raises(ShareRefused, match="one purpose, got TREAT\\+HPAYMT"):
        parse_purpose("treat,hpaymt")


# ---------------------------------------------------------------------------------------------
# Envelopes on the way


def test_an_envelope_opens_only_with_the_recipients_key(world, chain, accounts, single_records, store, tmp_path):
    grant(world, chain, world.referral)
    result = share(world, chain, single_records, store, single_records.paths[:1])
    data = store.get(result.envelopes[0].envelope_id)
    envelope = Envelope.from_bytes(data)
    assert envelope.recipient_key == bytes(world.exchange.encryptionKeyOf(world.referral))
    clinic = accounts[3]
    other_key = world.keyring(clinic).private_key(world.keyring(clinic).public_keys[0], PASSPHRASE)
    with pytest.raises(EnvelopeError, match="the wrapped data key does not open with key"):
        open_envelope(envelope, other_key)
    with pytest.raises(ValueError, match="no private key for"):  # the clinic's own keyring has no such key
        receive(world, chain, data, tmp_path, account=clinic)
    received = receive(world, chain, data, tmp_path)
    assert received.contents.record == json.loads(single_records.paths[0].read_text())


@pytest.mark.parametrize("part", ["ciphertext", "wrapped_key", "nonce"])
def test_a_flipped_byte_is_detected(world, chain, single_records, store, tmp_path, part):
    grant(world, chain, world.referral)
    result = share(world, chain, single_records, store, single_records.paths[:1])
    envelope = Envelope.from_bytes(store.get(result.envelopes[0].envelope_id))
    for position in (0, len(getattr(envelope, part)) // 2, len(getattr(envelope, part)) - 1):
        altered = bytearray(getattr(envelope, part))
        altered[position] ^= 0x01
        tampered = dataclasses.replace(envelope, **{part: bytes(altered)}).to_bytes()
        with pytest.raises(EnvelopeError, match="wrapped data key does not open|fails authentication"):
            receive(world, chain, tampered, tmp_path)
    assert not (tmp_path / "received").exists(), "nothing was written"


def test_an_altered_header_or_store_is_detected(world, chain, single_records, store, tmp_path):
    grant(world, chain, world.referral)
    result = share(world, chain, single_records, store, single_records.paths[:1])
    eid = result.envelopes[0].envelope_id
    envelope = Envelope.from_bytes(store.get(eid))
    moved = dataclasses.replace(envelope, chain_id=envelope.chain_id + 1)
    with pytest.raises(EnvelopeError, match="fails authentication"):  # the header is associated data
        open_envelope(moved, world.keyring(world.referral).private_key(envelope.recipient_key, PASSPHRASE))
    with pytest.raises(ReceiveRefused, match=f"for chain {envelope.chain_id + 1} contract"):
        receive(world, chain, moved.to_bytes(), tmp_path)
    path = store.root / eid[:2] / eid
    path.write_bytes(path.read_bytes().replace(b'"chainId"', b'"chainID"'))
    from medchain.exchange import StoreError

    with pytest.raises(StoreError, match="the store was altered"):
        store.get(eid)


# ---------------------------------------------------------------------------------------------
# Receiving: the record against its anchor and the log


def test_received_records_match_their_anchors_single_and_batch(world, chain, single_records, batch_records, store,
                                                                 tmp_path):
    grant(world, chain, world.referral)
    shared = share(world, chain, batch_records, store).envelopes + share(world, chain, single_records, store).envelopes
    assert len(shared) == 10
    for envelope in shared:
        got = receive(world, chain, store.get(envelope.envelope_id), tmp_path, source=envelope.envelope_id)
        record_hash = got.contents.record_hash
        assert record_hash == envelope.record_hash
        provider, _, _, _ = world.anchor.verify(record_hash)
        anchor = got.contents.anchor
        if anchor["batch"] is None:
            assert provider == world.hospital.address
        else:
            root = bytes.fromhex(anchor["batch"]["root"][2:])
            proof = [bytes.fromhex(p[2:]) for p in anchor["batch"]["proof"]]
            assert world.anchor.verifyInBatch(root, record_hash, proof)[0] == world.hospital.address
        assert got.verdict == "anchored" and got.current_key
        assert got.disclosure.discloser == world.hospital.address
        written = json.loads(got.record_path.read_text())
        salt = bytes.fromhex(json.loads(got.receipt_path.read_text())["salt"][2:])
        assert keccak(salt + canonical_bytes(written)) == record_hash, "the record written hashes to the anchor"


def test_an_envelope_whose_disclosure_was_never_logged_is_refused(world, chain, single_records, tmp_path):
    grant(world, chain, world.referral)
    item = prepare_items(single_records.paths[:1], salts=single_records.salts, receipts=single_records.receipts)[0]
    contents = Contents(record=item.record, salt=item.salt, record_hash=item.record_hash,
                        patient=world.patient.address, discloser=world.hospital.address,
                        recipient=world.referral.address, purpose=TREAT, category=int(item.category),
                        anchor={k: v for k, v in item.receipt.to_json().items() if k != "salt"})
    key = bytes(world.exchange.encryptionKeyOf(world.referral))
    sealed = seal(contents, key, chain_id=chain.chain_id, exchange=world.exchange.address)
    with pytest.raises(ReceiveRefused, match="is logged on chain: the discloser never logged it"):
        receive(world, chain, sealed.to_bytes(), tmp_path)
    # a record altered by the discloser before sealing no longer hashes to the anchor
    forged = dataclasses.replace(contents, record={**item.record, "status": "amended"})
    with pytest.raises(ReceiveRefused, match="does not hash to the hash it came with"):
        receive(world, chain, seal(forged, key, chain_id=chain.chain_id, exchange=world.exchange.address).to_bytes(),
                tmp_path)


def test_a_rotated_key_keeps_earlier_envelopes_valid(world, chain, single_records, store, tmp_path):
    from medchain.exchange import register_new_key

    from .conftest import SCRYPT_N

    grant(world, chain, world.referral)
    before = share(world, chain, single_records, store, single_records.paths[:1]).envelopes[0]
    receipt = register_new_key(world.exchange, world.referral, world.keyring(world.referral), PASSPHRASE,
                               scrypt_n=SCRYPT_N)[1]
    (event,) = receipt.events.filter(world.exchange.EncryptionKeySet)
    assert event.account == world.referral.address and event.version == 2
    after = share(world, chain, single_records, store, single_records.paths[1:2]).envelopes[0]
    old, new = (Envelope.from_bytes(store.get(e.envelope_id)) for e in (before, after))
    assert old.recipient_key != new.recipient_key == bytes(world.exchange.encryptionKeyOf(world.referral))
    assert not receive(world, chain, store.get(before.envelope_id), tmp_path).current_key
    assert receive(world, chain, store.get(after.envelope_id), tmp_path).current_key


# ---------------------------------------------------------------------------------------------
# The log, and what the chain sees


def test_the_disclosure_log_equals_the_successful_shares_and_carries_no_secrets(
        world, chain, accounts, single_records, batch_records, store, tmp_path):
    first_block = chain.blocks.head.number + 1
    grant(world, chain, world.referral)
    successes = [share(world, chain, batch_records, store, batch_size=2),  # 5 records in 3 transactions
                 share(world, chain, single_records, store, single_records.paths[:1])]
    with pytest.raises(ShareRefused):
        share(world, chain, single_records, store, to=world.insurer)  # no key: refused, not logged
    world.consent.revoke(world.patient, world.referral, sender=world.patient)
    with pytest.raises(ShareRefused):
        share(world, chain, single_records, store, single_records.paths[1:2])

    logged = read_disclosures(chain.provider.web3, world.exchange.address, patient=world.patient.address,
                              from_block=first_block)
    expected = [(e.record_hash, int(e.category), tx) for r in successes for e, tx in
                zip(r.envelopes, [t for t, _, n in r.transactions for _ in range(n)])]
    assert [(d.record_hash, d.category, d.tx) for d in logged] == expected
    assert {(d.recipient, d.discloser, d.purpose) for d in logged} == {(world.referral.address, world.hospital.address,
                                                                       TREAT)}
    assert len({d.tx for d in logged}) == 4

    # Every secret and every piece of plaintext of these shares, then every byte the chain saw.
    ring = world.keyring(world.referral)
    private_keys = [ring.private_key(k, PASSPHRASE) for k in ring.public_keys]
    secrets: dict[str, bytes] = {f"private key {i}": k for i, k in enumerate(private_keys)}
    for r in successes:
        for e in r.envelopes:
            envelope = Envelope.from_bytes(store.get(e.envelope_id))
            private_key = ring.private_key(envelope.recipient_key, PASSPHRASE)
            contents = open_envelope(envelope, private_key)
            name = e.path.name
            secrets[f"{name} data key"] = ecies.decrypt(private_key, envelope.wrapped_key, config=ECIES)
            secrets[f"{name} wrapped key"] = envelope.wrapped_key
            secrets[f"{name} nonce"] = envelope.nonce
            secrets[f"{name} ciphertext"] = envelope.ciphertext[:16]
            secrets[f"{name} envelope id"] = bytes.fromhex(e.envelope_id)
            secrets[f"{name} salt"] = contents.salt
            secrets[f"{name} record"] = canonical_bytes(contents.record)
            secrets[f"{name} record (as filed)"] = e.path.read_bytes()[:32]
    for text in ("Hemoglobin", "Glucose", "44054006", "metformin", "urn:uuid", "Observation", "laboratory"):
        secrets[f"plaintext {text!r}"] = text.encode()

    w3 = chain.provider.web3
    seen = []
    for number in range(first_block, chain.blocks.head.number + 1):
        for tx in w3.eth.get_block(number, full_transactions=True)["transactions"]:
            seen.append(("calldata", bytes(tx["input"])))
            for log in w3.eth.get_transaction_receipt(tx["hash"])["logs"]:
                seen.append(("event", b"".join(bytes(t) for t in log["topics"]) + bytes(log["data"])))
    assert len(seen) > 10
    for where, blob in seen:
        for label, secret in secrets.items():
            assert secret not in blob, f"{label} found in a transaction's {where}"
