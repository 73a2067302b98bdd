"""The gas gate (docs/assurance.md, "Gas snapshot"): its comparison, its report, the snapshot file, the
physical floor the benchmarks print; and, once, the gate itself on the committed snapshot."""

from __future__ import annotations

import pytest

from medchain_dev.assurance import Config, gas
from medchain_dev.bench import snapshot
from medchain_dev.bench.common import (
    BenchmarkError,
    BenchReport,
    GasRow,
    Measurement,
    Target,
    calldata_gas,
    log_gas,
    physical_floor,
    render,
    stale_sources,
)
from medchain_dev.toolchain import PROJECT_ROOT

COMMITTED = {"ConsentRegistry.grant": 50_000, "ClaimSettlement.submitClaims[50]/claim": 70_000.5, "X.old": 1_000}


def changes(measured: dict, committed: dict = COMMITTED) -> list[gas.Change]:
    return gas.compare(committed, measured)


def drifted(measured: dict, committed: dict = COMMITTED, tolerance: float = 1.0) -> list[str]:
    return [c.operation for c in gas.judge(changes(measured, committed), tolerance)[0]]


# ----------------------------------------------------------------------------------------------
# Comparison


def test_identical_figures_pass_with_nothing_to_report():
    assert changes(dict(COMMITTED)) == []
    report = gas.render([], 1.0, "gas-snapshot.json", 3)
    assert report == "gas gate passed: 3 operations within 1 % of gas-snapshot.json\n"


def test_a_figure_that_moved_more_than_the_tolerance_fails_either_way():
    assert drifted({**COMMITTED, "ConsentRegistry.grant": 50_501}) == ["ConsentRegistry.grant"]  # +1.002 %
    assert drifted({**COMMITTED, "ConsentRegistry.grant": 49_499}) == ["ConsentRegistry.grant"]  # -1.002 %
    assert drifted({**COMMITTED, "ClaimSettlement.submitClaims[50]/claim": 70_701.6}) == [
        "ClaimSettlement.submitClaims[50]/claim"
    ]


def test_a_figure_within_the_tolerance_passes_and_is_still_reported():
    measured = {**COMMITTED, "ConsentRegistry.grant": 50_500, "X.old": 990}  # exactly +1 % and -1 %
    assert drifted(measured) == []
    within = gas.judge(changes(measured), 1.0)[1]
    assert [(c.operation, c.percent) for c in within] == [("ConsentRegistry.grant", 1.0), ("X.old", -1.0)]
    report = gas.render(changes(measured), 1.0, "gas-snapshot.json", 3)
    assert report.startswith("gas gate passed")
    assert report.splitlines()[1:] == [
        "changed within 1 %:",
        "  ConsentRegistry.grant: 50,000 -> 50,500 (+1.00 %)",
        "  X.old: 1,000 -> 990 (-1.00 %)",
    ]
    assert gas.UPDATE_HINT not in report


def test_the_tolerance_comes_from_the_caller():
    measured = {**COMMITTED, "ConsentRegistry.grant": 51_000}  # +2 %
    assert drifted(measured, tolerance=2.0) == []
    assert drifted(measured, tolerance=1.99) == ["ConsentRegistry.grant"]


def test_a_new_or_missing_operation_fails_whatever_its_figure():
    measured = {k: v for k, v in COMMITTED.items() if k != "X.old"} | {"DrugProvenance.dispense": 75_000}
    found = {c.operation: c for c in changes(measured)}
    assert set(found) == {"X.old", "DrugProvenance.dispense"}
    assert found["X.old"].new is None and found["DrugProvenance.dispense"].old is None
    assert drifted(measured, tolerance=1_000.0) == ["DrugProvenance.dispense", "X.old"]


def test_a_zero_in_the_snapshot_fails_any_other_figure():
    assert drifted({"A.op": 1}, {"A.op": 0}) == ["A.op"]
    assert drifted({"A.op": 0}, {"A.op": 0}) == []


def test_the_failure_report_lists_each_drifted_operation_with_old_new_and_percent_and_says_what_to_do():
    measured = {
        "ConsentRegistry.grant": 53_954,
        "ClaimSettlement.submitClaims[50]/claim": 70_000.5,
        "DrugProvenance.release": 35_130,
    }
    report = gas.render(changes(measured), 1.0, "gas-snapshot.json", 3)
    lines = report.splitlines()
    assert lines[0] == (
        "gas gate FAILED: 3 operation(s) differ from gas-snapshot.json by more than 1 % or are new or missing:"
    )
    assert lines[1:4] == [
        "  ConsentRegistry.grant: 50,000 -> 53,954 (+7.91 %)",
        "  DrugProvenance.release: new, not in the snapshot (measured 35,130)",
        "  X.old: missing, no longer measured (snapshot 1,000)",
    ]
    assert lines[4] == "run `make gas-snapshot` and commit the file if the change is intended"


def test_per_item_figures_are_shown_with_their_decimals():
    change = gas.Change("ClaimSettlement.settle[50]/claim", 15_467.72, 15_700.5)
    assert change.describe() == "ClaimSettlement.settle[50]/claim: 15,467.72 -> 15,700.50 (+1.50 %)"


# ----------------------------------------------------------------------------------------------
# The gate's command (measurement replaced: no chain)


@pytest.fixture
def gate(tmp_path, monkeypatch):
    """main() on a snapshot file in tmp_path, with a measurement that returns ``measured``."""
    path = tmp_path / "gas-snapshot.json"
    measured: dict = {}
    monkeypatch.setattr(Config, "load", classmethod(lambda cls, *_a: cls(gas_snapshot=str(path))))
    monkeypatch.setattr(snapshot, "measure_snapshot", lambda _progress: dict(measured))
    return path, measured


def test_the_gate_fails_on_drift_and_update_writes_the_sorted_snapshot(gate, capsys):
    path, measured = gate
    measured.update({"B.op": 100, "A.op[10]/item": 5.25})
    assert gas.main(update=True) == 0
    assert path.read_text() == '{\n  "A.op[10]/item": 5.25,\n  "B.op": 100\n}\n'
    assert gas.main() == 0
    measured["B.op"] = 102
    assert gas.main() == 1
    assert "B.op: 100 -> 102 (+2.00 %)" in capsys.readouterr().out
    assert gas.main(update=True) == 0  # the same commit updates the snapshot: the gate passes
    assert gas.main() == 0


def test_without_a_snapshot_the_gate_cannot_run(gate):
    with pytest.raises(gas.GateError, match=r"gas-snapshot.json is missing: run `make gas-snapshot`"):
        gas.main()


@pytest.mark.parametrize(
    "text, error",
    [
        ("[1, 2]", "must hold a JSON object"),
        ('{"A.op": "many"}', "'A.op' must be a non-negative number of gas"),
        ('{"A.op": true}', "'A.op' must be a non-negative number of gas"),
        ('{"A.op": 1,}', "not valid JSON"),
    ],
)
def test_a_malformed_snapshot_is_refused_with_the_reason(tmp_path, text, error):
    path = tmp_path / "gas-snapshot.json"
    path.write_text(text)
    with pytest.raises(BenchmarkError, match=error):
        snapshot.read_snapshot(path)


# ----------------------------------------------------------------------------------------------
# The committed snapshot and the project's settings


def test_the_project_gates_gas_at_one_percent_of_the_committed_snapshot():
    config = Config.load()
    assert config.gas_tolerance == 1.0
    path = PROJECT_ROOT / config.gas_snapshot
    figures = snapshot.read_snapshot(path)
    assert path.read_text() == snapshot.dumps(figures)  # as `make gas-snapshot` writes it: sorted, one a line
    for contract in ("ConsentRegistry", "RecordAnchor", "ClaimSettlement", "DrugProvenance"):
        assert any(name.startswith(f"{contract}.") for name in figures), contract
    assert "ClaimSettlement.submitClaims[50]/claim" in figures


def test_the_measurement_matches_the_committed_snapshot():
    """The gas gate itself (as `make check` runs it): a fresh measurement of every benchmark operation."""
    committed = snapshot.read_snapshot(PROJECT_ROOT / Config.load().gas_snapshot)
    found = gas.compare(committed, snapshot.measure_snapshot())
    assert not gas.judge(found, Config.load().gas_tolerance)[0], gas.render(found, 1.0, "gas-snapshot.json", 0)


# ----------------------------------------------------------------------------------------------
# The physical floor and the benchmark table


def test_calldata_costs_4_a_zero_byte_and_16_any_other():
    assert calldata_gas(b"") == 0
    assert calldata_gas(bytes([0, 0, 1, 255])) == 4 + 4 + 16 + 16


def test_a_log_costs_375_plus_375_a_topic_plus_8_a_data_byte():
    logs = [{"topics": [b"t" * 32, b"u" * 32], "data": b"\x00" * 64}, {"topics": [], "data": b""}]
    assert log_gas(logs) == (375 + 2 * 375 + 8 * 64) + 375


def test_the_floor_is_21000_calldata_new_slots_and_logs():
    data = bytes([1] * 36)  # a selector and one non-zero word
    logs = [{"topics": [b"t" * 32], "data": b"d" * 32}]
    assert physical_floor(data, logs) == 21_000 + 36 * 16 + 22_100 + (375 + 375 + 256)
    assert physical_floor(data, logs, new_slots=0) == 21_000 + 36 * 16 + 375 + 375 + 256
    assert physical_floor(data, [], new_slots=3) == 21_000 + 36 * 16 + 3 * 22_100


def test_a_batch_figure_and_its_floor_are_per_item():
    batch = Measurement(gas=3_561_849, items=50, floor=1_678_524)
    assert batch.per_item == pytest.approx(71_236.98) and batch.floor_per_item == pytest.approx(33_570.48)
    assert batch.snapshot_value == 71_236.98
    single = Measurement(gas=53_954, floor=46_892)
    assert (single.per_item, single.floor_per_item, single.snapshot_value) == (53_954, 46_892, 53_954)
    assert Measurement(gas=6_218).floor_per_item is None  # a reading inside a transaction has no floor


def table(text: str) -> list[str]:
    """The rendered report from its table's header line on."""
    lines = text.splitlines()
    return lines[next(i for i, line in enumerate(lines) if line.startswith("operation")) :]


def test_the_table_shows_each_figure_beside_its_reference_and_its_floor_as_ratios():
    target = Target("grant", 60_000)
    rows = [
        GasRow.of("grant", Measurement(gas=50_000, floor=40_000), "attest", 250_000, target),
        GasRow.of("hasConsent, cold", Measurement(gas=6_000)),
    ]
    text = render(BenchReport(title="t", rows=rows, targets=(target,)))
    header, _rule, grant, has_consent = table(text)[:4]
    assert [c.strip() for c in header.split("|")] == [
        "operation",
        "medchain gas",
        "target",
        "EAS equivalent",
        "EAS gas",
        "EAS/medchain",
        "floor",
        "medchain/floor",
    ]
    assert [c.strip() for c in grant.split("|")] == [
        "grant",
        "50,000",
        "<= 60,000",
        "attest",
        "250,000",
        "5.00x",
        "40,000",
        "1.25x",
    ]
    assert [c.strip() for c in has_consent.split("|")][-2:] == ["-", "-"]
    assert "floor = 21,000 + the transaction's calldata" in text


def test_reference_columns_are_left_out_when_nothing_has_a_reference():
    text = render(BenchReport(title="t", rows=[GasRow.of("recall", Measurement(29_140, floor=23_497))], targets=()))
    assert [c.strip() for c in table(text)[0].split("|")] == [
        "operation",
        "medchain gas",
        "target",
        "floor",
        "medchain/floor",
    ]


# ----------------------------------------------------------------------------------------------
# A stale build is refused


def test_sources_changed_added_or_deleted_since_the_last_compile_are_stale(tmp_path):
    (tmp_path / "contracts" / "a").mkdir(parents=True)
    (tmp_path / "contracts" / ".cache").mkdir()
    (tmp_path / "contracts" / "a" / "Same.sol").write_text("same")
    (tmp_path / "contracts" / "a" / "Edited.sol").write_text("new text")
    (tmp_path / "contracts" / "a" / "Added.sol").write_text("added")
    (tmp_path / "contracts" / ".cache" / "Dep.sol").write_text("not ours")
    built = {
        "contracts/a/Same.sol": {"content": "same"},
        "contracts/a/Edited.sol": {"content": "old text"},
        "contracts/a/Deleted.sol": {"content": "gone"},
    }
    assert stale_sources(built, tmp_path) == [
        "contracts/a/Added.sol",
        "contracts/a/Deleted.sol",
        "contracts/a/Edited.sol",
    ]
    fresh = {
        "contracts/a/Same.sol": {"content": "same"},
        "contracts/a/Edited.sol": {"content": "new text"},
        "contracts/a/Added.sol": {"content": "added"},
    }
    assert stale_sources(fresh, tmp_path) == []
