"""The assurance gates' judgement (docs/assurance.md), on recorded tool output: no forge or slither run."""

from __future__ import annotations

import json

import pytest

from medchain_dev.assurance import Config, GateError, coverage, invariants, slither

LCOV = """TN:
SF:contracts/claims/ClaimSettlement.sol
FN:10,ClaimSettlement.fund
FNDA:3,ClaimSettlement.fund
FNF:1
FNH:1
DA:10,3
LF:200
LH:192
BRDA:12,0,0,1
BRF:50
BRH:44
end_of_record
TN:
SF:contracts/test/TestStableToken.sol
LF:4
LH:0
BRF:0
BRH:0
end_of_record
TN:
SF:contracts/provenance/DrugProvenance.sol
LF:100
LH:90
BRF:20
BRH:19
end_of_record
"""


def config(**overrides) -> Config:
    return Config(**overrides)


def test_lcov_totals_per_file():
    files = coverage.parse_lcov(LCOV)
    claims = files["contracts/claims/ClaimSettlement.sol"]
    assert (claims.lines_found, claims.lines_hit, claims.branches_found, claims.branches_hit) == (200, 192, 50, 44)
    assert claims.lines == pytest.approx(96.0)
    assert claims.branches == pytest.approx(88.0)
    assert files["contracts/test/TestStableToken.sol"].branches == 100.0  # nothing to branch on


def test_each_file_is_judged_on_its_own_and_test_contracts_are_left_out():
    verdicts, _ = coverage.judge(coverage.parse_lcov(LCOV), config())
    by_path = {v.coverage.path: v for v in verdicts}
    assert "contracts/test/TestStableToken.sol" not in by_path
    assert not by_path["contracts/claims/ClaimSettlement.sol"].ok  # 88 % of branches < 90 %
    assert not by_path["contracts/provenance/DrugProvenance.sol"].ok  # a new directory is picked up


def test_a_file_may_have_its_own_thresholds_with_a_reason():
    own = {"contracts/provenance/DrugProvenance.sol": {"lines": 90, "branches": 90, "reason": "first tests"}}
    verdicts, _ = coverage.judge(coverage.parse_lcov(LCOV), config(file_thresholds=own))
    by_path = {v.coverage.path: v for v in verdicts}
    assert by_path["contracts/provenance/DrugProvenance.sol"].ok
    assert by_path["contracts/provenance/DrugProvenance.sol"].reason == "first tests"
    assert "own thresholds: first tests" in coverage.render(verdicts, [])


def test_thresholds_without_a_reason_are_refused(tmp_path):
    toml = tmp_path / "assurance.toml"
    toml.write_text('[coverage.files."contracts/x/X.sol"]\nlines = 10.0\n')
    with pytest.raises(GateError, match="needs a reason"):
        Config.load(toml)


def test_the_project_config_gates_every_contract_outside_contracts_test():
    cfg = Config.load()
    sources = cfg.sources()
    assert "contracts/claims/ClaimSettlement.sol" in sources
    assert "contracts/access/MemberRoles.sol" in sources
    assert not [s for s in sources if s.startswith("contracts/test/")]
    assert cfg.lines >= 95 and cfg.branches >= 90 and cfg.min_calls >= 100_000


FORGE_REPORT = """Ran 1 test for forge/invariant/ConsentRegistry.invariants.t.sol:ConsentRegistryInvariants
[PASS] invariant_consent() (runs: 250, calls: 100000, reverts: 0)
Suite result: ok. 1 passed; 0 failed; 0 skipped; finished in 60.00s (60.00s CPU time)

Ran 1 test for forge/invariant/RecordAnchor.invariants.t.sol:RecordAnchorInvariants
[FAIL: an anchor is never re-attributed: 0x01 != 0x02]
\t[Sequence] (original: 10, shrunk: 2)
 invariant_anchors() (runs: 3, calls: 1200, reverts: 1)
Suite result: FAILED. 0 passed; 1 failed; 0 skipped; finished in 1.00s (1.00s CPU time)

Ran 1 test for forge/invariant/ClaimSettlement.invariants.t.sol:ClaimSettlementInvariants
[PASS] invariant_money() (runs: 10, calls: 4000, reverts: 0)
Suite result: ok. 1 passed; 0 failed; 0 skipped; finished in 2.00s (2.00s CPU time)

Failing tests:
Encountered 1 failing test in forge/invariant/RecordAnchor.invariants.t.sol:RecordAnchorInvariants
[FAIL: an anchor is never re-attributed: 0x01 != 0x02]
\t[Sequence] (original: 10, shrunk: 2)
 invariant_anchors() (runs: 3, calls: 1200, reverts: 1)
"""


def test_invariant_runs_are_read_from_forges_report():
    runs = {r.suite: r for r in invariants.parse_forge_output(FORGE_REPORT)}
    assert set(runs) == {"ConsentRegistryInvariants", "RecordAnchorInvariants", "ClaimSettlementInvariants"}
    assert runs["ConsentRegistryInvariants"].calls == 100_000 and runs["ConsentRegistryInvariants"].passed
    assert not runs["RecordAnchorInvariants"].passed
    assert runs["RecordAnchorInvariants"].calls == 1200


def test_invariant_gate_wants_a_suite_per_contract_and_enough_calls():
    problems = invariants.judge(invariants.parse_forge_output(FORGE_REPORT), Config.load())
    text = "\n".join(problems)
    assert "RecordAnchorInvariants.invariant_anchors broke an invariant" in text
    assert "ClaimSettlementInvariants.invariant_money made 4,000 handler calls, fewer than 100,000" in text
    assert "ConsortiumRegistry (contracts/access/ConsortiumRegistry.sol) has no invariant suite" in text
    assert "ConsentRegistry " not in text


def test_a_contract_may_wait_for_its_suite_with_a_reason():
    pending = {"ConsortiumRegistry": "its suite follows"}
    problems = invariants.judge(invariants.parse_forge_output(FORGE_REPORT), Config(pending_invariants=pending))
    assert not [p for p in problems if "no invariant suite" in p and p.startswith("ConsortiumRegistry ")]


def test_abstract_contracts_libraries_and_interfaces_need_no_suite():
    names = invariants.deployable_contracts(Config.load())
    assert {"ConsortiumRegistry", "ConsentRegistry", "RecordAnchor", "ClaimSettlement"} <= set(names)
    assert not {"ConsortiumGated", "MemberRoles", "IClaimSettlement"} & set(names)


DESCRIPTION = (
    "ClaimSettlement.dispute(bytes32,bytes32) (contracts/claims/ClaimSettlement.sol#271-285) ignores return value "
    "by (anchoredBy,None,None,retracted) = recordAnchor.verify(evidenceHash) (contracts/claims/ClaimSettlement.sol#280)\n"
)


def finding(description=DESCRIPTION, check="unused-return", impact="Medium"):
    return slither.Finding(check, impact, "Medium", description, "ClaimSettlement.dispute(bytes32,bytes32)")


def entry(f: slither.Finding, verdict="false-positive"):
    return {**slither.stub(f), "verdict": verdict, "justification": "why it cannot happen"}


def test_a_finding_keeps_its_identity_when_code_moves_but_not_when_it_changes():
    moved = finding(DESCRIPTION.replace("#271-285", "#301-315").replace("#280", "#310"))
    changed = finding(DESCRIPTION.replace("evidenceHash", "otherHash"))
    assert moved.fingerprint == finding().fingerprint
    assert changed.fingerprint != finding().fingerprint
    assert finding().summary.endswith("recordAnchor.verify(evidenceHash)")


def test_untriaged_findings_and_stale_entries_are_told_apart():
    known, new = finding(), finding(DESCRIPTION.replace("evidenceHash", "otherHash"))
    gone = entry(finding(DESCRIPTION.replace("dispute", "settle")))
    triaged, untriaged, stale = slither.judge([known, new], [entry(known), gone])
    assert [f for f, _ in triaged] == [known]
    assert untriaged == [new]
    assert stale == [gone]


def test_triage_refuses_accepting_a_medium_finding_or_a_missing_justification(tmp_path):
    path = tmp_path / "slither.triage.json"
    path.write_text(json.dumps({"findings": [entry(finding(), verdict="accepted")]}))
    with pytest.raises(GateError, match="only as false-positive"):
        slither.load_triage(path)
    path.write_text(json.dumps({"findings": [{**entry(finding()), "justification": ""}]}))
    with pytest.raises(GateError, match="lacks justification"):
        slither.load_triage(path)
    low = entry(finding(check="timestamp", impact="Low"), verdict="accepted")
    path.write_text(json.dumps({"findings": [low]}))
    assert slither.load_triage(path) == [low]


def test_the_committed_triage_file_is_valid():
    entries = slither.load_triage(slither.PROJECT_ROOT / Config.load().triage_file)
    assert entries, "the triage file lists the current findings"
    assert all(e["verdict"] == "false-positive" for e in entries if e["impact"] in slither.SEVERE)
