"""The privacy scan, the HTML report (rendered in headless Chromium), record re-verification, the demo's
audit step and the command line."""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
import subprocess

import pytest
from eth_utils import keccak

from medchain.access import reason_code
from medchain.audit import Rpc, Store
from medchain.audit.checks import run_checks
from medchain.audit.privacy import Identifier, PiiError, load_pii, needles, render_hits, scan
from medchain.audit.records import render_checks, verify_records
from medchain.audit.report import build_report, write_report
from medchain_dev.demo.audit import demo_pii
from medchain_dev.toolchain import PROJECT_ROOT

from .conftest import chromium

CHARTS = ["chart-claims-outcomes", "chart-payouts", "chart-denial-reasons", "chart-consents", "chart-custody"]


def identifiers(data):
    return [Identifier(kind, value) for kind, values in data.items() for value in values]


# ---------------------------------------------------------------------------------------------
# Privacy scan


def test_the_demo_leaves_no_personal_identifier_on_chain(scenario):
    hits, stats = scan(Rpc(scenario.url), scenario.suite, identifiers(demo_pii()))
    assert hits == []
    assert stats["transactions"] > 40 and stats["logs"] > 50 and stats["needles"] > 300
    assert "CLEAN" in render_hits(hits, stats, identifiers(demo_pii()))
    assert any("privacy scan" in line and "CLEAN, none found" in line for line in scenario.demo.story)


def test_a_leaky_transaction_is_found_in_every_encoding_planted(scenario, chain):
    anchor = scenario.contracts["RecordAnchor"]
    consent = scenario.contracts["ConsentRegistry"]
    rpc = Rpc(scenario.url)
    with chain.isolate():
        # 1. an unsalted hash of an SSN used as a record hash (lands in a log topic and in calldata)
        anchor.anchor(keccak(text="078-05-1120"), sender=scenario.hospital)
        # 2. a client that appends the patient's name to an ordinary call (Solidity ignores extra calldata)
        calldata = anchor.anchor.as_transaction(keccak(text="x"), sender=scenario.hospital).data
        leaky = "0x" + bytes(calldata).hex() + b"Maria Lopez".hex()
        rpc.call("eth_sendTransaction", [{"from": scenario.hospital.address, "to": anchor.address, "data": leaky}])
        # 3. a "reason code" that is really a name (it passes the code format: upper case and underscores)
        consent.breakGlass(scenario.patient_a, reason_code("MARIA_LOPEZ"), sender=scenario.hospital)
        pii = {"name": ["Maria Lopez"], "ssn": ["078-05-1120"], "birth_date": ["1984-03-12"]}
        hits, _ = scan(rpc, scenario.suite, identifiers(pii))
    found = {(h.identifier.value, h.encoding, h.where) for h in hits}
    assert ("078-05-1120", "keccak256", "log") in found and ("078-05-1120", "keccak256", "tx") in found
    assert ("Maria Lopez", "utf-8", "tx") in found
    assert ("Maria Lopez", "utf-8", "log") in found, "the reason code in EmergencyAccessed's data"
    assert not [h for h in hits if h.identifier.value == "1984-03-12"]
    text = render_hits(hits, {"needles": 1, "transactions": 1, "logs": 1, "blocks": 1}, [])
    assert "FOUND" in text and "Maria Lopez" not in text, "identifiers are masked in the output"
    assert "RecordAnchor.anchor, calldata byte 36" in text


def test_encodings_of_an_identifier():
    found = {n.encoding: n for n in needles(Identifier("birth_date", "1984-03-12"))}
    assert (
        found["unix time (uint256)"].pattern == f"{int(dt.datetime(1984, 3, 12, tzinfo=dt.UTC).timestamp()):064x}"
        and found["unix time (uint256)"].word
    )
    assert found["YYYYMMDD (uint256)"].pattern == f"{19840312:064x}"
    ssn = {(n.encoding, n.pattern) for n in needles(Identifier("ssn", "078-05-1120"))}
    assert ("uint256", f"{78051120:064x}") in ssn, "digits only, as a number"
    assert ("keccak256", keccak(text="078051120").hex()) in ssn
    assert ("hex-text", b"078-05-1120".hex().encode().hex()) in ssn
    short = {n.encoding for n in needles(Identifier("name", "Al"))}
    assert "utf-8" not in short and "utf-8 (padded word)" in short, "2 bytes only as a whole padded word"


def test_pii_files(tmp_path):
    (tmp_path / "p.json").write_text(json.dumps({"name": ["Maria Lopez"], "ssn": ["078-05-1120"]}))
    assert load_pii(tmp_path / "p.json") == [Identifier("name", "Maria Lopez"), Identifier("ssn", "078-05-1120")]
    (tmp_path / "p.txt").write_text("# patients\nname: Maria Lopez\nallergic to penicillin\n")
    assert load_pii(tmp_path / "p.txt") == [
        Identifier("name", "Maria Lopez"),
        Identifier("text", "allergic to penicillin"),
    ]
    (tmp_path / "bad.json").write_text(json.dumps({"name": "Maria"}))
    with pytest.raises(PiiError, match="name: expected a list of strings"):
        load_pii(tmp_path / "bad.json")
    with pytest.raises(PiiError, match="no such PII file"):
        load_pii(tmp_path / "none.json")


# ---------------------------------------------------------------------------------------------
# Report


@pytest.fixture(scope="module")
def report_file(scenario, tmp_path_factory):
    with Store(scenario.db_url) as store:
        findings = run_checks(store, Rpc(scenario.url), scenario.suite)
        return write_report(tmp_path_factory.mktemp("report") / "report.html", store, scenario.suite, findings)


def test_report_is_self_contained_with_charts_findings_and_identity(scenario, report_file):
    page = report_file.read_text()
    for chart in CHARTS:
        start = page.index(f'id="{chart}"')
        assert "<svg" in page[start : start + 400], chart
    assert not re.search(r"(href|src)=[\"']?(https?:|//)|url\((?!#)|@import", page), "nothing is fetched"
    assert "<script" not in page and "<link" not in page and "<img" not in page
    assert (
        str(scenario.suite.chain_id) in page
        and scenario.suite.manifest.contracts["ClaimSettlement"].address.lower() in page
    )
    assert "suspended-with-open-claims" in page and "WARNING" in page and "LICENCE_REVOKED" in page
    assert "Recalls" in page and "RECALL" not in page.split("Recalls")[1][:30]


def test_report_of_an_empty_index_still_renders(scenario, tmp_path):
    with Store(f"sqlite:///{tmp_path / 'empty.sqlite'}") as store:
        page = build_report(store, scenario.suite, [])
    assert all(f'id="{chart}"' in page for chart in CHARTS) and "no claims" in page


@pytest.mark.skipif(
    chromium() is None,
    reason="Debian's chromium is not installed (apt-get install chromium): "
    "the report cannot be rendered in a browser here",
)
def test_report_renders_in_headless_chromium(report_file, tmp_path):
    browser = chromium()
    flags = [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--no-first-run",
        f"--user-data-dir={tmp_path / 'profile'}",
    ]
    dom = subprocess.run(
        [browser, *flags, "--dump-dom", report_file.as_uri()], capture_output=True, text=True, timeout=120
    )
    assert dom.returncode == 0, dom.stderr[-2000:]
    for chart in CHARTS:
        start = dom.stdout.index(f'id="{chart}"')
        assert "<svg" in dom.stdout[start : start + 400], f"{chart} has no rendered svg"
    shot = tmp_path / "report.png"
    subprocess.run(
        [browser, *flags, "--window-size=1100,3000", f"--screenshot={shot}", report_file.as_uri()],
        capture_output=True,
        timeout=120,
        check=True,
    )
    png = shot.read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 50_000, "a page with charts, not a blank one"


# ---------------------------------------------------------------------------------------------
# Record re-verification


def test_verify_records_reports_tampered_missing_superseded_and_retracted(scenario, tmp_path):
    records = tmp_path / "records"
    shutil.copytree(scenario.workdir / "records", records)
    receipts = scenario.workdir / "receipts"
    salts = scenario.workdir / "hospital-salts.json"
    encounter = records / "01-Encounter.json"
    data = json.loads(encounter.read_text())
    data["status"] = "cancelled"  # changed after anchoring
    encounter.write_text(json.dumps(data))
    gone = sorted(records.glob("05-*.json"))[0]
    gone.unlink()
    (records / "99-Unanchored.json").write_text(json.dumps({"resourceType": "Observation", "status": "final"}))

    with Store(scenario.db_url) as store:
        checks = {c.record: c for c in verify_records(store, scenario.suite, records, receipts, salts)}
    status = {name: c.status for name, c in checks.items()}
    assert status["01-Encounter.json"] == "tampered"
    assert status[gone.name] == "missing" and "has no record file" in checks[gone.name].detail
    assert status["99-Unanchored.json"] == "missing" and "no receipt" in checks["99-Unanchored.json"].detail
    retracted = next(n for n in status if n.startswith("04-"))
    assert status[retracted] == "retracted"
    superseded = [n for n, s in status.items() if s == "superseded"]
    assert len(superseded) == 1 and "corrected" not in superseded[0] and "latest" in checks[superseded[0]].detail
    corrected = next(n for n in status if "corrected" in n)
    assert status[corrected] == "anchored"
    assert "1 tampered" in render_checks(list(checks.values()))


def test_verify_records_wrong_salt_and_other_chain(scenario, tmp_path):
    receipts = tmp_path / "receipts"
    shutil.copytree(scenario.workdir / "receipts", receipts)
    target = sorted(receipts.glob("01-*.receipt.json"))[0]
    data = json.loads(target.read_text())
    data["chainId"] = 1
    target.write_text(json.dumps(data))
    (tmp_path / "other-salts.json").write_text("{}")
    with Store(scenario.db_url) as store:
        checks = {
            c.record: c.status
            for c in verify_records(
                store, scenario.suite, scenario.workdir / "records", receipts, tmp_path / "other-salts.json"
            )
        }
    assert checks["01-Encounter.json"] == "wrong-chain"
    assert set(checks.values()) == {"wrong-chain", "tampered"}, "no salt reproduces any anchored hash"


# ---------------------------------------------------------------------------------------------
# The command line (the commands that need no node; sync/check/report/privacy-scan are the same
# functions, run against a node in test_cli_connected)


APE = str(PROJECT_ROOT / ".venv" / "bin" / "ape")


def ape_run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [APE, "run", "audit", *args],
        capture_output=True,
        text=True,
        cwd=PROJECT_ROOT,
        timeout=300,
        stdin=subprocess.DEVNULL,
    )


def test_cli_trail_and_verify_records(scenario):
    common = ["--deployment", str(scenario.manifest), "--db", scenario.db_url]
    out = ape_run("trail", "--patient", scenario.patient_b.address, "--format", "json", *common)
    assert out.returncode == 0, out.stderr
    assert "EmergencyAccessed" in {e["event"] for e in json.loads(out.stdout)}
    out = ape_run("trail", "--patient", scenario.patient_b.address, "--claim", "0x" + "1" * 64, *common)
    assert out.returncode != 0 and "exactly one subject" in out.stderr
    out = ape_run(
        "verify-records",
        str(scenario.workdir / "records"),
        "--receipts",
        str(scenario.workdir / "receipts"),
        "--salts",
        str(scenario.workdir / "hospital-salts.json"),
        *common,
    )
    assert out.returncode == 0, out.stdout + out.stderr
    assert "RETRACTED" in out.stdout and "SUPERSEDED" in out.stdout and "TAMPERED" not in out.stdout
