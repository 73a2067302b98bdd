// SPDX-License-Identifier: MIT
pragma solidity 0.8.34;

import {Fixture} from "../base/Fixture.sol";
import {Test} from "../base/Test.sol";
import {ConsortiumRegistry} from "../../contracts/access/ConsortiumRegistry.sol";
import {RecordAnchor} from "../../contracts/records/RecordAnchor.sol";

/// @notice Drives RecordAnchor with random single and batch anchoring, amendments and retractions
/// (single and in batches) by two providers, a non-member and a suspended provider, over a small pool
/// of record hashes so that collisions are frequent; checks on every call that nothing it touched was
/// re-attributed or re-timed.
contract AnchorHandler is Test {
    uint256 public constant POOL = 24;

    struct Seen {
        address provider;
        uint64 anchoredAt;
        bytes32 supersededBy;
        bool retracted;
    }

    struct TwoLeafBatch {
        bytes32 root;
        bytes32 a;
        bytes32 b;
        address provider;
        uint64 anchoredAt;
    }

    RecordAnchor public immutable anchors;
    ConsortiumRegistry public immutable registry;
    address public immutable gov;
    address[3] internal _callers; // two providers and a non-member
    mapping(address provider => bool) public suspended;

    mapping(bytes32 recordHash => Seen) internal _seen;
    TwoLeafBatch[] internal _batches;
    /// @dev Anchors of a hash already anchored (must stay 0).
    uint256 public reanchors;
    uint256 public changes;

    constructor(RecordAnchor anchors_, ConsortiumRegistry registry_, address gov_, address[3] memory callers_) {
        anchors = anchors_;
        registry = registry_;
        gov = gov_;
        _callers = callers_;
    }

    function hashAt(uint256 i) public pure returns (bytes32) {
        return keccak256(abi.encode("medchain record", i % POOL));
    }

    function seen(bytes32 h) external view returns (Seen memory) {
        return _seen[h];
    }

    function batchCount() external view returns (uint256) {
        return _batches.length;
    }

    function batchAt(uint256 i) external view returns (TwoLeafBatch memory) {
        return _batches[i];
    }

    // ------------------------------------------------------------------------------------------
    // Actions

    function anchor(uint256 by, uint256 hs) external {
        bytes32 h = hashAt(hs);
        bool before = _seen[h].provider != address(0);
        vm.prank(_callers[by % 3]);
        try anchors.anchor(h) {
            if (before) ++reanchors;
        } catch {}
        _observe(h);
    }

    function anchorBatch(uint256 by, uint256 hs1, uint256 hs2) external {
        (bytes32 a, bytes32 b) = (hashAt(hs1), hashAt(hs2));
        if (a == b) b = hashAt(hs1 % POOL + 1);
        bytes32 root = hashPair(leaf(a), leaf(b));
        address caller = _callers[by % 3];
        vm.prank(caller);
        try anchors.anchorBatch(root, 2) {
            _batches.push(TwoLeafBatch(root, a, b, caller, uint64(block.timestamp)));
            ++changes;
        } catch {}
    }

    function amend(uint256 by, uint256 oldSeed, uint256 newSeed) external {
        (bytes32 o, bytes32 n) = (hashAt(oldSeed), hashAt(newSeed));
        vm.prank(_callers[by % 3]);
        try anchors.amend(o, n) {
            ++changes;
        } catch {}
        _observe(o);
        _observe(n);
    }

    function amendInBatch(uint256 by, uint256 batchSeed, bool second, uint256 newSeed) external {
        if (_batches.length == 0) return;
        TwoLeafBatch memory batch = _batches[batchSeed % _batches.length];
        (bytes32 h, bytes32[] memory proof) = _member(batch, second);
        bytes32 n = hashAt(newSeed);
        vm.prank(_callers[by % 3]);
        try anchors.amendInBatch(batch.root, h, proof, n) {
            ++changes;
        } catch {}
        _observe(h);
        _observe(n);
    }

    function retract(uint256 by, uint256 hs, bytes32 reason) external {
        bytes32 h = hashAt(hs);
        vm.prank(_callers[by % 3]);
        try anchors.retract(h, reason) {
            ++changes;
        } catch {}
        _observe(h);
    }

    function retractInBatch(uint256 by, uint256 batchSeed, bool second, bytes32 reason) external {
        if (_batches.length == 0) return;
        TwoLeafBatch memory batch = _batches[batchSeed % _batches.length];
        (bytes32 h, bytes32[] memory proof) = _member(batch, second);
        vm.prank(_callers[by % 3]);
        try anchors.retractInBatch(batch.root, h, proof, reason) {
            ++changes;
        } catch {}
        _observe(h);
    }

    function toggleSuspension(uint256 by) external {
        address provider = _callers[by % 2];
        vm.startPrank(gov);
        if (suspended[provider]) registry.reinstateMember(provider);
        else registry.suspendMember(provider, "AUDIT");
        vm.stopPrank();
        suspended[provider] = !suspended[provider];
    }

    function warp(uint32 seconds_) external {
        vm.warp(block.timestamp + bound(seconds_, 0, 30 days));
    }

    // ------------------------------------------------------------------------------------------
    // Per-call checks

    /// @dev Compares `h`'s anchor with what was first seen: provider and time never change; a
    /// successor, once set, never changes; a retraction is never undone. Records what is new.
    function _observe(bytes32 h) internal {
        (address provider, uint64 anchoredAt, bytes32 supersededBy, bool retracted) = anchors.verify(h);
        Seen storage s = _seen[h];
        if (s.provider != address(0)) {
            assertEq(provider, s.provider, "an anchor is never re-attributed");
            assertEq(anchoredAt, s.anchoredAt, "an anchor is never re-timed");
            if (s.supersededBy != bytes32(0)) assertEq(supersededBy, s.supersededBy, "a successor never changes");
            if (s.retracted) assertTrue(retracted, "a retraction is never undone");
        } else if (provider == address(0)) {
            assertEq(supersededBy, bytes32(0), "nothing supersedes an unanchored hash");
            assertFalse(retracted, "nothing retracts an unanchored hash");
        }
        (s.provider, s.anchoredAt, s.supersededBy, s.retracted) = (provider, anchoredAt, supersededBy, retracted);
    }

    function _member(TwoLeafBatch memory batch, bool second) internal pure returns (bytes32 h, bytes32[] memory proof) {
        proof = new bytes32[](1);
        (h, proof[0]) = second ? (batch.b, leaf(batch.a)) : (batch.a, leaf(batch.b));
    }

}

/// @notice RecordAnchor's NatSpec invariants under random sequences of every state change.
contract RecordAnchorInvariants is Fixture {
    AnchorHandler internal handler;

    function setUp() public {
        deploySuite();
        handler = new AnchorHandler(anchors, registry, gov, [hospital, clinic, stranger]);
        targetContract(address(handler));
        bytes4[] memory selectors = new bytes4[](9);
        selectors[0] = AnchorHandler.anchor.selector;
        selectors[1] = AnchorHandler.anchorBatch.selector;
        selectors[2] = AnchorHandler.amend.selector;
        selectors[3] = AnchorHandler.amendInBatch.selector;
        selectors[4] = AnchorHandler.retract.selector;
        selectors[5] = AnchorHandler.retractInBatch.selector;
        selectors[6] = AnchorHandler.toggleSuspension.selector;
        selectors[7] = AnchorHandler.warp.selector;
        selectors[8] = AnchorHandler.anchor.selector; // anchors twice as often
        targetSelector(FuzzSelector(address(handler), selectors));
    }

    /// @dev An anchor, once written, is never erased or re-attributed (only supersededBy and retracted
    /// are added); a hash is anchored on its own at most once, a root at most once; verifyInBatch proves
    /// exactly the batch's members; version chains end (no cycles).
    function invariant_anchors() public view {
        for (uint256 i; i < handler.POOL(); ++i) {
            bytes32 h = handler.hashAt(i);
            AnchorHandler.Seen memory s = handler.seen(h);
            (address provider, uint64 anchoredAt, bytes32 supersededBy, bool retracted) = anchors.verify(h);
            assertEq(provider, s.provider, "provider as first anchored");
            assertEq(anchoredAt, s.anchoredAt, "time as first anchored");
            assertEq(supersededBy, s.supersededBy, "successor as recorded");
            assertEq(retracted, s.retracted, "retraction as recorded");
            if (supersededBy != bytes32(0)) {
                (address next,,,) = anchors.verify(supersededBy);
                assertEq(next, provider, "a new version is anchored by the same provider");
            }
            bytes32 latest = anchors.latestVersion(h); // terminates: amendments never form a cycle
            (,, bytes32 afterLatest,) = anchors.verify(latest);
            assertEq(afterLatest, bytes32(0), "the latest version is not superseded");
        }
        for (uint256 i; i < handler.batchCount(); ++i) {
            AnchorHandler.TwoLeafBatch memory b = handler.batchAt(i);
            (address provider, uint64 anchoredAt, uint32 count) = anchors.batchOf(b.root);
            assertEq(provider, b.provider, "batch provider never changes");
            assertEq(anchoredAt, b.anchoredAt, "batch time never changes");
            assertEq(count, 2, "batch count never changes");
            bytes32[] memory proof = new bytes32[](1);
            proof[0] = leaf(b.b);
            (address proven,) = anchors.verifyInBatch(b.root, b.a, proof);
            assertEq(proven, b.provider, "a member is proven");
            (address wrong,) = anchors.verifyInBatch(b.root, b.b, proof);
            assertEq(wrong, address(0), "a wrong proof proves nothing");
        }
        assertEq(handler.reanchors(), 0, "a hash is anchored on its own at most once");
    }
}
