"""The speed users meet: the real commands, timed from launch to exit, next to the node's own limit.

One anvil (the ``consortium`` network of ape-config.yaml, chain id 1337, a block every
``BLOCK_TIME`` seconds with room for 40 full transactions per block) holds the claims suite as the
claims benchmark builds it (250 policies, 4 providers, evidence in Merkle batches of 1,024 records).
On it, in one run:

1. **The insurer's bulk submission**: a CSV of ``CLAIMS`` claims (each with its own anchoring
   receipt file) goes through ``ape run claims submit`` -- the real process, with a keyfile account,
   timed from launch to exit, start-up included -- and, from a snapshot of the same chain state, the
   same batches (:func:`medchain.claims.bulk.plan_batches` over the same rows, the same calldata and
   gas limits) pre-signed and sent raw: the floor. The ratio is the CLI's share of the floor. Both
   run ``CLAIM_RUNS`` times from the same snapshot; the medians are reported. The CLI runs a second time
   from the same snapshot with the insurer's signing agent running (``ape run signer start``): no
   passphrase in its environment and no key derivation in the run.
2. **The audit CLI**: the chain is filled up to ``AUDIT_EVENTS`` ClaimSettlement events (the CLI's
   claims sent again: each is refused as a duplicate and leaves one event), then ``ape run audit
   sync`` into a new index and ``cast logs --json`` read the same address and blocks; the library's
   sync in a bare Python process is timed too, to tell start-up from work.
3. **Start-up**: ``ape run claims --help`` and a one-transaction command (``claims policy``), the
   median of ``STARTUP_RUNS`` runs after one warm-up run; the one-transaction command again with the
   signing agent.

And, on an anvil of its own, the gas of ``submitClaims`` a claim by proof depth
(:func:`medchain_dev.bench.claims.measure_claim_gas`) next to the bound the submitter reserves.

Every figure is printed next to its target, and next to its reference: the figure the same
command gave with the previous release, on this machine.
"""

from __future__ import annotations

import contextlib
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from medchain.claims.bulk import TX_GAS_CAP, plan_batches
from medchain.claims.inputs import read_claim_file
from medchain.claims.keys import KEY_FILE, insurer_dir
from medchain.deployment.manifest import ContractRecord, Manifest, write_manifest
from medchain.records.receipts import Receipt
from medchain_dev.bench.audit_index import EventWriter, cast_logs, sync_in_child
from medchain_dev.bench.claims import DAY, Miner, World, build_world, measure_claim_gas, raw_floor
from medchain_dev.bench.common import GENESIS_TIME, SUITE_CONTRACTS, BenchmarkError, Chain, load_medchain_artifacts
from medchain_dev.devchain import anvil
from medchain_dev.toolchain import PROJECT_ROOT

CHAIN_ID = 1337  # networks.custom[consortium].chain_id in ape-config.yaml
NETWORK = "ethereum:consortium:node"
APE = str(PROJECT_ROOT / ".venv" / "bin" / "ape")
PASSPHRASE = "medchain bench passphrase"

CLAIMS = 5_000
POLICIES = 250
PROVIDERS = 4
EVIDENCE_PER_PROVIDER = 1_024  # Merkle proofs of 10 levels
BLOCK_TIME = 0.1
BLOCK_GAS = 40 * TX_GAS_CAP
AUDIT_EVENTS = 100_000
STARTUP_RUNS = 3
CLAIM_RUNS = 3
AUDIT_RUNS = 3

#: Targets, and the references: the same commands with the previous release, on this machine.
CLI_SHARE_TARGET, CLI_SHARE_GOAL = 0.5, 0.8
CLI_SHARE_BEFORE = "5-8 % (413-499 claims/s)"
AUDIT_RATIO_TARGET = 1.5
AUDIT_RATIO_BEFORE = "2.5-3.1x"
HELP_TARGET, HELP_BEFORE = 0.8, 1.7
ONE_TX_TARGET, ONE_TX_BEFORE = 1.5, 4.4


@dataclass
class Row:
    """One line of the table: a figure, its unit, the target (None: for information) and the anchor."""

    what: str
    value: float
    unit: str
    target: str = ""
    met: bool | None = None
    anchor: str = ""


@dataclass
class SpeedReport:
    rows: list[Row] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def render(self) -> str:
        width = max(len(r.what) for r in self.rows) + 2
        lines = [
            f"{'figure':<{width}}{'measured':>16}  {'target':<20}{'verdict':<9}reference (previous release)",
            "-" * (width + 64),
        ]
        for r in self.rows:
            value = (
                f"{r.value:,.2f} {r.unit}"
                if r.unit in ("s", "x")
                else (f"{r.value:.0%}" if r.unit == "%" else f"{r.value:,.0f} {r.unit}")
            )
            verdict = "" if r.met is None else ("met" if r.met else "MISSED")
            lines.append(f"{r.what:<{width}}{value:>16}  {r.target:<20}{verdict:<9}{r.anchor}")
        return "\n".join(lines + [""] + [f"note: {n}" for n in self.notes]) + "\n"


class Bench:
    """The chain, the ape data folder with the insurer's keyfile account, and the files the commands use."""

    def __init__(self, node: Any, folder: Path, progress: Callable[[str], None]):
        self.node, self.folder, self.progress = node, folder, progress
        self.chain = Chain(node)
        self.data_folder = folder / "ape-data"
        self.claims_home = folder / "claims-home"
        self.world: World | None = None
        self.manifest = folder / "consortium.json"
        # The signing agent's socket folder: private, and short (a socket's path is limited to 107 bytes).
        self.runtime = folder / "run"
        self.runtime.mkdir(mode=0o700)
        self.passphrase = True  # False: the commands run without the insurer's passphrase (the agent signs)

    @property
    def env(self) -> dict[str, str]:
        return {
            **os.environ,
            "APE_DATA_FOLDER": str(self.data_folder),
            "MEDCHAIN_RPC_URL": self.node.url,
            "MEDCHAIN_CLAIMS_HOME": str(self.claims_home),
            "XDG_RUNTIME_DIR": str(self.runtime),
            **({"APE_ACCOUNTS_insurer_PASSPHRASE": PASSPHRASE} if self.passphrase else {}),
        }

    @contextlib.contextmanager
    def agent(self) -> Iterator[None]:
        """``ape run signer start`` for the insurer, running; the commands meanwhile have no passphrase."""
        from medchain.cli.agent import socket_path

        command = [APE, "run", "signer", "start", "--account", "insurer", "--deployment", str(self.manifest)]
        process = subprocess.Popen(
            [*command, "--lifetime", "1h", "--network", NETWORK],
            env=self.env,
            cwd=PROJECT_ROOT,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        socket = self.runtime / "medchain" / socket_path("insurer", self.data_folder).name
        deadline = time.monotonic() + 60
        while not socket.exists() and process.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
        if not socket.exists():
            process.kill()
            raise BenchmarkError(f"the signing agent did not start:\n{process.communicate()[1][-2000:]}")
        self.passphrase = False
        try:
            yield
        finally:
            self.passphrase = True
            process.terminate()
            process.wait(30)

    def ape(self, *args: str, network: bool = True, check: bool = True) -> tuple[float, subprocess.CompletedProcess]:
        """Run ``ape run <args>`` as an operator would; (seconds from launch to exit, the process)."""
        command = [APE, "run", *args, *(["--network", NETWORK] if network else [])]
        profile = os.environ.get("MEDCHAIN_BENCH_PROFILE")  # a folder: one cProfile output per command
        if profile:
            command = [sys.executable, "-m", "cProfile", "-o", f"{profile}/{args[0]}-{time.time():.0f}.prof", *command]
        started = time.perf_counter()
        done = subprocess.run(
            command,
            env=self.env,
            cwd=PROJECT_ROOT,
            capture_output=True,
            text=True,
            stdin=subprocess.DEVNULL,
            timeout=1_800,
        )
        seconds = time.perf_counter() - started
        if check and done.returncode != 0:
            raise BenchmarkError(
                f"`ape run {' '.join(args)}` exited {done.returncode}:\n{done.stdout[-2000:]}{done.stderr[-3000:]}"
            )
        return seconds, done

    def build(self) -> None:
        """The suite, its members, policies and evidence; the manifest; the insurer as a keyfile account."""
        artifacts = load_medchain_artifacts(SUITE_CONTRACTS)
        self.world = build_world(
            self.chain,
            artifacts,
            policies=POLICIES,
            providers=PROVIDERS,
            evidence_per_provider=EVIDENCE_PER_PROVIDER,
            progress=self.progress,
        )
        contracts = {
            name: ContractRecord(address=c.address, block=0, tx="0x" + "00" * 32)
            for name, c in self.world.contracts.items()
        }
        governance = self.chain.accounts[0]
        write_manifest(
            Manifest(
                chain_id=CHAIN_ID,
                network=NETWORK,
                deployed_at="-",
                compiler={},
                commit=None,
                deployer=governance,
                governance=governance,
                complete=True,
                contracts=contracts,
            ),
            self.manifest,
        )
        subprocess.run(
            [
                sys.executable,
                "-c",
                "import sys; from ape_accounts import import_account_from_private_key as imp; "
                "imp('insurer', sys.argv[1], sys.argv[2])",
                PASSPHRASE,
                self.world.insurer.key.hex(),
            ],
            env=self.env,
            check=True,
            capture_output=True,
            cwd=PROJECT_ROOT,
        )

    def claim_file(self, count: int) -> tuple[Path, bytes]:
        """A CSV of ``count`` claims with their receipt files, and the insurer's codes key (in its folder)."""
        world = self.world
        key = os.urandom(32)
        folder = insurer_dir(CHAIN_ID, world.claims.address, world.insurer.address, home=self.claims_home)
        folder.mkdir(parents=True, exist_ok=True)
        (folder / KEY_FILE).write_text("0x" + key.hex() + "\n")
        work = self.folder / "insurer"
        (work / "receipts").mkdir(parents=True, exist_ok=True)
        anchor = world.contracts["RecordAnchor"].address
        lines = ["claim_ref,policy_id,provider,service_date,amount,line_items,evidence"]
        written: set[str] = set()
        for n in range(count):
            p = n % len(world.providers)
            provider = world.providers[p]
            tree, records = world.evidence[provider]
            index = (n // len(world.providers)) % len(records)
            receipt = f"receipts/{p}-{index}.json"
            if receipt not in written:
                Receipt(
                    record_hash=records[index],
                    chain_id=CHAIN_ID,
                    contract=anchor,
                    tx="0x" + "00" * 32,
                    block=0,
                    provider=provider,
                    anchored_at=GENESIS_TIME,
                    root=tree.root,
                    proof=list(tree.proof_by_index(index)),
                    batch_count=len(records),
                ).save(work / receipt)
                written.add(receipt)
            amount = f"{50 + (n * 37) % 1_950}.00"
            day = GENESIS_TIME - (1 + n % 250) * DAY
            lines.append(
                f"bench-{n},0x{world.policies[n % len(world.policies)].hex()},{provider},{day},{amount},"
                f"C{n:05d}@{amount},{receipt}"
            )
        path = work / "claims.csv"
        path.write_text("\n".join(lines) + "\n")
        return path, key

    def forget_submission(self, path: Path) -> None:
        """Remove what a run of ``claims submit`` on ``path`` leaves (journal, ledger, responses), so the
        next run starts as the first did."""
        for leftover in [*path.parent.glob(path.name + ".*"), *self.claims_home.rglob("claims-ledger.sqlite*")]:
            leftover.unlink()

    def on_chain(self, rows: list) -> int:
        statuses = self.world.claims.functions.claimStatuses([r.claim_id for r in rows]).call()
        return sum(1 for s in statuses if s != 0)


def measure_startup(bench: Bench, report: SpeedReport) -> None:
    """``ape run claims --help`` and one transaction (``claims policy``), the median of STARTUP_RUNS."""
    bench.ape("claims", "--help", network=False)  # warm-up: ape's caches, the OS's file cache
    helps = [bench.ape("claims", "--help", network=False)[0] for _ in range(STARTUP_RUNS)]
    ones = _one_transaction(bench)
    with bench.agent():
        ones_agent = _one_transaction(bench)
    help_s, one_s = statistics.median(helps), statistics.median(ones)
    report.rows.append(
        Row("ape run claims --help", help_s, "s", f"<= {HELP_TARGET} s", help_s <= HELP_TARGET, f"{HELP_BEFORE} s")
    )
    report.rows.append(
        Row(
            "ape run claims policy (one transaction)",
            one_s,
            "s",
            f"<= {ONE_TX_TARGET} s",
            one_s <= ONE_TX_TARGET,
            f"{ONE_TX_BEFORE} s",
        )
    )
    agent_s = statistics.median(ones_agent)
    report.rows.append(
        Row(
            "  the same, signed by the signing agent (ape run signer)",
            agent_s,
            "s",
            f"<= {ONE_TX_TARGET} s",
            agent_s <= ONE_TX_TARGET,
            "the keyfile unlocked on each run, above",
        )
    )


def _one_transaction(bench: Bench) -> list[float]:
    """Seconds of ``claims policy`` (a new policy: one transaction), STARTUP_RUNS times after a warm-up run."""
    patient = _bench_patient()
    ones = []
    for n in range(STARTUP_RUNS + 1):
        seconds, _ = bench.ape(
            "claims",
            "policy",
            "--account",
            "insurer",
            "--yes",
            "--patient",
            patient,
            "--limit",
            "5000",
            "--from",
            str(GENESIS_TIME - 10 * DAY),
            "--until",
            str(GENESIS_TIME + 300 * DAY),
            "--deployment",
            str(bench.manifest),
        )
        if n:
            ones.append(seconds)
    return ones


def _bench_patient() -> str:
    from medchain_dev.bench.common import signer

    return signer("claims patient 0").address  # consented to the insurer by build_world


def _submit(bench: Bench, path: Path, rows: list, extra_args: tuple[str, ...]) -> tuple[float, Any]:
    """``ape run claims submit`` of ``path`` with a block every BLOCK_TIME; every claim must be on chain after."""
    with Miner(bench.node, BLOCK_TIME):
        seconds, done = bench.ape(
            "claims", "submit", str(path), "--account", "insurer", "--yes", "--deployment", str(bench.manifest),
            *extra_args,
        )  # fmt: skip
    if bench.on_chain(rows) != len(rows):
        raise BenchmarkError(f"the CLI left claims off chain:\n{done.stdout[-2000:]}")
    return seconds, done


def measure_claims(bench: Bench, report: SpeedReport, extra_args: tuple[str, ...] = ()) -> list:
    """The CLI on CLAIMS claims end to end, and the floor for the same batches from the same state; each
    CLAIM_RUNS times from one snapshot (the medians are reported: the machine may be shared)."""
    path, key = bench.claim_file(CLAIMS)
    parsed = read_claim_file(path, decimals=6, codes_key=key, chain_id=CHAIN_ID, currency="USD")
    if parsed.problems:
        raise BenchmarkError(f"the benchmark's claim file has problems: {parsed.problems[:3]}")
    rows = parsed.rows
    w3, world = bench.chain.w3, bench.world
    batches = plan_batches(rows, *_cli_batching(bench))
    floors, clis, agents, submissions, said = [], [], [], [], []
    for run in range(CLAIM_RUNS):
        snapshot = bench.node.call("evm_snapshot")
        bench.progress(f"  floor: {len(rows):,} claims in {len(batches)} pre-signed transactions, sent raw")
        with Miner(bench.node, BLOCK_TIME):
            floor_s, transactions = raw_floor(w3, world.insurer, world.claims.address, batches, chain_id=CHAIN_ID)
        if bench.on_chain(rows) != len(rows):
            raise BenchmarkError("the raw run left claims off chain")
        bench.node.call("evm_revert", [snapshot])
        snapshot = bench.node.call("evm_snapshot")
        bench.forget_submission(path)
        bench.progress(f"  ape run claims submit: {len(rows):,} claims")
        cli_s, done = _submit(bench, path, rows, extra_args)
        bench.node.call("evm_revert", [snapshot])
        snapshot = bench.node.call("evm_snapshot")
        bench.forget_submission(path)
        bench.progress(f"  ape run claims submit: {len(rows):,} claims, signed by the signing agent")
        with bench.agent():
            agent_s, _ = _submit(bench, path, rows, extra_args)
        agents.append(agent_s)
        if run < CLAIM_RUNS - 1:
            bench.node.call("evm_revert", [snapshot])
        sent = [line for line in done.stdout.splitlines() if " claim(s) in " in line]
        rate = re.search(r"\(([\d,]+) claims/s\)", sent[0]) if sent else None
        floors.append(floor_s)
        clis.append(cli_s)
        said += sent
        if rate:
            submissions.append(len(rows) / int(rate.group(1).replace(",", "")))
    floor_s, cli_s = statistics.median(floors), statistics.median(clis)
    cli_rate, floor_rate = len(rows) / cli_s, len(rows) / floor_s
    report.rows.append(
        Row(f"ape run claims submit, {len(rows):,} claims, end to end", cli_rate, "claims/s", anchor="413-499 claims/s")
    )
    report.rows.append(
        Row(
            f"  floor: the same {transactions} transactions pre-signed, sent raw",
            floor_rate,
            "claims/s",
            anchor="6,030-8,325 claims/s",
        )
    )
    share = cli_rate / floor_rate
    report.rows.append(
        Row(
            "  CLI / floor",
            share,
            "%",
            f">= {CLI_SHARE_TARGET:.0%} (goal {CLI_SHARE_GOAL:.0%})",
            share >= CLI_SHARE_TARGET,
            CLI_SHARE_BEFORE,
        )
    )
    agent_s = statistics.median(agents)
    agent_share = (len(rows) / agent_s) / floor_rate
    report.rows.append(
        Row(
            "  the same CLI signed by the signing agent, / floor",
            agent_share,
            "%",
            f">= {CLI_SHARE_TARGET:.0%} (goal {CLI_SHARE_GOAL:.0%})",
            agent_share >= CLI_SHARE_TARGET,
            f"{len(rows) / agent_s:,.0f} claims/s; no key derivation in the run",
        )
    )
    unlock = _unlock_seconds(bench)
    report.rows.append(
        Row(
            "  unlocking the insurer's keyfile (scrypt, as ape writes it)",
            unlock,
            "s",
            anchor="in the CLI's time, beside its start-up",
        )
    )
    report.rows.append(
        Row("  CLI / floor at best with that unlock (floor / (unlock + floor))", floor_s / (unlock + floor_s), "%")
    )
    if submissions:
        submitting = statistics.median(submissions)
        report.rows.append(
            Row("  of which the submission itself, / floor", floor_s / submitting, "%", anchor="31 % (2,461 claims/s)")
        )
        report.notes.append(
            f"of the CLI's {cli_s:.2f} s, {submitting:.2f} s went to the submission itself (journal "
            "checks, signing, sending, waiting for the receipts); the rest is start-up (ape, the "
            "network, the account's keyfile), reading and checking the file, and the responses"
        )
    report.notes.append(
        f"medians of {CLAIM_RUNS} runs: CLI {', '.join(f'{s:.2f}' for s in clis)} s (with the signing agent "
        f"{', '.join(f'{s:.2f}' for s in agents)} s) from launch to "
        f"exit; floor {', '.join(f'{s:.2f}' for s in floors)} s from the first send to the last "
        f"receipt; a block every {BLOCK_TIME} s, {BLOCK_GAS:,} gas a block"
    )
    report.notes += [f"CLI said: {line.strip()}" for line in said[-1:]]
    return rows


def _unlock_seconds(bench: Bench) -> float:
    """Seconds to derive the key of the insurer's keyfile account (the median of three), as the CLI does."""
    import json

    from eth_account import Account

    keyfile = json.loads((bench.data_folder / "accounts" / "insurer.json").read_text())
    times = []
    for _ in range(3):
        started = time.perf_counter()
        Account.decrypt(keyfile, PASSPHRASE)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def _cli_batching(bench: Bench) -> tuple[int, int]:
    """The batch size and gas cap ``claims submit`` uses by default on this chain."""
    from medchain.claims import bulk

    size = bulk.DEFAULT_BATCH_SIZE
    block_gas = int(bench.node.call("eth_getBlockByNumber", ["latest", False])["gasLimit"], 16)
    return size, min(TX_GAS_CAP, block_gas)


def measure_audit(bench: Bench, report: SpeedReport, rows: list) -> None:
    """``ape run audit sync`` and the library's sync against ``cast logs --json`` at AUDIT_EVENTS events."""
    claims = bench.world.claims
    # The events so far (the suite's set-up and the CLI's claims), then duplicates up to AUDIT_EVENTS.
    so_far = len(bench.node.call("eth_getLogs", [{"address": claims.address, "fromBlock": "0x0", "toBlock": "latest"}]))
    writer = EventWriter(bench.node, claims, bench.world.insurer.address, events=so_far)
    bench.node.call("anvil_impersonateAccount", [bench.world.insurer.address])
    bench.progress(f"  {so_far:,} ClaimSettlement events so far; sending the claims again up to {AUDIT_EVENTS:,}")
    writer.duplicates_until(rows, AUDIT_EVENTS, bench.progress, batch=100)
    block = writer.marks[-1][0]
    manifest = bench.folder / "audit.json"
    write_manifest(
        Manifest(
            chain_id=CHAIN_ID,
            network=NETWORK,
            deployed_at="-",
            compiler={},
            commit=None,
            deployer=claims.address,
            governance=claims.address,
            complete=True,
            contracts={"ClaimSettlement": ContractRecord(address=claims.address, block=0, tx="0x")},
        ),
        manifest,
    )
    # AUDIT_RUNS of each, alternating (the machine may be shared): the medians are reported.
    casts, clis, libraries = [], [], []
    for run in range(AUDIT_RUNS):
        cast = cast_logs(bench.node.url, claims.address, block, bench.folder / "cast.json")
        library = sync_in_child(manifest, f"sqlite:///{bench.folder / f'library-{run}.sqlite'}", bench.node.url, block)
        cli_s, done = bench.ape(
            "audit",
            "sync",
            "--deployment",
            str(manifest),
            "--db",
            f"sqlite:///{bench.folder / f'cli-{run}.sqlite'}",
            "--to-block",
            str(block),
        )
        if library["events"] != cast.events or f"{cast.events} indexed" not in done.stdout:
            raise BenchmarkError(
                f"cast read {cast.events} events, the library {library['events']}; the CLI said {done.stdout[-500:]}"
            )
        casts.append(cast.seconds)
        clis.append(cli_s)
        libraries.append(library["wall"])
    cast_s, cli_s, library_s = statistics.median(casts), statistics.median(clis), statistics.median(libraries)
    report.rows.append(Row(f"cast logs --json, {cast.events:,} events", cast_s, "s"))
    report.rows.append(Row("ape run audit sync (new index), end to end", cli_s, "s"))
    report.rows.append(
        Row(
            "  audit CLI / cast logs",
            cli_s / cast_s,
            "x",
            f"<= {AUDIT_RATIO_TARGET}x",
            cli_s / cast_s <= AUDIT_RATIO_TARGET,
            AUDIT_RATIO_BEFORE,
        )
    )
    report.rows.append(Row("  library sync in a bare process / cast logs", library_s / cast_s, "x", anchor="1.3x"))
    report.notes.append(
        f"audit, medians of {AUDIT_RUNS} alternating runs: cast {', '.join(f'{x:.2f}' for x in casts)} s; CLI "
        f"{', '.join(f'{x:.2f}' for x in clis)} s; library process {', '.join(f'{x:.2f}' for x in libraries)} s; "
        f"peak memory: cast {cast.peak_rss_mib:.0f} MiB, library {library['rss'] / 1024:.0f} MiB"
    )
    report.notes.append(f"audit: of the library's last process, the sync itself took {library['sync']:.2f} s")


def measure_gas_bound(report: SpeedReport, progress: Callable[[str], None]) -> None:
    """Gas a claim by proof depth (its own anvil), next to the bound the submitter reserves for it."""
    from medchain.claims import bulk
    from medchain.claims.inputs import ClaimRow

    gas = measure_claim_gas(progress)

    def bound(depth: int, opens_year: bool) -> int:
        row = ClaimRow(
            row=0,
            ref="",
            policy_id=b"",
            provider="",
            amount=0,
            service_date=0,
            line_items=(),
            codes_hash=b"",
            evidence_hash=b"",
            evidence_proof=(b"",) * depth,
        )
        return bulk.claim_gas(row, opens_year=opens_year)

    for depth in (min(gas.first_of_year), max(gas.first_of_year)):
        for label, figures, opens in (
            ("opens its policy year", gas.first_of_year, True),
            ("steady", gas.steady, False),
        ):
            limit = bound(depth, opens)
            report.rows.append(
                Row(
                    f"submitClaims gas a claim, {depth}-level proof, {label}",
                    figures[depth],
                    "gas",
                    f"<= {limit:,}",
                    figures[depth] <= limit,
                    f"reserved: x{bulk.GAS_MARGIN}",
                )
            )
    report.rows.append(
        Row(
            "  a provider's first claim ever adds",
            gas.provider_first,
            "gas",
            f"<= {bulk.GAS_PER_NEW_PROVIDER:,}",
            gas.provider_first <= bulk.GAS_PER_NEW_PROVIDER,
        )
    )
    report.notes.append(
        "gas a claim by proof depth (first of year / steady): "
        + ", ".join(f"{d}: {gas.first_of_year[d]:,.0f}/{gas.steady[d]:,.0f}" for d in gas.first_of_year)
        + f"; {gas.per_level:,.0f} a proof level (least squares); the bound is medchain.claims.bulk's "
        f"GAS_PER_* before its margin of {bulk.GAS_MARGIN - 1:.0%}"
    )


def run_benchmark(
    progress: Callable[[str], None] = lambda _l: None,
    *,
    audit: bool = True,
    startup: bool = True,
    claims: bool = True,
    gas: bool = True,
    extra_args: tuple[str, ...] = (),
) -> SpeedReport:
    """Every figure of the table on one anvil (see the module docstring); the gas figures on their own."""
    report = SpeedReport()
    if gas:
        progress("gas a claim by proof depth (its own anvil)")
        measure_gas_bound(report, progress)
    args = ("--timestamp", str(GENESIS_TIME), "--gas-limit", str(BLOCK_GAS))
    with anvil(CHAIN_ID, *args) as node, tempfile.TemporaryDirectory() as tmp:
        bench = Bench(node, Path(tmp), progress)
        progress(f"building the suite: {POLICIES} policies, {PROVIDERS} providers")
        bench.build()
        if startup:
            progress("start-up: ape run claims --help, ape run claims policy")
            measure_startup(bench, report)
        rows = []
        if claims or audit:
            progress(f"bulk submission: {CLAIMS:,} claims")
            rows = measure_claims(bench, report, extra_args)
        if audit:
            progress(f"audit: {AUDIT_EVENTS:,} events")
            measure_audit(bench, report, rows)
    return report
