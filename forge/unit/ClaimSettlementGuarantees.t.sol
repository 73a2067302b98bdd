// SPDX-License-Identifier: MIT
pragma solidity 0.8.34;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {Fixture} from "../base/Fixture.sol";
import {Vm} from "../base/Vm.sol";
import {MemberRoles} from "../../contracts/access/MemberRoles.sol";
import {ClaimSettlement} from "../../contracts/claims/ClaimSettlement.sol";
import {IClaimSettlement} from "../../contracts/interfaces/IClaimSettlement.sol";

/// @dev A token that keeps a fee on every transfer (1 % unless set otherwise).
contract FeeOnTransferToken is ERC20("Fee USD", "FUSD") {
    uint256 public feeBps = 100;

    function mint(address to, uint256 amount) external {
        _mint(to, amount);
    }

    function setFeeBps(uint256 bps) external {
        feeBps = bps;
    }

    function _update(address from, address to, uint256 value) internal override {
        if (from == address(0) || to == address(0)) return super._update(from, to, value);
        uint256 fee = value * feeBps / 10_000;
        super._update(from, address(0xFEE), fee);
        super._update(from, to, value - fee);
    }
}

/// @notice ClaimSettlement's guarantees for provider claims, one test per guarantee: a care relationship
/// behind every claim, the same service claimed once per day whatever the time, no new claim and no
/// decision for a non-active insurer, a partial payment's appeal window kept, a dispute resolved to zero
/// accounted as a denial, new evidence for a dispute, disputes that lapse, pools credited with what arrived.
contract ClaimSettlementGuaranteesTest is Fixture {
    uint128 internal constant POOL = 100_000e6;
    address internal outsider = address(0x0D0C);
    address internal insurer2 = address(0x1276);

    function setUp() public {
        deployClaimsWorld(POOL);
        vm.startPrank(gov);
        registry.registerMember(outsider, MemberRoles.PROVIDER, keccak256("outsider licence"));
        registry.registerMember(insurer2, MemberRoles.INSURER, keccak256("insurer2 licence"));
        vm.stopPrank();
    }

    function submitAs(address sender, IClaimSettlement.ClaimInput memory c) internal returns (bytes32) {
        vm.prank(sender);
        return claims.submitClaim(c);
    }

    /// @dev Submits `c` in a batch of one as `sender`; the reason it was refused with (0: accepted).
    function reasonOf(IClaimSettlement.ClaimInput memory c, address sender) internal returns (uint16) {
        IClaimSettlement.ClaimInput[] memory cs = new IClaimSettlement.ClaimInput[](1);
        cs[0] = c;
        vm.recordLogs();
        vm.prank(sender);
        claims.submitClaims(cs);
        return rejectionIn(vm.getRecordedLogs());
    }

    function statusOf(bytes32 id) internal view returns (uint256) {
        return uint256(claims.claimOf(id).status);
    }

    function disputeNow(bytes32 id) internal returns (bytes32 evidence) {
        vm.warp(block.timestamp + 1);
        evidence = anchored(hospital);
        vm.prank(hospital);
        claims.dispute(id, evidence, bytes32(0), new bytes32[](0));
    }

    // ------------------------------------------------------------------------------------------
    // A care relationship behind every claim

    function test_claimNeedsThePatientsConsentToItsProvider_strangerProviderRefused() public {
        IClaimSettlement.ClaimInput memory c = claimInput(1_000e6, start + 10 days);
        c.provider = outsider;
        c.evidenceHash = anchored(outsider);
        assertEq(reasonOf(c, outsider), 1006, "a provider the patient never saw");
        assertEq(reasonOf(c, insurer), 1006, "nor on its behalf");
        vm.expectRevert(abi.encodeWithSelector(IClaimSettlement.ClaimSettlementRejected.selector, idOf(c), 1006));
        submitAs(outsider, c);

        // HPAYMT or a category other than encounters is no care relationship.
        vm.prank(patient);
        consent.grant(patient, outsider, HPAYMT | CARE_TREAT, BILLING, start + 3 * 365 days);
        assertEq(reasonOf(c, outsider), 1006, "TREAT on billing data only");
        grantCare(patient, outsider, CARE_ENCOUNTERS);
        assertEq(reasonOf(c, outsider), 0, "with TREAT consent on encounters");
    }

    function test_claimNeedsCare_emergencyAccessCounts() public {
        IClaimSettlement.ClaimInput memory c = claimInput(1_000e6, uint64(block.timestamp));
        c.provider = outsider;
        c.evidenceHash = anchored(outsider);
        assertEq(reasonOf(c, outsider), 1006, "no relationship yet");
        vm.prank(outsider);
        consent.breakGlass(patient, "UNCONSCIOUS");
        assertEq(reasonOf(c, outsider), 0, "an emergency access is a care relationship");
    }

    function test_claimNeedsCare_revokedConsentRefusesNewClaims() public {
        vm.prank(patient);
        consent.revoke(patient, hospital);
        IClaimSettlement.ClaimInput memory c = claimInput(1_000e6, start + 10 days);
        assertEq(reasonOf(c, hospital), 1006, "relationship ended");
    }

    /// @dev Deliberate: one anchored record backs claims on several policies (coordination of benefits);
    /// each policy's insurer decides its own, and each id is distinct.
    function test_oneRecordBacksClaimsOnTwoPolicies_coordinationOfBenefits() public {
        vm.prank(insurer);
        claims.registerPolicy("SECONDARY", patient, LIMIT, 0, 0, start, start + 365 days);
        IClaimSettlement.ClaimInput memory c = claimInput(1_000e6, start + 10 days);
        bytes32 a = submitAs(hospital, c);
        c.policyId = "SECONDARY";
        bytes32 b = submitAs(hospital, c);
        assertTrue(a != b, "two claims");
        assertEq(reasonOf(c, hospital), 18, "but each policy once");
    }

    // ------------------------------------------------------------------------------------------
    // The same service once: by day, whatever the time or amount

    function test_sameServiceSameDay_isADuplicate_evenAtAnotherSecondOrAmount() public {
        uint64 day = (start / 1 days + 10) * 1 days;
        IClaimSettlement.ClaimInput memory c = claimInput(1_000e6, day + 9 hours);
        bytes32 id = submitAs(hospital, c);
        c.serviceDate = day + 9 hours + 1;
        c.amount = 999e6;
        assertEq(idOf(c), id, "same id");
        assertEq(reasonOf(c, hospital), 18, "one second later, another amount: duplicate");
        c.serviceDate = day + 1 days - 1;
        assertEq(reasonOf(c, hospital), 18, "last second of the day: duplicate");
        c.serviceDate = day + 1 days;
        assertEq(reasonOf(c, hospital), 0, "next day: another service");
        assertEq(
            claims.claimIdOf(POLICY, hospital, day, c.codesHash),
            keccak256(abi.encode(POLICY, hospital, uint256(day / 1 days), c.codesHash)),
            "id over the service day"
        );
    }

    // ------------------------------------------------------------------------------------------
    // A non-active insurer: no new claims, no decisions

    function test_nonActiveInsurersPolicyGetsNoNewClaim_andItDecidesNothing() public {
        IClaimSettlement.ClaimInput memory open = claimInput(1_000e6, start + 10 days);
        bytes32 approved = submitAs(hospital, open);
        bytes32 partialOne = submitAs(hospital, claimInput(20_000e6, start + 11 days));
        bytes32 disputed = submitAs(hospital, claimInput(1_000e6, start + 12 days)); // limit used up: Denied
        disputeNow(disputed);

        vm.prank(gov);
        registry.suspendMember(insurer, "AUDIT");
        IClaimSettlement.ClaimInput memory c = claimInput(1_000e6, start + 13 days);
        assertEq(reasonOf(c, hospital), 1007, "suspended insurer: no new claim");
        assertEq(reasonOf(c, insurer), 1007, "nor by it");
        vm.expectRevert(abi.encodeWithSelector(IClaimSettlement.ClaimSettlementRejected.selector, idOf(c), 1007));
        submitAs(hospital, c);

        vm.expectRevert(abi.encodeWithSelector(IClaimSettlement.ClaimSettlementInsurerNotActive.selector, insurer));
        vm.prank(insurer);
        claims.deny(approved, 50);
        vm.expectRevert(abi.encodeWithSelector(IClaimSettlement.ClaimSettlementInsurerNotActive.selector, insurer));
        vm.prank(insurer);
        claims.resolveDispute(disputed, 100e6);

        // Claims already accepted keep their course: settled from the reserves after their windows.
        vm.warp(block.timestamp + REVIEW);
        assertEq(claims.settle(one(approved)), 1, "approved claim paid from the reserve");
        vm.warp(block.timestamp + APPEAL);
        assertEq(claims.settle(one(partialOne)), 1, "partial claim paid after its appeal window");
        assertEq(claims.settle(one(disputed)), 0, "a lapsed dispute of a denial pays nothing");
        assertEq(statusOf(disputed), uint256(IClaimSettlement.Status.Denied), "denial final");

        // Removed: likewise.
        vm.prank(gov);
        registry.removeMember(insurer, MemberRoles.INSURER, "LICENCE_WITHDRAWN");
        assertEq(reasonOf(claimInput(1_000e6, start + 14 days), hospital), 1007, "removed insurer: no new claim");
    }

    function test_nonActiveInsurer_batchAsksTheRegistryOncePerInsurer() public {
        vm.prank(insurer2);
        claims.registerPolicy("OTHER", patient, LIMIT, 0, 0, start, start + 365 days);
        vm.prank(patient);
        consent.grant(patient, insurer2, HPAYMT, BILLING, start + 3 * 365 days);
        vm.prank(gov);
        registry.suspendMember(insurer, "AUDIT");
        IClaimSettlement.ClaimInput[] memory cs = new IClaimSettlement.ClaimInput[](3);
        cs[0] = claimInput(1_000e6, start + 10 days);
        cs[1] = claimInput(1_000e6, start + 10 days);
        cs[1].policyId = "OTHER";
        cs[2] = claimInput(1_000e6, start + 10 days);
        vm.recordLogs();
        vm.prank(hospital);
        bytes32[] memory ids = claims.submitClaims(cs);
        assertEq(statusOf(ids[0]), 0, "suspended insurer's policy refused");
        assertEq(statusOf(ids[1]), uint256(IClaimSettlement.Status.PendingFunds), "active insurer's accepted");
        assertEq(statusOf(ids[2]), 0, "the cache follows the insurer");
    }

    // ------------------------------------------------------------------------------------------
    // Partial payments keep their appeal window

    function test_partialClaimSettlesOnlyAfterTheAppealWindow_orByItsProvider() public {
        bytes32 a = submitAs(hospital, claimInput(20_000e6, start + 10 days));
        vm.prank(insurer);
        claims.registerPolicy("SECOND", patient, LIMIT, 0, 0, start, start + 365 days);
        IClaimSettlement.ClaimInput memory cb = claimInput(20_000e6, start + 11 days);
        cb.policyId = "SECOND";
        bytes32 b = submitAs(hospital, cb);
        assertEq(statusOf(b), uint256(IClaimSettlement.Status.Partial), "partial too");
        assertEq(statusOf(a), uint256(IClaimSettlement.Status.Partial), "partial");
        uint256 decided = block.timestamp;
        vm.warp(decided + REVIEW);
        vm.prank(stranger);
        assertEq(claims.settle(one(a)), 0, "a stranger cannot cut the appeal window");
        vm.prank(insurer);
        assertEq(claims.settle(one(a)), 0, "nor the insurer");
        vm.prank(hospital);
        assertEq(claims.settle(one(b)), 1, "its provider may accept after the review window");
        disputeNow(a);
        assertEq(statusOf(a), uint256(IClaimSettlement.Status.Disputed), "the appeal was still possible");
    }

    function test_partialClaim_providerCannotSettleBeforeTheReviewWindow() public {
        bytes32 a = submitAs(hospital, claimInput(20_000e6, start + 10 days));
        vm.warp(block.timestamp + REVIEW - 1);
        vm.prank(hospital);
        assertEq(claims.settle(one(a)), 0, "the insurer may still deny");
        vm.warp(block.timestamp + APPEAL);
        vm.prank(stranger);
        assertEq(claims.settle(one(a)), 1, "anyone after both windows");
    }

    // ------------------------------------------------------------------------------------------
    // Dispute resolved to zero = a denial

    function test_resolveDisputeToZero_givesTheDeductibleAndLimitBack_likeDeny() public {
        bytes32 id = submitAs(hospital, claimInput(20_000e6, start + 10 days)); // deductible 500, then the limit
        (uint256 met, uint256 paid) = claims.usageOf(POLICY, 0);
        assertEq(met, DEDUCTIBLE, "deductible used");
        assertEq(paid, LIMIT, "limit used");
        disputeNow(id);
        (uint256 available,) = claims.poolOf(insurer);
        vm.expectEmit(true, true, true, true, address(claims));
        emit IClaimSettlement.DisputeResolved(id, insurer, 0);
        vm.prank(insurer);
        claims.resolveDispute(id, 0);
        (met, paid) = claims.usageOf(POLICY, 0);
        assertEq(met, 0, "deductible given back");
        assertEq(paid, 0, "limit given back");
        (uint256 availableAfter, uint256 reserved) = claims.poolOf(insurer);
        assertEq(availableAfter, available + LIMIT, "reservation released");
        assertEq(reserved, 0, "nothing reserved");
        IClaimSettlement.ClaimView memory v = claims.claimOf(id);
        assertEq(uint256(v.status), uint256(IClaimSettlement.Status.Denied), "denied");
        assertEq(v.deductibleApplied, 0, "deductible record cleared");
        assertEq(v.payable_, 0, "nothing payable");
    }

    // ------------------------------------------------------------------------------------------
    // A dispute needs new evidence

    function test_disputeNeedsEvidenceAnchoredAfterTheDecision_ownOldEvidenceRefused() public {
        IClaimSettlement.ClaimInput memory c = claimInput(20_000e6, start + 10 days);
        bytes32 id = submitAs(hospital, c);
        uint64 decidedAt = uint64(block.timestamp);
        vm.warp(block.timestamp + 1 days);
        vm.expectRevert(
            abi.encodeWithSelector(
                IClaimSettlement.ClaimSettlementStaleEvidence.selector, c.evidenceHash, decidedAt, decidedAt
            )
        );
        vm.prank(hospital);
        claims.dispute(id, c.evidenceHash, bytes32(0), new bytes32[](0));

        // New evidence, anchored in a batch of the provider's after the decision.
        bytes32 x = freshHash();
        bytes32 y = freshHash();
        (bytes32 root, bytes32[] memory proofX,) = twoLeafBatch(x, y);
        vm.prank(hospital);
        anchors.anchorBatch(root, 2);
        vm.expectRevert(abi.encodeWithSelector(IClaimSettlement.ClaimSettlementEvidenceMissing.selector, y));
        vm.prank(hospital);
        claims.dispute(id, y, root, proofX);
        vm.expectEmit(true, true, true, true, address(claims));
        emit IClaimSettlement.ClaimDisputed(id, hospital, x);
        vm.prank(hospital);
        claims.dispute(id, x, root, proofX);
        assertEq(claims.disputeLapsesAt(id), uint64(block.timestamp) + APPEAL, "resolution deadline");
    }

    // ------------------------------------------------------------------------------------------
    // Disputes lapse: no reserve locked forever

    function test_unresolvedDisputeLapses_partialPaidAtItsPreDisputeOutcome() public {
        bytes32 id = submitAs(hospital, claimInput(20_000e6, start + 10 days));
        uint96 payable_ = claims.claimOf(id).payable_;
        disputeNow(id);
        uint64 lapsesAt = claims.disputeLapsesAt(id);
        vm.warp(lapsesAt - 1);
        assertEq(claims.settle(one(id)), 0, "still open");
        vm.warp(lapsesAt);
        vm.expectRevert(abi.encodeWithSelector(IClaimSettlement.ClaimSettlementDisputeLapsed.selector, id, lapsesAt));
        vm.prank(insurer);
        claims.resolveDispute(id, 1);
        vm.expectEmit(true, true, true, true, address(claims));
        emit IClaimSettlement.DisputeLapsed(id, IClaimSettlement.Status.Partial);
        vm.expectEmit(true, true, true, true, address(claims));
        emit IClaimSettlement.ClaimSettled(id, hospital, payable_);
        vm.prank(stranger);
        assertEq(claims.settle(one(id)), 1, "paid at the partial amount");
        assertEq(claims.creditOf(hospital), payable_, "credited");
        assertEq(claims.disputeLapsesAt(id), 0, "no dispute open");
        assertEq(claims.settle(one(id)), 0, "never twice");
    }

    function test_unresolvedDisputeLapses_denialBecomesFinal() public {
        bytes32 id = submitAs(hospital, claimInput(1_000e6, start + 10 days));
        vm.prank(insurer);
        claims.deny(id, 50);
        disputeNow(id);
        vm.warp(block.timestamp + APPEAL);
        vm.expectEmit(true, true, true, true, address(claims));
        emit IClaimSettlement.DisputeLapsed(id, IClaimSettlement.Status.Denied);
        assertEq(claims.settle(one(id)), 0, "nothing to pay");
        assertEq(statusOf(id), uint256(IClaimSettlement.Status.Denied), "denied, final");
        bytes32 again = anchored(hospital);
        vm.expectRevert(abi.encodeWithSelector(IClaimSettlement.ClaimSettlementAlreadyDisputed.selector, id));
        vm.prank(hospital);
        claims.dispute(id, again, bytes32(0), new bytes32[](0));
    }

    // ------------------------------------------------------------------------------------------
    // Pools and deployment

    function test_fundCreditsWhatArrived_feeOnTransferToken() public {
        FeeOnTransferToken fee = new FeeOnTransferToken();
        ClaimSettlement feeClaims =
            new ClaimSettlement(registry, consent, anchors, provenance, fee, REVIEW, APPEAL, FILING);
        fee.mint(insurer, 1_000e6);
        vm.startPrank(insurer);
        fee.approve(address(feeClaims), type(uint256).max);
        vm.expectEmit(true, true, true, true, address(feeClaims));
        emit IClaimSettlement.PoolFunded(insurer, 990e6);
        feeClaims.fund(1_000e6);
        vm.stopPrank();
        (uint256 available,) = feeClaims.poolOf(insurer);
        assertEq(available, 990e6, "the pool holds what arrived");
        assertEq(fee.balanceOf(address(feeClaims)), available, "balance = pool");
    }

    function test_fundRefusesWhenNothingArrives() public {
        FeeOnTransferToken fee = new FeeOnTransferToken();
        ClaimSettlement feeClaims =
            new ClaimSettlement(registry, consent, anchors, provenance, fee, REVIEW, APPEAL, FILING);
        fee.mint(insurer, 1_000e6);
        fee.setFeeBps(10_000);
        vm.startPrank(insurer);
        fee.approve(address(feeClaims), type(uint256).max);
        vm.expectRevert(abi.encodeWithSelector(IClaimSettlement.ClaimSettlementInvalidAmount.selector, 0));
        feeClaims.fund(1_000e6);
        vm.stopPrank();
    }

    function test_constructor_refusesAnAppealWindowShorterThanTheReviewWindow() public {
        vm.expectRevert(IClaimSettlement.ClaimSettlementInvalidWindow.selector);
        new ClaimSettlement(registry, consent, anchors, provenance, token, REVIEW, REVIEW - 1, FILING);
        new ClaimSettlement(registry, consent, anchors, provenance, token, REVIEW, REVIEW, FILING);
    }
}
