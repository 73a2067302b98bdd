"""The main job (make demo), run in-process on the test chain."""

from __future__ import annotations

import pytest

from medchain.access import Role
from medchain_dev.demo import SAMPLE_MEMBERS, run_demo


def test_demo_registers_the_sample_consortium_and_reports_it(project, chain, accounts, tmp_path):
    report = run_demo(
        project=project,
        provider=chain.provider,
        accounts=list(accounts),
        manifest=tmp_path / "local.json",
        workdir=tmp_path / "work",
    )

    assert (tmp_path / "local.json").exists()
    registry = project.ConsortiumRegistry.at(report.registry)
    assert [spec.role for spec, _ in report.members] == [role for _, role in SAMPLE_MEMBERS]
    for spec, status in report.members:
        assert status.active and status.roles == (spec.role,)
        assert registry.isActiveMember(spec.address, spec.role.id)
        assert registry.credentialOf(spec.address, spec.role.id) == spec.credential_hash

    pharmacy = next(spec for spec, _ in report.members if spec.role is Role.PHARMACY)
    suspensions = list(registry.MemberSuspended.range(0, chain.blocks.head.number + 1))
    assert [log.account for log in suspensions] == [pharmacy.address]

    text = report.render()
    for name, role in SAMPLE_MEMBERS:
        assert name in text and role.label in text
    assert "isActiveMember -> False" in text and "isActiveMember -> True" in text
    assert "registerMember (mean)" in text

    consent = project.ConsentRegistry.at(_address(report, "ConsentRegistry"))
    hospital, insurer = accounts[1], accounts[2]
    patient, unconscious = accounts[8], accounts[9]
    assert consent.hasConsent(patient, hospital, 1, 1 << 4)  # TREAT, laboratory
    assert consent.consentOf(patient, insurer) == (0, 0, 0, 0), "the insurer's consent was revoked"
    assert consent.nonceUsed(patient, 0) and consent.nonceUsed(patient, 1)
    assert consent.emergencyAccessOf(unconscious, hospital) > 0
    assert [row[4].split()[0] for row in report.consents] == ["active", "revoked", "break-glass"]
    assert "BREAK-GLASS" in text and "FHIR R5" in text

    receipts = sorted((tmp_path / "work" / "receipts").glob("*.receipt.json"))
    assert len(receipts) == 6, "five batch records and the corrected version"
    assert "verified 01-Encounter.json with its receipt and salt: ANCHORED" in text
    assert "SUPERSEDED" in text

    outcomes = {row[0]: row[3] for row in report.claims}
    assert outcomes["B office visit"] == "approved (1 deductible)"
    assert outcomes["B office visit (again)"] == "REFUSED before sending (duplicate)"
    assert outcomes["A lab panel"] == "REJECTED (197 consent absent)"
    assert outcomes["B surgery"] == "partial (119 benefit maximum)"
    assert {row[0]: row[4] for row in report.claims}["B surgery"] == "4,440", "5,000 limit minus the 560 paid"
    assert len(list((tmp_path / "work" / "insurer" / "responses").glob("*.json"))) == 3, (
        "one ClaimResponse per claim sent"
    )
    assert "duplicate claim" in (tmp_path / "work" / "insurer" / "claims.csv.rejects.csv.errors.csv").read_text()
    token = project.TestStableToken.at(_address(report, "TestStableToken"))
    assert token.balanceOf(accounts[1]) == 5_000 * 10**6, "the hospital was paid the whole annual limit"


def _address(report, name):
    import json

    return json.loads(report.manifest.read_text())["contracts"][name]["address"]


def test_demo_needs_enough_accounts(project, chain, accounts, tmp_path):
    with pytest.raises(ValueError, match="needs 12 funded accounts, got 3"):
        run_demo(project=project, provider=chain.provider, accounts=list(accounts)[:3], manifest=tmp_path / "x.json")


def test_demo_ends_with_the_drug_trail(project, chain, accounts, tmp_path):
    report = run_demo(
        project=project,
        provider=chain.provider,
        accounts=list(accounts),
        manifest=tmp_path / "local.json",
        workdir=tmp_path / "work",
    )
    text = report.render()
    assert "the pharmacy scanned pack A0007: GENUINE, and dispensed it; scanning it again: ALREADY_DISPENSED" in text
    assert "a pack with serial A9999 (not in the lot): UNKNOWN_SERIAL" in text
    assert "the regulator recalled lot" in text and "DrugProvenanceBatchRecalled" in text
    assert (tmp_path / "work" / "provenance" / "A2606.epcis.jsonld").is_file()
    # The pharmacy's claim for the dispensed pack is paid (once the dispense is final); the shelf pack's is not.
    assert "40.50 test USD payable of 45.00" in text and "rejected (1003 unit not dispensed by this pharmacy)" in text
    assert "the claim was settled and the pharmacy withdrew 40.50 test USD" in text
    claims = project.ClaimSettlement.at(_address(report, "ClaimSettlement"))
    pharmacy = accounts[5]
    paid = list(
        claims.ClaimSettled.range(0, chain.blocks.head.number + 1, search_topics={"provider": pharmacy.address})
    )
    assert [log.amount for log in paid] == [40_500_000]
    linked = list(claims.PharmacyClaimLinked.range(0, chain.blocks.head.number + 1))
    assert [log.claimId for log in linked] == [log.claimId for log in paid]


def test_the_demo_skips_ahead_only_on_a_chain_that_can_and_names_unfunded_accounts(chain, accounts):
    from types import SimpleNamespace

    from eth_account import Account

    from medchain_dev.demo import _skip_to, unfunded

    later = chain.pending_timestamp + 10 * 86400
    assert _skip_to(chain.provider, later) is True
    assert chain.pending_timestamp >= later
    real_chain = SimpleNamespace(chain_id=1337)  # a provider ape cannot set the time of (a node)
    assert _skip_to(real_chain, later + 86400) is False

    stranger = Account.create().address
    demo_accounts = list(accounts)[:11] + [SimpleNamespace(address=stranger)]
    assert unfunded(chain.provider, demo_accounts) == [stranger]
