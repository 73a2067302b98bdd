"""A batch's serial numbers as a Merkle tree, and the proofs file the manufacturer passes along.

The tree is :class:`medchain.records.merkle.MerkleTree` (OpenZeppelin StandardMerkleTree, one
``bytes32`` per leaf) over the units' serial hashes, exactly as record batches are anchored: the leaf
of a serial is ``keccak256(keccak256(keccak256(serial)))``. Its root is the batch's ``serialsRoot``.

The proofs file (``medchain-serial-proofs-v1``) travels with the shipment data down the supply chain,
so that every pharmacy can verify and dispense what it scans::

    {"format": "medchain-serial-proofs-v1", "gtin": "09506000134352", "lot": "LOT42",
     "expiry": "2027-12-31", "batchId": "0x...", "serialsRoot": "0x...",
     "units": {"SN0001": {"serialHash": "0x...", "proof": ["0x...", ...]}, ...}}

It holds serial numbers (not personal data) and is checked on load: the batch id must match GTIN and
lot, and each proof is checked against the root before it is used.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from ..jsonfiles import load_json, write_json_atomic
from ..records.merkle import MerkleTree, verify_proof
from .gs1 import GS1Error, ProductIdentifier, batch_id, normalise_gtin, serial_hash

__all__ = ["PROOFS_FORMAT", "SerialProofs", "read_serial_list", "serials_for"]

PROOFS_FORMAT = "medchain-serial-proofs-v1"


def read_serial_list(path: Path) -> list[str]:
    """Serial numbers, one per line (blank lines and ``#`` comments skipped); errors name file and line."""
    serials: list[str] = []
    seen: dict[str, int] = {}
    for number, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), 1):
        serial = line.strip()
        if not serial or serial.startswith("#"):
            continue
        try:
            serial_hash(serial)
        except GS1Error as err:
            raise GS1Error(f"{path}:{number}: {err}") from None
        if serial in seen:
            raise GS1Error(f"{path}:{number}: serial {serial!r} repeats line {seen[serial]}")
        seen[serial] = number
        serials.append(serial)
    if not serials:
        raise GS1Error(f"{path}: no serial numbers")
    return serials


def _hex(data: bytes) -> str:
    return "0x" + bytes(data).hex()


@dataclass(frozen=True)
class SerialProofs:
    """A batch's identity, serials root and the proof of each unit's serial hash."""

    gtin: str
    lot: str
    expiry: dt.date
    root: bytes
    proofs: dict[str, list[bytes]]  # serial -> proof

    @classmethod
    def build(cls, gtin: str, lot: str, expiry: dt.date, serials: Sequence[str]) -> SerialProofs:
        """The tree over ``serials`` (distinct; at least one) and every unit's proof."""
        hashes = [serial_hash(s) for s in serials]
        if len(set(serials)) != len(serials):
            raise GS1Error("serial numbers repeat: each unit needs its own")
        tree = MerkleTree.build(hashes)
        proofs = {s: tree.proof_by_index(i) for i, s in enumerate(serials)}
        return cls(normalise_gtin(gtin), lot, expiry, tree.root, proofs)

    @property
    def batch_id(self) -> bytes:
        return batch_id(self.gtin, self.lot)

    @property
    def quantity(self) -> int:
        return len(self.proofs)

    def proof(self, serial: str) -> list[bytes]:
        """The proof of ``serial``; an empty list for a serial outside the batch (it will not verify)."""
        return list(self.proofs.get(serial, []))

    def contains(self, serial: str) -> bool:
        """Whether ``serial`` is in the batch and its proof verifies against the root."""
        return serial in self.proofs and verify_proof(self.root, serial_hash(serial), self.proofs[serial])

    def matches(self, scan: ProductIdentifier) -> bool:
        """Whether a scan's GTIN and lot are this batch's."""
        return scan.gtin == self.gtin and scan.lot == self.lot

    def serial_of(self, hashed: bytes) -> str | None:
        """The serial whose hash is ``hashed``, if it is one of this batch's."""
        for serial in self.proofs:
            if serial_hash(serial) == bytes(hashed):
                return serial
        return None

    def to_json(self) -> dict:
        return {
            "format": PROOFS_FORMAT,
            "gtin": self.gtin,
            "lot": self.lot,
            "expiry": self.expiry.isoformat(),
            "batchId": _hex(self.batch_id),
            "serialsRoot": _hex(self.root),
            "units": {
                s: {"serialHash": _hex(serial_hash(s)), "proof": [_hex(p) for p in proof]}
                for s, proof in self.proofs.items()
            },
        }

    def save(self, path: Path) -> None:
        write_json_atomic(Path(path), self.to_json())

    @classmethod
    def load(cls, path: Path) -> SerialProofs:
        """Read a proofs file; :class:`GS1Error` names the file and the field that is wrong."""
        data = load_json(Path(path), GS1Error)
        where = str(path)
        if not isinstance(data, dict) or data.get("format") != PROOFS_FORMAT:
            raise GS1Error(f"{where}: not a {PROOFS_FORMAT} file")
        try:
            gtin = normalise_gtin(data["gtin"])
            lot, expiry = data["lot"], dt.date.fromisoformat(data["expiry"])
            root = _bytes32(data["serialsRoot"], "serialsRoot")
            units = data["units"]
            proofs = {
                serial: [_bytes32(p, f"units.{serial}.proof") for p in unit["proof"]] for serial, unit in units.items()
            }
        except (KeyError, TypeError, AttributeError) as err:
            raise GS1Error(f"{where}: missing or malformed field {err}") from None
        except (GS1Error, ValueError) as err:
            raise GS1Error(f"{where}: {err}") from None
        proofs_file = cls(gtin, lot, expiry, root, proofs)
        if _bytes32(data.get("batchId", ""), "batchId") != proofs_file.batch_id:
            raise GS1Error(f"{where}: batchId does not match GTIN {gtin} and lot {lot!r}")
        for serial, unit in units.items():
            if _bytes32(unit.get("serialHash", ""), f"units.{serial}.serialHash") != serial_hash(serial):
                raise GS1Error(f"{where}: units.{serial}.serialHash is not the hash of {serial!r}")
        return proofs_file


@dataclass(frozen=True)
class ShipmentManifest:
    """What a shipment aggregates (an SSCC's contents): the serials root ``ship`` commits to, over the
    same leaves as the batch's tree, and each serial hash's proof in it (what the receiving pharmacy
    presents to ``dispense``)."""

    root: bytes
    proofs: dict[bytes, list[bytes]]  # serial hash -> proof

    @classmethod
    def of(cls, serial_hashes: Sequence[bytes]) -> ShipmentManifest:
        """The tree over ``serial_hashes`` (distinct; at least one)."""
        hashes = [bytes(h) for h in serial_hashes]
        if not hashes or len(set(hashes)) != len(hashes):
            raise GS1Error("a shipment carries at least one unit, each once")
        tree = MerkleTree.build(hashes)
        return cls(tree.root, {h: tree.proof_by_index(i) for i, h in enumerate(hashes)})

    @classmethod
    def of_serials(cls, serials: Sequence[str]) -> ShipmentManifest:
        return cls.of([serial_hash(s) for s in serials])

    @property
    def quantity(self) -> int:
        return len(self.proofs)

    def proof(self, hashed: bytes) -> list[bytes]:
        """The proof of serial hash ``hashed``; empty if the shipment does not carry it (will not verify)."""
        return list(self.proofs.get(bytes(hashed), []))

    def carries(self, hashed: bytes) -> bool:
        return bytes(hashed) in self.proofs

    def to_json(self) -> dict:
        return {"root": _hex(self.root), "serialHashes": [_hex(h) for h in self.proofs]}

    @classmethod
    def from_json(cls, data: dict) -> ShipmentManifest:
        manifest = cls.of([_bytes32(h, "serialHashes") for h in data["serialHashes"]])
        if manifest.root != _bytes32(data["root"], "root"):
            raise GS1Error("shipment file: its serials do not build its root")
        return manifest


def _bytes32(text: object, field: str) -> bytes:
    if not isinstance(text, str) or not text.startswith("0x") or len(text) != 66:
        raise GS1Error(f"{field} must be a 32-byte 0x-hex string, got {text!r}")
    try:
        return bytes.fromhex(text[2:])
    except ValueError:
        raise GS1Error(f"{field} must be a 32-byte 0x-hex string, got {text!r}") from None


def serials_for(prefix: str, count: int, start: int = 1) -> list[str]:
    """Sample serial numbers ``<prefix><n>`` (zero-padded), for demos, tests and benchmarks."""
    width = max(4, len(str(start + count - 1)))
    return [f"{prefix}{n:0{width}d}" for n in range(start, start + count)]
