"""Gas of RecordExchange's operations, against its gas target (≤ 40,000 per disclosure in a batch of 20).

One fresh anvil chain (automine: one transaction per block, each sent after the previous one is mined)
with medchain's suite deployed as ``ape run deploy`` lays it out; every figure of a transaction is its
receipt's ``gasUsed``: intrinsic 21,000 and calldata included, next to its physical floor.
Each transaction starts with every contract and slot cold (EIP-2929), so the figures are what a lone
transaction pays. Keys, record hashes and accounts are fixed, so calldata -- and hence gas -- is the
same from run to run.

* ``setEncryptionKey``: a member's first key (two new slots) and a rotation (two slots rewritten);
* ``logDisclosure`` of one record anchored on its own;
* ``logDisclosures`` of 20 records to one recipient, per disclosure: records anchored on their own,
  and records of a 1,024-record Merkle batch (10-level proofs in the calldata); and of 100 records,
  to show the fixed costs spread further;
* where a lone disclosure's gas goes: its four external calls (registry twice, consent, anchor), read
  from anvil's struct-log trace.

A disclosure is a log, not a record: its floor counts no new slot. A key is a record (two slots, the
floor counts one, as for every record-creating operation); a rotation rewrites it (none).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from coincurve import PrivateKey
from eth_utils import keccak
from web3.contract import Contract
from web3.types import TxReceipt

from medchain.access import Role
from medchain.consent import CLINICAL_CATEGORIES, Category, Purpose
from medchain.records.merkle import MerkleTree
from medchain_dev.bench.common import (
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
)
from medchain_dev.bench.records_gas import CALL_OPCODES, trace_steps

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

#: The table: snapshot name (after ``RecordExchange.``), label and target.
ROWS = (
    ("setEncryptionKey/first", "setEncryptionKey, the account's first key", None),
    ("setEncryptionKey/rotation", "setEncryptionKey, a rotation", None),
    ("logDisclosure", "logDisclosure, a record anchored on its own", None),
    (
        f"logDisclosures[{BATCH}]/disclosure",
        f"logDisclosures, {BATCH} records anchored alone, per disclosure",
        PER_DISCLOSURE,
    ),
    (
        f"logDisclosures[{BATCH}]/batch-record",
        f"logDisclosures, {BATCH} records of a Merkle batch ({PROOF_LEVELS}-level proofs), per disclosure",
        PER_DISCLOSURE,
    ),
    (
        f"logDisclosures[{LARGE_BATCH}]/disclosure",
        f"logDisclosures, {LARGE_BATCH} records anchored alone, per disclosure",
        None,
    ),
)


def record_hash(label: str) -> bytes:
    """A fixed record hash with no zero byte (so its calldata costs the same every run)."""
    return bytes(b or 1 for b in keccak(text=f"medchain bench: exchange record {label}"))


def encryption_key(label: str) -> bytes:
    """A fixed compressed secp256k1 public key."""
    return PrivateKey(keccak(text=f"medchain bench: encryption key {label}")).public_key.format(compressed=True)


@dataclass(frozen=True)
class Parties:
    hospital: str  # anchors and discloses
    referral: str  # receives
    patient: str


@dataclass
class Measured:
    figures: Figures  # by snapshot name
    calls: list[tuple[str, int]]  # the lone disclosure's external calls: (callee, gas)

    def rows(self) -> list[GasRow]:
        return [GasRow.of(label, self.figures[f"RecordExchange.{key}"], target=target) for key, label, target in ROWS]


def external_calls(struct_logs: Sequence[dict[str, Any]], names: Sequence[str]) -> list[tuple[str, int]]:
    """Every external call of the transaction's own frame, in order and labelled by ``names``, with what
    it cost (gas left before the opcode minus gas left once it returned)."""
    calls = [i for i, step in enumerate(struct_logs) if step["depth"] == 1 and step["op"] in CALL_OPCODES]
    if len(calls) != len(names):
        raise BenchmarkError(f"expected {len(names)} external calls in the trace, found {len(calls)}")
    found = []
    for name, start in zip(names, calls):
        end = next(i for i in range(start + 1, len(struct_logs)) if struct_logs[i]["depth"] == 1)
        found.append((name, struct_logs[start]["gas"] - struct_logs[end]["gas"]))
    return found


def _disclosures(exchange: Contract, chain: Chain, parties: Parties, items: list[tuple], what: str) -> Measurement:
    call = exchange.functions.logDisclosures(parties.patient, parties.referral, TREAT, items)
    measured, receipt = chain.measure(what, call, parties.hospital, items=len(items), new_slots=0)
    if len(exchange.events.RecordDisclosed().process_receipt(receipt)) != len(items):
        raise BenchmarkError(f"{what}: not one RecordDisclosed event per record")
    return measured


def measure(
    chain: Chain, contracts: dict[str, Contract], parties: Parties, progress: Callable[[str], None]
) -> Measured:
    anchor, exchange = contracts["RecordAnchor"], contracts["RecordExchange"]
    figures: Figures = {}

    def record(key: str, receipt: TxReceipt, new_slots: int = 1) -> None:
        figures[f"RecordExchange.{key}"] = chain.measurement(receipt, new_slots=new_slots)

    for n, key in ((1, "setEncryptionKey/first"), (2, "setEncryptionKey/rotation")):
        receipt = chain.send(
            "setEncryptionKey", exchange.functions.setEncryptionKey(encryption_key(f"referral {n}")), parties.referral
        )
        record(key, receipt, new_slots=2 - n)
    if exchange.functions.encryptionKeyDetails(parties.referral).call()[1] != 2:
        raise BenchmarkError("the rotated key is not version 2")

    progress("anchoring the records to disclose")
    singles = [record_hash(f"single {n}") for n in range(1 + BATCH + LARGE_BATCH)]
    for h in singles:
        chain.send("anchor", anchor.functions.anchor(h), parties.hospital)
    tree = MerkleTree.build([record_hash(f"batch {n}") for n in range(ANCHOR_BATCH)])
    chain.send("anchorBatch", anchor.functions.anchorBatch(tree.root, ANCHOR_BATCH), parties.hospital)

    receipt = chain.send(
        "logDisclosure",
        exchange.functions.logDisclosure(parties.patient, parties.referral, singles[0], TREAT, LAB),
        parties.hospital,
    )
    record("logDisclosure", receipt, new_slots=0)
    calls = external_calls(
        trace_steps(chain, receipt["transactionHash"]),
        (
            "registry.isActiveMember (the discloser)",
            "registry.isActive (the recipient)",
            "consent.hasConsent",
            "recordAnchor.anchorOf",
        ),
    )

    items = [(h, LAB, ZERO32, []) for h in singles[1 : 1 + BATCH]]
    figures[f"RecordExchange.logDisclosures[{BATCH}]/disclosure"] = _disclosures(
        exchange, chain, parties, items, f"logDisclosures of {BATCH}"
    )
    values = tree.values[:BATCH]
    if any(len(tree.proof(v)) != PROOF_LEVELS for v in values):
        raise BenchmarkError(f"the {ANCHOR_BATCH:,}-record tree does not give {PROOF_LEVELS}-level proofs")
    figures[f"RecordExchange.logDisclosures[{BATCH}]/batch-record"] = _disclosures(
        exchange,
        chain,
        parties,
        [(v, LAB, tree.root, tree.proof(v)) for v in values],
        f"logDisclosures of {BATCH} batch records",
    )
    items = [(h, LAB, ZERO32, []) for h in singles[1 + BATCH :]]
    figures[f"RecordExchange.logDisclosures[{LARGE_BATCH}]/disclosure"] = _disclosures(
        exchange, chain, parties, items, f"logDisclosures of {LARGE_BATCH}"
    )
    return Measured(figures=figures, calls=calls)


def notes(measured: Measured) -> list[str]:
    calls = "; ".join(f"{name} {gas:,}" for name, gas in measured.calls)
    total = sum(gas for _, gas in measured.calls)
    single = measured.figures["RecordExchange.logDisclosure"].gas
    return [
        f"a lone logDisclosure ({single:,}) makes four external calls, {total:,} gas in all: {calls}; in a batch"
        " the registry and consent calls are made once, and the anchor's contract is warm",
        "a disclosure is a log (RecordDisclosed: 3 indexed topics, 96 bytes of data), not storage: a stored"
        " disclosure would add a new slot, 22,100 gas, per record",
    ]


def _deploy(chain: Chain) -> tuple[dict[str, Contract], Parties]:
    artifacts = load_medchain_artifacts(SUITE_CONTRACTS)
    governance, hospital, referral, patient = chain.accounts[:4]
    contracts = deploy_suite(chain, artifacts, governance, [(hospital, Role.PROVIDER), (referral, Role.PROVIDER)])
    consent = contracts["ConsentRegistry"]
    chain.send(
        "grant",
        consent.functions.grant(patient, referral, TREAT, int(CLINICAL_CATEGORIES), GENESIS_TIME + 400 * 86400),
        patient,
    )
    return contracts, Parties(hospital, referral, patient)


def measure_chain(progress: Callable[[str], None]) -> tuple[Measured, str]:
    """Deploy the suite on a fresh anvil and measure each RecordExchange operation; and the chain's description."""
    with bench_anvil("--steps-tracing") as node:
        chain = Chain(node)
        contracts, parties = _deploy(chain)
        progress("measuring RecordExchange on anvil")
        measured = measure(chain, contracts, parties, progress)
        return measured, chain_description(node, "medchain")


def measure_figures(progress: Callable[[str], None] = lambda _line: None) -> Figures:
    """RecordExchange's figures on a fresh anvil (the gas snapshot's)."""
    return measure_chain(progress)[0].figures


def run_benchmark(progress: Callable[[str], None] = lambda _line: None) -> BenchReport:
    """Deploy the suite on a fresh anvil and measure each RecordExchange operation."""
    measured, chain_line = measure_chain(progress)
    return BenchReport(
        title=TITLE,
        rows=measured.rows(),
        targets=TARGETS,
        setup={
            "chain": chain_line,
            "medchain": f"{medchain_compiler('RecordExchange')} (ape compile)",
            "records": f"anchored alone, or in a {ANCHOR_BATCH:,}-record StandardMerkleTree ({PROOF_LEVELS}-level proofs)",
        },
        notes=notes(measured),
    )
