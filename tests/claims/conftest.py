"""Fixtures for claim settlement tests: a consortium with consent, anchored evidence, a token and a policy."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from eth_account import Account

from medchain.access import Role
from medchain.chain.rpc import Rpc
from medchain.consent import Category, Purpose

DAY = 86400
REVIEW, APPEAL, FILING = 3 * DAY, 30 * DAY, 365 * DAY
LIMIT, DEDUCTIBLE, COINSURANCE_BPS = 10_000_000_000, 500_000_000, 2_000  # 10,000 / 500 mUSD (6 decimals), 20 %
ZERO32 = b"\0" * 32


@dataclass
class World:
    claims: object
    registry: object
    consent: object
    anchor: object
    provenance: object
    token: object
    hospital: object
    insurer: object
    patient: object
    policy: bytes
    start: int


@pytest.fixture(scope="session")
def world(project, chain, governance, registry, members, accounts) -> World:
    consent = governance.deploy(project.ConsentRegistry, registry, DAY)
    anchor = governance.deploy(project.RecordAnchor, registry)
    provenance = governance.deploy(project.DrugProvenance, registry)
    token = governance.deploy(project.TestStableToken)
    claims = governance.deploy(
        project.ClaimSettlement, registry, consent, anchor, provenance, token, REVIEW, APPEAL, FILING
    )
    hospital, insurer, patient = members[Role.PROVIDER], members[Role.INSURER], accounts[10]
    start = chain.pending_timestamp - 30 * DAY
    consent.grant(
        patient, insurer, int(Purpose.HPAYMT), int(Category.BILLING_CLAIMS), start + 3 * 365 * DAY, sender=patient
    )
    # The care relationship a claim needs: the patient's TREAT consent to the hospital on encounters.
    consent.grant(
        patient, hospital, int(Purpose.TREAT), int(Category.ENCOUNTERS), start + 3 * 365 * DAY, sender=patient
    )
    policy = b"P" * 32
    claims.registerPolicy(
        policy, patient, LIMIT, DEDUCTIBLE, COINSURANCE_BPS, start, start + 2 * 365 * DAY, sender=insurer
    )
    token.mint(insurer, 10**15, sender=insurer)
    token.approve(claims, 2**256 - 1, sender=insurer)
    claims.fund(100_000_000_000, sender=insurer)
    return World(claims, registry, consent, anchor, provenance, token, hospital, insurer, patient, policy, start)


_counter = iter(range(1, 10**9))


def evidence(world: World, provider=None) -> bytes:
    """A freshly anchored evidence record hash."""
    h = next(_counter).to_bytes(32, "big")
    world.anchor.anchor(h, sender=provider or world.hospital)
    return h


def new_evidence(world: World, provider=None) -> bytes:
    """Evidence for a dispute: anchored a second after everything so far (after the decision it appeals)."""
    from ape import chain

    chain.pending_timestamp = max(chain.pending_timestamp, chain.blocks.head.timestamp + 1) + 1
    return evidence(world, provider)


def claim_input(
    world: World,
    *,
    amount=1_000_000_000,
    service_date=None,
    codes=None,
    evidence_hash=None,
    root=ZERO32,
    proof=(),
    provider=None,
    policy=None,
):
    return (
        policy or world.policy,
        provider or world.hospital,
        amount,
        service_date if service_date is not None else world.start + 10 * DAY,
        codes or next(_counter).to_bytes(32, "big"),
        evidence_hash if evidence_hash is not None else evidence(world, provider),
        root,
        list(proof),
    )


@pytest.fixture(scope="module")
def setup(world, accounts, chain):
    """A second policy whose patient gave no consent; the insurer's key for local signing."""
    patient = accounts[11]
    no_consent = b"N" * 32
    world.claims.registerPolicy(
        no_consent, patient, 10**12, 0, 0, world.start, world.start + 400 * DAY, sender=world.insurer
    )
    return {
        "no_consent": no_consent,
        "insurer": Account.from_key(world.insurer.private_key),
        "chain_id": chain.chain_id,
        "w3": chain.provider.web3,
        "rpc": Rpc(chain.provider.http_uri, patience=30.0),
    }
