"""RecordAnchor: anchoring, batches, versions, retractions — happy paths, refusals, events."""

from __future__ import annotations

import json
import subprocess

import ape
import pytest

from medchain.access import Role, reason_code
from medchain.records.merkle import MerkleTree
from medchain_dev.toolchain import PROJECT_ROOT
from tests.records.conftest import h

ZERO = b"\0" * 32
ZERO_ADDRESS = "0x" + "00" * 20
REASON = reason_code("WRONG_PATIENT")


def _only(receipt, event):
    logs = receipt.events.filter(event)
    assert len(logs) == 1
    return logs[0]


def _time(chain, receipt) -> int:
    return chain.provider.get_block(receipt.block_number).timestamp


# ---------------------------------------------------------------------------------------------
# anchor


def test_anchor(chain, anchor, hospital):
    receipt = anchor.anchor(h(1), sender=hospital)
    when = _time(chain, receipt)
    assert anchor.verify(hospital, h(1)) == (when, ZERO, False)
    assert anchor.anchorOf(hospital, h(1), ZERO, []) == (when, False)
    log = _only(receipt, anchor.RecordAnchored)
    assert (log.recordHash, log["provider"], log.anchoredAt) == (h(1), hospital, when)


def test_a_duplicate_is_refused_naming_who_and_when(anchor, hospital, clinic):
    receipt = anchor.anchor(h(2), sender=hospital)
    when = _only(receipt, anchor.RecordAnchored).anchoredAt
    with ape.reverts(anchor.RecordAnchorAlreadyAnchored, recordHash=h(2), provider=hospital, anchoredAt=when):
        anchor.anchor(h(2), sender=hospital)


def test_another_provider_anchoring_the_same_hash_gets_its_own_entry_and_changes_nothing(
    chain, anchor, hospital, clinic
):
    when = _time(chain, anchor.anchor(h(5), sender=hospital))
    receipt = anchor.anchor(h(5), sender=clinic)  # copied from a public log: the clinic's own entry
    anchor.retract(h(5), REASON, sender=clinic)
    assert anchor.verify(hospital, h(5)) == (when, ZERO, False), "the hospital's record is untouched"
    assert anchor.verify(clinic, h(5)) == (_time(chain, receipt), ZERO, True)
    anchor.amend(h(5), h(6), sender=hospital)
    assert anchor.latestVersion(hospital, h(5)) == h(6) and anchor.latestVersion(clinic, h(5)) == h(5)


def test_anchor_refuses_the_zero_hash(anchor, hospital):
    with ape.reverts(anchor.RecordAnchorZeroHash):
        anchor.anchor(ZERO, sender=hospital)


@pytest.mark.parametrize("who", ["outsider", "insurer"])
def test_only_providers_anchor(anchor, members, outsider, who):
    caller = outsider if who == "outsider" else members[Role.INSURER]
    with ape.reverts(anchor.ConsortiumInactiveMember, account=caller, role=Role.PROVIDER.id):
        anchor.anchor(h(3), sender=caller)
    with ape.reverts(anchor.ConsortiumInactiveMember, account=caller, role=Role.PROVIDER.id):
        anchor.anchorBatch(h(3), 5, sender=caller)


def test_a_suspended_provider_cannot_anchor(anchor, registry, governance, hospital):
    registry.suspendMember(hospital, reason_code("AUDIT"), sender=governance)
    with ape.reverts(anchor.ConsortiumInactiveMember, account=hospital, role=Role.PROVIDER.id):
        anchor.anchor(h(4), sender=hospital)
    with ape.reverts(anchor.ConsortiumInactiveMember, account=hospital, role=Role.PROVIDER.id):
        anchor.anchorBatch(h(4), 2, sender=hospital)


def test_unknown_hash_verifies_as_not_anchored(anchor):
    assert anchor.verify(ZERO_ADDRESS, h(99)) == (0, ZERO, False)


# ---------------------------------------------------------------------------------------------
# anchorBatch and verifyInBatch


def test_anchor_batch_and_verify_every_member(chain, anchor, hospital):
    values = [h(i) for i in range(10, 27)]
    tree = MerkleTree.build(values)
    receipt = anchor.anchorBatch(tree.root, len(values), sender=hospital)
    when = _time(chain, receipt)

    assert anchor.batchOf(hospital, tree.root) == (when, len(values))
    log = _only(receipt, anchor.BatchAnchored)
    assert (log.root, log["provider"], log.count, log.anchoredAt) == (tree.root, hospital, len(values), when)
    for value in values:
        assert anchor.verifyInBatch(hospital, tree.root, value, tree.proof(value)) == when
        assert anchor.anchorOf(hospital, value, tree.root, tree.proof(value)) == (when, False)


def test_a_non_member_or_a_proof_for_another_root_does_not_verify(anchor, hospital):
    first = MerkleTree.build([h(i) for i in range(30, 38)])
    second = MerkleTree.build([h(i) for i in range(40, 48)])
    anchor.anchorBatch(first.root, 8, sender=hospital)
    anchor.anchorBatch(second.root, 8, sender=hospital)

    assert anchor.verifyInBatch(hospital, first.root, h(99), first.proof(h(30))) == 0
    assert anchor.verifyInBatch(hospital, first.root, h(40), second.proof(h(40))) == 0
    assert anchor.verifyInBatch(hospital, second.root, h(30), first.proof(h(30))) == 0
    tampered = [bytes([p[0] ^ 1]) + p[1:] for p in first.proof(h(31))]
    assert anchor.verifyInBatch(hospital, first.root, h(31), tampered) == 0


def test_an_unanchored_root_does_not_verify(anchor, hospital):
    tree = MerkleTree.build([h(50), h(51)])
    assert anchor.verifyInBatch(ZERO_ADDRESS, tree.root, h(50), tree.proof(h(50))) == 0
    assert anchor.batchOf(ZERO_ADDRESS, tree.root) == (0, 0)


def test_anchor_batch_refusals(anchor, hospital, clinic):
    with ape.reverts(anchor.RecordAnchorZeroHash):
        anchor.anchorBatch(ZERO, 3, sender=hospital)
    with ape.reverts(anchor.RecordAnchorEmptyBatch):
        anchor.anchorBatch(h(60), 0, sender=hospital)
    receipt = anchor.anchorBatch(h(60), 3, sender=hospital)
    when = _only(receipt, anchor.BatchAnchored).anchoredAt
    with ape.reverts(anchor.RecordAnchorBatchExists, root=h(60), provider=hospital, anchoredAt=when):
        anchor.anchorBatch(h(60), 3, sender=hospital)
    anchor.anchorBatch(h(60), 3, sender=clinic)  # the same root is another provider's own batch
    assert anchor.batchOf(hospital, h(60))[0] == when


def test_javascript_proofs_verify_on_chain(anchor, hospital):
    """Trees and proofs made by @openzeppelin/merkle-tree (node) verify on chain, and match ours."""
    values = ["0x" + h(i).hex() for i in range(70, 83)]
    script = (
        "const {StandardMerkleTree} = require('@openzeppelin/merkle-tree');"
        "const values = JSON.parse(process.argv[1]);"
        "const t = StandardMerkleTree.of(values.map(v => [v]), ['bytes32']);"
        "console.log(JSON.stringify({root: t.root, proofs: values.map((_, i) => t.getProof(i))}));"
    )
    out = subprocess.run(
        ["node", "-e", script, json.dumps(values)], capture_output=True, text=True, check=True, cwd=PROJECT_ROOT
    ).stdout
    js = json.loads(out)
    root = bytes.fromhex(js["root"][2:])
    assert root == MerkleTree.build([bytes.fromhex(v[2:]) for v in values]).root
    anchor.anchorBatch(root, len(values), sender=hospital)
    for value, proof in zip(values, js["proofs"]):
        assert anchor.verifyInBatch(hospital, root, value, proof) != 0


# ---------------------------------------------------------------------------------------------
# amend


def test_amend_chain_resolves_to_the_latest(anchor, hospital):
    anchor.anchor(h(100), sender=hospital)
    receipt = anchor.amend(h(100), h(101), sender=hospital)
    log = _only(receipt, anchor.RecordAmended)
    assert (log.oldHash, log.newHash, log["provider"]) == (h(100), h(101), hospital)
    assert _only(receipt, anchor.RecordAnchored).recordHash == h(101)
    anchor.amend(h(101), h(102), sender=hospital)

    assert anchor.verify(hospital, h(100))[1] == h(101)
    assert anchor.verify(hospital, h(101))[1] == h(102)
    assert anchor.verify(hospital, h(102))[1] == ZERO
    assert anchor.verify(hospital, h(102))[0] != 0
    assert anchor.latestVersion(hospital, h(100)) == h(102)
    assert anchor.latestVersion(hospital, h(102)) == h(102)


def test_amend_refusals(anchor, hospital, clinic):
    with ape.reverts(anchor.RecordAnchorNotAnchored, provider=hospital, recordHash=h(110)):
        anchor.amend(h(110), h(111), sender=hospital)
    anchor.anchor(h(110), sender=hospital)
    with ape.reverts(anchor.RecordAnchorNotAnchored, provider=clinic, recordHash=h(110)):
        anchor.amend(h(110), h(111), sender=clinic)
    with ape.reverts(anchor.RecordAnchorZeroHash):
        anchor.amend(h(110), ZERO, sender=hospital)
    anchor.anchor(h(112), sender=hospital)
    with ape.reverts(anchor.RecordAnchorAlreadyAnchored):
        anchor.amend(h(110), h(112), sender=hospital)
    anchor.amend(h(110), h(111), sender=hospital)
    with ape.reverts(anchor.RecordAnchorAlreadySuperseded, recordHash=h(110), supersededBy=h(111)):
        anchor.amend(h(110), h(113), sender=hospital)
    anchor.retract(h(112), REASON, sender=hospital)
    with ape.reverts(anchor.RecordAnchorRetracted, recordHash=h(112)):
        anchor.amend(h(112), h(114), sender=hospital)


def test_amend_in_batch(chain, anchor, hospital):
    values = [h(i) for i in range(120, 125)]
    tree = MerkleTree.build(values)
    receipt = anchor.anchorBatch(tree.root, len(values), sender=hospital)
    when = _time(chain, receipt)
    receipt = anchor.amendInBatch(tree.root, h(122), tree.proof(h(122)), h(129), sender=hospital)

    assert _only(receipt, anchor.RecordAmended).newHash == h(129)
    assert anchor.verify(hospital, h(122)) == (when, h(129), False), "the old record now tells its story"
    assert anchor.latestVersion(hospital, h(122)) == h(129)
    assert anchor.verifyInBatch(hospital, tree.root, h(122), tree.proof(h(122))) == when, "nothing is erased"


def test_amend_in_batch_refusals(anchor, hospital, clinic):
    tree = MerkleTree.build([h(i) for i in range(130, 134)])
    with ape.reverts(anchor.RecordAnchorUnknownBatch, provider=hospital, root=tree.root):
        anchor.amendInBatch(tree.root, h(130), tree.proof(h(130)), h(139), sender=hospital)
    anchor.anchorBatch(tree.root, 4, sender=hospital)
    with ape.reverts(anchor.RecordAnchorUnknownBatch, provider=clinic, root=tree.root):
        anchor.amendInBatch(tree.root, h(130), tree.proof(h(130)), h(139), sender=clinic)
    with ape.reverts(anchor.RecordAnchorNotInBatch, root=tree.root, recordHash=h(135)):
        anchor.amendInBatch(tree.root, h(135), tree.proof(h(130)), h(139), sender=hospital)


# ---------------------------------------------------------------------------------------------
# retract


def test_retract(anchor, hospital):
    anchor.anchor(h(140), sender=hospital)
    receipt = anchor.retract(h(140), REASON, sender=hospital)
    log = _only(receipt, anchor.RecordRetracted)
    assert (log.recordHash, log["provider"], log.reasonCode) == (h(140), hospital, REASON)
    anchored_at, _, retracted = anchor.verify(hospital, h(140))
    assert anchored_at != 0 and retracted, "retracted, not erased"


def test_retract_refusals(anchor, hospital, clinic):
    with ape.reverts(anchor.RecordAnchorNotAnchored, provider=hospital, recordHash=h(150)):
        anchor.retract(h(150), REASON, sender=hospital)
    anchor.anchor(h(150), sender=hospital)
    with ape.reverts(anchor.RecordAnchorNotAnchored, provider=clinic, recordHash=h(150)):
        anchor.retract(h(150), REASON, sender=clinic)
    with ape.reverts(anchor.RecordAnchorMissingReason):
        anchor.retract(h(150), ZERO, sender=hospital)
    anchor.retract(h(150), REASON, sender=hospital)
    with ape.reverts(anchor.RecordAnchorRetracted, recordHash=h(150)):
        anchor.retract(h(150), REASON, sender=hospital)


def test_retract_in_batch(anchor, hospital):
    tree = MerkleTree.build([h(i) for i in range(160, 166)])
    anchor.anchorBatch(tree.root, 6, sender=hospital)
    receipt = anchor.retractInBatch(tree.root, h(163), tree.proof(h(163)), REASON, sender=hospital)
    assert _only(receipt, anchor.RecordRetracted).recordHash == h(163)
    assert anchor.verify(hospital, h(163))[2] is True
    assert anchor.anchorOf(hospital, h(163), tree.root, tree.proof(h(163)))[1] is True


def test_another_provider_anchoring_a_batch_root_or_leaf_cannot_retract_the_owners_records(anchor, hospital, clinic):
    tree = MerkleTree.build([h(i) for i in range(170, 174)])
    anchor.anchorBatch(tree.root, 4, sender=hospital)
    anchor.anchorBatch(tree.root, 4, sender=clinic)  # the owner's root, as the clinic's own batch
    anchor.retractInBatch(tree.root, h(171), tree.proof(h(171)), REASON, sender=clinic)
    anchor.anchor(h(172), sender=clinic)
    anchor.retract(h(172), REASON, sender=clinic)
    for i in range(170, 174):
        assert anchor.anchorOf(hospital, h(i), tree.root, tree.proof(h(i)))[1] is False, "the owner's untouched"
    anchor.retractInBatch(tree.root, h(172), tree.proof(h(172)), REASON, sender=hospital)  # still the owner's to do
    assert anchor.anchorOf(hospital, h(172), tree.root, tree.proof(h(172)))[1] is True
