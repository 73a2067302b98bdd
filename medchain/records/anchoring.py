"""Anchor record files (singly or as a Merkle batch) and verify them later against receipts.

The job is idempotent and resumable:
- each record's salt is saved to the salt store *before* anything is sent, so a crash never loses it;
- a pending batch is written down (root and members) before `anchorBatch` is sent;
- a rerun skips records that already have a receipt, and recovers anchors the chain already holds
  (by event lookup for single anchors, by `batchOf` for batches) instead of sending them again.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable, Iterable

from eth_utils import keccak

from ..jsonfiles import load_json, write_json_atomic
from .hashing import RecordError, RecordFile, new_salt
from .merkle import MerkleTree
from .receipts import Receipt

ZERO_ADDRESS = "0x" + "00" * 20
DEFAULT_BATCH_THRESHOLD = 8  # this many records or more go as one Merkle batch


# ---------------------------------------------------------------------------------------------
# Finding records and keeping their salts


def collect_records(paths: Iterable[Path]) -> list[Path]:
    """Record files from files and folders (``*.json``, recursively, sorted); errors name the path."""
    found: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found.extend(sorted(p for p in path.rglob("*.json") if p.is_file() and not p.name.startswith(".")))
        elif path.is_file():
            found.append(path)
        else:
            raise RecordError(f"{path}: no such file or folder")
    if not found:
        raise RecordError("no record files (*.json) found in " + ", ".join(str(p) for p in paths))
    return list(dict.fromkeys(found))


class SaltStore:
    """The provider's private salts, keyed by record content (keccak of its canonical bytes).

    Keep this file as carefully as the records: without a record's salt nobody can verify it.
    """

    def __init__(self, path: Path):
        self.path = Path(path)
        self._salts: dict[str, str] = {}
        if self.path.exists():
            data = load_json(self.path, RecordError)
            if not isinstance(data, dict):
                raise RecordError(f"{self.path}: salt store is not a JSON object")
            self._salts = data

    @staticmethod
    def key(record: RecordFile) -> str:
        return "0x" + keccak(record.canonical).hex()

    def salt_for(self, record: RecordFile) -> bytes:
        """The record's salt, created and saved at once if it has none yet."""
        key = self.key(record)
        if key not in self._salts:
            self._salts[key] = "0x" + new_salt().hex()
            write_json_atomic(self.path, self._salts)
        return bytes.fromhex(self._salts[key][2:])

    def get(self, record: RecordFile) -> bytes | None:
        value = self._salts.get(self.key(record))
        return bytes.fromhex(value[2:]) if value else None


def receipt_path(out_dir: Path, record_path: Path, base: Path | None) -> Path:
    """``<out>/<path of the record relative to base>.receipt.json``."""
    try:
        rel = record_path.resolve().relative_to(base.resolve()) if base else Path(record_path.name)
    except ValueError:
        rel = Path(record_path.name)
    return Path(out_dir) / rel.with_suffix(".receipt.json")


# ---------------------------------------------------------------------------------------------
# Anchoring


@dataclass
class AnchorResult:
    anchored: list[Path] = field(default_factory=list)  # sent by this run
    recovered: list[Path] = field(default_factory=list)  # already on chain, receipt written now
    skipped: list[Path] = field(default_factory=list)  # receipt already there
    transactions: list[str] = field(default_factory=list)


@dataclass
class _Pending:
    path: Path
    record: RecordFile
    salt: bytes
    record_hash: bytes
    receipt_path: Path


def anchor_records(
    *,
    anchor_contract: Any,
    provider_account: Any,
    chain_id: int,
    paths: Iterable[Path],
    out_dir: Path,
    salt_store: SaltStore,
    base: Path | None = None,
    batch_threshold: int = DEFAULT_BATCH_THRESHOLD,
    include_salt: bool = False,
    from_block: int = 0,
    progress: Callable[[str], None] = lambda _msg: None,
) -> AnchorResult:
    """Anchor every record under ``paths`` that has no receipt yet, and write its receipt."""
    files = collect_records(paths)
    result = AnchorResult()
    pending: list[_Pending] = []
    for i, path in enumerate(files, 1):
        record = RecordFile.read(path)
        salt = salt_store.salt_for(record)
        rpath = receipt_path(out_dir, path, base)
        h = record.hash(salt)
        if rpath.exists() and Receipt.load(rpath).record_hash == h:
            result.skipped.append(path)
        else:
            pending.append(_Pending(path, record, salt, h, rpath))
        if i % 500 == 0 or i == len(files):
            progress(f"hashed {i}/{len(files)} records ({len(result.skipped)} already have receipts)")
    if not pending:
        return result

    common = dict(chain_id=chain_id, contract=str(anchor_contract.address))
    if len(pending) >= batch_threshold:
        _anchor_batch(anchor_contract, provider_account, pending, out_dir, common, include_salt, result, progress)
    else:
        for n, item in enumerate(pending, 1):
            _anchor_single(anchor_contract, provider_account, item, common, include_salt, from_block, result)
            progress(f"anchored {n}/{len(pending)}: {item.path.name}")
    return result


def _anchor_single(contract, account, item: _Pending, common, include_salt, from_block, result) -> None:
    provider, anchored_at, _, _ = contract.verify(item.record_hash)
    if provider == ZERO_ADDRESS:
        receipt = contract.anchor(item.record_hash, sender=account)
        log = receipt.events.filter(contract.RecordAnchored)[0]
        tx, block, provider, anchored_at = str(receipt.txn_hash), receipt.block_number, log["provider"], log.anchoredAt
        result.anchored.append(item.path)
        result.transactions.append(tx)
    else:  # anchored by an earlier, interrupted run: find its transaction
        if str(provider) != str(account.address):
            raise RecordError(f"{item.path}: its hash is already anchored by {provider}, not by this account")
        logs = list(contract.RecordAnchored.range(from_block, contract.chain_manager.blocks.head.number + 1,
                                                  search_topics={"recordHash": item.record_hash}))
        if not logs:
            raise RecordError(f"{item.path}: anchored on chain, but its RecordAnchored event was not found "
                              f"from block {from_block}")
        tx, block = str(logs[0].transaction_hash), logs[0].block_number
        result.recovered.append(item.path)
    Receipt(record_hash=item.record_hash, tx=tx, block=block, provider=str(provider), anchored_at=int(anchored_at),
            salt=item.salt if include_salt else None, **common).save(item.receipt_path)


def _anchor_batch(contract, account, pending: list[_Pending], out_dir: Path, common, include_salt, result,
                  progress) -> None:
    tree = MerkleTree.build([item.record_hash for item in pending])
    journal = Path(out_dir) / ".pending-batch.json"
    write_json_atomic(journal, {"root": "0x" + tree.root.hex(), "records": [str(i.path) for i in pending]})
    provider, anchored_at, count = contract.batchOf(tree.root)
    if provider == ZERO_ADDRESS:
        progress(f"anchoring a batch of {len(pending)} records (root 0x{tree.root.hex()[:12]}…)")
        receipt = contract.anchorBatch(tree.root, len(pending), sender=account)
        log = receipt.events.filter(contract.BatchAnchored)[0]
        tx, block, provider, anchored_at, count = (str(receipt.txn_hash), receipt.block_number, log["provider"],
                                                   log.anchoredAt, log.count)
        result.anchored.extend(i.path for i in pending)
        result.transactions.append(tx)
    else:
        if str(provider) != str(account.address):
            raise RecordError(f"batch root 0x{tree.root.hex()} is already anchored by {provider}, not by this account")
        logs = list(contract.BatchAnchored.range(0, contract.chain_manager.blocks.head.number + 1,
                                                 search_topics={"root": tree.root}))
        tx, block = str(logs[0].transaction_hash), logs[0].block_number
        result.recovered.extend(i.path for i in pending)
    for n, item in enumerate(pending, 1):
        Receipt(record_hash=item.record_hash, tx=tx, block=block, provider=str(provider), anchored_at=int(anchored_at),
                root=tree.root, proof=tree.proof(item.record_hash), batch_count=int(count),
                salt=item.salt if include_salt else None, **common).save(item.receipt_path)
        if n % 1000 == 0 or n == len(pending):
            progress(f"wrote {n}/{len(pending)} receipts")
    journal.unlink()


# ---------------------------------------------------------------------------------------------
# Verification


@dataclass(frozen=True)
class Verdict:
    status: str  # anchored | superseded | retracted | not-anchored | mismatch | wrong-chain
    message: str
    provider: str | None = None
    anchored_at: int | None = None
    block: int | None = None
    superseded_by: bytes | None = None
    latest: bytes | None = None

    @property
    def ok(self) -> bool:
        return self.status == "anchored"


def _when(ts: int) -> str:
    return datetime.fromtimestamp(ts, tz=timezone.utc).strftime("%Y-%m-%d %H:%M:%S UTC")


def verify_record(*, anchor_contract: Any, chain_id: int, record: RecordFile, salt: bytes, receipt: Receipt) -> Verdict:
    """Re-hash the record with its salt and check it on chain against its receipt."""
    if receipt.chain_id != chain_id or receipt.contract != str(anchor_contract.address):
        return Verdict("wrong-chain", f"the receipt is for chain {receipt.chain_id} contract {receipt.contract}, "
                                      f"not this deployment (chain {chain_id} contract {anchor_contract.address})")
    h = record.hash(salt)
    if h != receipt.record_hash:
        return Verdict("mismatch", "DOES NOT MATCH: the record or its salt differs from what was anchored "
                                   "(the record was changed, or this is the wrong salt or receipt)")
    if receipt.in_batch:
        provider, anchored_at = anchor_contract.verifyInBatch(receipt.root, h, receipt.proof)
        if provider == ZERO_ADDRESS:
            return Verdict("not-anchored", "NOT ANCHORED: the receipt's batch proof does not hold on this chain")
    else:
        provider, anchored_at, _, _ = anchor_contract.verify(h)
        if provider == ZERO_ADDRESS:
            return Verdict("not-anchored", "NOT ANCHORED: this record hash is not on chain")
    _, _, superseded_by, retracted = anchor_contract.verify(h)
    base = dict(provider=str(provider), anchored_at=int(anchored_at), block=receipt.block)
    story = f"anchored by {provider} at {_when(int(anchored_at))} in block {receipt.block}"
    if retracted:
        return Verdict("retracted", f"RETRACTED (entered in error): {story}", **base)
    if superseded_by != b"\0" * 32:
        latest = bytes(anchor_contract.latestVersion(h))
        return Verdict("superseded", f"SUPERSEDED by 0x{bytes(superseded_by).hex()} (latest version "
                                     f"0x{latest.hex()}): {story}", superseded_by=bytes(superseded_by),
                       latest=latest, **base)
    return Verdict("anchored", f"ANCHORED: {story}; the record is unchanged since", **base)


def amend_record(
    *,
    anchor_contract: Any,
    provider_account: Any,
    chain_id: int,
    old_receipt: Receipt,
    new_record: Path,
    salt_store: SaltStore,
    out: Path,
    include_salt: bool = False,
) -> Receipt:
    """Anchor ``new_record`` as the new version of the record behind ``old_receipt`` and write its receipt.

    Works for records anchored on their own and in batches (the receipt carries the proof).
    """
    record = RecordFile.read(new_record)
    salt = salt_store.salt_for(record)
    new_hash = record.hash(salt)
    if old_receipt.in_batch:
        receipt = anchor_contract.amendInBatch(old_receipt.root, old_receipt.record_hash, old_receipt.proof, new_hash,
                                               sender=provider_account)
    else:
        receipt = anchor_contract.amend(old_receipt.record_hash, new_hash, sender=provider_account)
    log = receipt.events.filter(anchor_contract.RecordAnchored)[0]
    new_receipt = Receipt(record_hash=new_hash, chain_id=chain_id, contract=str(anchor_contract.address),
                          tx=str(receipt.txn_hash), block=receipt.block_number, provider=str(log["provider"]),
                          anchored_at=int(log.anchoredAt), salt=salt if include_salt else None)
    new_receipt.save(out)
    return new_receipt
