// SPDX-License-Identifier: MIT
pragma solidity 0.8.34;

import {ExchangeFixture} from "../base/ExchangeFixture.sol";
import {Test} from "../base/Test.sol";
import {Vm} from "../base/Vm.sol";
import {ConsortiumGated} from "../../contracts/access/ConsortiumGated.sol";
import {ConsortiumRegistry} from "../../contracts/access/ConsortiumRegistry.sol";
import {MemberRoles} from "../../contracts/access/MemberRoles.sol";
import {ConsentRegistry} from "../../contracts/consent/ConsentRegistry.sol";
import {RecordExchange} from "../../contracts/exchange/RecordExchange.sol";
import {IRecordAnchor} from "../../contracts/interfaces/IRecordAnchor.sol";
import {IRecordExchange} from "../../contracts/interfaces/IRecordExchange.sol";
import {RecordAnchor} from "../../contracts/records/RecordAnchor.sol";

/// @notice Drives RecordExchange with key registrations and rotations (valid and malformed keys) and
/// single and batch disclosures by providers, an insurer and a non-member, to members, a non-member and
/// a patient, while consents are granted, revoked and expire, emergency access is taken, records are
/// anchored (alone, in batches, amended), retracted, and members are suspended and reinstated. It keeps
/// its own model of keys, consents, anchors and memberships, predicts for every disclosure the exact
/// outcome (success, or which error with which arguments), asserts it, and checks that a success logs
/// exactly one RecordDisclosed per record, with its fields, and nothing else.
///
/// Anchors are per provider: the two providers attack each other (each anchors the other's record
/// hashes and batch roots, retracts and amends them in its own namespace, and tries to
/// disclose them); the model keeps each provider's entries apart, so every prediction says that only
/// the discloser's own anchors count and that no other provider's can block them. Every anchor event a
/// call emits must name the provider that made the call.
contract ExchangeHandler is Test {
    uint256 internal constant POOL = 12;
    uint256 internal constant ALL_P = (1 << 6) - 1;
    uint256 internal constant ALL_C = (1 << 14) - 1;
    uint256 internal constant EMERGENCY_PURPOSES = (1 << 0) | (1 << 5);
    bytes32 internal constant DISCLOSED = keccak256("RecordDisclosed(address,address,bytes32,uint256,uint256,address)");

    struct ConsentModel {
        uint256 purposes;
        uint256 categories;
        uint64 validUntil;
        uint64 emergencyUntil;
    }

    struct Batch {
        bytes32 root;
        bytes32 a;
        bytes32 b;
        address provider;
    }

    RecordExchange public immutable exchange;
    ConsentRegistry public immutable consent;
    RecordAnchor public immutable anchors;
    ConsortiumRegistry public immutable registry;
    address public immutable gov;

    /// @dev Callers: two providers, an insurer, a non-member. Recipients: the same and a patient.
    address[4] internal _members;
    address[2] internal _patients;
    bytes[8] internal _keys;

    mapping(address account => bytes32 keyHash) public modelKeyHash;
    mapping(address account => uint32) public modelVersion;
    mapping(address account => bool) public suspended;
    mapping(address patient => mapping(address grantee => ConsentModel)) internal _consents;
    mapping(address provider => mapping(bytes32 recordHash => bool)) internal _anchored;
    mapping(address provider => mapping(bytes32 recordHash => bool)) internal _retracted;
    mapping(address provider => mapping(bytes32 root => bool)) internal _batchOwned;
    Batch[] internal _batches;
    /// @dev What each provider anchored on its own, and the indices of its batches: most disclosures pick
    /// from these, so that they succeed often enough for the log to be tested.
    mapping(address provider => bytes32[]) internal _ownRecords;
    mapping(address provider => uint256[]) internal _ownBatches;

    /// @dev Records successfully disclosed, and RecordDisclosed events seen (must be equal).
    uint256 public disclosedRecords;
    uint256 public disclosedEvents;
    /// @dev Disclosures by outcome, to show the campaign reached both sides.
    uint256 public refusals;
    /// @dev Anchor events naming another provider than the caller of the call that emitted them (must stay 0).
    uint256 public foreignAnchorEvents;
    /// @dev Records disclosed by their owner although the other provider had anchored or retracted the
    /// same hash (the exact predictions say such disclosures are never refused; this shows they happen).
    uint256 public disclosedDespiteSquatter;

    constructor(
        RecordExchange exchange_,
        ConsentRegistry consent_,
        RecordAnchor anchors_,
        ConsortiumRegistry registry_,
        address gov_,
        address[4] memory members_,
        address[2] memory patients_,
        bytes[8] memory keys_
    ) {
        (exchange, consent, anchors, registry, gov) = (exchange_, consent_, anchors_, registry_, gov_);
        _members = members_;
        _patients = patients_;
        _keys = keys_;
    }

    function accounts() external view returns (address[6] memory all) {
        (all[0], all[1], all[2], all[3], all[4], all[5]) =
        (_members[0], _members[1], _members[2], _members[3], _patients[0], _patients[1]);
    }

    function hashAt(uint256 i) public pure returns (bytes32) {
        return keccak256(abi.encode("medchain exchanged record", i % POOL));
    }

    // ------------------------------------------------------------------------------------------
    // Keys

    function setKey(uint256 who, uint256 keySeed) external {
        address account = _account(who);
        bytes memory key = _keys[keySeed % _keys.length];
        bool valid = keySeed % _keys.length < 4; // the first four are curve points, the rest malformed
        bytes memory expected;
        if (!valid) {
            expected = abi.encodeWithSelector(IRecordExchange.RecordExchangeInvalidKey.selector, key);
        } else if (modelKeyHash[account] == keccak256(key)) {
            expected = abi.encodeWithSelector(IRecordExchange.RecordExchangeSameKey.selector, account);
        }
        vm.prank(account);
        try exchange.setEncryptionKey(key) {
            assertEq(expected.length, 0, "setEncryptionKey succeeded where the model refuses");
            modelKeyHash[account] = keccak256(key);
            ++modelVersion[account];
        } catch (bytes memory err) {
            assertEq(keccak256(err), keccak256(expected), "setEncryptionKey refused with the predicted error");
        }
    }

    // ------------------------------------------------------------------------------------------
    // The world around: consent, anchors, membership, time

    function grant(uint256 patientSeed, uint256 granteeSeed, uint256 purposes, uint256 categories, uint32 duration)
        external
    {
        address patient = _patients[patientSeed % 2];
        address grantee = _members[granteeSeed % 4];
        // mostly TREAT and the three categories disclosures mostly carry
        purposes = bound(purposes, 1, ALL_P) | (purposes % 4 != 0 ? 1 : 0);
        categories = bound(categories, 1, ALL_C) | (categories % 4 != 0 ? 7 : 0);
        uint64 until = uint64(block.timestamp) + uint64(bound(duration, 1, 20 days));
        vm.prank(patient);
        try consent.grant(patient, grantee, purposes, categories, until) {
            ConsentModel storage c = _consents[patient][grantee];
            (c.purposes, c.categories, c.validUntil) = (purposes, categories, until);
        } catch {}
    }

    function revoke(uint256 patientSeed, uint256 granteeSeed) external {
        address patient = _patients[patientSeed % 2];
        address grantee = _members[granteeSeed % 4];
        vm.prank(patient);
        try consent.revoke(patient, grantee) {
            delete _consents[patient][grantee];
        } catch {}
    }

    function breakGlass(uint256 patientSeed, uint256 providerSeed) external {
        address patient = _patients[patientSeed % 2];
        address provider = _members[providerSeed % 2];
        vm.prank(provider);
        try consent.breakGlass(patient, "UNCONSCIOUS_ED") {
            _consents[patient][provider].emergencyUntil = uint64(block.timestamp) + consent.EMERGENCY_WINDOW();
        } catch {}
    }

    /// @dev Calls the anchor as `caller`; true if it succeeded. Every anchor event it emitted must name `caller`.
    function _anchorCall(address caller, bytes memory data) internal returns (bool ok) {
        vm.recordLogs();
        vm.prank(caller);
        (ok,) = address(anchors).call(data);
        Vm.Log[] memory logs = vm.getRecordedLogs();
        for (uint256 i; i < logs.length; ++i) {
            bytes32 sig = logs[i].topics[0];
            uint256 at;
            if (sig == IRecordAnchor.RecordAmended.selector) {
                at = 3;
            } else if (sig == IRecordAnchor.RecordRetracted.selector || sig == IRecordAnchor.RecordAnchored.selector) {
                at = 2;
            } else if (sig == IRecordAnchor.BatchAnchored.selector) {
                at = 2;
            } else {
                continue;
            }
            if (address(uint160(uint256(logs[i].topics[at]))) != caller) ++foreignAnchorEvents;
        }
    }

    function anchor(uint256 by, uint256 hashSeed) external {
        address caller = _members[by % 4];
        bytes32 h = hashAt(hashSeed);
        if (_anchorCall(caller, abi.encodeCall(IRecordAnchor.anchor, (h)))) {
            _anchored[caller][h] = true;
            _ownRecords[caller].push(h);
        }
    }

    /// @dev The squatter: a provider anchors another's batch root (as a batch of its own, or as a record)
    /// or one of its records, then retracts what it anchored.
    function squat(uint256 by, uint256 batchSeed, uint256 what) external {
        if (_batches.length == 0) return;
        address caller = _members[by % 2];
        Batch memory b = _batches[batchSeed % _batches.length];
        if (what % 3 == 0) {
            if (_anchorCall(caller, abi.encodeCall(IRecordAnchor.anchorBatch, (b.root, 2)))) {
                _batchOwned[caller][b.root] = true;
                _ownBatches[caller].push(_batches.length);
                _batches.push(Batch(b.root, b.a, b.b, caller));
            }
            return;
        }
        bytes32 h = what % 3 == 1 ? b.root : (what & 8 == 0 ? b.a : b.b);
        if (_anchorCall(caller, abi.encodeCall(IRecordAnchor.anchor, (h)))) _anchored[caller][h] = true;
        if (_anchorCall(caller, abi.encodeCall(IRecordAnchor.retract, (h, bytes32("SQUAT"))))) {
            _retracted[caller][h] = true;
        }
    }

    function anchorBatch(uint256 by, uint256 seedA, uint256 seedB) external {
        address caller = _members[by % 4];
        (bytes32 a, bytes32 b) = (hashAt(seedA), hashAt(seedB));
        if (a == b) b = hashAt(seedA % POOL + 1);
        bytes32 root = hashPair(leaf(a), leaf(b));
        if (_anchorCall(caller, abi.encodeCall(IRecordAnchor.anchorBatch, (root, 2)))) {
            _batchOwned[caller][root] = true;
            _ownBatches[caller].push(_batches.length);
            _batches.push(Batch(root, a, b, caller));
        }
    }

    function amend(uint256 by, uint256 oldSeed, uint256 newSeed) external {
        address caller = _members[by % 4];
        (bytes32 o, bytes32 n) = (hashAt(oldSeed), hashAt(newSeed));
        if (_anchorCall(caller, abi.encodeCall(IRecordAnchor.amend, (o, n)))) {
            _anchored[caller][n] = true;
            _ownRecords[caller].push(n);
        }
    }

    function retract(uint256 by, uint256 hashSeed) external {
        address caller = _members[by % 4];
        bytes32 h = hashAt(hashSeed);
        if (_anchorCall(caller, abi.encodeCall(IRecordAnchor.retract, (h, bytes32("WRONG_PATIENT"))))) {
            _retracted[caller][h] = true;
        }
    }

    /// @dev Usually the batch's provider; one time in four another member (an attacker on the batch).
    function retractInBatch(uint256 batchSeed, bool second, uint256 by) external {
        if (_batches.length == 0) return;
        Batch memory batch = _batches[batchSeed % _batches.length];
        (bytes32 h, bytes32[] memory proof) = _member(batch, second);
        address caller = by % 4 == 0 ? _members[(by >> 2) % 4] : batch.provider;
        bytes memory data =
            abi.encodeCall(IRecordAnchor.retractInBatch, (batch.root, h, proof, bytes32("WRONG_PATIENT")));
        if (_anchorCall(caller, data)) {
            assertTrue(_anchored[caller][h] || _batchOwned[caller][batch.root], "only one's own record is retracted");
            _anchored[caller][h] = true;
            _retracted[caller][h] = true;
        }
    }

    function toggleSuspension(uint256 who) external {
        address member = _members[who % 3];
        vm.startPrank(gov);
        if (suspended[member]) registry.reinstateMember(member);
        else registry.suspendMember(member, "AUDIT");
        vm.stopPrank();
        suspended[member] = !suspended[member];
    }

    function warp(uint32 seconds_) external {
        vm.warp(block.timestamp + bound(seconds_, 0, 3 days));
    }

    /// @dev Jumps to the last second of some consent or emergency access, or the first one after it.
    function warpToAnEnd(uint256 patientSeed, uint256 granteeSeed, bool emergency, bool after_) external {
        ConsentModel memory c = _consents[_patients[patientSeed % 2]][_members[granteeSeed % 4]];
        uint64 end = emergency ? c.emergencyUntil : c.validUntil;
        if (end <= block.timestamp + 1) return;
        vm.warp(after_ ? end : end - 1);
    }

    // ------------------------------------------------------------------------------------------
    // Disclosures

    function disclose(uint256 by, uint256 parties, uint256 hashSeed, uint256 purposeSeed, uint256 categorySeed)
        external
    {
        (address caller, address patient, address recipient) = _parties(by, parties);
        IRecordExchange.Disclosure memory d = _item(caller, hashSeed, categorySeed, false);
        uint256 purpose = _purpose(purposeSeed);
        bytes memory expected = _predict(caller, patient, recipient, purpose, _one(d));
        vm.recordLogs();
        vm.prank(caller);
        try exchange.logDisclosure(patient, recipient, d.recordHash, purpose, d.category) {
            _checkSuccess(expected, caller, patient, recipient, purpose, _one(d));
        } catch (bytes memory err) {
            _checkRefusal(expected, err);
        }
    }

    function discloseBatch(
        uint256 by,
        uint256 parties,
        uint256 hashSeed,
        uint256 purposeSeed,
        uint256 categorySeed,
        uint8 size,
        bool withRoots
    ) external {
        (address caller, address patient, address recipient) = _parties(by, parties);
        IRecordExchange.Disclosure[] memory ds = new IRecordExchange.Disclosure[](bound(size, 0, 4));
        for (uint256 i; i < ds.length; ++i) {
            ds[i] = _item(caller, hashSeed / (i + 1) + i, categorySeed >> (i * 16), withRoots);
        }
        uint256 purpose = _purpose(purposeSeed);
        bytes memory expected = _predict(caller, patient, recipient, purpose, ds);
        vm.recordLogs();
        vm.prank(caller);
        try exchange.logDisclosures(patient, recipient, purpose, ds) {
            _checkSuccess(expected, caller, patient, recipient, purpose, ds);
        } catch (bytes memory err) {
            _checkRefusal(expected, err);
        }
    }

    // ------------------------------------------------------------------------------------------
    // The model's verdict

    /// @dev The revert data the contract must answer with (empty: the call must succeed), in its order of
    /// checks: caller, categories, parties, purpose, recipient's membership and key, consent, anchors.
    function _predict(
        address caller,
        address patient,
        address recipient,
        uint256 purpose,
        IRecordExchange.Disclosure[] memory ds
    ) internal view returns (bytes memory) {
        bool activeProvider = (caller == _members[0] || caller == _members[1]) && !suspended[caller];
        if (!activeProvider) {
            return
                abi.encodeWithSelector(ConsortiumGated.ConsortiumInactiveMember.selector, caller, MemberRoles.PROVIDER);
        }
        if (ds.length == 0) return abi.encodeWithSelector(IRecordExchange.RecordExchangeEmptyBatch.selector);
        uint256 categories;
        for (uint256 i; i < ds.length; ++i) {
            if (ds[i].category == 0 || ds[i].category > ALL_C) {
                return abi.encodeWithSelector(
                    IRecordExchange.RecordExchangeInvalidCategory.selector, ds[i].recordHash, ds[i].category
                );
            }
            categories |= ds[i].category;
        }
        if (patient == address(0) || recipient == address(0)) {
            return abi.encodeWithSelector(IRecordExchange.RecordExchangeZeroAddress.selector);
        }
        if (purpose == 0 || purpose > ALL_P || purpose & (purpose - 1) != 0) {
            return abi.encodeWithSelector(IRecordExchange.RecordExchangeInvalidPurpose.selector, purpose);
        }
        if (!_isActive(recipient)) {
            return abi.encodeWithSelector(IRecordExchange.RecordExchangeRecipientNotMember.selector, recipient);
        }
        if (modelVersion[recipient] == 0) {
            return abi.encodeWithSelector(IRecordExchange.RecordExchangeNoEncryptionKey.selector, recipient);
        }
        if (!_consented(patient, recipient, purpose, categories)) {
            return abi.encodeWithSelector(
                IRecordExchange.RecordExchangeNoConsent.selector, patient, recipient, purpose, categories
            );
        }
        for (uint256 i; i < ds.length; ++i) {
            bytes32 h = ds[i].recordHash;
            bool own = ds[i].root == bytes32(0) ? _anchored[caller][h] : _inOwnBatch(caller, ds[i].root, h);
            if (!own) {
                return abi.encodeWithSelector(IRecordExchange.RecordExchangeNotAnchored.selector, caller, h);
            }
            if (_retracted[caller][h]) {
                return abi.encodeWithSelector(IRecordExchange.RecordExchangeRecordRetracted.selector, h);
            }
        }
        return "";
    }

    function _consented(address patient, address grantee, uint256 purpose, uint256 categories)
        internal
        view
        returns (bool)
    {
        ConsentModel memory c = _consents[patient][grantee];
        if (block.timestamp < c.validUntil && purpose & ~c.purposes == 0 && categories & ~c.categories == 0) {
            return true;
        }
        return block.timestamp < c.emergencyUntil && purpose & ~EMERGENCY_PURPOSES == 0;
    }

    /// @dev Whether `provider` anchored batch `root` and `h` is one of its two records (the handler's
    /// proofs are valid exactly for the records of a batch).
    function _inOwnBatch(address provider, bytes32 root, bytes32 h) internal view returns (bool) {
        if (!_batchOwned[provider][root]) return false;
        for (uint256 i; i < _batches.length; ++i) {
            Batch memory b = _batches[i];
            if (b.root == root && (b.a == h || b.b == h)) return true;
        }
        return false;
    }

    /// @dev Whether the other provider anchored or retracted `h` too (a squatter was there).
    function _squatted(address caller, bytes32 h) internal view returns (bool) {
        address other = caller == _members[0] ? _members[1] : _members[0];
        return _anchored[other][h] || _retracted[other][h];
    }

    function _isActive(address account) internal view returns (bool) {
        for (uint256 i; i < 3; ++i) {
            if (_members[i] == account) return !suspended[account];
        }
        return false;
    }

    // ------------------------------------------------------------------------------------------
    // Per-call checks

    /// @dev A success the model predicted, logging exactly one RecordDisclosed per record, in order.
    function _checkSuccess(
        bytes memory expected,
        address caller,
        address patient,
        address recipient,
        uint256 purpose,
        IRecordExchange.Disclosure[] memory ds
    ) internal {
        assertEq(keccak256(expected), keccak256(""), "a disclosure succeeded where the model refuses");
        Vm.Log[] memory logs = vm.getRecordedLogs();
        assertEq(logs.length, ds.length, "one log per record disclosed, nothing else");
        for (uint256 i; i < logs.length; ++i) {
            assertEq(logs[i].emitter, address(exchange), "logged by the exchange");
            assertEq(logs[i].topics[0], DISCLOSED, "a RecordDisclosed event");
            assertEq(logs[i].topics[1], bytes32(uint256(uint160(patient))), "its patient");
            assertEq(logs[i].topics[2], bytes32(uint256(uint160(recipient))), "its recipient");
            assertEq(logs[i].topics[3], ds[i].recordHash, "its record, in order");
            (uint256 p, uint256 c, address discloser) = abi.decode(logs[i].data, (uint256, uint256, address));
            assertEq(p, purpose, "its purpose");
            assertEq(c, ds[i].category, "its category");
            assertEq(discloser, caller, "its discloser");
            if (_squatted(caller, ds[i].recordHash)) ++disclosedDespiteSquatter;
            ++disclosedEvents;
        }
        disclosedRecords += ds.length;
    }

    function _checkRefusal(bytes memory expected, bytes memory err) internal {
        vm.getRecordedLogs(); // drop what a reverted call showed
        assertGt(expected.length, 0, "a disclosure was refused where the model allows it");
        assertEq(keccak256(err), keccak256(expected), "refused with the predicted error and arguments");
        ++refusals;
    }

    // ------------------------------------------------------------------------------------------
    // Inputs

    function _account(uint256 seed) internal view returns (address) {
        uint256 i = seed % 6;
        return i < 4 ? _members[i] : _patients[i - 4];
    }

    /// @dev Mostly the two providers disclosing to each other about a patient; sometimes anyone, anything.
    function _parties(uint256 by, uint256 parties)
        internal
        view
        returns (address caller, address patient, address recipient)
    {
        caller = by % 8 < 6 ? _members[by % 2] : _members[by % 4];
        uint256 p = parties % 16;
        patient = p == 15 ? address(0) : _patients[p < 12 ? 0 : 1];
        uint256 r = (parties >> 8) % 16;
        if (r < 12) recipient = _members[1 - by % 2];
        else if (r < 14) recipient = _members[r - 10]; // the insurer or the non-member
        else recipient = r == 14 ? _patients[0] : address(0);
    }

    function _purpose(uint256 seed) internal pure returns (uint256) {
        uint256 s = seed % 16;
        if (s < 12) return s < 9 ? 1 : 1 << (s % 6); // TREAT mostly, each known bit sometimes
        if (s == 12) return 0;
        if (s == 13) return 1 | (1 << 5);
        return 1 << (6 + s % 2); // unknown bits
    }

    function _category(uint256 seed) internal pure returns (uint256) {
        uint256 s = seed % 32;
        if (s < 24) return 1 << (s % 3); // demographics, encounters, conditions: often consented
        if (s < 29) return (seed >> 8) & ALL_C; // any mask, possibly empty
        return s == 29 ? 1 << 14 : 0;
    }

    /// @dev Three times in four a record of the caller's own (alone, or with its batch's root and proof
    /// when `withRoot`); otherwise any pool record, with the root of a batch holding it, or a wrong one.
    function _item(address caller, uint256 hashSeed, uint256 categorySeed, bool withRoot)
        internal
        view
        returns (IRecordExchange.Disclosure memory d)
    {
        d.category = _category(categorySeed);
        uint256 pick = hashSeed >> 8;
        if (hashSeed % 4 != 0) {
            if (withRoot && _ownBatches[caller].length != 0) {
                Batch memory b = _batches[_ownBatches[caller][pick % _ownBatches[caller].length]];
                d.root = b.root;
                (d.recordHash, d.proof) = _member(b, pick % 2 == 0);
                return d;
            }
            if (_ownRecords[caller].length != 0) {
                d.recordHash = _ownRecords[caller][pick % _ownRecords[caller].length];
                return d;
            }
        }
        d.recordHash = hashAt(hashSeed);
        if (!withRoot || _batches.length == 0) return d;
        for (uint256 k; k < _batches.length; ++k) {
            Batch memory b = _batches[(pick % _batches.length + k) % _batches.length];
            if (b.a == d.recordHash || b.b == d.recordHash || k + 1 == _batches.length) {
                d.root = b.root;
                d.proof = new bytes32[](1);
                // the member's sibling (a valid proof), or for a non-member a proof that fails
                d.proof[0] = b.a == d.recordHash ? leaf(b.b) : leaf(b.a);
                return d;
            }
        }
    }

    function _one(IRecordExchange.Disclosure memory d) internal pure returns (IRecordExchange.Disclosure[] memory ds) {
        ds = new IRecordExchange.Disclosure[](1);
        ds[0] = d;
    }

    function _member(Batch memory batch, bool second) internal pure returns (bytes32 h, bytes32[] memory proof) {
        proof = new bytes32[](1);
        (h, proof[0]) = second ? (batch.b, leaf(batch.a)) : (batch.a, leaf(batch.b));
    }
}

/// @notice RecordExchange's NatSpec invariants under random sequences of every state change around it.
contract RecordExchangeInvariants is ExchangeFixture {
    ExchangeHandler internal handler;

    function setUp() public {
        deployExchange();
        address patient2 = vm.addr(0xB0B);
        bytes[8] memory keys =
            [KEY_G, KEY_G_ODD, KEY_2G, KEY_3G, KEY_OFF_CURVE, KEY_X_ABOVE_P, KEY_BAD_PREFIX, KEY_UNCOMPRESSED];
        handler = new ExchangeHandler(
            exchange, consent, anchors, registry, gov, [hospital, clinic, insurer, stranger], [patient, patient2], keys
        );
        // A world where disclosures can succeed from the first call: both providers hold keys, and the
        // patient consents to each for treatment with demographics, encounters and conditions. The
        // handler registers, rotates and mangles keys, and grants, revokes and lets consents expire.
        handler.setKey(0, 0);
        handler.setKey(1, 2);
        handler.grant(0, 0, 1, 7, 20 days);
        handler.grant(0, 1, 1, 7, 20 days);
        targetContract(address(handler));
        bytes4[] memory selectors = new bytes4[](23);
        selectors[0] = ExchangeHandler.setKey.selector;
        selectors[1] = ExchangeHandler.setKey.selector;
        selectors[2] = ExchangeHandler.grant.selector;
        selectors[3] = ExchangeHandler.grant.selector;
        selectors[4] = ExchangeHandler.revoke.selector;
        selectors[5] = ExchangeHandler.breakGlass.selector;
        selectors[6] = ExchangeHandler.anchor.selector;
        selectors[7] = ExchangeHandler.anchor.selector;
        selectors[8] = ExchangeHandler.anchorBatch.selector;
        selectors[9] = ExchangeHandler.amend.selector;
        selectors[10] = ExchangeHandler.retract.selector;
        selectors[11] = ExchangeHandler.retractInBatch.selector;
        selectors[12] = ExchangeHandler.toggleSuspension.selector;
        selectors[13] = ExchangeHandler.warp.selector;
        selectors[14] = ExchangeHandler.warpToAnEnd.selector;
        selectors[15] = ExchangeHandler.disclose.selector;
        selectors[16] = ExchangeHandler.disclose.selector;
        selectors[17] = ExchangeHandler.disclose.selector;
        selectors[18] = ExchangeHandler.discloseBatch.selector;
        selectors[19] = ExchangeHandler.discloseBatch.selector;
        selectors[20] = ExchangeHandler.anchorBatch.selector;
        selectors[21] = ExchangeHandler.squat.selector;
        selectors[22] = ExchangeHandler.squat.selector;
        targetSelector(FuzzSelector(address(handler), selectors));
    }

    /// @dev Keys are the last valid key each account set, versions count its changes; every record
    /// disclosed was logged exactly once (the per-call checks assert which, and that each outcome was
    /// the model's).
    function invariant_exchange() public view {
        address[6] memory all = handler.accounts();
        for (uint256 i; i < all.length; ++i) {
            (bytes memory key, uint32 version,) = exchange.encryptionKeyDetails(all[i]);
            assertEq(version, handler.modelVersion(all[i]), "key version counts the account's key changes");
            if (version == 0) assertEq(key.length, 0, "no key before the first");
            else assertEq(keccak256(key), handler.modelKeyHash(all[i]), "the last valid key set");
        }
        assertEq(handler.disclosedEvents(), handler.disclosedRecords(), "one RecordDisclosed per record disclosed");
        assertEq(handler.foreignAnchorEvents(), 0, "every anchor event names the provider whose call emitted it");
    }
}
