"""The bulk submitter's input side, without a chain: every malformed row is named by file, row and field;
the hand-written ABI encoding and claim ids match eth_abi and the contract's definition."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from eth_abi import encode
from eth_utils import keccak

from medchain.claims.bulk import CLAIM_INPUT, SUBMIT_CLAIMS, encode_batch, outcomes_from_logs
from medchain.claims.fhir import claim_response
from medchain.claims.inputs import (
    ClaimInputError,
    LineItem,
    claim_id,
    codes_hash,
    format_units,
    read_claim_file,
)
from medchain.records.receipts import Receipt

CHAIN = 31337
KEY = b"\x42" * 32
PROVIDER = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8"
OTHER = "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC"
POLICY = "0x" + "ab" * 32
HEADER = "claim_ref,policy_id,provider,service_date,amount,line_items,evidence"


@pytest.fixture
def folder(tmp_path):
    Receipt(
        record_hash=b"\x11" * 32,
        chain_id=CHAIN,
        contract=OTHER,
        tx="0x" + "00" * 32,
        block=1,
        provider=PROVIDER,
        anchored_at=1,
    ).save(tmp_path / "single.json")
    Receipt(
        record_hash=b"\x22" * 32,
        chain_id=CHAIN,
        contract=OTHER,
        tx="0x" + "00" * 32,
        block=1,
        provider=PROVIDER,
        anchored_at=1,
        root=b"\x33" * 32,
        proof=[b"\x44" * 32],
        batch_count=2,
    ).save(tmp_path / "batch.json")
    Receipt(
        record_hash=b"\x55" * 32,
        chain_id=1,
        contract=OTHER,
        tx="0x" + "00" * 32,
        block=1,
        provider=PROVIDER,
        anchored_at=1,
    ).save(tmp_path / "mainnet.json")
    Receipt(
        record_hash=b"\x66" * 32,
        chain_id=CHAIN,
        contract=OTHER,
        tx="0x" + "00" * 32,
        block=1,
        provider=OTHER,
        anchored_at=1,
    ).save(tmp_path / "others.json")
    return tmp_path


def read(path, **kw):
    return read_claim_file(path, decimals=6, codes_key=KEY, chain_id=CHAIN, **kw)


def csv_file(folder, *rows, header=HEADER):
    path = folder / "claims.csv"
    path.write_text("\n".join([header, *rows]) + "\n")
    return path


GOOD = f"c-1,{POLICY},{PROVIDER},2026-03-01,162.50,99213@150.00;85025/59*1@12.50,single.json"


def test_a_valid_csv_row_becomes_a_claim(folder):
    parsed = read(csv_file(folder, GOOD, f"c-2,{POLICY},{PROVIDER},1767225600,20,80061@20,batch.json"))
    assert not parsed.problems
    first, second = parsed.rows
    assert (first.ref, first.amount, first.service_date) == ("c-1", 162_500_000, 1_772_323_200)
    assert first.line_items[1] == LineItem("85025", ("59",), Decimal(1), 12_500_000)
    assert first.evidence_hash == b"\x11" * 32 and first.evidence_root == b"\0" * 32 and first.evidence_proof == ()
    assert second.evidence_root == b"\x33" * 32 and second.evidence_proof == (b"\x44" * 32,)
    assert first.codes_hash == codes_hash(first.line_items, KEY)


@pytest.mark.parametrize(
    "row, field, message",
    [
        (f"c,0x12,{PROVIDER},2026-03-01,20,80061@20,single.json", "policy_id", "not a policy id"),
        (f"c,{'0x' + '00' * 32},{PROVIDER},2026-03-01,20,80061@20,single.json", "policy_id", "zero policy id"),
        (f"c,{POLICY},0x1234,2026-03-01,20,80061@20,single.json", "provider", "not an address"),
        (f"c,{POLICY},{PROVIDER.replace('C8', 'c8')},2026-03-01,20,80061@20,single.json", "provider", "checksum"),
        (f"c,{POLICY},{PROVIDER},03/01/2026,20,80061@20,single.json", "service_date", "not a date"),
        (f"c,{POLICY},{PROVIDER},2026-03-01T10:00:00,20,80061@20,single.json", "service_date", "needs a zone"),
        (f"c,{POLICY},{PROVIDER},,20,80061@20,single.json", "service_date", "missing"),
        (f"c,{POLICY},{PROVIDER},2026-03-01,twenty,80061@20,single.json", "amount", "not a number"),
        (f"c,{POLICY},{PROVIDER},2026-03-01,-20,80061@20,single.json", "amount", "must be positive"),
        (f"c,{POLICY},{PROVIDER},2026-03-01,20.0000001,80061@20,single.json", "amount", "more than 6 decimals"),
        (
            f"c,{POLICY},{PROVIDER},2026-03-01,21,80061@20,single.json",
            "amount",
            "not the sum of the line items (20.00)",
        ),
        (f"c,{POLICY},{PROVIDER},2026-03-01,20,80061,single.json", "line_items", "item 1 is not code"),
        (f"c,{POLICY},{PROVIDER},2026-03-01,20,80061*0@20,single.json", "line_items", "quantity must be positive"),
        (
            f"c,{POLICY},{PROVIDER},2026-03-01,20,80061@20,nowhere.json",
            "evidence",
            "receipt nowhere.json: no such receipt",
        ),
        (f"c,{POLICY},{PROVIDER},2026-03-01,20,80061@20,mainnet.json", "evidence", "is for chain 1, not 31337"),
        (f"c,{POLICY},{PROVIDER},2026-03-01,20,80061@20,others.json", "evidence", f"anchored by {OTHER}"),
    ],
    ids=[
        "short-policy",
        "zero-policy",
        "bad-address",
        "bad-checksum",
        "bad-date",
        "no-zone",
        "no-date",
        "amount-text",
        "amount-negative",
        "amount-decimals",
        "amount-sum",
        "item-syntax",
        "item-quantity",
        "receipt-missing",
        "receipt-chain",
        "receipt-provider",
    ],
)
def test_each_malformed_field_is_named(folder, row, field, message):
    path = csv_file(folder, GOOD, row)
    parsed = read(path)
    assert len(parsed.rows) == 1  # the good row survives
    (problem,) = parsed.problems
    assert (problem.row, problem.field) == (3, field)
    assert message in problem.message
    assert str(problem).startswith(f"{path}: line 3: {field}: ")


def test_header_problems_and_cell_counts(folder):
    parsed = read(csv_file(folder, GOOD, header=HEADER.replace("amount", "amount_usd")))
    assert {(p.row, p.field) for p in parsed.problems} == {(1, "amount"), (1, "amount_usd")}
    assert not parsed.rows
    parsed = read(csv_file(folder, GOOD, GOOD.replace(",single.json", "")))
    assert [str(p).split(": ", 1)[1] for p in parsed.problems] == ["line 3: 6 cells, the header has 7"]


def test_duplicates_within_a_file_are_refused_even_at_another_price(folder):
    parsed = read(
        csv_file(folder, GOOD, GOOD.replace("c-1", "c-9").replace("162.50", "175.00").replace("@150.00", "@162.50"))
    )
    (problem,) = parsed.problems
    assert problem.row == 3 and "the same service as line 2" in problem.message


def test_jsonl_rows_and_their_problems(folder):
    good = {
        "claim_ref": "j-1",
        "policy_id": POLICY,
        "provider": PROVIDER,
        "service_date": "2026-03-01",
        "amount": "40",
        "line_items": [{"code": "80061", "quantity": 2, "unit_price": "20"}],
        "evidence": "0x" + "77" * 32,
    }
    path = folder / "claims.jsonl"
    path.write_text(
        "\n".join(
            [
                json.dumps(good),
                "{not json",
                "[1]",
                json.dumps({**good, "patient": "x"}),
                json.dumps({**good, "line_items": [{"code": "80061"}]}),
            ]
        )
        + "\n"
    )
    parsed = read(path)
    assert [r.ref for r in parsed.rows] == ["j-1"] and parsed.rows[0].evidence_hash == b"\x77" * 32
    found = {(p.row, p.field): p.message for p in parsed.problems}
    assert found[(2, None)].startswith("not JSON")
    assert found[(3, None)] == "not a JSON object"
    assert found[(4, "patient")].startswith("unknown field")
    assert found[(5, "line_items")] == "item 1: unit price: missing"


def fhir_claim(n, **changes):
    claim = {
        "resourceType": "Claim",
        "id": f"cl-{n}",
        "identifier": [{"value": f"F-{n}"}],
        "status": "active",
        "type": {"coding": [{"code": "professional"}]},
        "use": "claim",
        "patient": {"reference": "Patient/p-1"},
        "created": "2026-03-02",
        "provider": {"reference": "Organization/north"},
        "priority": {"coding": [{"code": "normal"}]},
        "insurance": [{"sequence": 1, "focal": True, "coverage": {"reference": "Coverage/c-1"}}],
        "billablePeriod": {"start": "2026-03-01"},
        "total": {"value": 150.0, "currency": "USD"},
        "item": [
            {
                "sequence": 1,
                "productOrService": {"coding": [{"code": "99213"}]},
                "modifier": [{"coding": [{"code": "25"}]}],
                "quantity": {"value": 1},
                "unitPrice": {"value": 150.0},
            }
        ],
        "supportingInfo": [{"sequence": 1, "category": {"coding": [{"code": "info"}]}, "valueString": "single.json"}],
    }
    claim.update(changes)
    return claim


def test_fhir_bundle_through_the_pseudonym_mapping(folder):
    mapping = {"Patient/p-1": OTHER, "Organization/north": PROVIDER, "Coverage/c-1": POLICY}
    bundle = {
        "resourceType": "Bundle",
        "type": "collection",
        "entry": [
            {"resource": fhir_claim(1)},
            {"resource": fhir_claim(2, patient={"reference": "Patient/unknown"})},
            {"resource": fhir_claim(3, total={"value": 99.0})},
            {"resource": {"resourceType": "Patient", "id": "p"}},
            {"resource": fhir_claim(5, status=None)},
        ],
    }
    path = folder / "bundle.json"
    path.write_text(json.dumps(bundle))
    parsed = read(path, mapping=mapping)
    (row,) = parsed.rows
    assert (row.ref, row.patient, row.provider, row.amount) == ("F-1", OTHER, PROVIDER, 150_000_000)
    assert row.line_items == (LineItem("99213", ("25",), Decimal(1), 150_000_000),)
    found = {(p.row, p.field): p.message for p in parsed.problems}
    assert "'Patient/unknown' is not in the pseudonym mapping file" in found[(2, "Claim.patient")]
    assert "not the sum of the line items" in found[(3, "Claim.total.value")]
    assert found[(4, "resource.resourceType")] == "not a Claim"
    assert found[(5, "Claim.status")] == "Value for the field 'status' is required."
    assert str(parsed.problems[0]).startswith(f"{path}: entry 2: Claim.patient:")


def test_unreadable_files_are_refused_whole(folder):
    with pytest.raises(ClaimInputError, match="unknown file type"):
        read(folder / "claims.xlsx")
    with pytest.raises(ClaimInputError, match="no such file"):
        read(folder / "missing.csv")
    (folder / "empty.csv").write_text(HEADER + "\n")
    assert [str(p) for p in read(folder / "empty.csv").problems] == [f"{folder / 'empty.csv'}: no claims in the file"]


def test_codes_hash_is_keyed_and_ignores_prices():
    items = (LineItem("99213", (), Decimal(1), 150),)
    repriced = (LineItem("99213", (), Decimal(1), 175),)
    assert codes_hash(items, KEY) == codes_hash(repriced, KEY)
    assert codes_hash(items, KEY) != codes_hash(items, b"\x43" * 32)
    assert codes_hash(items, KEY) != codes_hash((LineItem("99214", (), Decimal(1), 150),), KEY)


def test_encoding_matches_eth_abi_and_the_claim_id_definition(folder):
    parsed = read(csv_file(folder, GOOD, f"c-2,{POLICY},{PROVIDER},1767225600,20,80061@20,batch.json"))
    rows = parsed.rows
    assert encode_batch(rows) == SUBMIT_CLAIMS + encode([f"{CLAIM_INPUT}[]"], [[r.as_input() for r in rows]])
    assert encode_batch(rows[:1]) == SUBMIT_CLAIMS + encode([f"{CLAIM_INPUT}[]"], [[rows[0].as_input()]])
    r = rows[0]
    expected = keccak(
        encode(
            ["bytes32", "address", "uint64", "bytes32"],
            [r.policy_id, r.provider, r.service_date // 86400, r.codes_hash],
        )
    )
    assert r.claim_id == claim_id(r.policy_id, r.provider, r.service_date, r.codes_hash) == expected


def test_claim_id_names_the_service_day_not_the_second():
    policy, provider, codes = b"\x01" * 32, "0x" + "22" * 20, b"\x03" * 32
    day = 1767225600  # midnight UTC
    same = {claim_id(policy, provider, t, codes) for t in (day, day + 1, day + 86399)}
    assert len(same) == 1
    assert claim_id(policy, provider, day + 86400, codes) not in same


def test_codes_hash_is_canonical_order_case_and_split_lines_do_not_matter():
    a = (LineItem("99214", ("25", "59"), Decimal(1), 100), LineItem("80053", (), Decimal(2), 20))
    reordered = (LineItem("80053", (), Decimal(2), 20), LineItem("99214", ("59", "25"), Decimal(1), 100))
    cased = (LineItem("99214", ("25", "59"), Decimal(1), 100), LineItem("80053", (), Decimal(2), 20))
    split = (
        LineItem("99214", ("59", "25"), Decimal(1), 100),
        LineItem("80053", (), Decimal(1), 20),
        LineItem("80053", (), Decimal(1), 20),
    )
    assert codes_hash(a, KEY) == codes_hash(reordered, KEY) == codes_hash(cased, KEY) == codes_hash(split, KEY)
    lower = (LineItem("g0008", ("gy",), Decimal(1), 5),)
    assert codes_hash(lower, KEY) == codes_hash((LineItem("G0008", ("GY",), Decimal(1), 5),), KEY)
    # Another quantity or modifier is another service.
    assert codes_hash(a, KEY) != codes_hash((a[0], LineItem("80053", (), Decimal(3), 20)), KEY)
    assert codes_hash(a, KEY) != codes_hash((LineItem("99214", ("25",), Decimal(1), 100), a[1]), KEY)


def test_outcomes_are_read_from_raw_logs():
    contract = "0x" + "cc" * 20
    adjudicated = "0x" + keccak(text="ClaimAdjudicated(bytes32,uint8,uint256,uint256,uint16)").hex()
    rejected = "0x" + keccak(text="ClaimRejected(bytes32,uint16)").hex()
    a, b = "0x" + "01" * 32, "0x" + "02" * 32
    words = lambda *v: "0x" + "".join(x.to_bytes(32, "big").hex() for x in v)  # noqa: E731
    logs = [
        {"address": contract, "topics": [adjudicated, a], "data": words(3, 25, 75, 119)},
        {"address": contract, "topics": [rejected, b], "data": words(197)},
        {"address": "0x" + "dd" * 20, "topics": [rejected, a], "data": words(18)},  # another contract: ignored
    ]
    assert outcomes_from_logs(logs, contract) == {a: ("accepted", "Partial", 25, 75, 119), b: ("rejected", 197)}


def test_claim_responses_are_valid_fhir():
    common = dict(
        ref="c-1",
        claim_id="0x" + "01" * 32,
        amount=162_500_000,
        decimals=6,
        currency="USD",
        insurer=OTHER,
        created=1_772_323_200,
        tx_hash="0x" + "02" * 32,
    )
    partial = claim_response(outcome="Partial", reason=119, payable=100_000_000, patient_share=62_500_000, **common)
    assert partial["outcome"] == "partial"
    assert {a["category"]["coding"][0]["code"]: a["amount"]["value"] for a in partial["adjudication"]} == {
        "submitted": 162.5,
        "benefit": 100.0,
        "copay": 62.5,
    }
    rejected = claim_response(outcome="Rejected", reason=197, payable=None, patient_share=None, **common)
    assert rejected["outcome"] == "error" and rejected["error"][0]["code"]["coding"][0]["code"] == "197"
    assert format_units(162_500_000, 6) == "162.50" and format_units(1, 6) == "0.000001"
