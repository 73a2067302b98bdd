"""Audit index benchmark: index a long claims history from a local anvil, next to Foundry's ``cast logs``.

The history (one anvil, ``ClaimSettlement`` and its suite as in the claims benchmark):

* real claims through ``submitClaims`` in batches of 50 -- each leaves ``ClaimSubmitted`` and
  ``ClaimAdjudicated``;
* the same batches sent again, 250 claims a transaction (about 96 KB of calldata) -- each claim is refused as a duplicate
  and leaves ``ClaimRejected`` (CARC 18). This is what makes a million events cheap to produce.

Measured, each in a fresh process (so the figures include start-up, as ``cast``'s do):

* ``medchain.audit`` syncing the first 100,000 events into a new SQLite index, and ``cast logs
  --json`` reading the same events (same address, same blocks), in the same run;
* the peak resident memory (VmHWM) of a sync of 10,000, 100,000 and 1,000,000 events (it must stay
  flat: the indexer holds one page of logs at a time);
* a rerun with no new blocks.
"""

from __future__ import annotations

import json
import random
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from medchain.claims.bulk import encode_batch
from medchain.deployment.manifest import ContractRecord, Manifest, write_manifest
from medchain_dev.bench.claims import DAY, USD, build_world, make_claim
from medchain_dev.bench.common import CHAIN_ID, GENESIS_TIME, SUITE_CONTRACTS, Chain, load_medchain_artifacts
from medchain_dev.devchain import anvil
from medchain_dev.toolchain import NODE_BIN_DIR

CONTRACTS = SUITE_CONTRACTS  # build_world deploys the whole suite
REAL_BATCH, DUPLICATE_BATCH = 50, 250


@dataclass
class Timing:
    events: int
    seconds: float
    peak_rss_mib: float


@dataclass
class AuditBenchReport:
    events_total: int = 0
    blocks: int = 0
    generate_seconds: float = 0.0
    ours: Timing | None = None
    ours_sync_seconds: float = 0.0  # inside the process, without start-up
    cast: Timing | None = None
    memory: list[Timing] = field(default_factory=list)
    rerun: Timing | None = None
    rerun_sync_seconds: float = 0.0

    @property
    def ratio(self) -> float:
        return self.ours.seconds / self.cast.seconds

    def render(self) -> str:
        lines = [
            f"history: {self.events_total:,} events in {self.blocks:,} blocks (generated in {self.generate_seconds:.0f} s)",
            "",
            f"{'reading the first ' + format(self.ours.events, ',') + ' events':<44} {'seconds':>8} {'peak MiB':>9}",
            f"{'medchain.audit sync (new SQLite index)':<44} {self.ours.seconds:>8.2f} {self.ours.peak_rss_mib:>9.0f}",
            f"{'  of which the sync itself':<44} {self.ours_sync_seconds:>8.2f}",
            f"{'cast logs --json (same address and blocks)':<44} {self.cast.seconds:>8.2f} {self.cast.peak_rss_mib:>9.0f}",
            f"ratio medchain / cast: {self.ratio:.2f}x (goal <= 1.5x) -> {'MET' if self.ratio <= 1.5 else 'MISSED'}",
            "",
            f"{'events indexed':>16} {'seconds':>8} {'events/s':>10} {'peak MiB':>9}",
        ]
        for m in self.memory:
            lines.append(f"{m.events:>16,} {m.seconds:>8.2f} {m.events / m.seconds:>10,.0f} {m.peak_rss_mib:>9.0f}")
        lo, hi = self.memory[0].peak_rss_mib, self.memory[-1].peak_rss_mib
        lines.append(
            f"peak memory {lo:.0f} -> {hi:.0f} MiB from {self.memory[0].events:,} to {self.memory[-1].events:,} "
            f"events ({hi / lo:.2f}x)"
        )
        lines.append(
            f"rerun with no new blocks: {self.rerun.seconds:.2f} s as a process, {self.rerun_sync_seconds * 1000:.0f} ms "
            f"for the sync (goal < 1 s) -> {'MET' if self.rerun.seconds < 1 or self.rerun_sync_seconds < 1 else 'MISSED'}"
        )
        return "\n".join(lines) + "\n"


def sync_in_child(manifest: Path, db: str, url: str, to_block: int) -> dict[str, Any]:
    """Run one sync in a fresh Python process; its wall time, events and peak RSS."""
    code = (
        "import json,sys,time\n"
        "t=time.perf_counter()\n"
        "from medchain.audit import Indexer,Rpc,Store,Suite\n"
        "from pathlib import Path\n"
        "s=Store(sys.argv[2]); i=Indexer(s,Rpc(sys.argv[3]),Suite.load(Path(sys.argv[1])))\n"
        "t1=time.perf_counter(); r=i.sync(to_block=int(sys.argv[4])); t2=time.perf_counter()\n"
        "hwm=[l for l in open('/proc/self/status') if l.startswith('VmHWM')][0].split()[1]\n"
        "print(json.dumps({'events': r.total, 'new': r.new_events, 'sync': t2-t1, 'all': t2-t, 'rss': int(hwm)}))\n"
    )
    started = time.perf_counter()
    out = subprocess.run(
        [sys.executable, "-c", code, str(manifest), db, url, str(to_block)], capture_output=True, text=True, check=True
    )
    data = json.loads(out.stdout.strip().splitlines()[-1])
    data["wall"] = time.perf_counter() - started
    return data


def _peak_kib(pid: int) -> int | None:
    """The process's peak resident memory so far (VmHWM: per address space, so reset by exec)."""
    try:
        with open(f"/proc/{pid}/status") as status:
            return next(int(line.split()[1]) for line in status if line.startswith("VmHWM"))
    except (OSError, StopIteration):
        return None


def cast_logs(url: str, address: str, to_block: int, out: Path) -> Timing:
    """``cast logs --json`` to a file; wall time and peak memory (VmHWM, polled until it exits).

    (``ru_maxrss`` would not do: a child's count starts from the forking parent's size.)"""
    cast = NODE_BIN_DIR / "cast"
    started = time.perf_counter()
    peak = 0
    with open(out, "w") as sink:
        process = subprocess.Popen(
            [
                str(cast),
                "logs",
                "--json",
                "--rpc-url",
                url,
                "--from-block",
                "0",
                "--to-block",
                str(to_block),
                "--address",
                address,
            ],
            stdout=sink,
            stderr=subprocess.PIPE,
        )
        while process.poll() is None:
            peak = max(peak, _peak_kib(process.pid) or 0)
            time.sleep(0.005)
    seconds = time.perf_counter() - started
    events = len(json.loads(out.read_text()))
    return Timing(events, seconds, peak / 1024)


class EventWriter:
    """Sends ``submitClaims`` batches from the insurer (anvil impersonation, automine) and keeps
    ``marks``: (block, ClaimSettlement events so far) after each transaction."""

    def __init__(self, node: Any, claims: Any, insurer: str, events: int = 0):
        self.node, self.claims, self.insurer = node, claims, insurer
        self.events = events
        self.marks: list[tuple[int, int]] = []

    def send(self, batch: list) -> None:
        """One ``submitClaims(batch)``, awaited; its events are counted."""
        tx = self.node.call(
            "eth_sendTransaction",
            [
                {
                    "from": self.insurer,
                    "to": self.claims.address,
                    "data": "0x" + encode_batch(batch).hex(),
                    "gas": hex(16_000_000),
                }
            ],
        )
        receipt = None
        for attempt in range(200):
            receipt = self.node.call("eth_getTransactionReceipt", [tx])
            if receipt is not None:
                break
            if attempt % 20 == 19:
                self.node.call("evm_mine")  # anvil's automine can stall: nudge it
            time.sleep(0.05)
        if receipt is None or receipt["status"] != "0x1":
            raise RuntimeError(f"submitClaims failed: {tx} ({'not mined' if receipt is None else 'reverted'})")
        self.events += sum(1 for log in receipt["logs"] if log["address"].lower() == self.claims.address.lower())
        self.marks.append((int(receipt["blockNumber"], 16), self.events))

    def duplicates_until(
        self, rows: list, total: int, progress: Callable[[str], None], batch: int = DUPLICATE_BATCH
    ) -> None:
        """Send ``rows`` (claims already on chain) again until ``total`` events: one ClaimRejected each."""
        while self.events < total:
            for start in range(0, len(rows), batch):
                if self.events >= total:
                    break
                self.send(rows[start : start + batch])
            progress(f"  {self.events:,} events")


def generate(node: Any, total: int, progress: Callable[[str], None]) -> tuple[dict[str, Any], list[tuple[int, int]]]:
    """Fill the chain with about ``total`` ClaimSettlement events; (contracts, [(block, events so far)])."""
    artifacts = load_medchain_artifacts(CONTRACTS)
    chain = Chain(node)
    world = build_world(chain, artifacts, policies=100, providers=2, evidence_per_provider=4, progress=progress)
    claims = world.claims
    rng = random.Random("medchain audit bench")
    real = max(total // 25, REAL_BATCH)  # 2 events each; the rest are duplicates (1 event each)
    rows = [
        make_claim(
            world,
            n,
            policy=world.policies[n % len(world.policies)],
            provider=world.providers[n % len(world.providers)],
            service_date=GENESIS_TIME - rng.randrange(1, 250) * DAY - n,
            amount=rng.randrange(50, 2_000) * USD,
        )
        for n in range(real)
    ]
    writer = EventWriter(node, claims, world.insurer.address)
    for start in range(0, len(rows), REAL_BATCH):
        writer.send(rows[start : start + REAL_BATCH])
    progress(f"  {real:,} claims submitted ({writer.events:,} events)")
    writer.duplicates_until(rows, total, progress)
    return {"ClaimSettlement": claims}, writer.marks


def _block_for(marks: list[tuple[int, int]], events: int) -> int:
    return next(block for block, count in marks if count >= events)


def run_benchmark(
    progress: Callable[[str], None] = lambda _l: None,
    *,
    total: int = 1_000_000,
    compare: int = 100_000,
    sizes: tuple[int, ...] = (10_000, 100_000, 1_000_000),
) -> AuditBenchReport:
    report = AuditBenchReport()
    sizes = tuple(s for s in sizes if s <= total)
    with (
        anvil(CHAIN_ID, "--timestamp", str(GENESIS_TIME), "--gas-limit", str(40_000_000)) as node,
        tempfile.TemporaryDirectory() as tmp,
    ):
        tmpdir = Path(tmp)
        progress(f"generating {total:,} events...")
        started = time.perf_counter()
        contracts, marks = generate(node, total, progress)
        report.generate_seconds = time.perf_counter() - started
        report.events_total = marks[-1][1]
        report.blocks = marks[-1][0]
        address = contracts["ClaimSettlement"].address
        manifest = tmpdir / "bench.json"
        write_manifest(
            Manifest(
                chain_id=CHAIN_ID,
                network="ethereum:local",
                deployed_at="-",
                compiler={},
                commit=None,
                deployer=address,
                governance=address,
                complete=True,
                contracts={"ClaimSettlement": ContractRecord(address=address, block=0, tx="0x")},
            ),
            manifest,
        )

        block = _block_for(marks, compare)
        cast = cast_logs(node.url, address, block, tmpdir / "cast.json")
        ours = sync_in_child(manifest, f"sqlite:///{tmpdir / 'compare.sqlite'}", node.url, block)
        report.cast = cast
        report.ours = Timing(ours["events"], ours["wall"], ours["rss"] / 1024)
        report.ours_sync_seconds = ours["sync"]
        if ours["events"] != cast.events:
            raise RuntimeError(f"medchain indexed {ours['events']} events, cast read {cast.events}")
        progress(f"compare: ours {ours['wall']:.2f}s, cast {cast.seconds:.2f}s for {cast.events:,} events")

        for size in sizes:
            data = sync_in_child(
                manifest, f"sqlite:///{tmpdir / f'size-{size}.sqlite'}", node.url, _block_for(marks, size)
            )
            report.memory.append(Timing(data["events"], data["sync"], data["rss"] / 1024))
            progress(f"  {data['events']:,} events: {data['sync']:.2f}s, peak {data['rss'] / 1024:.0f} MiB")
        largest = f"sqlite:///{tmpdir / f'size-{sizes[-1]}.sqlite'}"
        again = sync_in_child(manifest, largest, node.url, _block_for(marks, sizes[-1]))
        report.rerun = Timing(again["events"], again["wall"], again["rss"] / 1024)
        report.rerun_sync_seconds = again["sync"]
    return report
