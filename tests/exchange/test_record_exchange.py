"""RecordExchange through ape: keys and their events, disclosures and their events, the gas target of a
batch, and the accounting of disclosures read back from the events and exported as FHIR AuditEvents.
(forge/unit/RecordExchange.t.sol covers every refusal by selector and arguments.)"""

from __future__ import annotations

import ape
import pytest
from fhir.resources.auditevent import AuditEvent

from medchain.consent import Category
from medchain.exchange import audit_bundle, audit_event, new_private_key, public_key_of, read_disclosures

from .conftest import TREAT, grant

LAB = int(Category.LABORATORY)


def test_keys_are_registered_rotated_and_checked(world, accounts, chain):
    newcomer = accounts[7]  # anyone may register a key, members and patients alike
    assert world.exchange.encryptionKeyOf(newcomer) == b""
    assert world.exchange.encryptionKeyDetails(newcomer) == (b"", 0, 0)
    keys = [public_key_of(new_private_key()) for _ in range(2)]
    receipt = world.exchange.setEncryptionKey(keys[0], sender=newcomer)
    assert [(e.account, bytes(e.publicKey), e.version) for e in receipt.events] == [(newcomer.address, keys[0], 1)]
    receipt = world.exchange.setEncryptionKey(keys[1], sender=newcomer)
    assert [e.version for e in receipt.events.filter(world.exchange.EncryptionKeySet)] == [2]
    key, version, set_at = world.exchange.encryptionKeyDetails(newcomer)
    assert (bytes(key), version, set_at) == (keys[1], 2, chain.blocks.head.timestamp)
    with ape.reverts(world.exchange.RecordExchangeSameKey, account=newcomer.address):
        world.exchange.setEncryptionKey(keys[1], sender=newcomer)
    uncompressed = bytes([4]) + keys[0][1:]
    with ape.reverts(world.exchange.RecordExchangeInvalidKey, publicKey=uncompressed):
        world.exchange.setEncryptionKey(uncompressed, sender=newcomer)


def test_a_disclosure_logs_one_line_of_the_accounting(world, chain):
    grant(world, chain, world.referral)
    record = b"\x11" * 32
    world.anchor.anchor(record, sender=world.hospital)
    receipt = world.exchange.logDisclosure(world.patient, world.referral, record, TREAT, LAB, sender=world.hospital)
    (event,) = receipt.events.filter(world.exchange.RecordDisclosed)
    assert (
        event.patient,
        event.recipient,
        bytes(event.recordHash),
        event.purpose,
        event.category,
        event.discloser,
    ) == (world.patient.address, world.referral.address, record, TREAT, LAB, world.hospital.address)
    with ape.reverts(world.exchange.RecordExchangeEmptyBatch):
        world.exchange.logDisclosures(world.patient, world.referral, TREAT, [], sender=world.hospital)
    with ape.reverts(world.exchange.RecordExchangeInvalidPurpose, purpose=3):
        world.exchange.logDisclosure(world.patient, world.referral, record, 3, LAB, sender=world.hospital)


def test_a_batch_of_20_costs_at_most_40000_gas_per_disclosure(world, chain):
    grant(world, chain, world.referral)
    records = [bytes([n + 1]) * 32 for n in range(20)]
    for record in records:
        world.anchor.anchor(record, sender=world.hospital)
    receipt = world.exchange.logDisclosures(
        world.patient, world.referral, TREAT, [(r, LAB, b"\0" * 32, []) for r in records], sender=world.hospital
    )
    assert len(receipt.events.filter(world.exchange.RecordDisclosed)) == 20
    assert receipt.gas_used / 20 <= 40_000, f"{receipt.gas_used / 20:,.0f} gas per disclosure"


def test_the_accounting_reads_back_as_fhir_audit_events(world, chain):
    first = chain.blocks.head.number + 1
    grant(world, chain, world.referral)
    grant(world, chain, world.hospital)
    records = [b"\x21" * 32, b"\x22" * 32]
    for record in records:
        world.anchor.anchor(record, sender=world.hospital)
    world.anchor.anchor(b"\x23" * 32, sender=world.referral)
    world.exchange.logDisclosures(
        world.patient,
        world.referral,
        TREAT,
        [(records[0], LAB, b"\0" * 32, []), (records[1], LAB | 1, b"\0" * 32, [])],
        sender=world.hospital,
    )
    tx = world.exchange.logDisclosure(world.patient, world.hospital, b"\x23" * 32, TREAT, LAB, sender=world.referral)
    node = chain.provider.http_uri
    every = read_disclosures(node, world.exchange.address, patient=world.patient.address, from_block=first, page=2)
    assert [(d.record_hash, d.recipient, d.discloser, d.category) for d in every] == [
        (records[0], world.referral.address, world.hospital.address, LAB),
        (records[1], world.referral.address, world.hospital.address, LAB | 1),
        (b"\x23" * 32, world.hospital.address, world.referral.address, LAB),
    ]
    assert every[-1].tx == str(tx.txn_hash) and every[-1].timestamp == chain.blocks.head.timestamp
    assert (
        read_disclosures(node, world.exchange.address, recipient=world.hospital.address, from_block=first) == every[2:]
    )
    assert (
        read_disclosures(
            node, world.exchange.address, patient=world.patient.address, record_hash=records[1], from_block=first
        )
        == every[1:2]
    )
    assert read_disclosures(node, world.exchange.address, patient=world.stranger.address, from_block=first) == []

    event = audit_event(every[1], chain_id=chain.chain_id, exchange=world.exchange.address)
    AuditEvent.model_validate(event)
    account = f"eip155:{chain.chain_id}:"
    assert event["patient"]["identifier"]["value"] == account + world.patient.address
    assert [a["who"]["identifier"]["value"] for a in event["agent"]] == [
        account + world.hospital.address,
        account + world.referral.address,
    ]
    assert event["authorization"][0]["coding"][0]["code"] == "TREAT"
    assert event["code"]["coding"][0]["code"] == "disclose"
    record_entity = event["entity"][0]
    assert record_entity["what"]["identifier"]["value"] == "0x" + records[1].hex()
    assert [c["code"] for c in record_entity["detail"][0]["valueCodeableConcept"]["coding"]] == [
        "DEMOGRAPHICS",
        "LABORATORY",
    ]
    bundle = audit_bundle(every, chain_id=chain.chain_id, exchange=world.exchange.address)
    assert [e["resource"]["resourceType"] for e in bundle["entry"]] == ["AuditEvent"] * 3
    assert len({e["resource"]["id"] for e in bundle["entry"]}) == 3, "one id per logged disclosure"
    for broken in ({k: v for k, v in event.items() if k != "agent"}, {**event, "recorded": "yesterday"}):
        with pytest.raises(ValueError):
            AuditEvent.model_validate(broken)
