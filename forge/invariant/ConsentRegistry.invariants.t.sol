// SPDX-License-Identifier: MIT
pragma solidity 0.8.34;

import {Fixture} from "../base/Fixture.sol";
import {Test} from "../base/Test.sol";
import {Vm} from "../base/Vm.sol";
import {ConsortiumRegistry} from "../../contracts/access/ConsortiumRegistry.sol";
import {ConsentRegistry} from "../../contracts/consent/ConsentRegistry.sol";
import {IConsentRegistry} from "../../contracts/interfaces/IConsentRegistry.sol";

/// @notice Drives ConsentRegistry with the patients, their delegate and a crowd of attackers: grantees
/// relaying old, replayed, reordered or tampered signatures, forged signatures, a removed delegate,
/// another provider, a suspended member, a non-member, a rogue regulator and the other patient, each
/// calling every function on patients it does not own. Every call's events are recorded and checked
/// against who sent it and what was signed; the state the events describe is kept for the invariants.
contract ConsentHandler is Test {
    uint256 internal constant ALL_P = (1 << 6) - 1;
    uint256 internal constant ALL_C = (1 << 14) - 1;
    uint256 internal constant POOL = 24;
    uint256 internal constant NONCES = 12;

    bytes32 internal constant GRANTED = keccak256("ConsentGranted(address,address,uint256,uint256,uint64,address)");
    bytes32 internal constant REVOKED = keccak256("ConsentRevoked(address,address,address)");
    bytes32 internal constant DELEGATE_SET = keccak256("DelegateSet(address,address,uint64)");
    bytes32 internal constant DELEGATE_REMOVED = keccak256("DelegateRemoved(address,address)");
    bytes32 internal constant NONCE_CANCELLED = keccak256("NonceCancelled(address,uint256)");
    bytes32 internal constant EMERGENCY = keccak256("EmergencyAccessed(address,address,bytes32,uint64)");
    bytes32 internal constant BARRED = keccak256("EmergencyAccessBarred(address,address,address)");
    bytes32 internal constant ALLOWED = keccak256("EmergencyAccessAllowed(address,address,address)");

    /// @dev The (patient, grantee) state as the events describe it.
    struct State {
        uint256 purposes;
        uint256 categories;
        uint64 validUntil;
        uint64 emergencyUntil;
        uint64 revokedAt; // latest revocation time (block time, or signing time of a relayed one)
        bool barred;
    }

    /// @dev A message signed by a patient (or forged), kept so that it can be relayed late, again, or reordered.
    struct Signed {
        bool isGrant;
        address patient;
        address grantee;
        uint256 purposes;
        uint256 categories;
        uint64 until;
        uint64 signedAt;
        uint256 nonce;
        uint256 deadline;
        bytes signature;
    }

    /// @dev Who sent the call being checked, and the signed message it relayed (if any).
    struct Context {
        address sender;
        bool relayed;
        bool forged;
        Signed message;
    }

    ConsentRegistry public immutable consent;
    ConsortiumRegistry public immutable registry;
    address public immutable gov;
    address public immutable rogueRegulator;

    uint256[2] internal _patientKeys = [uint256(0xA11CE), uint256(0xB0B)];
    uint256 internal constant ATTACKER_KEY = 0xBAD;
    address[2] internal _patients;
    address[4] internal _grantees; // two providers, an insurer, a non-member
    address public constant GUARDIAN = address(0x6A4D);

    mapping(address patient => mapping(address grantee => State)) internal _state;
    mapping(address patient => mapping(address delegate => uint64)) public delegateLog;
    mapping(address patient => mapping(uint256 nonce => bool)) public nonceLog;
    mapping(bytes32 digest => bool) internal _relayedOnce;
    mapping(address grantee => bool) public suspended;
    Signed[] internal _pool;
    uint256 internal _poolNext;
    Context internal _ctx;

    /// @dev Broken properties, each counted where the events show it (all must stay 0).
    uint256 public grantsByNonOwner; // ConsentGranted not sent by the patient, an active delegate or its signature
    uint256 public endsByNonOwner; // ConsentRevoked / EmergencyAccessBarred / Allowed not by the patient or delegate
    uint256 public grantsSignedBeforeRevocation; // a relayed grant signed at or before a revocation took effect
    uint256 public grantsOutlivingDelegation;
    uint256 public reopenedEmergencies; // EmergencyAccessed while the patient's bar stood
    uint256 public emergenciesByOthers; // EmergencyAccessed by someone other than the caller
    uint256 public replays; // the same signed message took effect twice, or a forged/tampered one once
    uint256 public lateRelays; // relayed after its deadline

    /// @dev Successful changes, to show the campaign did more than fail.
    uint256 public grants;
    uint256 public revocations;
    uint256 public relayRefusals;

    constructor(
        ConsentRegistry consent_,
        ConsortiumRegistry registry_,
        address gov_,
        address rogueRegulator_,
        address[4] memory grantees_
    ) {
        consent = consent_;
        registry = registry_;
        gov = gov_;
        rogueRegulator = rogueRegulator_;
        _patients = [vm.addr(_patientKeys[0]), vm.addr(_patientKeys[1])];
        _grantees = grantees_;
    }

    function patients() external view returns (address[2] memory) {
        return _patients;
    }

    function grantees() external view returns (address[4] memory) {
        return _grantees;
    }

    function state(address p, address g) external view returns (State memory) {
        return _state[p][g];
    }

    // ------------------------------------------------------------------------------------------
    // The patients and their delegate

    function grant(uint256 ps, uint256 gs, uint256 purposes, uint256 categories, uint32 duration, bool byDelegate)
        external
    {
        (address p, address g) = (_patients[ps % 2], _grantees[gs % 4]);
        uint64 until = uint64(block.timestamp + bound(duration, 0, 60 days));
        _direct(byDelegate ? GUARDIAN : p);
        try consent.grant(p, g, _mask(purposes, ALL_P), _mask(categories, ALL_C), until) {} catch {}
        _check();
    }

    function revoke(uint256 ps, uint256 gs, bool byDelegate) external {
        (address p, address g) = (_patients[ps % 2], _grantees[gs % 4]);
        _direct(byDelegate ? GUARDIAN : p);
        try consent.revoke(p, g) {} catch {}
        _check();
    }

    function allowEmergencyAccess(uint256 ps, uint256 gs, bool byDelegate) external {
        (address p, address g) = (_patients[ps % 2], _grantees[gs % 4]);
        _direct(byDelegate ? GUARDIAN : p);
        try consent.allowEmergencyAccess(p, g) {} catch {}
        _check();
    }

    function cancelNonce(uint256 ps, uint256 nonce) external {
        address p = _patients[ps % 2];
        _direct(p);
        try consent.cancelNonce(nonce % NONCES) {} catch {}
        _check();
    }

    function setDelegate(uint256 ps, uint32 duration) external {
        address p = _patients[ps % 2];
        _direct(p);
        try consent.setDelegate(GUARDIAN, uint64(block.timestamp + bound(duration, 0, 30 days))) {} catch {}
        _check();
    }

    function removeDelegate(uint256 ps) external {
        address p = _patients[ps % 2];
        _direct(p);
        try consent.removeDelegate(GUARDIAN) {} catch {}
        _check();
    }

    /// @notice A patient signs a grant or a revocation (its wallet's clock up to an hour behind), kept
    /// in the pool; relayed now or later, by anyone, perhaps more than once.
    function sign(
        uint256 ps,
        uint256 gs,
        bool isGrant,
        uint256 purposes,
        uint256 categories,
        uint32 duration,
        uint256 nonce,
        uint32 clockLag,
        bool relayNow
    ) external {
        Signed memory m;
        m.isGrant = isGrant;
        m.patient = _patients[ps % 2];
        m.grantee = _grantees[gs % 4];
        m.purposes = _mask(purposes, ALL_P);
        m.categories = _mask(categories, ALL_C);
        m.until = uint64(block.timestamp + bound(duration, 1, 60 days));
        m.signedAt = uint64(block.timestamp - bound(clockLag, 0, 1 hours));
        m.nonce = nonce % NONCES;
        m.deadline = block.timestamp + 2 hours;
        m.signature = _signWith(_patientKeys[ps % 2], m);
        if (_pool.length < POOL) {
            _pool.push(m);
        } else {
            _pool[_poolNext] = m;
            _poolNext = (_poolNext + 1) % POOL;
        }
        if (relayNow) _relay(m, m.grantee, false);
    }

    // ------------------------------------------------------------------------------------------
    // Attackers

    /// @notice A grantee (or anyone) relays a pooled message: late, again, out of order.
    function relayOld(uint256 index, uint256 relayerSeed, uint32 delay) external {
        if (_pool.length == 0) return;
        vm.warp(block.timestamp + bound(delay, 0, 3 hours));
        _relay(_pool[index % _pool.length], _attacker(relayerSeed), false);
    }

    /// @notice A pooled message relayed with a field changed (signing time moved later, wider purposes,
    /// other grantee): the signature no longer matches.
    function relayTampered(uint256 index, uint8 field, uint256 relayerSeed) external {
        if (_pool.length == 0) return;
        Signed memory m = _pool[index % _pool.length];
        if (field % 3 == 0) {
            m.signedAt = m.signedAt < block.timestamp ? m.signedAt + 1 : m.signedAt - 1;
        } else if (field % 3 == 1 && m.isGrant) {
            m.purposes ^= 1 << 1;
        } else {
            uint256 k;
            while (_grantees[k] != m.grantee) ++k;
            m.grantee = _grantees[(k + 1) % 4];
        }
        _relay(m, _attacker(relayerSeed), true);
    }

    /// @notice An attacker signs a message in a patient's name with its own key.
    function relayForged(uint256 ps, uint256 gs, bool isGrant, uint256 nonce) external {
        Signed memory m;
        m.isGrant = isGrant;
        m.patient = _patients[ps % 2];
        m.grantee = _grantees[gs % 4];
        (m.purposes, m.categories) = (ALL_P, ALL_C);
        m.until = uint64(block.timestamp + 30 days);
        m.signedAt = uint64(block.timestamp);
        m.nonce = nonce % NONCES;
        m.deadline = block.timestamp + 1 hours;
        m.signature = _signWith(ATTACKER_KEY, m);
        _relay(m, _attacker(gs), true);
    }

    /// @notice Someone who is not the patient (another provider, the grantee itself, a suspended member,
    /// a non-member, a rogue regulator, the other patient, a removed delegate) acts on a patient's consents.
    function attack(uint256 actorSeed, uint256 ps, uint256 gs, uint8 op, uint32 duration) external {
        (address p, address g) = (_patients[ps % 2], _grantees[gs % 4]);
        address actor = _attacker(actorSeed);
        if (actorSeed % 9 == 7) actor = _patients[(ps % 2) ^ 1];
        if (actorSeed % 9 == 8) actor = GUARDIAN; // a delegate: legitimate only while appointed
        _direct(actor);
        if (op % 4 == 0) {
            try consent.grant(p, g, ALL_P, ALL_C, uint64(block.timestamp + bound(duration, 1, 365 days))) {} catch {}
        } else if (op % 4 == 1) {
            try consent.revoke(p, g) {} catch {}
        } else if (op % 4 == 2) {
            try consent.allowEmergencyAccess(p, g) {} catch {}
        } else {
            try consent.breakGlass(p, "UNCONSCIOUS_ED") {} catch {}
        }
        _check();
    }

    /// @notice A provider breaks the glass (legitimately, unless barred).
    function breakGlass(uint256 ps, uint256 gs) external {
        (address p, address g) = (_patients[ps % 2], _grantees[gs % 4]);
        _direct(g);
        try consent.breakGlass(p, "UNCONSCIOUS_ED") {} catch {}
        _check();
    }

    function toggleSuspension(uint256 gs) external {
        address g = _grantees[gs % 3]; // members only
        vm.startPrank(gov);
        if (suspended[g]) registry.reinstateMember(g);
        else registry.suspendMember(g, "AUDIT");
        vm.stopPrank();
        suspended[g] = !suspended[g];
    }

    function warp(uint32 seconds_) external {
        vm.warp(block.timestamp + bound(seconds_, 0, 3 days));
    }

    /// @dev Jumps to the end second (or the second before) of a consent, emergency access or
    /// delegation on record: where off-by-one errors live.
    function warpToBoundary(uint256 ps, uint256 gs, uint8 which) external {
        (address p, address g) = (_patients[ps % 2], _grantees[gs % 4]);
        State memory s = _state[p][g];
        uint256 end = which % 3 == 0 ? s.validUntil : which % 3 == 1 ? s.emergencyUntil : delegateLog[p][GUARDIAN];
        if (which >= 128 && end > 0) end -= 1;
        if (end > block.timestamp) vm.warp(end);
    }

    // ------------------------------------------------------------------------------------------
    // Relaying and checking

    function _relay(Signed memory m, address relayer, bool forged) internal {
        _ctx.sender = relayer;
        _ctx.relayed = true;
        _ctx.forged = forged;
        _ctx.message = m;
        vm.recordLogs();
        vm.prank(relayer);
        bool ok;
        if (m.isGrant) {
            try consent.grantBySig(
                m.patient, m.grantee, m.purposes, m.categories, m.until, m.signedAt, m.nonce, m.deadline, m.signature
            ) {
                ok = true;
            } catch {}
        } else {
            try consent.revokeBySig(m.patient, m.grantee, m.signedAt, m.nonce, m.deadline, m.signature) {
                ok = true;
            } catch {}
        }
        if (ok) {
            bytes32 id = keccak256(m.signature);
            if (forged || _relayedOnce[id]) ++replays;
            if (block.timestamp > m.deadline) ++lateRelays;
            _relayedOnce[id] = true;
            nonceLog[m.patient][m.nonce] = true;
        } else {
            ++relayRefusals;
        }
        _processLogs();
    }

    function _direct(address sender) internal {
        _ctx.sender = sender;
        _ctx.relayed = false;
        vm.recordLogs();
        vm.prank(sender);
    }

    function _check() internal {
        _processLogs();
    }

    /// @dev Whether `who` may act for `p` now, by the events seen so far.
    function _owner(address p, address who) internal view returns (bool) {
        return who == p || block.timestamp < delegateLog[p][who];
    }

    /// @dev Replays the events of the last call against what the handler knows it sent.
    function _processLogs() internal {
        Vm.Log[] memory logs = vm.getRecordedLogs();
        for (uint256 i; i < logs.length; ++i) {
            Vm.Log memory log = logs[i];
            if (log.emitter != address(consent)) continue;
            bytes32 topic = log.topics[0];
            if (topic == DELEGATE_SET || topic == DELEGATE_REMOVED) {
                address p = address(uint160(uint256(log.topics[1])));
                address d = address(uint160(uint256(log.topics[2])));
                delegateLog[p][d] = topic == DELEGATE_SET ? abi.decode(log.data, (uint64)) : 0;
                continue;
            }
            if (topic == NONCE_CANCELLED) {
                (uint256 nonce) = abi.decode(log.data, (uint256));
                nonceLog[address(uint160(uint256(log.topics[1])))][nonce] = true;
                continue;
            }
            address patient = address(uint160(uint256(log.topics[1])));
            address grantee = address(uint160(uint256(log.topics[2])));
            State storage s = _state[patient][grantee];
            if (topic == GRANTED) _onGranted(patient, s, log.data);
            else if (topic == REVOKED) _onRevoked(patient, s, log.data);
            else if (topic == EMERGENCY) _onEmergency(grantee, s, log.data);
            else if (topic == BARRED || topic == ALLOWED) _onBar(patient, s, topic == BARRED, log.data);
        }
    }

    function _onGranted(address patient, State storage s, bytes memory data) internal {
        (uint256 purposes, uint256 categories, uint64 validUntil, address by) =
            abi.decode(data, (uint256, uint256, uint64, address));
        if (_ctx.relayed) {
            // Only the patient's own signature, over exactly this consent, signed after every revocation.
            Signed memory m = _ctx.message;
            if (_ctx.forged || by != patient || m.patient != patient) ++grantsByNonOwner;
            if (m.signedAt <= s.revokedAt) ++grantsSignedBeforeRevocation;
        } else {
            if (by != _ctx.sender || !_owner(patient, _ctx.sender)) ++grantsByNonOwner;
            if (_ctx.sender != patient && validUntil > delegateLog[patient][_ctx.sender]) ++grantsOutlivingDelegation;
        }
        (s.purposes, s.categories, s.validUntil) = (purposes, categories, validUntil);
        ++grants;
    }

    function _onRevoked(address patient, State storage s, bytes memory data) internal {
        address by = abi.decode(data, (address));
        uint64 at = uint64(block.timestamp);
        if (_ctx.relayed) {
            if (_ctx.forged || by != patient || _ctx.message.patient != patient) ++endsByNonOwner;
            at = _ctx.message.signedAt;
        } else if (by != _ctx.sender || !_owner(patient, _ctx.sender)) {
            ++endsByNonOwner;
        }
        if (at > s.revokedAt) s.revokedAt = at;
        (s.purposes, s.categories, s.validUntil) = (0, 0, 0);
        ++revocations;
    }

    function _onEmergency(address provider, State storage s, bytes memory data) internal {
        (, uint64 expiresAt) = abi.decode(data, (bytes32, uint64));
        if (s.barred) ++reopenedEmergencies;
        if (_ctx.relayed || provider != _ctx.sender) ++emergenciesByOthers;
        s.emergencyUntil = expiresAt;
    }

    function _onBar(address patient, State storage s, bool barred, bytes memory data) internal {
        address by = abi.decode(data, (address));
        bool owner = _ctx.relayed ? (!_ctx.forged && by == patient) : (by == _ctx.sender && _owner(patient, by));
        if (!owner) ++endsByNonOwner;
        s.barred = barred;
        if (barred) s.emergencyUntil = 0;
    }

    // ------------------------------------------------------------------------------------------
    // Helpers

    /// @dev One of the attackers: the two providers, the insurer, the non-member, the rogue regulator,
    /// or whichever grantee is currently suspended.
    function _attacker(uint256 seed) internal view returns (address) {
        uint256 i = seed % 7;
        if (i < 4) return _grantees[i];
        if (i == 4) return rogueRegulator;
        if (i == 5) {
            return suspended[_grantees[0]] ? _grantees[0] : suspended[_grantees[2]] ? _grantees[2] : _grantees[1];
        }
        return address(uint160(0xA77AC0 + seed % 3));
    }

    /// @dev A non-empty mask of known bits (sometimes with an unknown bit, which must be refused).
    function _mask(uint256 seed, uint256 all) internal pure returns (uint256) {
        if (seed % 16 == 0) return (seed >> 8) & ~all; // unknown bits (or zero)
        uint256 m = (seed >> 8) & all;
        return m == 0 ? 1 : m;
    }

    function _signWith(uint256 key, Signed memory m) internal view returns (bytes memory) {
        bytes32 structHash = m.isGrant
            ? keccak256(
                abi.encode(
                    consent.CONSENT_TYPEHASH(),
                    m.patient,
                    m.grantee,
                    m.purposes,
                    m.categories,
                    m.until,
                    m.signedAt,
                    m.nonce,
                    m.deadline
                )
            )
            : keccak256(
                abi.encode(consent.REVOCATION_TYPEHASH(), m.patient, m.grantee, m.signedAt, m.nonce, m.deadline)
            );
        bytes32 digest = keccak256(abi.encodePacked("\x19\x01", consent.DOMAIN_SEPARATOR(), structHash));
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(key, digest);
        return abi.encodePacked(r, s, v);
    }
}

/// @notice ConsentRegistry's ownership and finality properties under random sequences of every state
/// change by owners and attackers, checked against the events.
contract ConsentRegistryInvariants is Fixture {
    ConsentHandler internal handler;

    function setUp() public {
        deploySuite();
        address[4] memory grantees = [hospital, clinic, insurer, stranger];
        handler = new ConsentHandler(consent, registry, gov, regulator, grantees);
        targetContract(address(handler));
        bytes4[] memory selectors = new bytes4[](17);
        selectors[0] = ConsentHandler.grant.selector;
        selectors[1] = ConsentHandler.revoke.selector;
        selectors[2] = ConsentHandler.allowEmergencyAccess.selector;
        selectors[3] = ConsentHandler.cancelNonce.selector;
        selectors[4] = ConsentHandler.setDelegate.selector;
        selectors[5] = ConsentHandler.removeDelegate.selector;
        selectors[6] = ConsentHandler.sign.selector;
        selectors[7] = ConsentHandler.relayOld.selector;
        selectors[8] = ConsentHandler.relayTampered.selector;
        selectors[9] = ConsentHandler.relayForged.selector;
        selectors[10] = ConsentHandler.attack.selector;
        selectors[11] = ConsentHandler.breakGlass.selector;
        selectors[12] = ConsentHandler.toggleSuspension.selector;
        selectors[13] = ConsentHandler.warp.selector;
        selectors[14] = ConsentHandler.warpToBoundary.selector;
        selectors[15] = ConsentHandler.sign.selector; // signs twice as often: more to relay late and reorder
        selectors[16] = ConsentHandler.relayOld.selector;
        targetSelector(FuzzSelector(address(handler), selectors));
    }

    /// @dev Ownership and finality, from the events: only the patient, its active delegate or its own
    /// signature ever emits ConsentGranted / ConsentRevoked / EmergencyAccessBarred / Allowed for it; after
    /// a ConsentRevoked, no grant signed before it takes effect; a delegate's grant ends with its
    /// appointment; a barred provider never breaks the glass again; a signed message takes effect at most
    /// once, never after its deadline, never forged or tampered.
    function invariant_ownershipAndFinality() public view {
        assertEq(handler.grantsByNonOwner(), 0, "only the patient, its active delegate or its signature grants");
        assertEq(handler.endsByNonOwner(), 0, "only the patient or its active delegate revokes, bars or allows");
        assertEq(handler.grantsSignedBeforeRevocation(), 0, "no grant signed before a revocation takes effect");
        assertEq(handler.grantsOutlivingDelegation(), 0, "a delegate's grant never outlives its appointment");
        assertEq(handler.reopenedEmergencies(), 0, "a barred provider never breaks the glass again");
        assertEq(handler.emergenciesByOthers(), 0, "emergency access only for the provider that asked");
        assertEq(handler.replays(), 0, "a signed message takes effect once, never forged or tampered");
        assertEq(handler.lateRelays(), 0, "never after its deadline");
    }

    /// @dev What the registry answers equals what the events say: hasConsent for every probe, the
    /// emergency access and bar, the delegates and the spent nonces.
    function invariant_viewsMatchTheEvents() public view {
        address[2] memory ps = handler.patients();
        address[4] memory gs = handler.grantees();
        uint256[4] memory purposes = [uint256(1 << 0), 1 << 1, (1 << 0) | (1 << 5), (1 << 6) - 1];
        uint256[3] memory categories = [uint256(1 << 0), 1 << 13, (1 << 14) - 1];
        for (uint256 i; i < ps.length; ++i) {
            for (uint256 j; j < gs.length; ++j) {
                ConsentHandler.State memory s = handler.state(ps[i], gs[j]);
                for (uint256 a; a < purposes.length; ++a) {
                    for (uint256 b; b < categories.length; ++b) {
                        assertEq(
                            consent.hasConsent(ps[i], gs[j], purposes[a], categories[b]),
                            _expected(s, purposes[a], categories[b]),
                            "hasConsent = the events"
                        );
                    }
                }
                assertFalse(consent.hasConsent(ps[i], gs[j], 1 << 0, 1 << 14), "an unknown category never passes");
                assertEq(consent.emergencyAccessOf(ps[i], gs[j]), s.emergencyUntil, "emergency access = the events");
                assertEq(consent.emergencyBarred(ps[i], gs[j]), s.barred, "bar = the events");
                assertGe(consent.lastAuthorisedAt(ps[i], gs[j]), s.revokedAt, "the cutoff never moves back");
            }
            assertEq(
                consent.delegateUntil(ps[i], handler.GUARDIAN()),
                handler.delegateLog(ps[i], handler.GUARDIAN()),
                "delegate"
            );
            for (uint256 n; n < 12; ++n) {
                assertEq(consent.nonceUsed(ps[i], n), handler.nonceLog(ps[i], n), "nonce spent exactly when used");
            }
        }
    }

    function _expected(ConsentHandler.State memory s, uint256 purposes, uint256 categories)
        internal
        view
        returns (bool)
    {
        if (block.timestamp < s.validUntil && purposes & ~s.purposes == 0 && categories & ~s.categories == 0) {
            return true;
        }
        return block.timestamp < s.emergencyUntil && purposes & ~uint256((1 << 0) | (1 << 5)) == 0;
    }
}
