"""Gas of DrugProvenance's operations, against their gas targets.

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
* ``dispense`` with a 14-level batch proof and the proof of the unit in the pharmacy's received shipment
  (100 packs, 7 levels), and the membership check inside it (read from anvil's step trace,
  as the records benchmark does);
* ``verifyUnit`` as a calling contract pays for it: ``ProvenanceProbe`` (contracts/test) reads
  ``gasleft()`` around the call, cold then warm;
* ``recall`` by the batch's manufacturer and by a regulator (one registry call each: suspension and
  removal take effect on recalls too).

``commissionBatch`` reads the GTIN's company-prefix entry (a 7-digit prefix: the 6-digit head's entry,
then the prefix's own), so that only the brand owner commissions.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from web3.contract import Contract
from web3.types import TxReceipt

from medchain.access import Role, reason_code
from medchain.provenance.gs1 import expiry_day, gtin_int, lot_bytes, serial_hash
from medchain.provenance.serials import SerialProofs, ShipmentManifest, serials_for
from medchain_dev.bench.common import (
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
from medchain_dev.bench.records_gas import CallCost, external_call, trace_steps

MEDCHAIN_CONTRACTS = (*SUITE_CONTRACTS, "ProvenanceProbe")

#: Units in the measured batch: 2^14, so that every proof has PROOF_LEVELS siblings.
UNITS = 16_384
PROOF_LEVELS = 14
#: The pharmacy's shipment (a case of 100 packs): 7-level shipment proofs (some 6).
SHIPMENT_UNITS = 100
GTIN = "09506000134352"
PREFIX = "9506000"  # GTIN's GS1 company prefix, assigned to the manufacturer
EXPIRY = dt.date(2028, 6, 30)

COMMISSION = Target("commissionBatch", 80_000)
SHIP = Target("ship", 70_000)
RECEIVE = Target("receiveShipment", 50_000)
DISPENSE = Target(f"dispense, {PROOF_LEVELS}-level proof", 60_000)
VERIFY = Target(f"verifyUnit from another contract, {PROOF_LEVELS}-level proof", 15_000)
RECALL = Target("recall", 35_000)
TARGETS = (COMMISSION, SHIP, RECEIVE, DISPENSE, VERIFY, RECALL)

TITLE = "DrugProvenance: gas per operation"

#: The table: snapshot name (after ``DrugProvenance.``), label and target, in supply-chain order.
ROWS = (
    ("commissionBatch", f"commissionBatch ({UNITS:,} units)", COMMISSION),
    ("ship/manufacturer-to-distributor", "ship, manufacturer -> distributor", SHIP),
    ("receiveShipment/first-units", "receiveShipment, the holder's first units of the batch", RECEIVE),
    ("ship/distributor-to-pharmacy", "ship, distributor -> pharmacy", SHIP),
    ("receiveShipment/adding", "receiveShipment, adding to a holding", RECEIVE),
    ("dispense", f"dispense, {PROOF_LEVELS}-level proof", DISPENSE),
    ("dispense/next-unit", f"dispense, {PROOF_LEVELS}-level proof, the pharmacy's next unit", DISPENSE),
    ("dispense/isActiveMember-call", "  of which: registry.isActiveMember call", None),
    ("verifyUnit/cold", f"verifyUnit from contract, {PROOF_LEVELS} levels, cold", VERIFY),
    ("verifyUnit/warm", f"verifyUnit from contract, {PROOF_LEVELS} levels, warm", VERIFY),
    ("revertDispense", "revertDispense", None),
    ("reportSuspect", "reportSuspect (quarantines the batch)", None),
    ("release", "release", None),
    ("quarantine", "quarantine, by a regulator", None),
    ("recall/manufacturer", "recall, by the manufacturer", RECALL),
    ("recall/regulator", "recall, by a regulator", RECALL),
)


@dataclass(frozen=True)
class Parties:
    manufacturer: str
    distributor: str
    pharmacy: str
    regulator: str


@dataclass
class Measured:
    """Everything measured."""

    figures: Figures  # by snapshot name
    dispense_membership: CallCost

    @property
    def dispense_gas(self) -> int:
        return self.figures["DrugProvenance.dispense"].gas

    def rows(self) -> list[GasRow]:
        """The table, in ROWS order."""
        return [GasRow.of(label, self.figures[f"DrugProvenance.{key}"], target=target) for key, label, target in ROWS]


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


@dataclass(frozen=True)
class _Shipment:
    shipment_id: bytes
    batch_id: bytes
    shipper: str
    manifest: ShipmentManifest

    @property
    def ref(self) -> tuple[bytes, str, bytes]:
        return (self.shipment_id, self.shipper, self.manifest.root)


def _ship(
    chain: Chain, provenance: Contract, batch_id: bytes, sender: str, to: str, serials: Sequence[str]
) -> tuple[TxReceipt, _Shipment]:
    """Ship the packs ``serials``: the shipment commits to their serials root."""
    manifest = ShipmentManifest.of_serials(serials)
    call = provenance.functions.ship(batch_id, to, manifest.quantity, manifest.root)
    receipt = chain.send("ship", call, sender)
    (event,) = provenance.events.Shipped().process_receipt(receipt)
    return receipt, _Shipment(event["args"]["shipmentId"], batch_id, sender, manifest)


def _receive(chain: Chain, provenance: Contract, shipment: _Shipment, to: str) -> TxReceipt:
    call = provenance.functions.receiveShipment(
        shipment.shipment_id, shipment.batch_id, shipment.shipper, shipment.manifest.root
    )
    return chain.send("receiveShipment", call, to)


def measure(
    chain: Chain, provenance: Contract, probe: Contract, parties: Parties, progress: Callable[[str], None]
) -> Measured:
    """Run the operations in supply-chain order and collect their figures."""
    figures: Figures = {}

    def record(key: str, receipt: TxReceipt, new_slots: int = 1) -> None:
        figures[f"DrugProvenance.{key}"] = chain.measurement(receipt, new_slots=new_slots)

    progress(f"building the serials tree of a {UNITS:,}-unit batch")
    batch = _batch("LOT-BENCH-1")
    bid = batch.batch_id
    record("commissionBatch", _commission(chain, provenance, batch, parties.manufacturer))

    # A shipment is a new record (its commitment to batch, shipper and serials root); receiving writes the
    # holder's new slot the first time, adds to it later, and marks the shipment received.
    serials = list(batch.proofs)
    receipt, to_distributor = _ship(chain, provenance, bid, parties.manufacturer, parties.distributor, serials[:1_000])
    record("ship/manufacturer-to-distributor", receipt)
    record("receiveShipment/first-units", _receive(chain, provenance, to_distributor, parties.distributor))
    receipt, to_pharmacy = _ship(
        chain, provenance, bid, parties.distributor, parties.pharmacy, serials[:SHIPMENT_UNITS]
    )
    record("ship/distributor-to-pharmacy", receipt)
    _receive(chain, provenance, to_pharmacy, parties.pharmacy)
    _, again = _ship(chain, provenance, bid, parties.distributor, parties.pharmacy, serials[100:150])
    record("receiveShipment/adding", _receive(chain, provenance, again, parties.pharmacy), new_slots=0)

    if any(len(batch.proofs[s]) != PROOF_LEVELS for s in serials[:3]):
        raise BenchmarkError(f"the {UNITS:,}-unit tree does not give {PROOF_LEVELS}-level proofs")
    receipts = []
    for serial in serials[:2]:
        hashed = serial_hash(serial)
        call = provenance.functions.dispense(
            bid, hashed, batch.proof(serial), to_pharmacy.ref, to_pharmacy.manifest.proof(hashed)
        )
        receipts.append(chain.send("dispense", call, parties.pharmacy))
    record("dispense", receipts[0])
    record("dispense/next-unit", receipts[1])
    membership = external_call(trace_steps(chain, receipts[0]["transactionHash"]))
    figures["DrugProvenance.dispense/isActiveMember-call"] = Measurement(membership.total)

    serial = serials[10]
    receipt = chain.send(
        "ProvenanceProbe.measure",
        probe.functions.measure(bid, serial_hash(serial), batch.proof(serial)),
        parties.pharmacy,
    )
    (event,) = probe.events.VerifyUnitGas().process_receipt(receipt)
    if event["args"]["status"] != 1:
        raise BenchmarkError(f"verifyUnit answered {event['args']['status']} for a genuine unit")
    figures["DrugProvenance.verifyUnit/cold"] = Measurement(event["args"]["coldGas"])
    figures["DrugProvenance.verifyUnit/warm"] = Measurement(event["args"]["warmGas"])

    # The rest change the state of what exists: no new slot in their floor.
    receipt = chain.send(
        "revertDispense", provenance.functions.revertDispense(bid, serial_hash(serials[1])), parties.pharmacy
    )
    record("revertDispense", receipt, new_slots=0)
    reason = reason_code("PACKAGING_MISMATCH")
    receipt = chain.send(
        "reportSuspect", provenance.functions.reportSuspect(bid, serial_hash(serials[20]), reason), parties.pharmacy
    )
    record("reportSuspect", receipt, new_slots=0)
    record("release", chain.send("release", provenance.functions.release(bid), parties.regulator), new_slots=0)
    receipt = chain.send("quarantine", provenance.functions.quarantine(bid, reason), parties.regulator)
    record("quarantine", receipt, new_slots=0)

    receipt = chain.send("recall", provenance.functions.recall(bid, reason_code("CONTAMINATION")), parties.manufacturer)
    record("recall/manufacturer", receipt, new_slots=0)
    other = _batch("LOT-BENCH-2", 8)
    _commission(chain, provenance, other, parties.manufacturer)
    receipt = chain.send(
        "recall", provenance.functions.recall(other.batch_id, reason_code("CONTAMINATION")), parties.regulator
    )
    record("recall/regulator", receipt, new_slots=0)
    return Measured(figures=figures, dispense_membership=membership)


def notes(figures: Measured) -> list[str]:
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
        f"dispense also proves the serial in a shipment the pharmacy received ({SHIPMENT_UNITS} packs: a 7-level"
        " proof, the shipment's id, shipper and root in calldata, its slot read cold); it no longer writes the"
        " pharmacy's holding (custody is of the serial, the count only bounds shipping)",
        "receiveShipment's first units of a batch write the holder's new slot (22,100); later shipments to the"
        " same holder add to it (5,000); the shipment slot is kept (marked received, for dispense), not cleared",
    ]


def _deploy(chain: Chain) -> tuple[Contract, Contract, Parties]:
    medchain = load_medchain_artifacts(MEDCHAIN_CONTRACTS)
    governance, manufacturer, distributor, pharmacy, regulator = chain.accounts[:5]
    parties = Parties(manufacturer, distributor, pharmacy, regulator)
    provenance = deploy_suite(
        chain,
        medchain,
        governance,
        [
            (manufacturer, Role.MANUFACTURER),
            (distributor, Role.DISTRIBUTOR),
            (pharmacy, Role.PHARMACY),
            (regulator, Role.REGULATOR),
        ],
    )["DrugProvenance"]
    # The GTIN's company prefix is the manufacturer's: only the brand owner commissions its batches.
    chain.send(
        "assignCompanyPrefix",
        provenance.functions.assignCompanyPrefix(int(PREFIX), len(PREFIX), manufacturer),
        governance,
    )
    probe = chain.deploy(medchain["ProvenanceProbe"], provenance.address, sender=governance)
    return provenance, probe, parties


def measure_chain(progress: Callable[[str], None]) -> tuple[Measured, str]:
    """Deploy the suite on a fresh anvil and measure each DrugProvenance operation; and the chain's description."""
    with bench_anvil("--steps-tracing") as node:
        chain = Chain(node)
        provenance, probe, parties = _deploy(chain)
        progress("measuring DrugProvenance on anvil")
        measured = measure(chain, provenance, probe, parties, progress)
        return measured, chain_description(node, "medchain")


def measure_figures(progress: Callable[[str], None] = lambda _line: None) -> Figures:
    """DrugProvenance's figures on a fresh anvil (the gas snapshot's)."""
    return measure_chain(progress)[0].figures


def run_benchmark(progress: Callable[[str], None] = lambda _line: None) -> BenchReport:
    """Deploy the suite on a fresh anvil and measure each DrugProvenance operation."""
    measured, chain_line = measure_chain(progress)
    return BenchReport(
        title=TITLE,
        rows=measured.rows(),
        targets=TARGETS,
        setup={
            "chain": chain_line,
            "medchain": f"{medchain_compiler('DrugProvenance')} (ape compile)",
            "batch": f"{UNITS:,} serials, OpenZeppelin StandardMerkleTree over their keccak256 hashes",
            "verifyUnit": "gasleft() around the call inside ProvenanceProbe (no intrinsic 21,000)",
        },
        notes=notes(measured),
    )


def gas_of(rows: Sequence[GasRow], operation: str) -> int | float | None:
    """The medchain gas of the row named ``operation`` (for tests and reports)."""
    return next((row.medchain_gas for row in rows if row.operation == operation), None)
