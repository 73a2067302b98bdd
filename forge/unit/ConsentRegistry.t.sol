// SPDX-License-Identifier: MIT
pragma solidity 0.8.34;

import {Fixture} from "../base/Fixture.sol";
import {ConsortiumGated} from "../../contracts/access/ConsortiumGated.sol";
import {MemberRoles} from "../../contracts/access/MemberRoles.sol";
import {ConsentRegistry} from "../../contracts/consent/ConsentRegistry.sol";
import {IConsentRegistry} from "../../contracts/interfaces/IConsentRegistry.sol";
import {MockWallet} from "../../contracts/test/MockWallet.sol";

/// @notice ConsentRegistry: every path, every refusal by selector and arguments, every event.
contract ConsentRegistryTest is Fixture {
    uint256 internal constant TREAT = 1 << 0;
    uint256 internal constant ETREAT = 1 << 5;
    uint256 internal constant LAB = 1 << 4;
    uint256 internal constant ALL_P = (1 << 6) - 1;
    uint256 internal constant ALL_C = (1 << 14) - 1;
    bytes32 internal constant REASON = "UNCONSCIOUS_ED";
    address internal guardian = address(0x6A4D);
    uint64 internal until;
    /// @dev The signing time of the messages the older tests sign: the start of the test.
    uint64 internal signed0;

    function setUp() public {
        deploySuite();
        until = uint64(block.timestamp + 30 days);
        signed0 = uint64(block.timestamp);
    }

    function consentDigest(
        address p,
        address grantee,
        uint256 purposes,
        uint256 categories,
        uint64 validUntil,
        uint256 nonce,
        uint256 deadline
    ) internal view returns (bytes32) {
        return consentDigestAt(p, grantee, purposes, categories, validUntil, signed0, nonce, deadline);
    }

    function consentDigestAt(
        address p,
        address grantee,
        uint256 purposes,
        uint256 categories,
        uint64 validUntil,
        uint64 signedAt,
        uint256 nonce,
        uint256 deadline
    ) internal view returns (bytes32) {
        bytes32 structHash = keccak256(
            abi.encode(
                consent.CONSENT_TYPEHASH(), p, grantee, purposes, categories, validUntil, signedAt, nonce, deadline
            )
        );
        return keccak256(abi.encodePacked("\x19\x01", consent.DOMAIN_SEPARATOR(), structHash));
    }

    function revocationDigest(address p, address grantee, uint256 nonce, uint256 deadline)
        internal
        view
        returns (bytes32)
    {
        return revocationDigestAt(p, grantee, signed0, nonce, deadline);
    }

    function revocationDigestAt(address p, address grantee, uint64 signedAt, uint256 nonce, uint256 deadline)
        internal
        view
        returns (bytes32)
    {
        bytes32 structHash = keccak256(abi.encode(consent.REVOCATION_TYPEHASH(), p, grantee, signedAt, nonce, deadline));
        return keccak256(abi.encodePacked("\x19\x01", consent.DOMAIN_SEPARATOR(), structHash));
    }

    // ------------------------------------------------------------------------------------------
    // Deployment

    function test_constructor_refusesBadEmergencyWindows() public {
        vm.expectRevert(abi.encodeWithSelector(IConsentRegistry.ConsentRegistryInvalidEmergencyWindow.selector, 0));
        new ConsentRegistry(registry, 0);
        uint64 tooLong = 7 days + 1;
        vm.expectRevert(
            abi.encodeWithSelector(IConsentRegistry.ConsentRegistryInvalidEmergencyWindow.selector, tooLong)
        );
        new ConsentRegistry(registry, tooLong);
        ConsentRegistry longest = new ConsentRegistry(registry, 7 days);
        assertEq(longest.EMERGENCY_WINDOW(), 7 days, "longest window allowed");
        assertEq(consent.EMERGENCY_WINDOW(), EMERGENCY, "fixture window");
        assertEq(consent.MAX_EMERGENCY_WINDOW(), 7 days, "max window");
    }

    function test_constants_matchTheNamedBits() public view {
        assertEq(consent.ALL_PURPOSES(), ALL_P, "purposes");
        assertEq(consent.ALL_CATEGORIES(), ALL_C, "categories");
        assertEq(consent.EMERGENCY_PURPOSES(), TREAT | ETREAT, "emergency purposes");
        assertEq(consent.PURPOSE_HPAYMT(), HPAYMT, "HPAYMT");
        assertEq(consent.CATEGORY_BILLING_CLAIMS(), BILLING, "billing");
    }

    // ------------------------------------------------------------------------------------------
    // grant

    function test_grant_byPatient_writesConsentAndEmits() public {
        vm.expectEmit(true, true, true, true, address(consent));
        emit IConsentRegistry.ConsentGranted(patient, hospital, TREAT | HPAYMT, LAB, until, patient);
        vm.prank(patient);
        consent.grant(patient, hospital, TREAT | HPAYMT, LAB, until);

        (uint256 purposes, uint256 categories, uint64 validUntil, uint64 grantedAt) =
            consent.consentOf(patient, hospital);
        assertEq(purposes, TREAT | HPAYMT, "purposes");
        assertEq(categories, LAB, "categories");
        assertEq(validUntil, until, "validUntil");
        assertEq(grantedAt, block.timestamp, "grantedAt");
        assertTrue(consent.hasConsent(patient, hospital, TREAT, LAB), "covered");
        assertTrue(consent.hasConsent(patient, hospital, TREAT | HPAYMT, LAB), "both purposes");
        assertFalse(consent.hasConsent(patient, hospital, ETREAT, LAB), "other purpose");
        assertFalse(consent.hasConsent(patient, hospital, TREAT, LAB | BILLING), "other category");
        assertFalse(consent.hasConsent(patient, clinic, TREAT, LAB), "other grantee");
    }

    function test_grant_holdsUntilTheEndSecondOnly() public {
        vm.prank(patient);
        consent.grant(patient, hospital, TREAT, LAB, until);
        vm.warp(until - 1);
        assertTrue(consent.hasConsent(patient, hospital, TREAT, LAB), "last second");
        vm.warp(until);
        assertFalse(consent.hasConsent(patient, hospital, TREAT, LAB), "ended");
    }

    function test_grant_replacesEarlierConsentAndKeepsEmergencyAccess() public {
        vm.prank(hospital);
        consent.breakGlass(patient, REASON);
        vm.startPrank(patient);
        consent.grant(patient, hospital, ALL_P, ALL_C, until);
        consent.grant(patient, hospital, HPAYMT, BILLING, until);
        vm.stopPrank();
        (uint256 purposes,,,) = consent.consentOf(patient, hospital);
        assertEq(purposes, HPAYMT, "replaced");
        assertEq(consent.emergencyAccessOf(patient, hospital), block.timestamp + EMERGENCY, "emergency kept");
        assertTrue(consent.hasConsent(patient, hospital, TREAT, LAB), "through emergency access");
    }

    function test_grant_byActiveDelegate() public {
        vm.prank(patient);
        consent.setDelegate(guardian, until);
        vm.expectEmit(true, true, true, true, address(consent));
        emit IConsentRegistry.ConsentGranted(patient, hospital, TREAT, LAB, until, guardian);
        vm.prank(guardian);
        consent.grant(patient, hospital, TREAT, LAB, until);
        assertTrue(consent.hasConsent(patient, hospital, TREAT, LAB), "granted by guardian");
    }

    function test_grant_refusesStrangerAndExpiredDelegate() public {
        vm.expectRevert(
            abi.encodeWithSelector(IConsentRegistry.ConsentRegistryNotPatientOrDelegate.selector, stranger, patient)
        );
        vm.prank(stranger);
        consent.grant(patient, hospital, TREAT, LAB, until);

        vm.prank(patient);
        consent.setDelegate(guardian, uint64(block.timestamp + 10));
        vm.warp(block.timestamp + 10);
        vm.expectRevert(
            abi.encodeWithSelector(IConsentRegistry.ConsentRegistryNotPatientOrDelegate.selector, guardian, patient)
        );
        vm.prank(guardian);
        consent.grant(patient, hospital, TREAT, LAB, until + 10);
    }

    function test_grant_refusesBadArguments() public {
        vm.startPrank(patient);
        vm.expectRevert(IConsentRegistry.ConsentRegistryZeroAddress.selector);
        consent.grant(patient, address(0), TREAT, LAB, until);
        vm.expectRevert(abi.encodeWithSelector(IConsentRegistry.ConsentRegistryInvalidPurposes.selector, 0));
        consent.grant(patient, hospital, 0, LAB, until);
        vm.expectRevert(abi.encodeWithSelector(IConsentRegistry.ConsentRegistryInvalidPurposes.selector, 1 << 6));
        consent.grant(patient, hospital, 1 << 6, LAB, until);
        vm.expectRevert(abi.encodeWithSelector(IConsentRegistry.ConsentRegistryInvalidCategories.selector, 0));
        consent.grant(patient, hospital, TREAT, 0, until);
        vm.expectRevert(abi.encodeWithSelector(IConsentRegistry.ConsentRegistryInvalidCategories.selector, 1 << 14));
        consent.grant(patient, hospital, TREAT, 1 << 14, until);
        uint64 now_ = uint64(block.timestamp);
        vm.expectRevert(
            abi.encodeWithSelector(IConsentRegistry.ConsentRegistryValidUntilInPast.selector, now_, block.timestamp)
        );
        consent.grant(patient, hospital, TREAT, LAB, now_);
        vm.expectRevert(abi.encodeWithSelector(IConsentRegistry.ConsentRegistryGranteeNotMember.selector, stranger));
        consent.grant(patient, stranger, TREAT, LAB, until);
        vm.stopPrank();
    }

    function test_grant_refusesSuspendedGrantee() public {
        vm.prank(gov);
        registry.suspendMember(hospital, "LICENCE_EXPIRED");
        vm.expectRevert(abi.encodeWithSelector(IConsentRegistry.ConsentRegistryGranteeNotMember.selector, hospital));
        vm.prank(patient);
        consent.grant(patient, hospital, TREAT, LAB, until);
    }

    // ------------------------------------------------------------------------------------------
    // grantBySig / revokeBySig / nonces

    function test_grantBySig_relayedByAnyone_spendsTheNonce() public {
        uint256 deadline = block.timestamp + 1 hours;
        bytes memory sig = sign(PATIENT_KEY, consentDigest(patient, insurer, HPAYMT, BILLING, until, 7, deadline));
        vm.expectEmit(true, true, true, true, address(consent));
        emit IConsentRegistry.ConsentGranted(patient, insurer, HPAYMT, BILLING, until, patient);
        vm.prank(stranger);
        consent.grantBySig(patient, insurer, HPAYMT, BILLING, until, signed0, 7, deadline, sig);
        assertTrue(consent.hasConsent(patient, insurer, HPAYMT, BILLING), "granted");
        assertTrue(consent.nonceUsed(patient, 7), "nonce spent");
        assertFalse(consent.nonceUsed(patient, 8), "other nonce free");

        vm.expectRevert(abi.encodeWithSelector(IConsentRegistry.ConsentRegistryNonceUsed.selector, patient, 7));
        consent.grantBySig(patient, insurer, HPAYMT, BILLING, until, signed0, 7, deadline, sig);
    }

    function test_grantBySig_deadlineIsTheLastSecond() public {
        uint256 deadline = block.timestamp + 1 hours;
        bytes memory sig = sign(PATIENT_KEY, consentDigest(patient, insurer, HPAYMT, BILLING, until, 1, deadline));
        vm.warp(deadline + 1);
        vm.expectRevert(abi.encodeWithSelector(IConsentRegistry.ConsentRegistryExpiredSignature.selector, deadline));
        consent.grantBySig(patient, insurer, HPAYMT, BILLING, until, signed0, 1, deadline, sig);
        vm.warp(deadline);
        consent.grantBySig(patient, insurer, HPAYMT, BILLING, until, signed0, 1, deadline, sig);
        assertTrue(consent.hasConsent(patient, insurer, HPAYMT, BILLING), "relayed at the deadline");
    }

    function test_grantBySig_refusesAlteredFieldsAndOtherSigners() public {
        uint256 deadline = block.timestamp + 1 hours;
        bytes memory sig = sign(PATIENT_KEY, consentDigest(patient, insurer, HPAYMT, BILLING, until, 2, deadline));
        vm.expectRevert(abi.encodeWithSelector(IConsentRegistry.ConsentRegistryInvalidSignature.selector, patient));
        consent.grantBySig(patient, insurer, ALL_P, BILLING, until, signed0, 2, deadline, sig);

        bytes memory other = sign(0xB0B, consentDigest(patient, insurer, HPAYMT, BILLING, until, 3, deadline));
        vm.expectRevert(abi.encodeWithSelector(IConsentRegistry.ConsentRegistryInvalidSignature.selector, patient));
        consent.grantBySig(patient, insurer, HPAYMT, BILLING, until, signed0, 3, deadline, other);
        assertFalse(consent.nonceUsed(patient, 2), "a refused relay spends nothing");
    }

    function test_grantBySig_contractWalletThroughErc1271() public {
        MockWallet wallet = new MockWallet(patient);
        uint256 deadline = block.timestamp + 1 hours;
        bytes memory sig = sign(PATIENT_KEY, consentDigest(address(wallet), hospital, TREAT, LAB, until, 0, deadline));
        consent.grantBySig(address(wallet), hospital, TREAT, LAB, until, signed0, 0, deadline, sig);
        assertTrue(consent.hasConsent(address(wallet), hospital, TREAT, LAB), "wallet consent");

        bytes memory forged = sign(0xB0B, consentDigest(address(wallet), clinic, TREAT, LAB, until, 1, deadline));
        vm.expectRevert(
            abi.encodeWithSelector(IConsentRegistry.ConsentRegistryInvalidSignature.selector, address(wallet))
        );
        consent.grantBySig(address(wallet), clinic, TREAT, LAB, until, signed0, 1, deadline, forged);
    }

    function test_revokeBySig_endsConsent() public {
        vm.prank(patient);
        consent.grant(patient, hospital, TREAT, LAB, until);
        uint256 deadline = block.timestamp + 1 hours;
        bytes memory sig = sign(PATIENT_KEY, revocationDigest(patient, hospital, 300, deadline));
        vm.expectEmit(true, true, true, true, address(consent));
        emit IConsentRegistry.ConsentRevoked(patient, hospital, patient);
        vm.prank(stranger);
        consent.revokeBySig(patient, hospital, signed0, 300, deadline, sig);
        assertFalse(consent.hasConsent(patient, hospital, TREAT, LAB), "revoked");
        assertTrue(consent.nonceUsed(patient, 300), "nonce in the second word spent");

        bytes memory wrong = sign(PATIENT_KEY, revocationDigest(patient, clinic, 301, deadline));
        vm.expectRevert(abi.encodeWithSelector(IConsentRegistry.ConsentRegistryInvalidSignature.selector, patient));
        consent.revokeBySig(patient, hospital, signed0, 301, deadline, wrong);
    }

    function test_cancelNonce_blocksTheSignedMessage() public {
        uint256 deadline = block.timestamp + 1 hours;
        bytes memory sig = sign(PATIENT_KEY, consentDigest(patient, insurer, HPAYMT, BILLING, until, 9, deadline));
        vm.expectEmit(true, true, true, true, address(consent));
        emit IConsentRegistry.NonceCancelled(patient, 9);
        vm.prank(patient);
        consent.cancelNonce(9);
        vm.expectRevert(abi.encodeWithSelector(IConsentRegistry.ConsentRegistryNonceUsed.selector, patient, 9));
        consent.grantBySig(patient, insurer, HPAYMT, BILLING, until, signed0, 9, deadline, sig);
        vm.expectRevert(abi.encodeWithSelector(IConsentRegistry.ConsentRegistryNonceUsed.selector, patient, 9));
        vm.prank(patient);
        consent.cancelNonce(9);
    }

    function test_domainSeparator_isEip712OfTheRegistry() public view {
        bytes32 expected = keccak256(
            abi.encode(
                keccak256("EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)"),
                keccak256("medchain ConsentRegistry"),
                keccak256("1"),
                block.chainid,
                address(consent)
            )
        );
        assertEq(consent.DOMAIN_SEPARATOR(), expected, "domain");
    }

    // ------------------------------------------------------------------------------------------
    // revoke

    function test_revoke_byPatientAndByDelegate() public {
        vm.startPrank(patient);
        consent.grant(patient, hospital, TREAT, LAB, until);
        consent.grant(patient, clinic, TREAT, LAB, until);
        consent.setDelegate(guardian, until);
        vm.expectEmit(true, true, true, true, address(consent));
        emit IConsentRegistry.ConsentRevoked(patient, hospital, patient);
        consent.revoke(patient, hospital);
        vm.stopPrank();
        vm.expectEmit(true, true, true, true, address(consent));
        emit IConsentRegistry.ConsentRevoked(patient, clinic, guardian);
        vm.prank(guardian);
        consent.revoke(patient, clinic);
        assertFalse(consent.hasConsent(patient, hospital, TREAT, LAB), "hospital revoked");
        assertFalse(consent.hasConsent(patient, clinic, TREAT, LAB), "clinic revoked");
        (,,, uint64 grantedAt) = consent.consentOf(patient, hospital);
        assertEq(grantedAt, 0, "record erased");
    }

    function test_revoke_withNothingOnRecord_recordsTheCutoff() public {
        vm.expectEmit(true, true, true, true, address(consent));
        emit IConsentRegistry.ConsentRevoked(patient, hospital, patient);
        vm.prank(patient);
        consent.revoke(patient, hospital);
        assertEq(consent.lastAuthorisedAt(patient, hospital), block.timestamp, "cutoff recorded");
        assertFalse(consent.emergencyBarred(patient, hospital), "no emergency ended, nothing barred");
    }

    function test_revoke_refusals() public {
        vm.expectRevert(
            abi.encodeWithSelector(IConsentRegistry.ConsentRegistryNotPatientOrDelegate.selector, stranger, patient)
        );
        vm.prank(stranger);
        consent.revoke(patient, hospital);
    }

    function test_revoke_endsEmergencyAccess() public {
        vm.prank(hospital);
        consent.breakGlass(patient, REASON);
        vm.prank(patient);
        consent.revoke(patient, hospital);
        assertEq(consent.emergencyAccessOf(patient, hospital), 0, "ended");
        assertFalse(consent.hasConsent(patient, hospital, TREAT, LAB), "no access");
    }

    // ------------------------------------------------------------------------------------------
    // Delegates

    function test_setDelegate_andRemove() public {
        vm.expectEmit(true, true, true, true, address(consent));
        emit IConsentRegistry.DelegateSet(patient, guardian, until);
        vm.prank(patient);
        consent.setDelegate(guardian, until);
        assertEq(consent.delegateUntil(patient, guardian), until, "until");
        assertTrue(consent.isActiveDelegate(patient, guardian), "active");
        vm.warp(until);
        assertFalse(consent.isActiveDelegate(patient, guardian), "expired at the end second");

        vm.expectEmit(true, true, true, true, address(consent));
        emit IConsentRegistry.DelegateRemoved(patient, guardian);
        vm.prank(patient);
        consent.removeDelegate(guardian);
        assertEq(consent.delegateUntil(patient, guardian), 0, "removed");
    }

    function test_setDelegate_refusals() public {
        vm.startPrank(patient);
        vm.expectRevert(IConsentRegistry.ConsentRegistryZeroAddress.selector);
        consent.setDelegate(address(0), until);
        vm.expectRevert(abi.encodeWithSelector(IConsentRegistry.ConsentRegistrySelfDelegation.selector, patient));
        consent.setDelegate(patient, until);
        uint64 now_ = uint64(block.timestamp);
        vm.expectRevert(
            abi.encodeWithSelector(IConsentRegistry.ConsentRegistryValidUntilInPast.selector, now_, block.timestamp)
        );
        consent.setDelegate(guardian, now_);
        vm.expectRevert(abi.encodeWithSelector(IConsentRegistry.ConsentRegistryNotDelegate.selector, patient, guardian));
        consent.removeDelegate(guardian);
        vm.stopPrank();
    }

    function test_delegate_cannotAppointDelegatesForThePatient() public {
        vm.prank(patient);
        consent.setDelegate(guardian, until);
        vm.prank(guardian);
        consent.setDelegate(stranger, until);
        assertEq(consent.delegateUntil(patient, stranger), 0, "appointed for the guardian, not the patient");
        vm.expectRevert(
            abi.encodeWithSelector(IConsentRegistry.ConsentRegistryNotPatientOrDelegate.selector, stranger, patient)
        );
        vm.prank(stranger);
        consent.grant(patient, hospital, TREAT, LAB, until);
    }

    // ------------------------------------------------------------------------------------------
    // Emergency access

    function test_breakGlass_grantsTreatmentForTheWindow() public {
        uint64 expiresAt = uint64(block.timestamp) + EMERGENCY;
        vm.expectEmit(true, true, true, true, address(consent));
        emit IConsentRegistry.EmergencyAccessed(patient, hospital, REASON, expiresAt);
        vm.prank(hospital);
        consent.breakGlass(patient, REASON);
        assertEq(consent.emergencyAccessOf(patient, hospital), expiresAt, "expiry");
        assertTrue(consent.hasConsent(patient, hospital, TREAT | ETREAT, ALL_C), "treatment, every category");
        assertFalse(consent.hasConsent(patient, hospital, HPAYMT, BILLING), "never payment");
        assertFalse(consent.hasConsent(patient, hospital, TREAT, 1 << 14), "unknown category");

        vm.expectRevert(
            abi.encodeWithSelector(
                IConsentRegistry.ConsentRegistryEmergencyActive.selector, patient, hospital, expiresAt
            )
        );
        vm.prank(hospital);
        consent.breakGlass(patient, REASON);

        vm.warp(expiresAt);
        assertFalse(consent.hasConsent(patient, hospital, TREAT, LAB), "window over");
        vm.prank(hospital);
        consent.breakGlass(patient, REASON);
        assertEq(consent.emergencyAccessOf(patient, hospital), expiresAt + EMERGENCY, "again, after expiry");
    }

    function test_breakGlass_refusals() public {
        vm.expectRevert(
            abi.encodeWithSelector(ConsortiumGated.ConsortiumInactiveMember.selector, insurer, MemberRoles.PROVIDER)
        );
        vm.prank(insurer);
        consent.breakGlass(patient, REASON);
        vm.startPrank(hospital);
        vm.expectRevert(IConsentRegistry.ConsentRegistryZeroAddress.selector);
        consent.breakGlass(address(0), REASON);
        vm.expectRevert(IConsentRegistry.ConsentRegistryMissingReason.selector);
        consent.breakGlass(patient, bytes32(0));
        vm.stopPrank();
    }

    function test_hasConsent_refusesEmptyOrUnknownMasks() public {
        vm.prank(patient);
        consent.grant(patient, hospital, ALL_P, ALL_C, until);
        assertFalse(consent.hasConsent(patient, hospital, 0, LAB), "no purpose");
        assertFalse(consent.hasConsent(patient, hospital, TREAT, 0), "no category");
        assertFalse(consent.hasConsent(patient, hospital, TREAT, 1 << 14), "unknown category");
        assertFalse(consent.hasConsent(patient, hospital, 1 << 6, LAB), "unknown purpose");
        assertTrue(consent.hasConsent(patient, hospital, ALL_P, ALL_C), "everything known");
    }

    function test_hasConsent_fuzz_neverAfterExpiryOrRevocation(uint256 purposes, uint256 categories, uint32 wait)
        public
    {
        purposes = bound(purposes, 1, ALL_P);
        categories = bound(categories, 1, ALL_C);
        vm.prank(patient);
        consent.grant(patient, hospital, purposes, categories, until);
        vm.warp(block.timestamp + wait);
        assertEq(
            consent.hasConsent(patient, hospital, purposes, categories), block.timestamp < until, "holds until the end"
        );
        if (block.timestamp < until) {
            vm.prank(patient);
            consent.revoke(patient, hospital);
            assertFalse(consent.hasConsent(patient, hospital, purposes, categories), "revoked");
        }
    }

    // ------------------------------------------------------------------------------------------
    // Revocation finality against signatures (order of authorisations)

    function _signGrant(address grantee, uint64 signedAt, uint256 nonce) internal view returns (bytes memory) {
        return
            sign(PATIENT_KEY, consentDigestAt(patient, grantee, TREAT, LAB, until, signedAt, nonce, signed0 + 1 days));
    }

    function _relayGrant(address grantee, uint64 signedAt, uint256 nonce, uint256 deadline, bytes memory sig) internal {
        consent.grantBySig(patient, grantee, TREAT, LAB, until, signedAt, nonce, deadline, sig);
    }

    function _signRevocation(address grantee, uint64 signedAt, uint256 nonce) internal view returns (bytes memory) {
        return sign(PATIENT_KEY, revocationDigestAt(patient, grantee, signedAt, nonce, signed0 + 1 days));
    }

    function test_revocationBeatsEarlierSignedGrantRelayedLater() public {
        uint64 t0 = uint64(block.timestamp);
        uint256 deadline = t0 + 1 days;
        bytes memory grantSig = _signGrant(hospital, t0, 1);
        vm.warp(t0 + 60);
        uint64 t1 = uint64(block.timestamp);
        bytes memory revocationSig = _signRevocation(hospital, t1, 2);
        // The revocation is relayed first, with nothing on record yet: it records its cutoff.
        vm.expectEmit(true, true, true, true, address(consent));
        emit IConsentRegistry.ConsentRevoked(patient, hospital, patient);
        vm.prank(stranger);
        consent.revokeBySig(patient, hospital, t1, 2, t0 + 1 days, revocationSig);
        assertEq(consent.lastAuthorisedAt(patient, hospital), t1, "cutoff");

        vm.warp(t1 + 3600);
        vm.expectRevert(
            abi.encodeWithSelector(
                IConsentRegistry.ConsentRegistrySignatureSuperseded.selector, patient, hospital, t0, t1
            )
        );
        vm.prank(hospital);
        _relayGrant(hospital, t0, 1, deadline, grantSig);
        assertFalse(consent.hasConsent(patient, hospital, TREAT, LAB), "the old grant never takes effect");
        assertFalse(consent.nonceUsed(patient, 1), "refused, so nothing spent");
    }

    function test_onChainRevocationBeatsEarlierSignedGrantRelayedLater() public {
        uint64 t0 = uint64(block.timestamp);
        bytes memory grantSig = _signGrant(hospital, t0, 1);
        vm.warp(t0 + 60);
        vm.prank(patient);
        consent.revoke(patient, hospital);
        vm.expectRevert(
            abi.encodeWithSelector(
                IConsentRegistry.ConsentRegistrySignatureSuperseded.selector, patient, hospital, t0, t0 + 60
            )
        );
        _relayGrant(hospital, t0, 1, t0 + 1 days, grantSig);
    }

    function test_revocationEndsEarlierGrantRelayedAheadOfIt() public {
        uint64 t0 = uint64(block.timestamp);
        bytes memory grantSig = _signGrant(hospital, t0, 1);
        vm.warp(t0 + 60);
        bytes memory revocationSig = _signRevocation(hospital, t0 + 60, 2);
        // The grantee front-runs the revocation with its old grant: the revocation still ends it.
        vm.prank(hospital);
        _relayGrant(hospital, t0, 1, t0 + 1 days, grantSig);
        assertTrue(consent.hasConsent(patient, hospital, TREAT, LAB), "front-run grant in force");
        consent.revokeBySig(patient, hospital, t0 + 60, 2, t0 + 1 days, revocationSig);
        assertFalse(consent.hasConsent(patient, hospital, TREAT, LAB), "ended by the revocation");
    }

    function test_sameSecond_revocationWinsOverGrant() public {
        uint64 t0 = uint64(block.timestamp);
        bytes memory grantSig = _signGrant(hospital, t0, 1);
        bytes memory revocationSig = _signRevocation(hospital, t0, 2);
        consent.revokeBySig(patient, hospital, t0, 2, t0 + 1 days, revocationSig);
        vm.expectRevert(
            abi.encodeWithSelector(
                IConsentRegistry.ConsentRegistrySignatureSuperseded.selector, patient, hospital, t0, t0
            )
        );
        _relayGrant(hospital, t0, 1, t0 + 1 days, grantSig);

        // The other order: the grant relayed first, then the revocation of the same second ends it.
        bytes memory clinicGrant = _signGrant(clinic, t0, 3);
        bytes memory clinicRevocation = _signRevocation(clinic, t0, 4);
        _relayGrant(clinic, t0, 3, t0 + 1 days, clinicGrant);
        consent.revokeBySig(patient, clinic, t0, 4, t0 + 1 days, clinicRevocation);
        assertFalse(consent.hasConsent(patient, clinic, TREAT, LAB), "revocation of the same second wins");
    }

    function test_laterGrantStandsAgainstOlderSignedRevocation() public {
        uint64 t0 = uint64(block.timestamp);
        bytes memory revocationSig = _signRevocation(hospital, t0, 1);
        vm.warp(t0 + 60);
        bytes memory grantSig = _signGrant(hospital, t0 + 60, 2);
        _relayGrant(hospital, t0 + 60, 2, t0 + 1 days, grantSig);
        vm.expectRevert(
            abi.encodeWithSelector(
                IConsentRegistry.ConsentRegistrySignatureSuperseded.selector, patient, hospital, t0, t0 + 60
            )
        );
        consent.revokeBySig(patient, hospital, t0, 1, t0 + 1 days, revocationSig);
        assertTrue(consent.hasConsent(patient, hospital, TREAT, LAB), "the patient's later decision stands");
    }

    function test_olderSignedGrantCannotReplaceLaterDecision() public {
        uint64 t0 = uint64(block.timestamp);
        bytes memory broad =
            sign(PATIENT_KEY, consentDigestAt(patient, hospital, ALL_P, ALL_C, until, t0, 1, t0 + 1 days));
        vm.warp(t0 + 60);
        vm.prank(patient);
        consent.grant(patient, hospital, TREAT, LAB, until);
        vm.expectRevert(
            abi.encodeWithSelector(
                IConsentRegistry.ConsentRegistrySignatureSuperseded.selector, patient, hospital, t0, t0 + 60
            )
        );
        consent.grantBySig(patient, hospital, ALL_P, ALL_C, until, t0, 1, t0 + 1 days, broad);
        (uint256 purposes,,,) = consent.consentOf(patient, hospital);
        assertEq(purposes, TREAT, "the narrower, later consent stands");
    }

    function test_signedMessages_refuseASigningTimeInTheFuture() public {
        uint64 later = uint64(block.timestamp + 1);
        bytes memory grantSig = _signGrant(hospital, later, 1);
        vm.expectRevert(
            abi.encodeWithSelector(IConsentRegistry.ConsentRegistrySignedInFuture.selector, later, block.timestamp)
        );
        _relayGrant(hospital, later, 1, signed0 + 1 days, grantSig);
        bytes memory revocationSig = _signRevocation(hospital, later, 2);
        vm.expectRevert(
            abi.encodeWithSelector(IConsentRegistry.ConsentRegistrySignedInFuture.selector, later, block.timestamp)
        );
        consent.revokeBySig(patient, hospital, later, 2, signed0 + 1 days, revocationSig);
    }

    function test_grantBySig_replayedAfterRelayIsRefused() public {
        uint64 t0 = uint64(block.timestamp);
        bytes memory grantSig = _signGrant(hospital, t0, 1);
        _relayGrant(hospital, t0, 1, t0 + 1 days, grantSig);
        vm.expectRevert(abi.encodeWithSelector(IConsentRegistry.ConsentRegistryNonceUsed.selector, patient, 1));
        _relayGrant(hospital, t0, 1, t0 + 1 days, grantSig);
    }

    function test_cancelNonceFrontRunByGrantee_revokeStillEndsIt() public {
        uint64 t0 = uint64(block.timestamp);
        bytes memory grantSig = _signGrant(hospital, t0, 5);
        vm.warp(t0 + 60);
        // The grantee sees the patient's cancelNonce coming and relays the grant first.
        vm.prank(hospital);
        _relayGrant(hospital, t0, 5, t0 + 1 days, grantSig);
        vm.expectRevert(abi.encodeWithSelector(IConsentRegistry.ConsentRegistryNonceUsed.selector, patient, 5));
        vm.prank(patient);
        consent.cancelNonce(5);
        // The recourse: revoke, which ends the consent and every grant signed before it.
        vm.prank(patient);
        consent.revoke(patient, hospital);
        assertFalse(consent.hasConsent(patient, hospital, TREAT, LAB), "ended");
    }

    // ------------------------------------------------------------------------------------------
    // Delegates' grants and the end of their appointment

    function test_delegateGrantCannotOutliveAppointment() public {
        uint64 appointmentEnd = uint64(block.timestamp + 10 days);
        vm.prank(patient);
        consent.setDelegate(guardian, appointmentEnd);
        vm.expectRevert(
            abi.encodeWithSelector(
                IConsentRegistry.ConsentRegistryGrantOutlivesDelegation.selector, appointmentEnd + 1, appointmentEnd
            )
        );
        vm.prank(guardian);
        consent.grant(patient, hospital, TREAT, LAB, appointmentEnd + 1);
        vm.prank(guardian);
        consent.grant(patient, hospital, TREAT, LAB, appointmentEnd);
        (,, uint64 validUntil,) = consent.consentOf(patient, hospital);
        assertEq(validUntil, appointmentEnd, "ends with the appointment at the latest");
        // The patient itself is not limited.
        vm.prank(patient);
        consent.grant(patient, clinic, TREAT, LAB, appointmentEnd + 365 days);
    }

    // ------------------------------------------------------------------------------------------
    // The patient's end of an emergency access

    function test_patientEndedEmergencyCannotBeReopenedByProvider() public {
        vm.prank(hospital);
        consent.breakGlass(patient, REASON);
        vm.expectEmit(true, true, true, true, address(consent));
        emit IConsentRegistry.ConsentRevoked(patient, hospital, patient);
        vm.expectEmit(true, true, true, true, address(consent));
        emit IConsentRegistry.EmergencyAccessBarred(patient, hospital, patient);
        vm.prank(patient);
        consent.revoke(patient, hospital);
        assertTrue(consent.emergencyBarred(patient, hospital), "barred");

        vm.expectRevert(
            abi.encodeWithSelector(IConsentRegistry.ConsentRegistryEmergencyBarred.selector, patient, hospital)
        );
        vm.prank(hospital);
        consent.breakGlass(patient, REASON);
        vm.warp(block.timestamp + 30 days);
        vm.expectRevert(
            abi.encodeWithSelector(IConsentRegistry.ConsentRegistryEmergencyBarred.selector, patient, hospital)
        );
        vm.prank(hospital);
        consent.breakGlass(patient, REASON);
        // A consent is not an emergency permission: the bar stays.
        vm.prank(patient);
        consent.grant(patient, hospital, TREAT, LAB, uint64(block.timestamp + 1 days));
        assertTrue(consent.emergencyBarred(patient, hospital), "still barred");
    }

    function test_barIsPerProvider_anotherProviderMayBreakTheGlass() public {
        address er = address(0xE12);
        vm.prank(gov);
        registry.registerMember(er, MemberRoles.PROVIDER, keccak256("er licence"));
        vm.prank(hospital);
        consent.breakGlass(patient, REASON);
        vm.prank(patient);
        consent.revoke(patient, hospital);
        vm.prank(er);
        consent.breakGlass(patient, REASON);
        assertTrue(consent.hasConsent(patient, er, TREAT, LAB), "another provider still treats in an emergency");
    }

    function test_allowEmergencyAccess_liftsTheBar_byPatientOrDelegate() public {
        vm.prank(patient);
        consent.setDelegate(guardian, until);
        vm.prank(hospital);
        consent.breakGlass(patient, REASON);
        vm.expectEmit(true, true, true, true, address(consent));
        emit IConsentRegistry.EmergencyAccessBarred(patient, hospital, guardian);
        vm.prank(guardian);
        consent.revoke(patient, hospital);

        vm.expectEmit(true, true, true, true, address(consent));
        emit IConsentRegistry.EmergencyAccessAllowed(patient, hospital, guardian);
        vm.prank(guardian);
        consent.allowEmergencyAccess(patient, hospital);
        assertFalse(consent.emergencyBarred(patient, hospital), "lifted");
        vm.prank(hospital);
        consent.breakGlass(patient, REASON);

        vm.prank(patient);
        consent.revoke(patient, hospital);
        vm.expectEmit(true, true, true, true, address(consent));
        emit IConsentRegistry.EmergencyAccessAllowed(patient, hospital, patient);
        vm.prank(patient);
        consent.allowEmergencyAccess(patient, hospital);
    }

    function test_allowEmergencyAccess_refusals() public {
        vm.expectRevert(
            abi.encodeWithSelector(IConsentRegistry.ConsentRegistryEmergencyNotBarred.selector, patient, hospital)
        );
        vm.prank(patient);
        consent.allowEmergencyAccess(patient, hospital);
        vm.prank(hospital);
        consent.breakGlass(patient, REASON);
        vm.prank(patient);
        consent.revoke(patient, hospital);
        vm.expectRevert(
            abi.encodeWithSelector(IConsentRegistry.ConsentRegistryNotPatientOrDelegate.selector, hospital, patient)
        );
        vm.prank(hospital);
        consent.allowEmergencyAccess(patient, hospital);
    }

    function test_revokingAfterEmergencyExpired_stillBars() public {
        vm.prank(hospital);
        consent.breakGlass(patient, REASON);
        vm.warp(block.timestamp + EMERGENCY);
        vm.prank(patient);
        consent.revoke(patient, hospital);
        assertTrue(consent.emergencyBarred(patient, hospital), "the patient's end holds even after expiry");
    }

    function test_signedRevocationFromBeforeTheEmergency_leavesItRunning() public {
        uint64 t0 = uint64(block.timestamp);
        bytes memory revocationSig = _signRevocation(hospital, t0, 1);
        vm.warp(t0 + 60);
        vm.prank(hospital);
        consent.breakGlass(patient, REASON);
        vm.recordLogs();
        consent.revokeBySig(patient, hospital, t0, 1, t0 + 1 days, revocationSig);
        assertEq(vm.getRecordedLogs().length, 1, "ConsentRevoked only, no bar");
        assertEq(consent.emergencyAccessOf(patient, hospital), t0 + 60 + EMERGENCY, "emergency kept");
        assertFalse(consent.emergencyBarred(patient, hospital), "not barred by a revocation signed before");
    }
}
