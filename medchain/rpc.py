"""JSON-RPC to a node that may go away: retries within a patience, and errors that say what happened.

Scripts that send many transactions (the bulk claim submitter) must tell a node that is briefly
unreachable, slow or failing from one that refuses for good, and must never guess whether a
transaction they sent arrived. :class:`NodeClient` retries, for up to ``patience`` seconds:

- transport failures: connection refused or reset, timeouts, HTTP 429 and 5xx, garbled answers;
- JSON-RPC errors, except those that cannot change on their own (a revert, an invalid request).

Retrying ``eth_sendRawTransaction`` is always safe: the same signed bytes are the same transaction,
which can be mined once at most. A node that answers "already known" or "nonce too low" to a retry
got the transaction the first time (or mined it): the caller learns what became of it from receipts.
"""

from __future__ import annotations

import json
import re
import time
from typing import Any, Callable

import requests

#: Errors of the transport (not of the node's answer), for any JSON-RPC client (requests, urllib, ape).
TRANSPORT_ERRORS: tuple[type[BaseException], ...] = (
    requests.exceptions.ConnectionError, requests.exceptions.Timeout, requests.exceptions.ChunkedEncodingError,
    ConnectionError, TimeoutError, json.JSONDecodeError,
)
#: JSON-RPC error codes that a retry cannot change: execution reverted, invalid request / method / params.
FINAL_CODES = {3, -32600, -32601, -32602}
#: A retried send that the node already has, or has mined: it arrived.
ALREADY_SENT = re.compile(r"already (known|imported)|known transaction|nonce too low", re.I)
#: A send the node refuses for good (retrying the same bytes cannot help).
REFUSED_SEND = re.compile(
    r"insufficient funds|intrinsic gas|gas limit|exceeds block gas|underpriced|fee cap|invalid sender|"
    r"invalid signature|invalid chain ?id|less than block base fee", re.I)


class NodeError(RuntimeError):
    """The node refused a request for good (the message names the method and the node's error)."""


class NodeUnavailable(NodeError):
    """The node did not answer usefully within the patience: unreachable, timing out or failing."""


def describe(err: BaseException) -> str:
    """A short account of a transport error: 'connection refused', 'no answer in time', 'HTTP 502 Bad Gateway'."""
    for cause in _chain(err):
        if isinstance(cause, requests.exceptions.HTTPError) and cause.response is not None:
            return f"HTTP {cause.response.status_code} {cause.response.reason or ''}".strip()
        if isinstance(cause, (requests.exceptions.Timeout, TimeoutError)):
            return "no answer in time"
        if isinstance(cause, ConnectionRefusedError) or "Connection refused" in str(cause):
            return "connection refused"
        if isinstance(cause, (ConnectionResetError, requests.exceptions.ChunkedEncodingError)) or \
                "reset by peer" in str(cause) or "RemoteDisconnected" in str(cause):
            return "connection dropped"
        if isinstance(cause, json.JSONDecodeError):
            return "an answer that is not JSON"
    return type(err).__name__ + (f": {err}" if str(err) else "")


def node_unreachable(err: BaseException) -> bool:
    """Whether ``err`` (or anything it was raised from) is a transport failure or a 429/5xx answer."""
    for cause in _chain(err):
        if isinstance(cause, NodeUnavailable):
            return True
        if isinstance(cause, requests.exceptions.HTTPError):
            status = cause.response.status_code if cause.response is not None else 500
            return status == 429 or status >= 500
        if isinstance(cause, TRANSPORT_ERRORS):
            return True
    return False


def _chain(err: BaseException):
    seen = set()
    while err is not None and id(err) not in seen:
        seen.add(id(err))
        yield err
        err = err.__cause__ or err.__context__


def http_web3(uri: str, timeout: float) -> Any:
    """A Web3 on ``uri`` whose requests give up after ``timeout`` seconds and are not retried by web3
    itself (ape's own waits 30 minutes; :class:`NodeClient` does the retrying, and says so)."""
    from web3 import HTTPProvider, Web3

    return Web3(HTTPProvider(uri, request_kwargs={"timeout": timeout}, exception_retry_configuration=None))


class _Transient(Exception):
    """A JSON-RPC error that a retry may clear (internal error, rate limit, node busy)."""


class NodeClient:
    """JSON-RPC through a web3 provider, retrying what may pass for up to ``patience`` seconds."""

    def __init__(self, provider: Any, *, patience: float = 30.0, log: Callable[[str], None] = lambda _m: None,
                 name: str | None = None):
        self.provider = provider
        self.patience = patience
        self.log = log
        uri = getattr(provider, "endpoint_uri", None) or getattr(getattr(provider, "_active_provider", None),
                                                               "endpoint_uri", None)  # web3's AutoProvider
        self.name = name or (f"the node at {uri}" if uri else "the node")

    def call(self, method: str, params: list[Any]) -> Any:
        """The result of one call (:class:`NodeError` if refused for good, :class:`NodeUnavailable`)."""
        def attempt() -> Any:
            answer = self.provider.make_request(method, params)
            if "error" in answer:
                self._judge(method, answer["error"], sends=False)
                raise _Transient(f"{method}: {_text(answer['error'])}")
            return answer.get("result")
        return self._with_patience(method, attempt)

    def batch(self, calls: list[tuple[str, list[Any]]], *, sends: bool = False) -> list[Any]:
        """Results of a JSON-RPC batch, in order; failed calls are retried alone.

        With ``sends`` (every call an ``eth_sendRawTransaction``), "already known" or "nonce too low"
        means the transaction arrived (its result is None) and a refusal for good raises :class:`NodeError`.
        """
        results: list[Any] = [None] * len(calls)
        todo = list(range(len(calls)))

        def attempt() -> list[Any]:
            nonlocal todo
            answers = self.provider.make_batch_request([calls[i] for i in todo])
            if not isinstance(answers, list):  # the node refused the batch as a whole
                raise NodeError(f"{self.name} refused a JSON-RPC batch of {len(todo)} {calls[todo[0]][0]}: "
                                f"{_text(answers.get('error', answers) if isinstance(answers, dict) else answers)}")
            failed, last = [], None
            for i, answer in zip(todo, answers):
                error = answer.get("error")
                if error is None:
                    results[i] = answer.get("result")
                elif sends and ALREADY_SENT.search(_text(error)):
                    results[i] = None
                else:
                    self._judge(calls[i][0], error, sends)
                    failed.append(i)
                    last = error
            todo = failed
            if failed:
                raise _Transient(f"{calls[failed[0]][0]}: {_text(last)}")
            return results

        return self._with_patience(calls[0][0], attempt) if calls else []

    def _judge(self, method: str, error: Any, sends: bool) -> None:
        """Raise for an error no retry can change; return for one that may pass."""
        message = _text(error)
        code = error.get("code") if isinstance(error, dict) else None
        if code in FINAL_CODES or (sends and REFUSED_SEND.search(message)):
            raise NodeError(f"{method}: {message}")

    def _with_patience(self, what: str, attempt: Callable[[], Any]) -> Any:
        started, delay = None, 0.1
        while True:
            try:
                return attempt()
            except _Transient as err:
                reason = str(err)
            except requests.exceptions.HTTPError as err:
                if not node_unreachable(err):
                    raise NodeError(f"{what}: {self.name} refused the request ({describe(err)})") from None
                reason = describe(err)
            except TRANSPORT_ERRORS as err:
                reason = describe(err)
            now = time.monotonic()
            if started is None:
                started = now
                self.log(f"{self.name} is not answering {what} ({reason}); retrying for up to {self.patience:.0f} s")
            elif now - started >= self.patience:
                raise NodeUnavailable(f"{self.name} has not answered {what} for {self.patience:.0f} s ({reason})")
            time.sleep(min(delay, max(0.0, started + self.patience - now)))
            delay = min(2 * delay, 2.0)


def _text(error: Any) -> str:
    if isinstance(error, dict):
        return str(error.get("message", error))
    return str(error)
