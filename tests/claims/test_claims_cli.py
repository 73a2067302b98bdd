"""`ape run claims submit` and `ape run claims` end to end, as an insurer and a hospital would run them
against a consortium node with keyfile accounts. The tests follow one story, in file order."""

from __future__ import annotations

import json

import pytest
from web3 import Web3

from medchain.access import Role
from medchain.consent import Category, Purpose
from medchain.records.receipts import Receipt
from tests.operator import CONSORTIUM_CHAIN_ID, deployed_consortium, register
from tests.operator import send as _send
from tests.operator import web3_contract as _contract

POLICY = "0x" + "5a" * 32
HEADER = "claim_ref,policy_id,provider,service_date,amount,line_items,evidence"


@pytest.fixture(scope="module")
def story(tmp_path_factory, project):
    """Insurer registered, patient consented, hospital evidence anchored with receipts on disk."""
    aliases = ("deployer", "hospital", "insurer", "patient")
    with deployed_consortium(tmp_path_factory, project, aliases=aliases) as (op, manifest):
        w3 = Web3(Web3.HTTPProvider(op.node.url))
        keys = op.keys
        register(op, manifest, project, {"insurer": (keys["insurer"].address, Role.INSURER)})
        consent = _contract(w3, project, manifest, "ConsentRegistry")
        now = w3.eth.get_block("latest")["timestamp"]
        _send(
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
        # The care relationship a claim needs: the patient's TREAT consent to the hospital (encounters).
        _send(
            w3,
            keys["patient"],
            consent.functions.grant(
                keys["patient"].address,
                keys["hospital"].address,
                int(Purpose.TREAT),
                int(Category.ENCOUNTERS),
                now + 400 * 86400,
            ),
        )
        token = _contract(w3, project, manifest, "TestStableToken")
        _send(w3, keys["insurer"], token.functions.mint(keys["insurer"].address, 1_500 * 10**6))
        anchor = _contract(w3, project, manifest, "RecordAnchor")
        folder = tmp_path_factory.mktemp("insurer")
        for n in range(4):
            record = Web3.keccak(text=f"cli evidence {n}")
            receipt = _send(w3, keys["hospital"], anchor.functions.anchor(record))
            Receipt(
                record_hash=bytes(record),
                chain_id=CONSORTIUM_CHAIN_ID,
                contract=anchor.address,
                tx=receipt["transactionHash"].to_0x_hex(),
                block=receipt["blockNumber"],
                provider=keys["hospital"].address,
                anchored_at=now,
            ).save(folder / f"ev{n}.json")
        yield {"op": op, "manifest": str(manifest), "w3": w3, "folder": folder, "now": now, "anchor": anchor}


def ape(story, *args):
    result = story["op"].run(*args, "--deployment", story["manifest"])
    return result.returncode, result.stdout + result.stderr


def test_the_insurer_registers_a_policy_and_funds_its_pool(story):
    patient = story["op"].keys["patient"].address
    code, out = ape(
        story,
        "claims policy",
        "--account",
        "insurer",
        "--yes",
        "--patient",
        patient,
        "--limit",
        "5000",
        "--deductible",
        "100",
        "--coinsurance",
        "20%",
        "--from",
        str(story["now"] - 60 * 86400),
        "--until",
        str(story["now"] + 300 * 86400),
        "--policy-id",
        POLICY,
    )
    assert code == 0, out
    assert f"policy {POLICY} registered for {patient}: limit 5000.00 mUSD a year, deductible 100.00 mUSD" in out
    code, out = ape(story, "claims fund", "--account", "insurer", "--yes", "--amount", "1000")
    assert code == 0, out
    assert "available 1000.00 mUSD, reserved 0.00 mUSD" in out
    code, out = ape(story, "claims fund", "--account", "insurer", "--yes", "--amount", "900")
    assert code != 0 and "holds 500.00 mUSD, not 900.00 mUSD" in out
    code, out = ape(
        story,
        "claims policy",
        "--account",
        "insurer",
        "--yes",
        "--patient",
        patient,
        "--limit",
        "ten",
        "--from",
        "2026-01-01",
        "--until",
        "2027-01-01",
    )
    assert code != 0 and "'--limit': 'ten' is not an amount of tokens" in out


def _claims_file(story, *extra):
    hospital = story["op"].keys["hospital"].address
    day = story["now"] - 5 * 86400
    # Three services on three days (the same service twice on one day would be one claim).
    rows = [f"c-{n},{POLICY},{hospital},{day + n * 86400},{300 + n},99213@{300 + n},ev{n}.json" for n in range(3)]
    path = story["folder"] / "claims.csv"
    path.write_text("\n".join([HEADER, *rows, *extra]) + "\n")
    return path


def test_the_codes_key_is_never_created_by_a_run_and_keygen_creates_it_once(story):
    path = _claims_file(story, f"bad,{POLICY},{story['op'].keys['hospital'].address},2026-13-40,50,X@50,ev3.json")
    key = story["folder"] / "key.hex"
    for extra in ((), ("--dry-run",)):
        code, out = ape(
            story, "claims submit", str(path), "--account", "insurer", "--yes", "--codes-key", str(key), *extra
        )
        assert code != 0 and "no codes key at" in out and "claims keygen" in out, out
        assert not key.exists()
    code, out = ape(story, "claims keygen", "--account", "insurer", "--yes", "--out", str(key))
    assert code == 0 and "fingerprint 0x" in out and "committed on chain" in out, out
    code, out = ape(story, "claims keygen", "--account", "insurer", "--yes", "--out", str(key))
    assert code == 0 and "holds the key this insurer committed to on chain" in out, out


def test_a_codes_key_made_elsewhere_is_refused_against_the_on_chain_commitment(story):
    """Another machine, another folder, the wrong backup: the insurer's on-chain commitment is the reference."""
    other = story["folder"] / "elsewhere" / "key.hex"
    code, out = ape(story, "claims keygen", "--account", "insurer", "--yes", "--out", str(other))
    assert code != 0 and "committed to codes key 0x" in out and "restore that key" in out, out
    assert not other.exists(), "no second key is made"
    other.parent.mkdir()
    other.write_text("0x" + "42" * 32 + "\n")
    path = _claims_file(story)
    nonce = story["w3"].eth.get_transaction_count(story["op"].keys["insurer"].address)
    code, out = ape(story, "claims submit", str(path), "--account", "insurer", "--yes", "--codes-key", str(other))
    assert code != 0 and "committed on chain" in out and "Nothing was sent" in out, out
    assert story["w3"].eth.get_transaction_count(story["op"].keys["insurer"].address) == nonce, "nothing was sent"


def test_a_malformed_file_is_refused_whole_with_the_row_and_field_named(story):
    path = _claims_file(story, f"bad,{POLICY},{story['op'].keys['hospital'].address},2026-13-40,50,X@50,ev3.json")
    nonce = story["w3"].eth.get_transaction_count(story["op"].keys["insurer"].address)
    code, out = ape(
        story,
        "claims submit",
        str(path),
        "--account",
        "insurer",
        "--yes",
        "--codes-key",
        str(story["folder"] / "key.hex"),
    )
    assert code != 0
    assert f"{path}: line 5: service_date: not a date" in out
    assert story["w3"].eth.get_transaction_count(story["op"].keys["insurer"].address) == nonce, "nothing was sent"


def test_skip_invalid_submits_the_rest_and_a_rerun_sends_nothing(story):
    path = _claims_file(story, f"bad,{POLICY},{story['op'].keys['hospital'].address},2026-13-40,50,X@50,ev3.json")
    args = (
        "claims submit",
        str(path),
        "--account",
        "insurer",
        "--yes",
        "--codes-key",
        str(story["folder"] / "key.hex"),
        "--skip-invalid",
    )
    code, out = ape(story, *args)
    assert code == 0, out
    assert f"1 invalid row(s) skipped, written to {path}.rejects.csv" in out
    assert "3 claim(s) in" in out and "sent 3 in 1 transaction(s)" in out
    assert "outcomes: Approved 3" in out
    assert "reason codes: 1 deductible x1, 2 coinsurance x2" in out
    ndjson = story["folder"] / "claims.csv.responses.ndjson"
    lines = [json.loads(line) for line in ndjson.read_text().splitlines()]
    assert [(r["claim_ref"], r["status"]) for r in lines] == [
        ("c-0", "Approved"),
        ("c-1", "Approved"),
        ("c-2", "Approved"),
    ]
    assert sorted(r["reason_text"] for r in lines) == ["coinsurance", "coinsurance", "deductible"]
    assert lines[0]["billed"] == "300.00" and lines[0]["currency"] == "USD" and lines[0]["tx"].startswith("0x")
    assert not (story["folder"] / "claims.csv.responses").exists(), "FHIR files only when asked for"
    fhir = story["folder"] / "fhir"
    code, out = ape(story, *args, "--fhir-files", str(fhir))
    assert code == 0 and "sent 0 in 0 transaction(s), recovered 0, already done 3" in out
    responses = sorted(fhir.glob("*.json"))
    assert len(responses) == 3 and json.loads(responses[0].read_text())["resourceType"] == "ClaimResponse"
    assert len(ndjson.read_text().splitlines()) == 3, "a rerun writes the same lines again"


def test_status_deny_dispute_resolve_settle_and_withdraw(story):
    journal = str(story["folder"] / "claims.csv.journal.sqlite")
    code, out = ape(story, "claims status", "--journal", journal, "--pool", story["op"].keys["insurer"].address)
    assert code == 0, out
    assert out.count(": Approved") == 3 and "reserved" in out and "by status (Approved 3)" in out
    claim_ids = [line.split(":")[0] for line in out.splitlines() if line.startswith("0x") and ": Approved" in line]

    code, out = ape(story, "claims deny", claim_ids[0], "--reason", "50", "--account", "insurer", "--yes")
    assert code == 0 and "denied, reason 50" in out, out
    # A dispute needs new evidence, anchored after the denial.
    story["op"].node.call("evm_increaseTime", [1])
    w3, keys = story["w3"], story["op"].keys
    record = Web3.keccak(text="cli evidence 4, after the denial")
    receipt = _send(w3, keys["hospital"], story["anchor"].functions.anchor(record))
    Receipt(
        record_hash=bytes(record),
        chain_id=CONSORTIUM_CHAIN_ID,
        contract=story["anchor"].address,
        tx=receipt["transactionHash"].to_0x_hex(),
        block=receipt["blockNumber"],
        provider=keys["hospital"].address,
        anchored_at=story["now"],
    ).save(story["folder"] / "ev4.json")
    code, out = ape(
        story,
        "claims dispute",
        claim_ids[0],
        "--evidence",
        str(story["folder"] / "ev4.json"),
        "--account",
        "hospital",
        "--yes",
    )
    assert code == 0 and "disputed with evidence" in out, out
    code, out = ape(story, "claims resolve", claim_ids[0], "--amount", "150", "--account", "insurer", "--yes")
    assert code == 0 and "150.00 mUSD approved" in out, out
    code, out = ape(
        story, "claims dispute", claim_ids[0], "--evidence", "0x" + "00" * 32, "--account", "hospital", "--yes"
    )
    assert code != 0 and "ClaimSettlementWrongStatus" in out

    story["op"].node.call("evm_increaseTime", [3 * 86400 + 1])
    story["op"].node.call("evm_mine")
    code, out = ape(story, "claims settle", "--journal", journal, "--account", "patient", "--yes")
    # no progress bar without a terminal
    assert code == 0 and "3 of 3 claim(s) settled" in out and "settling" not in out, out
    hospital = story["op"].keys["hospital"].address
    code, out = ape(story, "claims withdraw", "--account", "hospital", "--yes")
    assert code == 0 and f"to {hospital}" in out, out
    code, out = ape(story, "claims withdraw", "--account", "hospital", "--yes")
    assert code != 0 and "nothing to withdraw" in out
