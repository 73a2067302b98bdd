"""Anchoring record files and verifying them: hashing, receipts, resumable jobs, verdicts."""

from __future__ import annotations

import json
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from medchain.access import reason_code
from medchain.chain.rpc import NodeUnavailable
from medchain.jsonfiles import write_json_atomic
from medchain.records.anchoring import (
    BATCH_JOURNAL,
    AnchorInterrupted,
    SaltStore,
    amend_record,
    anchor_records,
    receipt_path,
    verify_record,
)
from medchain.records.hashing import RecordError, RecordFile, canonical_bytes, record_hash
from medchain.records.merkle import MerkleTree
from medchain.records.receipts import Receipt, ReceiptError
from medchain_dev.demo.samples import encounter_bundle, write_entries
from tests.conftest import as_sdk

SALT = b"\x5a" * 32


# ---------------------------------------------------------------------------------------------
# Hashing (no chain)


def test_canonical_form_ignores_key_order_and_whitespace():
    a = json.loads('{"resourceType": "Observation", "status": "final", "valueQuantity": {"value": 6.90, "unit": "%"}}')
    b = json.loads('{"valueQuantity":{"unit":"%","value":6.9},"status":"final","resourceType":"Observation"}')
    assert canonical_bytes(a) == canonical_bytes(b)
    assert record_hash(a, SALT) == record_hash(b, SALT)


def test_one_changed_byte_in_record_or_salt_changes_the_hash():
    record = encounter_bundle()["entry"][1]["resource"]
    base = record_hash(record, SALT)
    changed = json.loads(json.dumps(record))
    changed["valueQuantity"]["value"] += 0.1
    assert record_hash(changed, SALT) != base
    assert record_hash(record, SALT[:-1] + b"\x5b") != base


@pytest.mark.parametrize(
    "content, message",
    [
        ("{not json", "not JSON (line 1"),
        ('{"status": "final"}', "not a FHIR resource"),
        ("[1, 2]", "not a FHIR resource"),
    ],
)
def test_bad_record_files_are_named(tmp_path, content, message):
    path = tmp_path / "bad.json"
    path.write_text(content)
    with pytest.raises(RecordError, match=re.escape(f"{path}: {message}")):
        RecordFile.read(path)


def test_receipt_errors_are_named(tmp_path):
    path = tmp_path / "r.json"
    good = Receipt(
        record_hash=SALT,
        chain_id=1,
        contract="0x" + "11" * 20,
        tx="0x01",
        block=1,
        provider="0x" + "22" * 20,
        anchored_at=1,
    ).to_json()
    path.write_text(json.dumps({**good, "recordHash": "0x12"}))
    with pytest.raises(ReceiptError, match="recordHash must be 32 bytes"):
        Receipt.load(path)
    path.write_text(json.dumps({**good, "provider": "hospital"}))
    with pytest.raises(ReceiptError, match="provider is not an address: 'hospital'"):
        Receipt.load(path)
    path.write_text(json.dumps({"format": "something-else"}))
    with pytest.raises(ReceiptError, match="not a medchain-anchor-receipt-v1 receipt"):
        Receipt.load(path)


# ---------------------------------------------------------------------------------------------
# Anchoring jobs (on chain)


@pytest.fixture
def records(tmp_path):
    return write_entries(encounter_bundle(), tmp_path / "records")


def _run(anchor, hospital, chain, paths, tmp_path, contract=None, **kw):
    """One anchoring run by ``hospital`` (``contract``: the SDK object to run it with, else a fresh one)."""
    return anchor_records(
        anchor_contract=contract or as_sdk(anchor, hospital),
        paths=paths,
        out_dir=tmp_path / "receipts",
        salt_store=SaltStore(tmp_path / "salts.json"),
        base=tmp_path / "records",
        **kw,
    )


def _verify(anchor, chain, path, salt, receipt_file):
    return verify_record(
        anchor_contract=as_sdk(anchor),
        chain_id=chain.chain_id,
        record=RecordFile.read(path),
        salt=salt,
        receipt=Receipt.load(receipt_file),
    )


def test_anchor_singly_then_rerun_skips(anchor, hospital, chain, records, tmp_path):
    result = _run(anchor, hospital, chain, [tmp_path / "records"], tmp_path, batch_threshold=10)
    assert result.anchored == records and len(result.transactions) == len(records)
    salts = SaltStore(tmp_path / "salts.json")
    for path in records:
        receipt_file = tmp_path / "receipts" / path.with_suffix(".receipt.json").name
        receipt = Receipt.load(receipt_file)
        assert not receipt.in_batch and receipt.salt is None, "the salt stays with the provider"
        assert _verify(anchor, chain, path, salts.get(RecordFile.read(path)), receipt_file).status == "anchored"

    nonce = hospital.nonce
    again = _run(anchor, hospital, chain, [tmp_path / "records"], tmp_path, batch_threshold=10)
    assert again.skipped == records and not again.anchored and hospital.nonce == nonce


def test_anchor_as_a_batch(anchor, hospital, chain, records, tmp_path):
    result = _run(anchor, hospital, chain, records, tmp_path, batch_threshold=2)
    assert len(result.transactions) == 1 and result.anchored == records
    salts = SaltStore(tmp_path / "salts.json")
    for path in records:
        receipt_file = tmp_path / "receipts" / path.with_suffix(".receipt.json").name
        receipt = Receipt.load(receipt_file)
        assert receipt.in_batch and receipt.batch_count == len(records)
        verdict = _verify(anchor, chain, path, salts.get(RecordFile.read(path)), receipt_file)
        assert verdict.status == "anchored" and verdict.provider == hospital.address
    assert not (tmp_path / "receipts" / ".pending-batch.json").exists()


def test_a_run_interrupted_after_sending_is_recovered(anchor, hospital, chain, records, tmp_path):
    salts = SaltStore(tmp_path / "salts.json")
    first = RecordFile.read(records[0])
    receipt = anchor.anchor(first.hash(salts.salt_for(first)), sender=hospital)  # sent, then "crashed"
    result = _run(anchor, hospital, chain, records[:1], tmp_path, batch_threshold=10)
    assert result.recovered == records[:1] and not result.anchored
    saved = Receipt.load(tmp_path / "receipts" / records[0].with_suffix(".receipt.json").name)
    assert saved.tx == str(receipt.txn_hash) and saved.block == receipt.block_number


def test_an_interrupted_batch_is_recovered(anchor, hospital, chain, records, tmp_path):
    salts = SaltStore(tmp_path / "salts.json")
    tree = MerkleTree.build([RecordFile.read(p).hash(salts.salt_for(RecordFile.read(p))) for p in records])
    anchor.anchorBatch(tree.root, len(records), sender=hospital)
    nonce = hospital.nonce
    result = _run(anchor, hospital, chain, records, tmp_path, batch_threshold=2)
    assert result.recovered == records and hospital.nonce == nonce


def _journal_batch(tmp_path, paths, salts, tx):
    """The batch journal an interrupted run leaves: root, members and (once signed) its transaction."""
    hashes = [RecordFile.read(p).hash(salts.salt_for(RecordFile.read(p))) for p in paths]
    tree = MerkleTree.build(hashes)
    out = tmp_path / "receipts"
    write_json_atomic(
        out / BATCH_JOURNAL,
        {
            "root": "0x" + tree.root.hex(),
            "tx": tx,
            "records": [
                {"path": str(p), "hash": "0x" + h.hex(), "receipt": str(receipt_path(out, p, tmp_path / "records"))}
                for p, h in zip(paths, hashes)
            ],
        },
    )
    return tree


def test_a_journaled_batch_on_chain_gets_its_receipts_even_if_records_were_added(
    anchor, hospital, chain, records, tmp_path
):
    """A run died after its batch of four was mined; a fifth record came since. The four get receipts from
    the batch on chain (not a second batch of five holding them again); only the fifth is anchored."""
    salts = SaltStore(tmp_path / "salts.json")
    tree = _journal_batch(tmp_path, records[:-1], salts, None)
    sent = anchor.anchorBatch(tree.root, len(records) - 1, sender=hospital)
    _journal_batch(tmp_path, records[:-1], salts, str(sent.txn_hash))
    nonce = hospital.nonce
    result = _run(anchor, hospital, chain, [tmp_path / "records"], tmp_path, batch_threshold=2)
    assert result.recovered == records[:-1] and result.anchored == records[-1:] and hospital.nonce == nonce + 1
    assert "is on chain: receipts written, nothing sent again" in result.notes[0]
    assert not (tmp_path / "receipts" / BATCH_JOURNAL).exists()
    for path in records[:-1]:
        receipt = Receipt.load(tmp_path / "receipts" / path.with_suffix(".receipt.json").name)
        assert receipt.root == tree.root and receipt.tx == str(sent.txn_hash)
        assert (
            _verify(
                anchor,
                chain,
                path,
                salts.get(RecordFile.read(path)),
                tmp_path / "receipts" / path.with_suffix(".receipt.json").name,
            ).status
            == "anchored"
        )


def test_a_journaled_batch_that_never_arrived_is_anchored_again(anchor, hospital, chain, records, tmp_path):
    _journal_batch(tmp_path, records, SaltStore(tmp_path / "salts.json"), "0x" + "ab" * 32)
    nonce = hospital.nonce
    result = _run(anchor, hospital, chain, records, tmp_path, batch_threshold=2)
    assert f"its transaction 0x{'ab' * 32} never reached the chain" in result.notes[0]
    assert result.anchored == records and hospital.nonce == nonce + 1


def _node_gone_at_send(contract, *, delivered: bool):
    """``contract`` whose node stops answering when the batch is sent: after taking the signed bytes
    (``delivered``) or before; what was sent is kept in the list returned."""
    transactor = contract.transactor
    sent = []

    def send_raw(signed):
        if delivered:
            transactor.rpc.call("eth_sendRawTransaction", ["0x" + signed.raw.hex()])
        sent.append(signed)
        raise NodeUnavailable(
            "eth_sendRawTransaction",
            "the node at x has not answered eth_sendRawTransaction for 30 s (connection refused)",
        )

    transactor.send_raw = send_raw
    return sent


def test_a_batch_whose_send_the_node_took_without_answering_is_found_by_its_hash(
    anchor, hospital, chain, records, tmp_path
):
    """The batch is signed and written down (with its hash) before it is sent; the node took it but its
    answer never came. The run stops saying so; the rerun finds the transaction by that hash and writes
    the receipts from it, sending nothing again."""
    contract = as_sdk(anchor, hospital)
    sent = _node_gone_at_send(contract, delivered=True)
    nonce = hospital.nonce
    with pytest.raises(
        AnchorInterrupted,
        match=r"stopped answering \(connection refused\) while the batch "
        r"transaction 0x[0-9a-f]{64} \(5 records",
    ):
        _run(anchor, hospital, chain, records, tmp_path, contract=contract, batch_threshold=2)
    (signed,) = sent
    journal = json.loads((tmp_path / "receipts" / BATCH_JOURNAL).read_text())
    assert journal["tx"] == signed.tx_hash and len(journal["records"]) == len(records)
    # anvil mines what it took a moment after answering: wait for the block before reading the nonce
    chain.provider.web3.eth.wait_for_transaction_receipt(signed.tx_hash, timeout=30)
    assert hospital.nonce == nonce + 1, "the node took the batch"

    result = _run(anchor, hospital, chain, records, tmp_path, batch_threshold=2)
    assert result.recovered == records and not result.anchored and hospital.nonce == nonce + 1
    assert "is on chain: receipts written, nothing sent again" in result.notes[0]
    assert not (tmp_path / "receipts" / BATCH_JOURNAL).exists()
    for path in records:
        receipt = Receipt.load(tmp_path / "receipts" / path.with_suffix(".receipt.json").name)
        assert receipt.tx == signed.tx_hash and receipt.in_batch


def test_a_batch_the_node_never_took_is_anchored_again_on_rerun(anchor, hospital, chain, records, tmp_path):
    contract = as_sdk(anchor, hospital)
    sent = _node_gone_at_send(contract, delivered=False)
    nonce = hospital.nonce
    with pytest.raises(AnchorInterrupted, match="It is written down in"):
        _run(anchor, hospital, chain, records, tmp_path, contract=contract, batch_threshold=2)
    assert json.loads((tmp_path / "receipts" / BATCH_JOURNAL).read_text())["tx"] == sent[0].tx_hash
    assert hospital.nonce == nonce

    result = _run(anchor, hospital, chain, records, tmp_path, batch_threshold=2)
    assert f"its transaction {sent[0].tx_hash} never reached the chain" in result.notes[0]
    assert result.anchored == records and hospital.nonce == nonce + 1
    assert not (tmp_path / "receipts" / BATCH_JOURNAL).exists()
    assert Receipt.load(tmp_path / "receipts" / records[0].with_suffix(".receipt.json").name).in_batch


def test_anchoring_needs_a_signer(anchor, records, tmp_path):
    with pytest.raises(RecordError, match="no signer to anchor with"):
        anchor_records(
            anchor_contract=as_sdk(anchor),
            paths=records,
            out_dir=tmp_path / "receipts",
            salt_store=SaltStore(tmp_path / "salts.json"),
        )


def test_amend_a_batch_member_writes_the_new_versions_receipt(anchor, hospital, chain, records, tmp_path):
    _run(anchor, hospital, chain, records, tmp_path, batch_threshold=2)
    salts = SaltStore(tmp_path / "salts.json")
    old = Receipt.load(tmp_path / "receipts" / records[1].with_suffix(".receipt.json").name)
    corrected = tmp_path / "corrected.json"
    corrected.write_text(records[1].read_text().replace('"final"', '"amended"'))
    new = amend_record(
        anchor_contract=as_sdk(anchor, hospital),
        old_receipt=old,
        new_record=corrected,
        salt_store=salts,
        out=tmp_path / "corrected.receipt.json",
    )
    assert Receipt.load(tmp_path / "corrected.receipt.json").record_hash == new.record_hash
    assert new.provider == hospital.address and new.chain_id == chain.chain_id and not new.in_batch
    assert (
        _verify(
            anchor, chain, corrected, salts.get(RecordFile.read(corrected)), tmp_path / "corrected.receipt.json"
        ).status
        == "anchored"
    )
    assert (
        _verify(
            anchor,
            chain,
            records[1],
            salts.get(RecordFile.read(records[1])),
            tmp_path / "receipts" / records[1].with_suffix(".receipt.json").name,
        ).latest
        == new.record_hash
    )


def test_receipts_of_anchors_the_chain_lost_are_anchored_again(anchor, hospital, chain, records, tmp_path):
    snapshot = chain.snapshot()
    _run(anchor, hospital, chain, records, tmp_path, batch_threshold=2)
    chain.restore(snapshot)  # the node lost the block: the receipts point to nothing
    result = _run(anchor, hospital, chain, records, tmp_path, batch_threshold=2)
    assert result.lost == records and result.anchored == records and not result.skipped
    assert "point to anchors this chain no longer holds" in result.notes[0]
    again = _run(anchor, hospital, chain, records, tmp_path, batch_threshold=2)
    assert again.skipped == records and not again.anchored


def test_a_receipt_of_another_deployment_in_the_out_folder_is_refused(anchor, hospital, chain, records, tmp_path):
    _run(anchor, hospital, chain, records[:1], tmp_path)
    receipt_file = tmp_path / "receipts" / records[0].with_suffix(".receipt.json").name
    receipt = Receipt.load(receipt_file)
    receipt.chain_id = 1
    receipt.save(receipt_file)
    refused = r"this receipt is for chain 1 contract .*, not this deployment .* use another --out folder"
    with pytest.raises(RecordError, match=refused):
        _run(anchor, hospital, chain, records[:1], tmp_path)


def test_include_salt_puts_it_in_the_receipt(anchor, hospital, chain, records, tmp_path):
    _run(anchor, hospital, chain, records[:1], tmp_path, include_salt=True)
    receipt = Receipt.load(tmp_path / "receipts" / records[0].with_suffix(".receipt.json").name)
    assert receipt.salt == SaltStore(tmp_path / "salts.json").get(RecordFile.read(records[0]))


# ---------------------------------------------------------------------------------------------
# Verdicts


@pytest.fixture
def anchored_batch(anchor, hospital, chain, records, tmp_path):
    _run(anchor, hospital, chain, records, tmp_path, batch_threshold=2)
    salts = SaltStore(tmp_path / "salts.json")
    return {
        p: (salts.get(RecordFile.read(p)), tmp_path / "receipts" / p.with_suffix(".receipt.json").name) for p in records
    }


def test_one_changed_byte_in_the_record_is_a_mismatch(anchor, chain, records, anchored_batch):
    path = records[1]
    salt, receipt_file = anchored_batch[path]
    text = path.read_text()
    path.write_text(text.replace('"final"', '"amended"'))
    verdict = _verify(anchor, chain, path, salt, receipt_file)
    assert verdict.status == "mismatch" and "DOES NOT MATCH" in verdict.message


def test_one_changed_byte_in_the_salt_is_a_mismatch(anchor, chain, records, anchored_batch):
    salt, receipt_file = anchored_batch[records[2]]
    verdict = _verify(anchor, chain, records[2], bytes([salt[0] ^ 1]) + salt[1:], receipt_file)
    assert verdict.status == "mismatch"


def test_a_proof_for_another_root_fails(anchor, chain, records, anchored_batch, tmp_path):
    salt, receipt_file = anchored_batch[records[0]]
    receipt = Receipt.load(receipt_file)
    receipt.root = MerkleTree.build([b"\x01" * 32, b"\x02" * 32]).root
    receipt.save(tmp_path / "forged.json")
    verdict = _verify(anchor, chain, records[0], salt, tmp_path / "forged.json")
    assert verdict.status == "not-anchored"


def test_superseded_and_retracted_verdicts(anchor, hospital, chain, records, anchored_batch):
    salt, receipt_file = anchored_batch[records[1]]
    receipt = Receipt.load(receipt_file)
    anchor.amendInBatch(receipt.root, receipt.record_hash, receipt.proof, b"\x77" * 32, sender=hospital)
    verdict = _verify(anchor, chain, records[1], salt, receipt_file)
    assert verdict.status == "superseded" and verdict.latest == b"\x77" * 32

    salt, receipt_file = anchored_batch[records[2]]
    receipt = Receipt.load(receipt_file)
    anchor.retractInBatch(
        receipt.root, receipt.record_hash, receipt.proof, reason_code("WRONG_PATIENT"), sender=hospital
    )
    assert _verify(anchor, chain, records[2], salt, receipt_file).status == "retracted"


def test_a_receipt_of_another_deployment(anchor, chain, records, anchored_batch, tmp_path):
    salt, receipt_file = anchored_batch[records[0]]
    receipt = Receipt.load(receipt_file)
    receipt.chain_id = 1
    receipt.save(tmp_path / "other.json")
    assert _verify(anchor, chain, records[0], salt, tmp_path / "other.json").status == "wrong-chain"


# ---------------------------------------------------------------------------------------------
# Property: every member's proof verifies on chain, no non-member's does


@pytest.mark.property
@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    values=st.lists(st.binary(min_size=32, max_size=32), min_size=1, max_size=40, unique=True),
    outsider=st.binary(min_size=32, max_size=32),
)
def test_members_verify_and_non_members_do_not(anchor, hospital, chain, values, outsider):
    tree = MerkleTree.build(values)
    snapshot = chain.snapshot()
    try:
        anchor.anchorBatch(tree.root, len(values), sender=hospital)
        for value in values:
            assert anchor.verifyInBatch(hospital, tree.root, value, tree.proof(value)) != 0
        if outsider not in values:
            for value in values[:5]:
                assert anchor.verifyInBatch(hospital, tree.root, outsider, tree.proof(value)) == 0
    finally:
        chain.restore(snapshot)
