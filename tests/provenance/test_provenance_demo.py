"""The provenance section of the demo, run in-process on the test chain as medchain.demo will call it."""

from __future__ import annotations

import json

from medchain.provenance import UnitStatus, validate
from medchain.provenance.demo import run_provenance_demo
from tests.provenance.test_epcis import SCHEMA_PATH


def test_provenance_demo(chain, provenance, governance, manufacturer, distributor, pharmacy, regulator, tmp_path):
    result = run_provenance_demo(provenance=provenance, provider=chain.provider, governance=governance,
                                 manufacturer=manufacturer,
                                 distributor=distributor, pharmacy=pharmacy, regulator=regulator, workdir=tmp_path)
    assert "prefix 9506000 to the manufacturer" in result.story[0]
    assert [verdict for _, verdict in result.scans] == ["GENUINE", "ALREADY_DISPENSED", "UNKNOWN_SERIAL"]
    assert result.refusals == ["DrugProvenanceBatchRecalled", "DrugProvenanceBatchRecalled"]
    assert "a pack scans as RECALLED" in result.story[-2]
    assert {"commissionBatch (200 units)", "ship", "receiveShipment (first units)", "dispense (8-level proof)",
            "recall (regulator)"} <= set(result.gas)
    assert result.epcis_path.exists() and (tmp_path / "A2606.proofs.json").exists()

    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    assert validate(result.epcis, schema) == []
    steps = [e["bizStep"] for e in result.epcis["epcisBody"]["eventList"]]
    assert steps == ["commissioning", "shipping", "receiving", "shipping", "receiving", "dispensing"]
    assert UnitStatus.ALREADY_DISPENSED.label == "already dispensed"
