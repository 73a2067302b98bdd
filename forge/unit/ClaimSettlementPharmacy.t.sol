// SPDX-License-Identifier: MIT
pragma solidity 0.8.34;

import {Fixture} from "../base/Fixture.sol";
import {Vm} from "../base/Vm.sol";
import {IClaimSettlement} from "../../contracts/interfaces/IClaimSettlement.sol";
import {IDrugProvenance} from "../../contracts/interfaces/IDrugProvenance.sol";
import {MemberRoles} from "../../contracts/access/MemberRoles.sol";

/// @notice ClaimSettlement's pharmacy claims: every check by reason code, the link to the dispensed
/// unit, settlement that waits for the dispense to be final and voids a reverted one, every event.
contract ClaimSettlementPharmacyTest is Fixture {
    uint64 internal constant GTIN = 9506000134352;
    bytes32 internal constant LOT = "RX-LOT";
    bytes32 internal constant PLAIN = bytes32("POLICY-RX"); // no deductible, no coinsurance
    uint128 internal constant AMOUNT = 40e6;
    uint256 internal constant REVERT_WINDOW = 10 days;

    bytes32 internal batchId;
    bytes32[4] internal serials;
    bytes32[][4] internal proofs;

    function setUp() public {
        deployClaimsWorld(100_000e6);
        registerSupplyChainWithCare();
        vm.prank(insurer);
        claims.registerPolicy(PLAIN, patient, LIMIT, 0, 0, start, start + 2 * 365 days);
        for (uint256 i; i < 4; ++i) {
            serials[i] = keccak256(abi.encode("rx serial", i));
        }
        (root, proofs) = fourLeafTree(serials);
        vm.prank(maker);
        batchId = provenance.commissionBatch(GTIN, LOT, uint32(block.timestamp / 1 days + 365), 4, root);
        vm.prank(maker);
        bytes32 shipment = provenance.ship(batchId, pharmacy, 4, root);
        vm.prank(pharmacy);
        provenance.receiveShipment(shipment, batchId, maker, root);
        received[pharmacy] = IDrugProvenance.ShipmentRef(shipment, maker, root);
    }

    /// @dev Every shipment carries the whole four-unit batch (its root): a pharmacy dispenses what
    /// its last received shipment brought it.
    bytes32 internal root;
    mapping(address pharmacy => IDrugProvenance.ShipmentRef) internal received;

    function dispense(uint256 i) internal returns (uint64 at) {
        vm.prank(pharmacy);
        provenance.dispense(batchId, serials[i], proofs[i], received[pharmacy], proofs[i]);
        return uint64(block.timestamp);
    }

    function input(uint256 i) internal view returns (IClaimSettlement.PharmacyClaimInput memory c) {
        c = IClaimSettlement.PharmacyClaimInput(PLAIN, pharmacy, AMOUNT, bytes32("rx codes"), batchId, serials[i]);
    }

    /// @dev The id of unit `i`'s current dispense.
    function idOf(uint256 i) internal view returns (bytes32) {
        (, uint64 at,) = provenance.unitDispense(provenance.unitIdOf(batchId, serials[i]));
        return claims.pharmacyClaimIdOf(batchId, serials[i], at);
    }

    /// @dev Submits `c` in a batch of one as `sender`; the reason it was refused with (0: accepted).
    function reasonOf(IClaimSettlement.PharmacyClaimInput memory c, address sender) internal returns (uint16) {
        IClaimSettlement.PharmacyClaimInput[] memory cs = new IClaimSettlement.PharmacyClaimInput[](1);
        cs[0] = c;
        vm.recordLogs();
        vm.prank(sender);
        claims.submitPharmacyClaims(cs);
        return rejectionIn(vm.getRecordedLogs());
    }

    function test_pharmacyClaim_linksTheUnitAndUsesTheDispenseTime() public {
        uint64 at = dispense(0);
        vm.warp(block.timestamp + 1 days);
        bytes32 id = idOf(0);
        assertEq(id, keccak256(abi.encode(provenance.unitIdOf(batchId, serials[0]), at)), "claim id = dispense id");
        assertEq(provenance.unitIdOf(batchId, serials[0]), keccak256(abi.encode(batchId, serials[0])), "unit id");
        vm.expectEmit(true, true, true, true, address(claims));
        emit IClaimSettlement.ClaimSubmitted(id, PLAIN, pharmacy, insurer, AMOUNT, at);
        vm.expectEmit(true, true, true, true, address(claims));
        emit IClaimSettlement.ClaimAdjudicated(id, IClaimSettlement.Status.Approved, 0, AMOUNT, 0);
        vm.expectEmit(true, true, true, true, address(claims));
        emit IClaimSettlement.PharmacyClaimLinked(id, batchId, serials[0]);
        vm.prank(pharmacy);
        assertEq(claims.submitPharmacyClaim(input(0)), id, "returned id");
        IClaimSettlement.ClaimView memory v = claims.claimOf(id);
        assertTrue(v.pharmacyClaim, "pharmacy flag");
        assertEq(v.provider, pharmacy, "provider");
        assertEq(v.payable_, AMOUNT, "payable");
        assertFalse(claims.claimOf(bytes32("nothing")).pharmacyClaim, "unknown claim");
    }

    function test_submitPharmacyClaim_refusals() public {
        vm.expectRevert(
            abi.encodeWithSelector(IClaimSettlement.ClaimSettlementNotSubmitter.selector, stranger, pharmacy)
        );
        vm.prank(stranger);
        claims.submitPharmacyClaim(input(0));
        vm.expectRevert(abi.encodeWithSelector(IClaimSettlement.ClaimSettlementRejected.selector, idOf(0), 1003));
        vm.prank(pharmacy);
        claims.submitPharmacyClaim(input(0));
    }

    function test_submitPharmacyClaims_everyReason() public {
        dispense(0);
        IClaimSettlement.PharmacyClaimInput memory c = input(0);
        assertEq(reasonOf(c, stranger), 1001, "not a submitter");
        assertEq(reasonOf(c, insurer), 1001, "not even the policy's insurer");
        c.policyId = bytes32("NO-SUCH-POLICY");
        assertEq(reasonOf(c, stranger), 1001, "not a submitter, unknown policy");
        assertEq(reasonOf(c, pharmacy), 31, "not insured");
        c = input(0);
        c.amount = 0;
        assertEq(reasonOf(c, pharmacy), 1002, "zero amount");
        c.amount = uint128(type(uint96).max) + 1;
        assertEq(reasonOf(c, pharmacy), 1002, "amount too large");
        assertEq(reasonOf(input(1), pharmacy), 1003, "never dispensed");
        c = input(0);
        c.pharmacy = pharmacy2;
        assertEq(reasonOf(c, pharmacy2), 1003, "dispensed by another pharmacy");

        vm.startPrank(insurer);
        claims.registerPolicy("LATE", patient, LIMIT, 0, 0, uint64(block.timestamp + 1), start + 365 days);
        claims.registerPolicy("ENDED", patient, LIMIT, 0, 0, start, uint64(block.timestamp));
        vm.stopPrank();
        c = input(0);
        c.policyId = "LATE";
        assertEq(reasonOf(c, pharmacy), 26, "before coverage");
        c.policyId = "ENDED";
        assertEq(reasonOf(c, pharmacy), 27, "coverage terminated");

        vm.prank(gov);
        registry.suspendMember(pharmacy, "AUDIT");
        assertEq(reasonOf(input(0), pharmacy), 185, "suspended pharmacy");
        vm.prank(gov);
        registry.reinstateMember(pharmacy);

        vm.prank(regulator);
        provenance.quarantine(batchId, "SUSPECT");
        assertEq(reasonOf(input(0), pharmacy), 1005, "quarantined");
        vm.prank(regulator);
        provenance.release(batchId);

        vm.prank(patient);
        consent.revoke(patient, insurer);
        assertEq(reasonOf(input(0), pharmacy), 197, "consent revoked");
        vm.prank(patient);
        consent.grant(patient, insurer, HPAYMT, BILLING, start + 3 * 365 days);

        vm.prank(patient);
        consent.revoke(patient, pharmacy);
        assertEq(reasonOf(input(0), pharmacy), 1006, "no care relationship with the pharmacy");
        grantCare(patient, pharmacy, CARE_ENCOUNTERS);
        assertEq(reasonOf(input(0), pharmacy), 1006, "TREAT on another category is not a dispensing relationship");
        grantCare(patient, pharmacy, CARE_MEDICATIONS);

        vm.prank(gov);
        registry.suspendMember(insurer, "AUDIT");
        assertEq(reasonOf(input(0), pharmacy), 1007, "suspended insurer");
        vm.prank(gov);
        registry.reinstateMember(insurer);

        vm.warp(block.timestamp + FILING + 1);
        assertEq(reasonOf(input(0), pharmacy), 29, "timely filing");
    }

    function test_submitPharmacyClaims_recalledBatchAndDuplicates() public {
        dispense(0);
        dispense(1);
        assertEq(reasonOf(input(0), pharmacy), 0, "accepted from the pharmacy");
        assertEq(reasonOf(input(0), pharmacy), 18, "duplicate");
        IClaimSettlement.PharmacyClaimInput memory c = input(0);
        c.policyId = POLICY;
        assertEq(reasonOf(c, pharmacy), 18, "duplicate under another policy");
        vm.prank(regulator);
        provenance.recall(batchId, "CONTAMINATION");
        assertEq(reasonOf(input(1), pharmacy), 1004, "recalled");
    }

    function test_settle_waitsForTheDispenseToBeFinal() public {
        uint64 at = dispense(2);
        vm.prank(pharmacy);
        bytes32 id = claims.submitPharmacyClaim(input(2));
        vm.warp(block.timestamp + REVIEW);
        assertEq(claims.settle(one(id)), 0, "review over, dispense still revertible");
        vm.warp(at + REVERT_WINDOW);
        vm.expectEmit(true, true, true, true, address(claims));
        emit IClaimSettlement.ClaimSettled(id, pharmacy, AMOUNT);
        assertEq(claims.settle(one(id)), 1, "final: paid");
        assertEq(claims.creditOf(pharmacy), AMOUNT, "credit");
        assertEq(claims.settle(one(id)), 0, "never twice");
    }

    function test_settle_voidsAClaimWhoseDispenseWasReverted() public {
        dispense(3);
        vm.prank(pharmacy);
        bytes32 id = claims.submitPharmacyClaim(input(3));
        (uint256 available, uint256 reserved) = claims.poolOf(insurer);
        vm.prank(pharmacy);
        provenance.revertDispense(batchId, serials[3]);
        vm.warp(block.timestamp + REVERT_WINDOW);
        vm.expectEmit(true, true, true, true, address(claims));
        emit IClaimSettlement.ClaimVoided(id, pharmacy, 1003);
        assertEq(claims.settle(one(id)), 0, "nothing credited");
        IClaimSettlement.ClaimView memory v = claims.claimOf(id);
        assertEq(uint256(v.status), uint256(IClaimSettlement.Status.Denied), "denied");
        assertEq(v.reasonCode, 1003, "reason");
        assertEq(v.payable_, 0, "payable");
        (uint256 availableAfter, uint256 reservedAfter) = claims.poolOf(insurer);
        assertEq(availableAfter, available + AMOUNT, "available back");
        assertEq(reservedAfter, reserved - AMOUNT, "reservation freed");
        (, uint256 paid) = claims.usageOf(PLAIN, 0);
        assertEq(paid, 0, "usage given back");
        assertEq(claims.creditOf(pharmacy), 0, "no credit");
    }

    function test_settle_voidsAUnitRedispensedByAnotherPharmacy() public {
        // Deductible policy: voiding gives the deductible back too.
        dispense(1);
        IClaimSettlement.PharmacyClaimInput memory c = input(1);
        c.policyId = POLICY;
        c.amount = 1_000e6;
        vm.prank(pharmacy);
        bytes32 id = claims.submitPharmacyClaim(c);
        assertEq(claims.claimOf(id).deductibleApplied, DEDUCTIBLE, "deductible used");
        vm.prank(pharmacy);
        provenance.revertDispense(batchId, serials[1]);
        vm.prank(pharmacy);
        bytes32 shipment = provenance.ship(batchId, pharmacy2, 1, root);
        vm.prank(pharmacy2);
        provenance.receiveShipment(shipment, batchId, pharmacy, root);
        received[pharmacy2] = IDrugProvenance.ShipmentRef(shipment, pharmacy, root);
        vm.prank(pharmacy2);
        provenance.dispense(batchId, serials[1], proofs[1], received[pharmacy2], proofs[1]);
        vm.warp(block.timestamp + REVERT_WINDOW);
        assertEq(claims.settle(one(id)), 0, "voided");
        (uint256 met, uint256 paid) = claims.usageOf(POLICY, 0);
        assertEq(met + paid, 0, "deductible and limit given back");
        assertEq(claims.claimOf(id).deductibleApplied, 0, "deductible record cleared");
    }

    // ------------------------------------------------------------------------------------------
    // Ownership of a dispense's claim

    function test_onlyDispensingPharmacySubmitsItsClaim_insurerSquatRefused() public {
        address rogue = address(0xB0B);
        address throwaway = address(0xDEAD);
        vm.prank(gov);
        registry.registerMember(rogue, MemberRoles.INSURER, keccak256("rogue licence"));
        vm.prank(rogue);
        claims.registerPolicy("THROWAWAY", throwaway, LIMIT, 0, 0, start, start + 365 days);
        vm.startPrank(throwaway);
        consent.grant(throwaway, rogue, HPAYMT, BILLING, start + 3 * 365 days);
        consent.grant(throwaway, pharmacy, CARE_TREAT, CARE_MEDICATIONS, start + 3 * 365 days);
        vm.stopPrank();
        dispense(0);

        IClaimSettlement.PharmacyClaimInput memory squat = input(0);
        squat.policyId = "THROWAWAY";
        assertEq(reasonOf(squat, rogue), 1001, "an insurer never submits a pharmacy's claim");
        vm.expectRevert(abi.encodeWithSelector(IClaimSettlement.ClaimSettlementNotSubmitter.selector, rogue, pharmacy));
        vm.prank(rogue);
        claims.submitPharmacyClaim(squat);
        squat.pharmacy = rogue;
        assertEq(reasonOf(squat, rogue), 1003, "nor in its own name: it did not dispense the unit");
        assertEq(uint256(claims.claimOf(idOf(0)).status), 0, "nothing stored under the dispense's id");

        vm.prank(pharmacy);
        bytes32 id = claims.submitPharmacyClaim(input(0));
        assertEq(id, idOf(0), "the real claim, to the patient's real insurer");
        assertEq(claims.claimOf(id).policyId, PLAIN, "on the real policy");
    }

    function test_onlyDispensingPharmacySubmitsItsClaim_otherPharmacyRefused() public {
        dispense(0);
        IClaimSettlement.PharmacyClaimInput memory c = input(0);
        c.pharmacy = pharmacy2;
        assertEq(reasonOf(c, pharmacy2), 1003, "a unit it did not dispense");
        assertEq(reasonOf(input(0), pharmacy2), 1001, "nor in the dispenser's name");
        assertEq(reasonOf(input(0), pharmacy), 0, "the dispenser's claim is untouched");
    }

    function test_claimedDispenseIsPaid_notALaterUncoveredRedispense() public {
        vm.prank(insurer);
        claims.registerPolicy("SHORT", patient, LIMIT, 0, 0, start, uint64(block.timestamp + 1 days));
        dispense(0);
        IClaimSettlement.PharmacyClaimInput memory c = input(0);
        c.policyId = "SHORT";
        vm.prank(pharmacy);
        bytes32 id = claims.submitPharmacyClaim(c);

        vm.warp(block.timestamp + 2 days); // coverage over, the dispense still revertible
        vm.prank(pharmacy);
        provenance.revertDispense(batchId, serials[0]);
        vm.warp(block.timestamp + 1);
        dispense(0); // the same pack again, uncovered
        bytes32 later = idOf(0);
        assertTrue(later != id, "a new dispense is a new claim");
        assertEq(reasonOf(c, pharmacy), 27, "the new dispense is not covered");

        vm.warp(block.timestamp + REVERT_WINDOW);
        vm.expectEmit(true, true, true, true, address(claims));
        emit IClaimSettlement.ClaimVoided(id, pharmacy, 1003);
        assertEq(claims.settle(one(id)), 0, "the claimed dispense was reverted: voided, not paid");
        assertEq(claims.creditOf(pharmacy), 0, "no credit");
    }

    function test_voidedDispenseDoesNotBlockTheNextDispensesClaim() public {
        dispense(1);
        vm.prank(pharmacy);
        bytes32 first = claims.submitPharmacyClaim(input(1));
        vm.prank(pharmacy);
        provenance.revertDispense(batchId, serials[1]);
        vm.prank(pharmacy);
        bytes32 shipment = provenance.ship(batchId, pharmacy2, 1, root);
        vm.prank(pharmacy2);
        provenance.receiveShipment(shipment, batchId, pharmacy, root);
        received[pharmacy2] = IDrugProvenance.ShipmentRef(shipment, pharmacy, root);
        vm.warp(block.timestamp + 1);
        vm.prank(pharmacy2);
        provenance.dispense(batchId, serials[1], proofs[1], received[pharmacy2], proofs[1]);
        assertEq(claims.settle(one(first)), 0, "first claim voided");

        IClaimSettlement.PharmacyClaimInput memory c = input(1);
        c.pharmacy = pharmacy2;
        vm.prank(pharmacy2);
        bytes32 second = claims.submitPharmacyClaim(c);
        assertTrue(second != first, "the returned pack's new dispense has its own id");
        vm.warp(block.timestamp + REVERT_WINDOW);
        assertEq(claims.settle(one(second)), 1, "and is paid");
        assertEq(claims.creditOf(pharmacy2), AMOUNT, "to the pharmacy that dispensed it");
    }
}
