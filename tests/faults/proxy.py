"""A JSON-RPC proxy in front of a node that fails on purpose: HTTP 500, JSON-RPC errors or no answer in
time, on chosen methods, before or after passing the request on (the node got it, the client did not
hear back)."""

from __future__ import annotations

import json
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Fault:
    method: str  # a JSON-RPC method; a batch request matches if any of its calls does
    action: str  # "http-500" | "rpc-error" | "timeout"
    forward: bool = False  # pass the request on to the node first: it happened, the client hears a failure
    times: int = 1  # how many matching requests fail (0: every one from then on)
    after: int = 0  # matching requests let through before the first failure

    def __post_init__(self):
        assert self.action in ("http-500", "rpc-error", "timeout"), self.action


class FailingProxy:
    """``with FailingProxy(node_url, timeout_sleep=...) as proxy:`` then point the client at ``proxy.url``."""

    def __init__(self, upstream: str, *, timeout_sleep: float = 1.5):
        self.upstream = upstream
        self.timeout_sleep = timeout_sleep  # longer than the client's own timeout
        self.faults: list[Fault] = []
        self.injected: list[tuple[str, str, bool]] = []  # (method, action, forwarded)
        self._lock = threading.Lock()
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 (http.server's name)
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                proxy._handle(self, body)

            def log_message(self, *_args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> FailingProxy:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()

    def _match(self, methods: list[str]) -> Fault | None:
        with self._lock:
            for fault in self.faults:
                if fault.method not in methods:
                    continue
                if fault.after:
                    fault.after -= 1
                    return None
                if fault.times == 1:
                    self.faults.remove(fault)
                elif fault.times > 1:
                    fault.times -= 1
                return fault
        return None

    def _forward(self, body: bytes) -> tuple[int, bytes]:
        request = urllib.request.Request(self.upstream, data=body, headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=30) as answer:
                return answer.status, answer.read()
        except urllib.error.HTTPError as err:
            return err.code, err.read()

    def _handle(self, handler: BaseHTTPRequestHandler, body: bytes) -> None:
        calls = json.loads(body)
        batch = isinstance(calls, list)
        methods = [c.get("method") for c in (calls if batch else [calls])]
        fault = self._match(methods)
        status, data = (200, b"")
        if fault is None or fault.forward:
            status, data = self._forward(body)
        if fault is not None:
            self.injected.append((fault.method, fault.action, fault.forward))
            if fault.action == "timeout":
                time.sleep(self.timeout_sleep)  # the client gave up meanwhile
                if not fault.forward:
                    status, data = 504, b"gateway timeout"
            elif fault.action == "http-500":
                status, data = 500, b"injected failure"
            else:
                errors = [
                    {
                        "jsonrpc": "2.0",
                        "id": c.get("id"),
                        "error": {"code": -32603, "message": "injected internal error"},
                    }
                    for c in (calls if batch else [calls])
                ]
                status, data = 200, json.dumps(errors if batch else errors[0]).encode()
        try:
            handler.send_response(status)
            handler.send_header("Content-Type", "application/json")
            handler.send_header("Content-Length", str(len(data)))
            handler.end_headers()
            handler.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client had stopped waiting
