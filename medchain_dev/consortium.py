"""Four validators of the consortium chain engine (Cosmos EVM's ``evmd``, CometBFT consensus) on
127.0.0.1, driven through ``consortium/net.sh``: started, watched, one of them killed and restarted,
and everything stopped again.

The engine is ``make consortium-engine``'s binary. Each validator serves JSON-RPC on
``8545 + 10 * i``; a block is final once committed (BFT), so four validators go on when one fails.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from medchain.chain.rpc import Rpc, RpcError
from medchain_dev.toolchain import PROJECT_ROOT

ENGINE = PROJECT_ROOT / ".cache" / "evmd" / "medevmd-v0.3.2"
NET = PROJECT_ROOT / "consortium" / "net.sh"
VALIDATORS = 4
#: Ports net.sh gives validator ``i``: JSON-RPC, its websocket, CometBFT's P2P and RPC, gRPC, pprof.
PORTS = ((8545, 10), (8546, 10), (26656, 100), (26657, 100), (9090, 100), (6060, 100))


#: The key of the first account of the test mnemonic (ape-config.yaml's ``test.mnemonic``; anvil's first
#: account): funded in genesis, it pays for what the tests fund.
FAUCET_KEY = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80"


class ConsortiumError(RuntimeError):
    """The chain could not be started, or did not do what was waited for."""


@dataclass
class Node:
    """One validator's JSON-RPC, as the tests' operator needs it: ``call`` and ``fund``."""

    url: str
    chain_id: int
    faucet: str = FAUCET_KEY

    def __post_init__(self) -> None:
        self.rpc = Rpc(self.url, timeout=10, patience=30)

    def call(self, method: str, params: list[Any] | None = None) -> Any:
        return self.rpc.call(method, params or [])

    def fund(self, *addresses: str, wei: int = 10**20) -> None:
        """Send each address ``wei`` from the faucet, and wait until every transfer is in a block."""
        from eth_account import Account

        faucet = Account.from_key(self.faucet)
        nonce = int(self.call("eth_getTransactionCount", [faucet.address, "pending"]), 16)
        base = int(self.call("eth_getBlockByNumber", ["latest", False]).get("baseFeePerGas") or "0x0", 16)
        hashes = []
        for n, address in enumerate(addresses):
            tx = {
                "chainId": self.chain_id,
                "nonce": nonce + n,
                "to": address,
                "value": wei,
                "gas": 21_000,
                "maxFeePerGas": 2 * base + 1,
                "maxPriorityFeePerGas": 1,
                "type": 2,
            }
            raw = Account.sign_transaction(tx, faucet.key).raw_transaction
            hashes.append(self.call("eth_sendRawTransaction", ["0x" + bytes(raw).hex()]))
        deadline = time.monotonic() + 60
        while hashes:
            receipts = self.rpc.batch([("eth_getTransactionReceipt", [h]) for h in hashes])
            hashes = [h for h, r in zip(hashes, receipts) if r is None]
            if hashes and time.monotonic() > deadline:
                raise ConsortiumError(f"{len(hashes)} funding transfer(s) not in a block after 60 s: {hashes[0]}")
            time.sleep(0.2)


@dataclass
class Consortium:
    """The four validators under ``home`` (node homes, logs, pid files), with the EVM chain id
    ``chain_id``, a block every ``block_time`` and ``fund`` prefunded in genesis."""

    home: Path
    chain_id: int = 1337
    block_time: str = "1s"
    fund: tuple[str, ...] = ()
    engine: Path = ENGINE
    _rpcs: dict[int, Rpc] = field(default_factory=dict, repr=False)

    @property
    def urls(self) -> list[str]:
        return [self.url(i) for i in range(VALIDATORS)]

    @staticmethod
    def url(i: int) -> str:
        return f"http://127.0.0.1:{8545 + 10 * i}"

    def node(self, i: int = 0) -> Node:
        """Validator ``i``'s JSON-RPC with a faucet."""
        return Node(self.url(i), self.chain_id)

    def rpc(self, i: int = 0) -> Rpc:
        if i not in self._rpcs:
            self._rpcs[i] = Rpc(self.url(i), timeout=10)
        return self._rpcs[i]

    # -- net.sh ------------------------------------------------------------------------------------

    def _net(self, *args: str) -> str:
        env = {
            **os.environ,
            "MEDEVMD": str(self.engine),
            "CONSORTIUM_HOME": str(self.home),
            "EVMD_EVM_CHAIN_ID": str(self.chain_id),
            "TIMEOUT_COMMIT": self.block_time,
            "FUND": " ".join(self.fund),
            "PYTHON": sys.executable,
        }
        done = subprocess.run(["bash", str(NET), *args], env=env, capture_output=True, text=True, timeout=300)
        if done.returncode != 0:
            raise ConsortiumError(f"net.sh {' '.join(args)} exited {done.returncode}: {done.stderr[-2000:]}")
        return done.stdout

    def init(self) -> None:
        """A new genesis and node homes (what was under ``home`` is removed)."""
        if not self.engine.is_file():
            raise ConsortiumError(f"no chain engine at {self.engine}: run `make consortium-engine`")
        busy = [port for port in _ports() if _listening(port)]
        if busy:
            raise ConsortiumError(f"ports the validators need are in use: {busy[:6]} (another chain running?)")
        self._net("init")

    def start(self, i: int | None = None) -> None:
        """Start every validator, or validator ``i``."""
        if i is None:
            self._net("start")
        else:
            self._net("start1", str(i))

    def pid(self, i: int) -> int | None:
        path = self.home / f"node{i}.pid"
        return int(path.read_text()) if path.is_file() else None

    def kill(self, i: int) -> None:
        """SIGKILL validator ``i``: no chance to flush or say goodbye."""
        pid = self.pid(i)
        if pid is None:
            raise ConsortiumError(f"validator {i} was not started")
        os.kill(pid, signal.SIGKILL)
        _wait_gone(pid, 10)
        self._rpcs.pop(i, None)

    def stop(self) -> None:
        """Stop every validator started (SIGTERM, then SIGKILL after 15 s)."""
        pids = [pid for pid in (self.pid(i) for i in range(VALIDATORS)) if pid is not None]
        for pid in pids:
            _signal(pid, signal.SIGTERM)
        for pid in pids:
            if not _wait_gone(pid, 15):
                _signal(pid, signal.SIGKILL)
                _wait_gone(pid, 5)

    def log(self, i: int) -> str:
        path = self.home / f"node{i}.log"
        return path.read_text(errors="replace")[-3000:] if path.is_file() else ""

    # -- watching ----------------------------------------------------------------------------------

    def height(self, i: int = 0) -> int | None:
        """Validator ``i``'s latest block number (None: not answering)."""
        try:
            return self.rpc(i).block_number()
        except RpcError:
            return None

    def wait_height(self, height: int, nodes: Iterable[int] = range(VALIDATORS), timeout: float = 120) -> float:
        """Wait until every validator of ``nodes`` has block ``height``; the seconds it took."""
        started = time.monotonic()
        waiting = list(nodes)
        while waiting:
            waiting = [i for i in waiting if (self.height(i) or -1) < height]
            if not waiting:
                break
            if time.monotonic() - started > timeout:
                raise ConsortiumError(
                    f"validator(s) {waiting} did not reach block {height} in {timeout:.0f} s; the last log lines of "
                    f"node{waiting[0]}:\n{self.log(waiting[0])}"
                )
            time.sleep(0.2)
        return time.monotonic() - started

    def block(self, number: int | str, i: int = 0) -> dict[str, Any]:
        tag = hex(number) if isinstance(number, int) else number
        block = self.rpc(i).call("eth_getBlockByNumber", [tag, False])
        if block is None:
            raise ConsortiumError(f"validator {i} has no block {number}")
        return dict(block)


@contextmanager
def running(consortium: Consortium, *, ready_height: int = 2) -> Iterator[Consortium]:
    """``consortium`` initialised and started, every validator at ``ready_height``; stopped on exit."""
    consortium.init()
    try:
        consortium.start()
        consortium.wait_height(ready_height)
        yield consortium
    finally:
        consortium.stop()


def _ports() -> list[int]:
    return [base + step * i for base, step in PORTS for i in range(VALIDATORS)]


def _listening(port: int) -> bool:
    import socket

    with socket.socket() as probe:
        probe.settimeout(0.2)
        return probe.connect_ex(("127.0.0.1", port)) == 0


def _signal(pid: int, sig: int) -> None:
    try:
        os.kill(pid, sig)
    except ProcessLookupError:
        pass


def _wait_gone(pid: int, timeout: float) -> bool:
    """Whether process ``pid`` ended within ``timeout`` seconds: gone, or a zombie its parent has not
    reaped yet (the validators are net.sh's children, not ours)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if Path(f"/proc/{pid}/stat").read_text().split()[2] == "Z":
                return True
        except (FileNotFoundError, ProcessLookupError):
            return True
        time.sleep(0.05)
    return False
