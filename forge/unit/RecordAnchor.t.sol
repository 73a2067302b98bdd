// SPDX-License-Identifier: MIT
pragma solidity 0.8.34;

import {Fixture} from "../base/Fixture.sol";
import {ConsortiumGated} from "../../contracts/access/ConsortiumGated.sol";
import {MemberRoles} from "../../contracts/access/MemberRoles.sol";
import {IRecordAnchor} from "../../contracts/interfaces/IRecordAnchor.sol";
import {IClaimSettlement} from "../../contracts/interfaces/IClaimSettlement.sol";

/// @notice RecordAnchor: every path, every refusal by selector and arguments, every event; and the
/// provider-scoped ownership of entries (another provider's anchors never reach the owner's).
contract RecordAnchorTest is Fixture {
    bytes32 internal constant REASON = "WRONG_PATIENT";
    bytes32 internal a = keccak256("record a");
    bytes32 internal b = keccak256("record b");
    bytes32 internal root;
    bytes32[] internal proofA;
    bytes32[] internal proofB;
    bytes32[] internal none;

    function setUp() public {
        deploySuite();
        (root, proofA, proofB) = twoLeafBatch(a, b);
    }

    function batch() internal {
        vm.prank(hospital);
        anchors.anchorBatch(root, 2);
    }

    function entry(address provider, bytes32 h)
        internal
        view
        returns (uint64 anchoredAt, bytes32 supersededBy, bool retracted)
    {
        return anchors.verify(provider, h);
    }

    // ------------------------------------------------------------------------------------------
    // anchor

    function test_anchor_attributesAndEmits() public {
        vm.expectEmit(true, true, true, true, address(anchors));
        emit IRecordAnchor.RecordAnchored(a, hospital, uint64(block.timestamp));
        vm.prank(hospital);
        anchors.anchor(a);
        (uint64 at, bytes32 next, bool retracted) = entry(hospital, a);
        assertEq(at, block.timestamp, "time");
        assertEq(next, bytes32(0), "not superseded");
        assertFalse(retracted, "not retracted");
        assertEq(anchors.latestVersion(hospital, a), a, "its own latest version");
        (uint64 ofAt, bool r) = anchors.anchorOf(hospital, a, bytes32(0), none);
        assertEq(ofAt, block.timestamp, "anchorOf alone");
        assertFalse(r, "anchorOf not retracted");
        (at,,) = entry(clinic, a);
        assertEq(at, 0, "nothing under another provider");
    }

    function test_anchor_refusals() public {
        vm.expectRevert(
            abi.encodeWithSelector(ConsortiumGated.ConsortiumInactiveMember.selector, insurer, MemberRoles.PROVIDER)
        );
        vm.prank(insurer);
        anchors.anchor(a);
        vm.startPrank(hospital);
        vm.expectRevert(IRecordAnchor.RecordAnchorZeroHash.selector);
        anchors.anchor(bytes32(0));
        anchors.anchor(a);
        vm.stopPrank();
        vm.warp(block.timestamp + 1);
        vm.expectRevert(
            abi.encodeWithSelector(
                IRecordAnchor.RecordAnchorAlreadyAnchored.selector, a, hospital, uint64(block.timestamp - 1)
            )
        );
        vm.prank(hospital);
        anchors.anchor(a);
    }

    function test_anchor_refusesSuspendedProvider() public {
        vm.prank(gov);
        registry.suspendMember(hospital, "LICENCE_EXPIRED");
        vm.expectRevert(
            abi.encodeWithSelector(ConsortiumGated.ConsortiumInactiveMember.selector, hospital, MemberRoles.PROVIDER)
        );
        vm.prank(hospital);
        anchors.anchor(a);
    }

    // ------------------------------------------------------------------------------------------
    // anchorBatch / verifyInBatch / anchorOf in a batch

    function test_anchorBatch_provesEveryRecord() public {
        vm.expectEmit(true, true, true, true, address(anchors));
        emit IRecordAnchor.BatchAnchored(root, hospital, 2, uint64(block.timestamp));
        batch();
        (uint64 at, uint32 count) = anchors.batchOf(hospital, root);
        assertEq(at, block.timestamp, "batch time");
        assertEq(count, 2, "count");
        assertEq(anchors.verifyInBatch(hospital, root, a, proofA), block.timestamp, "a proven");
        assertEq(anchors.verifyInBatch(hospital, root, b, proofB), block.timestamp, "b proven");
        assertEq(anchors.verifyInBatch(hospital, root, a, proofB), 0, "wrong proof");
        assertEq(anchors.verifyInBatch(hospital, keccak256("other root"), a, proofA), 0, "unknown batch");
        assertEq(anchors.verifyInBatch(clinic, root, a, proofA), 0, "another provider's batch");
        (uint64 ofAt, bool r) = anchors.anchorOf(hospital, a, root, proofA);
        assertEq(ofAt, block.timestamp, "anchorOf in the batch");
        assertFalse(r, "not retracted");
        (ofAt,) = anchors.anchorOf(hospital, a, root, proofB);
        assertEq(ofAt, 0, "anchorOf, wrong proof");
        (ofAt,) = anchors.anchorOf(hospital, a, bytes32(0), proofA);
        assertEq(ofAt, 0, "a batch record has no entry of its own until used");
        (uint64 single,,) = entry(hospital, a);
        assertEq(single, 0, "verify: no entry of its own");
    }

    function test_anchorBatch_refusals() public {
        vm.startPrank(hospital);
        vm.expectRevert(IRecordAnchor.RecordAnchorZeroHash.selector);
        anchors.anchorBatch(bytes32(0), 2);
        vm.expectRevert(IRecordAnchor.RecordAnchorEmptyBatch.selector);
        anchors.anchorBatch(root, 0);
        anchors.anchorBatch(root, 2);
        vm.expectRevert(
            abi.encodeWithSelector(
                IRecordAnchor.RecordAnchorBatchExists.selector, root, hospital, uint64(block.timestamp)
            )
        );
        anchors.anchorBatch(root, 5);
        vm.stopPrank();
        vm.expectRevert(
            abi.encodeWithSelector(ConsortiumGated.ConsortiumInactiveMember.selector, stranger, MemberRoles.PROVIDER)
        );
        vm.prank(stranger);
        anchors.anchorBatch(keccak256("r"), 1);
    }

    function test_anchorBatch_countIsTheProvidersStatementOnly() public {
        vm.prank(hospital);
        anchors.anchorBatch(root, 4_000_000_000);
        (, uint32 count) = anchors.batchOf(hospital, root);
        assertEq(count, 4_000_000_000, "stored as stated");
        assertEq(anchors.verifyInBatch(hospital, root, a, proofA), block.timestamp, "proofs do not depend on it");
    }

    // ------------------------------------------------------------------------------------------
    // amend

    function test_amend_linksVersions() public {
        bytes32 c = keccak256("record c");
        vm.startPrank(hospital);
        anchors.anchor(a);
        vm.expectEmit(true, true, true, true, address(anchors));
        emit IRecordAnchor.RecordAnchored(b, hospital, uint64(block.timestamp));
        vm.expectEmit(true, true, true, true, address(anchors));
        emit IRecordAnchor.RecordAmended(a, b, hospital);
        anchors.amend(a, b);
        anchors.amend(b, c);
        vm.stopPrank();
        (, bytes32 next,) = entry(hospital, a);
        assertEq(next, b, "a superseded by b");
        assertEq(anchors.latestVersion(hospital, a), c, "chain resolves to c");
        assertEq(anchors.latestVersion(hospital, b), c, "from b too");
        assertEq(anchors.latestVersion(clinic, a), a, "another provider's chain is its own");
    }

    function test_amend_refusals() public {
        vm.prank(hospital);
        anchors.anchor(a);
        vm.expectRevert(abi.encodeWithSelector(IRecordAnchor.RecordAnchorNotAnchored.selector, hospital, b));
        vm.prank(hospital);
        anchors.amend(b, a);
        vm.expectRevert(abi.encodeWithSelector(IRecordAnchor.RecordAnchorNotAnchored.selector, clinic, a));
        vm.prank(clinic);
        anchors.amend(a, b);

        vm.startPrank(hospital);
        vm.expectRevert(IRecordAnchor.RecordAnchorZeroHash.selector);
        anchors.amend(a, bytes32(0));
        vm.expectRevert(
            abi.encodeWithSelector(
                IRecordAnchor.RecordAnchorAlreadyAnchored.selector, a, hospital, uint64(block.timestamp)
            )
        );
        anchors.amend(a, a);
        anchors.amend(a, b);
        vm.expectRevert(abi.encodeWithSelector(IRecordAnchor.RecordAnchorAlreadySuperseded.selector, a, b));
        anchors.amend(a, keccak256("c"));
        anchors.retract(b, REASON);
        vm.expectRevert(abi.encodeWithSelector(IRecordAnchor.RecordAnchorRetracted.selector, b));
        anchors.amend(b, keccak256("c"));
        vm.stopPrank();
        vm.expectRevert(
            abi.encodeWithSelector(ConsortiumGated.ConsortiumInactiveMember.selector, stranger, MemberRoles.PROVIDER)
        );
        vm.prank(stranger);
        anchors.amend(a, b);
    }

    function test_amendInBatch_writesTheRecordsOwnEntryThenAmends() public {
        batch();
        uint64 batchedAt = uint64(block.timestamp);
        vm.warp(block.timestamp + 1 days);
        bytes32 c = keccak256("record c");
        vm.expectEmit(true, true, true, true, address(anchors));
        emit IRecordAnchor.RecordAnchored(c, hospital, uint64(block.timestamp));
        vm.expectEmit(true, true, true, true, address(anchors));
        emit IRecordAnchor.RecordAmended(a, c, hospital);
        vm.prank(hospital);
        anchors.amendInBatch(root, a, proofA, c);
        (uint64 at, bytes32 next,) = entry(hospital, a);
        assertEq(at, batchedAt, "batch time, not now");
        assertEq(next, c, "superseded");
        (uint64 tc,,) = entry(hospital, c);
        assertEq(tc, block.timestamp, "new version anchored now");
        assertEq(anchors.verifyInBatch(hospital, root, a, proofA), batchedAt, "nothing is erased");
        // A second use finds the record's own entry.
        vm.expectRevert(abi.encodeWithSelector(IRecordAnchor.RecordAnchorAlreadySuperseded.selector, a, c));
        vm.prank(hospital);
        anchors.amendInBatch(root, a, proofA, keccak256("d"));
    }

    function test_amendInBatch_refusals() public {
        batch();
        bytes32 c = keccak256("record c");
        vm.expectRevert(
            abi.encodeWithSelector(IRecordAnchor.RecordAnchorUnknownBatch.selector, hospital, keccak256("other root"))
        );
        vm.prank(hospital);
        anchors.amendInBatch(keccak256("other root"), a, proofA, c);
        vm.expectRevert(abi.encodeWithSelector(IRecordAnchor.RecordAnchorUnknownBatch.selector, clinic, root));
        vm.prank(clinic);
        anchors.amendInBatch(root, a, proofA, c);
        vm.expectRevert(abi.encodeWithSelector(IRecordAnchor.RecordAnchorNotInBatch.selector, root, a));
        vm.prank(hospital);
        anchors.amendInBatch(root, a, proofB, c);
    }

    // ------------------------------------------------------------------------------------------
    // retract

    function test_retract_marksAndEmits() public {
        vm.prank(hospital);
        anchors.anchor(a);
        vm.expectEmit(true, true, true, true, address(anchors));
        emit IRecordAnchor.RecordRetracted(a, hospital, REASON);
        vm.prank(hospital);
        anchors.retract(a, REASON);
        (uint64 at,, bool retracted) = entry(hospital, a);
        assertEq(at, block.timestamp, "still anchored");
        assertTrue(retracted, "retracted");
        (uint64 ofAt, bool r) = anchors.anchorOf(hospital, a, bytes32(0), none);
        assertEq(ofAt, block.timestamp, "anchorOf time");
        assertTrue(r, "anchorOf retracted");
    }

    function test_retract_refusals() public {
        vm.startPrank(hospital);
        anchors.anchor(a);
        vm.expectRevert(IRecordAnchor.RecordAnchorMissingReason.selector);
        anchors.retract(a, bytes32(0));
        anchors.retract(a, REASON);
        vm.expectRevert(abi.encodeWithSelector(IRecordAnchor.RecordAnchorRetracted.selector, a));
        anchors.retract(a, REASON);
        vm.expectRevert(abi.encodeWithSelector(IRecordAnchor.RecordAnchorNotAnchored.selector, hospital, b));
        anchors.retract(b, REASON);
        vm.stopPrank();
        vm.expectRevert(abi.encodeWithSelector(IRecordAnchor.RecordAnchorNotAnchored.selector, clinic, a));
        vm.prank(clinic);
        anchors.retract(a, REASON);
        vm.expectRevert(
            abi.encodeWithSelector(ConsortiumGated.ConsortiumInactiveMember.selector, stranger, MemberRoles.PROVIDER)
        );
        vm.prank(stranger);
        anchors.retract(a, REASON);
    }

    function test_retractInBatch() public {
        batch();
        uint64 batchedAt = uint64(block.timestamp);
        vm.warp(block.timestamp + 1 hours);
        vm.expectEmit(true, true, true, true, address(anchors));
        emit IRecordAnchor.RecordRetracted(b, hospital, REASON);
        vm.prank(hospital);
        anchors.retractInBatch(root, b, proofB, REASON);
        (uint64 at,, bool retracted) = entry(hospital, b);
        assertEq(at, batchedAt, "batch time");
        assertTrue(retracted, "retracted");
        (uint64 ofAt, bool r) = anchors.anchorOf(hospital, b, root, proofB);
        assertEq(ofAt, batchedAt, "anchorOf through the batch");
        assertTrue(r, "the batch answer carries the retraction");
        (ofAt, r) = anchors.anchorOf(hospital, a, root, proofA);
        assertFalse(r, "the other record of the batch is untouched");
        vm.expectRevert(abi.encodeWithSelector(IRecordAnchor.RecordAnchorRetracted.selector, b));
        vm.prank(hospital);
        anchors.retractInBatch(root, b, proofB, REASON);
        vm.expectRevert(abi.encodeWithSelector(IRecordAnchor.RecordAnchorUnknownBatch.selector, clinic, root));
        vm.prank(clinic);
        anchors.retractInBatch(root, a, proofA, REASON);
        vm.expectRevert(
            abi.encodeWithSelector(ConsortiumGated.ConsortiumInactiveMember.selector, stranger, MemberRoles.PROVIDER)
        );
        vm.prank(stranger);
        anchors.retractInBatch(root, a, proofA, REASON);
        vm.expectRevert(
            abi.encodeWithSelector(ConsortiumGated.ConsortiumInactiveMember.selector, stranger, MemberRoles.PROVIDER)
        );
        vm.prank(stranger);
        anchors.amendInBatch(root, a, proofA, keccak256("c"));
    }

    // ------------------------------------------------------------------------------------------
    // Record squatting: another provider's anchors never reach the owner's entries

    /// @dev What every reader is told about `provider`'s record `h` (alone, and in batch `r`).
    function snapshot(address provider, bytes32 h, bytes32 r, bytes32[] memory proof) internal view returns (bytes32) {
        (uint64 at, bytes32 next, bool retracted) = anchors.verify(provider, h);
        bytes32 single = keccak256(abi.encode(at, next, retracted, anchors.latestVersion(provider, h)));
        return keccak256(abi.encode(single, batchSnapshot(provider, h, r, proof)));
    }

    function batchSnapshot(address provider, bytes32 h, bytes32 r, bytes32[] memory proof)
        internal
        view
        returns (bytes32)
    {
        (uint64 ofAt, bool ofRetracted) = anchors.anchorOf(provider, h, r, proof);
        (uint64 batchAt, uint32 count) = anchors.batchOf(provider, r);
        return keccak256(abi.encode(ofAt, ofRetracted, anchors.verifyInBatch(provider, r, h, proof), batchAt, count));
    }

    function test_anotherProviderAnchoringTheSameHash_cannotRetractAmendOrChangeTheOwnersAnswers() public {
        vm.prank(hospital);
        anchors.anchor(a);
        bytes32 before = snapshot(hospital, a, bytes32(0), none);
        // The same hash, front-run or copied from public calldata: the clinic gets an entry of its own.
        vm.warp(block.timestamp + 1);
        vm.startPrank(clinic);
        anchors.anchor(a);
        anchors.retract(a, REASON);
        anchors.anchor(b);
        vm.stopPrank();
        assertEq(snapshot(hospital, a, bytes32(0), none), before, "the owner's record is untouched");
        (uint64 at,, bool retracted) = entry(clinic, a);
        assertEq(at, block.timestamp, "the squatter's own entry");
        assertTrue(retracted, "retracted in the squatter's namespace only");
        // The owner still amends and retracts its own record.
        vm.startPrank(hospital);
        anchors.amend(a, b);
        anchors.retract(b, REASON);
        vm.stopPrank();
        assertEq(anchors.latestVersion(hospital, a), b, "owner's chain");
        assertEq(anchors.latestVersion(clinic, a), a, "squatter's retraction linked nothing");
    }

    function test_onlyAnchoringProviderRetractsInBatch_evenIfAnotherAnchoredSameHash() public {
        batch();
        bytes32 before = snapshot(hospital, a, root, proofA);
        vm.startPrank(clinic);
        anchors.anchor(a); // the leaf's hash, seen in a claim or a disclosure
        anchors.amend(a, keccak256("forged"));
        vm.stopPrank();
        assertEq(snapshot(hospital, a, root, proofA), before, "the owner's batch record is untouched");
        // The owner's retractInBatch and amendInBatch still work, on its own entry.
        vm.expectEmit(true, true, true, true, address(anchors));
        emit IRecordAnchor.RecordRetracted(b, hospital, REASON);
        vm.prank(hospital);
        anchors.retractInBatch(root, b, proofB, REASON);
        vm.expectEmit(true, true, true, true, address(anchors));
        emit IRecordAnchor.RecordAmended(a, keccak256("true"), hospital);
        vm.prank(hospital);
        anchors.amendInBatch(root, a, proofA, keccak256("true"));
        assertEq(anchors.latestVersion(hospital, a), keccak256("true"), "owner's version");
        assertEq(anchors.latestVersion(clinic, a), keccak256("forged"), "clinic's own chain");
    }

    function test_anotherProviderAnchoringTheOwnersRootOrInnerNode_changesNothingForTheOwner() public {
        bytes32[4] memory s = [keccak256("r0"), keccak256("r1"), keccak256("r2"), keccak256("r3")];
        (bytes32 r, bytes32[][4] memory p) = fourLeafTree(s);
        vm.prank(hospital);
        anchors.anchorBatch(r, 4);
        bytes32 inner = hashPair(leaf(s[0]), leaf(s[1]));
        bytes32[] memory innerProof = new bytes32[](1);
        innerProof[0] = p[0][1];
        bytes32[] memory leafInInner = new bytes32[](1);
        leafInInner[0] = p[0][0];
        bytes32[] memory before = new bytes32[](4);
        for (uint256 i; i < 4; ++i) {
            before[i] = snapshot(hospital, s[i], r, p[i]);
        }
        // The clinic anchors the owner's root and an inner node as its own batches, and the inner node
        // as a record, then retracts and amends everything it can reach from them.
        vm.startPrank(clinic);
        anchors.anchorBatch(r, 4);
        anchors.anchorBatch(inner, 2);
        anchors.anchor(inner);
        anchors.retract(inner, REASON);
        anchors.retractInBatch(r, s[0], p[0], REASON);
        anchors.amendInBatch(inner, s[1], _one(p[1][0]), keccak256("forged v2"));
        vm.stopPrank();
        for (uint256 i; i < 4; ++i) {
            assertEq(snapshot(hospital, s[i], r, p[i]), before[i], "owner's record untouched");
        }
        assertEq(anchors.verifyInBatch(clinic, inner, s[0], leafInInner), block.timestamp, "clinic's own batch");
        // The owner's retractInBatch and amendInBatch still work.
        vm.startPrank(hospital);
        anchors.retractInBatch(r, s[0], p[0], REASON);
        anchors.amendInBatch(r, s[1], p[1], keccak256("true v2"));
        vm.stopPrank();
        assertEq(anchors.latestVersion(hospital, s[1]), keccak256("true v2"), "owner's version");
        assertEq(anchors.latestVersion(clinic, s[1]), keccak256("forged v2"), "clinic's version stays its own");
        (, bool retracted) = anchors.anchorOf(hospital, s[2], r, p[2]);
        assertFalse(retracted, "untouched leaf");
        // Inner node proofs against the root never prove it a record of the owner's batch.
        assertEq(anchors.verifyInBatch(hospital, r, inner, innerProof), 0, "an inner node is not a leaf");
    }

    function _one(bytes32 x) private pure returns (bytes32[] memory p) {
        p = new bytes32[](1);
        p[0] = x;
    }

    function test_ownersClaimsStillHold_whenAnotherProviderAnchorsAndRetractsTheEvidence() public {
        deployClaimsWorld(1_000_000e6);
        bytes32 evidence = freshHash();
        bytes32 other = freshHash();
        (bytes32 r, bytes32[] memory pe,) = twoLeafBatch(evidence, other);
        vm.prank(hospital);
        anchors.anchorBatch(r, 2);
        vm.startPrank(clinic);
        anchors.anchor(evidence);
        anchors.retract(evidence, REASON);
        anchors.anchorBatch(r, 2);
        anchors.retractInBatch(r, other, _one(leaf(evidence)), REASON);
        vm.stopPrank();

        IClaimSettlement.ClaimInput memory c = claimInput(1_000e6, start + 10 days);
        c.evidenceHash = evidence;
        c.evidenceRoot = r;
        c.evidenceProof = pe;
        vm.prank(hospital);
        bytes32 id = claims.submitClaim(c);
        assertTrue(claims.claimOf(id).status != IClaimSettlement.Status.None, "the owner's claim is accepted");

        // A single anchor of the owner's too.
        c = claimInput(1_000e6, start + 11 days);
        vm.startPrank(clinic);
        anchors.anchor(c.evidenceHash);
        anchors.retract(c.evidenceHash, REASON);
        vm.stopPrank();
        vm.prank(hospital);
        id = claims.submitClaim(c);
        assertTrue(claims.claimOf(id).status != IClaimSettlement.Status.None, "single evidence accepted");

        // And the squatter's claim on the owner's evidence is refused (its own entry is retracted).
        c.provider = clinic;
        c.codesHash = freshHash();
        vm.expectRevert(abi.encodeWithSelector(IClaimSettlement.ClaimSettlementRejected.selector, idOf(c), 16));
        vm.prank(clinic);
        claims.submitClaim(c);
    }

    function test_fuzz_anotherProviderNeverChangesTheOwnersEntry(bytes32 h, uint32 later, bytes32 reason) public {
        vm.assume(h != bytes32(0) && reason != bytes32(0));
        vm.prank(hospital);
        anchors.anchor(h);
        bytes32 before = snapshot(hospital, h, bytes32(0), none);
        vm.warp(block.timestamp + later);
        vm.startPrank(clinic);
        anchors.anchor(h);
        anchors.retract(h, reason);
        vm.stopPrank();
        assertEq(snapshot(hospital, h, bytes32(0), none), before, "owner's entry unchanged");
        vm.prank(hospital);
        anchors.retract(h, reason);
        (uint64 anchoredAt,, bool retracted) = entry(hospital, h);
        assertEq(anchoredAt, block.timestamp - later, "time kept");
        assertTrue(retracted, "the owner retracts its own");
    }
}
