"""Gas of DrugProvenance's operations, against the targets of issue 6.

One fresh anvil chain (automine: one transaction per block, each sent after the previous one is
mined); every figure of a transaction is its receipt's ``gasUsed``: intrinsic 21,000 and calldata
included, storage refunds deducted. Each transaction starts with every contract and slot cold
(EIP-2929), so the figures are what a lone transaction pays.

The batch has 16,384 = 2^14 units, so every unit's proof has 14 levels (the dispense target's case).
Serial numbers, accounts and the genesis time are fixed, so calldata -- and hence gas -- is the same
from run to run.

* custody: the manufacturer ships to the distributor, who receives (its first units of the batch: a new
  holding slot), ships part to the pharmacy, who receives (first units too); then a second shipment to
  the same pharmacy, received into its existing holding;
* ``dispense`` with a 14-level proof, and the membership check inside it (read from anvil's step trace,
  as the records benchmark does);
* ``verifyUnit`` as a calling contract pays for it: ``ProvenanceProbe`` (contracts/test) reads
  ``gasleft()`` around the call, cold then warm;
* ``recall`` by the batch's manufacturer (no registry call) and by a regulator (one registry call).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Callable

from web3.contract import Contract
from web3.types import TxReceipt

from ..access import Role, reason_code
from ..devchain import anvil
from ..provenance.gs1 import expiry_day, gtin_int, lot_bytes, serial_hash
from ..provenance.serials import SerialProofs, serials_for
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
from .records_gas import CallCost, external_call, trace_steps

MEDCHAIN_CONTRACTS = ("ConsortiumRegistry", "DrugProvenance", "ProvenanceProbe")

#: Units in the measured batch: 2^14, so that every proof has PROOF_LEVELS siblings.
UNITS = 16_384
PROOF_LEVELS = 14
GTIN = "09506000134352"
EXPIRY = dt.date(2028, 6, 30)

COMMISSION = Target("commissionBatch", 80_000)
SHIP = Target("ship", 70_000)
RECEIVE = Target("receiveShipment", 50_000)
DISPENSE = Target(f"dispense, {PROOF_LEVELS}-level proof", 60_000)
VERIFY = Target(f"verifyUnit from another contract, {PROOF_LEVELS}-level proof", 15_000)
RECALL = Target("recall", 35_000)
TARGETS = (COMMISSION, SHIP, RECEIVE, DISPENSE, VERIFY, RECALL)

TITLE = "DrugProvenance: gas per operation"


@dataclass(frozen=True)
class Parties:
    manufacturer: str
    distributor: str
    pharmacy: str
    regulator: str


@dataclass
class Figures:
    """Everything measured, in table order."""

    rows: list[GasRow]
    dispense_membership: CallCost
    dispense_gas: int


def _batch(lot: str, units: int = UNITS) -> SerialProofs:
    return SerialProofs.build(GTIN, lot, EXPIRY, serials_for(f"{lot}-", units))


def _commission(chain: Chain, provenance: Contract, batch: SerialProofs, manufacturer: str) -> TxReceipt:
    call = provenance.functions.commissionBatch(
        gtin_int(batch.gtin), lot_bytes(batch.lot), expiry_day(batch.expiry), batch.quantity, batch.root
    )
    receipt = chain.send("commissionBatch", call, manufacturer)
    if provenance.functions.balanceOf(manufacturer, batch.batch_id).call() != batch.quantity:
        raise BenchmarkError("the manufacturer does not hold the batch it just commissioned")
    return receipt


def _ship(chain: Chain, provenance: Contract, batch_id: bytes, sender: str, to: str, quantity: int) -> tuple[TxReceipt, bytes]:
    receipt = chain.send("ship", provenance.functions.ship(batch_id, to, quantity), sender)
    (event,) = provenance.events.Shipped().process_receipt(receipt)
    return receipt, event["args"]["shipmentId"]


def _receive(chain: Chain, provenance: Contract, shipment: bytes, to: str) -> TxReceipt:
    return chain.send("receiveShipment", provenance.functions.receiveShipment(shipment), to)


def measure(chain: Chain, provenance: Contract, probe: Contract, parties: Parties,
            progress: Callable[[str], None]) -> Figures:
    """Run the operations in supply-chain order and collect their gas."""
    rows: list[GasRow] = []
    progress(f"building the serials tree of a {UNITS:,}-unit batch")
    batch = _batch("LOT-BENCH-1")
    bid = batch.batch_id
    gas = _commission(chain, provenance, batch, parties.manufacturer)["gasUsed"]
    rows.append(GasRow(f"commissionBatch ({UNITS:,} units)", gas, target=COMMISSION))

    receipt, to_distributor = _ship(chain, provenance, bid, parties.manufacturer, parties.distributor, 1_000)
    rows.append(GasRow("ship, manufacturer -> distributor", receipt["gasUsed"], target=SHIP))
    receipt = _receive(chain, provenance, to_distributor, parties.distributor)
    rows.append(GasRow("receiveShipment, the holder's first units of the batch", receipt["gasUsed"], target=RECEIVE))
    receipt, to_pharmacy = _ship(chain, provenance, bid, parties.distributor, parties.pharmacy, 100)
    rows.append(GasRow("ship, distributor -> pharmacy", receipt["gasUsed"], target=SHIP))
    _receive(chain, provenance, to_pharmacy, parties.pharmacy)
    _, again = _ship(chain, provenance, bid, parties.distributor, parties.pharmacy, 50)
    receipt = _receive(chain, provenance, again, parties.pharmacy)
    rows.append(GasRow("receiveShipment, adding to a holding", receipt["gasUsed"], target=RECEIVE))

    serials = list(batch.proofs)
    if any(len(batch.proofs[s]) != PROOF_LEVELS for s in serials[:3]):
        raise BenchmarkError(f"the {UNITS:,}-unit tree does not give {PROOF_LEVELS}-level proofs")
    receipts = []
    for serial in serials[:2]:
        call = provenance.functions.dispense(bid, serial_hash(serial), batch.proof(serial))
        receipts.append(chain.send("dispense", call, parties.pharmacy))
    rows.append(GasRow(f"dispense, {PROOF_LEVELS}-level proof", receipts[0]["gasUsed"], target=DISPENSE))
    rows.append(GasRow(f"dispense, {PROOF_LEVELS}-level proof, the pharmacy's next unit", receipts[1]["gasUsed"],
                       target=DISPENSE))
    membership = external_call(trace_steps(chain, receipts[0]["transactionHash"]))
    rows.append(GasRow("  of which: registry.isActiveMember call", membership.total))

    serial = serials[10]
    receipt = chain.send("ProvenanceProbe.measure",
                         probe.functions.measure(bid, serial_hash(serial), batch.proof(serial)), parties.pharmacy)
    (event,) = probe.events.VerifyUnitGas().process_receipt(receipt)
    if event["args"]["status"] != 1:
        raise BenchmarkError(f"verifyUnit answered {event['args']['status']} for a genuine unit")
    rows.append(GasRow(f"verifyUnit from contract, {PROOF_LEVELS} levels, cold", event["args"]["coldGas"], target=VERIFY))
    rows.append(GasRow(f"verifyUnit from contract, {PROOF_LEVELS} levels, warm", event["args"]["warmGas"], target=VERIFY))

    receipt = chain.send("revertDispense", provenance.functions.revertDispense(bid, serial_hash(serials[1])),
                         parties.pharmacy)
    rows.append(GasRow("revertDispense", receipt["gasUsed"]))
    reason = reason_code("PACKAGING_MISMATCH")
    receipt = chain.send("reportSuspect", provenance.functions.reportSuspect(bid, serial_hash(serials[20]), reason),
                         parties.pharmacy)
    rows.append(GasRow("reportSuspect (quarantines the batch)", receipt["gasUsed"]))
    receipt = chain.send("release", provenance.functions.release(bid), parties.regulator)
    rows.append(GasRow("release", receipt["gasUsed"]))
    receipt = chain.send("quarantine", provenance.functions.quarantine(bid, reason), parties.regulator)
    rows.append(GasRow("quarantine, by a regulator", receipt["gasUsed"]))

    receipt = chain.send("recall", provenance.functions.recall(bid, reason_code("CONTAMINATION")),
                         parties.manufacturer)
    rows.append(GasRow("recall, by the manufacturer", receipt["gasUsed"], target=RECALL))
    other = _batch("LOT-BENCH-2", 8)
    _commission(chain, provenance, other, parties.manufacturer)
    receipt = chain.send("recall", provenance.functions.recall(other.batch_id, reason_code("CONTAMINATION")),
                         parties.regulator)
    rows.append(GasRow("recall, by a regulator", receipt["gasUsed"], target=RECALL))
    return Figures(rows=rows, dispense_membership=membership, dispense_gas=receipts[0]["gasUsed"])


def notes(figures: Figures) -> list[str]:
    """Where dispense's gas goes, which the table alone does not say."""
    call = figures.dispense_membership
    gas = figures.dispense_gas
    calldata = 21_000
    return [
        f"dispense's live membership check (STATICCALL to ConsortiumRegistry.isActiveMember, from the trace): "
        f"{call.total:,} of its {gas:,} gas; without it {gas - call.total:,}",
        f"dispense must store who dispensed the unit and when (dispenserOf for claims, the 10-day revert):"
        f" a new slot per unit, 22,100; the {PROOF_LEVELS}-level proof is {PROOF_LEVELS * 32} bytes of calldata"
        f" (about {PROOF_LEVELS * 32 * 16:,} gas); with the intrinsic {calldata:,} that is over 50,000 before"
        f" any check",
        "receiveShipment's first units of a batch write the holder's new slot (22,100); later shipments to the"
        " same holder add to it (5,000); clearing the shipment slot refunds 4,800",
    ]


def _deploy(chain: Chain) -> tuple[Contract, Contract, Parties]:
    medchain = load_medchain_artifacts(MEDCHAIN_CONTRACTS)
    governance, manufacturer, distributor, pharmacy, regulator = chain.accounts[:5]
    parties = Parties(manufacturer, distributor, pharmacy, regulator)
    registry = deploy_consortium(chain, medchain, governance, [
        (manufacturer, Role.MANUFACTURER), (distributor, Role.DISTRIBUTOR), (pharmacy, Role.PHARMACY),
        (regulator, Role.REGULATOR),
    ])
    provenance = chain.deploy(medchain["DrugProvenance"], registry.address, sender=governance)
    probe = chain.deploy(medchain["ProvenanceProbe"], provenance.address, sender=governance)
    return provenance, probe, parties


def run_benchmark(progress: Callable[[str], None] = lambda _line: None) -> BenchReport:
    """Deploy a consortium and DrugProvenance on a fresh anvil and measure each operation."""
    with anvil(CHAIN_ID, "--timestamp", str(GENESIS_TIME), "--steps-tracing") as node:
        chain = Chain(node)
        provenance, probe, parties = _deploy(chain)
        progress("measuring DrugProvenance on anvil")
        figures = measure(chain, provenance, probe, parties, progress)
        hardfork = node.call("anvil_nodeInfo")["hardFork"]
    return BenchReport(
        title=TITLE,
        rows=figures.rows,
        targets=TARGETS,
        setup={
            "chain": f"anvil (hardfork {hardfork}), receipts' gasUsed",
            "medchain": f"{medchain_compiler('DrugProvenance')} (ape compile)",
            "batch": f"{UNITS:,} serials, OpenZeppelin StandardMerkleTree over their keccak256 hashes",
            "verifyUnit": "gasleft() around the call inside ProvenanceProbe (no intrinsic 21,000)",
        },
        notes=notes(figures),
    )


def gas_of(rows: Sequence[GasRow], operation: str) -> int | float | None:
    """The medchain gas of the row named ``operation`` (for tests and reports)."""
    return next((row.medchain_gas for row in rows if row.operation == operation), None)
