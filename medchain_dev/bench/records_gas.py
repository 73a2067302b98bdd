"""Gas of RecordAnchor next to the Ethereum Attestation Service's ``timestamp(bytes32)``.

The comparison runs on one fresh anvil chain holding both suites (automine: one transaction per
block, each sent after the previous one is mined); every figure of a transaction is its receipt's
``gasUsed``, intrinsic 21,000 and calldata included. Each transaction starts with every contract and
slot cold (EIP-2929), so the figures are what a lone transaction pays.

* ``anchor`` of one record hash next to EAS ``timestamp`` of the same hash. RecordAnchor first asks
  the ConsortiumRegistry whether the caller is an active provider; what that external call costs is
  read from anvil's struct-log trace of the ``anchor`` transaction (the STATICCALL opcode, from the
  gas left before it to the gas left once it returned).
* ``anchorBatch`` of 1,000 and of 10,000 records: StandardMerkleTrees (:mod:`medchain.records.merkle`)
  over random 32-byte hashes, next to EAS ``timestamp`` of the same root. The first batch is traced
  like ``anchor``: it pays the same membership call.
* ``verifyInBatch`` with a 14-level proof into the 10,000-record batch, as a calling contract pays
  for it: ``AnchorProbe`` (contracts/test) reads ``gasleft()`` around the call, cold then warm.

Whether ``anchor`` gets dearer as history grows is measured on a second anvil started with
``--no-mining``: single anchors fill its history to 1, 1,000 and 100,000 records, and one more
``anchor`` is measured at each point. The history is anchored by several providers, each transaction
signed locally with eth-account (in a process pool: signing is pure Python and the bottleneck), sent
in JSON-RPC batches with ``eth_sendRawTransaction`` without waiting for receipts, and mined with one
``evm_mine`` per batch. After each batch the pool must be empty and every transaction must have
anchored its record (one ``RecordAnchored`` log each), or the benchmark stops.

Record hashes are drawn from seeded generators and measured hashes have no zero byte, so calldata
-- and hence gas -- is the same from run to run and from one measurement to the next. The medchain
figures of the comparison chain (:func:`measure_figures`) are measured before EAS is deployed, so that
the gas snapshot measures them the same way without EAS.
"""

from __future__ import annotations

import os
import random
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Executor, ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from eth_account.signers.local import LocalAccount
from eth_utils import keccak
from web3 import Web3
from web3.contract import Contract
from web3.types import TxReceipt

from medchain.access import Role
from medchain.chain.abi import selector, topic
from medchain.records.merkle import MerkleTree
from medchain_dev.bench.common import (
    CHAIN_ID,
    GENESIS_TIME,
    SUITE_CONTRACTS,
    BenchmarkError,
    BenchReport,
    Chain,
    Figures,
    GasRow,
    Measurement,
    SignJob,
    Target,
    bench_anvil,
    chain_description,
    deploy_consortium,
    deploy_eas,
    deploy_suite,
    eas_compiler,
    load_medchain_artifacts,
    medchain_compiler,
    sign_job,
    signer,
)
from medchain_dev.bench.eas import EAS_SOLC_VERSION, Artifact, compile_eas
from medchain_dev.devchain import anvil

MEDCHAIN_CONTRACTS = (*SUITE_CONTRACTS, "AnchorProbe")

#: Records per anchored batch.
BATCH_SIZES = (1_000, 10_000)
#: Siblings in the proof that ``verifyInBatch`` is measured with (a leaf of the 10,000-record tree).
PROOF_LEVELS = 14
#: Records already anchored (singly) when ``anchor`` is measured again on the history chain.
HISTORY_POINTS = (1, 1_000, 100_000)
#: Providers anchoring the history, each with its own run of nonces.
HISTORY_PROVIDERS = 4
#: Transactions per JSON-RPC batch and per ``evm_mine``.
CHUNK = 500
#: Gas limit of each history transaction (an ``anchor`` uses about 52,000).
HISTORY_TX_GAS = 100_000
#: Block gas limit of the history chain: a chunk's gas limits fill at most a quarter of a block, so
#: blocks stay under the EIP-1559 target and the base fee only falls (no transaction priced out).
HISTORY_BLOCK_GAS = 4 * CHUNK * HISTORY_TX_GAS
#: Progress lines while filling the history: one per this many records.
PROGRESS_EVERY = 10_000

ANCHOR_SELECTOR = selector("RecordAnchor", "anchor")
RECORD_ANCHORED_TOPIC = topic("RecordAnchor", "RecordAnchored")
CALL_OPCODES = frozenset({"CALL", "STATICCALL", "DELEGATECALL", "CALLCODE"})

#: The gas targets.
ANCHOR = Target("anchor", 47_000)
BATCH_TARGETS = {
    1_000: Target("anchorBatch of 1,000, per record", 50),
    10_000: Target("anchorBatch of 10,000, per record", 6),
}
VERIFY_IN_BATCH = Target(f"verifyInBatch from another contract, {PROOF_LEVELS}-level proof", 15_000)
TARGETS = (ANCHOR, *BATCH_TARGETS.values(), VERIFY_IN_BATCH)

TITLE = "RecordAnchor vs Ethereum Attestation Service: gas per operation"


# ----------------------------------------------------------------------------------------------
# Record hashes


def record_hash(label: str) -> bytes:
    """A fixed 32-byte record hash for ``label`` with no zero byte: every measured hash costs the same calldata."""
    for attempt in range(1_000):
        candidate = keccak(text=f"medchain bench record: {label} #{attempt}")
        if 0 not in candidate:
            return candidate
    raise BenchmarkError(f"no zero-free hash for {label!r}")  # 1 in 8 hashes qualifies: unreachable


def records(count: int) -> str:
    """``1 record``, ``1,000 records``."""
    return f"{count:,} record" + ("" if count == 1 else "s")


def random_hashes(rng: random.Random, count: int) -> list[bytes]:
    """``count`` random 32-byte record hashes from ``rng``."""
    return [rng.randbytes(32) for _ in range(count)]


# ----------------------------------------------------------------------------------------------
# The comparison chain


@dataclass(frozen=True)
class CallCost:
    """An external call as the calling frame paid for it, read from a struct-log trace."""

    total: int  # the call opcode: gas left before it minus gas left once it returned
    callee: int  # gas the called code used
    callee_sloads: int  # of which its storage reads

    @property
    def caller_side(self) -> int:
        """What the opcode cost besides the callee's work: account access (2,600 cold) and memory."""
        return self.total - self.callee


def external_call(struct_logs: Sequence[dict[str, Any]]) -> CallCost:
    """The one external call made by the transaction's own frame (depth 1) in ``struct_logs``."""
    calls = [i for i, step in enumerate(struct_logs) if step["depth"] == 1 and step["op"] in CALL_OPCODES]
    if len(calls) != 1:
        raise BenchmarkError(f"expected one external call in the trace, found {len(calls)}")
    start = calls[0]
    end = next(i for i in range(start + 1, len(struct_logs)) if struct_logs[i]["depth"] == 1)
    inner = [step for step in struct_logs[start + 1 : end] if step["depth"] == 2]
    if not inner:
        raise BenchmarkError("the external call ran no code (is the callee deployed?)")
    return CallCost(
        total=struct_logs[start]["gas"] - struct_logs[end]["gas"],
        callee=inner[0]["gas"] - (inner[-1]["gas"] - inner[-1]["gasCost"]),
        callee_sloads=sum(step["gasCost"] for step in inner if step["op"] == "SLOAD"),
    )


def trace_steps(chain: Chain, tx_hash: bytes) -> list[dict[str, Any]]:
    """anvil's struct-log trace of a mined transaction (the node must run with ``--steps-tracing``)."""
    options = {"disableStack": True, "disableMemory": True, "disableStorage": True}
    steps = chain.node.call("debug_traceTransaction", [Web3.to_hex(tx_hash), options])["structLogs"]
    if not steps:
        raise BenchmarkError("anvil returned an empty trace: start it with --steps-tracing")
    return steps


@dataclass(frozen=True)
class Suites:
    """The contracts under measurement on the comparison chain."""

    chain: Chain
    anchor: Contract
    probe: Contract
    governance: str  # deploys everything
    provider: str  # an active PROVIDER member: sends every medchain transaction
    attester: str  # sends every EAS transaction


def deploy_suites(chain: Chain, medchain: dict[str, Artifact]) -> Suites:
    """The suite with one provider, and RecordAnchor's probe, on the comparison chain."""
    governance, provider, attester = chain.accounts[:3]
    anchor = deploy_suite(chain, medchain, governance, [(provider, Role.PROVIDER)])["RecordAnchor"]
    probe = chain.deploy(medchain["AnchorProbe"], anchor.address, sender=governance)
    return Suites(chain=chain, anchor=anchor, probe=probe, governance=governance, provider=provider, attester=attester)


@dataclass(frozen=True)
class Comparison:
    """Everything measured on the comparison chain."""

    figures: Figures  # medchain's, by snapshot name
    membership: CallCost  # RecordAnchor's isActiveMember call inside ``anchor``
    batch_membership: CallCost  # the same call inside the first ``anchorBatch``
    eas: dict[str, int]  # EAS timestamp of the single record and of each batch's root (empty without EAS)

    def anchor_batch(self, size: int) -> Measurement:
        """``anchorBatch`` of ``size`` records (per record)."""
        return self.figures[f"RecordAnchor.anchorBatch[{size}]/record"]

    @property
    def anchor(self) -> Measurement:
        return self.figures["RecordAnchor.anchor"]


#: What the medchain transactions of the comparison chain anchor: one record, then the batches' roots.
SINGLE_RECORD = record_hash("single anchor")


def batch_trees() -> dict[int, MerkleTree]:
    """The measured batches: a tree of seeded random record hashes per size in BATCH_SIZES."""
    rng = random.Random("medchain bench: batch records")
    return {size: MerkleTree.build(random_hashes(rng, size)) for size in BATCH_SIZES}


def measure_single(suites: Suites, figures: Figures) -> CallCost:
    """``anchor`` of SINGLE_RECORD into ``figures``; the membership call inside it."""
    chain = suites.chain
    measured, receipt = chain.measure("anchor", suites.anchor.functions.anchor(SINGLE_RECORD), suites.provider)
    if suites.anchor.functions.verify(suites.provider, SINGLE_RECORD).call()[0] == 0:
        raise BenchmarkError("verify does not find, under its provider, a record just anchored")
    membership = external_call(trace_steps(chain, receipt["transactionHash"]))
    figures["RecordAnchor.anchor"] = measured
    figures["RecordAnchor.anchor/isActiveMember-call"] = Measurement(membership.total)
    return membership


def measure_batches(suites: Suites, trees: dict[int, MerkleTree], figures: Figures) -> CallCost:
    """``anchorBatch`` of each tree into ``figures`` (per record); the membership call inside the first."""
    receipts: dict[int, TxReceipt] = {}
    for size, tree in trees.items():
        call = suites.anchor.functions.anchorBatch(tree.root, size)
        figures[f"RecordAnchor.anchorBatch[{size}]/record"], receipts[size] = suites.chain.measure(
            f"anchorBatch of {size:,}", call, suites.provider, items=size
        )
        if suites.anchor.functions.batchOf(suites.provider, tree.root).call()[1] != size:
            raise BenchmarkError(f"batchOf does not report the {records(size)} just anchored")
    return external_call(trace_steps(suites.chain, receipts[BATCH_SIZES[0]]["transactionHash"]))


def measure_verify(suites: Suites, tree: MerkleTree, figures: Figures) -> None:
    """Cold and warm ``verifyInBatch`` from AnchorProbe, for a leaf of ``tree`` with a PROOF_LEVELS proof."""
    index = next((i for i in range(len(tree)) if len(tree.proof_by_index(i)) == PROOF_LEVELS), None)
    if index is None:
        raise BenchmarkError(f"no leaf of the {len(tree):,}-record tree has a {PROOF_LEVELS}-level proof")
    value = tree.values[index]
    check = suites.probe.functions.measure(suites.provider, tree.root, value, tree.proof_by_index(index))
    receipt = suites.chain.send("AnchorProbe.measure", check, suites.provider)
    (event,) = suites.probe.events.VerifyInBatchGas().process_receipt(receipt)
    if event["args"]["provider"] != suites.provider:
        raise BenchmarkError("verifyInBatch did not prove a record of a batch just anchored")
    figures["RecordAnchor.verifyInBatch/cold"] = Measurement(event["args"]["coldGas"])
    figures["RecordAnchor.verifyInBatch/warm"] = Measurement(event["args"]["warmGas"])


def measure_eas(suites: Suites, eas_artifacts: dict[str, Artifact], trees: dict[int, MerkleTree]) -> dict[str, int]:
    """EAS ``timestamp`` of what medchain anchored: ``{"timestamp": ..., "timestamp root <size>": ...}``."""
    _schema_registry, eas = deploy_eas(suites.chain, eas_artifacts, suites.governance)

    def stamp(what: str, data: bytes) -> int:
        return suites.chain.send(what, eas.functions.timestamp(data), suites.attester)["gasUsed"]

    stamped = {"timestamp": stamp("EAS timestamp", SINGLE_RECORD)}
    for size, tree in trees.items():
        stamped[f"timestamp root {size}"] = stamp("EAS timestamp of a root", tree.root)
    return stamped


def measure_comparison(
    medchain: dict[str, Artifact], eas_artifacts: dict[str, Artifact] | None = None
) -> tuple[Comparison, str]:
    """Run the comparison on its own anvil (medchain, then EAS unless ``eas_artifacts`` is None); the
    figures and the chain's description."""
    trees = batch_trees()
    figures: Figures = {}
    with bench_anvil("--steps-tracing") as node:
        chain = Chain(node)
        suites = deploy_suites(chain, medchain)
        membership = measure_single(suites, figures)
        batch_membership = measure_batches(suites, trees, figures)
        measure_verify(suites, trees[max(BATCH_SIZES)], figures)
        eas = measure_eas(suites, eas_artifacts, trees) if eas_artifacts is not None else {}
        description = chain_description(node)
    return Comparison(figures, membership, batch_membership, eas), description


def measure_figures(progress: Callable[[str], None] = lambda _line: None) -> Figures:
    """RecordAnchor's figures on the comparison chain, without EAS or the history (the gas snapshot's)."""
    progress("measuring RecordAnchor on anvil")
    return measure_comparison(load_medchain_artifacts(MEDCHAIN_CONTRACTS))[0].figures


# ----------------------------------------------------------------------------------------------
# The history chain


@dataclass(frozen=True)
class History:
    """``anchor`` gas at each point of HISTORY_POINTS and how fast the history was filled."""

    anchor_gas: dict[int, Measurement]  # records already anchored -> one more anchor
    filled: int  # transactions sent to fill the history
    seconds: float  # spent filling it (signing, sending, mining, checking)
    workers: int  # signing processes

    @property
    def throughput(self) -> float:
        """Filling transactions per second."""
        return self.filled / self.seconds if self.seconds else 0.0


class HistoryFiller:
    """Anchors record hashes singly on a ``--no-mining`` chain, many transactions at a time."""

    def __init__(
        self,
        chain: Chain,
        anchor: Contract,
        providers: Sequence[LocalAccount],
        signers: Executor,
        progress: Callable[[str], None],
    ) -> None:
        self.chain = chain
        self.anchor = anchor
        self.providers = list(providers)
        self.signers = signers
        self.progress = progress
        self.nonces = {provider.address: 0 for provider in self.providers}
        self.anchored = 0  # records anchored on this chain so far
        self.filled = 0  # of which by :meth:`fill`
        self.seconds = 0.0  # spent in :meth:`fill`
        self._turn = 0  # the provider that signs the next chunk
        # Blocks stay under the EIP-1559 target, so the base fee never rises above today's.
        self.max_fee_per_gas = 2 * chain.base_fee() + 1

    def _job(self, hashes: Sequence[bytes]) -> SignJob:
        """Anchors of ``hashes`` by the next provider in turn, at its next nonces."""
        provider = self.providers[self._turn % len(self.providers)]
        self._turn += 1
        nonce = self.nonces[provider.address]
        self.nonces[provider.address] += len(hashes)
        return SignJob(
            key=provider.key,
            to=self.anchor.address,
            calldata=tuple(ANCHOR_SELECTOR + h for h in hashes),
            first_nonce=nonce,
            gas=HISTORY_TX_GAS,
            max_fee_per_gas=self.max_fee_per_gas,
        )

    def _mine(self, expected: int) -> None:
        """Mine the pool into one block and check that it held ``expected`` successful anchors."""
        self.chain.node.call("evm_mine")
        pending, queued = self.chain.pool_size()
        if pending or queued:
            raise BenchmarkError(
                f"transaction pool stuck after evm_mine: {pending} pending, {queued} queued (nonce gap?)"
            )
        block = self.chain.w3.eth.block_number
        logs = self.chain.node.call(
            "eth_getLogs",
            [
                {
                    "fromBlock": hex(block),
                    "toBlock": hex(block),
                    "address": self.anchor.address,
                    "topics": [RECORD_ANCHORED_TOPIC],
                }
            ],
        )
        if len(logs) != expected:
            raise BenchmarkError(f"block {block}: {len(logs)} records anchored, {expected} sent")

    def fill(self, count: int, rng: random.Random) -> None:
        """Anchor ``count`` random record hashes, one transaction each, CHUNK at a time."""
        started = time.monotonic()
        hashes = random_hashes(rng, count)
        jobs = [self._job(hashes[i : i + CHUNK]) for i in range(0, count, CHUNK)]
        next_report = (self.anchored // PROGRESS_EVERY + 1) * PROGRESS_EVERY
        try:
            for signed in self.signers.map(sign_job, jobs):  # signed ahead while earlier chunks are sent
                self.chain.send_raw(signed)
                self._mine(len(signed))
                self.anchored += len(signed)
                self.filled += len(signed)
                if self.anchored >= next_report:
                    elapsed = self.seconds + time.monotonic() - started
                    self.progress(f"history: {records(self.anchored)} anchored ({self.filled / elapsed:,.0f} tx/s)")
                    next_report += PROGRESS_EVERY
        except BaseException:
            self.signers.shutdown(cancel_futures=True)  # do not sign the rest before reporting the failure
            raise
        self.seconds += time.monotonic() - started

    def measure_anchor(self, record: bytes) -> Measurement:
        """One ``anchor`` of ``record``, mined on its own."""
        (signed,) = sign_job(self._job([record]))
        (tx_hash,) = self.chain.send_raw([signed])
        self._mine(1)
        self.anchored += 1
        return self.chain.measurement(self.chain.w3.eth.get_transaction_receipt(tx_hash))


def signing_workers() -> int:
    """Processes that sign history transactions: one per CPU."""
    return os.cpu_count() or 1


@contextmanager
def history_chain(medchain: dict[str, Artifact]) -> Iterator[tuple[Chain, Contract, list[LocalAccount]]]:
    """A ``--no-mining`` anvil with a registry, RecordAnchor and HISTORY_PROVIDERS funded providers."""
    block_gas = str(HISTORY_BLOCK_GAS)
    with anvil(CHAIN_ID, "--timestamp", str(GENESIS_TIME), "--no-mining", "--gas-limit", block_gas) as node:
        chain = Chain(node, automine=False)
        governance = chain.accounts[0]
        providers = [signer(f"history provider {i}") for i in range(HISTORY_PROVIDERS)]
        for provider in providers:
            node.call("anvil_setBalance", [provider.address, hex(10**24)])
        registry = deploy_consortium(chain, medchain, governance, [(p.address, Role.PROVIDER) for p in providers])
        anchor = chain.deploy(medchain["RecordAnchor"], registry.address, sender=governance)
        yield chain, anchor, providers


def measure_history(medchain: dict[str, Artifact], progress: Callable[[str], None]) -> History:
    """``anchor`` gas after 1, 1,000 and 100,000 single anchors, on a chain of its own."""
    rng = random.Random("medchain bench: history records")
    workers = signing_workers()
    with history_chain(medchain) as (chain, anchor, providers), ProcessPoolExecutor(workers) as signers:
        filler = HistoryFiller(chain, anchor, providers, signers, progress)
        gas: dict[int, Measurement] = {}
        for point in HISTORY_POINTS:
            filler.fill(point - filler.anchored, rng)
            gas[point] = filler.measure_anchor(record_hash(f"anchor after {records(point)}"))
            progress(f"history: anchor after {records(point)}: {gas[point].gas:,} gas")
    return History(anchor_gas=gas, filled=filler.filled, seconds=filler.seconds, workers=workers)


# ----------------------------------------------------------------------------------------------
# The run and its report


def comparison_rows(ours: Comparison, history: History) -> list[GasRow]:
    """The table: each operation next to its EAS equivalent (where EAS has one)."""
    rows = [
        GasRow.of("anchor (single record)", ours.anchor, "timestamp(bytes32)", ours.eas["timestamp"], ANCHOR),
        GasRow("  of which: registry.isActiveMember call", ours.membership.total),
    ]
    for size in BATCH_SIZES:
        batch, stamped = ours.anchor_batch(size), ours.eas[f"timestamp root {size}"]
        rows += [
            GasRow(f"anchorBatch, {records(size)}", batch.gas, "timestamp(root)", stamped, floor=batch.floor),
            GasRow.of(
                f"anchorBatch, {records(size)}, per record",
                batch,
                f"timestamp(root) / {size:,}",
                stamped / size,
                BATCH_TARGETS[size],
            ),
        ]
    rows += [
        GasRow.of(
            f"verifyInBatch from contract, {PROOF_LEVELS} levels, {temperature}",
            ours.figures[f"RecordAnchor.verifyInBatch/{temperature}"],
            target=VERIFY_IN_BATCH,
        )
        for temperature in ("cold", "warm")
    ]
    rows += [GasRow.of(f"anchor after {records(point)} anchored", gas) for point, gas in history.anchor_gas.items()]
    return rows


def notes(ours: Comparison, history: History) -> list[str]:
    """What the table alone does not say: the membership call's share, growth with history, throughput."""
    call = ours.membership
    anchor = ours.anchor.gas
    first = BATCH_SIZES[0]
    batch_gas = ours.anchor_batch(first).gas
    batch_call = ours.batch_membership
    gas = {point: measured.gas for point, measured in history.anchor_gas.items()}
    flat = "constant" if len(set(gas.values())) == 1 else "NOT constant"
    return [
        f"anchor's membership check, the STATICCALL to ConsortiumRegistry.isActiveMember (from the trace): "
        f"{call.total:,} of its {anchor:,} gas ({call.total / anchor:.1%})",
        f"  = {call.caller_side:,} for the call itself (EIP-2929 cold account access: 2,600) + {call.callee:,} "
        f"running isActiveMember (of which {call.callee_sloads:,} for the member slot's cold SLOAD)",
        f"  anchor without it: {anchor - call.total:,} (target {ANCHOR.limit:,}); "
        f"EAS timestamp, which checks no caller: {ours.eas['timestamp']:,}",
        f"anchorBatch pays the same check: {batch_call.total:,} of its {batch_gas:,} gas; without it "
        f"{batch_gas - batch_call.total:,} = {(batch_gas - batch_call.total) / first:,.2f} per record of "
        f"{first:,} (target {BATCH_TARGETS[first].limit:,})",
        f"anchor vs history: {' / '.join(f'{g:,}' for g in gas.values())} gas after "
        f"{' / '.join(f'{p:,}' for p in gas)} records anchored: {flat}",
        f"history fill: {history.filled:,} anchor transactions signed with eth-account ({history.workers} processes),"
        f" sent with eth_sendRawTransaction {CHUNK} per batch, one evm_mine per batch: {history.seconds:,.0f} s,"
        f" {history.throughput:,.0f} tx/s",
    ]


def run_benchmark(progress: Callable[[str], None] = lambda _line: None) -> BenchReport:
    """Compile EAS, measure both suites on one anvil, then anchor gas against history on another."""
    medchain = load_medchain_artifacts(MEDCHAIN_CONTRACTS)
    progress(f"compiling EAS with solc {EAS_SOLC_VERSION} (solc-js, via toolchain/solc.js)")
    eas_artifacts = compile_eas()
    progress("measuring RecordAnchor and EAS on anvil")
    ours, chain_line = measure_comparison(medchain, eas_artifacts)
    progress(f"anchoring a history of {max(HISTORY_POINTS):,} records on a --no-mining anvil")
    history = measure_history(medchain, progress)
    return BenchReport(
        title=TITLE,
        rows=comparison_rows(ours, history),
        targets=TARGETS,
        setup={
            "chain": chain_line,
            "medchain": f"{medchain_compiler('RecordAnchor')} (ape compile)",
            "EAS": eas_compiler(),
            "batches": "OpenZeppelin StandardMerkleTrees over random 32-byte record hashes",
            "verifyInBatch": "gasleft() around the call inside AnchorProbe (no intrinsic 21,000)",
            "history": f"second anvil (--no-mining), {HISTORY_PROVIDERS} providers anchoring singly",
        },
        notes=notes(ours, history),
    )
