"""The provenance section of the demo (``make demo``), for ``medchain_dev.demo.run_demo`` to call.

    result = run_provenance_demo(governance=..., manufacturer=..., distributor=..., pharmacy=...,
                                 regulator=..., workdir=...)   # each: the DrugProvenance that party signs for
    report.story += result.story
    report.gas.update(result.gas)

The consortium's governance assigns the brand's GS1 company prefix to the manufacturer (only the
prefix owner commissions batches of its GTINs). The manufacturer commissions a batch from its serial
list and keeps the proofs file; it ships to the
distributor, who ships part on to the pharmacy. The pharmacy scans a pack (the raw GS1 DataMatrix
string, GS separators and all), verifies and dispenses it; a second scan of the same pack is flagged
ALREADY_DISPENSED, and a pack with a made-up serial UNKNOWN_SERIAL. The regulator recalls a second
batch while a shipment of it is on the road: the distributor cannot receive it, nor can the
manufacturer ship more. Finally the first batch's trail is exported as EPCIS 2.0.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from medchain.access import reason_code
from medchain.contracts import ContractReverted, DrugProvenance
from medchain.provenance.client import (
    UnitStatus,
    assign_prefix,
    commission,
    dispense_unit,
    gtin_owner,
    recall_batch,
    receive,
    ship,
    unit_from_scan,
    verify_unit,
)
from medchain.provenance.epcis import trace_batch
from medchain.provenance.gs1 import company_prefix, serial_hash
from medchain.provenance.serials import SerialProofs, serials_for

#: The demo's product: a GTIN from GS1's own examples (GS1 Global Office prefix 950), under the
#: company prefix 9506000.
DEMO_GTIN = "09506000134352"
DEMO_PREFIX = "9506000"
DEMO_EXPIRY = dt.date(2028, 6, 30)
GS = "\x1d"


@dataclass
class ProvenanceDemoResult:
    story: list[str] = field(default_factory=list)
    gas: dict[str, int] = field(default_factory=dict)
    scans: list[tuple[str, str]] = field(default_factory=list)  # (scan as read, verifyUnit answer)
    refusals: list[str] = field(default_factory=list)  # custom errors the chain answered
    epcis_path: Path | None = None
    epcis: dict[str, Any] | None = None
    dispensed_scan: str | None = None  # the pack the pharmacy dispensed, as its scanner read it
    undispensed_scan: str | None = None  # a pack of the same lot still on the pharmacy's shelf


def datamatrix(gtin: str, expiry: dt.date, lot: str, serial: str) -> str:
    """What a scanner reads from a pack's GS1 DataMatrix: symbology id, fixed fields, GS after variable ones."""
    return f"]d201{gtin}17{expiry:%y%m%d}10{lot}{GS}21{serial}"


def _error_name(err: ContractReverted) -> str:
    """The contract error's name, decoded from the ABIs."""
    from medchain.errors import decode_revert

    decoded = decode_revert(err.data, err.contract)
    return decoded.name if decoded else type(err).__name__


def _address(party: DrugProvenance) -> str:
    """Who signs for ``party``."""
    if party.transactor is None:
        raise ValueError(f"{party!r}: the demo's parties sign (give each its signer)")
    return party.transactor.sender


def run_provenance_demo(
    *,
    governance: DrugProvenance,
    manufacturer: DrugProvenance,
    distributor: DrugProvenance,
    pharmacy: DrugProvenance,
    regulator: DrugProvenance,
    workdir: Path,
) -> ProvenanceDemoResult:
    """Run the provenance walk-through on a deployed ``DrugProvenance``: each party is the contract signed by
    that member (active in its role; ``governance``: the registry's admin)."""
    result = ProvenanceDemoResult()
    maker, wholesaler, chemist = _address(manufacturer), _address(distributor), _address(pharmacy)
    prefix = company_prefix(DEMO_PREFIX)
    if gtin_owner(governance, DEMO_GTIN).owner != maker:
        receipt = assign_prefix(governance, prefix, maker)
        result.gas["assignCompanyPrefix"] = receipt.gas_used
    result.story.append(
        f"governance assigned GS1 company prefix {prefix.digits} to the manufacturer: only it "
        f"commissions batches of GTIN {DEMO_GTIN} and the brand's other GTINs"
    )
    workdir = Path(workdir)
    workdir.mkdir(parents=True, exist_ok=True)
    batch = SerialProofs.build(DEMO_GTIN, "A2606", DEMO_EXPIRY, serials_for("A", 200))
    proofs_path = workdir / "A2606.proofs.json"
    batch.save(proofs_path)
    receipt = commission(manufacturer, batch)
    result.gas["commissionBatch (200 units)"] = receipt.gas_used
    result.story.append(
        f"the manufacturer commissioned lot {batch.lot} of GTIN {batch.gtin}: 200 serialised packs, "
        f"one Merkle root on chain, the proofs file ({proofs_path.name}) kept to pass along"
    )

    packs = [serial_hash(s) for s in serials_for("A", 200)]
    receipt, to_distributor = ship(manufacturer, batch.batch_id, wholesaler, packs[:120])
    result.gas["ship"] = receipt.gas_used
    receipt = receive(distributor, to_distributor)
    result.gas["receiveShipment (first units)"] = receipt.gas_used
    # The distributor's case for the pharmacy: packs A0001..A0024, their serials root committed on chain.
    receipt, to_pharmacy = ship(distributor, batch.batch_id, chemist, packs[:24])
    receive(pharmacy, to_pharmacy)
    result.story.append(
        f"custody in two steps, each shipment committing to the serials it carries: manufacturer -> distributor "
        f"(120), distributor -> pharmacy (24); holdings now "
        f"{pharmacy.balanceOf(maker, batch.batch_id)} / "
        f"{pharmacy.balanceOf(wholesaler, batch.batch_id)} / "
        f"{pharmacy.balanceOf(chemist, batch.batch_id)}"
    )

    pack = datamatrix(batch.gtin, batch.expiry, batch.lot, "A0007")
    unit = unit_from_scan(pack, batch)
    status = verify_unit(pharmacy, unit)
    result.scans.append((unit.scan.as_hri(), status.name))
    receipt = dispense_unit(pharmacy, unit, to_pharmacy)
    result.gas["dispense (8-level batch proof, 5-level shipment proof)"] = receipt.gas_used
    result.dispensed_scan = pack
    result.undispensed_scan = datamatrix(batch.gtin, batch.expiry, batch.lot, "A0008")
    again = verify_unit(pharmacy, unit)
    result.scans.append((unit.scan.as_hri(), again.name))
    fake = unit_from_scan(datamatrix(batch.gtin, batch.expiry, batch.lot, "A9999"), batch)
    counterfeit = verify_unit(pharmacy, fake)
    result.scans.append((fake.scan.as_hri(), counterfeit.name))
    result.story.append(
        f"the pharmacy scanned pack A0007: {status.name}, and dispensed it; scanning it again: "
        f"{again.name}; a pack with serial A9999 (not in the lot): {counterfeit.name}"
    )

    other = SerialProofs.build(DEMO_GTIN, "B2607", DEMO_EXPIRY, serials_for("B", 50))
    other.save(workdir / "B2607.proofs.json")
    commission(manufacturer, other)
    _, on_the_road = ship(manufacturer, other.batch_id, wholesaler, [serial_hash(s) for s in serials_for("B", 20)])
    receipt = recall_batch(regulator, other.batch_id, reason=reason_code("CONTAMINATION"))
    result.gas["recall (regulator)"] = receipt.gas_used
    for attempt in (
        lambda: receive(distributor, on_the_road),
        lambda: manufacturer.ship(other.batch_id, wholesaler, 5, on_the_road.manifest.root),
    ):
        try:
            attempt()
        except ContractReverted as err:
            result.refusals.append(_error_name(err))
    blocked = UnitStatus(pharmacy.verifyUnit(other.batch_id, serial_hash("B0001"), other.proof("B0001")))
    result.story.append(
        f"the regulator recalled lot {other.lot} (CONTAMINATION) with 20 packs in transit: receiving "
        f"them and shipping more were refused ({', '.join(result.refusals)}); a pack scans as "
        f"{blocked.name}"
    )

    document = trace_batch(
        pharmacy.rpc, pharmacy.address, batch.batch_id, chain_id=pharmacy.rpc.chain_id(), proofs=batch
    )
    result.epcis = document
    result.epcis_path = workdir / "A2606.epcis.jsonld"
    result.epcis_path.write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")
    steps = [event["bizStep"] for event in document["epcisBody"]["eventList"]]
    result.story.append(
        f"lot {batch.lot}'s trail as an EPCIS 2.0 document ({result.epcis_path.name}): {', '.join(steps)}"
    )
    return result
