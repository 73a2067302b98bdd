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
from tests.conftest import as_sdk

from .conftest import DAY, PASSPHRASE, TREAT, grant


def share(world, chain, records, store, paths=None, *, to=None, sender=None, purpose=Purpose.TREAT, batch_size=20):
    items = prepare_items(paths or records.paths, salts=records.salts, receipts=records.receipts)
    return share_records(
        suite=world.suite(sender or world.hospital),
        chain_id=chain.chain_id,
        now=chain.pending_timestamp,
        patient=world.patient.address,
        recipient=(to or world.referral).address,
        purpose=purpose,
        items=items,
        store=store,
        batch_size=batch_size,
    )


def receive(world, chain, data, tmp_path, *, account=None, source="envelope"):
    account = account or world.referral
    return receive_envelope(
        suite=world.suite(),
        chain_id=chain.chain_id,
        data=data,
        source=source,
        account=account.address,
        keyring=world.keyring(account),
        passphrase=PASSPHRASE,
        out_dir=tmp_path / "received",
    )


# ---------------------------------------------------------------------------------------------
# Refusals: checked before anything is encrypted, and by the contract itself


def test_share_without_consent_is_refused_and_the_contract_refuses_too(world, chain, batch_records, store):
    with pytest.raises(ShareRefused, match="has no consent on record for .* ENCOUNTERS data for TREAT refused"):
        share(world, chain, batch_records, store)
    assert not list(store.root.glob("*/*")), "nothing was encrypted or stored"
    items = prepare_items(batch_records.paths[:1], salts=batch_records.salts, receipts=batch_records.receipts)
    with ape.reverts(
        world.exchange.RecordExchangeNoConsent,
        patient=world.patient.address,
        recipient=world.referral.address,
        purpose=TREAT,
        categories=int(Category.ENCOUNTERS),
    ):
        world.exchange.logDisclosures(
            world.patient, world.referral, TREAT, [items[0].disclosure()], sender=world.hospital
        )


def test_share_with_expired_consent_is_refused(world, chain, batch_records, store):
    until = grant(world, chain, world.referral, seconds=DAY)
    chain.pending_timestamp = until
    chain.mine()
    with pytest.raises(ShareRefused, match="consent for .* expired at"):
        share(world, chain, batch_records, store)
    items = prepare_items(batch_records.paths[:1], salts=batch_records.salts, receipts=batch_records.receipts)
    with ape.reverts(world.exchange.RecordExchangeNoConsent):
        world.exchange.logDisclosures(
            world.patient, world.referral, TREAT, [items[0].disclosure()], sender=world.hospital
        )


def test_share_after_revocation_is_refused(world, chain, single_records, store):
    grant(world, chain, world.referral)
    share(world, chain, single_records, store, single_records.paths[:1])
    world.consent.revoke(world.patient, world.referral, sender=world.patient)
    with pytest.raises(ShareRefused, match=r"no consent on record .* \(never granted, or revoked\)"):
        share(world, chain, single_records, store, single_records.paths[:1])
    items = prepare_items(single_records.paths[:1], salts=single_records.salts, receipts=single_records.receipts)
    with ape.reverts(world.exchange.RecordExchangeNoConsent):
        world.exchange.logDisclosure(
            world.patient, world.referral, items[0].record_hash, TREAT, int(items[0].category), sender=world.hospital
        )


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
        world.exchange.logDisclosure(
            world.patient, world.insurer, items[0].record_hash, TREAT, int(items[0].category), sender=world.hospital
        )


def test_share_by_a_member_that_did_not_anchor_the_record_is_refused(world, chain, accounts, single_records, store):
    clinic = accounts[3]
    grant(world, chain, world.referral)
    with pytest.raises(
        ShareRefused,
        match=f"its receipt names {world.hospital.address} as the anchoring provider, not {clinic.address}",
    ):
        share(world, chain, single_records, store, sender=clinic)
    items = prepare_items(single_records.paths[:1], salts=single_records.salts, receipts=single_records.receipts)
    with ape.reverts(
        world.exchange.RecordExchangeNotAnchored, discloser=clinic.address, recordHash=items[0].record_hash
    ):
        world.exchange.logDisclosure(
            world.patient, world.referral, items[0].record_hash, TREAT, int(items[0].category), sender=clinic
        )


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


def test_a_share_needs_a_signer_on_the_exchange_and_nothing_is_sealed_without_one(world, chain, single_records, store):
    grant(world, chain, world.referral)
    items = prepare_items(single_records.paths[:1], salts=single_records.salts, receipts=single_records.receipts)
    with pytest.raises(ValueError, match="RecordExchange has no signer"):
        share_records(
            suite=world.suite(),
            chain_id=chain.chain_id,
            now=chain.pending_timestamp,
            patient=world.patient.address,
            recipient=world.referral.address,
            purpose=Purpose.TREAT,
            items=items,
            store=store,
        )
    assert not list(store.root.glob("*/*")), "nothing was encrypted or stored"


def test_a_key_is_registered_only_for_the_signer_of_its_own_keyring(world, accounts, tmp_path):
    from medchain.exchange import ExchangeKeyError, Keyring, register_new_key

    from .conftest import SCRYPT_N

    newcomer = accounts[7]
    ring = Keyring.open(tmp_path / "newcomer.json", newcomer.address)
    with pytest.raises(ExchangeKeyError, match=f"belongs to {newcomer.address}, not to {world.referral.address}"):
        register_new_key(as_sdk(world.exchange, world.referral), ring, PASSPHRASE, scrypt_n=SCRYPT_N)
    with pytest.raises(ExchangeKeyError, match="RecordExchange has no signer"):
        register_new_key(as_sdk(world.exchange), ring, PASSPHRASE, scrypt_n=SCRYPT_N)
    assert ring.entries == [] and not ring.path.exists(), "no key made for a refused registration"
    public_key, receipt = register_new_key(as_sdk(world.exchange, newcomer), ring, PASSPHRASE, scrypt_n=SCRYPT_N)
    assert receipt.status == 1 and receipt.sender == newcomer.address
    assert world.exchange.encryptionKeyOf(newcomer) == public_key == ring.public_keys[0]


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


def test_received_records_match_their_anchors_single_and_batch(
    world, chain, single_records, batch_records, store, tmp_path
):
    grant(world, chain, world.referral)
    shared = share(world, chain, batch_records, store).envelopes + share(world, chain, single_records, store).envelopes
    assert len(shared) == 10
    for envelope in shared:
        got = receive(world, chain, store.get(envelope.envelope_id), tmp_path, source=envelope.envelope_id)
        record_hash = got.contents.record_hash
        assert record_hash == envelope.record_hash
        anchored_at, _, _ = world.anchor.verify(world.hospital, record_hash)
        anchor = got.contents.anchor
        if anchor["batch"] is None:
            assert anchored_at != 0
        else:
            root = bytes.fromhex(anchor["batch"]["root"][2:])
            proof = [bytes.fromhex(p[2:]) for p in anchor["batch"]["proof"]]
            assert world.anchor.verifyInBatch(world.hospital, root, record_hash, proof) != 0
        assert got.verdict == "anchored" and got.current_key
        assert got.disclosure.discloser == world.hospital.address
        written = json.loads(got.record_path.read_text())
        salt = bytes.fromhex(json.loads(got.receipt_path.read_text())["salt"][2:])
        assert keccak(salt + canonical_bytes(written)) == record_hash, "the record written hashes to the anchor"


def test_an_envelope_whose_disclosure_was_never_logged_is_refused(world, chain, single_records, tmp_path):
    grant(world, chain, world.referral)
    item = prepare_items(single_records.paths[:1], salts=single_records.salts, receipts=single_records.receipts)[0]
    contents = Contents(
        record=item.record,
        salt=item.salt,
        record_hash=item.record_hash,
        patient=world.patient.address,
        discloser=world.hospital.address,
        recipient=world.referral.address,
        purpose=TREAT,
        category=int(item.category),
        anchor={k: v for k, v in item.receipt.to_json().items() if k != "salt"},
    )
    key = bytes(world.exchange.encryptionKeyOf(world.referral))
    sealed = seal(contents, key, chain_id=chain.chain_id, exchange=world.exchange.address)
    with pytest.raises(ReceiveRefused, match="is logged on chain: the discloser never logged it"):
        receive(world, chain, sealed.to_bytes(), tmp_path)
    # a record altered by the discloser before sealing no longer hashes to the anchor
    forged = dataclasses.replace(contents, record={**item.record, "status": "amended"})
    with pytest.raises(ReceiveRefused, match="does not hash to the hash it came with"):
        receive(
            world,
            chain,
            seal(forged, key, chain_id=chain.chain_id, exchange=world.exchange.address).to_bytes(),
            tmp_path,
        )


def test_a_rotated_key_keeps_earlier_envelopes_valid(world, chain, single_records, store, tmp_path):
    from medchain.contracts import RecordExchange
    from medchain.exchange import register_new_key

    from .conftest import SCRYPT_N

    grant(world, chain, world.referral)
    before = share(world, chain, single_records, store, single_records.paths[:1]).envelopes[0]
    public_key, receipt = register_new_key(
        as_sdk(world.exchange, world.referral), world.keyring(world.referral), PASSPHRASE, scrypt_n=SCRYPT_N
    )
    (event,) = receipt.events
    assert isinstance(event, RecordExchange.EncryptionKeySet)
    assert (event.account, event.publicKey, event.version) == (world.referral.address, public_key, 2)
    assert world.keyring(world.referral).public_keys[-1] == public_key
    after = share(world, chain, single_records, store, single_records.paths[1:2]).envelopes[0]
    old, new = (Envelope.from_bytes(store.get(e.envelope_id)) for e in (before, after))
    assert old.recipient_key != new.recipient_key == bytes(world.exchange.encryptionKeyOf(world.referral))
    assert not receive(world, chain, store.get(before.envelope_id), tmp_path).current_key
    assert receive(world, chain, store.get(after.envelope_id), tmp_path).current_key


# ---------------------------------------------------------------------------------------------
# The log, and what the chain sees


def test_the_disclosure_log_equals_the_successful_shares_and_carries_no_secrets(
    world, chain, accounts, single_records, batch_records, store, tmp_path
):
    first_block = chain.blocks.head.number + 1
    grant(world, chain, world.referral)
    successes = [
        share(world, chain, batch_records, store, batch_size=2),  # 5 records in 3 transactions
        share(world, chain, single_records, store, single_records.paths[:1]),
    ]
    with pytest.raises(ShareRefused):
        share(world, chain, single_records, store, to=world.insurer)  # no key: refused, not logged
    world.consent.revoke(world.patient, world.referral, sender=world.patient)
    with pytest.raises(ShareRefused):
        share(world, chain, single_records, store, single_records.paths[1:2])

    logged = read_disclosures(
        chain.provider.http_uri, world.exchange.address, patient=world.patient.address, from_block=first_block
    )
    expected = [
        (e.record_hash, int(e.category), tx)
        for r in successes
        for e, tx in zip(r.envelopes, [t for t, _, n in r.transactions for _ in range(n)])
    ]
    assert [(d.record_hash, d.category, d.tx) for d in logged] == expected
    assert {(d.recipient, d.discloser, d.purpose) for d in logged} == {
        (world.referral.address, world.hospital.address, TREAT)
    }
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


# ---------------------------------------------------------------------------------------------
# Record squatting: another provider anchoring the hospital's hashes changes nothing for it


def test_the_owner_still_shares_and_the_recipient_still_receives_when_another_provider_squats_the_hashes(
    world, chain, accounts, single_records, batch_records, store, tmp_path
):
    clinic = accounts[3]
    grant(world, chain, world.referral)
    singles = prepare_items(single_records.paths, salts=single_records.salts, receipts=single_records.receipts)
    batched = prepare_items(batch_records.paths, salts=batch_records.salts, receipts=batch_records.receipts)
    reason = reason_code("SQUAT")
    for item in singles + batched:  # the hashes are public once disclosed: the clinic anchors and retracts them
        world.anchor.anchor(item.record_hash, sender=clinic)
        world.anchor.retract(item.record_hash, reason, sender=clinic)
    root = batched[0].receipt.root
    world.anchor.anchorBatch(root, len(batched), sender=clinic)
    world.anchor.anchor(root, sender=clinic)
    for item in singles + batched:
        assert world.anchor.anchorOf(
            world.hospital, item.record_hash, item.receipt.root or b"\0" * 32, list(item.receipt.proof)
        ) != (0, True)
    shared = share(world, chain, batch_records, store).envelopes + share(world, chain, single_records, store).envelopes
    for envelope in shared:
        got = receive(world, chain, store.get(envelope.envelope_id), tmp_path, source=envelope.envelope_id)
        assert got.verdict == "anchored", got.verdict_message
        assert world.hospital.address in got.verdict_message


def test_a_squatters_copy_of_the_hash_does_not_let_it_share_the_record(world, chain, accounts, single_records, store):
    clinic = accounts[3]
    grant(world, chain, world.referral)
    item = prepare_items(single_records.paths[:1], salts=single_records.salts, receipts=single_records.receipts)[0]
    world.anchor.anchor(item.record_hash, sender=clinic)
    # The receipt names the hospital, and a receipt naming the clinic would be a forgery the recipient
    # catches (the discloser must be the provider the anchor is checked under); the chain agrees.
    with pytest.raises(ShareRefused, match=f"its receipt names {world.hospital.address}"):
        share(world, chain, single_records, store, paths=single_records.paths[:1], sender=clinic)


# ---------------------------------------------------------------------------------------------
# What a discloser controls never reaches a path, and never sets the category


def _one_record(world, chain, folder, resource):
    from medchain.records.anchoring import SaltStore, anchor_records

    from .conftest import Records

    (folder / "records").mkdir(parents=True)
    path = folder / "records" / "r.json"
    path.write_text(json.dumps(resource))
    salts = SaltStore(folder / "salts.json")
    anchor_records(
        anchor_contract=as_sdk(world.anchor, world.hospital),
        paths=[folder / "records"],
        out_dir=folder / "receipts",
        salt_store=salts,
        base=folder / "records",
        batch_threshold=100,
    )
    return Records([path], salts, folder / "receipts")


@pytest.mark.parametrize("resource_type", ["../../escaped", "/tmp/medchain-escaped", "..", "a/../../b"])
def test_receive_names_files_by_record_hash_only_and_stays_under_out(world, chain, store, tmp_path, resource_type):
    grant(world, chain, world.referral, categories=int(Category.LABORATORY))
    records = _one_record(world, chain, tmp_path / "src", {"resourceType": resource_type, "id": "x", "n": 1})
    items = prepare_items(records.paths, salts=records.salts, receipts=records.receipts, category=Category.LABORATORY)
    shared = share_records(
        suite=world.suite(world.hospital),
        chain_id=chain.chain_id,
        now=chain.pending_timestamp,
        patient=world.patient.address,
        recipient=world.referral.address,
        purpose=Purpose.TREAT,
        items=items,
        store=store,
    )
    out = tmp_path / "deep" / "out"
    got = receive_envelope(
        suite=world.suite(),
        rpc=chain.provider.http_uri,
        chain_id=chain.chain_id,
        data=store.get(shared.envelopes[0].envelope_id),
        source="e",
        account=world.referral.address,
        keyring=world.keyring(world.referral),
        passphrase=PASSPHRASE,
        out_dir=out,
    )
    h = items[0].record_hash.hex()
    assert got.record_path == out.resolve() / f"record-{h}.json"
    assert got.receipt_path == out.resolve() / f"record-{h}.receipt.json"
    assert sorted(p.name for p in out.iterdir()) == [f"record-{h}.json", f"record-{h}.receipt.json"]
    assert not (tmp_path / "escaped").exists() and not (tmp_path / "deep" / "escaped").exists()


def _psy_condition():
    return {
        "resourceType": "Condition",
        "id": "c1",
        "meta": {"security": [{"system": "http://terminology.hl7.org/CodeSystem/v3-ActCode", "code": "PSY"}]},
        "code": {"text": "episode"},
    }


def test_a_psy_labelled_condition_is_refused_to_a_conditions_only_consent_and_cannot_be_declared_narrower(
    world, chain, store, tmp_path
):
    grant(world, chain, world.referral, categories=int(Category.CONDITIONS))
    records = _one_record(world, chain, tmp_path / "src", _psy_condition())
    items = prepare_items(records.paths, salts=records.salts, receipts=records.receipts)
    assert items[0].category == Category.CONDITIONS | Category.MENTAL_HEALTH, "derived from the record"
    with pytest.raises(ShareRefused, match="covers TREAT on CONDITIONS"):
        share(world, chain, records, store)
    with pytest.raises(ShareRefused, match="its category is CONDITIONS\\+MENTAL_HEALTH .* not the declared CONDITIONS"):
        prepare_items(records.paths, salts=records.salts, receipts=records.receipts, category=Category.CONDITIONS)
    assert not list(store.root.glob("*/*")), "nothing was encrypted or stored"


def test_receive_refuses_a_record_whose_logged_category_is_not_its_own(world, chain, store, tmp_path):
    grant(world, chain, world.referral, categories=int(Category.CONDITIONS))
    records = _one_record(world, chain, tmp_path / "src", _psy_condition())
    item = prepare_items(records.paths, salts=records.salts, receipts=records.receipts)[0]
    # A discloser that bypasses the checks: logs the PSY condition as CONDITIONS and seals it so.
    world.exchange.logDisclosure(
        world.patient, world.referral, item.record_hash, TREAT, int(Category.CONDITIONS), sender=world.hospital
    )
    contents = Contents(
        record=item.record,
        salt=item.salt,
        record_hash=item.record_hash,
        patient=world.patient.address,
        discloser=world.hospital.address,
        recipient=world.referral.address,
        purpose=TREAT,
        category=int(Category.CONDITIONS),
        anchor={k: v for k, v in item.receipt.to_json().items() if k != "salt"},
    )
    sealed = seal(
        contents,
        bytes(world.exchange.encryptionKeyOf(world.referral)),
        chain_id=chain.chain_id,
        exchange=world.exchange.address,
    )
    with pytest.raises(
        ReceiveRefused, match="its category is CONDITIONS\\+MENTAL_HEALTH .* not the declared CONDITIONS"
    ):
        receive(world, chain, sealed.to_bytes(), tmp_path)
    assert not (tmp_path / "received").exists() or not list((tmp_path / "received").iterdir())
