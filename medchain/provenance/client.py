"""DrugProvenance from Python: the unit and batch statuses, and each step as the scripts and demo call it.

Every function takes an ape contract instance and (for transactions) the sending account, checks its
input first (GS1 check digits, the scan's fields, the unit's proof against the batch's root) and then
sends one transaction. Scanner strings are parsed by :mod:`medchain.provenance.gs1`; unit proofs
come from the manufacturer's proofs file (:mod:`medchain.provenance.serials`).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..jsonfiles import load_json, write_json_atomic
from ..records.merkle import verify_proof
from .gs1 import CompanyPrefix, GS1Error, ProductIdentifier, expiry_day, gtin_int, lot_bytes, parse_scan, serial_hash
from .serials import SerialProofs, ShipmentManifest

__all__ = [
    "BatchInfo",
    "BatchStatus",
    "GtinOwner",
    "ProvenanceInputError",
    "Shipment",
    "cancel_shipment",
    "receive",
    "UnitCheck",
    "UnitStatus",
    "assign_prefix",
    "batch_info",
    "gtin_owner",
    "commission",
    "dispense_unit",
    "parse_batch_ref",
    "ship",
    "unit_from_scan",
    "verify_unit",
]


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
    batch_id: bytes
    manufacturer: str
    expiry_day: int
    status: BatchStatus
    quantity: int
    serials_root: bytes


def batch_info(contract: Any, bid: bytes) -> BatchInfo:
    manufacturer, expiry, status, quantity, root = contract.batchOf(bid)
    return BatchInfo(bytes(bid), str(manufacturer), int(expiry), BatchStatus(int(status)), int(quantity), bytes(root))


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
    if scan.expiry != proofs.expiry:
        raise ProvenanceInputError(
            f"expiry (17): the pack says {scan.expiry.isoformat()}, the batch {proofs.expiry.isoformat()}"
        )
    proof = proofs.proof(scan.serial)
    hashed = serial_hash(scan.serial)
    known = scan.serial in proofs.proofs
    if known and not verify_proof(proofs.root, hashed, proof):
        raise ProvenanceInputError(f"the proofs file's proof of serial {scan.serial!r} does not verify against its root")
    return UnitCheck(scan, scan.batch_id, hashed, proof, known)


def verify_unit(contract: Any, unit: UnitCheck) -> UnitStatus:
    return UnitStatus(int(contract.verifyUnit(unit.batch_id, unit.serial_hash, unit.proof)))


ZERO_ADDRESS = "0x" + "00" * 20


@dataclass(frozen=True)
class GtinOwner:
    """Who may commission batches of a GTIN: the owner of the company prefix it falls under."""

    owner: str | None  # None: the GTIN's prefix is assigned to nobody
    prefix: CompanyPrefix | None


def gtin_owner(contract: Any, gtin: str | int) -> GtinOwner:
    owner, prefix, length = contract.gtinOwnerOf(gtin_int(gtin))
    if str(owner) == ZERO_ADDRESS:
        return GtinOwner(None, None)
    return GtinOwner(str(owner), CompanyPrefix(str(int(prefix)).zfill(int(length))))


def assign_prefix(contract: Any, account: Any, prefix: CompanyPrefix, manufacturer: str, **tx: Any) -> Any:
    """Assign (or, when it has an owner, reassign) a company prefix to ``manufacturer``: the registry's admin."""
    current = str(contract.companyPrefixOwner(prefix.value, prefix.length))
    if current.lower() == str(manufacturer).lower():
        raise ProvenanceInputError(f"prefix {prefix.digits} is assigned to {manufacturer} already")
    if current == ZERO_ADDRESS:
        return contract.assignCompanyPrefix(prefix.value, prefix.length, manufacturer, sender=account, **tx)
    return contract.reassignCompanyPrefix(prefix.value, prefix.length, manufacturer, sender=account, **tx)


def commission(contract: Any, account: Any, proofs: SerialProofs, **tx: Any) -> Any:
    """Commission the batch of a proofs file (its GTIN, lot, expiry, unit count and serials root).

    Refused here, before anything is sent, unless the account owns the GTIN's company prefix."""
    owner = gtin_owner(contract, proofs.gtin)
    if owner.owner is None or owner.owner.lower() != account.address.lower():
        who = "nobody" if owner.owner is None else f"{owner.owner} (prefix {owner.prefix.digits})"
        raise ProvenanceInputError(f"GTIN {proofs.gtin}: its company prefix is assigned to {who}, not to "
                                   f"{account.address}; the registry's admin assigns prefixes (provenance assign-prefix)")
    return contract.commissionBatch(int(proofs.gtin), lot_bytes(proofs.lot), expiry_day(proofs.expiry),
                                    proofs.quantity, proofs.root, sender=account, **tx)


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
        return {"shipmentId": "0x" + bytes(self.shipment_id).hex(), "batchId": "0x" + bytes(self.batch_id).hex(),
                "shipper": self.shipper, **self.manifest.to_json()}

    @classmethod
    def from_json(cls, data: dict) -> Shipment:
        """A shipment file (the advance ship notice the shipper passes along with the goods)."""
        try:
            return cls(bytes.fromhex(str(data["shipmentId"])[2:]), bytes.fromhex(str(data["batchId"])[2:]),
                       str(data["shipper"]), ShipmentManifest.from_json(data))
        except (KeyError, ValueError, GS1Error) as err:
            raise ProvenanceInputError(f"shipment file: {err}") from err

    def save(self, path: Any) -> None:
        write_json_atomic(Path(path), self.to_json())

    @classmethod
    def load(cls, path: Any) -> Shipment:
        return cls.from_json(load_json(Path(path), ProvenanceInputError))

    @property
    def ref(self) -> tuple[bytes, str, bytes]:
        """The ``ShipmentRef`` ``dispense`` takes: (shipment id, shipper, serials root)."""
        return (self.shipment_id, self.shipper, self.manifest.root)


def ship(contract: Any, account: Any, bid: bytes, to: str, units: ShipmentManifest | list[bytes],
         **tx: Any) -> tuple[Any, Shipment]:
    """Ship the units whose serial hashes ``units`` lists (or a manifest of them); returns the receipt
    and the shipment (its id from the ``Shipped`` event)."""
    manifest = units if isinstance(units, ShipmentManifest) else ShipmentManifest.of(units)
    quantity = manifest.quantity
    held = int(contract.balanceOf(account.address, bid))
    if held < quantity:
        raise ProvenanceInputError(f"{account.address} holds {held} units of batch 0x{bytes(bid).hex()}, not {quantity}")
    receipt = contract.ship(bid, to, quantity, manifest.root, sender=account, **tx)
    sid = bytes(receipt.events.filter(contract.Shipped)[0].shipmentId)
    return receipt, Shipment(sid, bytes(bid), account.address, manifest)


def receive(contract: Any, account: Any, shipment: Shipment, **tx: Any) -> Any:
    """Take delivery of ``shipment`` (addressed to ``account``)."""
    return contract.receiveShipment(shipment.shipment_id, shipment.batch_id, shipment.shipper,
                                    shipment.manifest.root, sender=account, **tx)


def cancel_shipment(contract: Any, account: Any, shipment: Shipment, **tx: Any) -> Any:
    """Cancel ``account``'s ``shipment`` before its receipt: its units are back in ``account``'s holding."""
    return contract.cancelShipment(shipment.shipment_id, shipment.batch_id, shipment.manifest.root, sender=account, **tx)


def dispense_unit(contract: Any, account: Any, unit: UnitCheck, shipment: Shipment, **tx: Any) -> Any:
    """Dispense a scanned unit out of ``shipment``, which ``account`` received, after asking ``verifyUnit``
    (refused here unless GENUINE, and unless the shipment carries the unit)."""
    status = verify_unit(contract, unit)
    if status is not UnitStatus.GENUINE:
        raise ProvenanceInputError(f"{unit.scan.as_hri()}: {status.name}; not dispensed")
    if not shipment.manifest.carries(unit.serial_hash) or bytes(shipment.batch_id) != bytes(unit.batch_id):
        raise ProvenanceInputError(f"{unit.scan.as_hri()}: not in shipment 0x{bytes(shipment.shipment_id).hex()}; "
                                   "a pharmacy dispenses the packs a shipment it received carried")
    return contract.dispense(unit.batch_id, unit.serial_hash, unit.proof, shipment.ref,
                             shipment.manifest.proof(unit.serial_hash), sender=account, **tx)
