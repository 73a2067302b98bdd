"""DrugProvenance from Python: the unit and batch statuses, and each step as the scripts and demo call it.

Every function takes the SDK's :class:`~medchain.contracts.DrugProvenance` over the deployment's address;
for a transaction its transactor signs (the object's signer is the sender: a manufacturer commissions,
a holder ships, a pharmacy dispenses). Each checks its input first (GS1 check digits, the scan's fields,
the unit's proof against the batch's root, the sender's holding) and then sends one transaction, whose
:class:`~medchain.contracts.Receipt` it returns; a refusal by the contract raises
:class:`~medchain.contracts.ContractReverted`. Scanner strings are parsed by :mod:`medchain.provenance.gs1`;
unit proofs come from the manufacturer's proofs file (:mod:`medchain.provenance.serials`).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..jsonfiles import load_json, write_json_atomic
from ..records.merkle import verify_proof
from .gs1 import CompanyPrefix, GS1Error, ProductIdentifier, expiry_day, gtin_int, lot_bytes, parse_scan, serial_hash
from .serials import SerialProofs, ShipmentManifest

if TYPE_CHECKING:
    from ..contracts import DrugProvenance, Receipt, ShipmentRef, TxOptions

__all__ = [
    "BatchInfo",
    "BatchStatus",
    "GtinOwner",
    "ProvenanceInputError",
    "Shipment",
    "UnitCheck",
    "UnitStatus",
    "assign_prefix",
    "batch_info",
    "cancel_shipment",
    "commission",
    "dispense_unit",
    "gtin_owner",
    "parse_batch_ref",
    "parse_suspect_ref",
    "quarantine_batch",
    "recall_batch",
    "receive",
    "release_batch",
    "report_suspect",
    "ship",
    "unit_from_scan",
    "verify_unit",
]

ZERO32 = b"\0" * 32


class ProvenanceInputError(ValueError):
    """Input refused before anything was sent: the message says which field and why."""


class UnitStatus(enum.IntEnum):
    """``verifyUnit``'s answer (the contract's ``UNIT_*`` constants)."""

    GENUINE = 1
    UNKNOWN_SERIAL = 2
    ALREADY_DISPENSED = 3
    RECALLED = 4
    QUARANTINED = 5
    EXPIRED = 6
    UNKNOWN_BATCH = 7

    @property
    def label(self) -> str:
        return self.name.replace("_", " ").lower()


class BatchStatus(enum.IntEnum):
    """A batch's stored status (the contract's ``BATCH_*`` constants); 0: never commissioned."""

    UNKNOWN = 0
    ACTIVE = 1
    QUARANTINED = 2
    RECALLED = 3


@dataclass(frozen=True)
class BatchInfo:
    """A batch as ``batchOf`` answers: its manufacturer, expiry (unix day), status, unit count and serials root."""

    batch_id: bytes
    manufacturer: str
    expiry_day: int
    status: BatchStatus
    quantity: int
    serials_root: bytes


def batch_info(contract: DrugProvenance, bid: bytes) -> BatchInfo:
    """The batch ``bid`` as stored (status ``UNKNOWN`` when it was never commissioned)."""
    found = contract.batchOf(bid)
    return BatchInfo(
        bytes(bid), found.manufacturer, found.expiryDay, BatchStatus(found.status), found.quantity, found.serialsRoot
    )


def _sender(contract: DrugProvenance) -> str:
    """The address that signs ``contract``'s transactions."""
    if contract.transactor is None:
        raise ValueError(f"{contract.NAME} at {contract.address}: no signer to send with (give the contract one)")
    return contract.transactor.sender


def parse_batch_ref(text: str) -> bytes:
    """A batch named by its 0x batch id, or by a scan with GTIN (01) and lot (10)."""
    value = text.strip()
    if value.startswith("0x") and len(value) == 66:
        try:
            return bytes.fromhex(value[2:])
        except ValueError:
            raise ProvenanceInputError(f"batch: {value!r} is not 32-byte hex") from None
    try:
        scan = parse_scan(value)
        scan.require("lot")
    except GS1Error as err:
        raise ProvenanceInputError(f"batch: {err} (give a 0x batch id or a scan with (01) and (10))") from err
    return scan.batch_id


def parse_suspect_ref(text: str) -> tuple[bytes, bytes]:
    """What a suspect report names: ``(batch id, serial hash)`` from a scan with a serial (21) (the unit), or
    ``(batch id, zero)`` from a 0x batch id or a scan without one (the batch as a whole)."""
    if text.strip().startswith("0x"):
        return parse_batch_ref(text), ZERO32
    try:
        scan = parse_scan(text.strip())
        scan.require("lot")
    except GS1Error as err:
        raise ProvenanceInputError(f"target: {err} (give a 0x batch id, or a scan with (01) and (10))") from err
    return scan.batch_id, scan.serial_hash if scan.serial else ZERO32


@dataclass(frozen=True)
class UnitCheck:
    """One scanned unit, ready for ``verifyUnit`` / ``dispense``: batch id, serial hash and proof."""

    scan: ProductIdentifier
    batch_id: bytes
    serial_hash: bytes
    proof: list[bytes]
    in_proofs_file: bool  # False: the serial is not in the batch's proofs file (it will not verify)


def unit_from_scan(text: str, proofs: SerialProofs) -> UnitCheck:
    """Parse a pack's scan and find its proof in the batch's proofs file.

    The scan must carry GTIN, expiry, lot and serial (the DSCSA / EU FMD product identifier) and be of
    the proofs file's batch with the same expiry; a serial missing from the file gets an empty proof, so
    that the chain answers UNKNOWN_SERIAL for it rather than this tool guessing.
    """
    try:
        scan = parse_scan(text)
        scan.require("gtin", "expiry", "lot", "serial")
    except GS1Error as err:
        raise ProvenanceInputError(str(err)) from err
    if not proofs.matches(scan):
        raise ProvenanceInputError(
            f"the scan is of GTIN {scan.gtin} lot {scan.lot!r}, the proofs file of GTIN {proofs.gtin} lot {proofs.lot!r}"
        )
    assert scan.expiry is not None and scan.serial is not None  # required above
    if scan.expiry != proofs.expiry:
        raise ProvenanceInputError(
            f"expiry (17): the pack says {scan.expiry.isoformat()}, the batch {proofs.expiry.isoformat()}"
        )
    proof = proofs.proof(scan.serial)
    hashed = serial_hash(scan.serial)
    known = scan.serial in proofs.proofs
    if known and not verify_proof(proofs.root, hashed, proof):
        raise ProvenanceInputError(
            f"the proofs file's proof of serial {scan.serial!r} does not verify against its root"
        )
    return UnitCheck(scan, scan.batch_id, hashed, proof, known)


def verify_unit(contract: DrugProvenance, unit: UnitCheck) -> UnitStatus:
    """``verifyUnit``'s answer for a scanned unit: GENUINE, or why not."""
    return UnitStatus(contract.verifyUnit(unit.batch_id, unit.serial_hash, unit.proof))


@dataclass(frozen=True)
class GtinOwner:
    """Who may commission batches of a GTIN: the owner of the company prefix it falls under."""

    owner: str | None  # None: the GTIN's prefix is assigned to nobody
    prefix: CompanyPrefix | None


def gtin_owner(contract: DrugProvenance, gtin: str | int) -> GtinOwner:
    """Who owns the company prefix ``gtin`` falls under (and which prefix), by ``gtinOwnerOf``."""
    found = contract.gtinOwnerOf(gtin_int(gtin))
    if not int(found.owner, 16):
        return GtinOwner(None, None)
    return GtinOwner(found.owner, CompanyPrefix(str(found.prefix).zfill(found.length)))


def assign_prefix(
    contract: DrugProvenance, prefix: CompanyPrefix, manufacturer: str, *, tx: TxOptions | None = None
) -> Receipt:
    """Assign (or, when it has an owner, reassign) a company prefix to ``manufacturer``: the registry's admin signs."""
    current = contract.companyPrefixOwner(prefix.value, prefix.length)
    if current.lower() == str(manufacturer).lower():
        raise ProvenanceInputError(f"prefix {prefix.digits} is assigned to {manufacturer} already")
    if not int(current, 16):
        return contract.assignCompanyPrefix(prefix.value, prefix.length, manufacturer, tx=tx)
    return contract.reassignCompanyPrefix(prefix.value, prefix.length, manufacturer, tx=tx)


def commission(contract: DrugProvenance, proofs: SerialProofs, *, tx: TxOptions | None = None) -> Receipt:
    """Commission the batch of a proofs file (its GTIN, lot, expiry, unit count and serials root).

    Refused here, before anything is sent, unless the signer owns the GTIN's company prefix."""
    sender = _sender(contract)
    owner = gtin_owner(contract, proofs.gtin)
    if owner.owner is None or owner.owner.lower() != sender.lower():
        who = (
            "nobody" if owner.owner is None or owner.prefix is None else f"{owner.owner} (prefix {owner.prefix.digits})"
        )
        raise ProvenanceInputError(
            f"GTIN {proofs.gtin}: its company prefix is assigned to {who}, not to "
            f"{sender}; the registry's admin assigns prefixes (provenance assign-prefix)"
        )
    return contract.commissionBatch(
        int(proofs.gtin), lot_bytes(proofs.lot), expiry_day(proofs.expiry), proofs.quantity, proofs.root, tx=tx
    )


@dataclass(frozen=True)
class Shipment:
    """A shipment as ``receiveShipment``, ``cancelShipment`` and ``dispense`` name it: its id, batch and
    shipper, and the serials it carries (the root ``ship`` committed to, and each serial's proof)."""

    shipment_id: bytes
    batch_id: bytes
    shipper: str
    manifest: ShipmentManifest

    def __bytes__(self) -> bytes:
        return bytes(self.shipment_id)

    def to_json(self) -> dict:
        return {
            "shipmentId": "0x" + bytes(self.shipment_id).hex(),
            "batchId": "0x" + bytes(self.batch_id).hex(),
            "shipper": self.shipper,
            **self.manifest.to_json(),
        }

    @classmethod
    def from_json(cls, data: dict) -> Shipment:
        """A shipment file (the advance ship notice the shipper passes along with the goods)."""
        try:
            return cls(
                bytes.fromhex(str(data["shipmentId"])[2:]),
                bytes.fromhex(str(data["batchId"])[2:]),
                str(data["shipper"]),
                ShipmentManifest.from_json(data),
            )
        except (KeyError, ValueError, GS1Error) as err:
            raise ProvenanceInputError(f"shipment file: {err}") from err

    def save(self, path: Any) -> None:
        write_json_atomic(Path(path), self.to_json())

    @classmethod
    def load(cls, path: Any) -> Shipment:
        return cls.from_json(load_json(Path(path), ProvenanceInputError))

    @property
    def ref(self) -> ShipmentRef:
        """The ``ShipmentRef`` ``dispense`` takes: (shipment id, shipper, serials root)."""
        from ..contracts import ShipmentRef

        return ShipmentRef(self.shipment_id, self.shipper, self.manifest.root)


def ship(
    contract: DrugProvenance, bid: bytes, to: str, units: ShipmentManifest | list[bytes], *, tx: TxOptions | None = None
) -> tuple[Receipt, Shipment]:
    """Ship the units whose serial hashes ``units`` lists (or a manifest of them) from the signer's holding;
    returns the receipt and the shipment (its id from the ``Shipped`` event)."""
    from ..contracts import DrugProvenance

    sender = _sender(contract)
    manifest = units if isinstance(units, ShipmentManifest) else ShipmentManifest.of(units)
    quantity = manifest.quantity
    held = contract.balanceOf(sender, bid)
    if held < quantity:
        raise ProvenanceInputError(f"{sender} holds {held} units of batch 0x{bytes(bid).hex()}, not {quantity}")
    receipt = contract.ship(bid, to, quantity, manifest.root, tx=tx)
    shipped = next(e for e in receipt.events if isinstance(e, DrugProvenance.Shipped))
    return receipt, Shipment(shipped.shipmentId, bytes(bid), sender, manifest)


def receive(contract: DrugProvenance, shipment: Shipment, *, tx: TxOptions | None = None) -> Receipt:
    """Take delivery of ``shipment`` (addressed to the signer)."""
    return contract.receiveShipment(
        shipment.shipment_id, shipment.batch_id, shipment.shipper, shipment.manifest.root, tx=tx
    )


def cancel_shipment(contract: DrugProvenance, shipment: Shipment, *, tx: TxOptions | None = None) -> Receipt:
    """Cancel the signer's ``shipment`` before its receipt: its units are back in the signer's holding."""
    return contract.cancelShipment(shipment.shipment_id, shipment.batch_id, shipment.manifest.root, tx=tx)


def dispense_unit(
    contract: DrugProvenance, unit: UnitCheck, shipment: Shipment, *, tx: TxOptions | None = None
) -> Receipt:
    """Dispense a scanned unit out of ``shipment``, which the signer (a pharmacy) received, after asking
    ``verifyUnit`` (refused here unless GENUINE, and unless the shipment carries the unit)."""
    status = verify_unit(contract, unit)
    if status is not UnitStatus.GENUINE:
        raise ProvenanceInputError(f"{unit.scan.as_hri()}: {status.name}; not dispensed")
    if not shipment.manifest.carries(unit.serial_hash) or bytes(shipment.batch_id) != bytes(unit.batch_id):
        raise ProvenanceInputError(
            f"{unit.scan.as_hri()}: not in shipment 0x{bytes(shipment.shipment_id).hex()}; "
            "a pharmacy dispenses the packs a shipment it received carried"
        )
    return contract.dispense(
        unit.batch_id, unit.serial_hash, unit.proof, shipment.ref, shipment.manifest.proof(unit.serial_hash), tx=tx
    )


def report_suspect(
    contract: DrugProvenance, bid: bytes, serial: bytes = ZERO32, *, reason: bytes, tx: TxOptions | None = None
) -> tuple[Receipt, bool]:
    """Report unit ``serial`` (its hash; zero: the batch as a whole) of batch ``bid`` as suspect, for
    ``reason`` (a reason code, :func:`medchain.access.reason_code`); any active member may. Returns the
    receipt and whether the report quarantined the batch (not when it was already held, recalled, or
    released by a regulator before)."""
    from ..contracts import DrugProvenance

    receipt = contract.reportSuspect(bid, serial, reason, tx=tx)
    return receipt, any(isinstance(e, DrugProvenance.Quarantined) for e in receipt.events)


def quarantine_batch(contract: DrugProvenance, bid: bytes, *, reason: bytes, tx: TxOptions | None = None) -> Receipt:
    """Quarantine batch ``bid`` for ``reason``: a holder of it, or a regulator, signs."""
    return contract.quarantine(bid, reason, tx=tx)


def release_batch(contract: DrugProvenance, bid: bytes, *, tx: TxOptions | None = None) -> Receipt:
    """Release quarantined batch ``bid``: a regulator signs."""
    return contract.release(bid, tx=tx)


def recall_batch(contract: DrugProvenance, bid: bytes, *, reason: bytes, tx: TxOptions | None = None) -> Receipt:
    """Recall batch ``bid`` for good, for ``reason``: its manufacturer, or a regulator, signs."""
    return contract.recall(bid, reason, tx=tx)
