"""ClaimSettlement: policies, pools, submission checks, adjudication, review, appeal, settlement."""

from __future__ import annotations

import ape
import pytest

from medchain.access import Role, reason_code
from medchain.consent import Category, Purpose
from medchain.records.merkle import MerkleTree
from tests.claims.conftest import (
    APPEAL,
    DAY,
    DEDUCTIBLE,
    FILING,
    LIMIT,
    REVIEW,
    ZERO32,
    claim_input,
    evidence,
    new_evidence,
)

APPROVED, PENDING, PARTIAL, DENIED, DISPUTED, RESOLVED, SETTLED = 2, 1, 3, 4, 5, 6, 7


def _only(receipt, event):
    logs = receipt.events.filter(event)
    assert len(logs) == 1
    return logs[0]


def _submit(world, sender=None, **kw):
    c = claim_input(world, **kw)
    receipt = world.claims.submitClaim(c, sender=sender or world.hospital)
    claim_id = world.claims.claimIdOf(c[0], c[1], c[3], c[4])
    return claim_id, receipt, c


# ---------------------------------------------------------------------------------------------
# Policies and pools


def test_register_policy(world):
    receipt = world.claims.registerPolicy(b"Q" * 32, world.patient, 5, 1, 100, 10, 20, sender=world.insurer)
    assert world.claims.policyOf(b"Q" * 32) == (world.insurer, world.patient, 5, 1, 100, 10, 20)
    log = _only(receipt, world.claims.PolicyRegistered)
    assert (log.policyId, log.insurer, log.patient, log.annualLimit) == (b"Q" * 32, world.insurer, world.patient, 5)


@pytest.mark.parametrize(
    "args",
    [
        (b"\0" * 32, 5, 1, 100, 10, 20),
        (b"R" * 32, 0, 1, 100, 10, 20),
        (b"R" * 32, 5, 1, 10_001, 10, 20),
        (b"R" * 32, 5, 1, 100, 20, 20),
        (b"R" * 32, 2**96, 1, 100, 10, 20),
    ],
    ids=["zero-id", "zero-limit", "coinsurance>100%", "empty-period", "limit-too-large"],
)
def test_register_policy_refuses_bad_terms(world, args):
    policy_id, limit, deductible, bps, start, end = args
    with ape.reverts(world.claims.ClaimSettlementInvalidPolicy, policyId=policy_id):
        world.claims.registerPolicy(policy_id, world.patient, limit, deductible, bps, start, end, sender=world.insurer)


def test_register_policy_refusals(world, outsider):
    with ape.reverts(world.claims.ClaimSettlementPolicyExists, policyId=world.policy):
        world.claims.registerPolicy(world.policy, world.patient, 5, 1, 1, 1, 2, sender=world.insurer)
    with ape.reverts(world.claims.ClaimSettlementZeroAddress):
        world.claims.registerPolicy(b"S" * 32, "0x" + "00" * 20, 5, 1, 1, 1, 2, sender=world.insurer)
    with ape.reverts(world.claims.ConsortiumInactiveMember, account=world.hospital, role=Role.INSURER.id):
        world.claims.registerPolicy(b"S" * 32, world.patient, 5, 1, 1, 1, 2, sender=world.hospital)


def test_fund_and_withdraw_funds(world):
    available, reserved = world.claims.poolOf(world.insurer)
    receipt = world.claims.fund(1_000, sender=world.insurer)
    assert world.claims.poolOf(world.insurer) == (available + 1_000, reserved)
    assert _only(receipt, world.claims.PoolFunded).amount == 1_000
    before = world.token.balanceOf(world.insurer)
    receipt = world.claims.withdrawFunds(1_000, sender=world.insurer)
    assert world.token.balanceOf(world.insurer) == before + 1_000
    assert _only(receipt, world.claims.PoolWithdrawn).amount == 1_000
    with ape.reverts(world.claims.ClaimSettlementInsufficientPool, insurer=world.insurer):
        world.claims.withdrawFunds(available + 1, sender=world.insurer)
    with ape.reverts(world.claims.ClaimSettlementInvalidAmount, amount=0):
        world.claims.fund(0, sender=world.insurer)
    with ape.reverts(world.claims.ConsortiumInactiveMember, account=world.hospital, role=Role.INSURER.id):
        world.claims.fund(1, sender=world.hospital)


# ---------------------------------------------------------------------------------------------
# Adjudication


def test_deductible_then_coinsurance_then_limit(world):
    first, receipt, _ = _submit(world, amount=1_000_000_000)
    adj = _only(receipt, world.claims.ClaimAdjudicated)
    # 500 deductible, then 20 % coinsurance on the other 500: pays 400, patient owes 600.
    assert (adj.outcome, adj.payable_, adj.patientShare, adj.reasonCode) == (APPROVED, 400_000_000, 600_000_000, 1)
    sub = _only(receipt, world.claims.ClaimSubmitted)
    assert (sub.claimId, sub.policyId, sub["provider"], sub.insurer, sub.amount) == (
        first,
        world.policy,
        world.hospital,
        world.insurer,
        1_000_000_000,
    )

    _, receipt, _ = _submit(world, amount=1_000_000_000)
    adj = _only(receipt, world.claims.ClaimAdjudicated)
    assert (adj.outcome, adj.payable_, adj.reasonCode) == (APPROVED, 800_000_000, 2)

    # 8,800 left of the 10,000 limit: a 20,000 claim would pay 16,000 -> Partial at 8,800.
    _, receipt, _ = _submit(world, amount=20_000_000_000)
    adj = _only(receipt, world.claims.ClaimAdjudicated)
    assert (adj.outcome, adj.payable_, adj.reasonCode) == (PARTIAL, LIMIT - 1_200_000_000, 119)
    assert world.claims.usageOf(world.policy, 0) == (DEDUCTIBLE, LIMIT)

    _, receipt, _ = _submit(world, amount=1_000_000)
    adj = _only(receipt, world.claims.ClaimAdjudicated)
    assert (adj.outcome, adj.payable_, adj.reasonCode) == (DENIED, 0, 119)


def test_a_claim_inside_the_deductible_pays_nothing(world):
    claim_id, receipt, _ = _submit(world, amount=100_000_000)
    adj = _only(receipt, world.claims.ClaimAdjudicated)
    assert (adj.outcome, adj.payable_, adj.patientShare, adj.reasonCode) == (DENIED, 0, 100_000_000, 1)
    assert world.claims.usageOf(world.policy, 0) == (100_000_000, 0)


def test_a_new_policy_year_starts_a_new_deductible(world):
    _submit(world, amount=1_000_000_000)
    second_year = world.start + 365 * DAY + DAY  # still in coverage, in the past? move the chain there first
    world.claims.chain_manager.pending_timestamp = max(world.claims.chain_manager.pending_timestamp, second_year + DAY)
    _, receipt, _ = _submit(world, amount=1_000_000_000, service_date=second_year)
    adj = _only(receipt, world.claims.ClaimAdjudicated)
    assert (adj.payable_, adj.reasonCode) == (400_000_000, 1), "the deductible applies again in year 2"
    assert world.claims.usageOf(world.policy, 1) == (DEDUCTIBLE, 400_000_000)


def test_the_policy_year_boundary_second(world):
    last = world.start + 365 * DAY - 1
    world.claims.chain_manager.pending_timestamp = max(world.claims.chain_manager.pending_timestamp, last + 2 * DAY)
    a, _, _ = _submit(world, service_date=last)
    b, _, _ = _submit(world, service_date=last + 1)
    assert world.claims.claimOf(a).policyYear == 0
    assert world.claims.claimOf(b).policyYear == 1


def test_insurer_submits_on_the_providers_behalf(world):
    claim_id, receipt, _ = _submit(world, sender=world.insurer)
    assert world.claims.claimOf(claim_id).provider == world.hospital


def test_evidence_in_a_batch(world):
    values = [i.to_bytes(32, "big") for i in range(900, 907)]
    tree = MerkleTree.build(values)
    world.anchor.anchorBatch(tree.root, len(values), sender=world.hospital)
    claim_id, _, _ = _submit(world, evidence_hash=values[3], root=tree.root, proof=tree.proof(values[3]))
    assert world.claims.claimOf(claim_id).status == APPROVED


# ---------------------------------------------------------------------------------------------
# Refusals at submission


def _rejected(world, reason, sender=None, **kw):
    c = claim_input(world, **kw)
    claim_id = world.claims.claimIdOf(c[0], c[1], c[3], c[4])
    with ape.reverts(world.claims.ClaimSettlementRejected, claimId=claim_id, reasonCode=reason):
        world.claims.submitClaim(c, sender=sender or world.hospital)


def test_duplicate_even_with_another_amount(world):
    _, _, c = _submit(world)
    dup = list(c)
    dup[2] = c[2] * 2
    claim_id = world.claims.claimIdOf(c[0], c[1], c[3], c[4])
    with ape.reverts(world.claims.ClaimSettlementRejected, claimId=claim_id, reasonCode=18):
        world.claims.submitClaim(dup, sender=world.hospital)


def test_refusal_reasons(world, chain):
    now = chain.pending_timestamp
    _rejected(world, 31, policy=b"?" * 32)
    _rejected(world, 26, service_date=world.start - 1)
    _rejected(world, 110, service_date=now + DAY)
    _rejected(world, 1002, amount=0)
    stale = world.start + 5 * DAY
    chain.pending_timestamp = stale + FILING + DAY
    _rejected(world, 29, service_date=stale)


def test_coverage_terminated(world, chain):
    end = world.start + 2 * 365 * DAY
    chain.pending_timestamp = end + DAY
    _rejected(world, 27, service_date=end)


def test_provider_ineligible_when_suspended(world, governance):
    ev = evidence(world)
    world.registry.suspendMember(world.hospital, reason_code("AUDIT"), sender=governance)
    _rejected(world, 185, sender=world.insurer, evidence_hash=ev)


def test_consent_absent(world):
    world.consent.revoke(world.patient, world.insurer, sender=world.patient)
    _rejected(world, 197)


@pytest.mark.parametrize("case", ["unanchored", "other-provider", "retracted", "wrong-proof"])
def test_evidence_missing(world, members, governance, case):
    if case == "unanchored":
        _rejected(world, 16, evidence_hash=b"\x33" * 32)
    elif case == "other-provider":
        clinic = members[Role.PHARMACY]
        world.registry.registerMember(clinic, Role.PROVIDER.id, b"\x07" * 32, sender=governance)
        _rejected(world, 16, evidence_hash=evidence(world, provider=clinic))
    elif case == "retracted":
        ev = evidence(world)
        world.anchor.retract(ev, reason_code("WRONG_PATIENT"), sender=world.hospital)
        _rejected(world, 16, evidence_hash=ev)
    else:
        tree = MerkleTree.build([b"\x01" * 32, b"\x02" * 32])
        world.anchor.anchorBatch(tree.root, 2, sender=world.hospital)
        _rejected(world, 16, evidence_hash=b"\x01" * 32, root=tree.root, proof=tree.proof(b"\x02" * 32))


def test_only_the_provider_or_the_insurer_submits(world, outsider):
    c = claim_input(world)
    with ape.reverts(world.claims.ClaimSettlementNotSubmitter, caller=outsider, provider=world.hospital):
        world.claims.submitClaim(c, sender=outsider)


def test_submit_claims_rejects_some_and_accepts_the_rest(world):
    good = claim_input(world)
    dup = list(good)
    unanchored = claim_input(world, evidence_hash=b"\x44" * 32)
    receipt = world.claims.submitClaims([good, dup, unanchored], sender=world.insurer)
    rejected = [(log.claimId, log.reasonCode) for log in receipt.events.filter(world.claims.ClaimRejected)]
    ids = [world.claims.claimIdOf(c[0], c[1], c[3], c[4]) for c in (good, dup, unanchored)]
    assert rejected == [(ids[1], 18), (ids[2], 16)]
    assert len(receipt.events.filter(world.claims.ClaimSubmitted)) == 1
    assert world.claims.claimOf(ids[0]).status == APPROVED


# ---------------------------------------------------------------------------------------------
# Pending funds, review, appeal, settlement


def test_pending_funds_then_adjudicate(world):
    available, _ = world.claims.poolOf(world.insurer)
    world.claims.withdrawFunds(available, sender=world.insurer)
    claim_id, receipt, _ = _submit(world)
    assert _only(receipt, world.claims.ClaimAdjudicated).outcome == PENDING
    with ape.reverts(world.claims.ClaimSettlementInsufficientPool, insurer=world.insurer):
        world.claims.adjudicate(claim_id, sender=world.hospital)
    world.claims.fund(1_000_000_000, sender=world.insurer)
    receipt = world.claims.adjudicate(claim_id, sender=world.hospital)
    assert _only(receipt, world.claims.ClaimAdjudicated).outcome == APPROVED
    assert world.claims.poolOf(world.insurer) == (600_000_000, 400_000_000)
    with ape.reverts(world.claims.ClaimSettlementWrongStatus, claimId=claim_id, status=APPROVED):
        world.claims.adjudicate(claim_id, sender=world.hospital)


def test_deny_within_the_review_window(world, chain):
    before = world.claims.poolOf(world.insurer)
    claim_id, _, _ = _submit(world)
    receipt = world.claims.deny(claim_id, 50, sender=world.insurer)
    log = _only(receipt, world.claims.ClaimDenied)
    assert (log.claimId, log.insurer, log.reasonCode) == (claim_id, world.insurer, 50)
    assert world.claims.poolOf(world.insurer) == before, "the reservation is released"
    assert world.claims.usageOf(world.policy, 0) == (0, 0), "deductible and limit are given back"
    assert world.claims.claimOf(claim_id).status == DENIED


def test_deny_refusals(world, chain):
    claim_id, _, _ = _submit(world)
    with ape.reverts(world.claims.ClaimSettlementNotInsurer, caller=world.hospital, insurer=world.insurer):
        world.claims.deny(claim_id, 50, sender=world.hospital)
    decided = world.claims.claimOf(claim_id).decidedAt
    chain.pending_timestamp = decided + REVIEW
    with ape.reverts(world.claims.ClaimSettlementReviewWindowClosed, claimId=claim_id, endedAt=decided + REVIEW):
        world.claims.deny(claim_id, 50, sender=world.insurer)


def test_dispute_and_resolve(world):
    claim_id, _, _ = _submit(world)
    world.claims.deny(claim_id, 50, sender=world.insurer)
    fresh = new_evidence(world)
    receipt = world.claims.dispute(claim_id, fresh, ZERO32, [], sender=world.hospital)
    log = _only(receipt, world.claims.ClaimDisputed)
    assert (log.claimId, log["provider"], log.evidenceHash) == (claim_id, world.hospital, fresh)
    receipt = world.claims.resolveDispute(claim_id, 300_000_000, sender=world.insurer)
    assert _only(receipt, world.claims.DisputeResolved).approvedAmount == 300_000_000
    view = world.claims.claimOf(claim_id)
    assert (view.status, view.payable_, view.disputed) == (RESOLVED, 300_000_000, True)
    assert world.claims.usageOf(world.policy, 0)[1] == 300_000_000
    receipt = world.claims.settle([claim_id], sender=world.patient)  # settleable at once, by anyone
    assert _only(receipt, world.claims.ClaimSettled).amount == 300_000_000


def test_dispute_refusals(world, chain):
    claim_id, _, _ = _submit(world)
    with ape.reverts(world.claims.ClaimSettlementWrongStatus, claimId=claim_id, status=APPROVED):
        world.claims.dispute(claim_id, new_evidence(world), ZERO32, [], sender=world.hospital)
    world.claims.deny(claim_id, 50, sender=world.insurer)
    with ape.reverts(world.claims.ClaimSettlementNotProvider, caller=world.insurer, provider=world.hospital):
        world.claims.dispute(claim_id, new_evidence(world), ZERO32, [], sender=world.insurer)
    with ape.reverts(world.claims.ClaimSettlementEvidenceMissing, evidenceHash=b"\x55" * 32):
        world.claims.dispute(claim_id, b"\x55" * 32, ZERO32, [], sender=world.hospital)
    world.claims.dispute(claim_id, new_evidence(world), ZERO32, [], sender=world.hospital)
    world.claims.resolveDispute(claim_id, 0, sender=world.insurer)
    assert world.claims.claimOf(claim_id).status == DENIED
    with ape.reverts(world.claims.ClaimSettlementAlreadyDisputed, claimId=claim_id):
        world.claims.dispute(claim_id, new_evidence(world), ZERO32, [], sender=world.hospital)

    other, _, _ = _submit(world)
    world.claims.deny(other, 50, sender=world.insurer)
    decided = world.claims.claimOf(other).decidedAt
    chain.pending_timestamp = decided + APPEAL
    with ape.reverts(world.claims.ClaimSettlementAppealWindowClosed, claimId=other, endedAt=decided + APPEAL):
        world.claims.dispute(other, new_evidence(world), ZERO32, [], sender=world.hospital)


def test_resolve_within_the_remaining_limit(world):
    claim_id, _, _ = _submit(world)
    world.claims.deny(claim_id, 50, sender=world.insurer)
    world.claims.dispute(claim_id, new_evidence(world), ZERO32, [], sender=world.hospital)
    with ape.reverts(world.claims.ClaimSettlementExceedsLimit, claimId=claim_id, approved=LIMIT + 1, remaining=LIMIT):
        world.claims.resolveDispute(claim_id, LIMIT + 1, sender=world.insurer)
    with ape.reverts(world.claims.ClaimSettlementNotInsurer, caller=world.hospital, insurer=world.insurer):
        world.claims.resolveDispute(claim_id, 1, sender=world.hospital)


def test_settle_after_the_review_window_pays_once(world, chain):
    a, _, _ = _submit(world)
    b, _, _ = _submit(world)
    assert world.claims.settle([a, b], sender=world.patient).events.filter(world.claims.ClaimSettled) == []
    chain.pending_timestamp = world.claims.claimOf(b).decidedAt + REVIEW
    receipt = world.claims.settle([a, b, a], sender=world.patient)
    settled = [(log.claimId, log["provider"], log.amount) for log in receipt.events.filter(world.claims.ClaimSettled)]
    assert settled == [(a, world.hospital, 400_000_000), (b, world.hospital, 800_000_000)], "each paid once"
    assert world.claims.creditOf(world.hospital) == 1_200_000_000
    assert world.claims.poolOf(world.insurer)[1] == 0
    assert world.claims.settle([a, b], sender=world.patient).events.filter(world.claims.ClaimSettled) == []


def test_withdraw(world, chain):
    claim_id, _, _ = _submit(world)
    chain.pending_timestamp = world.claims.claimOf(claim_id).decidedAt + REVIEW
    world.claims.settle([claim_id], sender=world.patient)
    before = world.token.balanceOf(world.hospital)
    receipt = world.claims.withdraw(sender=world.hospital)
    assert world.token.balanceOf(world.hospital) == before + 400_000_000
    log = _only(receipt, world.claims.Withdrawn)
    assert (log["provider"], log.amount) == (world.hospital, 400_000_000)
    with ape.reverts(world.claims.ClaimSettlementNothingToWithdraw, provider=world.hospital):
        world.claims.withdraw(sender=world.hospital)


def test_reentrant_withdraw_is_refused(project, chain, governance, registry, world):
    token = governance.deploy(project.ReentrantToken)
    claims = governance.deploy(
        project.ClaimSettlement, registry, world.consent, world.anchor, world.provenance, token, REVIEW, APPEAL, FILING
    )
    attacker = governance.deploy(project.MaliciousProvider)
    registry.registerMember(attacker, Role.PROVIDER.id, b"\x0e" * 32, sender=governance)
    world.consent.grant(
        world.patient,
        attacker,
        int(Purpose.TREAT),
        int(Category.ENCOUNTERS),
        world.start + 3 * 365 * DAY,
        sender=world.patient,
    )
    claims.registerPolicy(
        world.policy, world.patient, LIMIT, 0, 0, world.start, world.start + 400 * DAY, sender=world.insurer
    )
    token.mint(world.insurer, 10**12, sender=world.insurer)
    token.approve(claims, 10**12, sender=world.insurer)
    claims.fund(10**12, sender=world.insurer)
    ev = b"\xee" * 32
    attacker.act(world.anchor, world.anchor.anchor.encode_input(ev), sender=governance)
    c = (world.policy, attacker.address, 1_000_000, world.start + DAY, b"\x01" * 32, ev, ZERO32, [])
    claims.submitClaim(c, sender=world.insurer)
    claim_id = claims.claimIdOf(c[0], c[1], c[3], c[4])
    chain.pending_timestamp = claims.claimOf(claim_id).decidedAt + REVIEW
    claims.settle([claim_id], sender=governance)

    attacker.act(claims, claims.withdraw.encode_input(), sender=governance)
    assert attacker.reentered()
    assert attacker.reentryError()[:4] == bytes.fromhex("3ee5aeb5"), "ReentrancyGuardReentrantCall()"
    assert token.balanceOf(attacker) == 1_000_000, "paid exactly once"
    assert claims.creditOf(attacker) == 0
