"""Scanner strings, GS1 check digits, serial trees and proofs files; a serial outside its batch never
verifies as Genuine, on chain or off."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from biip.checksums import gs1_standard_check_digit
from hypothesis import given, settings
from hypothesis import strategies as st

from medchain.provenance import GS1Error, ProvenanceInputError, SerialProofs, UnitStatus, parse_scan, serial_hash
from medchain.provenance.client import parse_batch_ref, unit_from_scan
from medchain.provenance.gs1 import batch_id, check_digit, expiry_day, gtin_int, lot_bytes, lot_text, normalise_gtin
from medchain.provenance.serials import read_serial_list, serials_for
from medchain.records.merkle import MerkleTree, leaf_hash, verify_proof
from tests.provenance.conftest import GTIN, commission, make_batch

GS = "\x1d"


@pytest.mark.parametrize(
    "scan",
    [
        "(01)09506000134352(17)271231(10)LOT42(21)SN0001",
        f"0109506000134352172712311 0LOT42{GS}21SN0001".replace(" ", ""),
        f"]d20109506000134352172712311 0LOT42{GS}21SN0001".replace(" ", ""),
        "]d2010950600013435217271231 10LOT42<GS>21SN0001".replace(" ", ""),
        "010950600013435217271231 10LOT42\\x1d21SN0001".replace(" ", ""),
    ],
    ids=["bracketed", "raw-gs", "symbology-id", "typed-gs", "escaped-gs"],
)
def test_a_scan_gives_the_product_identifier(scan):
    product = parse_scan(scan)
    assert (product.gtin, product.expiry, product.lot, product.serial) == (
        "09506000134352",
        dt.date(2027, 12, 31),
        "LOT42",
        "SN0001",
    )
    assert product.as_hri() == "(01)09506000134352(17)271231(10)LOT42(21)SN0001"
    assert product.batch_id == batch_id(GTIN, "LOT42") and product.serial_hash == serial_hash("SN0001")


def test_expiry_day_00_is_the_month_end():
    assert parse_scan("(01)09506000134352(17)280200(10)L").expiry == dt.date(2028, 2, 29)


@pytest.mark.parametrize(
    "scan, message",
    [
        ("(01)09506000134353(17)271231(10)LOT42(21)SN0001", "GTIN (01): 09506000134353 has check digit 3, expected 2"),
        ("(17)271231(10)LOT42(21)SN0001", "the scan has no GTIN (01)"),
        ("(01)09506000134352(17)271331(10)LOT42", "not a GS1 element string"),
        ("hello", "not a GS1 element string"),
        ("", "empty scan"),
        ("(01)09506000134352(10)LOT42(10)LOT43", "AI (10) appears twice"),
    ],
    ids=["check-digit", "no-gtin", "bad-month", "garbage", "empty", "repeated-ai"],
)
def test_bad_scans_are_named(scan, message):
    with pytest.raises(GS1Error, match=message.replace("(", r"\(").replace(")", r"\)")):
        parse_scan(scan)


@pytest.mark.parametrize(
    "fields, missing",
    [
        ("(01)09506000134352(17)271231(10)LOT42", "serial (21)"),
        ("(01)09506000134352(17)271231(21)SN1", "lot (10)"),
        ("(01)09506000134352(10)LOT42(21)SN1", "expiry (17)"),
    ],
)
def test_a_missing_field_is_named(fields, missing):
    with pytest.raises(GS1Error, match=rf"the scan has no {missing.replace('(', '[(]').replace(')', '[)]')}"):
        parse_scan(fields).require("gtin", "expiry", "lot", "serial")


def test_check_digits_and_encodings():
    assert check_digit("0950600013435") == 2
    for payload in ("0061414112345", "9780201379624"[:12].zfill(13), "1234567890123"):  # cross-check with biip
        assert check_digit(payload) == gs1_standard_check_digit(payload)
    assert normalise_gtin("9506000134352") == "09506000134352" == normalise_gtin(9506000134352)
    assert gtin_int("09506000134352") == 9506000134352
    for bad in ("12345", "0950600013435X", "00000000000000"):
        with pytest.raises(GS1Error, match="GTIN"):
            normalise_gtin(bad)
    assert lot_bytes("LOT42") == b"LOT42" + b"\0" * 27 and lot_text(lot_bytes("LOT42")) == "LOT42"
    with pytest.raises(GS1Error, match="lot"):
        lot_bytes("L" * 21)
    assert expiry_day(dt.date(1970, 1, 2)) == 1


@given(digits=st.text("0123456789", min_size=13, max_size=13), wrong=st.integers(1, 9))
@settings(max_examples=50)
def test_only_the_right_check_digit_passes(digits, wrong):
    if int(digits) == 0:
        return
    good = digits + str(check_digit(digits))
    assert normalise_gtin(good) == good
    with pytest.raises(GS1Error, match="check digit"):
        normalise_gtin(digits + str((check_digit(digits) + wrong) % 10))


def test_serial_tree_reuses_record_anchoring_leaves():
    serials = serials_for("SN", 9)
    proofs = SerialProofs.build(GTIN, "LOT42", dt.date(2028, 1, 1), serials)
    tree = MerkleTree.build([serial_hash(s) for s in serials])
    assert proofs.root == tree.root
    for s in serials:
        assert proofs.proof(s) == tree.proof(serial_hash(s))
        assert verify_proof(proofs.root, serial_hash(s), proofs.proof(s))
    assert tree.leaves[0] == leaf_hash(serial_hash(serials[0]))


def test_proofs_file_round_trip_and_checks(tmp_path):
    proofs = SerialProofs.build(GTIN, "LOT42", dt.date(2028, 1, 1), serials_for("SN", 5))
    path = tmp_path / "p.json"
    proofs.save(path)
    assert SerialProofs.load(path) == proofs
    data = json.loads(path.read_text())
    data["batchId"] = "0x" + "11" * 32
    path.write_text(json.dumps(data))
    with pytest.raises(GS1Error, match="batchId does not match"):
        SerialProofs.load(path)
    path.write_text("{}")
    with pytest.raises(GS1Error, match="not a medchain-serial-proofs-v1 file"):
        SerialProofs.load(path)


def test_serial_lists_name_file_and_line(tmp_path):
    path = tmp_path / "serials.txt"
    path.write_text("# lot 42\nSN1\n\nSN2\nSN1\n")
    with pytest.raises(GS1Error, match=r"serials.txt:5: serial 'SN1' repeats line 2"):
        read_serial_list(path)
    path.write_text("SN1\nbad serial with spaces\n")
    with pytest.raises(GS1Error, match=r"serials.txt:2: serial \(21\)"):
        read_serial_list(path)
    path.write_text("SN1\nSN2\n")
    assert read_serial_list(path) == ["SN1", "SN2"]


def test_unit_from_scan_checks_batch_and_expiry():
    proofs = SerialProofs.build(GTIN, "LOT42", dt.date(2027, 12, 31), serials_for("SN", 4))
    unit = unit_from_scan("(01)09506000134352(17)271231(10)LOT42(21)SN0002", proofs)
    assert unit.in_proofs_file and unit.proof == proofs.proof("SN0002")
    assert not unit_from_scan("(01)09506000134352(17)271231(10)LOT42(21)FAKE", proofs).in_proofs_file
    with pytest.raises(ProvenanceInputError, match="lot 'LOT43'"):
        unit_from_scan("(01)09506000134352(17)271231(10)LOT43(21)SN0002", proofs)
    with pytest.raises(ProvenanceInputError, match="expiry"):
        unit_from_scan("(01)09506000134352(17)271130(10)LOT42(21)SN0002", proofs)
    with pytest.raises(ProvenanceInputError, match="serial"):
        unit_from_scan("(01)09506000134352(17)271231(10)LOT42", proofs)
    assert parse_batch_ref("(01)09506000134352(10)LOT42") == proofs.batch_id
    assert parse_batch_ref("0x" + proofs.batch_id.hex()) == proofs.batch_id
    with pytest.raises(ProvenanceInputError, match=r"batch: the scan has no lot"):
        parse_batch_ref("(01)09506000134352")


@pytest.mark.property
def test_a_serial_outside_the_batch_never_verifies_as_genuine(chain, provenance, manufacturer):
    batch = make_batch(chain, lot="OUTSIDE", units=13)
    commission(provenance, manufacturer, batch)
    inside = list(batch.proofs)

    @given(
        serial=st.text("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-", min_size=1, max_size=20),
        borrowed=st.integers(0, len(inside) - 1),
        raw=st.binary(min_size=32, max_size=32),
    )
    @settings(max_examples=40, deadline=None)
    def check(serial, borrowed, raw):
        if serial in batch.proofs:
            return
        for value, proof in (
            (serial_hash(serial), batch.proof(inside[borrowed])),
            (raw, batch.proof(inside[borrowed])),
            (serial_hash(serial), []),
        ):
            assert not verify_proof(batch.root, value, proof)
            assert provenance.verifyUnit(batch.batch_id, value, proof) == UnitStatus.UNKNOWN_SERIAL

    check()
