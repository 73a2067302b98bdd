// SPDX-License-Identifier: MIT
pragma solidity 0.8.34;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {ReentrancyGuard} from "@openzeppelin/contracts/utils/ReentrancyGuard.sol";
import {Fixture} from "../base/Fixture.sol";
import {ConsortiumGated} from "../../contracts/access/ConsortiumGated.sol";
import {MemberRoles} from "../../contracts/access/MemberRoles.sol";
import {ClaimSettlement} from "../../contracts/claims/ClaimSettlement.sol";
import {IClaimSettlement} from "../../contracts/interfaces/IClaimSettlement.sol";
import {IConsentRegistry} from "../../contracts/interfaces/IConsentRegistry.sol";
import {IDrugProvenance} from "../../contracts/interfaces/IDrugProvenance.sol";
import {IRecordAnchor} from "../../contracts/interfaces/IRecordAnchor.sol";
import {MaliciousProvider, ReentrantToken} from "../../contracts/test/ReentrantToken.sol";

/// @notice ClaimSettlement: every submission check by reason code, adjudication outcome, review,
/// appeal, settlement and withdrawal path, every refusal by selector and arguments, every event.
contract ClaimSettlementTest is Fixture {
    uint128 internal constant POOL = 100_000e6;
    bytes32 internal constant POLICY_PLAIN = bytes32("POLICY-PLAIN"); // no deductible, no coinsurance

    function setUp() public {
        deployClaimsWorld(POOL);
    }

    function submit(uint128 amount) internal returns (bytes32 id) {
        IClaimSettlement.ClaimInput memory c = claimInput(amount, start + 10 days);
        vm.prank(hospital);
        id = claims.submitClaim(c);
    }

    function expectRejected(IClaimSettlement.ClaimInput memory c, uint16 reason) internal {
        vm.expectRevert(abi.encodeWithSelector(IClaimSettlement.ClaimSettlementRejected.selector, idOf(c), reason));
        vm.prank(hospital);
        claims.submitClaim(c);
    }

    function status(bytes32 id) internal view returns (IClaimSettlement.Status) {
        return claims.claimOf(id).status;
    }

    function assertStatus(bytes32 id, IClaimSettlement.Status expected, string memory message) internal view {
        assertEq(uint256(status(id)), uint256(expected), message);
    }

    function pool() internal view returns (uint256 available, uint256 reserved) {
        return claims.poolOf(insurer);
    }

    /// @dev The hospital disputes `id` with evidence anchored a second after the decision.
    function disputeWithFreshEvidence(bytes32 id) internal {
        vm.warp(block.timestamp + 1);
        bytes32 evidence = anchored(hospital);
        vm.prank(hospital);
        claims.dispute(id, evidence, bytes32(0), new bytes32[](0));
    }

    function registerPlainPolicy() internal {
        vm.prank(insurer);
        claims.registerPolicy(POLICY_PLAIN, patient, LIMIT, 0, 0, start, start + 365 days);
    }

    // ------------------------------------------------------------------------------------------
    // Deployment

    function test_constructor_refusesZeroAddressesAndWindows() public {
        IConsentRegistry c = consent;
        IRecordAnchor r = anchors;
        IDrugProvenance p = provenance;
        IERC20 t = token;
        vm.expectRevert(IClaimSettlement.ClaimSettlementZeroAddress.selector);
        new ClaimSettlement(registry, IConsentRegistry(address(0)), r, p, t, REVIEW, APPEAL, FILING);
        vm.expectRevert(IClaimSettlement.ClaimSettlementZeroAddress.selector);
        new ClaimSettlement(registry, c, IRecordAnchor(address(0)), p, t, REVIEW, APPEAL, FILING);
        vm.expectRevert(IClaimSettlement.ClaimSettlementZeroAddress.selector);
        new ClaimSettlement(registry, c, r, IDrugProvenance(address(0)), t, REVIEW, APPEAL, FILING);
        vm.expectRevert(IClaimSettlement.ClaimSettlementZeroAddress.selector);
        new ClaimSettlement(registry, c, r, p, IERC20(address(0)), REVIEW, APPEAL, FILING);
        vm.expectRevert(IClaimSettlement.ClaimSettlementInvalidWindow.selector);
        new ClaimSettlement(registry, c, r, p, t, 0, APPEAL, FILING);
        vm.expectRevert(IClaimSettlement.ClaimSettlementInvalidWindow.selector);
        new ClaimSettlement(registry, c, r, p, t, REVIEW, 0, FILING);
        vm.expectRevert(IClaimSettlement.ClaimSettlementInvalidWindow.selector);
        new ClaimSettlement(registry, c, r, p, t, REVIEW, APPEAL, 0);
        assertEq(address(claims.consent()), address(consent), "consent");
        assertEq(address(claims.recordAnchor()), address(anchors), "anchor");
        assertEq(address(claims.provenance()), address(provenance), "provenance");
        assertEq(address(claims.token()), address(token), "token");
        assertEq(claims.reviewWindow(), REVIEW, "review");
        assertEq(claims.appealWindow(), APPEAL, "appeal");
        assertEq(claims.timelyFilingLimit(), FILING, "filing");
    }

    // ------------------------------------------------------------------------------------------
    // Policies and pools

    function test_registerPolicy_storesTermsAndEmits() public {
        bytes32 id = bytes32("POLICY-2");
        vm.expectEmit(true, true, true, true, address(claims));
        emit IClaimSettlement.PolicyRegistered(id, insurer, patient, 5e6, 1e6, 3_000, start, start + 10);
        vm.prank(insurer);
        claims.registerPolicy(id, patient, 5e6, 1e6, 3_000, start, start + 10);
        (address ins, address pat, uint128 limit, uint128 ded, uint16 bps, uint64 from, uint64 until) =
            claims.policyOf(id);
        assertEq(ins, insurer, "insurer");
        assertEq(pat, patient, "patient");
        assertEq(limit, 5e6, "limit");
        assertEq(ded, 1e6, "deductible");
        assertEq(bps, 3_000, "coinsurance");
        assertEq(from, start, "from");
        assertEq(until, start + 10, "until");
    }

    function test_registerPolicy_refusals() public {
        bytes32 id = bytes32("POLICY-2");
        uint64 s = start;
        vm.expectRevert(
            abi.encodeWithSelector(ConsortiumGated.ConsortiumInactiveMember.selector, hospital, MemberRoles.INSURER)
        );
        vm.prank(hospital);
        claims.registerPolicy(id, patient, LIMIT, 0, 0, s, s + 1);

        vm.startPrank(insurer);
        vm.expectRevert(IClaimSettlement.ClaimSettlementZeroAddress.selector);
        claims.registerPolicy(id, address(0), LIMIT, 0, 0, s, s + 1);
        bytes memory invalid = abi.encodeWithSelector(IClaimSettlement.ClaimSettlementInvalidPolicy.selector, id);
        vm.expectRevert(abi.encodeWithSelector(IClaimSettlement.ClaimSettlementInvalidPolicy.selector, bytes32(0)));
        claims.registerPolicy(bytes32(0), patient, LIMIT, 0, 0, s, s + 1);
        vm.expectRevert(invalid);
        claims.registerPolicy(id, patient, 0, 0, 0, s, s + 1);
        vm.expectRevert(invalid);
        claims.registerPolicy(id, patient, uint128(type(uint96).max) + 1, 0, 0, s, s + 1);
        vm.expectRevert(invalid);
        claims.registerPolicy(id, patient, LIMIT, 0, 10_001, s, s + 1);
        vm.expectRevert(invalid);
        claims.registerPolicy(id, patient, LIMIT, 0, 0, s, s);
        vm.expectRevert(abi.encodeWithSelector(IClaimSettlement.ClaimSettlementPolicyExists.selector, POLICY));
        claims.registerPolicy(POLICY, patient, LIMIT, 0, 0, s, s + 1);
        // The edges of the valid ranges are accepted.
        claims.registerPolicy(id, patient, type(uint96).max, 0, 10_000, s, s + 1);
        vm.stopPrank();
    }

    function test_fund_andWithdrawFunds() public {
        uint256 before = token.balanceOf(insurer);
        vm.expectEmit(true, true, true, true, address(claims));
        emit IClaimSettlement.PoolFunded(insurer, 5e6);
        vm.prank(insurer);
        claims.fund(5e6);
        (uint256 available,) = pool();
        assertEq(available, POOL + 5e6, "funded");
        assertEq(token.balanceOf(address(claims)), POOL + 5e6, "tokens held");

        vm.expectEmit(true, true, true, true, address(claims));
        emit IClaimSettlement.PoolWithdrawn(insurer, 7e6);
        vm.prank(insurer);
        claims.withdrawFunds(7e6);
        (available,) = pool();
        assertEq(available, POOL - 2e6, "withdrawn");
        assertEq(token.balanceOf(insurer), before + 2e6, "tokens back");
    }

    function test_fund_refusals() public {
        vm.startPrank(insurer);
        vm.expectRevert(abi.encodeWithSelector(IClaimSettlement.ClaimSettlementInvalidAmount.selector, 0));
        claims.fund(0);
        uint256 tooMuch = uint256(type(uint96).max) + 1;
        vm.expectRevert(abi.encodeWithSelector(IClaimSettlement.ClaimSettlementInvalidAmount.selector, tooMuch));
        claims.fund(tooMuch);
        vm.stopPrank();
        vm.expectRevert(
            abi.encodeWithSelector(ConsortiumGated.ConsortiumInactiveMember.selector, stranger, MemberRoles.INSURER)
        );
        vm.prank(stranger);
        claims.fund(1);
    }

    function test_withdrawFunds_refusals_andSuspendedInsurerMayWithdraw() public {
        vm.startPrank(insurer);
        vm.expectRevert(abi.encodeWithSelector(IClaimSettlement.ClaimSettlementInvalidAmount.selector, 0));
        claims.withdrawFunds(0);
        vm.expectRevert(
            abi.encodeWithSelector(IClaimSettlement.ClaimSettlementInsufficientPool.selector, insurer, POOL, POOL + 1)
        );
        claims.withdrawFunds(POOL + 1);
        vm.stopPrank();
        vm.prank(gov);
        registry.suspendMember(insurer, "LICENCE_EXPIRED");
        vm.prank(insurer);
        claims.withdrawFunds(POOL);
        (uint256 available,) = pool();
        assertEq(available, 0, "emptied while suspended");
    }

    // ------------------------------------------------------------------------------------------
    // Codes-key commitments

    function test_commitCodesKey_onceAndForGood_byTheInsurerItself() public {
        bytes32 commitment = keccak256("insurer's codes key");
        assertEq(claims.codesKeyCommitmentOf(insurer), bytes32(0), "none yet");
        vm.expectEmit(true, true, true, true, address(claims));
        emit IClaimSettlement.CodesKeyCommitted(insurer, commitment);
        vm.prank(insurer);
        claims.commitCodesKey(commitment);
        assertEq(claims.codesKeyCommitmentOf(insurer), commitment, "committed");

        // Final: neither another key nor the same one again.
        vm.expectRevert(
            abi.encodeWithSelector(IClaimSettlement.ClaimSettlementCodesKeyCommitted.selector, insurer, commitment)
        );
        vm.prank(insurer);
        claims.commitCodesKey(keccak256("another key"));
        vm.expectRevert(
            abi.encodeWithSelector(IClaimSettlement.ClaimSettlementCodesKeyCommitted.selector, insurer, commitment)
        );
        vm.prank(insurer);
        claims.commitCodesKey(commitment);
        assertEq(claims.codesKeyCommitmentOf(insurer), commitment, "unchanged");
    }

    function test_commitCodesKey_refusals_nobodyCommitsForAnother() public {
        vm.expectRevert(IClaimSettlement.ClaimSettlementZeroCommitment.selector);
        vm.prank(insurer);
        claims.commitCodesKey(bytes32(0));
        // Only an active insurer commits, and only for itself: a provider, a stranger, a suspended insurer.
        vm.expectRevert(
            abi.encodeWithSelector(ConsortiumGated.ConsortiumInactiveMember.selector, hospital, MemberRoles.INSURER)
        );
        vm.prank(hospital);
        claims.commitCodesKey(keccak256("k"));
        vm.expectRevert(
            abi.encodeWithSelector(ConsortiumGated.ConsortiumInactiveMember.selector, stranger, MemberRoles.INSURER)
        );
        vm.prank(stranger);
        claims.commitCodesKey(keccak256("k"));
        vm.prank(gov);
        registry.suspendMember(insurer, "LICENCE_EXPIRED");
        vm.expectRevert(
            abi.encodeWithSelector(ConsortiumGated.ConsortiumInactiveMember.selector, insurer, MemberRoles.INSURER)
        );
        vm.prank(insurer);
        claims.commitCodesKey(keccak256("k"));
        assertEq(claims.codesKeyCommitmentOf(insurer), bytes32(0), "nothing committed");
        assertEq(claims.codesKeyCommitmentOf(hospital), bytes32(0), "nothing committed");
    }

    // ------------------------------------------------------------------------------------------
    // Submission and adjudication

    function test_submitClaim_deductibleFirstThenCoinsurance() public {
        IClaimSettlement.ClaimInput memory c = claimInput(1_000e6, start + 10 days);
        bytes32 id = idOf(c);
        vm.expectEmit(true, true, true, true, address(claims));
        emit IClaimSettlement.ClaimSubmitted(id, POLICY, hospital, insurer, 1_000e6, start + 10 days);
        vm.expectEmit(true, true, true, true, address(claims));
        // 500 deductible, then 20 % of the other 500: the insurer pays 400.
        emit IClaimSettlement.ClaimAdjudicated(id, IClaimSettlement.Status.Approved, 600e6, 400e6, 1);
        vm.prank(hospital);
        assertEq(claims.submitClaim(c), id, "id returned");

        IClaimSettlement.ClaimView memory v = claims.claimOf(id);
        assertEq(v.policyId, POLICY, "policy");
        assertEq(v.provider, hospital, "provider");
        assertEq(uint256(v.status), uint256(IClaimSettlement.Status.Approved), "approved");
        assertEq(v.reasonCode, 1, "deductible");
        assertEq(v.policyYear, 0, "first year");
        assertEq(v.decidedAt, block.timestamp, "decided now");
        assertFalse(v.disputed, "not disputed");
        assertEq(v.payable_, 400e6, "payable");
        assertEq(v.deductibleApplied, 500e6, "deductible applied");
        (uint256 met, uint256 paid) = claims.usageOf(POLICY, 0);
        assertEq(met, 500e6, "deductible met");
        assertEq(paid, 400e6, "paid this year");
        (uint256 available, uint256 reserved) = pool();
        assertEq(available, POOL - 400e6, "reserved from the pool");
        assertEq(reserved, 400e6, "reserved");

        // The deductible is met: the next claim pays 80 %.
        bytes32 second = submit(1_000e6);
        assertEq(claims.claimOf(second).payable_, 800e6, "coinsurance only");
        assertEq(claims.claimOf(second).reasonCode, 2, "coinsurance reason");
    }

    function test_claimStatuses_answersForManyClaimsAtOnce() public {
        bytes32 approved = submit(1_000e6);
        bytes32[] memory ids = new bytes32[](2);
        ids[0] = approved;
        ids[1] = keccak256("never submitted");
        IClaimSettlement.Status[] memory statuses = claims.claimStatuses(ids);
        assertEq(statuses.length, 2, "one status per id");
        assertEq(uint256(statuses[0]), uint256(IClaimSettlement.Status.Approved), "on chain");
        assertEq(uint256(statuses[1]), uint256(IClaimSettlement.Status.None), "not on chain");
    }

    function test_submitClaim_cappedByTheAnnualLimit() public {
        bytes32 big = submit(20_000e6); // 500 deductible, 80 % of 19,500 = 15,600 > 10,000 limit
        assertStatus(big, IClaimSettlement.Status.Partial, "partial");
        assertEq(claims.claimOf(big).payable_, LIMIT, "limit");
        assertEq(claims.claimOf(big).reasonCode, 119, "benefit maximum");
        bytes32 over = submit(1_000e6);
        assertStatus(over, IClaimSettlement.Status.Denied, "nothing left this year");
        assertEq(claims.claimOf(over).reasonCode, 119, "benefit maximum");
        assertEq(claims.claimOf(over).payable_, 0, "nothing payable");
        // A new policy year has its own limit and deductible.
        vm.warp(start + 365 days + 20 days);
        IClaimSettlement.ClaimInput memory c = claimInput(1_000e6, start + 365 days + 1 days);
        vm.prank(hospital);
        bytes32 nextYear = claims.submitClaim(c);
        assertEq(claims.claimOf(nextYear).policyYear, 1, "second year");
        assertEq(claims.claimOf(nextYear).payable_, 400e6, "fresh deductible");
    }

    function test_submitClaim_paidInFullHasNoReason() public {
        registerPlainPolicy();
        IClaimSettlement.ClaimInput memory c = claimInput(300e6, start + 10 days);
        c.policyId = POLICY_PLAIN;
        vm.prank(hospital);
        bytes32 id = claims.submitClaim(c);
        assertEq(claims.claimOf(id).payable_, 300e6, "full amount");
        assertEq(claims.claimOf(id).reasonCode, 0, "no adjustment");
    }

    function test_submitClaim_byTheInsurerOnBehalf() public {
        IClaimSettlement.ClaimInput memory c = claimInput(1_000e6, start + 10 days);
        vm.prank(insurer);
        bytes32 id = claims.submitClaim(c);
        assertEq(claims.claimOf(id).provider, hospital, "provider's claim");
    }

    function test_submitClaim_refusesOtherSubmitters() public {
        IClaimSettlement.ClaimInput memory c = claimInput(1_000e6, start + 10 days);
        vm.expectRevert(abi.encodeWithSelector(IClaimSettlement.ClaimSettlementNotSubmitter.selector, clinic, hospital));
        vm.prank(clinic);
        claims.submitClaim(c);
        c.policyId = bytes32("NO SUCH POLICY");
        vm.expectRevert(
            abi.encodeWithSelector(IClaimSettlement.ClaimSettlementNotSubmitter.selector, insurer, hospital)
        );
        vm.prank(insurer);
        claims.submitClaim(c);
    }

    function test_submitClaim_reasonCodes() public {
        IClaimSettlement.ClaimInput memory c = claimInput(1_000e6, start + 10 days);
        vm.prank(hospital);
        claims.submitClaim(c);
        expectRejected(c, 18); // duplicate, even with another amount
        c.amount = 2_000e6;
        expectRejected(c, 18);

        c = claimInput(0, start + 10 days);
        expectRejected(c, 1002);
        c.amount = uint128(type(uint96).max) + 1;
        expectRejected(c, 1002);

        c = claimInput(1_000e6, start + 10 days);
        c.policyId = bytes32("NO SUCH POLICY");
        expectRejected(c, 31);

        c = claimInput(1_000e6, start - 1);
        expectRejected(c, 26);

        vm.prank(insurer);
        claims.registerPolicy(bytes32("ENDED"), patient, LIMIT, 0, 0, start, start + 5 days);
        c = claimInput(1_000e6, start + 5 days);
        c.policyId = bytes32("ENDED");
        expectRejected(c, 27);

        c = claimInput(1_000e6, uint64(block.timestamp + 1));
        expectRejected(c, 110);
    }

    function test_submitClaim_timelyFilingLimitIsInclusive() public {
        IClaimSettlement.ClaimInput memory c = claimInput(1_000e6, start + 10 days);
        vm.warp(start + 10 days + FILING + 1);
        expectRejected(c, 29);
        vm.warp(start + 10 days + FILING);
        vm.prank(hospital);
        claims.submitClaim(c);
    }

    function test_submitClaim_providerConsentAndEvidenceChecks() public {
        IClaimSettlement.ClaimInput memory c = claimInput(1_000e6, start + 10 days);
        vm.prank(gov);
        registry.suspendMember(hospital, "LICENCE_EXPIRED");
        expectRejected(c, 185);
        vm.prank(gov);
        registry.reinstateMember(hospital);

        c.evidenceHash = keccak256("never anchored");
        expectRejected(c, 16);
        c.evidenceHash = anchored(clinic);
        expectRejected(c, 16); // anchored, but by another provider
        c.evidenceHash = anchored(hospital);
        vm.prank(hospital);
        anchors.retract(c.evidenceHash, "WRONG_PATIENT");
        expectRejected(c, 16);

        c.evidenceHash = anchored(hospital);
        vm.prank(patient);
        consent.revoke(patient, insurer);
        expectRejected(c, 197);
    }

    function test_submitClaim_evidenceInABatch() public {
        bytes32 a = freshHash();
        bytes32 b = freshHash();
        (bytes32 root, bytes32[] memory proofA, bytes32[] memory proofB) = twoLeafBatch(a, b);
        vm.prank(hospital);
        anchors.anchorBatch(root, 2);

        IClaimSettlement.ClaimInput memory c = claimInput(1_000e6, start + 10 days);
        c.evidenceHash = a;
        c.evidenceRoot = root;
        c.evidenceProof = proofB; // the wrong proof
        expectRejected(c, 16);
        c.evidenceProof = proofA;
        vm.prank(hospital);
        claims.submitClaim(c);

        vm.prank(hospital);
        anchors.retractInBatch(root, b, proofB, "WRONG_PATIENT");
        c = claimInput(1_000e6, start + 10 days);
        c.evidenceHash = b;
        c.evidenceRoot = root;
        c.evidenceProof = proofB;
        expectRejected(c, 16);

        (bytes32 otherRoot, bytes32[] memory otherProof,) = twoLeafBatch(freshHash(), freshHash());
        vm.prank(clinic);
        anchors.anchorBatch(otherRoot, 2);
        c = claimInput(1_000e6, start + 10 days);
        c.evidenceRoot = otherRoot;
        c.evidenceProof = otherProof;
        expectRejected(c, 16); // a batch of another provider
    }

    function test_submitClaims_refusedOnesEmitAndTheOthersProceed() public {
        IClaimSettlement.ClaimInput[] memory cs = new IClaimSettlement.ClaimInput[](3);
        cs[0] = claimInput(1_000e6, start + 10 days);
        cs[1] = claimInput(1_000e6, start - 1);
        cs[2] = cs[0];
        bytes32 first = idOf(cs[0]);
        vm.expectEmit(true, true, true, true, address(claims));
        emit IClaimSettlement.ClaimRejected(idOf(cs[1]), 26);
        vm.expectEmit(true, true, true, true, address(claims));
        emit IClaimSettlement.ClaimRejected(first, 18);
        vm.prank(hospital);
        bytes32[] memory ids = claims.submitClaims(cs);
        assertEq(ids.length, 3, "an id per claim");
        assertEq(ids[0], first, "first id");
        assertStatus(ids[0], IClaimSettlement.Status.Approved, "accepted");
        assertStatus(ids[1], IClaimSettlement.Status.None, "refused: nothing stored");

        cs = new IClaimSettlement.ClaimInput[](1);
        cs[0] = claimInput(1_000e6, start + 10 days);
        vm.prank(stranger);
        ids = claims.submitClaims(cs);
        assertStatus(ids[0], IClaimSettlement.Status.None, "stranger's claim refused (1001)");
    }

    // ------------------------------------------------------------------------------------------
    // Pending funds

    function test_pendingFunds_thenAdjudicateOnceFunded() public {
        vm.prank(insurer);
        claims.withdrawFunds(POOL);
        bytes32 id = submit(1_000e6);
        assertStatus(id, IClaimSettlement.Status.PendingFunds, "waits");
        vm.expectRevert(
            abi.encodeWithSelector(IClaimSettlement.ClaimSettlementInsufficientPool.selector, insurer, 0, 400e6)
        );
        claims.adjudicate(id);
        vm.prank(insurer);
        claims.fund(400e6);
        vm.warp(block.timestamp + 1 hours);
        vm.expectEmit(true, true, true, true, address(claims));
        emit IClaimSettlement.ClaimAdjudicated(id, IClaimSettlement.Status.Approved, 0, 400e6, 1);
        claims.adjudicate(id);
        assertStatus(id, IClaimSettlement.Status.Approved, "approved");
        assertEq(claims.claimOf(id).decidedAt, block.timestamp, "decided when funded");
        (uint256 available, uint256 reserved) = pool();
        assertEq(available, 0, "all reserved");
        assertEq(reserved, 400e6, "reserved");
        vm.expectRevert(
            abi.encodeWithSelector(
                IClaimSettlement.ClaimSettlementWrongStatus.selector, id, IClaimSettlement.Status.Approved
            )
        );
        claims.adjudicate(id);
    }

    function test_pendingFunds_partialStaysPartial() public {
        vm.prank(insurer);
        claims.withdrawFunds(POOL);
        bytes32 id = submit(20_000e6);
        assertStatus(id, IClaimSettlement.Status.PendingFunds, "waits");
        vm.prank(insurer);
        claims.fund(LIMIT);
        claims.adjudicate(id);
        assertStatus(id, IClaimSettlement.Status.Partial, "partial");
    }

    // ------------------------------------------------------------------------------------------
    // Review

    function test_deny_withinTheReviewWindow_givesEverythingBack() public {
        bytes32 id = submit(1_000e6);
        vm.warp(block.timestamp + REVIEW - 1);
        vm.expectEmit(true, true, true, true, address(claims));
        emit IClaimSettlement.ClaimDenied(id, insurer, 50);
        vm.prank(insurer);
        claims.deny(id, 50);
        IClaimSettlement.ClaimView memory v = claims.claimOf(id);
        assertEq(uint256(v.status), uint256(IClaimSettlement.Status.Denied), "denied");
        assertEq(v.reasonCode, 50, "reason");
        assertEq(v.payable_, 0, "nothing payable");
        assertEq(v.deductibleApplied, 0, "deductible given back");
        (uint256 met, uint256 paid) = claims.usageOf(POLICY, 0);
        assertEq(met, 0, "deductible restored");
        assertEq(paid, 0, "limit restored");
        (uint256 available, uint256 reserved) = pool();
        assertEq(available, POOL, "released");
        assertEq(reserved, 0, "nothing reserved");
    }

    function test_deny_pendingFunds() public {
        vm.prank(insurer);
        claims.withdrawFunds(POOL);
        bytes32 id = submit(1_000e6);
        vm.prank(insurer);
        claims.deny(id, 50);
        assertStatus(id, IClaimSettlement.Status.Denied, "denied");
        (, uint256 paid) = claims.usageOf(POLICY, 0);
        assertEq(paid, 0, "limit restored");
    }

    function test_deny_refusals() public {
        bytes32 id = submit(1_000e6);
        vm.expectRevert(abi.encodeWithSelector(IClaimSettlement.ClaimSettlementNotInsurer.selector, hospital, insurer));
        vm.prank(hospital);
        claims.deny(id, 50);
        vm.expectRevert(
            abi.encodeWithSelector(IClaimSettlement.ClaimSettlementNotInsurer.selector, insurer, address(0))
        );
        vm.prank(insurer);
        claims.deny(keccak256("unknown claim"), 50);

        uint64 endsAt = uint64(block.timestamp) + REVIEW;
        vm.warp(endsAt);
        vm.expectRevert(abi.encodeWithSelector(IClaimSettlement.ClaimSettlementReviewWindowClosed.selector, id, endsAt));
        vm.prank(insurer);
        claims.deny(id, 50);

        bytes32 other = submit(1_000e6);
        vm.startPrank(insurer);
        claims.deny(other, 50);
        vm.expectRevert(
            abi.encodeWithSelector(
                IClaimSettlement.ClaimSettlementWrongStatus.selector, other, IClaimSettlement.Status.Denied
            )
        );
        claims.deny(other, 50);
        vm.stopPrank();
    }

    // ------------------------------------------------------------------------------------------
    // Appeal

    function test_dispute_deniedClaim_resolvedForMore() public {
        bytes32 id = submit(1_000e6);
        vm.prank(insurer);
        claims.deny(id, 50);
        vm.warp(block.timestamp + 1);
        bytes32 evidence = anchored(hospital);
        vm.expectEmit(true, true, true, true, address(claims));
        emit IClaimSettlement.ClaimDisputed(id, hospital, evidence);
        vm.prank(hospital);
        claims.dispute(id, evidence, bytes32(0), new bytes32[](0));
        assertStatus(id, IClaimSettlement.Status.Disputed, "disputed");
        assertTrue(claims.claimOf(id).disputed, "flag");

        vm.expectEmit(true, true, true, true, address(claims));
        emit IClaimSettlement.DisputeResolved(id, insurer, 700e6);
        vm.prank(insurer);
        claims.resolveDispute(id, 700e6);
        assertStatus(id, IClaimSettlement.Status.Resolved, "resolved");
        assertEq(claims.claimOf(id).payable_, 700e6, "payable");
        (, uint256 paid) = claims.usageOf(POLICY, 0);
        assertEq(paid, 700e6, "counts against the limit");
        (uint256 available, uint256 reserved) = pool();
        assertEq(available, POOL - 700e6, "reserved more");
        assertEq(reserved, 700e6, "reserved");

        // Resolved claims are settleable at once.
        bytes32[] memory ids = new bytes32[](1);
        ids[0] = id;
        assertEq(claims.settle(ids), 1, "settled");
        assertEq(claims.creditOf(hospital), 700e6, "credited");
    }

    function test_dispute_partialClaim_resolvedForLessOrZero() public {
        bytes32 id = submit(20_000e6);
        disputeWithFreshEvidence(id);
        vm.prank(insurer);
        claims.resolveDispute(id, 4_000e6);
        (uint256 available, uint256 reserved) = pool();
        assertEq(reserved, 4_000e6, "released the difference");
        assertEq(available, POOL - 4_000e6, "back in the pool");
        (, uint256 paid) = claims.usageOf(POLICY, 0);
        assertEq(paid, 4_000e6, "limit given back");

        bytes32 other = submit(20_000e6);
        assertStatus(other, IClaimSettlement.Status.Partial, "partial again");
        disputeWithFreshEvidence(other);
        vm.prank(insurer);
        claims.resolveDispute(other, 0);
        assertStatus(other, IClaimSettlement.Status.Denied, "zero denies");
        vm.expectRevert(abi.encodeWithSelector(IClaimSettlement.ClaimSettlementAlreadyDisputed.selector, other));
        vm.prank(hospital);
        claims.dispute(other, keccak256("x"), bytes32(0), new bytes32[](0));
    }

    function test_dispute_refusals() public {
        bytes32 id = submit(1_000e6);
        vm.warp(block.timestamp + 1);
        bytes32 evidence = anchored(hospital);
        vm.expectRevert(
            abi.encodeWithSelector(
                IClaimSettlement.ClaimSettlementWrongStatus.selector, id, IClaimSettlement.Status.Approved
            )
        );
        vm.prank(hospital);
        claims.dispute(id, evidence, bytes32(0), new bytes32[](0));
        vm.prank(insurer);
        claims.deny(id, 50);
        vm.expectRevert(abi.encodeWithSelector(IClaimSettlement.ClaimSettlementNotProvider.selector, clinic, hospital));
        vm.prank(clinic);
        claims.dispute(id, evidence, bytes32(0), new bytes32[](0));

        bytes32 foreign = anchored(clinic);
        vm.expectRevert(abi.encodeWithSelector(IClaimSettlement.ClaimSettlementEvidenceMissing.selector, foreign));
        vm.prank(hospital);
        claims.dispute(id, foreign, bytes32(0), new bytes32[](0));
        vm.prank(hospital);
        anchors.retract(evidence, "WRONG_PATIENT");
        vm.expectRevert(abi.encodeWithSelector(IClaimSettlement.ClaimSettlementEvidenceMissing.selector, evidence));
        vm.prank(hospital);
        claims.dispute(id, evidence, bytes32(0), new bytes32[](0));

        uint64 endsAt = uint64(block.timestamp) + APPEAL;
        vm.warp(endsAt);
        bytes32 fresh = anchored(hospital);
        vm.expectRevert(abi.encodeWithSelector(IClaimSettlement.ClaimSettlementAppealWindowClosed.selector, id, endsAt));
        vm.prank(hospital);
        claims.dispute(id, fresh, bytes32(0), new bytes32[](0));
    }

    function test_resolveDispute_refusals() public {
        bytes32 id = submit(20_000e6);
        vm.expectRevert(
            abi.encodeWithSelector(
                IClaimSettlement.ClaimSettlementWrongStatus.selector, id, IClaimSettlement.Status.Partial
            )
        );
        vm.prank(insurer);
        claims.resolveDispute(id, 1);
        disputeWithFreshEvidence(id);
        vm.expectRevert(abi.encodeWithSelector(IClaimSettlement.ClaimSettlementNotInsurer.selector, hospital, insurer));
        vm.prank(hospital);
        claims.resolveDispute(id, 1);
        vm.expectRevert(
            abi.encodeWithSelector(IClaimSettlement.ClaimSettlementNotInsurer.selector, insurer, address(0))
        );
        vm.prank(insurer);
        claims.resolveDispute(keccak256("unknown claim"), 1);
        vm.expectRevert(
            abi.encodeWithSelector(IClaimSettlement.ClaimSettlementExceedsLimit.selector, id, LIMIT + 1, LIMIT)
        );
        vm.prank(insurer);
        claims.resolveDispute(id, LIMIT + 1);
    }

    function test_resolveDispute_refusesMoreThanThePoolHolds() public {
        bytes32 id = submit(1_000e6);
        vm.prank(insurer);
        claims.deny(id, 50);
        disputeWithFreshEvidence(id);
        vm.startPrank(insurer);
        claims.withdrawFunds(POOL - 100e6);
        vm.expectRevert(
            abi.encodeWithSelector(IClaimSettlement.ClaimSettlementInsufficientPool.selector, insurer, 100e6, 200e6)
        );
        claims.resolveDispute(id, 200e6);
        vm.stopPrank();
    }

    // ------------------------------------------------------------------------------------------
    // Settlement and withdrawal

    function test_settle_afterTheReviewWindow_once() public {
        bytes32 a = submit(1_000e6);
        bytes32 b = submit(1_000e6);
        bytes32[] memory ids = new bytes32[](3);
        ids[0] = a;
        ids[1] = b;
        ids[2] = keccak256("unknown claim");
        vm.warp(block.timestamp + REVIEW - 1);
        assertEq(claims.settle(ids), 0, "review window still open");
        vm.warp(block.timestamp + 1);
        vm.expectEmit(true, true, true, true, address(claims));
        emit IClaimSettlement.ClaimSettled(a, hospital, 400e6);
        vm.expectEmit(true, true, true, true, address(claims));
        emit IClaimSettlement.ClaimSettled(b, hospital, 800e6);
        vm.prank(stranger);
        assertEq(claims.settle(ids), 2, "both settled");
        assertStatus(a, IClaimSettlement.Status.Settled, "settled");
        assertEq(claims.creditOf(hospital), 1_200e6, "credited");
        (uint256 available, uint256 reserved) = pool();
        assertEq(reserved, 0, "reservations paid out");
        assertEq(available, POOL - 1_200e6, "pool");
        assertEq(claims.settle(ids), 0, "never twice");
        assertEq(claims.creditOf(hospital), 1_200e6, "credited once");

        vm.expectEmit(true, true, true, true, address(claims));
        emit IClaimSettlement.Withdrawn(hospital, 1_200e6);
        vm.prank(hospital);
        claims.withdraw();
        assertEq(token.balanceOf(hospital), 1_200e6, "paid");
        assertEq(claims.creditOf(hospital), 0, "credit cleared");
        vm.expectRevert(abi.encodeWithSelector(IClaimSettlement.ClaimSettlementNothingToWithdraw.selector, hospital));
        vm.prank(hospital);
        claims.withdraw();
    }

    function test_views_ofUnknownIds() public view {
        IClaimSettlement.ClaimView memory v = claims.claimOf(keccak256("unknown claim"));
        assertEq(v.policyId, bytes32(0), "no policy");
        assertEq(uint256(v.status), 0, "None");
        (address ins,,,,,,) = claims.policyOf(bytes32("NO SUCH POLICY"));
        assertEq(ins, address(0), "unknown policy");
        (uint256 met, uint256 paid) = claims.usageOf(POLICY, 5);
        assertEq(met + paid, 0, "unused year");
        assertEq(claims.creditOf(stranger), 0, "no credit");
        assertEq(
            claims.claimIdOf(POLICY, hospital, 1 days + 1, bytes32("codes")),
            keccak256(abi.encode(POLICY, hospital, uint256(1), bytes32("codes"))),
            "fingerprint"
        );
    }

    function test_withdraw_isReentrancyGuarded() public {
        ReentrantToken hooked = new ReentrantToken();
        ClaimSettlement hookedClaims =
            new ClaimSettlement(registry, consent, anchors, provenance, hooked, REVIEW, APPEAL, FILING);
        MaliciousProvider evil = new MaliciousProvider();
        vm.prank(gov);
        registry.registerMember(address(evil), MemberRoles.PROVIDER, keccak256("evil licence"));
        grantCare(patient, address(evil), CARE_ENCOUNTERS);
        bytes32 evidence = freshHash();
        evil.act(address(anchors), abi.encodeCall(IRecordAnchor.anchor, (evidence)));

        vm.startPrank(insurer);
        hookedClaims.registerPolicy(POLICY, patient, LIMIT, 0, 0, start, start + 365 days);
        hooked.mint(insurer, 10_000e6);
        hooked.approve(address(hookedClaims), type(uint256).max);
        hookedClaims.fund(10_000e6);
        vm.stopPrank();

        IClaimSettlement.ClaimInput memory c;
        c.policyId = POLICY;
        c.provider = address(evil);
        c.amount = 1_000e6;
        c.serviceDate = start + 10 days;
        c.codesHash = freshHash();
        c.evidenceHash = evidence;
        evil.act(address(hookedClaims), abi.encodeCall(hookedClaims.submitClaim, (c)));
        bytes32[] memory ids = new bytes32[](1);
        ids[0] = hookedClaims.claimIdOf(POLICY, address(evil), c.serviceDate, c.codesHash);
        vm.warp(block.timestamp + REVIEW);
        hookedClaims.settle(ids);

        evil.act(address(hookedClaims), abi.encodeWithSignature("withdraw()"));
        assertTrue(evil.reentered(), "the hook re-entered");
        assertEq(
            bytes32(evil.reentryError()),
            bytes32(abi.encodeWithSelector(ReentrancyGuard.ReentrancyGuardReentrantCall.selector)),
            "refused by the guard"
        );
        assertEq(hooked.balanceOf(address(evil)), 1_000e6, "paid once");
    }

    function test_fuzz_adjudicationNeverPaysOverTheLimit(uint128 first, uint128 second) public {
        first = uint128(bound(first, 1, 30_000e6));
        second = uint128(bound(second, 1, 30_000e6));
        bytes32 a = submit(first);
        bytes32 b = submit(second);
        (uint256 met, uint256 paid) = claims.usageOf(POLICY, 0);
        assertLe(paid, LIMIT, "within the limit");
        assertLe(met, DEDUCTIBLE, "deductible at most once");
        assertEq(claims.claimOf(a).payable_ + claims.claimOf(b).payable_, paid, "paid is the sum of payables");
    }
}
