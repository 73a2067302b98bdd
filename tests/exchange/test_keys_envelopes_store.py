"""Off chain: keyrings, envelopes, the content-addressed store and data categories (no transactions)."""

from __future__ import annotations

import dataclasses
import json
import stat

import pytest
from coincurve import PrivateKey
from eth_utils import to_checksum_address

from medchain.consent import Category
from medchain.exchange import (
    CategoryError,
    Envelope,
    EnvelopeError,
    ExchangeKeyError,
    FolderStore,
    Keyring,
    StoreError,
    category_of,
    check_public_key,
    envelope_id,
    new_private_key,
    open_envelope,
    open_store,
    public_key_of,
    seal,
)
from medchain.exchange.envelope import Contents
from medchain_dev.demo.samples import encounter_bundle

from .conftest import SCRYPT_N

ALICE = to_checksum_address("0x" + "a1" * 20)
BOB = to_checksum_address("0x" + "b0" * 20)
EXCHANGE = to_checksum_address("0x" + "ec" * 20)


def contents(**changes) -> Contents:
    record = encounter_bundle(3)["entry"][1]["resource"]
    base = Contents(
        record=record,
        salt=b"\x05" * 32,
        record_hash=b"\x06" * 32,
        patient=ALICE,
        discloser=BOB,
        recipient=ALICE,
        purpose=1,
        category=int(Category.LABORATORY),
        anchor={"format": "x"},
    )
    return dataclasses.replace(base, **changes)


# ---------------------------------------------------------------------------------------------
# Keys and keyrings


def test_public_keys_are_checked_like_the_contract_does():
    key = public_key_of(new_private_key())
    assert len(key) == 33 and key[0] in (2, 3)
    assert check_public_key("0x" + key.hex()) == key
    uncompressed = PrivateKey(b"\x01" * 32).public_key.format(compressed=False)
    with pytest.raises(ExchangeKeyError, match="33 bytes starting 0x02 or 0x03, got 65 bytes starting 04"):
        check_public_key(uncompressed, "--key")
    with pytest.raises(ExchangeKeyError, match="is not a point of secp256k1"):
        check_public_key(bytes([2]) + (5).to_bytes(32, "big"))  # 5^3 + 7 is not a square mod p
    with pytest.raises(ExchangeKeyError, match="--key: not hex"):
        check_public_key("0xzz", "--key")


def test_a_keyring_keeps_every_key_encrypted_and_readable_only_by_its_owner(tmp_path):
    path = tmp_path / "ring.json"
    ring = Keyring.open(path, ALICE)
    first = ring.add(new_private_key(), "pass", scrypt_n=SCRYPT_N)
    second = ring.add(new_private_key(), "pass", scrypt_n=SCRYPT_N)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    text = path.read_text()
    reopened = Keyring.open(path, ALICE.upper().replace("0X", "0x"))
    assert reopened.public_keys == [first, second], "old keys stay after a rotation, newest last"
    for key in (first, second):
        private = reopened.private_key(key, "pass")
        assert public_key_of(private) == key and private.hex() not in text
    with pytest.raises(ExchangeKeyError, match="wrong passphrase for key"):
        Keyring.open(path, ALICE).private_key(first, "wrong")
    with pytest.raises(ExchangeKeyError, match=r"no private key for .* \(this keyring holds"):
        reopened.private_key(public_key_of(new_private_key()), "pass")
    with pytest.raises(ExchangeKeyError, match="belongs to 0xA1A1.*, not to 0xB0B0"):
        Keyring.open(path, BOB)
    with pytest.raises(ExchangeKeyError, match="already holds key"):
        reopened.add(reopened.private_key(first, "pass"), "pass", scrypt_n=SCRYPT_N)
    with pytest.raises(ExchangeKeyError, match="passphrase is empty"):
        reopened.add(new_private_key(), "", scrypt_n=SCRYPT_N)
    (tmp_path / "bad.json").write_text(json.dumps({"format": "something else"}))
    with pytest.raises(ExchangeKeyError, match="not a medchain-exchange-keyring-v1 file"):
        Keyring.open(tmp_path / "bad.json", ALICE)


# ---------------------------------------------------------------------------------------------
# Envelopes


def test_an_envelope_round_trips_and_says_nothing_outside_the_ciphertext():
    private = new_private_key()
    sealed = seal(contents(), public_key_of(private), chain_id=1337, exchange=EXCHANGE)
    data = sealed.to_bytes()
    assert open_envelope(Envelope.from_bytes(data), private) == contents()
    header = json.loads(data)
    assert set(header) == {
        "format",
        "cipher",
        "keyWrap",
        "chainId",
        "exchange",
        "recipientKey",
        "wrappedKey",
        "nonce",
        "ciphertext",
    }
    for leak in (
        b"Hemoglobin",
        b"4548-4",
        ALICE[2:].lower().encode(),
        BOB[2:].lower().encode(),
        b"0505050505",
        b"0606060606",
    ):
        assert leak not in data.lower()
    again = seal(contents(), public_key_of(private), chain_id=1337, exchange=EXCHANGE)
    assert (again.wrapped_key, again.nonce) != (sealed.wrapped_key, sealed.nonce), (
        "a fresh data key and nonce each time"
    )
    assert contents().rehash() != contents().record_hash  # the fixture's hash is made up: receive would refuse it


@pytest.mark.parametrize("part", ["ciphertext", "wrapped_key", "nonce", "recipient_key", "exchange"])
def test_any_altered_part_of_an_envelope_fails_to_open(part):
    private = new_private_key()
    sealed = seal(contents(), public_key_of(private), chain_id=1337, exchange=EXCHANGE)
    if part == "recipient_key":
        altered = dataclasses.replace(sealed, recipient_key=public_key_of(new_private_key()))
    elif part == "exchange":
        altered = dataclasses.replace(sealed, exchange="0x" + "ed" * 20)
    else:
        raw = bytearray(getattr(sealed, part))
        raw[len(raw) // 3] ^= 0x80
        altered = dataclasses.replace(sealed, **{part: bytes(raw)})
    with pytest.raises(EnvelopeError, match="does not open|fails authentication"):
        open_envelope(altered, private)


def test_malformed_envelopes_are_named():
    sealed = json.loads(seal(contents(), public_key_of(new_private_key()), chain_id=1, exchange=EXCHANGE).to_bytes())
    with pytest.raises(EnvelopeError, match="e.json: not an envelope"):
        Envelope.from_bytes(b"\xff\xfe", "e.json")
    with pytest.raises(EnvelopeError, match="not a medchain-envelope-v1 envelope"):
        Envelope.from_bytes(json.dumps({**sealed, "format": "v0"}).encode())
    with pytest.raises(EnvelopeError, match="unsupported algorithms"):
        Envelope.from_bytes(json.dumps({**sealed, "cipher": "AES-128-CBC"}).encode())
    with pytest.raises(EnvelopeError, match="missing field 'nonce'"):
        Envelope.from_bytes(json.dumps({k: v for k, v in sealed.items() if k != "nonce"}).encode())
    with pytest.raises(EnvelopeError, match="wrappedKey: 3 bytes, expected 129"):
        Envelope.from_bytes(json.dumps({**sealed, "wrappedKey": "0x010203"}).encode())


# ---------------------------------------------------------------------------------------------
# The store


def test_the_folder_store_is_content_addressed_and_checks_what_it_returns(tmp_path):
    store = open_store(tmp_path / "s")
    assert isinstance(store, FolderStore)
    eid = store.put(b"envelope bytes")
    assert eid == envelope_id(b"envelope bytes") and store.put(b"envelope bytes") == eid
    assert store.get(eid) == store.get("sha256:" + eid.upper()) == b"envelope bytes"
    assert store.location(eid).endswith(f"{eid[:2]}/{eid}")
    (tmp_path / "s" / eid[:2] / eid).write_bytes(b"envelope bytez")
    with pytest.raises(StoreError, match="the store was altered"):
        store.get(eid)
    with pytest.raises(StoreError, match="no envelope"):
        store.get("00" * 32)
    with pytest.raises(StoreError, match="is not an envelope id"):
        store.get("../../etc/passwd")
    with pytest.raises(StoreError, match="s3:// is not bundled; implement medchain.exchange.store.EnvelopeStore"):
        open_store("s3://bucket/envelopes")


# ---------------------------------------------------------------------------------------------
# Data categories


def test_categories_are_read_from_the_record():
    entries = {e["resource"]["resourceType"] + str(i): e["resource"] for i, e in enumerate(encounter_bundle()["entry"])}
    assert category_of(entries["Encounter0"]) == Category.ENCOUNTERS
    assert category_of(entries["Observation1"]) == Category.LABORATORY
    assert category_of(entries["Condition3"]) == Category.CONDITIONS
    assert category_of(entries["MedicationRequest4"]) == Category.MEDICATIONS
    assert category_of(encounter_bundle()) == (
        Category.ENCOUNTERS | Category.LABORATORY | Category.CONDITIONS | Category.MEDICATIONS
    )
    vitals = {"resourceType": "Observation", "category": [{"coding": [{"code": "vital-signs"}]}]}
    assert category_of(vitals) == Category.CLINICAL_NOTES
    imaging = {"resourceType": "DiagnosticReport", "category": [{"coding": [{"code": "RAD"}]}]}
    assert category_of(imaging) == Category.IMAGING
    hiv = {**entries["Observation1"], "meta": {"security": [{"system": "x", "code": "SEX"}, {"code": "ETH"}]}}
    assert category_of(hiv) == Category.LABORATORY | Category.SEXUAL_REPRODUCTIVE | Category.SUBSTANCE_USE
    with pytest.raises(CategoryError, match="r.json: no data category is known for a Basic: give --category"):
        category_of({"resourceType": "Basic"}, "r.json")
    with pytest.raises(CategoryError, match="neither laboratory nor imaging"):
        category_of({"resourceType": "DiagnosticReport"})
    with pytest.raises(CategoryError, match="an empty Bundle"):
        category_of({"resourceType": "Bundle", "entry": []})
    with pytest.raises(CategoryError, match="not a FHIR resource"):
        category_of(["no"])
