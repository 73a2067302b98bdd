"""Start a standalone anvil (from node_modules) for tests, benchmarks and local consortium rehearsals.

ape-foundry starts its own anvil for `ape test` and the local network; this is for the other cases:
a node that plays a consortium chain (non-default chain id, reached as a custom network), or a
chain with mining settings of our choosing (``--no-mining``, ``--block-time``).
"""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import time
import urllib.request
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Iterator

from .toolchain import NODE_BIN_DIR


class DevChainError(RuntimeError):
    pass


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def rpc(url: str, method: str, params: list[Any] | None = None, timeout: float = 5.0) -> Any:
    """One JSON-RPC call; raises DevChainError on an error answer."""
    body = json.dumps({"jsonrpc": "2.0", "id": 1, "method": method, "params": params or []}).encode()
    request = urllib.request.Request(url, data=body, headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=timeout) as response:
        answer = json.loads(response.read())
    if "error" in answer:
        raise DevChainError(f"{method}: {answer['error']}")
    return answer["result"]


@dataclass
class Anvil:
    url: str
    chain_id: int
    process: subprocess.Popen

    def call(self, method: str, params: list[Any] | None = None) -> Any:
        return rpc(self.url, method, params)


def anvil_executable() -> str:
    local = NODE_BIN_DIR / "anvil"
    if local.exists():
        return str(local)
    found = shutil.which("anvil")
    if not found:
        raise DevChainError("anvil not found: run `make setup` (it comes from npm @foundry-rs/anvil-linux-amd64)")
    return found


@contextmanager
def anvil(chain_id: int = 31337, *args: str, startup_timeout: float = 30.0) -> Iterator[Anvil]:
    """Run anvil on a free loopback port for the duration of the ``with`` block."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    process = subprocess.Popen(
        [anvil_executable(), "--host", "127.0.0.1", "--port", str(port), "--chain-id", str(chain_id), *args],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + startup_timeout
        while True:
            if process.poll() is not None:
                raise DevChainError(f"anvil exited with {process.returncode}: {process.stderr.read().decode()[-2000:]}")
            try:
                if int(rpc(url, "eth_chainId", timeout=1.0), 16) == chain_id:
                    break
            except (OSError, DevChainError):
                pass
            if time.monotonic() > deadline:
                raise DevChainError(f"anvil did not answer on {url} within {startup_timeout}s")
            time.sleep(0.05)
        yield Anvil(url=url, chain_id=chain_id, process=process)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
