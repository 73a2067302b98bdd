"""What an auditor can rely on: a check over no data never passes, every verdict says what it covered,
reading commands never create a database, reports and record verdicts stay readable, and no error
message echoes a database password."""

from __future__ import annotations

import json
import shutil
import sqlite3

import pytest

from medchain.audit import Store, StoreError
from medchain.audit.checks import render_findings, rule_coverage, run_checks
from medchain.audit.records import render_checks, verify_records
from medchain.audit.report import build_report
from medchain.audit.store import redact
from medchain_dev.toolchain import PROJECT_ROOT
from tests.audit.test_outputs import ape_run


def test_a_check_over_an_index_never_synced_says_no_data_and_exits_2(scenario, tmp_path):
    url = f"sqlite:///{tmp_path / 'never.sqlite'}"
    with Store(url) as store:  # created (as sync would) but never synced
        coverage = store.coverage()
        text = render_findings([], "text", coverage, rule_coverage(store))
    assert coverage.empty and text.startswith("NO DATA") and "[ok]" not in text and "0 violation" not in text
    out = ape_run("check", "--deployment", str(scenario.manifest), "--db", url, "--rpc", scenario.url)
    assert out.returncode == 2 and "NO DATA" in out.stdout, out.stdout + out.stderr


def test_every_verdict_says_what_it_covered(scenario):
    with Store(scenario.db_url) as store:
        coverage, covered = store.coverage(), rule_coverage(store)
        findings = run_checks(store, None, scenario.suite)
    text = render_findings(findings, "text", coverage, covered)
    assert (
        text.splitlines()[0] == f"covered: {coverage.events:,} event(s) of {coverage.synced_contracts} "
        f"contract(s), blocks {coverage.first_block} to {coverage.synced_to}"
    )
    rules = [line for line in text.splitlines() if line.startswith("[")]
    assert len(rules) == 5 and all(" examined)" in line for line in rules)
    assert "1 rejected claim(s) examined" in text or "rejected claim(s) examined" in text
    doc = json.loads(render_findings(findings, "json", coverage, covered))
    assert doc["covered"]["events"] == coverage.events and doc["verdict"] in ("ok", "violations")


def test_reading_commands_never_create_a_database(scenario, tmp_path):
    relative = "no-such-dir/never.sqlite"
    for mode in ("ro", "rw"):
        with pytest.raises(StoreError, match="no index at .*nothing was created"):
            Store(f"sqlite:///{tmp_path / 'absent.sqlite'}", mode=mode)
    assert list(tmp_path.iterdir()) == []
    out = ape_run(
        "trail",
        "--patient",
        scenario.patient_b.address,
        "--deployment",
        str(scenario.manifest),
        "--db",
        f"sqlite:///{relative}",
    )
    assert out.returncode != 0 and "no index at" in out.stderr, out.stdout + out.stderr
    assert not (PROJECT_ROOT / "no-such-dir").exists(), "a relative --db created a folder inside the project"
    copy = scenario.copy_db(tmp_path)
    before = (tmp_path / "copy.sqlite").read_bytes()
    with Store(copy, mode="ro") as store:
        assert store.count() > 0
        with pytest.raises(sqlite3.OperationalError, match="readonly"):
            store.conn.execute("DELETE FROM events")
    assert (tmp_path / "copy.sqlite").read_bytes() == before


def test_the_report_of_an_empty_index_never_shows_none(scenario, tmp_path):
    with Store(f"sqlite:///{tmp_path / 'empty.sqlite'}") as store:
        page = build_report(store, scenario.suite, [])
    assert "None" not in page and "not synced yet" in page


def test_verify_records_against_a_big_receipts_folder_shows_the_verdicts_first(scenario, tmp_path):
    records = tmp_path / "records"
    records.mkdir()
    chosen = sorted((scenario.workdir / "records").glob("0[12]-*.json"))
    for path in chosen:
        shutil.copy(path, records / path.name)
    receipts = tmp_path / "receipts"  # the provider's whole receipts folder: many more receipts than records
    shutil.copytree(scenario.workdir / "receipts", receipts)
    some = sorted(receipts.rglob("*.receipt.json"))[0]
    for n in range(40):
        shutil.copy(some, receipts / f"zz-{n:03d}.receipt.json")
    with Store(scenario.db_url, mode="ro") as store:
        checks = verify_records(store, scenario.suite, records, receipts, scenario.workdir / "hospital-salts.json")
    text = render_checks(checks)
    lines = text.splitlines()
    orphans = sum(1 for c in checks if "has no record file" in c.detail)
    assert orphans > 40
    assert [line.split()[0] for line in lines[2 : 2 + len(chosen)]] == [p.name for p in chosen], "verdicts first"
    assert f"{orphans:,} receipt(s) have no record file" in text
    assert sum("has no record file" in line for line in lines) == 5, "only the first few are named"
    assert sum("has no record file" in line for line in render_checks(checks, list_all=True).splitlines()) == orphans


@pytest.mark.parametrize(
    "url",
    [
        "postgresql://auditor:s3cret-pw@db.example:5432/audit",
        "mysql://auditor:s3cret-pw@db.example/audit",
        "oracle:auditor/s3cret-pw@db",
    ],
)
def test_an_unsupported_database_url_never_echoes_its_password(url):
    with pytest.raises(StoreError) as refused:
        Store(url)
    assert "s3cret-pw" not in str(refused.value) and "db.example" in str(refused.value) or "***" in str(refused.value)
    assert "s3cret" not in redact(url)


def test_the_privacy_scan_finds_what_a_careless_integrator_would_write_and_scans_incrementally(
    scenario, chain, tmp_path
):
    import base64
    import hashlib

    from eth_utils import keccak

    from medchain.audit import Rpc
    from medchain.audit.privacy import Identifier, scan

    anchor = scenario.contracts["RecordAnchor"]
    rpc = Rpc(scenario.url)
    pii = [Identifier("name", "Maria Lopez"), Identifier("birth_date", "1985-03-14")]
    copy = scenario.copy_db(tmp_path)
    with chain.isolate():
        with Store(copy, mode="rw") as store:
            clean, stats = scan(rpc, scenario.suite, pii, store=store)
            assert clean == [] and stats["from_block"] == scenario.suite.first_block
            head = stats["to_block"]
        planted = {
            "utf-16le": "Maria Lopez".encode("utf-16le"),
            "base64": base64.b64encode(b"Maria Lopez"),
            "date as 03/14/1985": b"03/14/1985",
        }
        base = bytes(anchor.anchor.as_transaction(keccak(text="x"), sender=scenario.hospital).data)
        for extra in planted.values():  # appended to an ordinary call: Solidity ignores extra calldata
            rpc.call(
                "eth_sendTransaction",
                [{"from": scenario.hospital.address, "to": anchor.address, "data": "0x" + (base + extra).hex()}],
            )
        anchor.anchor(keccak(text="Maria Lopez|1985-03-14"), sender=scenario.hospital)  # a "pseudonymous key"
        anchor.anchor(hashlib.sha256(b"maria lopez,03/14/1985").digest(), sender=scenario.hospital)
        with Store(copy, mode="rw") as store:
            hits, stats = scan(rpc, scenario.suite, pii, store=store)
            again, stats_again = scan(rpc, scenario.suite, pii, store=store)
    assert stats["from_block"] == head + 1, "only the blocks after the last scan are read"
    encodings = {h.encoding for h in hits}
    assert "utf-16le" in encodings and "base64" in encodings
    assert any("'03/14/1985'" in e for e in encodings)
    assert any(e.startswith("keccak256 of name|birth_date") for e in encodings)
    assert any(e.startswith("sha256 of name,birth_date") for e in encodings)
    assert stats_again["blocks"] == 0 and {h.encoding for h in again} == encodings, "earlier hits are kept"
