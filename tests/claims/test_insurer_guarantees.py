"""What an insurer can rely on from the bulk submitter: one codes key per insurer and deployment (another
is refused before anything is sent), recovery of a lost journal after settlement without re-sending what
the chain rejected, a duplicate of an earlier file reported as one, counts that add up, rejects that can be
corrected and resubmitted."""

from __future__ import annotations

import csv
import json

import pytest

from medchain.claims.bulk import BulkSubmitError
from medchain.claims.journal import Journal, JournalError
from medchain.claims.keys import FINGERPRINT_FILE, fingerprint
from medchain.claims.submission import errors_path
from tests.claims.conftest import DAY
from tests.claims.test_bulk_submission import HEADER, KEY, nonce, run, write_claims


def test_a_codes_key_other_than_the_insurers_earlier_one_is_refused_before_anything_is_sent(
    world, setup, chain, tmp_path
):
    folder = tmp_path / "insurer"
    path = write_claims(world, setup, tmp_path, 2, tag="k")
    run(world, setup, path, insurer_folder=folder)
    assert (folder / FINGERPRINT_FILE).read_text().strip() == fingerprint(KEY)
    with Journal(
        path.with_name(path.name + ".journal.sqlite"), chain_id=chain.chain_id, contract=world.claims.address
    ) as journal:
        assert journal.db.execute("SELECT value FROM meta WHERE key = 'codes_key'").fetchone()[0] == fingerprint(KEY)
    other = write_claims(world, setup, tmp_path, 2, tag="k2")
    before = nonce(chain, setup)
    with pytest.raises(BulkSubmitError, match="not the key this insurer's earlier claims used"):
        run(world, setup, other, insurer_folder=folder, codes_key=b"\x08" * 32)
    with pytest.raises(BulkSubmitError, match="committed on chain"):  # an on-chain commitment takes precedence
        run(world, setup, other, insurer_folder=tmp_path / "new", key_committed=lambda: fingerprint(b"\x09" * 32))
    with pytest.raises(JournalError, match="codes key fingerprint"):  # a journal is bound to its key too
        run(world, setup, path, codes_key=b"\x08" * 32)
    assert nonce(chain, setup) == before


def test_a_lost_journal_after_settlement_is_recovered_without_resending_rejected_claims(world, setup, chain, tmp_path):
    refused = [
        f"x-{n},0x{setup['no_consent'].hex()},{world.hospital.address},{world.start + DAY + 50 + n},10,"
        f"X{n}@10,0x{'11' * 32}"
        for n in range(4)
    ]
    path = write_claims(world, setup, tmp_path, 3, tag="s", extra_rows=refused)
    first = run(world, setup, path)
    assert first.summary["outcomes"] == {"Approved": 3, "Rejected": 4}
    assert [(r["claim_ref"], r["reason_text"]) for r in first.summary["refused"]] == [
        (f"x-{n}", "197 consent absent") for n in range(4)
    ]
    accepted = [bytes.fromhex(cid[2:]) for cid, e in first.result.entries.items() if e.state == "accepted"]
    chain.pending_timestamp += 40 * DAY
    world.claims.settle(accepted, sender=world.patient)
    before = nonce(chain, setup)
    again = run(world, setup, path, journal=tmp_path / "lost.sqlite")  # the journal is lost
    assert nonce(chain, setup) == before, "nothing is sent again, the rejected claims included"
    assert again.summary["outcomes"] == {"Settled": 3, "Rejected": 4}
    assert (again.result.sent, again.result.recovered, again.result.already_done) == (0, 7, 0)
    outcomes = sorted(json.loads(p.read_text())["outcome"] for p in path.with_name("responses").glob("*.json"))
    assert outcomes == ["complete"] * 3 + ["error"] * 4


def test_a_claim_of_an_earlier_file_is_reported_as_a_duplicate_not_approved(world, setup, chain, tmp_path):
    folder = tmp_path / "insurer"
    first = write_claims(world, setup, tmp_path, 3, tag="d")
    run(world, setup, first, insurer_folder=folder)
    second = tmp_path / "again.csv"  # the same services under new claim_refs, and one new claim
    rows = first.read_text().splitlines()
    second.write_text("\n".join([rows[0], *(r.replace("d-", "again-", 1) for r in rows[1:3])]) + "\n")
    before = nonce(chain, setup)
    report = run(world, setup, second, insurer_folder=folder)
    assert nonce(chain, setup) == before
    assert report.summary["outcomes"] == {"Duplicate": 2}
    assert report.summary["billed_accepted"] == 0 and report.summary["payable"] == 0
    assert sorted(report.result.duplicates.values()) == [f"d-{n} ({first.resolve()}, row {n + 2})" for n in range(2)]
    assert [r["claim_ref"] for r in report.summary["refused"]] == ["again-0", "again-1"]


def test_counts_add_up_to_the_claims_of_the_file(world, setup, chain, tmp_path):
    path = write_claims(world, setup, tmp_path, 5, tag="c")
    for journal in (None, tmp_path / "lost.sqlite", None):
        r = run(world, setup, path, journal=journal).result
        assert r.sent + r.recovered + r.already_done + len(r.duplicates) == 5


def test_rejects_keep_the_inputs_columns_and_cells_and_can_be_corrected_and_resubmitted(world, setup, chain, tmp_path):
    good = write_claims(world, setup, tmp_path, 2, tag="r")
    lines = good.read_text().splitlines()
    columns = HEADER.split(",")
    order = [6, 5, 4, 3, 2, 1, 0]  # the insurer's own column order
    reorder = lambda line: ",".join(line.split(",")[i] for i in order)  # noqa: E731
    bad = lines[2].replace(",r1,", ",r1,").split(",")
    bad[4] = "1e999999"  # amount
    path = tmp_path / "mine.csv"
    path.write_bytes(
        ("\n".join([reorder(",".join(columns)), reorder(lines[1]), reorder(",".join(bad))]) + "\n").encode()
    )
    report = run(world, setup, path, skip_invalid=True)
    assert report.skipped_invalid == 1
    rejects = report.rejects_file.read_text().splitlines()
    assert rejects == [reorder(",".join(columns)), reorder(",".join(bad))], "the input's own columns and cells"
    problems = list(csv.reader(errors_path(report.rejects_file).open()))
    assert problems[0] == ["rejects_line", "source_line", "field", "problem"]
    assert problems[1][:3] == ["2", "3", "amount"] and "too large" in problems[1][3]
    fixed = report.rejects_file.read_text().replace("1e999999", str(1001))
    corrected = tmp_path / "corrected.csv"
    corrected.write_text(fixed)
    again = run(world, setup, corrected)
    assert again.summary["outcomes"] == {"Approved": 1} and not again.parsed.problems
