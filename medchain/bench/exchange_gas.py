"""Gas of RecordExchange's operations, against the target of issue 9 (≤ 40,000 per disclosure in a batch of 20).

One fresh anvil chain (automine: one transaction per block, each sent after the previous one is mined);
every figure of a transaction is its receipt's ``gasUsed``: intrinsic 21,000 and calldata included.
Each transaction starts with every contract and slot cold (EIP-2929), so the figures are what a lone
transaction pays. Keys, record hashes and accounts are fixed, so calldata -- and hence gas -- is the
same from run to run.

* ``setEncryptionKey``: a member's first key (two new slots) and a rotation (two slots rewritten);
* ``logDisclosure`` of one record anchored on its own;
* ``logDisclosures`` of 20 records to one recipient, per disclosure: records anchored on their own,
  and records of a 1,024-record Merkle batch (10-level proofs in the calldata); and of 100 records,
  to show the fixed costs spread further;
* where a lone disclosure's gas goes: the three external calls (registry, consent, anchor), read
  from anvil's struct-log trace.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Callable

from coincurve import PrivateKey
from eth_utils import keccak
from web3.contract import Contract

from ..access import Role
from ..consent import CLINICAL_CATEGORIES, Category, Purpose
from ..devchain import anvil
from ..records.merkle import MerkleTree
from .common import (
    CHAIN_ID,
    GENESIS_TIME,
    BenchmarkError,
    BenchReport,
    Chain,
    GasRow,
    Target,
    deploy_consortium,
    load_medchain_artifacts,
    medchain_compiler,
)
from .records_gas import CALL_OPCODES, trace_steps

MEDCHAIN_CONTRACTS = ("ConsortiumRegistry", "ConsentRegistry", "RecordAnchor", "RecordExchange")

BATCH = 20
LARGE_BATCH = 100
ANCHOR_BATCH = 1_024  # a Merkle batch of 2^10 records: 10-level proofs
PROOF_LEVELS = 10
ZERO32 = b"\0" * 32
TREAT = int(Purpose.TREAT)
LAB = int(Category.LABORATORY)

PER_DISCLOSURE = Target(f"logDisclosures, per disclosure in a batch of {BATCH}", 40_000)
TARGETS = (PER_DISCLOSURE,)

TITLE = "RecordExchange: gas per operation"


def record_hash(label: str) -> bytes:
    """A fixed record hash with no zero byte (so its calldata costs the same every run)."""
    h = bytearray(keccak(text=f"medchain bench: exchange record {label}"))
    return bytes(b or 1 for b in h)


def encryption_key(label: str) -> bytes:
    """A fixed compressed secp256k1 public key."""
    return PrivateKey(keccak(text=f"medchain bench: encryption key {label}")).public_key.format(compressed=True)


@dataclass(frozen=True)
class Parties:
    hospital: str  # anchors and discloses
    referral: str  # receives
    patient: str


@dataclass
class Figures:
    rows: list[GasRow]
    single: int
    calls: list[tuple[str, int]]  # the lone disclosure's external calls: (callee, gas)


def external_calls(struct_logs: Sequence[dict[str, Any]], names: dict[int, str]) -> list[tuple[str, int]]:
    """Every external call of the transaction's own frame, in order, with what it cost (gas left before
    the opcode minus gas left once it returned); ``names`` labels them by position."""
    calls = [i for i, step in enumerate(struct_logs) if step["depth"] == 1 and step["op"] in CALL_OPCODES]
    found = []
    for n, start in enumerate(calls):
        end = next(i for i in range(start + 1, len(struct_logs)) if struct_logs[i]["depth"] == 1)
        found.append((names.get(n, f"call {n}"), struct_logs[start]["gas"] - struct_logs[end]["gas"]))
    return found


def _disclosures(exchange: Contract, chain: Chain, parties: Parties, items: list[tuple], what: str) -> int:
    call = exchange.functions.logDisclosures(parties.patient, parties.referral, TREAT, items)
    receipt = chain.send(what, call, parties.hospital)
    logged = exchange.events.RecordDisclosed().process_receipt(receipt)
    if len(logged) != len(items):
        raise BenchmarkError(f"{what}: {len(logged)} RecordDisclosed events for {len(items)} records")
    return receipt["gasUsed"]


def measure(chain: Chain, contracts: dict[str, Contract], parties: Parties,
            progress: Callable[[str], None]) -> Figures:
    anchor, exchange = contracts["RecordAnchor"], contracts["RecordExchange"]
    rows: list[GasRow] = []
    first = chain.send("setEncryptionKey", exchange.functions.setEncryptionKey(encryption_key("referral 1")),
                       parties.referral)["gasUsed"]
    rows.append(GasRow("setEncryptionKey, the account's first key", first))
    rotation = chain.send("setEncryptionKey", exchange.functions.setEncryptionKey(encryption_key("referral 2")),
                          parties.referral)["gasUsed"]
    rows.append(GasRow("setEncryptionKey, a rotation", rotation))
    if exchange.functions.encryptionKeyDetails(parties.referral).call()[1] != 2:
        raise BenchmarkError("the rotated key is not version 2")

    progress("anchoring the records to disclose")
    singles = [record_hash(f"single {n}") for n in range(1 + BATCH + LARGE_BATCH)]
    for h in singles:
        chain.send("anchor", anchor.functions.anchor(h), parties.hospital)
    tree = MerkleTree.build([record_hash(f"batch {n}") for n in range(ANCHOR_BATCH)])
    chain.send("anchorBatch", anchor.functions.anchorBatch(tree.root, ANCHOR_BATCH), parties.hospital)

    receipt = chain.send("logDisclosure", exchange.functions.logDisclosure(
        parties.patient, parties.referral, singles[0], TREAT, LAB), parties.hospital)
    single = receipt["gasUsed"]
    rows.append(GasRow("logDisclosure, a record anchored on its own", single))
    calls = external_calls(trace_steps(chain, receipt["transactionHash"]), {
        0: "registry.isActiveMember (the discloser)", 1: "registry.isActive (the recipient)",
        2: "consent.hasConsent", 3: "recordAnchor.verify"})

    items = [(h, LAB, ZERO32, []) for h in singles[1:1 + BATCH]]
    gas = _disclosures(exchange, chain, parties, items, f"logDisclosures of {BATCH}")
    rows.append(GasRow(f"logDisclosures, {BATCH} records anchored alone, per disclosure", round(gas / BATCH, 1),
                       target=PER_DISCLOSURE))
    batch_values = tree.values[:BATCH]
    if any(len(tree.proof(v)) != PROOF_LEVELS for v in batch_values):
        raise BenchmarkError(f"the {ANCHOR_BATCH:,}-record tree does not give {PROOF_LEVELS}-level proofs")
    items = [(v, LAB, tree.root, tree.proof(v)) for v in batch_values]
    gas = _disclosures(exchange, chain, parties, items, f"logDisclosures of {BATCH} batch records")
    rows.append(GasRow(f"logDisclosures, {BATCH} records of a Merkle batch ({PROOF_LEVELS}-level proofs), per "
                       f"disclosure", round(gas / BATCH, 1), target=PER_DISCLOSURE))
    items = [(h, LAB, ZERO32, []) for h in singles[1 + BATCH:]]
    gas = _disclosures(exchange, chain, parties, items, f"logDisclosures of {LARGE_BATCH}")
    rows.append(GasRow(f"logDisclosures, {LARGE_BATCH} records anchored alone, per disclosure",
                       round(gas / LARGE_BATCH, 1)))
    return Figures(rows=rows, single=single, calls=calls)


def notes(figures: Figures) -> list[str]:
    calls = "; ".join(f"{name} {gas:,}" for name, gas in figures.calls)
    total = sum(gas for _, gas in figures.calls)
    return [
        f"a lone logDisclosure ({figures.single:,}) makes four external calls, {total:,} gas in all: {calls}; "
        f"in a batch the registry and consent calls are made once, and the anchor's contract is warm",
        "a disclosure is a log (RecordDisclosed: 3 indexed topics, 96 bytes of data), not storage: a stored"
        " disclosure would add a new slot, 22,100 gas, per record",
    ]


def _deploy(chain: Chain) -> tuple[dict[str, Contract], Parties]:
    artifacts = load_medchain_artifacts(MEDCHAIN_CONTRACTS)
    governance, hospital, referral, patient = chain.accounts[:4]
    registry = deploy_consortium(chain, artifacts, governance, [(hospital, Role.PROVIDER), (referral, Role.PROVIDER)])
    consent = chain.deploy(artifacts["ConsentRegistry"], registry.address, 24 * 3600, sender=governance)
    anchor = chain.deploy(artifacts["RecordAnchor"], registry.address, sender=governance)
    exchange = chain.deploy(artifacts["RecordExchange"], registry.address, consent.address, anchor.address,
                            sender=governance)
    chain.send("grant", consent.functions.grant(patient, referral, TREAT, int(CLINICAL_CATEGORIES),
                                                GENESIS_TIME + 400 * 86400), patient)
    contracts = {"ConsortiumRegistry": registry, "ConsentRegistry": consent, "RecordAnchor": anchor,
                 "RecordExchange": exchange}
    return contracts, Parties(hospital, referral, patient)


def run_benchmark(progress: Callable[[str], None] = lambda _line: None) -> BenchReport:
    """Deploy a consortium with RecordExchange on a fresh anvil and measure each operation."""
    with anvil(CHAIN_ID, "--timestamp", str(GENESIS_TIME), "--steps-tracing") as node:
        chain = Chain(node)
        contracts, parties = _deploy(chain)
        progress("measuring RecordExchange on anvil")
        figures = measure(chain, contracts, parties, progress)
        hardfork = node.call("anvil_nodeInfo")["hardFork"]
    return BenchReport(
        title=TITLE,
        rows=figures.rows,
        targets=TARGETS,
        setup={
            "chain": f"anvil (hardfork {hardfork}), receipts' gasUsed",
            "medchain": f"{medchain_compiler('RecordExchange')} (ape compile)",
            "records": f"anchored alone, or in a {ANCHOR_BATCH:,}-record StandardMerkleTree ({PROOF_LEVELS}-level proofs)",
        },
        notes=notes(figures),
    )
