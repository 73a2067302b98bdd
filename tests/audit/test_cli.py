"""`ape run audit` against a consortium node, as an auditor would run it."""

from __future__ import annotations

import json

import pytest

from tests.operator import deployed_consortium


@pytest.fixture(scope="module")
def consortium(tmp_path_factory, project):
    with deployed_consortium(tmp_path_factory, project) as (op, manifest):
        yield op, manifest, tmp_path_factory.mktemp("auditor")


def test_sync_check_report_and_privacy_scan_from_the_command_line(consortium):
    op, manifest, work = consortium
    db = f"sqlite:///{work / 'index.sqlite'}"
    common = ["--deployment", str(manifest), "--db", db]

    out = op.run("audit sync", *common, "--confirmations", "1")
    assert out.returncode == 0, out.stdout + out.stderr
    assert "new events (2 unconfirmed)" in out.stdout, "the hospital's registration (2 events) is in the last block"
    again = op.run("audit sync", *common)
    assert again.returncode == 0 and "index:" in again.stdout, again.stderr

    out = op.run("audit check", *common, "--format", "json")
    assert out.returncode == 0, out.stdout + out.stderr
    doc = json.loads(out.stdout[out.stdout.index("{") :])  # ape logs its connection line first
    assert doc["findings"] == [] and doc["verdict"] == "ok" and doc["covered"]["events"] > 0

    out = op.run("audit report", *common, "--out", str(work / "report.html"))
    assert out.returncode == 0, out.stderr
    assert "chart-custody" in (work / "report.html").read_text()

    pii = work / "pii.txt"
    pii.write_text("name: Maria Lopez\nssn: 078-05-1120\n")
    out = op.run("audit privacy-scan", "--deployment", str(manifest), "--pii", str(pii))
    assert out.returncode == 0 and "CLEAN" in out.stdout, out.stdout + out.stderr

    hospital = op.keys["hospital"].address
    out = op.run("audit trail", "--provider", hospital, *common, network=False)
    assert out.returncode == 0 and "MemberRegistered" in out.stdout, out.stderr


def test_cli_refuses_a_missing_index_and_bad_pii(consortium):
    op, manifest, work = consortium
    out = op.run(
        "audit trail",
        "--patient",
        "0x" + "11" * 20,
        "--deployment",
        str(manifest),
        "--db",
        f"sqlite:///{work / 'empty.sqlite'}",
        network=False,
    )
    assert out.returncode != 0 and "no index at" in out.stderr and "run `ape run audit sync` first" in out.stderr
    assert not (work / "empty.sqlite").exists(), "a reading command never creates a database"
    bad = work / "bad.json"
    bad.write_text('{"name": "not a list"}')
    out = op.run("audit privacy-scan", "--deployment", str(manifest), "--pii", str(bad))
    assert out.returncode != 0 and "name: expected a list of strings" in out.stdout + out.stderr
