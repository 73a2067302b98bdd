"""The exchange section of the demo, run in-process on the test chain as medchain_dev.demo calls it: after the
records section has anchored the encounter (a Merkle batch) and amended its glucose result."""

from __future__ import annotations

import json
from types import SimpleNamespace

from fhir.resources.bundle import Bundle

from medchain.access import Role
from medchain.consent import CLINICAL_CATEGORIES, Purpose
from medchain.deployment import deploy_suite
from medchain.records.anchoring import SaltStore, amend_record, anchor_records
from medchain.records.receipts import Receipt
from medchain_dev.demo.exchange import REFERRAL_NAME, run_exchange_demo
from medchain_dev.demo.samples import encounter_bundle, write_entries
from tests.conftest import as_sdk, credential_for


def test_exchange_demo(project, chain, accounts, governance, tmp_path):
    hospital, patient, referral = accounts[1], accounts[8], accounts[11]
    deployed = deploy_suite(
        project=project,
        provider=chain.provider,
        deployer=governance,
        governance=governance.address,
        admin_delay=0,
        path=tmp_path / "local.json",
        network="ethereum:local",
        fresh=True,
    )
    manifest = deployed.manifest
    registry = project.ConsortiumRegistry.at(manifest.address_of("ConsortiumRegistry"))
    registry.registerMember(hospital, Role.PROVIDER.id, credential_for(Role.PROVIDER), sender=governance)
    consent = project.ConsentRegistry.at(manifest.address_of("ConsentRegistry"))
    consent.grant(
        patient, hospital, int(Purpose.TREAT), int(CLINICAL_CATEGORIES), chain.pending_timestamp + 10**6, sender=patient
    )  # the patient's own hospital, as in the consent section
    anchor = project.RecordAnchor.at(manifest.address_of("RecordAnchor"))
    records = write_entries(encounter_bundle(), tmp_path / "records")
    salts = SaltStore(tmp_path / "hospital-salts.json")
    anchor_records(
        anchor_contract=as_sdk(anchor, hospital),
        paths=[tmp_path / "records"],
        out_dir=tmp_path / "receipts",
        salt_store=salts,
        base=tmp_path / "records",
        batch_threshold=2,
    )
    glucose = records[2]
    corrected = glucose.with_name(glucose.stem + "-corrected.json")
    data = json.loads(glucose.read_text())
    data["status"] = "corrected"
    corrected.write_text(json.dumps(data))
    amend_record(
        anchor_contract=as_sdk(anchor, hospital),
        old_receipt=Receipt.load(tmp_path / "receipts" / glucose.with_suffix(".receipt.json").name),
        new_record=corrected,
        salt_store=salts,
        out=tmp_path / "receipts" / corrected.with_suffix(".receipt.json").name,
    )

    report = SimpleNamespace(story=["earlier sections"], gas={"earlier": 1})
    result = run_exchange_demo(
        report,
        provider=chain.provider,
        manifest=manifest,
        governance=governance,
        hospital=hospital,
        patient=patient,
        referral=referral,
        workdir=tmp_path,
    )

    assert report.story == ["earlier sections", *result.story] and report.gas["earlier"] == 1
    assert len(result.refusals) == 2
    assert "has no consent on record for" in result.refusals[0] and "01-Encounter.json" in result.refusals[0]
    assert "has no consent on record for" in result.refusals[1] and "corrected" in result.refusals[1]
    assert [json.loads(p.read_text())["resourceType"] for p in result.received] == [
        "Encounter",
        "Observation",
        "Condition",
        "MedicationRequest",
        "Observation",
    ]
    assert all(p.name.startswith("record-") and len(p.stem) == len("record-") + 64 for p in result.received), (
        "received files are named after the record hash only"
    )
    assert [json.loads(p.read_text()) for p in result.received] == [
        json.loads(p.read_text()) for p in (records[0], records[1], records[3], records[4], corrected)
    ]
    assert [d.recipient for d in result.accounting] == [referral.address] * 5
    assert len({d.tx for d in result.accounting}) == 2, "both shares are in the patient's accounting"
    assert {"setEncryptionKey", "logDisclosures (4 records)", "logDisclosure", "setEncryptionKey (rotation)"} <= set(
        report.gas
    )
    bundle = Bundle.model_validate(json.loads(result.fhir_path.read_text()))
    assert len(bundle.entry) == 5
    text = "\n".join(result.story)
    assert "an envelope wrapped to the old key still opens and checks out (earlier key)" in text
    assert f"5 records disclosed to {REFERRAL_NAME} for TREAT, in the 2 shares (4 and 1 records)" in text
