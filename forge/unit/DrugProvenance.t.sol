// SPDX-License-Identifier: MIT
pragma solidity 0.8.34;

import {Vm} from "../base/Vm.sol";
import {Fixture} from "../base/Fixture.sol";
import {ConsortiumGated} from "../../contracts/access/ConsortiumGated.sol";
import {MemberRoles} from "../../contracts/access/MemberRoles.sol";
import {IDrugProvenance} from "../../contracts/interfaces/IDrugProvenance.sol";

/// @notice DrugProvenance: every path, every refusal by selector and arguments, every event.
contract DrugProvenanceTest is Fixture {
    uint64 internal constant GTIN = 9506000134352; // 09506000134352: GS1 check digit 2
    bytes32 internal constant LOT = "LOT-A1";
    uint32 internal constant QTY = 10;
    bytes32 internal constant REASON = "PACKAGING_MISMATCH";

    uint32 internal today;
    uint32 internal expiry;
    bytes32 internal batchId;
    bytes32[4] internal serials;
    bytes32 internal root;
    bytes32[][4] internal proofs;

    function setUp() public {
        deployProvenance();
        today = uint32(block.timestamp / 1 days);
        expiry = today + 365;
        batchId = provenance.batchIdOf(GTIN, LOT);
        for (uint256 i; i < 4; ++i) {
            serials[i] = keccak256(abi.encode("serial", i));
        }
        (root, proofs) = fourLeafTree(serials);
    }

    function commission() internal {
        vm.prank(maker);
        provenance.commissionBatch(GTIN, LOT, expiry, QTY, root);
    }

    mapping(bytes32 shipmentId => address shipper) internal shipperOf;
    mapping(address addressee => IDrugProvenance.ShipmentRef) internal lastReceived;

    function shipFrom(address from, address to, uint32 quantity) internal returns (bytes32 id) {
        vm.prank(from);
        id = provenance.ship(batchId, to, quantity, root);
        shipperOf[id] = from;
    }

    function deliver(address from, address to, uint32 quantity) internal returns (bytes32 id) {
        id = shipFrom(from, to, quantity);
        vm.prank(to);
        provenance.receiveShipment(id, batchId, shipperOf[id], root);
        lastReceived[to] = IDrugProvenance.ShipmentRef(id, from, root);
    }

    /// @dev Commissioned, 4 units at the wholesaler, 3 of them at the pharmacy.
    function stocked() internal {
        commission();
        deliver(maker, wholesaler, 4);
        deliver(wholesaler, pharmacy, 3);
    }

    function dispensed(uint256 i) internal {
        vm.prank(pharmacy);
        provenance.dispense(batchId, serials[i], proofs[i], lastReceived[pharmacy], proofs[i]);
    }

    function suspend(address account) internal {
        vm.prank(gov);
        registry.suspendMember(account, "AUDIT");
    }

    function status() internal view returns (uint8 s) {
        (,, s,,) = provenance.batchOf(batchId);
    }

    function inactive(address account, bytes32 role) internal pure returns (bytes memory) {
        return abi.encodeWithSelector(ConsortiumGated.ConsortiumInactiveMember.selector, account, role);
    }

    /// @dev Makes `who` the brand owner of `gtin`: reassigns its prefix, or assigns its 12-digit body.
    function ownGtin(address who, uint64 gtin) internal {
        (address owner, uint64 prefix, uint8 length) = provenance.gtinOwnerOf(gtin);
        if (owner == who) return;
        vm.prank(gov);
        if (owner != address(0)) provenance.reassignCompanyPrefix(prefix, length, who);
        else provenance.assignCompanyPrefix((gtin / 10) % 1e12, 12, who);
    }

    function expiredAfter() internal {
        vm.warp(uint256(expiry + 1) * 1 days);
    }

    // ------------------------------------------------------------------------------------------
    // commissionBatch

    function test_commissionBatch_makerHoldsEveryUnit() public {
        vm.expectEmit(true, true, true, true, address(provenance));
        emit IDrugProvenance.BatchCommissioned(batchId, maker, GTIN, LOT, expiry, QTY, root);
        vm.prank(maker);
        bytes32 id = provenance.commissionBatch(GTIN, LOT, expiry, QTY, root);
        assertEq(id, batchId, "batch id");
        assertEq(id, keccak256(abi.encode(GTIN, LOT)), "batch id layout");
        (address m, uint32 e, uint8 s, uint32 q, bytes32 r) = provenance.batchOf(batchId);
        assertEq(m, maker, "manufacturer");
        assertEq(e, expiry, "expiry");
        assertEq(s, provenance.BATCH_ACTIVE(), "active");
        assertEq(q, QTY, "quantity");
        assertEq(r, root, "root");
        assertEq(provenance.balanceOf(maker, batchId), QTY, "maker holds all");
        assertEq(provenance.balanceOf(wholesaler, batchId), 0, "nobody else");
    }

    function test_commissionBatch_boundaries() public {
        ownGtin(maker, 99_999_999_999_997);
        ownGtin(maker, 17);
        vm.startPrank(maker);
        provenance.commissionBatch(GTIN, LOT, today, 1, root); // expiring today is still usable
        provenance.commissionBatch(99_999_999_999_997, LOT, type(uint24).max, type(uint32).max, root);
        provenance.commissionBatch(17, LOT, today, 1, root); // a short GTIN, zero-padded
        vm.stopPrank();
        (,,, uint32 q,) = provenance.batchOf(provenance.batchIdOf(99_999_999_999_997, LOT));
        assertEq(q, type(uint32).max, "the largest quantity");
    }

    function test_commissionBatch_refusals() public {
        vm.expectRevert(inactive(wholesaler, MemberRoles.MANUFACTURER));
        vm.prank(wholesaler);
        provenance.commissionBatch(GTIN, LOT, expiry, QTY, root);
        vm.expectRevert(inactive(stranger, MemberRoles.MANUFACTURER));
        vm.prank(stranger);
        provenance.commissionBatch(GTIN, LOT, expiry, QTY, root);

        vm.startPrank(maker);
        vm.expectRevert(abi.encodeWithSelector(IDrugProvenance.DrugProvenanceInvalidGtin.selector, uint64(0)));
        provenance.commissionBatch(0, LOT, expiry, QTY, root);
        vm.expectRevert(
            abi.encodeWithSelector(IDrugProvenance.DrugProvenanceInvalidGtin.selector, uint64(100_000_000_000_007))
        );
        provenance.commissionBatch(100_000_000_000_007, LOT, expiry, QTY, root); // 15 digits
        vm.expectRevert(
            abi.encodeWithSelector(IDrugProvenance.DrugProvenanceInvalidGtin.selector, uint64(9506000134353))
        );
        provenance.commissionBatch(9506000134353, LOT, expiry, QTY, root);
        vm.expectRevert(IDrugProvenance.DrugProvenanceEmptyLot.selector);
        provenance.commissionBatch(GTIN, bytes32(0), expiry, QTY, root);
        vm.expectRevert(abi.encodeWithSelector(IDrugProvenance.DrugProvenanceInvalidExpiry.selector, today - 1));
        provenance.commissionBatch(GTIN, LOT, today - 1, QTY, root);
        vm.expectRevert(abi.encodeWithSelector(IDrugProvenance.DrugProvenanceInvalidExpiry.selector, uint32(1 << 24)));
        provenance.commissionBatch(GTIN, LOT, 1 << 24, QTY, root);
        vm.expectRevert(IDrugProvenance.DrugProvenanceZeroQuantity.selector);
        provenance.commissionBatch(GTIN, LOT, expiry, 0, root);
        vm.expectRevert(IDrugProvenance.DrugProvenanceEmptySerialsRoot.selector);
        provenance.commissionBatch(GTIN, LOT, expiry, QTY, bytes32(0));
        provenance.commissionBatch(GTIN, LOT, expiry, QTY, root);
        vm.stopPrank();
        vm.expectRevert(abi.encodeWithSelector(IDrugProvenance.DrugProvenanceBatchExists.selector, batchId, maker));
        vm.prank(maker);
        provenance.commissionBatch(GTIN, LOT, expiry + 1, 1, keccak256("other root"));
    }

    function test_commissionBatch_refusesSuspendedManufacturer() public {
        suspend(maker);
        vm.expectRevert(inactive(maker, MemberRoles.MANUFACTURER));
        vm.prank(maker);
        provenance.commissionBatch(GTIN, LOT, expiry, QTY, root);
    }

    /// @dev The reference GS1 check: digits from the right after the check digit weigh 3, 1, 3, ...
    function gs1Valid(uint64 gtin) internal pure returns (bool) {
        if (gtin == 0 || gtin > 99_999_999_999_999) return false;
        uint256 sum;
        uint256 weight = 3;
        for (uint256 rest = gtin / 10; rest != 0; rest /= 10) {
            sum += weight * (rest % 10);
            weight = 4 - weight;
        }
        return (10 - sum % 10) % 10 == gtin % 10;
    }

    function test_fuzz_commissionBatch_gtinCheckDigit(uint64 gtin) public {
        gtin = uint64(bound(gtin, 0, 120_000_000_000_000));
        bool valid = gs1Valid(gtin);
        if (gtin >= 10 && gtin <= 99_999_999_999_999) ownGtin(maker, gtin);
        vm.prank(maker);
        if (valid) {
            provenance.commissionBatch(gtin, LOT, expiry, QTY, root);
        } else {
            vm.expectRevert(abi.encodeWithSelector(IDrugProvenance.DrugProvenanceInvalidGtin.selector, gtin));
            provenance.commissionBatch(gtin, LOT, expiry, QTY, root);
        }
        // Every body but 0 (whose only GTIN would be 0) has exactly one right check digit.
        if (gtin >= 10 && gtin <= 99_999_999_999_999) {
            uint64 fixedGtin = gtin - gtin % 10;
            while (!gs1Valid(fixedGtin)) ++fixedGtin;
            vm.prank(maker);
            provenance.commissionBatch(fixedGtin, "LOT-B", expiry, QTY, root);
            assertEq(fixedGtin / 10, gtin / 10, "exactly one check digit per body");
        }
    }

    function test_fuzz_commissionBatch_expiry(uint32 day) public {
        day = uint32(bound(day, today - 3, (1 << 24) + 3));
        vm.prank(maker);
        if (day < today || day >= 1 << 24) {
            vm.expectRevert(abi.encodeWithSelector(IDrugProvenance.DrugProvenanceInvalidExpiry.selector, day));
            provenance.commissionBatch(GTIN, LOT, day, QTY, root);
        } else {
            provenance.commissionBatch(GTIN, LOT, day, QTY, root);
            (, uint32 e,,,) = provenance.batchOf(batchId);
            assertEq(e, day, "expiry kept");
        }
    }

    // ------------------------------------------------------------------------------------------
    // GS1 company prefixes: a GTIN's batches come only from its brand owner

    function test_onlyBrandOwnerCommissionsItsGtin_nextLotSquatRefused() public {
        commission(); // the brand owner's lot
        // Another active manufacturer squats the brand's next, predictable lot: refused, naming the owner.
        vm.expectRevert(
            abi.encodeWithSelector(IDrugProvenance.DrugProvenanceGtinNotOwned.selector, GTIN, maker, maker2)
        );
        vm.prank(maker2);
        provenance.commissionBatch(GTIN, "LOT-A2", expiry, QTY, keccak256("counterfeit serials"));
        // So the brand owner's own next lot still commissions.
        vm.prank(maker);
        provenance.commissionBatch(GTIN, "LOT-A2", expiry, QTY, root);
        (address m,,,,) = provenance.batchOf(provenance.batchIdOf(GTIN, "LOT-A2"));
        assertEq(m, maker, "the brand owner's batch");
        // Every GTIN under the prefix (other item references, other indicator digits) is the owner's.
        vm.expectRevert(
            abi.encodeWithSelector(
                IDrugProvenance.DrugProvenanceGtinNotOwned.selector, uint64(19_506_000_000_012), maker, maker2
            )
        );
        vm.prank(maker2);
        provenance.commissionBatch(19_506_000_000_012, LOT, expiry, QTY, root);
    }

    function test_gtinWithoutAssignedPrefix_commissionedByNobody() public {
        uint64 unassigned = 4_006_381_333_931; // 0 400638 ...: prefix of nobody here
        (address owner,,) = provenance.gtinOwnerOf(unassigned);
        assertEq(owner, address(0), "nobody's");
        vm.expectRevert(
            abi.encodeWithSelector(IDrugProvenance.DrugProvenanceGtinNotOwned.selector, unassigned, address(0), maker)
        );
        vm.prank(maker);
        provenance.commissionBatch(unassigned, LOT, expiry, QTY, root);
    }

    function test_assignCompanyPrefix_everyLengthAndItsGtins() public {
        // 6 to 12 digits, leading zeros included in the length: each governs exactly its GTINs.
        uint64[7] memory prefixes =
            [uint64(12_345), 1_234_560, 12_345_610, 123_456_200, 1_234_563_000, 12_345_640_000, 123_456_500_000];
        for (uint8 length = 6; length <= 12; ++length) {
            uint64 prefix = prefixes[length - 6];
            vm.expectEmit(true, true, true, true, address(provenance));
            emit IDrugProvenance.CompanyPrefixAssigned(prefix, length, maker2, gov);
            vm.prank(gov);
            provenance.assignCompanyPrefix(prefix, length, maker2);
            assertEq(provenance.companyPrefixOwner(prefix, length), maker2, "assigned");
        }
        // 0 012345 00000 c is under the 6-digit "012345".
        (address owner, uint64 p, uint8 l) = provenance.gtinOwnerOf(123_450_000_007);
        assertEq(owner, maker2, "6-digit owner");
        assertEq(p, 12_345, "6-digit prefix");
        assertEq(l, 6, "6 digits");
        (owner, p, l) = provenance.gtinOwnerOf(1_234_565_000_000);
        assertEq(owner, maker2, "12-digit owner");
        assertEq(p, 123_456_500_000, "12-digit prefix");
        assertEq(l, 12, "12 digits");
        (owner,,) = provenance.gtinOwnerOf(1_234_565_000_017);
        assertEq(owner, address(0), "next to a 12-digit prefix: nobody's");
        (owner,,) = provenance.gtinOwnerOf(0);
        assertEq(owner, address(0), "not a GTIN");
        vm.prank(maker2);
        provenance.commissionBatch(1_234_565_000_000, LOT, expiry, QTY, root);
        vm.expectRevert(
            abi.encodeWithSelector(
                IDrugProvenance.DrugProvenanceGtinNotOwned.selector, uint64(1_234_565_000_017), address(0), maker2
            )
        );
        vm.prank(maker2);
        provenance.commissionBatch(1_234_565_000_017, LOT, expiry, QTY, root);
    }

    function test_assignCompanyPrefix_refusals() public {
        vm.expectRevert(abi.encodeWithSelector(IDrugProvenance.DrugProvenanceNotRegistryAdmin.selector, regulator));
        vm.prank(regulator);
        provenance.assignCompanyPrefix(400_638, 6, maker);
        vm.expectRevert(abi.encodeWithSelector(IDrugProvenance.DrugProvenanceNotRegistryAdmin.selector, maker));
        vm.prank(maker); // a manufacturer cannot give itself a prefix
        provenance.assignCompanyPrefix(400_638, 6, maker);

        vm.startPrank(gov);
        vm.expectRevert(
            abi.encodeWithSelector(
                IDrugProvenance.DrugProvenanceInvalidCompanyPrefix.selector, uint64(40_063), uint8(5)
            )
        );
        provenance.assignCompanyPrefix(40_063, 5, maker);
        vm.expectRevert(
            abi.encodeWithSelector(IDrugProvenance.DrugProvenanceInvalidCompanyPrefix.selector, uint64(1), uint8(13))
        );
        provenance.assignCompanyPrefix(1, 13, maker);
        vm.expectRevert(
            abi.encodeWithSelector(
                IDrugProvenance.DrugProvenanceInvalidCompanyPrefix.selector, uint64(1_000_000), uint8(6)
            )
        );
        provenance.assignCompanyPrefix(1_000_000, 6, maker); // 7 digits said to be 6
        vm.expectRevert(inactive(wholesaler, MemberRoles.MANUFACTURER));
        provenance.assignCompanyPrefix(400_638, 6, wholesaler);
        vm.expectRevert(
            abi.encodeWithSelector(
                IDrugProvenance.DrugProvenanceCompanyPrefixTaken.selector, uint64(9_506_000), uint8(7), maker
            )
        );
        provenance.assignCompanyPrefix(9_506_000, 7, maker2);
        // Overlaps: inside maker's 9506000, and around it.
        vm.expectRevert(
            abi.encodeWithSelector(
                IDrugProvenance.DrugProvenanceCompanyPrefixWithin.selector,
                uint64(95_060_001),
                uint8(8),
                uint64(9_506_000),
                uint8(7),
                maker
            )
        );
        provenance.assignCompanyPrefix(95_060_001, 8, maker2);
        vm.expectRevert(
            abi.encodeWithSelector(
                IDrugProvenance.DrugProvenanceCompanyPrefixCovers.selector, uint64(950_600), uint8(6), uint32(1)
            )
        );
        provenance.assignCompanyPrefix(950_600, 6, maker2);
        vm.stopPrank();
        suspend(maker2);
        vm.expectRevert(inactive(maker2, MemberRoles.MANUFACTURER));
        vm.prank(gov);
        provenance.assignCompanyPrefix(400_638, 6, maker2);
    }

    function test_reassignCompanyPrefix_movesFutureBatchesOnly() public {
        commission();
        vm.expectEmit(true, true, true, true, address(provenance));
        emit IDrugProvenance.CompanyPrefixReassigned(9_506_000, 7, maker, maker2, gov);
        vm.prank(gov);
        provenance.reassignCompanyPrefix(9_506_000, 7, maker2);
        (address m,,,,) = provenance.batchOf(batchId);
        assertEq(m, maker, "a batch commissioned before stays its manufacturer's");
        vm.expectRevert(
            abi.encodeWithSelector(IDrugProvenance.DrugProvenanceGtinNotOwned.selector, GTIN, maker2, maker)
        );
        vm.prank(maker);
        provenance.commissionBatch(GTIN, "LOT-A2", expiry, QTY, root);
        vm.prank(maker2);
        provenance.commissionBatch(GTIN, "LOT-A2", expiry, QTY, root);

        vm.expectRevert(abi.encodeWithSelector(IDrugProvenance.DrugProvenanceNotRegistryAdmin.selector, regulator));
        vm.prank(regulator);
        provenance.reassignCompanyPrefix(9_506_000, 7, maker);
        vm.startPrank(gov);
        vm.expectRevert(
            abi.encodeWithSelector(
                IDrugProvenance.DrugProvenanceCompanyPrefixNotAssigned.selector, uint64(400_638), uint8(6)
            )
        );
        provenance.reassignCompanyPrefix(400_638, 6, maker);
        vm.expectRevert(
            abi.encodeWithSelector(
                IDrugProvenance.DrugProvenanceCompanyPrefixTaken.selector, uint64(9_506_000), uint8(7), maker2
            )
        );
        provenance.reassignCompanyPrefix(9_506_000, 7, maker2);
        vm.expectRevert(inactive(pharmacy, MemberRoles.MANUFACTURER));
        provenance.reassignCompanyPrefix(9_506_000, 7, pharmacy);
        vm.stopPrank();
    }

    function test_revokeCompanyPrefix_byAdminOrRegulator_thenReassignable() public {
        vm.expectEmit(true, true, true, true, address(provenance));
        emit IDrugProvenance.CompanyPrefixRevoked(9_506_000, 7, maker, regulator, "LICENCE_LAPSED");
        vm.prank(regulator);
        provenance.revokeCompanyPrefix(9_506_000, 7, "LICENCE_LAPSED");
        assertEq(provenance.companyPrefixOwner(9_506_000, 7), address(0), "revoked");
        vm.expectRevert(
            abi.encodeWithSelector(IDrugProvenance.DrugProvenanceGtinNotOwned.selector, GTIN, address(0), maker)
        );
        vm.prank(maker);
        provenance.commissionBatch(GTIN, LOT, expiry, QTY, root);
        // Revoked, the prefix no longer blocks a shorter one around it, and the admin revokes too.
        vm.startPrank(gov);
        provenance.assignCompanyPrefix(950_600, 6, maker2);
        vm.expectEmit(true, true, true, true, address(provenance));
        emit IDrugProvenance.CompanyPrefixRevoked(950_600, 6, maker2, gov, "SOLD");
        provenance.revokeCompanyPrefix(950_600, 6, "SOLD");
        provenance.assignCompanyPrefix(9_506_000, 7, maker);
        vm.stopPrank();
        commission();

        vm.expectRevert(IDrugProvenance.DrugProvenanceMissingReason.selector);
        vm.prank(gov);
        provenance.revokeCompanyPrefix(9_506_000, 7, bytes32(0));
        vm.expectRevert(
            abi.encodeWithSelector(IDrugProvenance.DrugProvenanceNotRegistryAdminOrRegulator.selector, maker)
        );
        vm.prank(maker);
        provenance.revokeCompanyPrefix(9_506_000, 7, REASON);
        vm.expectRevert(
            abi.encodeWithSelector(
                IDrugProvenance.DrugProvenanceCompanyPrefixNotAssigned.selector, uint64(400_638), uint8(6)
            )
        );
        vm.prank(gov);
        provenance.revokeCompanyPrefix(400_638, 6, REASON);
        suspend(regulator);
        vm.expectRevert(
            abi.encodeWithSelector(IDrugProvenance.DrugProvenanceNotRegistryAdminOrRegulator.selector, regulator)
        );
        vm.prank(regulator);
        provenance.revokeCompanyPrefix(9_506_000, 7, REASON);
    }

    /// @dev Under one 6-digit head: one prefix (answered from the head's entry), then a second and a
    /// third (answered by the lengths walk), revocations and reassignments on both paths.
    function test_prefixesSharingAHead_eachGtinToItsOwner() public {
        // maker owns 9506000 (head 950600). GTIN 0 9506009 ... is under the same head, nobody's.
        uint64 neighbour = 9_506_009_000_000 + checkDigitOf(950_600_900_000);
        (address owner,,) = provenance.gtinOwnerOf(neighbour);
        assertEq(owner, address(0), "same head, not under the sole prefix");
        vm.prank(gov);
        provenance.reassignCompanyPrefix(9_506_000, 7, maker2);
        (owner,,) = provenance.gtinOwnerOf(GTIN);
        assertEq(owner, maker2, "the head's cached owner follows a reassignment");
        vm.startPrank(gov);
        provenance.assignCompanyPrefix(95_060_010, 8, maker); // a second prefix under the head
        provenance.assignCompanyPrefix(950_600_200, 9, maker); // a third
        vm.stopPrank();
        uint8 l;
        uint64 p;
        (owner, p, l) = provenance.gtinOwnerOf(GTIN);
        assertEq(owner, maker2, "7-digit owner, found by the walk");
        assertEq(p, 9_506_000, "its prefix");
        (owner, p, l) = provenance.gtinOwnerOf(9_506_001_000_000 + checkDigitOf(950_600_100_000));
        assertEq(owner, maker, "8-digit owner");
        assertEq(l, 8, "8 digits");
        (owner,,) = provenance.gtinOwnerOf(neighbour);
        assertEq(owner, address(0), "still nobody's");
        assertEq(provenance.companyPrefixOwner(950_600, 6), address(0), "the head itself is nobody's");
        vm.startPrank(gov);
        provenance.revokeCompanyPrefix(9_506_000, 7, REASON);
        provenance.revokeCompanyPrefix(95_060_010, 8, REASON);
        vm.stopPrank();
        (owner, p, l) = provenance.gtinOwnerOf(9_506_002_000_000 + checkDigitOf(950_600_200_000));
        assertEq(owner, maker, "the one left, found by the walk");
        assertEq(l, 9, "9 digits");
        (owner,,) = provenance.gtinOwnerOf(GTIN);
        assertEq(owner, address(0), "revoked");
        vm.startPrank(gov);
        provenance.revokeCompanyPrefix(950_600_200, 9, REASON);
        provenance.assignCompanyPrefix(950_600, 6, maker); // nothing left under the head: it may be assigned
        vm.stopPrank();
        (owner, p, l) = provenance.gtinOwnerOf(GTIN);
        assertEq(owner, maker, "6-digit owner");
        assertEq(l, 6, "6 digits");
        assertEq(provenance.companyPrefixOwner(950_600, 6), maker, "the head's own owner");
        vm.prank(maker);
        provenance.commissionBatch(GTIN, LOT, expiry, QTY, root);
    }

    /// @dev The GTIN-14 check digit of the 13 digits `body13` (indicator digit first).
    function checkDigitOf(uint64 body13) internal pure returns (uint64 c) {
        while (!gs1Valid(body13 * 10 + c)) ++c;
    }

    /// @dev Whatever two prefixes are assigned, a GTIN has at most one owner, and it is the one whose
    /// prefix starts its body.
    function test_fuzz_prefixesNeverOverlap(uint64 a, uint8 la, uint64 b, uint8 lb, uint64 itemRef) public {
        la = uint8(bound(la, 6, 12));
        lb = uint8(bound(lb, 6, 12));
        a = uint64(bound(a, 0, 10 ** la - 1));
        b = uint64(bound(b, 0, 10 ** lb - 1));
        vm.startPrank(gov);
        provenance.revokeCompanyPrefix(9_506_000, 7, REASON);
        provenance.revokeCompanyPrefix(950_601, 6, REASON);
        provenance.assignCompanyPrefix(a, la, maker);
        (bool ok,) = address(provenance).call(abi.encodeCall(provenance.assignCompanyPrefix, (b, lb, maker2)));
        vm.stopPrank();
        assertEq(ok, !overlapping(a, la, b, lb), "assigned exactly when not overlapping");
        checkOwnerUnder(a, la, itemRef);
    }

    function overlapping(uint64 a, uint8 la, uint64 b, uint8 lb) internal pure returns (bool) {
        return la <= lb ? b / 10 ** (lb - la) == a : a / 10 ** (la - lb) == b;
    }

    /// @dev A GTIN under prefix (`a`, `la`) belongs to `maker`, by that prefix.
    function checkOwnerUnder(uint64 a, uint8 la, uint64 itemRef) internal view {
        // Indicator digit 1, so that even the all-zero body makes a GTIN.
        uint64 body = a * uint64(10 ** (12 - la)) + uint64(bound(itemRef, 0, 10 ** (12 - la) - 1));
        uint64 gtin = (1e12 + body) * 10;
        while (!gs1Valid(gtin)) ++gtin;
        (address owner, uint64 p, uint8 l) = provenance.gtinOwnerOf(gtin);
        assertEq(owner, maker, "the owner of the prefix that starts it");
        assertEq(p, a, "that prefix");
        assertEq(l, la, "its length");
    }

    // ------------------------------------------------------------------------------------------
    // ship / receiveShipment

    function test_ship_putsUnitsInTransit() public {
        commission();
        bytes32 expected = bytes32((block.number << 192) | (uint256(4) << 160) | uint256(uint160(wholesaler)));
        vm.expectEmit(true, true, true, true, address(provenance));
        emit IDrugProvenance.Shipped(expected, batchId, maker, wholesaler, 4, root);
        bytes32 id = shipFrom(maker, wholesaler, 4);
        assertEq(id, expected, "shipment id layout");
        (address to, uint32 q, uint8 state) = provenance.shipmentOf(id);
        assertEq(state, provenance.SHIPMENT_IN_TRANSIT(), "in transit");
        assertEq(to, wholesaler, "addressee");
        assertEq(q, 4, "quantity");
        assertEq(provenance.balanceOf(maker, batchId), QTY - 4, "debited");
        assertEq(provenance.balanceOf(wholesaler, batchId), 0, "in transit belongs to nobody");

        // Same block, addressee and quantity: the next free counter value.
        bytes32 second = shipFrom(maker, wholesaler, 4);
        assertEq(uint256(second), uint256(id) + (1 << 232), "counter within the block");
        bytes32 third = shipFrom(maker, wholesaler, 2);
        assertEq(uint256(third), uint256(id) - (uint256(2) << 160), "another quantity, another id");
    }

    function test_receiveShipment_creditsAddressee() public {
        commission();
        bytes32 id = shipFrom(maker, wholesaler, 4);
        vm.expectEmit(true, true, true, true, address(provenance));
        emit IDrugProvenance.Received(id, batchId, wholesaler);
        vm.prank(wholesaler);
        provenance.receiveShipment(id, batchId, shipperOf[id], root);
        assertEq(provenance.balanceOf(wholesaler, batchId), 4, "credited");
        (address to, uint32 q, uint8 state) = provenance.shipmentOf(id);
        assertEq(state, provenance.SHIPMENT_RECEIVED(), "received, kept for dispensing");
        assertEq(to, wholesaler, "addressee");
        assertEq(q, 4, "quantity");
        vm.expectRevert(abi.encodeWithSelector(IDrugProvenance.DrugProvenanceShipmentReceived.selector, id));
        vm.prank(wholesaler);
        provenance.receiveShipment(id, batchId, shipperOf[id], root);
        // Received ids never recur.
        assertEq(uint256(shipFrom(maker, wholesaler, 4)), uint256(id) + (1 << 232), "received ids stay taken");
    }

    function test_ship_returnToManufacturerAndOnwards() public {
        stocked();
        deliver(pharmacy, maker, 1); // a return
        assertEq(provenance.balanceOf(maker, batchId), QTY - 4 + 1, "back with the maker");
        deliver(wholesaler, pharmacy2, 1);
        deliver(pharmacy2, pharmacy, 1); // pharmacy to pharmacy
        assertEq(provenance.balanceOf(pharmacy, batchId), 3, "pharmacy");
        assertEq(provenance.balanceOf(pharmacy2, batchId), 0, "pharmacy2");
        assertEq(provenance.balanceOf(wholesaler, batchId), 0, "wholesaler");
    }

    function test_ship_refusals() public {
        commission();
        vm.startPrank(maker);
        vm.expectRevert(IDrugProvenance.DrugProvenanceZeroQuantity.selector);
        provenance.ship(batchId, wholesaler, 0, root);
        vm.expectRevert(IDrugProvenance.DrugProvenanceEmptySerialsRoot.selector);
        provenance.ship(batchId, wholesaler, 1, bytes32(0));
        bytes32 unknown = keccak256("unknown batch");
        vm.expectRevert(abi.encodeWithSelector(IDrugProvenance.DrugProvenanceUnknownBatch.selector, unknown));
        provenance.ship(unknown, wholesaler, 1, root);
        vm.expectRevert(abi.encodeWithSelector(IDrugProvenance.DrugProvenanceInvalidRecipient.selector, maker));
        provenance.ship(batchId, maker, 1, root);
        vm.expectRevert(abi.encodeWithSelector(IDrugProvenance.DrugProvenanceInvalidRecipient.selector, stranger));
        provenance.ship(batchId, stranger, 1, root);
        vm.expectRevert(abi.encodeWithSelector(IDrugProvenance.DrugProvenanceInvalidRecipient.selector, regulator));
        provenance.ship(batchId, regulator, 1, root);
        vm.expectRevert(abi.encodeWithSelector(IDrugProvenance.DrugProvenanceInvalidRecipient.selector, maker2));
        provenance.ship(batchId, maker2, 1, root); // another batch's manufacturer
        vm.expectRevert(
            abi.encodeWithSelector(
                IDrugProvenance.DrugProvenanceInsufficientUnits.selector, maker, batchId, QTY, QTY + 1
            )
        );
        provenance.ship(batchId, wholesaler, QTY + 1, root);
        vm.stopPrank();

        vm.expectRevert(
            abi.encodeWithSelector(IDrugProvenance.DrugProvenanceInsufficientUnits.selector, pharmacy, batchId, 0, 1)
        );
        vm.prank(pharmacy);
        provenance.ship(batchId, wholesaler, 1, root);
        vm.expectRevert(abi.encodeWithSelector(IDrugProvenance.DrugProvenanceInactiveMember.selector, stranger));
        vm.prank(stranger);
        provenance.ship(batchId, wholesaler, 1, root);

        suspend(wholesaler);
        vm.expectRevert(abi.encodeWithSelector(IDrugProvenance.DrugProvenanceInvalidRecipient.selector, wholesaler));
        vm.prank(maker);
        provenance.ship(batchId, wholesaler, 1, root);
        suspend(maker);
        vm.expectRevert(abi.encodeWithSelector(IDrugProvenance.DrugProvenanceInactiveMember.selector, maker));
        vm.prank(maker);
        provenance.ship(batchId, pharmacy, 1, root);
    }

    function test_ship_returnRefusedToSuspendedManufacturer() public {
        commission();
        deliver(maker, wholesaler, 2);
        suspend(maker);
        vm.expectRevert(abi.encodeWithSelector(IDrugProvenance.DrugProvenanceInvalidRecipient.selector, maker));
        vm.prank(wholesaler);
        provenance.ship(batchId, maker, 1, root);
    }

    function test_ship_refusesStoppedBatches() public {
        commission();
        vm.prank(regulator);
        provenance.quarantine(batchId, REASON);
        vm.expectRevert(abi.encodeWithSelector(IDrugProvenance.DrugProvenanceBatchQuarantined.selector, batchId));
        vm.prank(maker);
        provenance.ship(batchId, wholesaler, 1, root);
        vm.prank(regulator);
        provenance.release(batchId);
        expiredAfter();
        vm.expectRevert(abi.encodeWithSelector(IDrugProvenance.DrugProvenanceBatchExpired.selector, batchId, expiry));
        vm.prank(maker);
        provenance.ship(batchId, wholesaler, 1, root);
        vm.prank(maker);
        provenance.recall(batchId, REASON);
        vm.expectRevert(abi.encodeWithSelector(IDrugProvenance.DrugProvenanceBatchRecalled.selector, batchId));
        vm.prank(maker);
        provenance.ship(batchId, wholesaler, 1, root);
    }

    function test_ship_lastDayOfExpiryStillMoves() public {
        commission();
        vm.warp(uint256(expiry + 1) * 1 days - 1);
        deliver(maker, wholesaler, 1);
        assertEq(provenance.balanceOf(wholesaler, batchId), 1, "usable through the expiry day");
    }

    function test_receiveShipment_refusals() public {
        commission();
        bytes32 id = shipFrom(maker, wholesaler, 4);
        bytes32 never = keccak256("never shipped");
        vm.expectRevert(abi.encodeWithSelector(IDrugProvenance.DrugProvenanceUnknownShipment.selector, never));
        vm.prank(wholesaler);
        provenance.receiveShipment(never, batchId, shipperOf[never], root);
        vm.expectRevert(
            abi.encodeWithSelector(IDrugProvenance.DrugProvenanceNotAddressee.selector, id, wholesaler, pharmacy)
        );
        vm.prank(pharmacy);
        provenance.receiveShipment(id, batchId, shipperOf[id], root);
        // Another batch, shipper or root than shipped.
        vm.expectRevert(abi.encodeWithSelector(IDrugProvenance.DrugProvenanceShipmentMismatch.selector, id));
        vm.prank(wholesaler);
        provenance.receiveShipment(id, batchId, pharmacy, root);
        vm.expectRevert(abi.encodeWithSelector(IDrugProvenance.DrugProvenanceShipmentMismatch.selector, id));
        vm.prank(wholesaler);
        provenance.receiveShipment(id, batchId, maker, keccak256("another root"));
        vm.expectRevert(abi.encodeWithSelector(IDrugProvenance.DrugProvenanceShipmentMismatch.selector, id));
        vm.prank(wholesaler);
        provenance.receiveShipment(id, keccak256("another batch"), maker, root);

        vm.prank(regulator);
        provenance.quarantine(batchId, REASON);
        vm.expectRevert(abi.encodeWithSelector(IDrugProvenance.DrugProvenanceBatchQuarantined.selector, batchId));
        vm.prank(wholesaler);
        provenance.receiveShipment(id, batchId, shipperOf[id], root);
        vm.prank(regulator);
        provenance.release(batchId);

        expiredAfter();
        vm.expectRevert(abi.encodeWithSelector(IDrugProvenance.DrugProvenanceBatchExpired.selector, batchId, expiry));
        vm.prank(wholesaler);
        provenance.receiveShipment(id, batchId, shipperOf[id], root);

        vm.prank(regulator);
        provenance.recall(batchId, REASON);
        vm.expectRevert(abi.encodeWithSelector(IDrugProvenance.DrugProvenanceBatchRecalled.selector, batchId));
        vm.prank(wholesaler);
        provenance.receiveShipment(id, batchId, shipperOf[id], root);
        (,, uint8 state) = provenance.shipmentOf(id);
        assertEq(state, provenance.SHIPMENT_IN_TRANSIT(), "in transit for good");
    }

    function test_suspendedOrRemovedAddresseeCannotReceive_untilReinstated() public {
        commission();
        bytes32 id = shipFrom(maker, wholesaler, 4);
        suspend(wholesaler);
        vm.expectRevert(abi.encodeWithSelector(IDrugProvenance.DrugProvenanceInactiveMember.selector, wholesaler));
        vm.prank(wholesaler);
        provenance.receiveShipment(id, batchId, shipperOf[id], root);
        (,, uint8 state) = provenance.shipmentOf(id);
        assertEq(state, provenance.SHIPMENT_IN_TRANSIT(), "still in transit");
        vm.prank(gov);
        registry.reinstateMember(wholesaler);
        vm.prank(wholesaler);
        provenance.receiveShipment(id, batchId, shipperOf[id], root);
        assertEq(provenance.balanceOf(wholesaler, batchId), 4, "received once reinstated");

        bytes32 toPharmacy = shipFrom(wholesaler, pharmacy, 2);
        vm.prank(gov);
        registry.removeMember(pharmacy, MemberRoles.PHARMACY, "LICENCE_WITHDRAWN");
        vm.expectRevert(abi.encodeWithSelector(IDrugProvenance.DrugProvenanceInactiveMember.selector, pharmacy));
        vm.prank(pharmacy);
        provenance.receiveShipment(toPharmacy, batchId, shipperOf[toPharmacy], root);
        assertEq(provenance.balanceOf(pharmacy, batchId), 0, "a removed member receives nothing");
    }

    /// @dev Conservation over a random route: commissioned = Σ holdings + in transit.
    function test_fuzz_ship_conservesUnits(uint32 qty, uint32 toWholesaler, uint32 toPharmacy, bool delivered) public {
        qty = uint32(bound(qty, 1, type(uint32).max));
        toWholesaler = uint32(bound(toWholesaler, 1, qty));
        toPharmacy = uint32(bound(toPharmacy, 1, toWholesaler));
        vm.prank(maker);
        provenance.commissionBatch(GTIN, LOT, expiry, qty, root);
        deliver(maker, wholesaler, toWholesaler);
        bytes32 id = shipFrom(wholesaler, pharmacy, toPharmacy);
        uint256 inTransit = toPharmacy;
        if (delivered) {
            vm.prank(pharmacy);
            provenance.receiveShipment(id, batchId, shipperOf[id], root);
            lastReceived[pharmacy] = IDrugProvenance.ShipmentRef(id, wholesaler, root);
            inTransit = 0;
            dispensed(0); // a dispensed unit stays in its pharmacy's holding
        }
        uint256 held = uint256(provenance.balanceOf(maker, batchId)) + provenance.balanceOf(wholesaler, batchId)
            + provenance.balanceOf(pharmacy, batchId);
        assertEq(held + inTransit, qty, "conservation");
    }

    // ------------------------------------------------------------------------------------------
    // dispense / revertDispense

    function test_dispense_decommissionsTheUnit() public {
        stocked();
        assertEq(provenance.verifyUnit(batchId, serials[2], proofs[2]), provenance.UNIT_GENUINE(), "genuine");
        vm.expectEmit(true, true, true, true, address(provenance));
        emit IDrugProvenance.Dispensed(batchId, serials[2], pharmacy);
        dispensed(2);
        assertEq(provenance.balanceOf(pharmacy, batchId), 3, "holdings unchanged");
        assertEq(provenance.dispenserOf(batchId, serials[2]), pharmacy, "dispenser");
        (address p, uint40 at) = provenance.dispenseOf(batchId, serials[2]);
        assertEq(p, pharmacy, "dispense pharmacy");
        assertEq(at, block.timestamp, "dispense time");
        assertEq(
            provenance.verifyUnit(batchId, serials[2], proofs[2]), provenance.UNIT_ALREADY_DISPENSED(), "dispensed"
        );
        assertEq(provenance.dispenserOf(batchId, serials[1]), address(0), "others untouched");
        bytes32 unit = provenance.unitIdOf(batchId, serials[2]);
        assertEq(unit, keccak256(abi.encode(batchId, serials[2])), "unit id");
        (address byWhom, uint64 when, uint64 until) = provenance.unitDispense(unit);
        assertEq(byWhom, pharmacy, "unit dispense pharmacy");
        assertEq(when, block.timestamp, "unit dispense time");
        assertEq(until, block.timestamp + 10 days, "revertible until");
    }

    function test_dispense_refusals() public {
        stocked();
        vm.expectRevert(inactive(wholesaler, MemberRoles.PHARMACY));
        vm.prank(wholesaler);
        provenance.dispense(batchId, serials[0], proofs[0], lastReceived[pharmacy], proofs[0]);
        bytes32 unknown = keccak256("unknown batch");
        vm.expectRevert(abi.encodeWithSelector(IDrugProvenance.DrugProvenanceUnknownBatch.selector, unknown));
        vm.prank(pharmacy);
        provenance.dispense(unknown, serials[0], proofs[0], lastReceived[pharmacy], proofs[0]);
        vm.expectRevert(
            abi.encodeWithSelector(IDrugProvenance.DrugProvenanceUnknownSerial.selector, batchId, serials[0])
        );
        vm.prank(pharmacy);
        provenance.dispense(batchId, serials[0], proofs[1], lastReceived[pharmacy], proofs[1]);
        bytes32 outside = keccak256("counterfeit");
        vm.expectRevert(abi.encodeWithSelector(IDrugProvenance.DrugProvenanceUnknownSerial.selector, batchId, outside));
        vm.prank(pharmacy);
        provenance.dispense(batchId, outside, proofs[0], lastReceived[pharmacy], proofs[0]);
        vm.expectRevert(
            abi.encodeWithSelector(
                IDrugProvenance.DrugProvenanceNotReceived.selector, lastReceived[pharmacy].shipmentId, pharmacy2
            )
        );
        vm.prank(pharmacy2);
        provenance.dispense(batchId, serials[0], proofs[0], lastReceived[pharmacy], proofs[0]);

        dispensed(0);
        uint40 at = uint40(block.timestamp);
        vm.warp(block.timestamp + 1 hours);
        vm.expectRevert(
            abi.encodeWithSelector(
                IDrugProvenance.DrugProvenanceAlreadyDispensed.selector, batchId, serials[0], pharmacy, at
            )
        );
        vm.prank(pharmacy);
        provenance.dispense(batchId, serials[0], proofs[0], lastReceived[pharmacy], proofs[0]);
        deliver(pharmacy, pharmacy2, 1);
        vm.expectRevert(
            abi.encodeWithSelector(
                IDrugProvenance.DrugProvenanceAlreadyDispensed.selector, batchId, serials[0], pharmacy, at
            )
        );
        vm.prank(pharmacy2);
        provenance.dispense(batchId, serials[0], proofs[0], lastReceived[pharmacy2], proofs[0]);

        suspend(pharmacy);
        vm.expectRevert(inactive(pharmacy, MemberRoles.PHARMACY));
        vm.prank(pharmacy);
        provenance.dispense(batchId, serials[1], proofs[1], lastReceived[pharmacy], proofs[1]);
    }

    function test_dispense_refusesStoppedBatches() public {
        stocked();
        vm.prank(pharmacy);
        provenance.reportSuspect(batchId, serials[0], REASON);
        vm.expectRevert(abi.encodeWithSelector(IDrugProvenance.DrugProvenanceBatchQuarantined.selector, batchId));
        dispensed(0);
        vm.prank(regulator);
        provenance.release(batchId);
        expiredAfter();
        vm.expectRevert(abi.encodeWithSelector(IDrugProvenance.DrugProvenanceBatchExpired.selector, batchId, expiry));
        dispensed(0);
        vm.prank(maker);
        provenance.recall(batchId, REASON);
        vm.expectRevert(abi.encodeWithSelector(IDrugProvenance.DrugProvenanceBatchRecalled.selector, batchId));
        dispensed(0);
    }

    function test_revertDispense_returnsTheUnit() public {
        stocked();
        dispensed(1);
        vm.warp(block.timestamp + 10 days - 1);
        vm.expectEmit(true, true, true, true, address(provenance));
        emit IDrugProvenance.DispenseReverted(batchId, serials[1], pharmacy);
        vm.prank(pharmacy);
        provenance.revertDispense(batchId, serials[1]);
        assertEq(provenance.balanceOf(pharmacy, batchId), 3, "holdings unchanged");
        assertEq(provenance.dispenserOf(batchId, serials[1]), address(0), "no dispenser");
        (address p, uint40 at) = provenance.dispenseOf(batchId, serials[1]);
        assertEq(p, address(0), "no pharmacy");
        assertEq(at, 0, "no time");
        assertEq(provenance.verifyUnit(batchId, serials[1], proofs[1]), provenance.UNIT_GENUINE(), "genuine again");
        dispensed(1); // and can be dispensed again
        assertEq(provenance.dispenserOf(batchId, serials[1]), pharmacy, "dispensed again");
    }

    function test_manufacturerPharmacyDispensesOnlyWhatAShipmentBroughtIt() public {
        // A manufacturer that is also a pharmacy holds its batch, but no shipment carried a serial to it.
        vm.prank(gov);
        registry.registerMember(maker, MemberRoles.PHARMACY, keccak256("maker pharmacy licence"));
        commission();
        bytes32 own = bytes32(uint256(uint160(maker)));
        vm.expectRevert(abi.encodeWithSelector(IDrugProvenance.DrugProvenanceNotReceived.selector, own, maker));
        vm.prank(maker);
        provenance.dispense(batchId, serials[3], proofs[3], IDrugProvenance.ShipmentRef(own, maker, root), proofs[3]);
        // A return from the pharmacy's stock is a received shipment: its serials are the maker's to dispense.
        deliver(maker, wholesaler, 2);
        deliver(wholesaler, maker, 1);
        vm.startPrank(maker);
        provenance.dispense(batchId, serials[3], proofs[3], lastReceived[maker], proofs[3]);
        provenance.revertDispense(batchId, serials[3]);
        vm.stopPrank();
        assertEq(provenance.dispenserOf(batchId, serials[3]), address(0), "reverted");
    }

    // ------------------------------------------------------------------------------------------
    // Custody of the serial

    /// @dev Two cases of two packs each: {0, 1} to `pharmacy`, {2, 3} to `pharmacy2`, through the wholesaler.
    function twoShelves()
        internal
        returns (IDrugProvenance.ShipmentRef memory first, IDrugProvenance.ShipmentRef memory second)
    {
        commission();
        deliver(maker, wholesaler, 4);
        bytes32 rootA = hashPair(leaf(serials[0]), leaf(serials[1]));
        bytes32 rootB = hashPair(leaf(serials[2]), leaf(serials[3]));
        vm.prank(wholesaler);
        bytes32 a = provenance.ship(batchId, pharmacy, 2, rootA);
        vm.prank(wholesaler);
        bytes32 b = provenance.ship(batchId, pharmacy2, 2, rootB);
        vm.prank(pharmacy);
        provenance.receiveShipment(a, batchId, wholesaler, rootA);
        vm.prank(pharmacy2);
        provenance.receiveShipment(b, batchId, wholesaler, rootB);
        first = IDrugProvenance.ShipmentRef(a, wholesaler, rootA);
        second = IDrugProvenance.ShipmentRef(b, wholesaler, rootB);
    }

    function test_pharmacyCannotDispenseSerialOnAnotherPharmacysShelf() public {
        (IDrugProvenance.ShipmentRef memory mine, IDrugProvenance.ShipmentRef memory theirs) = twoShelves();
        // pharmacy2 holds units of the batch, but serial 0 is on pharmacy's shelf.
        // Its own shipment does not carry serial 0:
        vm.expectRevert(
            abi.encodeWithSelector(
                IDrugProvenance.DrugProvenanceSerialNotInShipment.selector, theirs.shipmentId, serials[0]
            )
        );
        vm.prank(pharmacy2);
        provenance.dispense(batchId, serials[0], proofs[0], theirs, one(leaf(serials[1])));
        // pharmacy's shipment is not its to dispense from:
        vm.expectRevert(
            abi.encodeWithSelector(IDrugProvenance.DrugProvenanceNotReceived.selector, mine.shipmentId, pharmacy2)
        );
        vm.prank(pharmacy2);
        provenance.dispense(batchId, serials[0], proofs[0], mine, one(leaf(serials[1])));
        // Its own shipment id with a made-up root (or shipper) carrying serial 0 is not what it received:
        IDrugProvenance.ShipmentRef memory forged =
            IDrugProvenance.ShipmentRef(theirs.shipmentId, wholesaler, leaf(serials[0]));
        vm.expectRevert(
            abi.encodeWithSelector(IDrugProvenance.DrugProvenanceNotReceived.selector, theirs.shipmentId, pharmacy2)
        );
        vm.prank(pharmacy2);
        provenance.dispense(batchId, serials[0], proofs[0], forged, new bytes32[](0));
        forged = IDrugProvenance.ShipmentRef(theirs.shipmentId, maker, theirs.serialsRoot);
        vm.expectRevert(
            abi.encodeWithSelector(IDrugProvenance.DrugProvenanceNotReceived.selector, theirs.shipmentId, pharmacy2)
        );
        vm.prank(pharmacy2);
        provenance.dispense(batchId, serials[2], proofs[2], forged, one(leaf(serials[3])));
        // A shipment of another batch does not carry this batch's serials.
        // The genuine pack still dispenses where it is; pharmacy2 dispenses its own.
        vm.prank(pharmacy);
        provenance.dispense(batchId, serials[0], proofs[0], mine, one(leaf(serials[1])));
        vm.prank(pharmacy2);
        provenance.dispense(batchId, serials[2], proofs[2], theirs, one(leaf(serials[3])));
        assertEq(provenance.dispenserOf(batchId, serials[0]), pharmacy, "the shelf's pharmacy");
        assertEq(provenance.dispenserOf(batchId, serials[2]), pharmacy2, "its own shelf");
    }

    function test_dispenseNeedsTheShipmentReceived_notInTransitNorCancelled() public {
        commission();
        deliver(maker, wholesaler, 4);
        bytes32 id = shipFrom(wholesaler, pharmacy, 2);
        IDrugProvenance.ShipmentRef memory ref = IDrugProvenance.ShipmentRef(id, wholesaler, root);
        vm.expectRevert(abi.encodeWithSelector(IDrugProvenance.DrugProvenanceNotReceived.selector, id, pharmacy));
        vm.prank(pharmacy);
        provenance.dispense(batchId, serials[0], proofs[0], ref, proofs[0]);
        vm.prank(wholesaler);
        provenance.cancelShipment(id, batchId, root);
        vm.expectRevert(abi.encodeWithSelector(IDrugProvenance.DrugProvenanceNotReceived.selector, id, pharmacy));
        vm.prank(pharmacy);
        provenance.dispense(batchId, serials[0], proofs[0], ref, proofs[0]);
    }

    // ------------------------------------------------------------------------------------------
    // cancelShipment

    function test_cancelShipment_returnsUnitsToTheShipper() public {
        commission();
        bytes32 id = shipFrom(maker, wholesaler, 4);
        vm.expectEmit(true, true, true, true, address(provenance));
        emit IDrugProvenance.ShipmentCancelled(id, batchId, maker);
        vm.prank(maker);
        provenance.cancelShipment(id, batchId, root);
        assertEq(provenance.balanceOf(maker, batchId), QTY, "back with the shipper");
        (address to, uint32 q, uint8 state) = provenance.shipmentOf(id);
        assertEq(to, address(0), "gone");
        assertEq(q, 0, "gone");
        assertEq(state, 0, "gone");
        vm.expectRevert(abi.encodeWithSelector(IDrugProvenance.DrugProvenanceUnknownShipment.selector, id));
        vm.prank(wholesaler);
        provenance.receiveShipment(id, batchId, maker, root);
        // A distributor's cancel credits its own holding; even a quarantined batch's units go back.
        deliver(maker, wholesaler, 4);
        bytes32 second = shipFrom(wholesaler, pharmacy, 3);
        vm.prank(regulator);
        provenance.quarantine(batchId, REASON);
        vm.prank(wholesaler);
        provenance.cancelShipment(second, batchId, root);
        assertEq(provenance.balanceOf(wholesaler, batchId), 4, "back with the distributor");
        assertEq(provenance.balanceOf(pharmacy, batchId), 0, "never the addressee's");
    }

    function test_cancelShipment_refusals() public {
        commission();
        bytes32 id = shipFrom(maker, wholesaler, 4);
        bytes32 never = keccak256("never shipped");
        vm.expectRevert(abi.encodeWithSelector(IDrugProvenance.DrugProvenanceUnknownShipment.selector, never));
        vm.prank(maker);
        provenance.cancelShipment(never, batchId, root);
        // Only its shipper cancels (the addressee, another member or a regulator cannot):
        address[3] memory others = [wholesaler, maker2, regulator];
        for (uint256 i; i < 3; ++i) {
            vm.expectRevert(abi.encodeWithSelector(IDrugProvenance.DrugProvenanceShipmentMismatch.selector, id));
            vm.prank(others[i]);
            provenance.cancelShipment(id, batchId, root);
        }
        vm.expectRevert(abi.encodeWithSelector(IDrugProvenance.DrugProvenanceShipmentMismatch.selector, id));
        vm.prank(maker);
        provenance.cancelShipment(id, batchId, keccak256("another root"));
        suspend(maker);
        vm.expectRevert(abi.encodeWithSelector(IDrugProvenance.DrugProvenanceInactiveMember.selector, maker));
        vm.prank(maker);
        provenance.cancelShipment(id, batchId, root);
        vm.prank(gov);
        registry.reinstateMember(maker);
        vm.prank(wholesaler);
        provenance.receiveShipment(id, batchId, maker, root);
        vm.expectRevert(abi.encodeWithSelector(IDrugProvenance.DrugProvenanceShipmentReceived.selector, id));
        vm.prank(maker);
        provenance.cancelShipment(id, batchId, root);
        assertEq(provenance.balanceOf(wholesaler, batchId), 4, "received stays received");
    }

    function test_revertDispense_refusals() public {
        stocked();
        vm.expectRevert(
            abi.encodeWithSelector(IDrugProvenance.DrugProvenanceNotDispensed.selector, batchId, serials[0])
        );
        vm.prank(pharmacy);
        provenance.revertDispense(batchId, serials[0]);
        dispensed(0);
        uint256 closedAt = block.timestamp + 10 days;
        vm.expectRevert(
            abi.encodeWithSelector(
                IDrugProvenance.DrugProvenanceNotDispenser.selector, batchId, serials[0], pharmacy, pharmacy2
            )
        );
        vm.prank(pharmacy2);
        provenance.revertDispense(batchId, serials[0]);
        vm.expectRevert(inactive(wholesaler, MemberRoles.PHARMACY));
        vm.prank(wholesaler);
        provenance.revertDispense(batchId, serials[0]);
        vm.warp(closedAt);
        vm.expectRevert(
            abi.encodeWithSelector(
                IDrugProvenance.DrugProvenanceRevertWindowClosed.selector, batchId, serials[0], closedAt
            )
        );
        vm.prank(pharmacy);
        provenance.revertDispense(batchId, serials[0]);
        suspend(pharmacy);
        vm.expectRevert(inactive(pharmacy, MemberRoles.PHARMACY));
        vm.prank(pharmacy);
        provenance.revertDispense(batchId, serials[0]);
    }

    function test_fuzz_revertDispense_window(uint32 elapsed) public {
        elapsed = uint32(bound(elapsed, 0, 20 days));
        stocked();
        dispensed(0);
        uint256 at = block.timestamp;
        vm.warp(at + elapsed);
        vm.prank(pharmacy);
        if (elapsed < 10 days) {
            provenance.revertDispense(batchId, serials[0]);
            assertEq(provenance.dispenserOf(batchId, serials[0]), address(0), "reverted");
        } else {
            vm.expectRevert(
                abi.encodeWithSelector(
                    IDrugProvenance.DrugProvenanceRevertWindowClosed.selector, batchId, serials[0], at + 10 days
                )
            );
            provenance.revertDispense(batchId, serials[0]);
        }
    }

    // ------------------------------------------------------------------------------------------
    // reportSuspect / quarantine / release / recall

    function test_reportSuspect_quarantinesAnActiveBatch() public {
        commission();
        vm.expectEmit(true, true, true, true, address(provenance));
        emit IDrugProvenance.SuspectReported(batchId, serials[0], wholesaler, REASON);
        vm.expectEmit(true, true, true, true, address(provenance));
        emit IDrugProvenance.Quarantined(batchId, wholesaler, REASON);
        vm.prank(wholesaler);
        provenance.reportSuspect(batchId, serials[0], REASON);
        assertEq(status(), provenance.BATCH_QUARANTINED(), "quarantined");

        // Quarantined already: the report alone.
        vm.recordLogs();
        vm.prank(hospital);
        provenance.reportSuspect(batchId, bytes32(0), "DAMAGED");
        assertEq(vm.getRecordedLogs().length, 1, "only the report");
        assertEq(status(), provenance.BATCH_QUARANTINED(), "still quarantined");

        // Recalled: the report alone, and the recall stays.
        vm.prank(maker);
        provenance.recall(batchId, REASON);
        vm.recordLogs();
        vm.prank(pharmacy);
        provenance.reportSuspect(batchId, serials[1], REASON);
        assertEq(vm.getRecordedLogs().length, 1, "only the report");
        assertEq(status(), provenance.BATCH_RECALLED(), "still recalled");
    }

    function test_reportSuspect_refusals() public {
        commission();
        vm.expectRevert(IDrugProvenance.DrugProvenanceMissingReason.selector);
        vm.prank(wholesaler);
        provenance.reportSuspect(batchId, serials[0], bytes32(0));
        vm.expectRevert(abi.encodeWithSelector(IDrugProvenance.DrugProvenanceInactiveMember.selector, stranger));
        vm.prank(stranger);
        provenance.reportSuspect(batchId, serials[0], REASON);
        bytes32 unknown = keccak256("unknown batch");
        vm.expectRevert(abi.encodeWithSelector(IDrugProvenance.DrugProvenanceUnknownBatch.selector, unknown));
        vm.prank(wholesaler);
        provenance.reportSuspect(unknown, serials[0], REASON);
        suspend(wholesaler);
        vm.expectRevert(abi.encodeWithSelector(IDrugProvenance.DrugProvenanceInactiveMember.selector, wholesaler));
        vm.prank(wholesaler);
        provenance.reportSuspect(batchId, serials[0], REASON);
        assertEq(status(), provenance.BATCH_ACTIVE(), "untouched");
    }

    function test_quarantine_byHolderAndRegulator() public {
        commission();
        deliver(maker, wholesaler, 1);
        vm.expectEmit(true, true, true, true, address(provenance));
        emit IDrugProvenance.Quarantined(batchId, wholesaler, REASON);
        vm.prank(wholesaler);
        provenance.quarantine(batchId, REASON);
        assertEq(status(), provenance.BATCH_QUARANTINED(), "by a holder");
        vm.expectEmit(true, true, true, true, address(provenance));
        emit IDrugProvenance.Released(batchId, regulator);
        vm.prank(regulator);
        provenance.release(batchId);
        assertEq(status(), provenance.BATCH_ACTIVE(), "released");
        assertTrue(provenance.wasReleased(batchId), "released once");
        vm.expectEmit(true, true, true, true, address(provenance));
        emit IDrugProvenance.Quarantined(batchId, regulator, "INSPECTION");
        vm.prank(regulator);
        provenance.quarantine(batchId, "INSPECTION");
        assertEq(status(), provenance.BATCH_QUARANTINED(), "by a regulator");
        vm.prank(regulator);
        provenance.release(batchId);
        assertTrue(provenance.wasReleased(batchId), "still released once");

        bytes32 other = provenance.batchIdOf(GTIN, "LOT-B");
        vm.startPrank(maker);
        provenance.commissionBatch(GTIN, "LOT-B", expiry, QTY, root);
        provenance.quarantine(other, REASON); // the manufacturer holds units too
        vm.stopPrank();
        (,, uint8 s,,) = provenance.batchOf(other);
        assertEq(s, provenance.BATCH_QUARANTINED(), "by the manufacturer");
        assertFalse(provenance.wasReleased(other), "never released");
    }

    function test_releasedBatch_onlyRegulatorRequarantines_reportsOnlyLog() public {
        commission();
        deliver(maker, wholesaler, 2);
        vm.prank(wholesaler);
        provenance.reportSuspect(batchId, serials[0], REASON);
        vm.prank(regulator);
        provenance.release(batchId);

        // A griefer re-reporting, in any role: logged, the batch stays active.
        address[3] memory griefers = [wholesaler, hospital, maker2];
        for (uint256 i; i < griefers.length; ++i) {
            vm.recordLogs();
            vm.prank(griefers[i]);
            provenance.reportSuspect(batchId, serials[1], REASON);
            Vm.Log[] memory logs = vm.getRecordedLogs();
            assertEq(logs.length, 1, "only the report");
            assertEq(logs[0].topics[0], IDrugProvenance.SuspectReported.selector, "a SuspectReported");
            assertEq(logs[0].topics[3], bytes32(uint256(uint160(griefers[i]))), "by the griefer");
            assertEq(status(), provenance.BATCH_ACTIVE(), "still active");
        }
        // A holder's quarantine is refused too, by its own error.
        vm.expectRevert(
            abi.encodeWithSelector(IDrugProvenance.DrugProvenanceReleasedBatch.selector, batchId, wholesaler)
        );
        vm.prank(wholesaler);
        provenance.quarantine(batchId, REASON);
        vm.expectRevert(abi.encodeWithSelector(IDrugProvenance.DrugProvenanceReleasedBatch.selector, batchId, maker));
        vm.prank(maker);
        provenance.quarantine(batchId, REASON);

        // A regulator's report re-quarantines; its release again ends it.
        vm.expectEmit(true, true, true, true, address(provenance));
        emit IDrugProvenance.SuspectReported(batchId, bytes32(0), regulator, "NEW_EVIDENCE");
        vm.expectEmit(true, true, true, true, address(provenance));
        emit IDrugProvenance.Quarantined(batchId, regulator, "NEW_EVIDENCE");
        vm.prank(regulator);
        provenance.reportSuspect(batchId, bytes32(0), "NEW_EVIDENCE");
        assertEq(status(), provenance.BATCH_QUARANTINED(), "a regulator's report quarantines");
        vm.prank(regulator);
        provenance.release(batchId);
        vm.prank(wholesaler);
        provenance.reportSuspect(batchId, serials[1], REASON);
        assertEq(status(), provenance.BATCH_ACTIVE(), "released for good against reports");
        vm.prank(regulator);
        provenance.recall(batchId, "CONTAMINATION");
        assertEq(status(), provenance.BATCH_RECALLED(), "recalled");
        assertTrue(provenance.wasReleased(batchId), "a recall keeps the release history");
        vm.expectRevert(abi.encodeWithSelector(IDrugProvenance.DrugProvenanceBatchRecalled.selector, batchId));
        vm.prank(regulator);
        provenance.recall(batchId, "CONTAMINATION");
        // A suspended regulator's report is refused like any suspended member's.
        suspend(regulator);
        vm.expectRevert(abi.encodeWithSelector(IDrugProvenance.DrugProvenanceInactiveMember.selector, regulator));
        vm.prank(regulator);
        provenance.reportSuspect(batchId, bytes32(0), REASON);
    }

    function test_quarantine_refusals() public {
        commission();
        deliver(maker, wholesaler, 1);
        vm.expectRevert(IDrugProvenance.DrugProvenanceMissingReason.selector);
        vm.prank(regulator);
        provenance.quarantine(batchId, bytes32(0));
        bytes32 unknown = keccak256("unknown batch");
        vm.expectRevert(abi.encodeWithSelector(IDrugProvenance.DrugProvenanceUnknownBatch.selector, unknown));
        vm.prank(regulator);
        provenance.quarantine(unknown, REASON);
        vm.expectRevert(
            abi.encodeWithSelector(IDrugProvenance.DrugProvenanceNotHolderOrRegulator.selector, batchId, pharmacy)
        );
        vm.prank(pharmacy); // a member without units
        provenance.quarantine(batchId, REASON);
        vm.expectRevert(
            abi.encodeWithSelector(IDrugProvenance.DrugProvenanceNotHolderOrRegulator.selector, batchId, stranger)
        );
        vm.prank(stranger);
        provenance.quarantine(batchId, REASON);
        suspend(wholesaler);
        vm.expectRevert(
            abi.encodeWithSelector(IDrugProvenance.DrugProvenanceNotHolderOrRegulator.selector, batchId, wholesaler)
        );
        vm.prank(wholesaler); // a suspended holder
        provenance.quarantine(batchId, REASON);

        vm.prank(regulator);
        provenance.quarantine(batchId, REASON);
        vm.expectRevert(abi.encodeWithSelector(IDrugProvenance.DrugProvenanceAlreadyQuarantined.selector, batchId));
        vm.prank(maker);
        provenance.quarantine(batchId, REASON);
        vm.prank(regulator);
        provenance.recall(batchId, REASON);
        vm.expectRevert(abi.encodeWithSelector(IDrugProvenance.DrugProvenanceBatchRecalled.selector, batchId));
        vm.prank(regulator);
        provenance.quarantine(batchId, REASON);
    }

    function test_release_refusals() public {
        commission();
        vm.expectRevert(abi.encodeWithSelector(IDrugProvenance.DrugProvenanceNotQuarantined.selector, batchId));
        vm.prank(regulator);
        provenance.release(batchId);
        bytes32 unknown = keccak256("unknown batch");
        vm.expectRevert(abi.encodeWithSelector(IDrugProvenance.DrugProvenanceUnknownBatch.selector, unknown));
        vm.prank(regulator);
        provenance.release(unknown);
        vm.prank(maker);
        provenance.quarantine(batchId, REASON);
        vm.expectRevert(inactive(maker, MemberRoles.REGULATOR));
        vm.prank(maker);
        provenance.release(batchId);
        vm.prank(maker);
        provenance.recall(batchId, REASON);
        vm.expectRevert(abi.encodeWithSelector(IDrugProvenance.DrugProvenanceBatchRecalled.selector, batchId));
        vm.prank(regulator);
        provenance.release(batchId);
        suspend(regulator);
        vm.expectRevert(inactive(regulator, MemberRoles.REGULATOR));
        vm.prank(regulator);
        provenance.release(batchId);
    }

    function test_recall_byManufacturerIsFinal() public {
        stocked();
        vm.expectEmit(true, true, true, true, address(provenance));
        emit IDrugProvenance.Recalled(batchId, maker, REASON);
        vm.prank(maker);
        provenance.recall(batchId, REASON);
        (address m, uint32 e, uint8 s, uint32 q, bytes32 r) = provenance.batchOf(batchId);
        assertEq(m, maker, "manufacturer kept");
        assertEq(e, expiry, "expiry kept");
        assertEq(s, provenance.BATCH_RECALLED(), "recalled");
        assertEq(q, QTY, "quantity kept");
        assertEq(r, root, "root kept");
        assertEq(provenance.balanceOf(maker, batchId), QTY - 4, "maker holding kept");
        vm.expectRevert(abi.encodeWithSelector(IDrugProvenance.DrugProvenanceBatchRecalled.selector, batchId));
        vm.prank(regulator);
        provenance.recall(batchId, REASON);
    }

    function test_suspendedOrRemovedManufacturerCannotRecall_regulatorCan() public {
        commission();
        suspend(maker);
        vm.expectRevert(
            abi.encodeWithSelector(IDrugProvenance.DrugProvenanceNotManufacturerOrRegulator.selector, batchId, maker)
        );
        vm.prank(maker);
        provenance.recall(batchId, REASON);
        assertEq(status(), provenance.BATCH_ACTIVE(), "a suspended manufacturer does not recall");
        vm.prank(regulator);
        provenance.recall(batchId, REASON);
        assertEq(status(), provenance.BATCH_RECALLED(), "its regulator does");

        vm.prank(maker2);
        provenance.commissionBatch(9_506_010_000_012, "LOT-B", expiry, QTY, root);
        bytes32 other = provenance.batchIdOf(9_506_010_000_012, "LOT-B");
        vm.prank(gov);
        registry.removeMember(maker2, MemberRoles.MANUFACTURER, "LICENCE_WITHDRAWN");
        vm.expectRevert(
            abi.encodeWithSelector(IDrugProvenance.DrugProvenanceNotManufacturerOrRegulator.selector, other, maker2)
        );
        vm.prank(maker2);
        provenance.recall(other, REASON);
        vm.prank(regulator);
        provenance.quarantine(other, REASON);
        vm.expectEmit(true, true, true, true, address(provenance));
        emit IDrugProvenance.Recalled(other, regulator, "CONTAMINATION");
        vm.prank(regulator);
        provenance.recall(other, "CONTAMINATION");
        (,, uint8 s,,) = provenance.batchOf(other);
        assertEq(s, provenance.BATCH_RECALLED(), "a regulator recalls a quarantined batch");
    }

    function test_recall_refusals() public {
        commission();
        deliver(maker, wholesaler, 1);
        vm.expectRevert(IDrugProvenance.DrugProvenanceMissingReason.selector);
        vm.prank(maker);
        provenance.recall(batchId, bytes32(0));
        bytes32 unknown = keccak256("unknown batch");
        vm.expectRevert(abi.encodeWithSelector(IDrugProvenance.DrugProvenanceUnknownBatch.selector, unknown));
        vm.prank(regulator);
        provenance.recall(unknown, REASON);
        vm.expectRevert(
            abi.encodeWithSelector(
                IDrugProvenance.DrugProvenanceNotManufacturerOrRegulator.selector, batchId, wholesaler
            )
        );
        vm.prank(wholesaler); // a holder is not enough
        provenance.recall(batchId, REASON);
        vm.expectRevert(
            abi.encodeWithSelector(IDrugProvenance.DrugProvenanceNotManufacturerOrRegulator.selector, batchId, maker2)
        );
        vm.prank(maker2); // another manufacturer
        provenance.recall(batchId, REASON);
        suspend(regulator);
        vm.expectRevert(
            abi.encodeWithSelector(
                IDrugProvenance.DrugProvenanceNotManufacturerOrRegulator.selector, batchId, regulator
            )
        );
        vm.prank(regulator);
        provenance.recall(batchId, REASON);
        assertEq(status(), provenance.BATCH_ACTIVE(), "untouched");
    }

    // ------------------------------------------------------------------------------------------
    // verifyUnit and views

    function test_verifyUnit_answersInItsOrder() public {
        bytes32 unknown = keccak256("unknown batch");
        assertEq(provenance.verifyUnit(unknown, serials[0], proofs[0]), provenance.UNIT_UNKNOWN_BATCH(), "unknown");
        stocked();
        for (uint256 i; i < 4; ++i) {
            assertEq(provenance.verifyUnit(batchId, serials[i], proofs[i]), provenance.UNIT_GENUINE(), "genuine");
        }
        assertEq(provenance.verifyUnit(batchId, serials[0], proofs[2]), provenance.UNIT_UNKNOWN_SERIAL(), "wrong proof");
        bytes32[] memory none = new bytes32[](0);
        assertEq(provenance.verifyUnit(batchId, root, none), provenance.UNIT_UNKNOWN_SERIAL(), "the root is no serial");
        dispensed(0);
        vm.prank(regulator);
        provenance.quarantine(batchId, REASON);
        assertEq(provenance.verifyUnit(batchId, serials[1], proofs[1]), provenance.UNIT_QUARANTINED(), "quarantined");
        assertEq(
            provenance.verifyUnit(batchId, serials[0], proofs[0]),
            provenance.UNIT_ALREADY_DISPENSED(),
            "dispensed first"
        );
        vm.prank(regulator);
        provenance.release(batchId);
        expiredAfter();
        assertEq(provenance.verifyUnit(batchId, serials[1], proofs[1]), provenance.UNIT_EXPIRED(), "expired");
        vm.prank(regulator);
        provenance.recall(batchId, REASON);
        assertEq(provenance.verifyUnit(batchId, serials[1], proofs[1]), provenance.UNIT_RECALLED(), "recalled");
        assertEq(
            provenance.verifyUnit(batchId, keccak256("counterfeit"), proofs[1]),
            provenance.UNIT_UNKNOWN_SERIAL(),
            "unknown serial before anything else"
        );
    }

    function test_fuzz_verifyUnit_outsiderNeverGenuine(bytes32 serial, uint8 which) public {
        for (uint256 i; i < 4; ++i) {
            vm.assume(serial != serials[i]);
        }
        commission();
        assertEq(
            provenance.verifyUnit(batchId, serial, proofs[which % 4]), provenance.UNIT_UNKNOWN_SERIAL(), "outsider"
        );
    }

    function test_views_ofUnknowns() public view {
        (address m, uint32 e, uint8 s, uint32 q, bytes32 r) = provenance.batchOf(batchId);
        assertEq(m, address(0), "no manufacturer");
        assertEq(e, 0, "no expiry");
        assertEq(s, 0, "no status");
        assertEq(q, 0, "no quantity");
        assertEq(r, bytes32(0), "no root");
        assertEq(provenance.balanceOf(maker, batchId), 0, "no holding");
        assertEq(provenance.balanceOf(address(0), batchId), 0, "not even the zero address");
        (address to, uint32 n, uint8 state) = provenance.shipmentOf(keccak256("never"));
        assertEq(state, 0, "no shipment");
        assertEq(to, address(0), "no addressee");
        assertEq(n, 0, "no quantity");
        assertEq(provenance.dispenserOf(batchId, serials[0]), address(0), "no dispenser");
        (address byWhom, uint64 when, uint64 until) = provenance.unitDispense(provenance.unitIdOf(batchId, serials[0]));
        assertEq(byWhom, address(0), "no unit dispense");
        assertEq(when + until, 0, "no times");
        assertEq(provenance.REVERT_WINDOW(), 10 days, "EU FMD window");
    }
}
