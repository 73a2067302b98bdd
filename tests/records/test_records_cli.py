"""`ape run records anchor` and `ape run verify` end to end, on a consortium node with keyfile accounts."""

from __future__ import annotations

import pytest

from medchain_dev.demo.samples import encounter_bundle, write_entries
from tests.operator import deployed_consortium


@pytest.fixture(scope="module")
def deployed(tmp_path_factory, project):
    with deployed_consortium(tmp_path_factory, project, aliases=("deployer", "hospital")) as (op, manifest):
        yield op, manifest


def test_anchor_resume_and_verify(deployed, tmp_path):
    op, manifest = deployed
    records = write_entries(encounter_bundle(seed=3), tmp_path / "records")
    common = [
        "--batch-threshold",
        "2",
        "--out",
        str(tmp_path / "receipts"),
        "--salts",
        str(tmp_path / "salts.json"),
        "--deployment",
        str(manifest),
    ]

    result = op.run("records anchor", str(tmp_path / "records"), "--account", "hospital", "--yes", *common)
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"anchored {len(records)}, recovered 0, already done 0" in result.stdout
    assert "anchoring a batch of 5 records" in result.stdout

    result = op.run("records anchor", str(tmp_path / "records"), "--account", "hospital", "--yes", *common)
    assert result.returncode == 0 and f"anchored 0, recovered 0, already done {len(records)}" in result.stdout

    receipt = tmp_path / "receipts" / records[1].with_suffix(".receipt.json").name
    verify = ["--receipt", str(receipt), "--salts", str(tmp_path / "salts.json"), "--deployment", str(manifest)]
    result = op.run("records verify", str(records[1]), *verify)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "ANCHORED: anchored by " + op.keys["hospital"].address in result.stdout

    records[1].write_text(records[1].read_text().replace("final", "finaL"))
    result = op.run(
        "records verify",
        str(records[1]),
        "--salt",
        "0x" + "00" * 32,
        "--receipt",
        str(receipt),
        "--deployment",
        str(manifest),
    )
    assert result.returncode == 1 and "DOES NOT MATCH" in result.stdout


@pytest.mark.parametrize(
    "args, message",
    [
        (["verify", "missing.json", "--receipt", "r.json", "--salt", "0x00"], "missing.json: no such file"),
        (["anchor", "nowhere/", "--account", "hospital", "--yes"], "nowhere: no such file or folder"),
    ],
    ids=["verify-missing-record", "anchor-missing-folder"],
)
def test_bad_input_is_named(deployed, args, message):
    op, manifest = deployed
    result = op.run(f"records {args[0]}", *args[1:], "--deployment", str(manifest))
    assert result.returncode != 0
    assert message in result.stdout + result.stderr
