"""The provenance section of the demo, run in-process on the test chain as medchain_dev.demo will call it."""

from __future__ import annotations

from medchain.provenance import UnitStatus
from medchain.provenance.epcis import validate_all
from medchain_dev.demo.provenance import run_provenance_demo
from tests.conftest import as_sdk


def test_provenance_demo(chain, provenance, governance, manufacturer, distributor, pharmacy, regulator, tmp_path):
    parties = {
        name: as_sdk(provenance, account)
        for name, account in (
            ("governance", governance),
            ("manufacturer", manufacturer),
            ("distributor", distributor),
            ("pharmacy", pharmacy),
            ("regulator", regulator),
        )
    }
    result = run_provenance_demo(**parties, workdir=tmp_path)
    assert "prefix 9506000 to the manufacturer" in result.story[0]
    assert [verdict for _, verdict in result.scans] == ["GENUINE", "ALREADY_DISPENSED", "UNKNOWN_SERIAL"]
    assert result.refusals == ["DrugProvenanceBatchRecalled", "DrugProvenanceBatchRecalled"]
    assert "a pack scans as RECALLED" in result.story[-2]
    assert {
        "commissionBatch (200 units)",
        "ship",
        "receiveShipment (first units)",
        "dispense (8-level batch proof, 5-level shipment proof)",
        "recall (regulator)",
    } <= set(result.gas)
    assert result.epcis_path.exists() and (tmp_path / "A2606.proofs.json").exists()

    assert all(problems == [] for problems in validate_all(result.epcis).values())
    steps = [e["bizStep"] for e in result.epcis["epcisBody"]["eventList"]]
    assert steps == ["commissioning", "shipping", "receiving", "shipping", "receiving", "dispensing"]
    assert UnitStatus.ALREADY_DISPENSED.label == "already dispensed"
