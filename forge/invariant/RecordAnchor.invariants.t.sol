// SPDX-License-Identifier: MIT
pragma solidity 0.8.34;

import {Vm} from "../base/Vm.sol";
import {Fixture} from "../base/Fixture.sol";
import {Test} from "../base/Test.sol";
import {ConsortiumRegistry} from "../../contracts/access/ConsortiumRegistry.sol";
import {RecordAnchor} from "../../contracts/records/RecordAnchor.sol";
import {IRecordAnchor} from "../../contracts/interfaces/IRecordAnchor.sol";

/// @notice Drives RecordAnchor with random single and four-record batch anchoring, amendments and
/// retractions (single and in batches) by two providers that attack each other (each anchors the
/// other's hashes, batch roots and inner nodes, as records and as batches, then retracts and amends
/// what it can reach), an insurer, a non-member and a suspended provider, over a small pool of record
/// hashes so that collisions are frequent.
///
/// The handler keeps its own model of every (provider, hash) entry and (provider, root) batch built
/// from the EVENTS each call emitted, attributing each event to the caller of that call, and checks
/// after every call that (a) every event names the calling provider, and (b) every entry the call could
/// have touched, under every provider, equals that event-built model: an owner's entry changes only
/// through events of the owner's own calls.
contract AnchorHandler is Test {
    uint256 public constant POOL = 16;
    /// @dev Batches and extra hashes remembered for later attacks and sweeps (more still go on chain).
    uint256 public constant REMEMBERED = 24;

    struct Entry {
        uint64 anchoredAt;
        bytes32 supersededBy;
        bool retracted;
    }

    struct Batch {
        bytes32 root;
        address provider;
        uint64 anchoredAt;
        uint8 size; // 2 or 4 leaves
        bytes32[4] values;
    }

    RecordAnchor public immutable anchors;
    ConsortiumRegistry public immutable registry;
    address public immutable gov;
    /// @dev Two providers (attacking each other), an insurer and a non-member.
    address[4] internal _callers;
    mapping(address provider => bool) public suspended;

    mapping(address provider => mapping(bytes32 h => Entry)) internal _model;
    mapping(address provider => mapping(bytes32 root => uint64)) internal _batchAt;
    Batch[] internal _batches;
    /// @dev Roots and inner nodes anchored as records (beyond the pool), for the invariant's sweep.
    bytes32[] internal _extra;
    uint256 public foreignEvents;
    uint256 public attacks;

    constructor(RecordAnchor anchors_, ConsortiumRegistry registry_, address gov_, address[4] memory callers_) {
        anchors = anchors_;
        registry = registry_;
        gov = gov_;
        _callers = callers_;
    }

    function hashAt(uint256 i) public pure returns (bytes32) {
        return keccak256(abi.encode("medchain record", i % POOL));
    }

    function provider(uint256 i) external view returns (address) {
        return _callers[i];
    }

    function model(address p, bytes32 h) external view returns (Entry memory) {
        return _model[p][h];
    }

    function batchCount() external view returns (uint256) {
        return _batches.length;
    }

    function batchAt(uint256 i) external view returns (Batch memory) {
        return _batches[i];
    }

    function extraCount() external view returns (uint256) {
        return _extra.length;
    }

    function extraAt(uint256 i) external view returns (bytes32) {
        return _extra[i];
    }

    /// @dev The proof of the `i`-th value of `b` (OpenZeppelin sorted pairs).
    function proofOf(Batch memory b, uint256 i) public pure returns (bytes32[] memory p) {
        if (b.size == 2) {
            p = new bytes32[](1);
            p[0] = leaf(b.values[i ^ 1]);
            return p;
        }
        bytes32[4] memory l = [leaf(b.values[0]), leaf(b.values[1]), leaf(b.values[2]), leaf(b.values[3])];
        p = new bytes32[](2);
        p[0] = l[i ^ 1];
        p[1] = i < 2 ? hashPair(l[2], l[3]) : hashPair(l[0], l[1]);
    }

    // ------------------------------------------------------------------------------------------
    // Actions

    function anchor(uint256 by, uint256 hs) external {
        bytes32 h = hashAt(hs);
        _call(by, abi.encodeCall(IRecordAnchor.anchor, (h)), bytes32(0));
        _check(h);
    }

    function anchorBatch(uint256 by, uint256 seed) external {
        uint256 s0 = seed % POOL;
        bytes32[4] memory v = [hashAt(s0), hashAt(s0 + 1), hashAt(s0 + 2), hashAt(s0 + 3)];
        Batch memory b = Batch(bytes32(0), _callers[by % 4], uint64(block.timestamp), 4, v);
        b.root = _rootOf(b);
        if (_call(by, abi.encodeCall(IRecordAnchor.anchorBatch, (b.root, 4)), bytes32(0))) _remember(b);
    }

    /// @dev The attack on trees: anchor another's root or inner node, as a record or as a batch of one's own.
    function anchorNode(uint256 by, uint256 batchSeed, uint8 which, bool asBatch) external {
        if (_batches.length == 0) return;
        Batch memory b = _batches[batchSeed % _batches.length];
        Batch memory node = b;
        node.provider = _callers[by % 4];
        node.anchoredAt = uint64(block.timestamp);
        if (b.size == 4 && which % 3 != 0) {
            // the left or right inner node, as the root of a two-record tree
            uint256 off = which % 3 == 1 ? 0 : 2;
            node.size = 2;
            node.values = [b.values[off], b.values[off + 1], bytes32(0), bytes32(0)];
            node.root = _rootOf(node);
        }
        ++attacks;
        if (asBatch) {
            if (_call(by, abi.encodeCall(IRecordAnchor.anchorBatch, (node.root, node.size)), bytes32(0))) {
                _remember(node);
            }
        } else if (_call(by, abi.encodeCall(IRecordAnchor.anchor, (node.root)), bytes32(0))) {
            if (_extra.length < REMEMBERED) _extra.push(node.root);
            else _extra[uint256(node.root) % REMEMBERED] = node.root;
        }
        _check(node.root);
        for (uint256 i; i < b.size; ++i) {
            _check(b.values[i]);
        }
    }

    function amend(uint256 by, uint256 oldSeed, uint256 newSeed, uint256 extraSeed, bool fromExtra) external {
        bytes32 o = fromExtra && _extra.length != 0 ? _extra[extraSeed % _extra.length] : hashAt(oldSeed);
        bytes32 n = hashAt(newSeed);
        _call(by, abi.encodeCall(IRecordAnchor.amend, (o, n)), bytes32(0));
        _check(o);
        _check(n);
    }

    function amendInBatch(uint256 by, uint256 batchSeed, uint256 index, uint256 newSeed) external {
        if (_batches.length == 0) return;
        Batch memory b = _batches[batchSeed % _batches.length];
        uint256 i = index % b.size;
        bytes32 n = hashAt(newSeed);
        _call(by, abi.encodeCall(IRecordAnchor.amendInBatch, (b.root, b.values[i], proofOf(b, i), n)), b.root);
        _checkBatch(b);
        _check(n);
    }

    function retract(uint256 by, uint256 hs, bytes32 reason, uint256 extraSeed, bool fromExtra) external {
        bytes32 h = fromExtra && _extra.length != 0 ? _extra[extraSeed % _extra.length] : hashAt(hs);
        _call(by, abi.encodeCall(IRecordAnchor.retract, (h, reason)), bytes32(0));
        _check(h);
    }

    function retractInBatch(uint256 by, uint256 batchSeed, uint256 index, bytes32 reason) external {
        if (_batches.length == 0) return;
        Batch memory b = _batches[batchSeed % _batches.length];
        uint256 i = index % b.size;
        _call(by, abi.encodeCall(IRecordAnchor.retractInBatch, (b.root, b.values[i], proofOf(b, i), reason)), b.root);
        _checkBatch(b);
    }

    function toggleSuspension(uint256 by) external {
        address p = _callers[by % 2];
        vm.startPrank(gov);
        if (suspended[p]) registry.reinstateMember(p);
        else registry.suspendMember(p, "AUDIT");
        vm.stopPrank();
        suspended[p] = !suspended[p];
    }

    function warp(uint32 seconds_) external {
        vm.warp(block.timestamp + bound(seconds_, 0, 30 days));
    }

    // ------------------------------------------------------------------------------------------
    // The call, its events, and the per-call checks

    /// @dev Calls the anchor as `_callers[by % 4]`, then folds the call's events into the model,
    /// attributing them to that caller (`root`: the batch a record entry may have been written from).
    function _call(uint256 by, bytes memory data, bytes32 root) internal returns (bool ok) {
        address caller = _callers[by % 4];
        vm.recordLogs();
        vm.prank(caller);
        (ok,) = address(anchors).call(data);
        Vm.Log[] memory logs = vm.getRecordedLogs();
        for (uint256 i; i < logs.length; ++i) {
            _fold(caller, logs[i], root);
        }
    }

    function _fold(address caller, Vm.Log memory log, bytes32 root) internal {
        bytes32 sig = log.topics[0];
        address named;
        if (sig == IRecordAnchor.RecordAnchored.selector) {
            named = address(uint160(uint256(log.topics[2])));
            bytes32 h = log.topics[1];
            assertEq(_model[named][h].anchoredAt, 0, "an entry is anchored once");
            _model[named][h].anchoredAt = abi.decode(log.data, (uint64));
        } else if (sig == IRecordAnchor.BatchAnchored.selector) {
            named = address(uint160(uint256(log.topics[2])));
            assertEq(_batchAt[named][log.topics[1]], 0, "a batch is anchored once");
            (, uint64 at) = abi.decode(log.data, (uint32, uint64));
            _batchAt[named][log.topics[1]] = at;
        } else if (sig == IRecordAnchor.RecordAmended.selector) {
            named = address(uint160(uint256(log.topics[3])));
            Entry storage e = _entryFor(named, log.topics[1], root);
            assertEq(e.supersededBy, bytes32(0), "a successor is linked once");
            e.supersededBy = log.topics[2];
        } else if (sig == IRecordAnchor.RecordRetracted.selector) {
            named = address(uint160(uint256(log.topics[2])));
            Entry storage e = _entryFor(named, log.topics[1], root);
            assertFalse(e.retracted, "a record is retracted once");
            e.retracted = true;
        } else {
            return;
        }
        if (named != caller) ++foreignEvents;
        assertEq(named, caller, "every anchor event names the provider whose call emitted it");
    }

    /// @dev The model's entry of `p` for `h`, written from `p`'s batch `root` on first use.
    function _entryFor(address p, bytes32 h, bytes32 root) internal returns (Entry storage e) {
        e = _model[p][h];
        if (e.anchoredAt == 0) {
            assertTrue(root != bytes32(0) && _batchAt[p][root] != 0, "an entry is only written from one's own batch");
            e.anchoredAt = _batchAt[p][root];
        }
    }

    /// @dev `h`'s entry under every actor equals the event-built model.
    function _check(bytes32 h) internal view {
        for (uint256 k; k < 4; ++k) {
            address p = _callers[k];
            Entry memory m = _model[p][h];
            (uint64 at, bytes32 next, bool retracted) = anchors.verify(p, h);
            assertEq(at, m.anchoredAt, "entry time as its owner's events say");
            assertEq(next, m.supersededBy, "successor as its owner's events say");
            assertEq(retracted, m.retracted, "retraction as its owner's events say");
            if (at == 0) continue;
            (uint64 ofAt, bool ofRetracted) = anchors.anchorOf(p, h, bytes32(0), new bytes32[](0));
            assertEq(ofAt, at, "anchorOf alone is the entry");
            assertEq(ofRetracted, retracted, "anchorOf alone carries the retraction");
        }
    }

    /// @dev Every record of `b` checked, and proven into `b` under its provider only.
    function _checkBatch(Batch memory b) internal view {
        for (uint256 i; i < b.size; ++i) {
            _check(b.values[i]);
            bytes32[] memory proof = proofOf(b, i);
            for (uint256 k; k < 4; ++k) {
                address p = _callers[k];
                uint64 bAt = _batchAt[p][b.root];
                (uint64 at, bool retracted) = anchors.anchorOf(p, b.values[i], b.root, proof);
                assertEq(at, bAt, "anchorOf in a batch: the provider's own batch time");
                assertEq(retracted, bAt != 0 && _model[p][b.values[i]].retracted, "and its own retraction");
            }
        }
    }

    /// @dev Keeps the last batches: a full list replaces a pseudo-random one (the model keeps them all).
    function _remember(Batch memory b) internal {
        if (_batches.length < REMEMBERED) _batches.push(b);
        else _batches[uint256(b.root) % REMEMBERED] = b;
    }

    function _rootOf(Batch memory b) internal pure returns (bytes32) {
        if (b.size == 2) return hashPair(leaf(b.values[0]), leaf(b.values[1]));
        return hashPair(hashPair(leaf(b.values[0]), leaf(b.values[1])), hashPair(leaf(b.values[2]), leaf(b.values[3])));
    }
}

/// @notice RecordAnchor's NatSpec invariants under random sequences of every state change, with attackers.
contract RecordAnchorInvariants is Fixture {
    AnchorHandler internal handler;

    function setUp() public {
        deploySuite();
        handler = new AnchorHandler(anchors, registry, gov, [hospital, clinic, insurer, stranger]);
        targetContract(address(handler));
        bytes4[] memory selectors = new bytes4[](11);
        selectors[0] = AnchorHandler.anchor.selector;
        selectors[1] = AnchorHandler.anchorBatch.selector;
        selectors[2] = AnchorHandler.amend.selector;
        selectors[3] = AnchorHandler.amendInBatch.selector;
        selectors[4] = AnchorHandler.retract.selector;
        selectors[5] = AnchorHandler.retractInBatch.selector;
        selectors[6] = AnchorHandler.toggleSuspension.selector;
        selectors[7] = AnchorHandler.warp.selector;
        selectors[8] = AnchorHandler.anchor.selector; // anchors twice as often
        selectors[9] = AnchorHandler.anchorNode.selector;
        selectors[10] = AnchorHandler.anchorNode.selector; // the tree attack twice as often
        targetSelector(FuzzSelector(address(handler), selectors));
    }

    /// @dev Every entry of every actor, for every hash ever used, is exactly what that actor's own
    /// events made it (so no one else's call changed it); only providers ever own anything; version
    /// chains stay within one provider and end; batches prove exactly their leaves, under their
    /// provider only, never an inner node.
    function invariant_entriesAreTheOwnersAlone() public view {
        for (uint256 i; i < handler.POOL() + handler.extraCount(); ++i) {
            bytes32 h = i < handler.POOL() ? handler.hashAt(i) : handler.extraAt(i - handler.POOL());
            for (uint256 k; k < 4; ++k) {
                address p = handler.provider(k);
                AnchorHandler.Entry memory m = handler.model(p, h);
                (uint64 at, bytes32 next, bool retracted) = anchors.verify(p, h);
                assertEq(at, m.anchoredAt, "time as the owner's events say");
                assertEq(next, m.supersededBy, "successor as the owner's events say");
                assertEq(retracted, m.retracted, "retraction as the owner's events say");
                if (k >= 2) assertEq(at, 0, "a non-provider owns nothing");
                if (next != bytes32(0)) {
                    (uint64 nextAt,,) = anchors.verify(p, next);
                    assertTrue(nextAt != 0, "a new version is anchored by the same provider");
                    bytes32 latest = anchors.latestVersion(p, h); // terminates: no cycles
                    (, bytes32 afterLatest,) = anchors.verify(p, latest);
                    assertEq(afterLatest, bytes32(0), "the latest version is not superseded");
                }
            }
        }
        for (uint256 i; i < handler.batchCount(); ++i) {
            AnchorHandler.Batch memory b = handler.batchAt(i);
            (uint64 at, uint32 count) = anchors.batchOf(b.provider, b.root);
            assertEq(at, b.anchoredAt, "batch time never changes");
            assertEq(count, b.size, "batch count never changes");
            bytes32[] memory proof = handler.proofOf(b, 0);
            assertEq(anchors.verifyInBatch(b.provider, b.root, b.values[0], proof), b.anchoredAt, "a leaf is proven");
            assertEq(anchors.verifyInBatch(b.provider, b.root, b.values[1], proof), 0, "a wrong proof proves nothing");
            if (b.size == 4) {
                bytes32[] memory up = new bytes32[](1);
                up[0] = proof[1];
                bytes32 inner = hashPair(leaf(b.values[0]), leaf(b.values[1]));
                assertEq(anchors.verifyInBatch(b.provider, b.root, inner, up), 0, "an inner node is no leaf");
            }
        }
        assertEq(handler.foreignEvents(), 0, "every event names the provider that caused it");
    }
}
