"""Trails and consistency checks over the scenario's index; the trail cross-checked with Foundry's cast."""

from __future__ import annotations

import csv
import io
import json
import subprocess

import pytest

from medchain.audit import Rpc, Store
from medchain.audit.checks import render_findings, run_checks
from medchain.audit.trail import TrailError, parse_time, render, trail
from medchain_dev.toolchain import NODE_BIN_DIR

CAST = NODE_BIN_DIR / "cast"


def events_of(store, contract, name):
    return list(store.events(contract, [name]))


def test_patient_trail_follows_policies_into_claims(scenario):
    with Store(scenario.db_url) as store:
        story = trail(store, "patient", scenario.patient_b.address)
        names = [e.event for e in story]
        assert "EmergencyAccessed" in names and "PolicyRegistered" in names and "ConsentGranted" in names
        assert {"ClaimSubmitted", "ClaimAdjudicated", "ClaimSettled"} <= set(names), (
            "claims under the patient's policies"
        )
        assert [e.key for e in story] == sorted(e.key for e in story)
        assert len({e.id for e in story}) == len(story)
        # Patient A's claim was rejected for consent; none of patient B's events are in A's story.
        a_story = trail(store, "patient", scenario.patient_a.address)
        assert not {e.id for e in a_story} & {e.id for e in story if e.event == "EmergencyAccessed"}


def test_provider_trail_has_its_claims_adjudication(scenario):
    with Store(scenario.db_url) as store:
        story = trail(store, "provider", scenario.clinic.address)
        # ConsentGranted: the patient's TREAT consent to the clinic, the care relationship its claim needs.
        assert [e.event for e in story] == [
            "RoleGranted",
            "MemberRegistered",
            "ConsentGranted",
            "RecordAnchored",
            "ClaimSubmitted",
            "ClaimAdjudicated",
            "ClaimRejected",
            "MemberSuspended",
        ]


def test_claim_batch_and_record_trails(scenario):
    with Store(scenario.db_url) as store:
        claim = "0x" + scenario.open_claim.hex()
        assert [e.event for e in trail(store, "claim", claim)] == [
            "PolicyRegistered",
            "ClaimSubmitted",
            "ClaimAdjudicated",
            "ClaimRejected",
        ]
        batch = "0x" + scenario.quarantined_batch.hex()
        names = [e.event for e in trail(store, "batch", batch)]
        assert names[0] == "BatchCommissioned" and names[-2:] == ["Quarantined", "Released"]
        assert {"Shipped", "Received", "Dispensed"} <= set(names)

        amended = events_of(store, "RecordAnchor", "RecordAmended")[0]
        for start in (amended["oldHash"], amended["newHash"]):  # the whole version chain from either end
            assert "RecordAmended" in [e.event for e in trail(store, "record", start)]
            assert "RecordAnchored" in [e.event for e in trail(store, "record", start)]
        retracted = "0x" + scenario.retracted.record_hash.hex()
        # the demo's exchange section disclosed it to the referral hospital before it was retracted
        assert [e.event for e in trail(store, "record", retracted)] == ["RecordDisclosed", "RecordRetracted"]


def test_trail_time_window_and_formats(scenario):
    with Store(scenario.db_url) as store:
        full = trail(store, "patient", scenario.patient_b.address)
        middle = full[-1].time  # after the review window the demo waited out
        later = trail(store, "patient", scenario.patient_b.address, since=middle)
        assert later and all(e.time >= middle for e in later) and len(later) < len(full)
        assert trail(store, "patient", scenario.patient_b.address, until=full[0].time - 1) == []
        addresses = {n: a for n, (a, _, _) in store.contracts().items()}
        rows = list(csv.DictReader(io.StringIO(render(full, "csv", addresses))))
        assert len(rows) == len(full) and rows[0]["event"] == full[0].event
        data = json.loads(render(full, "json", addresses))
        assert data[0]["args"] and data[0]["tx"] == full[0].tx_hash and data[0]["time"].endswith("Z")
        table = render(full, "table", addresses)
        assert "EmergencyAccessed" in table and "reasonCode=UNCONSCIOUS_ED" in table and f"{len(full)} events" in table
    assert parse_time("2026-05-01", "--since") == 1777593600
    with pytest.raises(TrailError, match="--since: not a date"):
        parse_time("yesterday", "--since")
    with Store(scenario.db_url) as store, pytest.raises(TrailError, match="--patient: not an address"):
        trail(store, "patient", "0x1234")
    with Store(scenario.db_url) as store, pytest.raises(TrailError, match="--claim: expected 0x and 64 hex"):
        trail(store, "claim", "0xzz")


def cast_logs(url, address, *topics):
    out = subprocess.run(
        [
            str(CAST),
            "logs",
            "--json",
            "--rpc-url",
            url,
            "--from-block",
            "0",
            "--to-block",
            "latest",
            "--address",
            address,
            *topics,
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    return {(int(log["blockNumber"], 16), int(log["logIndex"], 16)) for log in json.loads(out.stdout or "[]")}


@pytest.mark.skipif(not CAST.exists(), reason="cast is not installed (npm @foundry-rs/cast-<platform>: make setup)")
def test_trails_match_what_cast_logs_returns_for_the_same_filters(scenario):
    """An independent client (Foundry's cast) reads the same events for the same topic filters."""
    catalog = scenario.suite.catalog
    with Store(scenario.db_url) as store:
        claim = "0x" + scenario.open_claim.hex()
        ours = {e.key for e in trail(store, "claim", claim)}
        claims = scenario.suite.address("ClaimSettlement")
        theirs = set()
        for _name, dec in catalog.by_name["ClaimSettlement"].items():
            if dec.indexed and dec.indexed[0][0] == "claimId":
                theirs |= cast_logs(scenario.url, claims, dec.topic0, claim)
        policy = next(e for e in trail(store, "claim", claim) if e.event == "PolicyRegistered")["policyId"]
        theirs |= cast_logs(scenario.url, claims, catalog.decoder("ClaimSettlement", "PolicyRegistered").topic0, policy)
        assert ours == theirs and len(ours) == 4

        batch = "0x" + scenario.quarantined_batch.hex()
        ours = {e.key for e in trail(store, "batch", batch)}
        theirs = set()
        for contract in ("DrugProvenance", "ClaimSettlement"):  # pharmacy claims name the batch too
            for _name, dec in catalog.by_name[contract].items():
                indexed = [n for n, _, _ in dec.indexed]
                if "batchId" in indexed:
                    theirs |= cast_logs(
                        scenario.url,
                        scenario.suite.address(contract),
                        dec.topic0,
                        *([""] * indexed.index("batchId")),
                        batch,
                    )
        assert ours == theirs and len(ours) >= 6


# ---------------------------------------------------------------------------------------------
# Consistency rules: each has a case that triggers it and one that does not.


@pytest.fixture(scope="module")
def findings(scenario):
    with Store(scenario.db_url) as store:
        return run_checks(store, Rpc(scenario.url), scenario.suite)


def rule(findings, name):
    return [f for f in findings if f.rule == name]


def test_paid_claims_had_consent_and_evidence_in_the_scenario(findings):
    assert rule(findings, "paid-claim-consent-evidence") == []


def test_a_paid_claim_without_consent_at_submission_is_a_violation(scenario, tmp_path):
    """As if the payment consent had never been given: the index without patient B's HPAYMT grant."""
    db = scenario.copy_db(tmp_path)
    with Store(db) as store:
        insurer = scenario.insurer.address.lower()
        grant = next(
            e
            for e in store.events("ConsentRegistry", ["ConsentGranted"])
            if e["patient"] == scenario.patient_b.address.lower() and e["grantee"] == insurer
        )
        store.conn.execute("DELETE FROM events WHERE id = ?", (grant.id,))
        found = rule(run_checks(store, Rpc(scenario.url), scenario.suite), "paid-claim-consent-evidence")
        assert len(found) == 3, "all of patient B's paid claims: two hospital claims and the pharmacy's"
        assert all("had never consented to payment" in f.message and f.severity == "violation" for f in found)
        assert all("evidence" not in f.message and "dispensed" not in f.message for f in found), "evidence held"
        events = [{e.event for e in f.events} for f in found]
        assert sum({"PolicyRegistered", "ClaimSubmitted", "ClaimSettled", "BatchAnchored"} <= ev for ev in events) == 2
        assert sum({"PharmacyClaimLinked", "Dispensed"} <= ev for ev in events) == 1, "the pharmacy claim's unit"


def test_a_paid_claim_whose_evidence_was_retracted_before_submission_is_a_violation(scenario, tmp_path):
    db = scenario.copy_db(tmp_path)
    with Store(db) as store:
        batch = next(iter(store.events("RecordAnchor", ["BatchAnchored"])))
        store.conn.execute(
            "UPDATE events SET block = block + 100000, id = id + 100000 * 1000000 WHERE id = ?", (batch.id,)
        )  # the batch now appears after the claims that cite it
        found = rule(run_checks(store, Rpc(scenario.url), scenario.suite), "paid-claim-consent-evidence")
        assert found and all("was not anchored" in f.message for f in found)


def test_dispensing_after_a_recall_or_during_quarantine_is_a_violation(scenario, tmp_path):
    with Store(scenario.db_url) as store:
        assert rule(run_checks(store, None, scenario.suite), "dispensed-under-hold") == []
    db = scenario.copy_db(tmp_path)
    with Store(db) as store:
        dispensed = events_of(store, "DrugProvenance", "Dispensed")[0]
        quarantine = next(
            e for e in events_of(store, "DrugProvenance", "Quarantined") if e["batchId"] == dispensed["batchId"]
        )
        release = next(
            e for e in events_of(store, "DrugProvenance", "Released") if e["batchId"] == dispensed["batchId"]
        )
        # A dispense between quarantine and release (as a faulty contract could have let through).
        store.conn.execute(
            "UPDATE events SET block = ?, log_index = ?, id = ? WHERE id = ?",
            (quarantine.block, quarantine.log_index + 1, quarantine.id + 1, dispensed.id),
        )
        assert release.key > (quarantine.block, quarantine.log_index + 1)
        found = rule(run_checks(store, None, scenario.suite), "dispensed-under-hold")
        assert len(found) == 1 and "although the batch was quarantined" in found[0].message
        assert [e.event for e in found[0].events] == ["Quarantined", "Dispensed"]


def test_every_break_glass_is_listed_with_what_followed(scenario, findings, tmp_path):
    found = rule(findings, "break-glass")
    assert len(found) == 1 and found[0].severity == "notice"
    assert found[0].events[0].event == "EmergencyAccessed" and "UNCONSCIOUS_ED" in found[0].message
    assert "ran to its end" in found[0].message or "open until" in found[0].message
    db = scenario.copy_db(tmp_path)
    with Store(db) as store:
        store.conn.execute("DELETE FROM events WHERE event = 'EmergencyAccessed'")
        assert rule(run_checks(store, None, scenario.suite), "break-glass") == []


def test_duplicates_are_grouped_by_provider(scenario, findings, tmp_path):
    found = rule(findings, "duplicate-claims")
    assert len(found) == 1 and found[0].subject == scenario.clinic.address.lower()
    assert found[0].message.startswith("1 claim(s) from provider")
    assert [e.event for e in found[0].events] == ["ClaimSubmitted", "ClaimRejected"]
    db = scenario.copy_db(tmp_path)
    with Store(db) as store:
        store.conn.execute("DELETE FROM events WHERE event = 'ClaimRejected' AND args LIKE '%\"reasonCode\":18%'")
        assert rule(run_checks(store, Rpc(scenario.url), scenario.suite), "duplicate-claims") == []


def test_suspension_with_open_claims(scenario, findings):
    found = rule(findings, "suspended-with-open-claims")
    assert [f.subject for f in found] == [scenario.clinic.address.lower()], "not the pharmacy: it held no claims"
    assert "LICENCE_REVOKED" in found[0].message and "(Approved)" in found[0].message
    assert [e.event for e in found[0].events] == ["MemberSuspended", "ClaimSubmitted"]


def test_findings_render_as_text_and_json(findings):
    text = render_findings(findings)
    assert "[ok] paid-claim-consent-evidence" in text and "[1 finding(s)] break-glass" in text
    assert "0 violation(s)" in text
    data = json.loads(render_findings(findings, "json"))["findings"]
    assert {f["rule"] for f in data} == {"break-glass", "duplicate-claims", "suspended-with-open-claims"}
    assert all(f["events"] and f["events"][0]["tx"].startswith("0x") for f in data)
