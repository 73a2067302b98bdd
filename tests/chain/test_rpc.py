"""The JSON-RPC transport against a scripted node on loopback: results and batches, error answers and
their classification, and, with a patience, failures that pass ridden out and failures that last
reported in one line. No chain is needed."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from medchain.chain.rpc import (
    Log,
    NodeError,
    NodeUnavailable,
    ResponseTooLarge,
    Rpc,
    RpcError,
    describe,
    node_unreachable,
)
from medchain_dev.devchain import free_port

#: What the scripted node does with one request: (HTTP status, body) or None to echo ``"ok:<method>"``.
Script = Callable[[object], "tuple[int, bytes] | None"]


class ScriptedNode:
    """An HTTP/1.1 server on loopback that answers each request with the next entry of ``script``
    (then echoes), recording every request body."""

    def __init__(self) -> None:
        self.script: list[Script] = []
        self.requests: list[object] = []
        self.delay = 0.0  # seconds to wait before answering
        self.close_after_answer = False  # drop the kept-alive connection silently after each answer
        node = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self):  # noqa: N802 (http.server's name)
                request = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                node.requests.append(request)
                action = node.script.pop(0) if node.script else None
                answer = action(request) if action else None
                status, body = answer if answer is not None else (200, json.dumps(_echo(request)).encode())
                if node.delay:
                    time.sleep(node.delay)
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    pass
                if node.close_after_answer:
                    self.close_connection = True

            def log_message(self, *_args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def _echo(request):
    if isinstance(request, list):
        return [_echo(r) for r in request]
    return {"jsonrpc": "2.0", "id": request["id"], "result": f"ok:{request['method']}"}


def rpc_error(code: int, message: str, data: str | None = None) -> Script:
    """An error answer to every call of the request (a batch gets one per call)."""

    def answer(request):
        def one(r):
            return {
                "jsonrpc": "2.0",
                "id": r["id"],
                "error": {"code": code, "message": message, **({"data": data} if data else {})},
            }

        return 200, json.dumps([one(r) for r in request] if isinstance(request, list) else one(request)).encode()

    return answer


def http(status: int, body: bytes = b"failing") -> Script:
    return lambda _request: (status, body)


@pytest.fixture
def node():
    scripted = ScriptedNode()
    yield scripted
    scripted.close()


def test_a_call_gives_its_result_and_a_batch_gives_results_in_order_in_batch_size_requests(node):
    rpc = Rpc(node.url, batch_size=2)
    assert rpc.call("eth_chainId") == "ok:eth_chainId"
    methods = [f"m{i}" for i in range(5)]
    assert rpc.batch([(m, []) for m in methods]) == [f"ok:{m}" for m in methods]
    assert [len(r) for r in node.requests[1:]] == [2, 2, 1]


def test_an_error_answer_is_an_rpc_error_with_its_code_and_data_at_once_without_patience(node):
    node.script = [rpc_error(-32000, "header not found")]
    with pytest.raises(RpcError, match=r"^eth_call: header not found \(code -32000\)$") as raised:
        Rpc(node.url).call("eth_call", [{}])
    assert raised.value.code == -32000 and not raised.value.is_range_limit
    assert len(node.requests) == 1
    assert NodeError is RpcError


def test_a_log_range_limit_is_told_apart_and_its_suggested_range_read(node):
    node.script = [rpc_error(-32602, "query exceeds max results; try with this block range [0x10, 0x2a]")]
    with pytest.raises(RpcError) as raised:
        Rpc(node.url, patience=5).get_logs(["0x" + "11" * 20], 0, 100)
    assert raised.value.is_range_limit and raised.value.suggested_range == (16, 42)
    assert len(node.requests) == 1, "a range limit is not retried: the caller asks for fewer blocks"


def test_an_unreachable_node_without_patience_is_node_unavailable_in_one_line():
    url = f"http://127.0.0.1:{free_port()}"
    with pytest.raises(
        NodeUnavailable, match=rf"^eth_chainId: cannot reach the node at {url} \(connection refused\)$"
    ) as raised:
        Rpc(url).chain_id()
    assert node_unreachable(raised.value) and isinstance(raised.value, RpcError)


def test_failures_that_pass_within_the_patience_are_ridden_out_and_heard_of_once(node):
    node.script = [http(500), http(502, b"bad gateway"), rpc_error(-32603, "internal error")]
    heard: list[str] = []
    assert Rpc(node.url, patience=5, log=heard.append).call("eth_blockNumber") == "ok:eth_blockNumber"
    assert len(node.requests) == 4
    assert heard == [
        f"the node at {node.url} is not answering eth_blockNumber (HTTP 500 Internal Server Error); "
        "retrying for up to 5 s"
    ]


def test_a_failure_that_lasts_past_the_patience_stops_with_what_was_last_heard(node):
    node.script = [rpc_error(-32603, "injected internal error")] * 100
    started = time.monotonic()
    with pytest.raises(
        NodeUnavailable,
        match=r"^the node at http://127\.0\.0\.1:\d+ has not answered "
        r"eth_sendRawTransaction for 1 s \(eth_sendRawTransaction: "
        r"injected internal error\)$",
    ) as raised:
        Rpc(node.url, patience=1).call("eth_sendRawTransaction", ["0x00"])
    assert 1.0 <= time.monotonic() - started < 3.0
    assert node_unreachable(raised.value)


def test_a_revert_is_final_even_with_patience_and_keeps_its_data(node):
    node.script = [rpc_error(3, "execution reverted", "0x08c379a0")]
    with pytest.raises(RpcError) as raised:
        Rpc(node.url, patience=5).call("eth_call", [{}])
    assert raised.value.code == 3 and raised.value.data == "0x08c379a0"
    assert len(node.requests) == 1


def test_a_request_refused_with_a_client_error_status_is_not_retried(node):
    node.script = [http(403, b"forbidden")]
    with pytest.raises(RpcError, match=r"refused the request \(HTTP 403 Forbidden\)") as raised:
        Rpc(node.url, patience=5).call("eth_chainId")
    assert not isinstance(raised.value, NodeUnavailable) and len(node.requests) == 1


def test_a_timed_out_answer_is_retried_with_patience_and_reported_without(node):
    node.delay = 0.5
    with pytest.raises(NodeUnavailable, match=r"\(no answer in time\)$"):
        Rpc(node.url, timeout=0.2).call("eth_chainId")
    node.delay = 0.0

    def slow_once(_request):
        time.sleep(0.5)
        return None

    node.script = [slow_once]  # the second request is answered in time
    heard: list[str] = []
    assert Rpc(node.url, timeout=0.2, patience=5, log=heard.append).call("eth_chainId") == "ok:eth_chainId"
    assert "(no answer in time); retrying for up to 5 s" in heard[0]


def test_sends_already_known_arrived_and_refused_sends_are_final(node):
    def first_known(request):
        answer = _echo(request)
        answer[0] = {"jsonrpc": "2.0", "id": request[0]["id"], "error": {"code": -32000, "message": "already known"}}
        return 200, json.dumps(answer).encode()

    node.script = [first_known]
    sends = [("eth_sendRawTransaction", ["0x01"]), ("eth_sendRawTransaction", ["0x02"])]
    assert Rpc(node.url, patience=5).batch(sends, sends=True) == [None, "ok:eth_sendRawTransaction"]

    node.script = [rpc_error(-32000, "insufficient funds for gas * price + value")]
    with pytest.raises(RpcError, match="insufficient funds"):
        Rpc(node.url, patience=5).batch(sends, sends=True)


def test_a_lookup_a_node_answers_with_not_found_is_null_and_other_methods_keep_the_error(node):
    # Cosmos EVM answers a receipt or transaction it does not have with an error, where geth gives null.
    missing = "GetTxByEthHash 0xab: ethereum tx not found"
    tx = "0x" + "ab" * 32
    node.script = [rpc_error(-32000, missing), rpc_error(-32000, missing), rpc_error(-32000, missing)]
    rpc = Rpc(node.url, patience=5)
    assert rpc.call("eth_getTransactionReceipt", [tx]) is None
    assert rpc.call("eth_getTransactionByHash", [tx]) is None
    lookups = [("eth_getTransactionReceipt", [tx]), ("eth_getTransactionByHash", [tx])]
    assert rpc.batch(lookups) == [None, None]
    assert len(node.requests) == 3, "a missing transaction is an answer, not a failure to retry"

    node.script = [rpc_error(-32000, "header not found")]
    with pytest.raises(RpcError, match="header not found"):
        Rpc(node.url).call("eth_getBlockByNumber", ["0x99", False])
    node.script = [rpc_error(-32603, "receipt index: database closed")]
    with pytest.raises(RpcError, match="database closed"):
        Rpc(node.url).call("eth_getTransactionReceipt", [tx])


def test_ape_s_web3_reads_a_not_found_lookup_as_not_mined_yet_too(node):
    from types import SimpleNamespace

    from web3 import Web3
    from web3.exceptions import TransactionNotFound, Web3RPCError

    from medchain.cli.network import tolerate_missing_lookups

    tx = "0x" + "ab" * 32
    missing = rpc_error(-32000, "GetTxByEthHash 0xab: ethereum tx not found")
    provider = SimpleNamespace(web3=Web3(Web3.HTTPProvider(node.url)))
    node.script = [missing]
    with pytest.raises(Web3RPCError, match="ethereum tx not found"):
        provider.web3.eth.get_transaction_receipt(tx)

    tolerate_missing_lookups(provider)
    tolerate_missing_lookups(provider)  # once is enough: a second call adds nothing
    node.script = [missing]
    with pytest.raises(TransactionNotFound):  # what web3 says of a receipt that is not there yet
        provider.web3.eth.get_transaction_receipt(tx)
    node.script = [rpc_error(-32000, "header not found")]
    with pytest.raises(Web3RPCError, match="header not found"):
        provider.web3.eth.get_block(99)


def result(value) -> Script:
    return lambda request: (200, json.dumps({"jsonrpc": "2.0", "id": request["id"], "result": value}).encode())


@pytest.mark.parametrize(
    "answers, fees",
    [
        # a London chain whose node suggests a tip: twice the base fee plus the tip
        ([result({"baseFeePerGas": "0x64"}), result("0x5")], (205, 5)),
        # a node without eth_maxPriorityFeePerGas: the tip is its gas price less the base fee
        ([result({"baseFeePerGas": "0x64"}), rpc_error(-32601, "method not found"), result("0x6e")], (210, 10)),
        # a zero-fee chain (no base fee, a gas price of 0): nothing to pay
        ([result({"number": "0x1"}), rpc_error(-32601, "method not found"), result("0x0")], (0, 0)),
    ],
)
def test_fees_follow_the_node_down_to_a_zero_fee_chain(node, answers, fees):
    node.script = list(answers)
    assert Rpc(node.url).fees() == {"maxFeePerGas": fees[0], "maxPriorityFeePerGas": fees[1]}


def test_only_the_failed_calls_of_a_batch_are_sent_again(node):
    def second_fails(request):
        answer = _echo(request)
        answer[1] = {"jsonrpc": "2.0", "id": request[1]["id"], "error": {"code": -32603, "message": "busy"}}
        return 200, json.dumps(answer).encode()

    node.script = [second_fails]
    calls = [("a", []), ("b", []), ("c", [])]
    assert Rpc(node.url, patience=5).batch(calls) == ["ok:a", "ok:b", "ok:c"]
    assert [[c["method"] for c in r] for r in node.requests] == [["a", "b", "c"], ["b"]]


def test_a_kept_alive_connection_the_node_dropped_is_opened_again_once(node):
    rpc = Rpc(node.url)
    node.close_after_answer = True
    assert rpc.call("one") == "ok:one"
    assert rpc.call("two") == "ok:two"  # the first connection was closed under the client
    assert [r["method"] for r in node.requests] == ["one", "two"]


def test_logs_parse_into_slots_that_read_like_json_objects(node):
    answer = {
        "jsonrpc": "2.0",
        "id": 1,
        "result": [
            {
                "address": "0x" + "11" * 20,
                "topics": ["0x" + "22" * 32],
                "data": "0x",
                "blockNumber": "0x5",
                "blockHash": "0x" + "33" * 32,
                "transactionHash": "0x" + "44" * 32,
                "transactionIndex": "0x0",
                "logIndex": "0x2",
                "removed": False,
                "extraField": "ignored",
            }
        ],
    }
    node.script = [http(200, json.dumps(answer).encode())]
    (log,) = Rpc(node.url).get_logs(["0x" + "11" * 20], 0, 5)
    assert isinstance(log, Log) and log["blockNumber"] == log.blockNumber == "0x5"
    assert log.get("blockTimestamp") is None and log.get("nonsense", 7) == 7
    assert node.requests[0]["params"] == [{"address": ["0x" + "11" * 20], "fromBlock": "0x0", "toBlock": "0x5"}]


def test_an_answer_that_is_not_json_rpc_is_an_rpc_error(node):
    node.script = [http(200, json.dumps({"jsonrpc": "2.0", "id": 1, "result": [{"address": 5}]}).encode())]
    with pytest.raises(RpcError, match="^eth_getLogs: the node's answer is not what JSON-RPC specifies"):
        Rpc(node.url).get_logs(["0x" + "11" * 20], 0, 1)
    node.script = [http(200, b"<html>")]
    with pytest.raises(RpcError, match="^eth_chainId: the node's answer is not what JSON-RPC specifies"):
        Rpc(node.url).call("eth_chainId")


def test_an_answer_over_the_byte_limit_is_dropped_unread(node):
    big = {"jsonrpc": "2.0", "id": 1, "result": []}
    node.script = [http(200, json.dumps(big).encode() + b" " * 500)]
    with pytest.raises(ResponseTooLarge, match="over the page limit of 100 bytes") as raised:
        Rpc(node.url).get_logs(["0x" + "11" * 20], 0, 1, max_bytes=100)
    assert raised.value.size == len(json.dumps(big)) + 500


def test_a_url_that_is_not_http_is_refused_naming_the_argument():
    with pytest.raises(RpcError, match=r"^url: not an http\(s\) JSON-RPC URL: 'ws://x'$"):
        Rpc("ws://x")


def test_transport_errors_of_requests_are_described_and_classified():
    requests = pytest.importorskip("requests")
    response = requests.Response()
    response.status_code, response.reason = 502, "Bad Gateway"
    wrapped = RuntimeError("the provider failed")
    wrapped.__cause__ = requests.exceptions.HTTPError(response=response)
    assert describe(wrapped) == "HTTP 502 Bad Gateway" and node_unreachable(wrapped)
    response.status_code, response.reason = 400, "Bad Request"
    assert not node_unreachable(wrapped)
    assert describe(requests.exceptions.ReadTimeout()) == "no answer in time"
    assert node_unreachable(requests.exceptions.ConnectionError("Connection refused"))
    assert not node_unreachable(ValueError("a bad argument"))
