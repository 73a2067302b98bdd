// SPDX-License-Identifier: MIT
pragma solidity 0.8.34;

import {Fixture} from "../base/Fixture.sol";
import {ConsortiumGated} from "../../contracts/access/ConsortiumGated.sol";
import {MemberRoles} from "../../contracts/access/MemberRoles.sol";
import {IRecordAnchor} from "../../contracts/interfaces/IRecordAnchor.sol";

/// @notice RecordAnchor: every path, every refusal by selector and arguments, every event.
contract RecordAnchorTest is Fixture {
    bytes32 internal constant REASON = "WRONG_PATIENT";
    bytes32 internal a = keccak256("record a");
    bytes32 internal b = keccak256("record b");
    bytes32 internal root;
    bytes32[] internal proofA;
    bytes32[] internal proofB;

    function setUp() public {
        deploySuite();
        (root, proofA, proofB) = twoLeafBatch(a, b);
    }

    function batch() internal {
        vm.prank(hospital);
        anchors.anchorBatch(root, 2);
    }

    // ------------------------------------------------------------------------------------------
    // anchor

    function test_anchor_attributesAndEmits() public {
        vm.expectEmit(true, true, true, true, address(anchors));
        emit IRecordAnchor.RecordAnchored(a, hospital, uint64(block.timestamp));
        vm.prank(hospital);
        anchors.anchor(a);
        (address provider, uint64 at, bytes32 next, bool retracted) = anchors.verify(a);
        assertEq(provider, hospital, "provider");
        assertEq(at, block.timestamp, "time");
        assertEq(next, bytes32(0), "not superseded");
        assertFalse(retracted, "not retracted");
        assertEq(anchors.latestVersion(a), a, "its own latest version");
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
        vm.prank(clinic);
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
    // anchorBatch / verifyInBatch

    function test_anchorBatch_provesEveryRecord() public {
        vm.expectEmit(true, true, true, true, address(anchors));
        emit IRecordAnchor.BatchAnchored(root, hospital, 2, uint64(block.timestamp));
        batch();
        (address provider, uint64 at, uint32 count) = anchors.batchOf(root);
        assertEq(provider, hospital, "batch provider");
        assertEq(at, block.timestamp, "batch time");
        assertEq(count, 2, "count");
        (address pa, uint64 ta) = anchors.verifyInBatch(root, a, proofA);
        (address pb,) = anchors.verifyInBatch(root, b, proofB);
        assertEq(pa, hospital, "a proven");
        assertEq(ta, block.timestamp, "a time");
        assertEq(pb, hospital, "b proven");
        (address wrong, uint64 wrongAt) = anchors.verifyInBatch(root, a, proofB);
        assertEq(wrong, address(0), "wrong proof");
        assertEq(wrongAt, 0, "no time");
        (address unknown,) = anchors.verifyInBatch(keccak256("other root"), a, proofA);
        assertEq(unknown, address(0), "unknown batch");
        (address single,,,) = anchors.verify(a);
        assertEq(single, address(0), "a batch record has no single anchor until used");
    }

    function test_anchorBatch_refusals() public {
        vm.startPrank(hospital);
        vm.expectRevert(IRecordAnchor.RecordAnchorZeroHash.selector);
        anchors.anchorBatch(bytes32(0), 2);
        vm.expectRevert(IRecordAnchor.RecordAnchorEmptyBatch.selector);
        anchors.anchorBatch(root, 0);
        anchors.anchorBatch(root, 2);
        vm.stopPrank();
        vm.expectRevert(
            abi.encodeWithSelector(
                IRecordAnchor.RecordAnchorBatchExists.selector, root, hospital, uint64(block.timestamp)
            )
        );
        vm.prank(clinic);
        anchors.anchorBatch(root, 5);
        vm.expectRevert(
            abi.encodeWithSelector(ConsortiumGated.ConsortiumInactiveMember.selector, stranger, MemberRoles.PROVIDER)
        );
        vm.prank(stranger);
        anchors.anchorBatch(keccak256("r"), 1);
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
        (,, bytes32 next,) = anchors.verify(a);
        assertEq(next, b, "a superseded by b");
        assertEq(anchors.latestVersion(a), c, "chain resolves to c");
        assertEq(anchors.latestVersion(b), c, "from b too");
    }

    function test_amend_refusals() public {
        vm.prank(hospital);
        anchors.anchor(a);
        vm.expectRevert(abi.encodeWithSelector(IRecordAnchor.RecordAnchorNotAnchored.selector, b));
        vm.prank(hospital);
        anchors.amend(b, a);
        vm.expectRevert(
            abi.encodeWithSelector(IRecordAnchor.RecordAnchorNotAnchoringProvider.selector, a, hospital, clinic)
        );
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
        emit IRecordAnchor.RecordAmended(a, c, hospital);
        vm.prank(hospital);
        anchors.amendInBatch(root, a, proofA, c);
        (address provider, uint64 at, bytes32 next,) = anchors.verify(a);
        assertEq(provider, hospital, "batch provider");
        assertEq(at, batchedAt, "batch time, not now");
        assertEq(next, c, "superseded");
        (address pc, uint64 tc,,) = anchors.verify(c);
        assertEq(pc, hospital, "new version anchored");
        assertEq(tc, block.timestamp, "now");
        // A second use finds the record's own entry.
        vm.expectRevert(abi.encodeWithSelector(IRecordAnchor.RecordAnchorAlreadySuperseded.selector, a, c));
        vm.prank(hospital);
        anchors.amendInBatch(root, a, proofA, keccak256("d"));
    }

    function test_amendInBatch_refusals() public {
        batch();
        bytes32 c = keccak256("record c");
        vm.expectRevert(
            abi.encodeWithSelector(IRecordAnchor.RecordAnchorUnknownBatch.selector, keccak256("other root"))
        );
        vm.prank(hospital);
        anchors.amendInBatch(keccak256("other root"), a, proofA, c);
        vm.expectRevert(
            abi.encodeWithSelector(IRecordAnchor.RecordAnchorNotAnchoringProvider.selector, a, hospital, clinic)
        );
        vm.prank(clinic);
        anchors.amendInBatch(root, a, proofA, c);
        vm.expectRevert(abi.encodeWithSelector(IRecordAnchor.RecordAnchorNotInBatch.selector, root, a));
        vm.prank(hospital);
        anchors.amendInBatch(root, a, proofB, c);
        // A hash anchored on its own by another provider is theirs, batch or not.
        vm.prank(clinic);
        anchors.anchor(b);
        vm.expectRevert(
            abi.encodeWithSelector(IRecordAnchor.RecordAnchorNotAnchoringProvider.selector, b, clinic, hospital)
        );
        vm.prank(hospital);
        anchors.amendInBatch(root, b, proofB, c);
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
        (address provider,,, bool retracted) = anchors.verify(a);
        assertEq(provider, hospital, "still attributed");
        assertTrue(retracted, "retracted");
    }

    function test_retract_refusals() public {
        vm.startPrank(hospital);
        anchors.anchor(a);
        vm.expectRevert(IRecordAnchor.RecordAnchorMissingReason.selector);
        anchors.retract(a, bytes32(0));
        anchors.retract(a, REASON);
        vm.expectRevert(abi.encodeWithSelector(IRecordAnchor.RecordAnchorRetracted.selector, a));
        anchors.retract(a, REASON);
        vm.expectRevert(abi.encodeWithSelector(IRecordAnchor.RecordAnchorNotAnchored.selector, b));
        anchors.retract(b, REASON);
        vm.stopPrank();
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
        (address provider, uint64 at,, bool retracted) = anchors.verify(b);
        assertEq(provider, hospital, "attributed to the batch provider");
        assertEq(at, batchedAt, "batch time");
        assertTrue(retracted, "retracted");
        vm.expectRevert(abi.encodeWithSelector(IRecordAnchor.RecordAnchorRetracted.selector, b));
        vm.prank(hospital);
        anchors.retractInBatch(root, b, proofB, REASON);
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

    function test_fuzz_anchorNeverChangesOwnerOrTime(bytes32 h, uint32 later) public {
        vm.assume(h != bytes32(0));
        vm.prank(hospital);
        anchors.anchor(h);
        uint256 at = block.timestamp;
        vm.warp(block.timestamp + later);
        vm.prank(clinic);
        try anchors.anchor(h) {
            revert("a second anchor of the same hash must fail");
        } catch {}
        vm.prank(hospital);
        anchors.retract(h, REASON);
        (address provider, uint64 anchoredAt,,) = anchors.verify(h);
        assertEq(provider, hospital, "owner kept");
        assertEq(anchoredAt, at, "time kept");
    }
}
