"""ClaimSettlement benchmark: gas per operation next to Etherisc GIF, and bulk-submission throughput.

Gas (one anvil with fixed block times, automine, the suite deployed as ``medchain.deployment.SUITE``
lays it out; every figure a receipt's ``gasUsed``, by snapshot name, see :func:`measure_gas`):

* ``submitClaim`` with single-anchored evidence: the first claim of a policy year (opens the year's
  accumulator slot and uses some deductible) and a steady one (the year is open, the deductible met);
* ``submitClaims`` of 50 claims for 50 policies, evidence proven into a Merkle batch: per claim,
  steady and first of the year;
* ``settle`` of those 50 claims after the review window: per claim;
* ``withdraw``: a provider's first (its token balance goes from zero: a new slot in the token) and a
  later one (the usual case);
* the lifecycle of one paid claim (submitClaim + settle of one claim + withdraw) next to Etherisc
  GIF's ~1.1 M (submit ~298 k, confirm ~186 k, payout ~620 k, measured for the issue on anvil).

Throughput (a second anvil): 10,000 claims for 250 policies (4 providers, evidence in Merkle
batches) go through :class:`medchain.claims.bulk.BulkSubmitter` -- encoding, local signing,
journaling, pipelined sending and receipt reading, as ``ape run claims submit`` does -- and, from a
snapshot of the same chain state, as the same batched calls pre-signed and sent raw (the node's own
limit). Both must hold every claim on chain at the end.
"""

from __future__ import annotations

import random
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from eth_account import Account
from eth_utils import keccak
from web3.logs import DISCARD

from medchain.access import Role
from medchain.chain.rpc import Rpc
from medchain.claims.bulk import TX_GAS_CAP, Batch, BulkSubmitter, encode_batch, plan_batches, request_chunks
from medchain.claims.inputs import ClaimRow, LineItem, codes_hash
from medchain.claims.journal import Journal
from medchain.consent.purposes import Category, Purpose
from medchain.deployment.deploy import DEFAULT_REVIEW_WINDOW
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
    Target,
    bench_anvil,
    chain_description,
    deploy_suite,
    load_medchain_artifacts,
    medchain_compiler,
    signer,
)
from medchain_dev.devchain import anvil

CONTRACTS = SUITE_CONTRACTS
DAY = 86_400
#: The suite's review window (medchain.deployment): claims settle once it has passed.
REVIEW_WINDOW = DEFAULT_REVIEW_WINDOW
USD = 10**6
CODES_KEY = keccak(text="medchain bench: codes key")

#: Etherisc GIF, measured for the issue on anvil (claims as opaque bytes, no checks).
GIF_SUBMIT, GIF_CONFIRM, GIF_PAYOUT = 298_000, 186_000, 620_000
GIF_LIFECYCLE = GIF_SUBMIT + GIF_CONFIRM + GIF_PAYOUT

SUBMIT = Target("submitClaim, single-anchored evidence", 110_000)
BATCH = Target("submitClaims, per claim in a batch of 50", 80_000)
SETTLE = Target("settle, per claim in a batch", 30_000)
WITHDRAW = Target("withdraw", 45_000)
TARGETS = (SUBMIT, BATCH, SETTLE, WITHDRAW)

BATCH_SIZE = 50
THROUGHPUT_CLAIMS = 10_000
THROUGHPUT_POLICIES = 250
THROUGHPUT_PROVIDERS = 4
EVIDENCE_PER_PROVIDER = 1_024
CLAIMS_PER_SECOND_TARGET = 300
NODE_SHARE_TARGET = 0.5
BLOCK_TIME = 0.1  # seconds between blocks during the throughput runs
WINDOW = 16  # batches in flight


@dataclass
class World:
    """A deployed suite with an insurer, providers, patients with consent and policies, and evidence."""

    chain: Chain
    contracts: dict[str, Any]
    insurer: Any  # LocalAccount: the bulk submitter signs locally
    providers: list[str]
    policies: list[bytes]
    evidence: dict[str, tuple[MerkleTree, list[bytes]]]  # provider -> (anchored batch tree, its records)

    @property
    def claims(self) -> Any:
        return self.contracts["ClaimSettlement"]


def _fund(chain: Chain, address: str) -> None:
    chain.node.call("anvil_setBalance", [address, hex(10**24)])


def build_world(
    chain: Chain,
    artifacts: dict[str, Any],
    *,
    policies: int,
    providers: int,
    evidence_per_provider: int,
    progress: Callable[[str], None],
) -> World:
    """Deploy the suite and populate it (eth_sendTransaction from anvil's and impersonated accounts)."""
    governance = chain.accounts[0]
    insurer = signer("claims insurer")
    provider_addrs = [chain.accounts[1 + i] for i in range(providers)]
    _fund(chain, insurer.address)
    members = [(insurer.address, Role.INSURER)] + [(p, Role.PROVIDER) for p in provider_addrs]
    contracts = deploy_suite(chain, artifacts, governance, members)
    consent, anchor = contracts["ConsentRegistry"], contracts["RecordAnchor"]
    token, claims = contracts["TestStableToken"], contracts["ClaimSettlement"]
    chain.node.call("anvil_impersonateAccount", [insurer.address])
    now = GENESIS_TIME
    ids = []
    progress(f"  {policies} patients: consent to the insurer and the providers, policies")
    for n in range(policies):
        patient = signer(f"claims patient {n}").address
        _fund(chain, patient)
        chain.node.call("anvil_impersonateAccount", [patient])
        chain.send(
            "grant",
            consent.functions.grant(
                patient, insurer.address, int(Purpose.HPAYMT), int(Category.BILLING_CLAIMS), now + 400 * DAY
            ),
            patient,
        )
        for provider in provider_addrs:  # the care relationship every claim needs (TREAT on encounters)
            chain.send(
                "grant",
                consent.functions.grant(
                    patient, provider, int(Purpose.TREAT), int(Category.ENCOUNTERS), now + 400 * DAY
                ),
                patient,
            )
        policy = keccak(text=f"bench policy {n}")
        chain.send(
            "registerPolicy",
            claims.functions.registerPolicy(
                policy, patient, 10**9 * USD, 500 * USD, 2_000, now - 300 * DAY, now + 65 * DAY
            ),
            insurer.address,
        )
        ids.append(policy)
    supply = 10**12 * USD
    chain.send("mint", token.functions.mint(insurer.address, supply), governance)
    chain.send("approve", token.functions.approve(claims.address, supply), insurer.address)
    chain.send("fund", claims.functions.fund(supply), insurer.address)
    evidence = {}
    rng = random.Random("medchain bench: claim evidence")
    for provider in provider_addrs:
        records = [rng.randbytes(32) for _ in range(evidence_per_provider)]
        tree = MerkleTree.build(records)
        chain.send("anchorBatch", anchor.functions.anchorBatch(tree.root, len(records)), provider)
        evidence[provider] = (tree, records)
    return World(chain, contracts, insurer, provider_addrs, ids, evidence)


def make_claim(
    world: World, n: int, *, policy: bytes, provider: str, service_date: int, amount: int, single: bytes | None = None
) -> ClaimRow:
    """A claim for ``policy`` with evidence from the provider's batch (or a ``single`` anchored record)."""
    items = (LineItem(f"99{n % 1000:03d}", (), Decimal(1), amount), LineItem("BENCH", (), Decimal(n + 1), 0))
    tree, records = world.evidence[provider]
    if single is not None:
        evidence = {"evidence_hash": single}
    else:
        index = n % len(records)
        evidence = {
            "evidence_hash": records[index],
            "evidence_root": tree.root,
            "evidence_proof": tuple(tree.proof_by_index(tree.values.index(records[index]))),
        }
    return ClaimRow(
        row=n,
        ref=f"bench-{n}",
        policy_id=policy,
        provider=provider,
        amount=amount,
        service_date=service_date,
        line_items=items,
        codes_hash=codes_hash(items, CODES_KEY),
        **evidence,
    )


def _submit(world: World, rows: list[ClaimRow], single: bool = False) -> tuple[Measurement, Any]:
    """Submit ``rows`` (one claim with ``submitClaim``, or a batch); the figure (per claim) and receipt."""
    claims = world.claims
    if single:
        call = claims.functions.submitClaim(rows[0].as_input())
    else:
        call = claims.functions.submitClaims([r.as_input() for r in rows])
    # Every claim is a new record: one new slot each in the floor.
    return world.chain.measure("submit", call, world.insurer.address, items=len(rows), new_slots=len(rows))


# ----------------------------------------------------------------------------------------------
# Gas


def claim_key(operation: str) -> str:
    """The snapshot name of a ClaimSettlement figure: ``ClaimSettlement.settle[50]/claim``."""
    return f"ClaimSettlement.{operation}"


def measure_gas(artifacts: dict[str, Any], progress: Callable[[str], None]) -> tuple[Figures, str]:
    """ClaimSettlement's figures, by snapshot name, on a fresh anvil; and the chain's description."""
    figures: Figures = {}
    with bench_anvil() as node:
        chain = Chain(node)
        world = build_world(
            chain, artifacts, policies=2 * BATCH_SIZE + 1, providers=1, evidence_per_provider=64, progress=progress
        )
        provider = world.providers[0]
        anchor = world.contracts["RecordAnchor"]
        singles = [keccak(text=f"single evidence {i}") for i in range(3)]
        for record in singles:
            chain.send("anchor", anchor.functions.anchor(record), provider)
        day = GENESIS_TIME - 10 * DAY
        p0 = world.policies[0]
        # The provider's very first claim on the contract also gives it its index (two new slots, once).
        figures[claim_key("submitClaim/provider-first")] = _submit(
            world,
            [
                make_claim(
                    world,
                    0,
                    policy=world.policies[-1],
                    provider=provider,
                    service_date=day,
                    amount=900 * USD,
                    single=singles[2],
                )
            ],
            single=True,
        )[0]
        figures[claim_key("submitClaim/first-of-year")] = _submit(
            world,
            [make_claim(world, 1, policy=p0, provider=provider, service_date=day, amount=900 * USD, single=singles[0])],
            single=True,
        )[0]
        figures[claim_key("submitClaim/steady")] = _submit(
            world,
            [
                make_claim(
                    world, 2, policy=p0, provider=provider, service_date=day + 1, amount=300 * USD, single=singles[1]
                )
            ],
            single=True,
        )[0]
        first_batch = [
            make_claim(
                world, 100 + i, policy=world.policies[1 + i], provider=provider, service_date=day, amount=800 * USD
            )
            for i in range(BATCH_SIZE)
        ]
        figures[claim_key(f"submitClaims[{BATCH_SIZE}]/claim-first-of-year")] = _submit(world, first_batch)[0]
        steady_batch = [
            make_claim(
                world, 200 + i, policy=world.policies[1 + i], provider=provider, service_date=day + 2, amount=400 * USD
            )
            for i in range(BATCH_SIZE)
        ]
        figures[claim_key(f"submitClaims[{BATCH_SIZE}]/claim")], receipt = _submit(world, steady_batch)
        adjudicated = world.claims.events.ClaimAdjudicated().process_receipt(receipt, errors=DISCARD)
        if len(adjudicated) != BATCH_SIZE or any(e["args"]["outcome"] != 2 for e in adjudicated):
            raise BenchmarkError("the steady batch was not approved in full")
        chain.skip(REVIEW_WINDOW + 1)
        # Settling and withdrawing store nothing new (the provider's first withdrawal aside: its token balance).
        ids = [r.claim_id for r in steady_batch]
        figures[claim_key(f"settle[{BATCH_SIZE}]/claim")] = chain.measure(
            "settle", world.claims.functions.settle(ids), provider, items=BATCH_SIZE, new_slots=0
        )[0]
        figures[claim_key("withdraw/first")] = chain.measure("withdraw", world.claims.functions.withdraw(), provider)[0]
        figures[claim_key("settle[1]")] = chain.measure(
            "settle one", world.claims.functions.settle([first_batch[0].claim_id]), provider, new_slots=0
        )[0]
        figures[claim_key("withdraw/later")] = chain.measure(
            "withdraw", world.claims.functions.withdraw(), provider, new_slots=0
        )[0]
        description = chain_description(node, "medchain")
    return figures, description


def measure_figures(progress: Callable[[str], None] = lambda _line: None) -> Figures:
    """ClaimSettlement's figures on a fresh anvil (the gas snapshot's)."""
    progress("measuring ClaimSettlement on anvil")
    return measure_gas(load_medchain_artifacts(CONTRACTS), lambda _line: None)[0]


# ----------------------------------------------------------------------------------------------
# Throughput


@dataclass(frozen=True)
class Throughput:
    claims: int
    transactions: int
    script_seconds: float
    raw_seconds: float
    notes: tuple[str, ...]

    @property
    def script_rate(self) -> float:
        return self.claims / self.script_seconds

    @property
    def raw_rate(self) -> float:
        return self.claims / self.raw_seconds

    @property
    def share(self) -> float:
        return self.script_rate / self.raw_rate


def throughput_claims(world: World, count: int) -> list[ClaimRow]:
    rng = random.Random("medchain bench: throughput claims")
    rows = []
    for n in range(count):
        rows.append(
            make_claim(
                world,
                n,
                policy=world.policies[n % len(world.policies)],
                provider=world.providers[n % len(world.providers)],
                service_date=GENESIS_TIME - rng.randrange(1, 250) * DAY,
                amount=rng.randrange(50, 2_000) * USD,
            )
        )
    return rows


def raw_floor(
    w3: Any, account: Any, contract: str, batches: list[Batch], chain_id: int = CHAIN_ID
) -> tuple[float, int]:
    """The node's own limit: ``batches`` pre-signed (the submitter's calldata and gas limit), then sent raw
    in JSON-RPC batches (:func:`medchain.claims.bulk.request_chunks`) and awaited; (seconds from the first
    send to the last receipt, transactions)."""
    nonce = w3.eth.get_transaction_count(account.address, "pending")
    base = w3.eth.get_block("latest")["baseFeePerGas"]
    signed = []
    for batch in batches:
        tx = {
            "type": 2,
            "chainId": chain_id,
            "nonce": nonce + len(signed),
            "to": contract,
            "value": 0,
            "data": encode_batch(batch.rows),
            "gas": batch.gas,
            "maxFeePerGas": 2 * base + 1,
            "maxPriorityFeePerGas": 1,
        }
        signed.append(bytes(Account.sign_transaction(tx, account.key).raw_transaction))
    started = time.monotonic()
    hashes = []
    for chunk in request_chunks(signed):
        answers = w3.provider.make_batch_request([("eth_sendRawTransaction", ["0x" + raw.hex()]) for raw in chunk])
        errors = [a["error"] for a in answers if "error" in a] if isinstance(answers, list) else [answers]
        if errors:
            raise BenchmarkError(f"eth_sendRawTransaction refused: {errors[0]}")
        hashes += [a["result"] for a in answers]
    pending = set(hashes)
    while pending:
        answers = w3.provider.make_batch_request([("eth_getTransactionReceipt", [h]) for h in pending])
        for h, answer in zip(list(pending), answers):
            receipt = answer.get("result")
            if receipt is not None:
                if int(receipt["status"], 16) != 1:
                    raise BenchmarkError(f"raw batch {h} reverted")
                pending.discard(h)
        if pending:
            time.sleep(0.01)
    return time.monotonic() - started, len(signed)


def _raw_run(world: World, rows: list[ClaimRow]) -> tuple[float, int]:
    """The node's own limit for ``rows`` in batches of BATCH_SIZE (see :func:`raw_floor`)."""
    batches = plan_batches(rows, BATCH_SIZE, TX_GAS_CAP)
    return raw_floor(world.chain.w3, world.insurer, world.claims.address, batches)


class Miner:
    """Mines a block every ``interval`` seconds on a node whose automine is off (a steady block time)."""

    def __init__(self, node: Any, interval: float):
        self.node, self.interval = node, interval
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            self.node.call("evm_mine")

    def __enter__(self) -> Miner:
        self.node.call("evm_setAutomine", [False])
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.node.call("evm_setAutomine", [True])


def measure_throughput(artifacts: dict[str, Any], progress: Callable[[str], None]) -> Throughput:
    # The world is built with automine; the measurements run with a block every BLOCK_TIME seconds and
    # room for 40 full batches per block, as a consortium chain with a short block time would.
    args = ("--timestamp", str(GENESIS_TIME), "--gas-limit", str(40 * TX_GAS_CAP))
    with anvil(CHAIN_ID, *args) as node:
        chain = Chain(node)
        world = build_world(
            chain,
            artifacts,
            policies=THROUGHPUT_POLICIES,
            providers=THROUGHPUT_PROVIDERS,
            evidence_per_provider=EVIDENCE_PER_PROVIDER,
            progress=progress,
        )
        rows = throughput_claims(world, THROUGHPUT_CLAIMS)
        snapshot = node.call("evm_snapshot")
        progress(f"  node limit: {len(rows):,} claims pre-signed, sent raw")
        with Miner(node, BLOCK_TIME):
            raw_seconds, transactions = _raw_run(world, rows)
        statuses = world.claims.functions.claimStatuses([r.claim_id for r in rows]).call()
        if any(s == 0 for s in statuses):
            raise BenchmarkError("the raw run left claims off chain")
        node.call("evm_revert", [snapshot])
        progress(f"  bulk submitter: {len(rows):,} claims")
        with tempfile.TemporaryDirectory() as tmp, Miner(node, BLOCK_TIME):
            journal = Journal(Path(tmp) / "journal.sqlite", chain_id=CHAIN_ID, contract=world.claims.address)
            submitter = BulkSubmitter(
                Rpc(chain.node.url, patience=30.0),
                world.claims.address,
                world.insurer,
                journal,
                batch_size=BATCH_SIZE,
                window=WINDOW,
            )
            result = submitter.run(rows)
            journal.close()
        on_chain = sum(1 for e in result.entries.values() if e.state == "accepted")
        if on_chain != len(rows):
            raise BenchmarkError(f"the bulk submitter left {len(rows) - on_chain} claims off chain")
    return Throughput(len(rows), transactions, result.seconds, raw_seconds, tuple(result.notes))


# ----------------------------------------------------------------------------------------------
# Report


def run_benchmark(progress: Callable[[str], None] = lambda _line: None, *, throughput: bool = True) -> BenchReport:
    artifacts = load_medchain_artifacts(CONTRACTS)
    progress("measuring ClaimSettlement gas on anvil")
    gas, chain_line = measure_gas(artifacts, progress)

    def of(operation: str) -> Measurement:
        return gas[claim_key(operation)]

    lifecycle = of("submitClaim/steady").gas + of("settle[1]").gas + of("withdraw/later").gas
    lifecycle_floor = sum(of(op).floor or 0 for op in ("submitClaim/steady", "settle[1]", "withdraw/later"))
    rows = [
        GasRow.of(
            "submitClaim, the provider's first claim ever", of("submitClaim/provider-first"), "submit", GIF_SUBMIT
        ),
        GasRow.of(
            "submitClaim, single evidence, first of policy year", of("submitClaim/first-of-year"), "submit", GIF_SUBMIT
        ),
        GasRow.of("submitClaim, single evidence, steady", of("submitClaim/steady"), "submitClaim", GIF_SUBMIT, SUBMIT),
        GasRow.of(
            f"submitClaims x{BATCH_SIZE}, per claim, first of year",
            of(f"submitClaims[{BATCH_SIZE}]/claim-first-of-year"),
            "submitClaim",
            GIF_SUBMIT,
        ),
        GasRow.of(
            f"submitClaims x{BATCH_SIZE}, per claim, steady",
            of(f"submitClaims[{BATCH_SIZE}]/claim"),
            "submitClaim",
            GIF_SUBMIT,
            BATCH,
        ),
        GasRow.of(
            f"settle x{BATCH_SIZE}, per claim", of(f"settle[{BATCH_SIZE}]/claim"), "confirmClaim", GIF_CONFIRM, SETTLE
        ),
        GasRow.of("settle, one claim", of("settle[1]"), "confirmClaim", GIF_CONFIRM),
        GasRow.of("withdraw, provider's first (new token balance)", of("withdraw/first"), "payout", GIF_PAYOUT),
        GasRow.of("withdraw, later", of("withdraw/later"), "payout", GIF_PAYOUT, WITHDRAW),
        GasRow(
            "lifecycle of a paid claim (submit+settle+withdraw)",
            lifecycle,
            "submit+confirm+payout",
            GIF_LIFECYCLE,
            floor=lifecycle_floor,
        ),
    ]
    notes = [
        "the targets hold for the steady state (the year's accumulator exists, the deductible is met);",
        "the provider's first claim ever also stores its index (once per provider and contract);",
        "first of policy year: the claim opens its year's accumulator slot and uses deductible (a second slot);",
        "  steady: the year is open and the deductible met. Withdraw 'first': the provider had no tokens yet",
        "  (the token writes a new balance slot); 'later' is every withdrawal after that.",
        f"Etherisc GIF figures: measured for the issue on anvil (submit ~{GIF_SUBMIT:,}, confirm ~{GIF_CONFIRM:,},"
        f" payout ~{GIF_PAYOUT:,}); GIF checks no consent, evidence or coverage and emits no reason codes.",
    ]
    if throughput:
        progress(f"measuring bulk throughput: {THROUGHPUT_CLAIMS:,} claims")
        t = measure_throughput(artifacts, progress)
        rate_ok = "met" if t.script_rate >= CLAIMS_PER_SECOND_TARGET else "MISSED"
        share_ok = "met" if t.share >= NODE_SHARE_TARGET else "MISSED"
        notes += [
            f"throughput: {t.claims:,} claims in {t.transactions} batches of {BATCH_SIZE} on anvil (a block every {BLOCK_TIME} s):",
            f"  bulk submitter (encode, sign, journal, send, read receipts): {t.script_seconds:,.1f} s = "
            f"{t.script_rate:,.0f} claims/s (target >= {CLAIMS_PER_SECOND_TARGET}: {rate_ok})",
            f"  node limit (same batches pre-signed, sent raw): {t.raw_seconds:,.1f} s = {t.raw_rate:,.0f} claims/s",
            f"  bulk submitter / node limit = {t.share:.0%} (target >= {NODE_SHARE_TARGET:.0%}: {share_ok})",
            *(f"  note: {n}" for n in t.notes),
        ]
    return BenchReport(
        title="ClaimSettlement vs Etherisc GIF: gas per operation",
        rows=rows,
        targets=TARGETS,
        reference="GIF",
        setup={
            "chain": chain_line,
            "medchain": f"{medchain_compiler('ClaimSettlement')} (ape compile)",
            "GIF": "Etherisc GIF figures quoted by the issue (measured on anvil)",
        },
        notes=notes,
    )


# ----------------------------------------------------------------------------------------------
# Gas per claim by proof depth (what the bulk submitter's gas bound is sized from)

#: Proof depths measured: a single-anchored record (0) up to a batch of 65,536 records (16).
GAS_DEPTHS = (0, 1, 4, 8, 12, 16)
GAS_BATCH = 20


@dataclass(frozen=True)
class ClaimGas:
    """Gas of ``submitClaims`` per claim, by proof depth: the first claim of a policy year (opens the
    year's slot, uses deductible) and a steady one; and what a provider's first claim ever adds."""

    first_of_year: dict[int, float]
    steady: dict[int, float]
    provider_first: int
    batch_overhead: int  # a one-claim batch minus one claim of a large batch (21,000 and the call)

    @property
    def per_level(self) -> float:
        """The least-squares slope of the first-of-year figures over the depth."""
        depths = list(self.first_of_year)
        mean_d = sum(depths) / len(depths)
        mean_g = sum(self.first_of_year.values()) / len(depths)
        return sum((d - mean_d) * (g - mean_g) for d, g in self.first_of_year.items()) / sum(
            (d - mean_d) ** 2 for d in depths
        )


def measure_claim_gas(progress: Callable[[str], None] = lambda _l: None) -> ClaimGas:
    """Measure :class:`ClaimGas` on a fresh anvil (receipts' gasUsed)."""
    artifacts = load_medchain_artifacts(CONTRACTS)
    with bench_anvil("--gas-limit", str(40 * TX_GAS_CAP)) as node:
        chain = Chain(node)
        policies = GAS_BATCH * len(GAS_DEPTHS) + 2
        world = build_world(
            chain, artifacts, policies=policies, providers=2, evidence_per_provider=2, progress=progress
        )
        provider, newcomer = world.providers
        anchor = world.contracts["RecordAnchor"]
        trees: dict[int, tuple[MerkleTree | None, list[bytes]]] = {}
        for depth in GAS_DEPTHS:
            records = [keccak(text=f"gas evidence {depth}/{i}") for i in range(2**depth if depth else GAS_BATCH + 2)]
            if depth == 0:
                for record in records[: GAS_BATCH + 1]:
                    chain.send("anchor", anchor.functions.anchor(record), provider)
                chain.send("anchor", anchor.functions.anchor(records[-1]), newcomer)
                trees[0] = (None, records)
                continue
            tree = MerkleTree.build(records)
            chain.send("anchorBatch", anchor.functions.anchorBatch(tree.root, len(tree.values)), provider)
            trees[depth] = (tree, list(tree.values))

        def claim(n: int, policy: bytes, depth: int, day: int, who: str = provider) -> ClaimRow:
            tree, records = trees[depth]
            items = (LineItem(f"G{n:05d}", (), Decimal(1), 800 * USD),)
            record = records[-1] if who == newcomer else records[n % (len(records) - (tree is None))]
            evidence = (
                {"evidence_hash": record}
                if tree is None
                else {
                    "evidence_hash": record,
                    "evidence_root": tree.root,
                    "evidence_proof": tuple(tree.proof_by_index(tree.values.index(record))),
                }
            )
            return ClaimRow(
                row=n,
                ref=f"gas-{n}",
                policy_id=policy,
                provider=who,
                amount=800 * USD,
                service_date=day,
                line_items=items,
                codes_hash=codes_hash(items, CODES_KEY),
                **evidence,
            )

        def gas_of(rows: list[ClaimRow]) -> int:
            receipt = chain.send(
                "submitClaims", world.claims.functions.submitClaims([r.as_input() for r in rows]), world.insurer.address
            )
            adjudicated = world.claims.events.ClaimAdjudicated().process_receipt(receipt, errors=DISCARD)
            if len(adjudicated) != len(rows):
                raise BenchmarkError("a claim of the gas measurement was not accepted")
            return receipt["gasUsed"]

        day = GENESIS_TIME - 10 * DAY
        first, steady = {}, {}
        n = 0
        for k, depth in enumerate(GAS_DEPTHS):
            policies_k = world.policies[k * GAS_BATCH : (k + 1) * GAS_BATCH]
            # The provider's first claim ever is made before, on its own (see provider_first).
            if k == 0:
                gas_of([claim(99_999, world.policies[-1], 0, day)])
            first[depth] = gas_of([claim(n + i, p, depth, day) for i, p in enumerate(policies_k)]) / GAS_BATCH
            n += GAS_BATCH
            steady[depth] = gas_of([claim(n + i, p, depth, day + DAY) for i, p in enumerate(policies_k)]) / GAS_BATCH
            n += GAS_BATCH
            progress(f"  depth {depth}: {first[depth]:,.0f} gas a claim (first of year), {steady[depth]:,.0f} steady")
        one = gas_of([claim(n, world.policies[-2], 0, day, provider)])
        newcomer_one = gas_of([claim(n + 1, world.policies[-2], 0, day + DAY, newcomer)])
        # The newcomer's claim is steady for the policy; compare it with a steady claim of the known provider.
        known_one = gas_of([claim(n + 2, world.policies[-2], 0, day + 2 * DAY, provider)])
    return ClaimGas(
        first_of_year=first,
        steady=steady,
        provider_first=newcomer_one - known_one,
        batch_overhead=round(one - first[0]),
    )
