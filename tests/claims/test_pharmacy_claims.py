"""Pharmacy claims: a claim for a dispensed unit is accepted only from the pharmacy that dispensed it,
once per dispense (its id names the dispense), and paid only once that dispense can no longer be reverted."""

from __future__ import annotations

from dataclasses import dataclass

import ape
import pytest

from medchain.access import Role
from medchain.consent import Category, Purpose
from medchain.provenance import serial_hash
from tests.claims.conftest import DAY, FILING, LIMIT, REVIEW, World
from tests.provenance.conftest import commission, delivered, make_batch

APPROVED, DENIED, SETTLED = 2, 4, 7
REVERT_WINDOW = 10 * DAY
AMOUNT = 40_000_000  # 40 mUSD; the test policy has no deductible nor coinsurance: payable = amount
NOT_SUBMITTER, DUPLICATE, INVALID_AMOUNT, NOT_INSURED = 1001, 18, 1002, 31
BEFORE_COVERAGE, TERMINATED, TIMELY, INELIGIBLE, CONSENT = 26, 27, 29, 185, 197
NOT_DISPENSED, RECALLED, QUARANTINED, NO_CARE = 1003, 1004, 1005, 1006


@dataclass
class Pharmacy:
    world: World
    pharmacy: object
    regulator: object
    batch: object  # SerialProofs
    batch_id: bytes
    policy: bytes  # no deductible, no coinsurance: payable = amount


_policies = iter(range(1, 10**6))


def _fresh_policy(world: World, patient=None, *, start=None, end=None) -> bytes:
    policy = b"RX" + next(_policies).to_bytes(30, "big")
    world.claims.registerPolicy(
        policy,
        patient or world.patient,
        LIMIT,
        0,
        0,
        world.start if start is None else start,
        world.start + 2 * 365 * DAY if end is None else end,
        sender=world.insurer,
    )
    return policy


@pytest.fixture(scope="module")
def rx(world, chain, members, outsider) -> Pharmacy:  # noqa: ARG001 (session fixtures first: isolation)
    """A batch of 16 units commissioned, shipped to the pharmacy and received; a policy without cost sharing."""
    manufacturer, pharmacy = members[Role.MANUFACTURER], members[Role.PHARMACY]
    batch = make_batch(chain, "RXLOT", 16)
    commission(world.provenance, manufacturer, batch)
    _SHIPMENT[pharmacy.address] = delivered(world.provenance, batch, manufacturer, pharmacy, 16)
    world.consent.grant(
        world.patient,
        pharmacy,
        int(Purpose.TREAT),
        int(Category.MEDICATIONS),
        world.start + 3 * 365 * DAY,
        sender=world.patient,
    )
    return Pharmacy(world, pharmacy, members[Role.REGULATOR], batch, batch.batch_id, _fresh_policy(world))


def _serial(n: int) -> str:
    return f"RXLOT-{n:04d}"


#: The shipment that brought the batch to the pharmacy (what it dispenses from).
_SHIPMENT: dict = {}


def _dispense(rx: Pharmacy, n: int):
    serial = _serial(n)
    shipment = _SHIPMENT[rx.pharmacy.address]
    hashed = serial_hash(serial)
    return rx.world.provenance.dispense(
        rx.batch_id, hashed, rx.batch.proof(serial), shipment.ref, shipment.manifest.proof(hashed), sender=rx.pharmacy
    )


def _claim(rx: Pharmacy, n: int, *, policy=None, pharmacy=None, amount=AMOUNT, codes=b"\x07" * 32):
    return (policy or rx.policy, pharmacy or rx.pharmacy.address, amount, codes, rx.batch_id, serial_hash(_serial(n)))


def _claim_id(rx: Pharmacy, n: int) -> bytes:
    """The id of unit ``n``'s current dispense (ClaimSettlement.pharmacyClaimIdOf)."""
    hashed = serial_hash(_serial(n))
    _pharmacy, at, _until = rx.world.provenance.unitDispense(rx.world.provenance.unitIdOf(rx.batch_id, hashed))
    return rx.world.claims.pharmacyClaimIdOf(rx.batch_id, hashed, at)


def _only(receipt, event):
    logs = receipt.events.filter(event)
    assert len(logs) == 1
    return logs[0]


def _rejected(rx: Pharmacy, claim, sender=None) -> int:
    receipt = rx.world.claims.submitPharmacyClaims([claim], sender=sender or rx.pharmacy)
    assert not receipt.events.filter(rx.world.claims.ClaimSubmitted)
    return _only(receipt, rx.world.claims.ClaimRejected).reasonCode


def test_the_claim_id_names_the_dispense(rx):
    from eth_utils import keccak

    from medchain.claims.client import pharmacy_claim_id

    hashed = serial_hash(_serial(1))
    unit = rx.world.provenance.unitIdOf(rx.batch_id, hashed)
    assert rx.world.claims.pharmacyClaimIdOf(rx.batch_id, hashed, 1234) == keccak(unit + (1234).to_bytes(32, "big"))
    assert pharmacy_claim_id(unit, 1234) == rx.world.claims.pharmacyClaimIdOf(rx.batch_id, hashed, 1234)


def test_a_pharmacy_claim_for_a_dispensed_unit_is_accepted(rx):
    claims = rx.world.claims
    dispensed = _dispense(rx, 1)
    receipt = claims.submitPharmacyClaim(_claim(rx, 1), sender=rx.pharmacy)
    claim_id = _claim_id(rx, 1)

    submitted = _only(receipt, claims.ClaimSubmitted)
    assert (submitted.claimId, submitted.policyId, submitted["provider"], submitted.amount) == (
        claim_id,
        rx.policy,
        rx.pharmacy.address,
        AMOUNT,
    )
    assert submitted.serviceDate == dispensed.timestamp  # the dispense's time, from the provenance contract
    linked = _only(receipt, claims.PharmacyClaimLinked)
    assert (linked.claimId, linked.batchId, linked.serialHash) == (claim_id, rx.batch_id, serial_hash(_serial(1)))
    adjudicated = _only(receipt, claims.ClaimAdjudicated)
    assert (adjudicated.outcome, adjudicated.payable_) == (APPROVED, AMOUNT)
    view = claims.claimOf(claim_id)
    assert (view.status, view.provider, view.pharmacyClaim) == (APPROVED, rx.pharmacy.address, True)


def test_only_the_dispensing_pharmacy_submits_its_claim_not_the_insurer(rx):
    _dispense(rx, 2)
    assert _rejected(rx, _claim(rx, 2), sender=rx.world.insurer) == NOT_SUBMITTER
    receipt = rx.world.claims.submitPharmacyClaims([_claim(rx, 2)], sender=rx.pharmacy)
    assert _only(receipt, rx.world.claims.ClaimSubmitted)["provider"] == rx.pharmacy.address


def test_a_unit_is_claimed_once_even_under_another_policy(rx):
    _dispense(rx, 3)
    rx.world.claims.submitPharmacyClaim(_claim(rx, 3), sender=rx.pharmacy)
    assert _rejected(rx, _claim(rx, 3, codes=b"\x08" * 32)) == DUPLICATE
    assert _rejected(rx, _claim(rx, 3, policy=_fresh_policy(rx.world))) == DUPLICATE


def test_a_unit_never_dispensed_or_dispensed_by_another_is_refused(rx):
    assert _rejected(rx, _claim(rx, 4)) == NOT_DISPENSED  # never dispensed
    _dispense(rx, 4)
    # The hospital did not dispense it: a claim in its own name is refused.
    hospital = rx.world.hospital
    assert _rejected(rx, _claim(rx, 4, pharmacy=hospital.address), sender=hospital) == NOT_DISPENSED
    serial = _serial(5)
    _dispense(rx, 5)
    rx.world.provenance.revertDispense(rx.batch_id, serial_hash(serial), sender=rx.pharmacy)
    assert _rejected(rx, _claim(rx, 5)) == NOT_DISPENSED  # reverted


def test_a_recalled_or_quarantined_batch_is_refused_until_released(rx):
    _dispense(rx, 6)
    rx.world.provenance.quarantine(rx.batch_id, b"Q" * 32, sender=rx.regulator)
    assert _rejected(rx, _claim(rx, 6)) == QUARANTINED
    rx.world.provenance.release(rx.batch_id, sender=rx.regulator)
    rx.world.claims.submitPharmacyClaim(_claim(rx, 6), sender=rx.pharmacy)
    _dispense(rx, 7)
    rx.world.provenance.recall(rx.batch_id, b"R" * 32, sender=rx.regulator)
    assert _rejected(rx, _claim(rx, 7)) == RECALLED


def test_submission_refusals(rx, chain, governance):
    world = rx.world
    _dispense(rx, 8)
    assert _rejected(rx, _claim(rx, 8, amount=0)) == INVALID_AMOUNT
    assert _rejected(rx, _claim(rx, 8, amount=2**96)) == INVALID_AMOUNT
    assert _rejected(rx, _claim(rx, 8, policy=b"\x99" * 32)) == NOT_INSURED
    now = chain.pending_timestamp
    assert _rejected(rx, _claim(rx, 8, policy=_fresh_policy(world, start=now + DAY, end=now + 9 * DAY))) == (
        BEFORE_COVERAGE
    )
    assert _rejected(rx, _claim(rx, 8, policy=_fresh_policy(world, end=world.start + DAY))) == TERMINATED
    stranger = _fresh_policy(world, patient=world.hospital)  # no consent from this "patient" to the insurer
    assert _rejected(rx, _claim(rx, 8, policy=stranger)) == CONSENT
    world.registry.suspendMember(rx.pharmacy, b"\x01" * 32, sender=governance)
    assert _rejected(rx, _claim(rx, 8)) == INELIGIBLE
    world.registry.reinstateMember(rx.pharmacy, sender=governance)
    chain.pending_timestamp = chain.pending_timestamp + FILING + DAY
    assert _rejected(rx, _claim(rx, 8)) == TIMELY


def test_single_submission_reverts_with_the_reason(rx, outsider):
    claims = rx.world.claims
    claim_id = _claim_id(rx, 9)  # not dispensed: the id of "no dispense" (time 0)
    with ape.reverts(claims.ClaimSettlementRejected, claimId=claim_id, reasonCode=NOT_DISPENSED):
        claims.submitPharmacyClaim(_claim(rx, 9), sender=rx.pharmacy)
    with ape.reverts(claims.ClaimSettlementNotSubmitter, caller=outsider.address, provider=rx.pharmacy.address):
        claims.submitPharmacyClaim(_claim(rx, 9), sender=outsider)


def test_settlement_waits_until_the_dispense_is_final(rx, chain):
    claims, token = rx.world.claims, rx.world.token
    dispensed_at = _dispense(rx, 10).timestamp
    claims.submitPharmacyClaim(_claim(rx, 10), sender=rx.pharmacy)
    claim_id = _claim_id(rx, 10)
    decided = claims.claimOf(claim_id).decidedAt
    assert decided + REVIEW < dispensed_at + REVERT_WINDOW  # the review window ends first

    chain.pending_timestamp = decided + REVIEW
    receipt = claims.settle([claim_id], sender=rx.world.insurer)
    assert not receipt.events.filter(claims.ClaimSettled)
    assert claims.claimOf(claim_id).status == APPROVED

    chain.pending_timestamp = dispensed_at + REVERT_WINDOW
    receipt = claims.settle([claim_id], sender=rx.world.insurer)
    settled = _only(receipt, claims.ClaimSettled)
    assert (settled.claimId, settled["provider"], settled.amount) == (claim_id, rx.pharmacy.address, AMOUNT)
    assert claims.claimOf(claim_id).status == SETTLED
    before = token.balanceOf(rx.pharmacy)
    claims.withdraw(sender=rx.pharmacy)
    assert token.balanceOf(rx.pharmacy) - before == AMOUNT
    # Final: the dispense can no longer be reverted, and the claim is not paid twice.
    with ape.reverts(rx.world.provenance.DrugProvenanceRevertWindowClosed):
        rx.world.provenance.revertDispense(rx.batch_id, serial_hash(_serial(10)), sender=rx.pharmacy)
    assert not claims.settle([claim_id], sender=rx.world.insurer).events.filter(claims.ClaimSettled)


def test_a_reverted_dispense_voids_the_claim_at_settlement(rx, chain):
    claims, world = rx.world.claims, rx.world
    _dispense(rx, 11)
    claims.submitPharmacyClaim(_claim(rx, 11), sender=rx.pharmacy)
    claim_id = _claim_id(rx, 11)
    available, reserved = claims.poolOf(world.insurer)
    paid = claims.usageOf(rx.policy, 0)[1]
    world.provenance.revertDispense(rx.batch_id, serial_hash(_serial(11)), sender=rx.pharmacy)

    chain.pending_timestamp = chain.pending_timestamp + REVERT_WINDOW
    receipt = claims.settle([claim_id], sender=world.insurer)
    voided = _only(receipt, claims.ClaimVoided)
    assert (voided.claimId, voided["provider"], voided.reasonCode) == (claim_id, rx.pharmacy.address, NOT_DISPENSED)
    assert not receipt.events.filter(claims.ClaimSettled)
    view = claims.claimOf(claim_id)
    assert (view.status, view.reasonCode, view.payable_) == (DENIED, NOT_DISPENSED, 0)
    assert claims.poolOf(world.insurer) == (available + AMOUNT, reserved - AMOUNT)
    assert claims.usageOf(rx.policy, 0)[1] == paid - AMOUNT
    # Re-dispensing the same unit later does not revive the voided claim: it is a new dispense, a new claim.
    _dispense(rx, 11)
    assert _claim_id(rx, 11) != claim_id
    receipt = claims.submitPharmacyClaims([_claim(rx, 11)], sender=rx.pharmacy)
    assert _only(receipt, claims.ClaimSubmitted).claimId == _claim_id(rx, 11)
    assert claims.claimOf(claim_id).status == DENIED


def test_consent_is_checked_for_pharmacy_claims(rx):
    world = rx.world
    patient = world.hospital  # any address that has not consented yet
    policy = _fresh_policy(world, patient=patient)
    _dispense(rx, 12)
    assert _rejected(rx, _claim(rx, 12, policy=policy)) == CONSENT
    world.consent.grant(
        patient,
        world.insurer,
        int(Purpose.HPAYMT),
        int(Category.BILLING_CLAIMS),
        world.start + 3 * 365 * DAY,
        sender=patient,
    )
    assert _rejected(rx, _claim(rx, 12, policy=policy)) == NO_CARE  # no TREAT consent to the pharmacy
    world.consent.grant(
        patient, rx.pharmacy, int(Purpose.TREAT), int(Category.MEDICATIONS), world.start + 3 * 365 * DAY, sender=patient
    )
    receipt = world.claims.submitPharmacyClaims([_claim(rx, 12, policy=policy)], sender=rx.pharmacy)
    assert _only(receipt, world.claims.ClaimSubmitted).policyId == policy
