// SPDX-License-Identifier: MIT
pragma solidity 0.8.34;

import {Fixture} from "../base/Fixture.sol";
import {Test} from "../base/Test.sol";
import {ConsortiumRegistry} from "../../contracts/access/ConsortiumRegistry.sol";
import {ConsentRegistry} from "../../contracts/consent/ConsentRegistry.sol";

/// @notice Drives ConsentRegistry with random grants (direct, by delegate, signed), revocations
/// (direct, by delegate, signed), nonce cancellations, break-glass, delegations, grantee suspensions
/// and time, keeping a model of what each (patient, grantee) may do.
contract ConsentHandler is Test {
    uint256 internal constant ALL_P = (1 << 6) - 1;
    uint256 internal constant ALL_C = (1 << 14) - 1;
    uint256 internal constant EMERGENCY_PURPOSES = (1 << 0) | (1 << 5);

    struct Model {
        uint256 purposes;
        uint256 categories;
        uint64 validUntil;
        uint64 emergencyUntil;
    }

    ConsentRegistry public immutable consent;
    ConsortiumRegistry public immutable registry;
    address public immutable gov;
    uint64 public immutable window;

    uint256[2] internal _patientKeys = [uint256(0xA11CE), uint256(0xB0B)];
    address[2] internal _patients;
    address[4] internal _grantees; // two providers, an insurer, a non-member
    address public constant GUARDIAN = address(0x6A4D);

    mapping(address patient => mapping(address grantee => Model)) internal _model;
    mapping(address patient => mapping(uint256 nonce => bool)) public modelNonceUsed;
    mapping(address patient => uint64) public modelDelegateUntil;
    mapping(address grantee => bool) public suspended;

    /// @dev Relays that went through with a spent nonce or after their deadline (must stay 0).
    uint256 public badRelays;
    /// @dev Successful changes, to show the campaign did more than fail.
    uint256 public grants;
    uint256 public revocations;

    constructor(ConsentRegistry consent_, ConsortiumRegistry registry_, address gov_, address[4] memory grantees_) {
        consent = consent_;
        registry = registry_;
        gov = gov_;
        window = consent_.EMERGENCY_WINDOW();
        _patients = [vm.addr(_patientKeys[0]), vm.addr(_patientKeys[1])];
        _grantees = grantees_;
    }

    function patients() external view returns (address[2] memory) {
        return _patients;
    }

    function grantees() external view returns (address[4] memory) {
        return _grantees;
    }

    function model(address p, address g) external view returns (Model memory) {
        return _model[p][g];
    }

    // ------------------------------------------------------------------------------------------
    // Actions

    function grant(uint256 ps, uint256 gs, uint256 purposes, uint256 categories, uint32 duration, bool byDelegate)
        external
    {
        (address p, address g) = (_patients[ps % 2], _grantees[gs % 4]);
        purposes = _mask(purposes, ALL_P);
        categories = _mask(categories, ALL_C);
        uint64 until = uint64(block.timestamp + bound(duration, 0, 60 days));
        vm.prank(byDelegate ? GUARDIAN : p);
        try consent.grant(p, g, purposes, categories, until) {
            _granted(p, g, purposes, categories, until);
        } catch {}
    }

    /// @dev A signed consent, as relayed.
    struct Signed {
        address patient;
        address grantee;
        uint256 purposes;
        uint256 categories;
        uint64 until;
        uint256 nonce;
        uint256 deadline;
        bytes signature;
    }

    function grantBySig(
        uint256 ps,
        uint256 gs,
        uint256 purposes,
        uint256 categories,
        uint32 duration,
        uint256 nonce,
        uint32 deadlineIn,
        uint32 relayAfter
    ) external {
        Signed memory m = Signed(
            _patients[ps % 2],
            _grantees[gs % 4],
            _mask(purposes, ALL_P),
            _mask(categories, ALL_C),
            uint64(block.timestamp + bound(duration, 0, 60 days)),
            nonce % 8, // few nonces: reuse is common
            block.timestamp + bound(deadlineIn, 0, 2 hours),
            ""
        );
        m.signature = _sign(
            _patientKeys[ps % 2],
            keccak256(
                abi.encode(
                    consent.CONSENT_TYPEHASH(), m.patient, m.grantee, m.purposes, m.categories, m.until, m.nonce,
                    m.deadline
                )
            )
        );
        vm.warp(block.timestamp + bound(relayAfter, 0, 3 hours));
        try consent.grantBySig(m.patient, m.grantee, m.purposes, m.categories, m.until, m.nonce, m.deadline, m.signature)
        {
            if (modelNonceUsed[m.patient][m.nonce] || block.timestamp > m.deadline) ++badRelays;
            modelNonceUsed[m.patient][m.nonce] = true;
            _granted(m.patient, m.grantee, m.purposes, m.categories, m.until);
        } catch {}
    }

    function revoke(uint256 ps, uint256 gs, bool byDelegate) external {
        (address p, address g) = (_patients[ps % 2], _grantees[gs % 4]);
        vm.prank(byDelegate ? GUARDIAN : p);
        try consent.revoke(p, g) {
            _revoked(p, g);
        } catch {}
    }

    function revokeBySig(uint256 ps, uint256 gs, uint256 nonce) external {
        (address p, address g) = (_patients[ps % 2], _grantees[gs % 4]);
        nonce = nonce % 8;
        uint256 deadline = block.timestamp + 1 hours;
        bytes32 structHash = keccak256(abi.encode(consent.REVOCATION_TYPEHASH(), p, g, nonce, deadline));
        try consent.revokeBySig(p, g, nonce, deadline, _sign(_patientKeys[ps % 2], structHash)) {
            if (modelNonceUsed[p][nonce]) ++badRelays;
            modelNonceUsed[p][nonce] = true;
            _revoked(p, g);
        } catch {}
    }

    function cancelNonce(uint256 ps, uint256 nonce) external {
        address p = _patients[ps % 2];
        nonce = nonce % 8;
        vm.prank(p);
        try consent.cancelNonce(nonce) {
            if (modelNonceUsed[p][nonce]) ++badRelays;
            modelNonceUsed[p][nonce] = true;
        } catch {}
    }

    function breakGlass(uint256 ps, uint256 gs) external {
        (address p, address g) = (_patients[ps % 2], _grantees[gs % 4]);
        vm.prank(g);
        try consent.breakGlass(p, "UNCONSCIOUS_ED") {
            _model[p][g].emergencyUntil = uint64(block.timestamp) + window;
            _assertModel(p, g);
        } catch {}
    }

    function setDelegate(uint256 ps, uint32 duration) external {
        address p = _patients[ps % 2];
        uint64 until = uint64(block.timestamp + bound(duration, 0, 30 days));
        vm.prank(p);
        try consent.setDelegate(GUARDIAN, until) {
            modelDelegateUntil[p] = until;
        } catch {}
    }

    function removeDelegate(uint256 ps) external {
        address p = _patients[ps % 2];
        vm.prank(p);
        try consent.removeDelegate(GUARDIAN) {
            modelDelegateUntil[p] = 0;
        } catch {}
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
        Model memory m = _model[p][g];
        uint256 end = which % 3 == 0 ? m.validUntil : which % 3 == 1 ? m.emergencyUntil : modelDelegateUntil[p];
        if (which >= 128 && end > 0) end -= 1;
        if (end > block.timestamp) vm.warp(end);
    }

    // ------------------------------------------------------------------------------------------
    // Model

    /// @notice What the model says `hasConsent(p, g, purposes, categories)` must answer now.
    function expected(address p, address g, uint256 purposes, uint256 categories) public view returns (bool) {
        if (purposes == 0 || categories == 0 || categories & ~ALL_C != 0) return false;
        Model memory m = _model[p][g];
        if (block.timestamp < m.validUntil && purposes & ~m.purposes == 0 && categories & ~m.categories == 0) {
            return true;
        }
        return block.timestamp < m.emergencyUntil && purposes & ~EMERGENCY_PURPOSES == 0;
    }

    function _granted(address p, address g, uint256 purposes, uint256 categories, uint64 until) internal {
        Model storage m = _model[p][g];
        (m.purposes, m.categories, m.validUntil) = (purposes, categories, until);
        ++grants;
        _assertModel(p, g);
    }

    function _revoked(address p, address g) internal {
        delete _model[p][g];
        ++revocations;
        // Revoked: nothing passes, for any purpose and category, emergency included.
        for (uint256 bit; bit < 6; ++bit) {
            assertFalse(consent.hasConsent(p, g, 1 << bit, ALL_C), "a revoked consent never passes");
        }
        _assertModel(p, g);
    }

    function _assertModel(address p, address g) internal view {
        (uint256 purposes, uint256 categories, uint64 validUntil,) = consent.consentOf(p, g);
        Model memory m = _model[p][g];
        assertEq(purposes, m.purposes, "purposes on record");
        assertEq(categories, m.categories, "categories on record");
        assertEq(validUntil, m.validUntil, "validUntil on record");
        assertEq(consent.emergencyAccessOf(p, g), m.emergencyUntil, "emergency access on record");
    }

    /// @dev A non-empty mask of known bits (sometimes with an unknown bit, which must be refused).
    function _mask(uint256 seed, uint256 all) internal pure returns (uint256) {
        if (seed % 16 == 0) return (seed >> 8) & ~all; // unknown bits (or zero)
        uint256 m = (seed >> 8) & all;
        return m == 0 ? 1 : m;
    }

    function _sign(uint256 key, bytes32 structHash) internal view returns (bytes memory) {
        bytes32 digest = keccak256(abi.encodePacked("\x19\x01", consent.DOMAIN_SEPARATOR(), structHash));
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(key, digest);
        return abi.encodePacked(r, s, v);
    }
}

/// @notice ConsentRegistry's NatSpec invariants under random sequences of every state change.
contract ConsentRegistryInvariants is Fixture {
    ConsentHandler internal handler;

    function setUp() public {
        deploySuite();
        address[4] memory grantees = [hospital, clinic, insurer, stranger];
        handler = new ConsentHandler(consent, registry, gov, grantees);
        targetContract(address(handler));
        bytes4[] memory selectors = new bytes4[](12);
        selectors[0] = ConsentHandler.grant.selector;
        selectors[1] = ConsentHandler.grantBySig.selector;
        selectors[2] = ConsentHandler.revoke.selector;
        selectors[3] = ConsentHandler.revokeBySig.selector;
        selectors[4] = ConsentHandler.cancelNonce.selector;
        selectors[5] = ConsentHandler.breakGlass.selector;
        selectors[6] = ConsentHandler.setDelegate.selector;
        selectors[7] = ConsentHandler.removeDelegate.selector;
        selectors[8] = ConsentHandler.toggleSuspension.selector;
        selectors[9] = ConsentHandler.warp.selector;
        selectors[10] = ConsentHandler.warpToBoundary.selector;
        selectors[11] = ConsentHandler.grant.selector; // grants twice as often: more to revoke and expire
        targetSelector(FuzzSelector(address(handler), selectors));
    }

    /// @dev hasConsent answers exactly as the model: a consent holds only until validUntil and only for
    /// what it covers, emergency access only for TREAT/ETREAT until it ends; revoked or expired never
    /// passes. A signed message is relayed at most once and never after its deadline.
    function invariant_consent() public view {
        address[2] memory ps = handler.patients();
        address[4] memory gs = handler.grantees();
        uint256[4] memory purposes = [uint256(1 << 0), 1 << 1, (1 << 0) | (1 << 5), (1 << 6) - 1];
        uint256[3] memory categories = [uint256(1 << 0), 1 << 13, (1 << 14) - 1];
        for (uint256 i; i < ps.length; ++i) {
            for (uint256 j; j < gs.length; ++j) {
                ConsentHandler.Model memory m = handler.model(ps[i], gs[j]);
                bool consentOver = block.timestamp >= m.validUntil; // expired, revoked or never granted
                bool emergencyOver = block.timestamp >= m.emergencyUntil;
                for (uint256 a; a < purposes.length; ++a) {
                    for (uint256 b; b < categories.length; ++b) {
                        bool has = consent.hasConsent(ps[i], gs[j], purposes[a], categories[b]);
                        assertEq(has, _expected(m, purposes[a], categories[b]), "hasConsent = model");
                        if (consentOver && emergencyOver) assertFalse(has, "revoked or expired never passes");
                    }
                }
                assertFalse(consent.hasConsent(ps[i], gs[j], 1 << 0, 1 << 14), "an unknown category never passes");
                if (m.validUntil != 0) {
                    assertTrue(
                        consent.hasConsent(ps[i], gs[j], m.purposes, m.categories) == !consentOver
                            || !emergencyOver,
                        "a live consent passes for exactly what it covers"
                    );
                }
            }
            assertEq(consent.delegateUntil(ps[i], handler.GUARDIAN()), handler.modelDelegateUntil(ps[i]), "delegate");
            for (uint256 n; n < 8; ++n) {
                assertEq(consent.nonceUsed(ps[i], n), handler.modelNonceUsed(ps[i], n), "nonce spent exactly when used");
            }
        }
        assertEq(handler.badRelays(), 0, "no relay with a spent nonce or after its deadline");
    }

    /// @dev The model's answer (ConsentHandler.expected, computed here to save a call per probe).
    function _expected(ConsentHandler.Model memory m, uint256 purposes, uint256 categories)
        internal
        view
        returns (bool)
    {
        if (categories & ~uint256((1 << 14) - 1) != 0) return false;
        if (block.timestamp < m.validUntil && purposes & ~m.purposes == 0 && categories & ~m.categories == 0) {
            return true;
        }
        return block.timestamp < m.emergencyUntil && purposes & ~uint256((1 << 0) | (1 << 5)) == 0;
    }
}
