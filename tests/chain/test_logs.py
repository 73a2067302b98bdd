"""The paged log reader against nodes with limits (no chain needed: a node in memory answers as geth,
Infura or Alchemy do when a range is over their limit)."""

from __future__ import annotations

import time

import pytest

from medchain.chain.logs import LogPageError, LogReader, block_times
from medchain.chain.rpc import Log, ResponseTooLarge, RpcError

ADDRESS = "0x" + "11" * 20
TOPIC = "0x" + "22" * 32
OTHER = "0x" + "33" * 32


def log(block: int, index: int, topic: str = TOPIC, stamp: bool = True) -> Log:
    return Log(
        address=ADDRESS,
        topics=[topic],
        data="0x",
        blockNumber=hex(block),
        blockHash="0x" + "44" * 32,
        transactionHash="0x" + f"{block:064x}",
        transactionIndex="0x0",
        logIndex=hex(index),
        blockTimestamp=hex(1_000 + block) if stamp else None,
    )


class Node:
    """``head`` blocks with ``per_block`` logs each (or the blocks of ``blocks``); refuses ranges over
    ``max_blocks`` blocks (suggesting one when ``suggest``), answers of more than ``max_results`` logs
    and answers over ``max_bytes`` (200 bytes a log)."""

    def __init__(
        self,
        head: int,
        per_block: int = 1,
        *,
        blocks: dict[int, int] | None = None,
        max_blocks: int | None = None,
        suggest: bool = False,
        error: RpcError | None = None,
        max_results: int | None = None,
    ):
        self.head, self.max_blocks, self.suggest, self.error = head, max_blocks, suggest, error
        self.max_results = max_results
        counts = blocks if blocks is not None else {b: per_block for b in range(head + 1)}
        self.logs = [log(b, i, TOPIC if i % 2 == 0 else OTHER) for b in sorted(counts) for i in range(counts[b])]
        self.requests: list[tuple[int, int]] = []
        self.refused = 0
        self.batches: list[list] = []

    def block_number(self) -> int:
        return self.head

    def get_logs(self, addresses, from_block, to_block, max_bytes=None, topics=None):
        self.requests.append((from_block, to_block))
        if self.error is not None:
            raise self.error
        assert list(addresses) == [ADDRESS] and to_block <= self.head
        if self.max_blocks is not None and to_block - from_block + 1 > self.max_blocks:
            self.refused += 1
            hint = (
                f"; try with this block range [{hex(from_block)}, {hex(from_block + self.max_blocks - 1)}]"
                if self.suggest
                else ""
            )
            raise RpcError(
                "eth_getLogs",
                {
                    "code": -32602 if self.suggest else -32005,
                    "message": f"query exceeds max block range {self.max_blocks}{hint}",
                },
            )
        found = [
            g
            for g in self.logs
            if from_block <= int(g.blockNumber, 16) <= to_block
            and (not topics or g.topics[0] in ([topics[0]] if isinstance(topics[0], str) else topics[0]))
        ]
        if self.max_results is not None and len(found) > self.max_results:
            self.refused += 1
            raise RpcError(
                "eth_getLogs", {"code": -32005, "message": f"query returned more than {self.max_results} results"}
            )
        if max_bytes is not None and 200 * len(found) > max_bytes:
            raise ResponseTooLarge("eth_getLogs", 200 * len(found), max_bytes)
        return found

    def batch(self, calls):
        self.batches.append(list(calls))
        return [
            {"timestamp": hex(1_000 + int(params[0], 16))} if int(params[0], 16) <= self.head else None
            for _, params in calls
        ]


def keys(logs: list[Log]) -> list[tuple[str, str]]:
    return [(g.blockNumber, g.logIndex) for g in logs]


def test_a_node_that_refuses_wide_ranges_is_read_in_ranges_it_accepts():
    node = Node(head=100, per_block=2, max_blocks=5)
    messages: list[str] = []
    logs = LogReader(node, page=64, progress=messages.append).read([ADDRESS], 0)
    assert keys(logs) == keys(node.logs)
    assert node.refused > 0
    accepted = [r for r in node.requests if r[1] - r[0] < 5]
    assert len(accepted) == len(node.requests) - node.refused
    assert [b for r in accepted for b in range(r[0], r[1] + 1)] == list(range(101))  # every block once, in order
    assert any("limits eth_getLogs" in m and "max block range 5" in m for m in messages)


def test_the_range_a_node_suggests_is_taken_at_once():
    node = Node(head=100, max_blocks=7, suggest=True)
    reader = LogReader(node, page=64)
    assert keys(reader.read([ADDRESS], 0)) == keys(node.logs)
    assert node.requests[:3] == [(0, 63), (0, 6), (7, 13)] and node.refused == 1
    halving = Node(head=100, max_blocks=7)
    LogReader(halving, page=64).read([ADDRESS], 0)
    assert halving.requests[:4] == [(0, 63), (0, 31), (0, 15), (0, 7)]  # without a suggestion: halves


def test_the_learnt_limit_holds_for_the_rest_of_the_read_and_the_next_one():
    node = Node(head=100, max_blocks=5)
    reader = LogReader(node, page=64, max_range=64)
    reader.read([ADDRESS], 0, 50)
    refused = node.refused
    reader.read([ADDRESS], 51)
    assert 0 < refused <= 8 and node.refused - refused <= 2  # the range grows no wider than the node allowed
    # (but for one probe of a wider range, after PROBE_AFTER pages at the ceiling)
    assert len(node.requests) < 60


def test_after_pages_at_the_ceiling_a_wider_range_is_tried_again():
    """A refusal over results, in dense blocks, does not keep the range narrow where blocks are sparse."""
    node = Node(head=3_000, blocks={b: 40 for b in range(10)} | {b: 1 for b in range(10, 3_001, 50)}, max_results=60)
    logs = LogReader(node, page=64, max_range=1_000).read([ADDRESS], 0)
    assert keys(logs) == keys(node.logs) and node.refused > 0
    accepted = [b - a + 1 for a, b in node.requests[node.refused :]]
    assert max(accepted) > 64 and len(node.requests) < 100
    assert node.requests.count((0, 0)) == 1  # and the dense blocks were read one at a time, once


def test_an_answer_over_the_byte_limit_is_asked_again_in_fewer_blocks():
    node = Node(head=199, per_block=3)  # 600 bytes a block
    pages = list(LogReader(node, page=200, max_page_bytes=6_000).pages([ADDRESS], 0))
    assert [g for p in pages for g in p.logs] == node.logs
    assert all(len(p.logs) * 200 <= 6_000 for p in pages) and len(pages) > 10
    assert [(p.first, p.last) for p in pages][0] == (0, pages[0].last) and pages[-1].last == 199


def test_one_block_over_the_byte_limit_is_an_error_naming_it():
    node = Node(head=10, blocks={4: 10})
    with pytest.raises(LogPageError, match="the logs of block 4 alone are over the page limit of 1,000 bytes"):
        LogReader(node, page=1, max_page_bytes=1_000).read([ADDRESS], 0)


def test_a_node_that_refuses_even_one_block_is_an_error():
    node = Node(head=10, max_blocks=0)
    with pytest.raises(LogPageError, match="refuses even a one-block eth_getLogs at block 0: .*max block range 0"):
        LogReader(node, page=4).read([ADDRESS], 0)
    assert node.requests == [(0, 3), (0, 1), (0, 0)]


def test_a_refusal_that_is_not_about_the_range_is_raised_as_it_is():
    error = RpcError("eth_getLogs", {"code": -32000, "message": "header not found"})
    with pytest.raises(RpcError, match="header not found") as raised:
        LogReader(Node(head=10, error=error)).read([ADDRESS], 0)
    assert raised.value is error


def test_empty_ranges_ask_for_nothing_and_empty_blocks_widen_the_range():
    node = Node(head=1_000, blocks={})
    assert LogReader(node).read([ADDRESS], 5, 4) == [] and node.requests == []
    assert LogReader(node, page=1, max_range=16).read([ADDRESS], 0, 100) == []
    sizes = [b - a + 1 for a, b in node.requests]
    assert sizes[:6] == [1, 2, 4, 8, 16, 16] and sum(sizes) == 101


def test_pages_shrink_toward_the_target_number_of_logs():
    node = Node(head=400, per_block=10)
    reader = LogReader(node, page=64, target_logs=20)
    pages = list(reader.pages([ADDRESS], 0))
    assert [g for p in pages for g in p.logs] == node.logs
    assert node.requests[:2] == [(0, 63), (64, 65)]  # 640 logs, so 64 * 20 // 640 = 2 blocks next


def test_a_range_over_the_head_stops_at_the_head():
    node = Node(head=20)
    logs = LogReader(node, page=8).read([ADDRESS], 10, 1_000)
    assert keys(logs) == keys(node.logs[10:]) and node.requests[-1][1] == 20
    node.requests.clear()
    assert LogReader(node).read([ADDRESS], 21, 30) == [] and node.requests == []
    assert keys(LogReader(node).read([ADDRESS], 0)) == keys(node.logs)  # no end: up to the head


def test_topics_are_passed_to_the_node():
    node = Node(head=10, per_block=2)
    logs = LogReader(node).read([ADDRESS], 0, topics=[OTHER])
    assert len(logs) == 11 and {g.topics[0] for g in logs} == {OTHER}


def test_the_next_page_is_asked_for_while_the_caller_uses_this_one():
    node = Node(head=100)
    pages = LogReader(node, page=10, max_range=10).pages([ADDRESS], 0)
    next(pages)
    deadline = time.monotonic() + 5
    while len(node.requests) < 2 and time.monotonic() < deadline:
        time.sleep(0.01)
    assert node.requests[:2] == [(0, 9), (10, 19)]
    pages.close()


@pytest.mark.parametrize("option,value", [("page", 0), ("max_range", 0), ("target_logs", 0), ("max_page_bytes", 0)])
def test_bad_settings_are_refused_naming_them(option, value):
    with pytest.raises(ValueError, match=f"{option} must be at least 1"):
        LogReader(Node(head=1), **{option: value})
    with pytest.raises(ValueError, match="start must be a block number"):
        LogReader(Node(head=1)).read([ADDRESS], -1)


def test_block_times_come_from_the_logs_or_else_from_one_batch_of_headers():
    node = Node(head=10)
    assert block_times(node, [log(3, 0), log(3, 1), log(5, 0)]) == {3: 1_003, 5: 1_005} and node.batches == []
    assert block_times(node, [log(3, 0, stamp=False), log(7, 0, stamp=False), log(7, 1, stamp=False)]) == {
        3: 1_003,
        7: 1_007,
    }
    assert [[p[0] for _, p in calls] for calls in node.batches] == [["0x3", "0x7"]]
    with pytest.raises(RpcError, match="the node does not have block 12"):
        block_times(node, [log(12, 0, stamp=False)])


def test_a_reader_of_a_url_connects_to_it():
    assert LogReader("http://127.0.0.1:9").rpc.url == "http://127.0.0.1:9"
    with pytest.raises(RpcError, match="not an http"):
        LogReader("ftp://node")


def test_a_bad_disclosure_filter_is_refused_before_asking_the_node():
    from medchain.exchange.disclosures import read_disclosures

    with pytest.raises(ValueError, match="read_disclosures: .*patient: not of type address: '0x12'"):
        read_disclosures("http://127.0.0.1:9", ADDRESS, patient="0x12")


class CountingNode(Node):
    """A :class:`Node` that counts the answers it builds over the byte limit (each costs a real node the
    whole answer before it is dropped)."""

    too_large = 0

    def get_logs(self, addresses, from_block, to_block, max_bytes=None, topics=None):
        try:
            return super().get_logs(addresses, from_block, to_block, max_bytes, topics)
        except ResponseTooLarge:
            self.too_large += 1
            raise


def test_a_range_widened_over_quiet_blocks_does_not_reach_into_busy_ones_in_one_request():
    """Quiet blocks then busy ones (a history before and after a bulk load): the widened range's end is
    read first, seen to be busy, and the range narrowed before the node builds an answer over the limit."""
    node = CountingNode(head=2_000, blocks={b: 1 for b in range(0, 1_000, 50)} | {b: 40 for b in range(1_000, 2_001)})
    logs = LogReader(node, page=64, target_logs=400, max_page_bytes=200 * 2_000).read([ADDRESS], 0)
    assert keys(logs) == keys(node.logs)
    assert node.too_large == 0
    assert sum(b - a + 1 for a, b in node.requests) < 2_001 * 1.05  # hardly a block asked twice


def test_a_widened_range_whose_end_is_as_quiet_is_read_once():
    node = Node(head=1_000, blocks={b: 1 for b in range(0, 1_001, 10)})
    LogReader(node, page=64).read([ADDRESS], 0)
    assert sorted(b for a, z in node.requests for b in range(a, z + 1)) == list(range(1_001))
    assert node.requests[1:3] == [(188, 191), (64, 187)]  # 64..191, wider than 0..63: its last 4 blocks first


def test_the_next_range_is_sized_by_the_logs_at_the_end_of_the_page():
    node = Node(head=400, blocks={b: 100 for b in range(60, 401)})  # blocks 0-59 empty
    LogReader(node, page=64, target_logs=200).read([ADDRESS], 0)
    assert node.requests[:2] == [(0, 63), (64, 65)]  # 400 logs in the last 4 blocks: 2 blocks hold 200


def test_pages_are_read_ahead_two_at_most_and_no_further_once_the_caller_stops():
    node = Node(head=1_000)
    pages = LogReader(node, page=10, max_range=10).pages([ADDRESS], 0)
    next(pages)
    time.sleep(0.3)
    assert node.requests == [(0, 9), (10, 19), (20, 29)]  # the caller's page, one waiting, one read
    pages.close()
    time.sleep(0.1)
    assert len(node.requests) <= 4
