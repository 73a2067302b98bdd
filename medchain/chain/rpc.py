"""JSON-RPC to a node over HTTP(S): one kept-alive connection per thread, batches, ``eth_getLogs``
parsed straight into slots, and errors that say what happened.

:class:`Rpc` is the one transport of the package. Used as is (``patience=0``), every failure is
raised at once: an error answer as :class:`RpcError` (which tells a node's ``eth_getLogs`` limits
apart from real failures), an unreachable node as :class:`NodeUnavailable`. With ``patience`` (the
bulk submitter), it retries for up to that many seconds what may pass:

- transport failures: connection refused or reset, timeouts, HTTP 429 and 5xx, garbled answers;
- JSON-RPC errors, except those that cannot change on their own (:data:`FINAL_CODES`: a revert, an
  invalid request; a node's log-range limit; a send the node refuses for good, :data:`REFUSED_SEND`).

Retrying ``eth_sendRawTransaction`` is always safe: the same signed bytes are the same transaction,
which can be mined once at most. A node that answers "already known" or "nonce too low" to a retried
send (:data:`ALREADY_SENT`) got the transaction the first time (or mined it): ``batch(...,
sends=True)`` gives None for it, and the caller learns what became of it from receipts.

The standard library's http.client is the client: quick to import, no pool, and several times faster
than a web3 provider for the many small requests of a bulk run (on anvil: ~0.5 ms a call against ~1.9 ms,
~2.7 ms for a batch of 100 against ~13 ms).
"""

from __future__ import annotations

import http.client
import json
import re
import socket
import sys
import threading
import time
import urllib.parse
from collections.abc import Callable, Iterator, Sequence
from typing import Any

import msgspec

#: JSON-RPC error codes that a retry cannot change: execution reverted, invalid request / method / params.
FINAL_CODES = frozenset({3, -32600, -32601, -32602})
#: A retried send that the node already has, or has mined: it arrived.
ALREADY_SENT = re.compile(r"already (known|imported)|known transaction|nonce too low", re.I)
#: A send the node refuses for good (retrying the same bytes cannot help).
REFUSED_SEND = re.compile(
    r"insufficient funds|intrinsic gas|gas limit|exceeds block gas|underpriced|fee cap|invalid sender|"
    r"invalid signature|invalid chain ?id|less than block base fee",
    re.I,
)
#: Lookups that some nodes answer with an error, not null, for a transaction they do not have (Cosmos
#: EVM: "GetTxByEthHash ...: ethereum tx not found", code -32000): such an answer is null, as geth gives.
_LOOKUPS = frozenset({"eth_getTransactionReceipt", "eth_getTransactionByHash"})
_NOT_FOUND = re.compile(r"\bnot found\b", re.I)
#: Methods whose refusal for a reason in REFUSED_SEND (no funds, a bad fee...) is final, never retried.
_TRANSACTION_METHODS = frozenset({"eth_sendRawTransaction", "eth_estimateGas", "eth_call"})
#: Phrases nodes use when an ``eth_getLogs`` range or result is over their limit (geth, Besu,
#: Erigon, Nethermind, Infura, Alchemy, QuickNode...). Such an error means: ask for fewer blocks.
_LIMIT_PATTERNS = re.compile(
    r"more than \d+ results|too many results|query returned more than|block range|range is too (wide|large)|"
    r"exceed(s|ed)? (the )?(max|maximum|limit)|limit exceeded|response size|too large|query timeout|"
    r"max results|range too large|log response size",
    re.IGNORECASE,
)
#: Some nodes suggest a range that would work: "try with this block range [0x1, 0x2a]".
_SUGGESTED = re.compile(r"\[(0x[0-9a-fA-F]+),\s*(0x[0-9a-fA-F]+)\]")
#: Failures of a kept-alive connection that the node closed meanwhile: opened again at once, once.
_STALE = (
    http.client.RemoteDisconnected,
    http.client.CannotSendRequest,
    http.client.BadStatusLine,
    ConnectionResetError,
    BrokenPipeError,
    ConnectionAbortedError,
)


class Log(msgspec.Struct, frozen=True):
    """One ``eth_getLogs`` entry, parsed straight from the answer's JSON into slots (about half the
    time of ``json.loads`` into dicts for a page of 5,000 logs). Read as attributes, or as
    ``log["blockNumber"]`` like the JSON object it came from."""

    address: str
    topics: list[str]
    data: str
    blockNumber: str
    blockHash: str
    transactionHash: str
    transactionIndex: str
    logIndex: str
    blockTimestamp: str | None = None  # newer nodes include the block's time
    removed: bool = False

    def __getitem__(self, name: str) -> Any:
        return getattr(self, name)

    def get(self, name: str, default: Any = None) -> Any:
        return getattr(self, name, default)


class _LogsAnswer(msgspec.Struct):
    result: list[Log] | None = None
    error: Any = None


_LOGS_DECODER = msgspec.json.Decoder(_LogsAnswer)


class RpcError(RuntimeError):
    """A JSON-RPC request that failed: the node's error answer (``method``, ``error``, ``code``), or,
    for the subclasses, no usable answer at all. ``NodeError`` is another name for this class."""

    def __init__(self, method: str, error: Any, message: str | None = None):
        self.method, self.error = method, error
        self.code = error.get("code") if isinstance(error, dict) else None
        self.data = error.get("data") if isinstance(error, dict) else None
        #: The transaction request the failure was about, where the sender knows it (``from``, ``to``, ...).
        self.request: dict[str, Any] | None = None
        if message is None:
            message = f"{method}: {_text(error)}" + (f" (code {self.code})" if self.code is not None else "")
        super().__init__(message)

    @property
    def is_range_limit(self) -> bool:
        """Whether this is a node's limit on an ``eth_getLogs`` range or result (ask for fewer blocks)."""
        return self.method == "eth_getLogs" and (self.code == -32005 or bool(_LIMIT_PATTERNS.search(str(self))))

    @property
    def suggested_range(self) -> tuple[int, int] | None:
        """The block range the node suggests in its error, if it does."""
        match = _SUGGESTED.search(str(self))
        return (int(match.group(1), 16), int(match.group(2), 16)) if match else None


#: The node refused a request for good, or did not answer it (:class:`NodeUnavailable`): the same
#: class as :class:`RpcError`, named for callers that catch every failure of the node.
NodeError = RpcError


class NodeUnavailable(RpcError):
    """The node did not answer usefully (within the patience): unreachable, timing out or failing."""

    def __init__(self, method: str, message: str):
        super().__init__(method, {"message": message}, message)


class ResponseTooLarge(RpcError):
    """An answer over the caller's byte limit, dropped unread (``size``: its length, when the node sent
    one). The indexer asks for fewer blocks instead, so one page never costs more memory than the limit."""

    def __init__(self, method: str, size: int | None, limit: int):
        self.size, self.limit = size, limit
        over = f"{size:,} bytes" if size is not None else "more"
        super().__init__(method, {"message": f"answer of {over} is over the page limit of {limit:,} bytes"})


class HttpStatusError(Exception):
    """An HTTP error status with no JSON-RPC answer in its body (``status``, ``reason``)."""

    def __init__(self, status: int, reason: str, body: bytes):
        self.status, self.reason = status, reason
        super().__init__(f"HTTP {status} {reason}".strip() + (f": {body[:200]!r}" if body else ""))


class _BadAnswer(ValueError):
    """An answer that is not JSON, or not the JSON-RPC shape expected."""


class _Transient(Exception):
    """A JSON-RPC error that a retry may clear (internal error, rate limit, node busy)."""

    def __init__(self, reason: str, error: RpcError):
        super().__init__(reason)
        self.error = error


def describe(err: BaseException) -> str:
    """A short account of a transport error: 'connection refused', 'no answer in time', 'HTTP 502 Bad Gateway'.

    Reads this module's errors and, anywhere in ``err``'s causes, those of requests (web3, ape)."""
    requests = sys.modules.get("requests")
    for cause in _chain(err):
        status = _http_status(cause, requests)
        if status is not None:
            return f"HTTP {status[0]} {status[1]}".strip()
        if isinstance(cause, TimeoutError) or (requests and isinstance(cause, requests.exceptions.Timeout)):
            return "no answer in time"
        if isinstance(cause, ConnectionRefusedError) or "Connection refused" in str(cause):
            return "connection refused"
        if (
            isinstance(cause, (ConnectionResetError, BrokenPipeError, http.client.RemoteDisconnected))
            or (requests and isinstance(cause, requests.exceptions.ChunkedEncodingError))
            or "reset by peer" in str(cause)
            or "RemoteDisconnected" in str(cause)
        ):
            return "connection dropped"
        if isinstance(cause, (json.JSONDecodeError, _BadAnswer)):
            return "an answer that is not JSON"
        if isinstance(cause, socket.gaierror):
            return "no such host"
    return type(err).__name__ + (f": {err}" if str(err) else "")


def node_unreachable(err: BaseException) -> bool:
    """Whether ``err`` (or anything it was raised from) is a transport failure or a 429/5xx answer."""
    requests = sys.modules.get("requests")
    transport: tuple[type[BaseException], ...] = (
        ConnectionError,
        TimeoutError,
        socket.gaierror,
        http.client.HTTPException,
        json.JSONDecodeError,
        _BadAnswer,
    )
    if requests is not None:
        transport += (
            requests.exceptions.ConnectionError,
            requests.exceptions.Timeout,
            requests.exceptions.ChunkedEncodingError,
        )
    for cause in _chain(err):
        if isinstance(cause, NodeUnavailable):
            return True
        status = _http_status(cause, requests)
        if status is not None:
            return status[0] == 429 or status[0] >= 500
        if isinstance(cause, transport):
            return True
    return False


def _http_status(err: BaseException, requests: Any) -> tuple[int, str] | None:
    if isinstance(err, HttpStatusError):
        return err.status, err.reason
    if requests is not None and isinstance(err, requests.exceptions.HTTPError):
        response = err.response
        return (response.status_code, response.reason or "") if response is not None else (500, "")
    return None


def _chain(err: BaseException | None) -> Iterator[BaseException]:
    seen = set()
    while err is not None and id(err) not in seen:
        seen.add(id(err))
        yield err
        err = err.__cause__ or err.__context__


def missing(method: str, error: Any) -> bool:
    """Whether ``error`` is a node's way of saying "no such transaction" to a lookup (a null result)."""
    return method in _LOOKUPS and bool(_NOT_FOUND.search(_text(error)))


def _text(error: Any) -> str:
    if isinstance(error, dict):
        return str(error.get("message", error))
    return str(error)


class Rpc:
    """JSON-RPC over HTTP(S) to the node at ``url``: ``call`` for one request, ``batch`` for several in
    one round trip (``batch_size`` to a request), ``get_logs`` for a page of logs.

    ``timeout``: seconds one request may take. ``patience``: seconds a node that does not answer
    usefully is retried before :class:`NodeUnavailable` (0: no retry); ``log`` hears of each first
    retry. ``name`` is how messages call the node ("the node at <url>").
    """

    def __init__(
        self,
        url: str,
        timeout: float = 120.0,
        batch_size: int = 100,
        *,
        patience: float = 0.0,
        log: Callable[[str], None] | None = None,
        name: str | None = None,
    ):
        parts = urllib.parse.urlsplit(url) if isinstance(url, str) else None
        if parts is None or parts.scheme not in ("http", "https") or not parts.hostname:
            raise RpcError("url", {"message": f"not an http(s) JSON-RPC URL: {url!r}"})
        if batch_size < 1:
            raise ValueError(f"batch_size: must be at least 1, not {batch_size}")
        self.url, self.timeout, self.batch_size = url, timeout, batch_size
        self.patience = patience
        self.log = log or (lambda _message: None)
        self.name = name or f"the node at {url}"
        self._https = parts.scheme == "https"
        self._host, self._port = parts.hostname, parts.port
        self._path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        self._local = threading.local()
        self._id = 0
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"Rpc({self.url!r}, patience={self.patience})"

    # -- one HTTP exchange -------------------------------------------------------------------------

    def _connection(self) -> http.client.HTTPConnection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            cls = http.client.HTTPSConnection if self._https else http.client.HTTPConnection
            conn = cls(self._host, self._port, timeout=self.timeout)
            self._local.conn = conn
            self._local.used = False
        return conn

    def _drop_connection(self) -> None:
        conn = getattr(self._local, "conn", None)
        self._local.conn = None
        if conn is not None:
            conn.close()

    def _post(self, payload: Any, max_bytes: int | None = None, decode: Callable[[bytes], Any] = json.loads) -> Any:
        """One HTTP round trip: the answer, parsed by ``decode``. Transport failures raise OSError,
        http.client's errors, :class:`HttpStatusError` or :class:`_BadAnswer`. With ``max_bytes``, a
        longer answer is dropped unread (the connection is closed) and :class:`ResponseTooLarge` raised."""
        body = json.dumps(payload).encode()
        method = payload.get("method", "?") if isinstance(payload, dict) else "batch"
        while True:  # a kept-alive connection the node closed meanwhile is opened again, once
            conn = self._connection()
            reused = self._local.used
            try:
                conn.request("POST", self._path, body, {"Content-Type": "application/json"})
                response = conn.getresponse()
                self._local.used = True
                if max_bytes is None:
                    data = response.read()
                else:
                    length = response.getheader("Content-Length")
                    size = int(length) if length and length.isdigit() else None
                    data = b"" if size is not None and size > max_bytes else response.read(max_bytes + 1)
                    if len(data) > max_bytes or size is not None and size > max_bytes:
                        self._drop_connection()
                        raise ResponseTooLarge(method, size, max_bytes)
                break
            except (http.client.HTTPException, OSError) as err:
                self._drop_connection()
                if not (reused and isinstance(err, _STALE)):
                    raise
        if response.status >= 400 and not data.lstrip().startswith((b"{", b"[")):
            raise HttpStatusError(response.status, response.reason or "", data)
        try:
            return decode(data)
        except (ValueError, msgspec.DecodeError) as err:
            raise _BadAnswer(f"the node's answer is not what JSON-RPC specifies: {err}") from err

    # -- patience ---------------------------------------------------------------------------------

    def _judge(self, method: str, error: Any, sends: bool) -> RpcError:
        """The error for ``error``, raised if no retry can change it (or there is no patience)."""
        failure = RpcError(method, error)
        if (
            not self.patience
            or failure.code in FINAL_CODES
            or failure.is_range_limit
            or (sends and REFUSED_SEND.search(_text(error)))
        ):
            raise failure
        return failure

    def _with_patience(self, what: str, attempt: Callable[[], Any]) -> Any:
        started, delay = None, 0.1
        while True:
            try:
                return attempt()
            except _Transient as err:
                reason = str(err)
            except _BadAnswer as err:
                if not self.patience:
                    raise RpcError(what, {"message": str(err)}) from err
                reason = describe(err)
            except HttpStatusError as err:
                if not node_unreachable(err):
                    raise RpcError(what, {"message": f"{self.name} refused the request ({describe(err)})"}) from None
                if not self.patience:
                    raise NodeUnavailable(what, f"{what}: {self.name} failed ({describe(err)})") from err
                reason = describe(err)
            except (http.client.HTTPException, OSError) as err:
                if not self.patience:
                    raise NodeUnavailable(what, f"{what}: cannot reach {self.name} ({describe(err)})") from err
                reason = describe(err)
            now = time.monotonic()
            if started is None:
                started = now
                self.log(f"{self.name} is not answering {what} ({reason}); retrying for up to {self.patience:.0f} s")
            elif now - started >= self.patience:
                raise NodeUnavailable(what, f"{self.name} has not answered {what} for {self.patience:.0f} s ({reason})")
            time.sleep(min(delay, max(0.0, started + self.patience - now)))
            delay = min(2 * delay, 2.0)

    def _next_ids(self, n: int) -> int:
        with self._lock:
            first = self._id + 1
            self._id += n
        return first

    # -- requests ---------------------------------------------------------------------------------

    def call(self, method: str, params: Sequence[Any] = ()) -> Any:
        """The result of one call: :class:`RpcError` if refused, :class:`NodeUnavailable` if not answered."""

        def attempt() -> Any:
            answer = self._post({"jsonrpc": "2.0", "id": self._next_ids(1), "method": method, "params": list(params)})
            if not isinstance(answer, dict) or ("result" not in answer and "error" not in answer):
                raise _BadAnswer(f"the node's answer is not what JSON-RPC specifies: {str(answer)[:200]}")
            if "error" in answer:
                if missing(method, answer["error"]):
                    return None
                failure = self._judge(method, answer["error"], sends=method in _TRANSACTION_METHODS)
                raise _Transient(f"{method}: {_text(answer['error'])}", failure)
            return answer["result"]

        return self._with_patience(method, attempt)

    def batch(self, calls: Sequence[tuple[str, Sequence[Any]]], *, sends: bool = False) -> list[Any]:
        """Results of ``calls`` in order, sent ``batch_size`` to a request; with patience, the calls that
        failed are retried (alone, not the whole batch).

        With ``sends`` (every call an ``eth_sendRawTransaction``), "already known" or "nonce too low"
        means the transaction arrived (its result is None), and a refusal for good raises at once.
        """
        results: list[Any] = [None] * len(calls)
        for start in range(0, len(calls), self.batch_size):
            todo = list(range(start, min(start + self.batch_size, len(calls))))

            def attempt() -> None:
                nonlocal todo
                first = self._next_ids(len(todo))
                payload = [
                    {"jsonrpc": "2.0", "id": first + n, "method": calls[i][0], "params": list(calls[i][1])}
                    for n, i in enumerate(todo)
                ]
                answer = self._post(payload)
                if not isinstance(answer, list):  # the node refused the batch as a whole
                    error = answer.get("error", answer) if isinstance(answer, dict) else answer
                    raise RpcError(
                        calls[todo[0]][0],
                        error,
                        f"{self.name} refused a JSON-RPC batch of {len(todo)} {calls[todo[0]][0]}: {_text(error)}",
                    )
                by_id = {item.get("id"): item for item in answer if isinstance(item, dict)}
                failed, last = [], None
                for n, i in enumerate(todo):
                    method = calls[i][0]
                    item = by_id.get(first + n)
                    if item is None:
                        raise RpcError(method, {"message": "no answer in the batch"})
                    error = item.get("error")
                    if error is None:
                        results[i] = item.get("result")
                    elif (sends and ALREADY_SENT.search(_text(error))) or missing(method, error):
                        results[i] = None
                    else:
                        last = self._judge(method, error, sends)
                        failed.append(i)
                todo = failed
                if last is not None:
                    raise _Transient(f"{last.method}: {_text(last.error)}", last)

            self._with_patience(calls[todo[0]][0], attempt)
        return results

    def get_logs(
        self,
        addresses: Sequence[str],
        from_block: int,
        to_block: int,
        max_bytes: int | None = None,
        topics: Sequence[str | Sequence[str] | None] | None = None,
    ) -> list[Log]:
        """The logs of ``addresses`` in the blocks, matching ``topics`` (an ``eth_getLogs`` topics filter)
        when given; over ``max_bytes`` of JSON: :class:`ResponseTooLarge`."""
        query: dict[str, Any] = {"address": list(addresses), "fromBlock": hex(from_block), "toBlock": hex(to_block)}
        if topics:
            query["topics"] = [t if t is None or isinstance(t, str) else list(t) for t in topics]

        def attempt() -> list[Log]:
            answer = self._post(
                {"jsonrpc": "2.0", "id": self._next_ids(1), "method": "eth_getLogs", "params": [query]},
                max_bytes,
                _LOGS_DECODER.decode,
            )
            if answer.error is not None:
                failure = self._judge("eth_getLogs", answer.error, sends=False)
                raise _Transient(f"eth_getLogs: {_text(answer.error)}", failure)
            if answer.result is None:
                raise _BadAnswer(
                    "the node's answer is not what JSON-RPC specifies: it has neither a result nor an error"
                )
            return answer.result

        return self._with_patience("eth_getLogs", attempt)

    # -- helpers ----------------------------------------------------------------------------------

    def chain_id(self) -> int:
        """``eth_chainId`` as an int."""
        return int(self.call("eth_chainId"), 16)

    def fees(self) -> dict[str, int]:
        """EIP-1559 fees for a transaction sent now: ``maxPriorityFeePerGas``, the node's suggested tip (a
        node without ``eth_maxPriorityFeePerGas``: its gas price less the base fee), and ``maxFeePerGas``,
        twice the latest base fee plus the tip. On a zero-fee chain (no base fee, a gas price of 0) both
        are 0, so accounts without funds can send."""
        block = self.call("eth_getBlockByNumber", ["latest", False])
        base = int(block.get("baseFeePerGas") or "0x0", 16)
        try:
            tip = int(self.call("eth_maxPriorityFeePerGas"), 16)
        except RpcError as err:
            if isinstance(err, NodeUnavailable):
                raise
            tip = max(int(self.call("eth_gasPrice"), 16) - base, 0)
        return {"maxFeePerGas": 2 * base + tip, "maxPriorityFeePerGas": tip}

    def block_number(self) -> int:
        """``eth_blockNumber`` as an int."""
        return int(self.call("eth_blockNumber"), 16)

    def block_hashes(self, numbers: Sequence[int]) -> dict[int, str | None]:
        """The canonical hash of each block number (None past the head)."""
        blocks = self.batch([("eth_getBlockByNumber", [hex(n), False]) for n in numbers])
        return {n: (b["hash"] if b else None) for n, b in zip(numbers, blocks)}
