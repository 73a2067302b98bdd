"""How the bulk submitter cuts a run into transactions, without a chain: gas limits from the measured
figures (with their margin, under the per-transaction cap), calldata under the pools' size limit, the
window from the block gas limit, sends in requests a node accepts, receipts asked for once a block,
and the NDJSON responses."""

from __future__ import annotations

import json
from decimal import Decimal

from eth_account import Account

from medchain.claims import bulk
from medchain.claims.bulk import (
    GAS_MARGIN,
    MAX_CALLDATA,
    TOPIC_ADJUDICATED,
    TX_GAS_CAP,
    Batch,
    BulkSubmitter,
    RunResult,
    auto_window,
    batch_gas,
    claim_gas,
    encode_batch,
    plan_batches,
    request_chunks,
)
from medchain.claims.inputs import ClaimRow, LineItem, codes_hash
from medchain.claims.journal import Entry, Journal
from medchain.claims.submission import write_responses_ndjson

KEY = b"\x42" * 32
PROVIDERS = ["0x70997970C51812dc3A010C7d01b50e0d17dc79C8", "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC"]
DAY0 = 1_767_225_600


def claim(n: int, *, policy: int = 0, provider: int = 0, depth: int = 10, day: int = 0) -> ClaimRow:
    items = (LineItem(f"C{n:05d}", (), Decimal(1), 100_000_000),)
    return ClaimRow(
        row=n + 2,
        ref=f"c-{n}",
        policy_id=policy.to_bytes(32, "big"),
        provider=PROVIDERS[provider],
        amount=100_000_000,
        service_date=DAY0 + day * 86_400,
        line_items=items,
        codes_hash=codes_hash(items, KEY),
        evidence_hash=b"\x11" * 32,
        evidence_root=b"\x22" * 32,
        evidence_proof=(b"\x33" * 32,) * depth,
    )


def test_a_steady_run_fills_transactions_up_to_the_gas_cap_with_the_margin():
    rows = [claim(n, policy=1) for n in range(1_000)]  # one policy: only its first two claims may open a year
    batches = plan_batches(rows, 1_000, TX_GAS_CAP)
    assert [r for b in batches for r in b.rows] == rows, "every claim once, in order"
    assert all(b.gas <= TX_GAS_CAP for b in batches)
    steady = bulk.GAS_PER_CLAIM + 10 * bulk.GAS_PER_PROOF_LEVEL
    assert len(batches[1].rows) == int((TX_GAS_CAP / GAS_MARGIN - bulk.GAS_PER_BATCH) // steady) == 176
    assert batches[1].gas == int(GAS_MARGIN * (bulk.GAS_PER_BATCH + 176 * steady))
    # The first batch also pays for two year openings and a new provider.
    assert len(batches[0].rows) < len(batches[1].rows)


def test_claims_that_may_open_a_policy_year_or_bring_a_new_provider_are_counted_in_the_gas():
    alone = plan_batches([claim(0)], 10, TX_GAS_CAP)[0].gas
    assert alone == int(GAS_MARGIN * (bulk.GAS_PER_BATCH + claim_gas(claim(0), opens_year=True, new_provider=True)))
    # Three claims of one policy in one 365-day bucket: the third cannot open another year.
    three = plan_batches([claim(0), claim(1, day=100), claim(2, day=200)], 10, TX_GAS_CAP)[0].gas
    assert three == int(
        GAS_MARGIN
        * (
            bulk.GAS_PER_BATCH
            + bulk.GAS_PER_NEW_PROVIDER
            + 2 * bulk.GAS_PER_YEAR_OPENED
            + 3 * claim_gas(claim(0), opens_year=False)
        )
    )
    # Another provider's claim, a year later, adds a new provider and a year opening.
    more = plan_batches(
        [claim(0), claim(1, day=100), claim(2, day=200), claim(3, provider=1, day=400)], 10, TX_GAS_CAP
    )[0].gas
    assert more == int(
        GAS_MARGIN
        * (
            bulk.GAS_PER_BATCH
            + 2 * bulk.GAS_PER_NEW_PROVIDER
            + 3 * bulk.GAS_PER_YEAR_OPENED
            + 4 * claim_gas(claim(0), opens_year=False)
        )
    )
    # On its own, a batch is bounded as if every claim opened a year and every provider were new.
    assert batch_gas([claim(0), claim(1, day=100), claim(2, day=200)]) > three


def test_the_batch_size_and_the_calldata_limit_cut_batches_too():
    rows = [claim(n, policy=n % 3, depth=16) for n in range(600)]
    assert {len(b.rows) for b in plan_batches(rows, 50, TX_GAS_CAP)} == {50}
    for batch in plan_batches(rows, 1_000, TX_GAS_CAP, max_calldata=40_000):
        assert len(encode_batch(batch.rows)) <= 40_000
    assert all(len(encode_batch(b.rows)) <= MAX_CALLDATA for b in plan_batches(rows, 1_000, 10 * TX_GAS_CAP))


def test_a_claim_too_large_for_any_batch_goes_alone():
    batches = plan_batches([claim(0), claim(1, day=1)], 10, 1_000)
    assert [len(b.rows) for b in batches] == [1, 1] and all(b.gas == 1_000 for b in batches)


def test_the_window_holds_two_blocks_of_transactions_within_its_bounds():
    full = [Batch([], TX_GAS_CAP)] * 4
    assert auto_window(40 * TX_GAS_CAP, full) == bulk.MAX_WINDOW
    assert auto_window(30_000_000, full) == 3
    assert auto_window(8_000_000, full) == bulk.MIN_WINDOW
    assert auto_window(30_000_000, []) == bulk.MIN_WINDOW


def test_sends_are_split_into_requests_of_bounded_size_in_order():
    raws = [bytes([n]) * size for n, size in enumerate((100, 200, 300, 500, 50))]
    chunks = request_chunks(raws, 400)
    assert [len(c) for c in chunks] == [2, 1, 1, 1]
    assert [r for c in chunks for r in c] == raws
    assert all(sum(map(len, c)) <= 400 for c in chunks if len(c) > 1)


def test_responses_are_one_json_line_per_claim_with_an_outcome(tmp_path):
    currency = "USD"
    rows = [claim(n, day=n) for n in range(3)]
    ids = ["0x" + r.claim_id.hex() for r in rows]
    entries = {
        ids[0]: Entry(ids[0], "c-0", "accepted", "0xaa", "Partial", 119, 75_000_000, 25_000_000),
        ids[1]: Entry(ids[1], "c-1", "rejected", "0xbb", "Duplicate", 18, None, None),
        ids[2]: Entry(ids[2], "c-2", "sent", "0xcc", None, None, None, None),  # still in flight: no line
    }
    path = tmp_path / "out" / "responses.ndjson"
    assert write_responses_ndjson(rows, RunResult(entries=entries), path, decimals=6, currency=currency) == 2
    lines = [json.loads(line) for line in path.read_text().splitlines()]
    assert lines[0] == {
        "row": 2,
        "claim_ref": "c-0",
        "claim_id": ids[0],
        "status": "Partial",
        "currency": "USD",
        "billed": "100.00",
        "payable": "75.00",
        "patient_share": "25.00",
        "reason": 119,
        "reason_text": "benefit maximum",
        "tx": "0xaa",
    }
    assert (lines[1]["status"], lines[1]["reason"], lines[1]["reason_text"], lines[1]["payable"]) == (
        "Duplicate",
        18,
        "duplicate",
        None,
    )
    assert list(path.parent.iterdir()) == [path], "written whole, no temporary file left"


class _Node:
    """A node whose head moves one block every ``polls`` looks at it, and that mines the one transaction
    at ``mined_at``: counts what the submitter asks."""

    def __init__(self, polls: int, mined_at: int, receipt: dict):
        self.head, self.looks, self.polls, self.mined_at, self.receipt = 100, 0, polls, mined_at, receipt
        self.receipt_batches = 0

    def call(self, method, params=()):
        if method == "eth_chainId":
            return "0x539"
        assert method == "eth_blockNumber", method
        self.looks += 1
        if self.looks % self.polls == 0:
            self.head += 1
        return hex(self.head)

    def batch(self, calls, *, sends=False):
        assert {m for m, _ in calls} == {"eth_getTransactionReceipt"}
        self.receipt_batches += 1
        return [self.receipt if self.head >= self.mined_at else None for _ in calls]


def test_the_send_loop_asks_for_receipts_once_a_block_not_at_every_look(tmp_path):
    row = claim(0)
    cid, tx = "0x" + row.claim_id.hex(), "0x" + "ab" * 32
    word = lambda v: v.to_bytes(32, "big").hex()  # noqa: E731
    contract = "0x" + "cc" * 20
    receipt = {
        "status": "0x1",
        "gasUsed": "0x1",
        "blockNumber": hex(103),
        "logs": [
            {
                "address": contract,
                "topics": ["0x" + TOPIC_ADJUDICATED.hex(), cid],
                "data": "0x" + word(2) + word(0) + word(100) + word(0),
            }
        ],
    }
    node = _Node(polls=5, mined_at=103, receipt=receipt)
    with Journal(tmp_path / "j.sqlite", chain_id=1337, contract=contract) as journal:
        journal.record_sent(tx, 0, [(cid, row.ref)])
        submitter = BulkSubmitter(node, contract, Account.create(), journal, poll_interval=0.001)
        result = RunResult(entries={})
        mined = []
        submitter._wait({tx: 1}, result, mined.append, head=100)
        assert mined == [1] and journal.entries([cid])[cid].outcome == "Approved"
    # Three blocks came, each after five looks: one receipts batch per block (none between blocks).
    assert node.head == 103 and node.looks == 15
    assert node.receipt_batches == 4  # the first look (it may be mined already), then blocks 101, 102, 103
