"""A small JSON-RPC client for reading history: plain HTTP (one kept-alive session), batches, and
errors that tell a node's ``eth_getLogs`` limits apart from real failures.

The auditor's tools talk to the node directly rather than through ape's event query, which is slow
on long histories (ApeWorX/ape issue 1119).
"""

from __future__ import annotations

import http.client
import json
import re
import threading
import urllib.parse
from typing import Any, Sequence

import msgspec

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
    """An error answer from the node."""

    def __init__(self, method: str, error: Any):
        self.method, self.error = method, error
        message = error.get("message", str(error)) if isinstance(error, dict) else str(error)
        self.code = error.get("code") if isinstance(error, dict) else None
        super().__init__(f"{method}: {message}" + (f" (code {self.code})" if self.code is not None else ""))

    @property
    def is_range_limit(self) -> bool:
        return self.method == "eth_getLogs" and (self.code == -32005 or bool(_LIMIT_PATTERNS.search(str(self))))

    @property
    def suggested_range(self) -> tuple[int, int] | None:
        match = _SUGGESTED.search(str(self))
        return (int(match.group(1), 16), int(match.group(2), 16)) if match else None


class ResponseTooLarge(RpcError):
    """An answer over the caller's byte limit, dropped unread (``size``: its length, when the node sent
    one). The indexer asks for fewer blocks instead, so one page never costs more memory than the limit."""

    def __init__(self, method: str, size: int | None, limit: int):
        self.size, self.limit = size, limit
        over = f"{size:,} bytes" if size is not None else "more"
        super().__init__(method, {"message": f"answer of {over} is over the page limit of {limit:,} bytes"})


class Rpc:
    """JSON-RPC over HTTP(S), one kept-alive connection per thread. ``call`` for one request, ``batch``
    for several in one round trip. (The standard library's http.client: quick to import, no pool.)"""

    def __init__(self, url: str, timeout: float = 120.0, batch_size: int = 100):
        self.url, self.timeout, self.batch_size = url, timeout, batch_size
        parts = urllib.parse.urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise RpcError("http", {"message": f"not an http(s) JSON-RPC URL: {url!r}"})
        self._https = parts.scheme == "https"
        self._host, self._port = parts.hostname, parts.port
        self._path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        self._local = threading.local()
        self._id = 0
        self._lock = threading.Lock()

    def _connection(self) -> http.client.HTTPConnection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            cls = http.client.HTTPSConnection if self._https else http.client.HTTPConnection
            conn = cls(self._host, self._port, timeout=self.timeout)
            self._local.conn = conn
        return conn

    def _post(self, payload: Any, max_bytes: int | None = None, decode: Any = json.loads) -> Any:
        """The answer, parsed by ``decode``. With ``max_bytes``, a longer answer is dropped unread (the
        connection is closed) and :class:`ResponseTooLarge` raised."""
        body = json.dumps(payload).encode()
        for attempt in (0, 1):  # a kept-alive connection the node closed is opened again, once
            try:
                conn = self._connection()
                conn.request("POST", self._path, body, {"Content-Type": "application/json"})
                response = conn.getresponse()
                if max_bytes is None:
                    data = response.read()
                    break
                length = response.getheader("Content-Length")
                size = int(length) if length and length.isdigit() else None
                data = b"" if size is not None and size > max_bytes else response.read(max_bytes + 1)
                if len(data) > max_bytes or size is not None and size > max_bytes:
                    conn.close()
                    self._local.conn = None
                    raise ResponseTooLarge(payload.get("method", "?"), size, max_bytes)
                break
            except (http.client.HTTPException, OSError) as err:
                self._local.conn = None
                if attempt:
                    raise RpcError("http", {"message": f"cannot reach the node at {self.url}: {err}"}) from err
        if response.status >= 400 and not data.startswith((b"{", b"[")):
            raise RpcError("http", {"message": f"HTTP {response.status} from {self.url}: {data[:200]!r}"})
        try:
            return decode(data)
        except (ValueError, msgspec.DecodeError) as err:
            method = payload.get("method", "?") if isinstance(payload, dict) else "batch"
            raise RpcError(method, {"message": f"the node's answer is not what JSON-RPC specifies: {err}"}) from err

    def _next_ids(self, n: int) -> int:
        with self._lock:
            first = self._id + 1
            self._id += n
        return first

    def call(self, method: str, params: Sequence[Any] = ()) -> Any:
        answer = self._post({"jsonrpc": "2.0", "id": self._next_ids(1), "method": method, "params": list(params)})
        if "error" in answer:
            raise RpcError(method, answer["error"])
        return answer["result"]

    def batch(self, calls: Sequence[tuple[str, Sequence[Any]]]) -> list[Any]:
        """Results in the order of ``calls``; sent ``batch_size`` to a request."""
        results: list[Any] = []
        for start in range(0, len(calls), self.batch_size):
            chunk = calls[start:start + self.batch_size]
            first = self._next_ids(len(chunk))
            payload = [{"jsonrpc": "2.0", "id": first + i, "method": m, "params": list(p)} for i, (m, p) in enumerate(chunk)]
            answer = self._post(payload)
            if isinstance(answer, dict):  # the node refused the batch as a whole
                raise RpcError(chunk[0][0], answer.get("error", answer))
            by_id = {item["id"]: item for item in answer}
            for i, (method, _) in enumerate(chunk):
                item = by_id.get(first + i)
                if item is None:
                    raise RpcError(method, {"message": "no answer in the batch"})
                if "error" in item:
                    raise RpcError(method, item["error"])
                results.append(item["result"])
        return results

    # -- helpers ------------------------------------------------------------------------------
    def chain_id(self) -> int:
        return int(self.call("eth_chainId"), 16)

    def block_number(self) -> int:
        return int(self.call("eth_blockNumber"), 16)

    def block_hashes(self, numbers: Sequence[int]) -> dict[int, str | None]:
        """The canonical hash of each block number (None past the head)."""
        blocks = self.batch([("eth_getBlockByNumber", [hex(n), False]) for n in numbers])
        return {n: (b["hash"] if b else None) for n, b in zip(numbers, blocks)}

    def get_logs(self, addresses: Sequence[str], from_block: int, to_block: int,
                 max_bytes: int | None = None, topics: Sequence[str | Sequence[str] | None] | None = None) -> list[Log]:
        """The logs of ``addresses`` in the blocks, matching ``topics`` (an ``eth_getLogs`` topics filter)
        when given; over ``max_bytes`` of JSON: :class:`ResponseTooLarge`."""
        query: dict[str, Any] = {"address": list(addresses), "fromBlock": hex(from_block), "toBlock": hex(to_block)}
        if topics:
            query["topics"] = [t if t is None or isinstance(t, str) else list(t) for t in topics]
        answer = self._post({"jsonrpc": "2.0", "id": self._next_ids(1), "method": "eth_getLogs",
                             "params": [query]}, max_bytes, _LOGS_DECODER.decode)
        if answer.error is not None:
            raise RpcError("eth_getLogs", answer.error)
        if answer.result is None:
            raise RpcError("eth_getLogs", {"message": "the answer has neither a result nor an error"})
        return answer.result
