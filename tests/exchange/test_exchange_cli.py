"""`ape run exchange ...` end to end, as hospitals and patients would run it: keyfile accounts on a
consortium node (a standalone anvil), the deployment read from its manifest."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from fhir.resources.bundle import Bundle

from medchain.access import Role
from medchain_dev.demo.samples import encounter_bundle, write_entries
from tests.operator import deployed_consortium, register

PASSPHRASE = "keyring passphrase of the referral hospital"


@pytest.fixture(scope="module")
def deployed(tmp_path_factory, project):
    """The suite on a consortium node; `hospital` and `referral` are providers, `patient` is a patient."""
    with deployed_consortium(tmp_path_factory, project, aliases=("deployer", "hospital", "patient", "referral")) as (
        op,
        manifest,
    ):
        register(op, manifest, project, {"referral": (op.keys["referral"].address, Role.PROVIDER)})
        yield op, manifest


def test_keys_share_receive_and_the_accounting(deployed, tmp_path, monkeypatch):
    op, manifest = deployed
    monkeypatch.setenv("MEDCHAIN_KEYRING_PASSPHRASE", PASSPHRASE)
    patient, referral = op.keys["patient"].address, op.keys["referral"].address
    m = ("--deployment", str(manifest))
    records = write_entries(encounter_bundle(7), tmp_path / "records")
    salts, receipts, store = tmp_path / "salts.json", tmp_path / "receipts", tmp_path / "envelopes"

    def ok(script, *args):
        result = op.run(script, *args, *m)
        assert result.returncode == 0, result.stdout + result.stderr
        return result.stdout

    ok(
        "records anchor",
        str(tmp_path / "records"),
        "--account",
        "hospital",
        "--yes",
        "--out",
        str(receipts),
        "--salts",
        str(salts),
    )
    out = ok("exchange keys new", "--account", "referral", "--yes", "--keyring", str(tmp_path / "referral.keys.json"))
    assert re.search(r"registered encryption key 0x0[23][0-9a-f]{64} for .* \(version 1,", out)
    assert re.search(r"version 1, set ", ok("exchange keys show", referral))

    share = (
        "exchange share",
        "--account",
        "hospital",
        "--yes",
        "--patient",
        patient,
        "--to",
        referral,
        "--purpose",
        "treat",
        "--salts",
        str(salts),
        "--receipts",
        str(receipts),
        "--store",
        str(store),
        *map(str, records[:3]),
    )
    refused = op.run(*share, *m)
    assert refused.returncode != 0
    assert "REFUSED" in refused.stderr and "has no consent on record for" in refused.stderr
    assert not store.exists(), "nothing encrypted or stored before the checks pass"

    ok(
        "consent grant",
        "--account",
        "patient",
        "--yes",
        "--grantee",
        referral,
        "--purpose",
        "treat",
        "--category",
        "all",
        "--until",
        "+30d",
    )
    out = ok(*share)
    ids = re.findall(r"envelope ([0-9a-f]{64}) ", out)
    assert len(ids) == 3 and "shared 3 record(s)" in out and "1 transaction(s)" in out

    received = tmp_path / "received"
    out = ok(
        "exchange receive",
        ids[0],
        "--account",
        "referral",
        "--keyring",
        str(tmp_path / "referral.keys.json"),
        "--store",
        str(store),
        "--out",
        str(received),
    )
    assert "ANCHORED" in out
    written = Path(re.search(r"^VERIFIED (\S+\.json):", out, re.MULTILINE).group(1))
    assert json.loads(written.read_text()) in [json.loads(p.read_text()) for p in records]
    ok(
        "records verify", str(written), "--receipt", str(written.with_suffix(".receipt.json"))
    )  # the receipt carries the salt

    envelope = next(store.rglob(ids[1]))
    tampered = tmp_path / "tampered.json"
    doc = json.loads(envelope.read_text())
    doc["ciphertext"] = ("B" if doc["ciphertext"][0] != "B" else "C") + doc["ciphertext"][1:]
    tampered.write_text(json.dumps(doc))
    result = op.run(
        "exchange receive",
        str(tampered),
        "--account",
        "referral",
        "--keyring",
        str(tmp_path / "referral.keys.json"),
        "--out",
        str(received),
        *m,
    )
    assert result.returncode != 0 and "the ciphertext fails authentication" in result.stderr

    fhir = tmp_path / "accounting.json"
    out = ok("exchange disclosures", "--patient", patient, "--fhir", str(fhir))
    assert f"3 disclosure(s) of patient {patient}'s records" in out
    assert out.count(f"to {referral}") == 3 and out.count("TREAT") == 3
    bundle = Bundle.model_validate(json.loads(fhir.read_text()))
    assert [e.resource.get_resource_type() for e in bundle.entry] == ["AuditEvent"] * 3
