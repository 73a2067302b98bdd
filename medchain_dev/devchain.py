"""Start a standalone anvil (from node_modules) for tests, benchmarks and local consortium rehearsals.

ape-foundry starts its own anvil for `ape test` and the local network; this is for the other cases:
a node that plays a consortium chain (non-default chain id, reached as a custom network), or a
chain with mining settings of our choosing (``--no-mining``, ``--block-time``).
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from medchain.chain.rpc import Rpc, RpcError
from medchain_dev.toolchain import NODE_BIN_DIR


class DevChainError(RuntimeError):
    pass


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def rpc(url: str, method: str, params: list[Any] | None = None, timeout: float = 5.0) -> Any:
    """One JSON-RPC call; raises DevChainError on an error answer or an unreachable node."""
    try:
        return Rpc(url, timeout=timeout).call(method, params or [])
    except RpcError as err:
        raise DevChainError(str(err)) from err


@dataclass
class Anvil:
    url: str
    chain_id: int
    process: subprocess.Popen
    rpc: Rpc = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.rpc = Rpc(self.url, timeout=5.0)

    def call(self, method: str, params: list[Any] | None = None) -> Any:
        """One JSON-RPC call on this node's kept-alive connection; DevChainError on failure."""
        try:
            return self.rpc.call(method, params or [])
        except RpcError as err:
            raise DevChainError(str(err)) from err

    def fund(self, *addresses: str, wei: int = 10**20) -> None:
        """Give each address a balance of ``wei``."""
        for address in addresses:
            self.call("anvil_setBalance", [address, hex(wei)])


def anvil_executable() -> str:
    local = NODE_BIN_DIR / "anvil"
    if local.exists():
        return str(local)
    found = shutil.which("anvil")
    if not found:
        raise DevChainError("anvil not found: run `make setup` (it comes from npm @foundry-rs/anvil-<platform>)")
    return found


def start_anvil(chain_id: int = 31337, *args: str, port: int | None = None, startup_timeout: float = 30.0) -> Anvil:
    """Start anvil on ``port`` (a free one by default) and return once it answers; the caller stops it.

    A fixed port lets a test stop a node and start it again at the same URL (``--state`` keeps the chain).
    """
    port = port or free_port()
    url = f"http://127.0.0.1:{port}"
    # --max-persisted-states 0: anvil otherwise writes every state older than its in-memory window to
    # ~/.foundry/anvil/tmp and never deletes it (19 GB for one million-event benchmark run; 77 GB had
    # piled up on this machine). Nothing here reads state that old: logs, blocks and receipts stay.
    process = subprocess.Popen(
        [
            anvil_executable(),
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--chain-id",
            str(chain_id),
            "--max-persisted-states",
            "0",
            *args,
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + startup_timeout
    while True:
        if process.poll() is not None:
            raise DevChainError(f"anvil exited with {process.returncode}: {process.stderr.read().decode()[-2000:]}")
        try:
            if int(rpc(url, "eth_chainId", timeout=1.0), 16) == chain_id:
                return Anvil(url=url, chain_id=chain_id, process=process)
        except DevChainError:
            pass
        if time.monotonic() > deadline:
            process.kill()
            process.wait()
            raise DevChainError(f"anvil did not answer on {url} within {startup_timeout}s")
        time.sleep(0.05)


def stop_anvil(node: Anvil, timeout: float = 10.0) -> None:
    """SIGTERM (anvil writes its ``--state`` file on the way out), then SIGKILL if it lingers."""
    node.process.terminate()
    try:
        node.process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        node.process.kill()
        node.process.wait()


@contextmanager
def anvil(chain_id: int = 31337, *args: str, startup_timeout: float = 30.0) -> Iterator[Anvil]:
    """Run anvil on a free loopback port for the duration of the ``with`` block."""
    node = start_anvil(chain_id, *args, startup_timeout=startup_timeout)
    try:
        yield node
    finally:
        stop_anvil(node)
