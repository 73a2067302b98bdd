"""`ape run provenance ...` end to end, on a consortium node with keyfile accounts, as operators run it."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest
from eth_account import Account
from web3 import Web3

from medchain.access import Role
from medchain.consent import Category, Purpose
from medchain.provenance import SerialProofs
from tests.operator import deployed_consortium, register, send, web3_contract
from tests.provenance.test_epcis import SCHEMA_PATH

DISTRIBUTOR = Account.create()  # only ever addressed, never signs
SCAN_BATCH = "(01)09506000134352(17)300630(10)LOTCLI"
GS = "<GS>"
POLICY = "0x" + "7e" * 32


@pytest.fixture(scope="module")
def deployed(tmp_path_factory, project):
    aliases = ("deployer", "hospital", "maker", "pharmacy", "insurer", "patient", "regulator")  # who signs here
    with deployed_consortium(tmp_path_factory, project, aliases=aliases) as (op, manifest):
        register(
            op,
            manifest,
            project,
            {
                "maker": (op.keys["maker"].address, Role.MANUFACTURER),
                "pharmacy": (op.keys["pharmacy"].address, Role.PHARMACY),
                "distributor": (DISTRIBUTOR.address, Role.DISTRIBUTOR),
                "insurer": (op.keys["insurer"].address, Role.INSURER),
                "regulator": (op.keys["regulator"].address, Role.REGULATOR),
            },
        )
        # The patient's policy with the insurer (no cost sharing), payment consent, a funded pool.
        w3 = Web3(Web3.HTTPProvider(op.node.url))
        keys, now = op.keys, w3.eth.get_block("latest")["timestamp"]
        consent, claims = (
            web3_contract(w3, project, manifest, "ConsentRegistry"),
            web3_contract(w3, project, manifest, "ClaimSettlement"),
        )
        token = web3_contract(w3, project, manifest, "TestStableToken")
        send(
            w3,
            keys["patient"],
            consent.functions.grant(
                keys["patient"].address,
                keys["insurer"].address,
                int(Purpose.HPAYMT),
                int(Category.BILLING_CLAIMS),
                now + 400 * 86400,
            ),
        )
        # The care relationship a pharmacy claim needs: the patient's TREAT consent to the pharmacy (medications).
        send(
            w3,
            keys["patient"],
            consent.functions.grant(
                keys["patient"].address,
                keys["pharmacy"].address,
                int(Purpose.TREAT),
                int(Category.MEDICATIONS),
                now + 400 * 86400,
            ),
        )
        send(
            w3,
            keys["insurer"],
            claims.functions.registerPolicy(
                bytes.fromhex(POLICY[2:]), keys["patient"].address, 10**10, 0, 0, now - 86400, now + 300 * 86400
            ),
        )
        send(w3, keys["insurer"], token.functions.mint(keys["insurer"].address, 10**9))
        send(w3, keys["insurer"], token.functions.approve(claims.address, 10**9))
        send(w3, keys["insurer"], claims.functions.fund(10**9))
        yield op, manifest


def _ok(result):
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def test_a_batch_from_commissioning_to_recall(deployed, tmp_path):
    op, manifest = deployed
    m = ["--deployment", str(manifest)]
    (tmp_path / "serials.txt").write_text("\n".join(f"CLI{n:03d}" for n in range(1, 7)) + "\n")
    proofs = tmp_path / "proofs.json"

    commission = (
        "provenance commission",
        "--account",
        "maker",
        "--yes",
        "--scan",
        SCAN_BATCH,
        "--serials",
        str(tmp_path / "serials.txt"),
        "--out",
        str(proofs),
        *m,
    )
    # Until the registry's admin assigns the brand's company prefix, nobody commissions its GTINs.
    unowned = op.run(*commission)
    assert unowned.returncode == 2 and "its company prefix is assigned to nobody" in unowned.stderr, unowned.stderr
    both = op.run(
        "provenance assign-prefix",
        "--account",
        "deployer",
        "--yes",
        "--prefix",
        "9506000",
        "--gtin",
        "09506000134352",
        "--manufacturer",
        op.keys["maker"].address,
        *m,
    )
    assert both.returncode == 2 and "exactly one of --prefix and --gtin" in both.stderr
    refused = op.run(
        "provenance assign-prefix",
        "--account",
        "maker",
        "--yes",
        "--prefix",
        "9506000",
        "--manufacturer",
        op.keys["maker"].address,
        *m,
    )
    assert refused.returncode != 0 and "DrugProvenanceNotRegistryAdmin" in refused.stdout + refused.stderr
    out = _ok(
        op.run(
            "provenance assign-prefix",
            "--account",
            "deployer",
            "--yes",
            "--prefix",
            "9506000",
            "--manufacturer",
            op.keys["maker"].address,
            *m,
        )
    )
    assert f"company prefix 9506000 (7 digits) assigned to {op.keys['maker'].address}" in out

    out = _ok(op.run(*commission))
    assert "GTIN 09506000134352 lot LOTCLI expiry 2030-06-30, 6 units" in out and proofs.exists()

    (tmp_path / "case.txt").write_text("CLI001\nCLI002\nCLI003\nCLI004\n")
    case = tmp_path / "case.shipment.json"
    out = _ok(
        op.run(
            "provenance ship",
            "--account",
            "maker",
            "--yes",
            "--batch",
            SCAN_BATCH,
            "--to",
            op.keys["pharmacy"].address,
            "--serials",
            str(tmp_path / "case.txt"),
            "--out",
            str(case),
            *m,
        )
    )
    assert re.search(r"shipped 4 units .*: shipment (0x[0-9a-f]{64})", out) and case.exists()
    assert "you now hold 4 units" in _ok(op.run("provenance receive", str(case), "--account", "pharmacy", "--yes", *m))

    pack = f"]d201095060001343521730063010LOTCLI{GS}21CLI002"
    assert "(21)CLI002: GENUINE" in _ok(op.run("provenance verify", pack, "--proofs", str(proofs), *m))
    assert "dispensed (01)09506000134352(17)300630(10)LOTCLI(21)CLI002" in _ok(
        op.run(
            "provenance dispense",
            pack,
            "--proofs",
            str(proofs),
            "--shipment",
            str(case),
            "--account",
            "pharmacy",
            "--yes",
            *m,
        )
    )
    again = op.run("provenance verify", pack, "--proofs", str(proofs), *m)
    assert again.returncode == 1 and "ALREADY_DISPENSED" in again.stdout

    # The pharmacy bills the patient's insurer for the pack it dispensed: once, and only that pack.
    (tmp_path / "codes.hex").write_text("0x" + "0c" * 32 + "\n")  # the pharmacy's codes key (never created by a claim)
    claim = (
        "claims pharmacy",
        pack,
        "--policy",
        POLICY,
        "--amount",
        "12.50",
        "--codes-key",
        str(tmp_path / "codes.hex"),
        "--account",
        "pharmacy",
        "--yes",
        *m,
    )
    out = _ok(op.run(*claim))
    assert ": Approved" in out and "payable 12.50 mUSD" in out and "pharmacy claim for a dispensed unit" in out
    twice = op.run(*claim)
    assert twice.returncode == 1, twice.stdout + twice.stderr
    assert (
        "refused by ClaimSettlement: ClaimSettlementRejected(" in twice.stderr
        and "reasonCode=18 duplicate" in twice.stderr
    )
    other = op.run(*claim[:1], f"]d201095060001343521730063010LOTCLI{GS}21CLI003", *claim[2:])
    assert other.returncode == 1 and "reasonCode=1003 unit not dispensed by this pharmacy" in other.stderr
    bad = op.run(*claim[:1], "(01)09506000134352(10)LOTCLI", *claim[2:])
    assert bad.returncode == 2 and "SCAN:" in bad.stderr and "serial (21)" in bad.stderr, bad.stderr

    # A suspect pack quarantines its batch; a second report finds it held; a regulator releases it, after
    # which only a regulator may hold it again (a holder's quarantine is refused, the refusal decoded).
    suspect = f"]d201095060001343521730063010LOTCLI{GS}21CLI004"
    out = _ok(
        op.run("provenance report", suspect, "--reason", "PACKAGING_MISMATCH", "--account", "pharmacy", "--yes", *m)
    )
    assert re.search(
        r"reported unit 0x[0-9a-f]{64} of batch 0x[0-9a-f]{64} as suspect \(PACKAGING_MISMATCH\); "
        r"the batch is now QUARANTINED",
        out,
    ), out
    out = _ok(
        op.run("provenance report", SCAN_BATCH, "--reason", "PACKAGING_MISMATCH", "--account", "pharmacy", "--yes", *m)
    )
    assert re.search(r"reported batch 0x[0-9a-f]{64} as suspect .*the batch was already held", out), out
    assert re.search(
        r"batch 0x[0-9a-f]{64} released$",
        _ok(op.run("provenance release", "--batch", SCAN_BATCH, "--account", "regulator", "--yes", *m)).strip(),
    )
    held = op.run(
        "provenance quarantine",
        "--batch",
        SCAN_BATCH,
        "--reason",
        "PACKAGING_MISMATCH",
        "--account",
        "pharmacy",
        "--yes",
        *m,
    )
    assert held.returncode == 1 and "DrugProvenanceReleasedBatch(" in held.stderr, held.stdout + held.stderr

    assert "RECALLED (CONTAMINATION)" in _ok(
        op.run(
            "provenance recall", "--batch", SCAN_BATCH, "--reason", "CONTAMINATION", "--account", "maker", "--yes", *m
        )
    )
    (tmp_path / "one.txt").write_text("CLI005\n")
    refused = op.run(
        "provenance ship",
        "--account",
        "maker",
        "--yes",
        "--batch",
        SCAN_BATCH,
        "--to",
        DISTRIBUTOR.address,
        "--serials",
        str(tmp_path / "one.txt"),
        "--out",
        str(tmp_path / "x.json"),
        *m,
    )
    assert refused.returncode != 0 and "DrugProvenanceBatchRecalled" in refused.stdout + refused.stderr

    trail = tmp_path / "trail.jsonld"
    result = op.run(
        "provenance trace",
        "--batch",
        SCAN_BATCH,
        "--out",
        str(trail),
        "--proofs",
        str(proofs),
        "--schema",
        str(SCHEMA_PATH),
        "--page",
        "3",
        *m,
    )
    assert result.returncode == 0 and "valid against" in result.stderr, result.stdout + result.stderr
    steps = [e["bizStep"] for e in json.loads(trail.read_text())["epcisBody"]["eventList"]]
    assert steps == [
        "commissioning",
        "shipping",
        "receiving",
        "dispensing",
        "inspecting",
        "holding",
        "inspecting",
        "inspecting",
        "decommissioning",
    ]


def test_a_bad_check_digit_is_refused_before_anything_is_sent(deployed, tmp_path):
    op, manifest = deployed
    proofs = tmp_path / "p.json"
    SerialProofs.build("09506000134352", "LOTCLI", dt.date(2030, 6, 30), ["CLI001"]).save(proofs)
    result = op.run(
        "provenance dispense",
        "(01)09506000134353(17)300630(10)LOTCLI(21)CLI001",
        "--proofs",
        str(proofs),
        "--shipment",
        str(tmp_path / "none.json"),
        "--account",
        "pharmacy",
        "--yes",
        "--deployment",
        str(manifest),
    )
    assert result.returncode == 2 and "GTIN (01): 09506000134353 has check digit 3, expected 2" in result.stderr
