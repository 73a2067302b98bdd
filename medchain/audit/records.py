"""Integrity re-verification: local records against their receipts and the anchoring events.

For each record in a folder, its receipt (``<receipts>/<same path>.receipt.json``, as ``ape run records anchor``
writes them) is found, the record is hashed again with its salt (``keccak256(salt ‖ JCS(record))``)
and the hash is checked against the index: a single anchor (``RecordAnchored``), or the batch root
(``BatchAnchored``) with the receipt's Merkle proof checked here. The verdicts:

=================  ==========================================================================
``anchored``       unchanged since it was anchored, current
``superseded``     anchored, but amended since (the latest version is named)
``retracted``      anchored, then marked entered-in-error
``tampered``       the record no longer hashes to what was anchored (changed, or its salt lost)
``missing``        a receipt whose record file is gone, or a record with no receipt
``not-anchored``   the receipt's anchor (or batch proof) is not on this chain
``wrong-chain``    the receipt is for another chain or contract
=================  ==========================================================================

Salts come from the receipt (``--include-salt``) or the provider's salt store. The store is keyed by
record content, so a changed record finds no salt by its key: every salt of the store is then tried
against the receipt's hash, and none reproducing it means the record was changed.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..records.anchoring import SaltStore, collect_records, receipt_path
from ..records.hashing import RecordError, RecordFile
from ..records.merkle import verify_proof
from ..records.receipts import Receipt, ReceiptError
from .store import Store
from .suite import Suite
from .trail import iso

BAD = {"tampered", "missing", "not-anchored", "wrong-chain"}


@dataclass
class RecordCheck:
    record: str
    status: str
    detail: str


def _latest(amended: dict[str, str], h: str) -> str:
    seen = {h}
    while h in amended and amended[h] not in seen:
        h = amended[h]
        seen.add(h)
    return h


def verify_records(
    store: Store, suite: Suite, records_dir: Path, receipts_dir: Path, salts: Path | None = None
) -> list[RecordCheck]:
    records_dir, receipts_dir = Path(records_dir), Path(receipts_dir)
    salt_store = SaltStore(salts) if salts else None
    all_salts = [bytes.fromhex(v[2:]) for v in (salt_store._salts.values() if salt_store else [])]
    singles = {e["recordHash"]: e for e in store.events("RecordAnchor", ["RecordAnchored"])}
    batches = {e["root"]: e for e in store.events("RecordAnchor", ["BatchAnchored"])}
    retracted = {e["recordHash"]: e for e in store.events("RecordAnchor", ["RecordRetracted"])}
    amended = {e["oldHash"]: e["newHash"] for e in store.events("RecordAnchor", ["RecordAmended"])}
    anchor_address = suite.address("RecordAnchor")

    out: list[RecordCheck] = []
    files = collect_records([records_dir]) if any(records_dir.rglob("*.json")) else []
    expected = {receipt_path(receipts_dir, f, records_dir).resolve(): f for f in files}
    for receipt_file in sorted(receipts_dir.rglob("*.receipt.json")):
        if receipt_file.resolve() not in expected:
            rel = receipt_file.relative_to(receipts_dir)
            out.append(
                RecordCheck(
                    str(rel).removesuffix(".receipt.json") + ".json",
                    "missing",
                    f"receipt {rel} has no record file in {records_dir}",
                )
            )
    for path in files:
        name = str(path.relative_to(records_dir))
        receipt_file = receipt_path(receipts_dir, path, records_dir)
        if not receipt_file.exists():
            out.append(RecordCheck(name, "missing", f"no receipt ({receipt_file.name}) in {receipts_dir}"))
            continue
        try:
            receipt = Receipt.load(receipt_file)
            record = RecordFile.read(path)
        except (ReceiptError, RecordError) as err:
            out.append(RecordCheck(name, "tampered", str(err)))
            continue
        out.append(
            _check(
                name,
                record,
                receipt,
                salt_store,
                all_salts,
                suite,
                anchor_address,
                singles,
                batches,
                retracted,
                amended,
            )
        )
    return out


def _check(
    name: str,
    record: RecordFile,
    receipt: Receipt,
    salt_store: SaltStore | None,
    all_salts: list[bytes],
    suite: Any,
    anchor_address: str,
    singles: dict[str, Any],
    batches: dict[str, Any],
    retracted: dict[str, Any],
    amended: dict[str, str],
) -> RecordCheck:
    if receipt.chain_id != suite.chain_id or receipt.contract.lower() != anchor_address:
        return RecordCheck(name, "wrong-chain", f"receipt for chain {receipt.chain_id} contract {receipt.contract}")
    h = "0x" + receipt.record_hash.hex()
    salt = receipt.salt or (salt_store.get(record) if salt_store else None)
    if salt is None or record.hash(salt) != receipt.record_hash:
        if not any(record.hash(s) == receipt.record_hash for s in all_salts):
            why = "no salt" if salt is None and not all_salts else "no known salt"
            return RecordCheck(
                name,
                "tampered",
                f"the record does not hash to the anchored {h} ({why} reproduces it): it was changed after anchoring",
            )
    if receipt.root is not None:
        root = "0x" + receipt.root.hex()
        batch = batches.get(root)
        if batch is None:
            return RecordCheck(name, "not-anchored", f"batch root {root} is not anchored on chain")
        if not verify_proof(receipt.root, receipt.record_hash, receipt.proof):
            return RecordCheck(name, "not-anchored", f"the receipt's proof does not lead to batch root {root}")
        anchor = batch
    else:
        anchor = singles.get(h)
        if anchor is None:
            return RecordCheck(name, "not-anchored", f"{h} is not anchored on chain")
    story = f"anchored by {anchor['provider']} at {iso(anchor.time)} in block {anchor.block}"
    if h in retracted:
        r = retracted[h]
        return RecordCheck(name, "retracted", f"retracted at {iso(r.time)} (block {r.block}); {story}")
    if h in amended:
        return RecordCheck(name, "superseded", f"superseded by {amended[h]} (latest {_latest(amended, h)}); {story}")
    return RecordCheck(name, "anchored", f"unchanged; {story}")


def render_checks(checks: list[RecordCheck], list_all: bool = False, shown: int = 5) -> str:
    """The verdicts of the record files first; receipts whose record file is not in the folder (a folder
    of receipts bigger than the records checked) after them, counted, with the first ``shown`` named
    (all of them with ``list_all``)."""
    orphans = [c for c in checks if c.status == "missing" and "has no record file" in c.detail]
    records = [c for c in checks if c not in orphans]
    lines = [f"{'record':<40} {'verdict':<13} detail", "-" * 100]
    lines += [f"{c.record:<40} {c.status.upper():<13} {c.detail}" for c in records]
    if orphans:
        lines.append(
            f"{len(orphans):,} receipt(s) have no record file in the records folder (MISSING: a record "
            "deleted, or a receipt of a record not given here)"
            + ("" if list_all else f"; the first {min(shown, len(orphans))} (--all lists every one):")
        )
        lines += [
            f"  {c.record:<38} {c.status.upper():<13} {c.detail}" for c in (orphans if list_all else orphans[:shown])
        ]
    counts = Counter(c.status for c in checks)
    lines.append(", ".join(f"{n} {s}" for s, n in sorted(counts.items())) or "no records")
    return "\n".join(lines) + "\n"
