"""Anchor record files (singly or as a Merkle batch) and verify them later against receipts.

The job is idempotent and resumable:
- each record's salt is saved to the salt store *before* anything is sent, so a crash never loses it;
- a batch is written down in ``<out>/.pending-batch.json`` (root, members, then the signed
  transaction's hash) before `anchorBatch` is sent, and forgotten once every member has its receipt;
- a rerun first settles a batch written down by an interrupted run: on chain (or mined while we
  wait), its members get their receipts; never arrived (a node that restarted and lost its pool),
  it is forgotten and its records are anchored again, with whatever else has no receipt;
- a rerun checks that the receipts already in ``<out>`` are on this chain (one ``batchOf`` per
  batch, one ``verify`` per single anchor, both under the receipt's provider): an anchor the chain no
  longer holds (a node that lost its latest blocks, a reset chain) is anchored again, never trusted;
- records with no receipt whose anchor the chain already holds are recovered (by event lookup for
  single anchors, by `batchOf` for batches) instead of being sent again.

Anchors are kept per provider on chain: every lookup here names the provider (this account when
anchoring, the receipt's provider when verifying), so another provider anchoring the same hash or
root never makes a record look anchored, lost, retracted or superseded.

The contract is the SDK's :class:`~medchain.contracts.RecordAnchor`; to anchor, one whose transactor
signs as the provider.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from eth_utils import keccak

from ..chain.rpc import NodeUnavailable, describe, node_unreachable
from ..jsonfiles import load_json, write_json_atomic
from .hashing import RecordError, RecordFile, new_salt
from .merkle import MerkleTree
from .receipts import Receipt

if TYPE_CHECKING:
    from ..contracts import RecordAnchor
    from ..contracts.base import Receipt as TxReceipt

ZERO_ADDRESS = "0x" + "00" * 20
DEFAULT_BATCH_THRESHOLD = 8  # this many records or more go as one Merkle batch
BATCH_JOURNAL = ".pending-batch.json"  # in the receipts folder, while a batch is in progress


class AnchorInterrupted(RecordError):
    """The node went away with a batch transaction in flight; the batch journal holds it, a rerun resumes."""


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
    skipped: list[Path] = field(default_factory=list)  # receipt already there (and its anchor on chain)
    lost: list[Path] = field(default_factory=list)  # had a receipt whose anchor is no longer on chain: sent again
    transactions: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


@dataclass
class _Pending:
    path: Path
    record: RecordFile
    salt: bytes
    record_hash: bytes
    receipt_path: Path


def anchor_records(
    *,
    anchor_contract: RecordAnchor,
    paths: Iterable[Path],
    out_dir: Path,
    salt_store: SaltStore,
    base: Path | None = None,
    batch_threshold: int = DEFAULT_BATCH_THRESHOLD,
    include_salt: bool = False,
    from_block: int = 0,
    progress: Callable[[str], None] = lambda _msg: None,
) -> AnchorResult:
    """Anchor every record under ``paths`` that has no receipt on this chain yet, and write its receipt.

    ``anchor_contract`` signs as the provider (its transactor's account); receipts name the chain its
    transactor signs for. ``from_block``: where to look for the events of anchors sent by an earlier run."""
    files = collect_records(paths)
    result = AnchorResult()
    transactor = anchor_contract.transactor
    if transactor is None:
        raise RecordError(f"{anchor_contract}: no signer to anchor with: give the contract the provider's signer")
    common = dict(chain_id=transactor.chain_id, contract=str(anchor_contract.address))
    journal = Path(out_dir) / BATCH_JOURNAL
    if journal.exists():
        _resume_batch(anchor_contract, journal, salt_store, common, include_salt, from_block, result, progress)
    pending: list[_Pending] = []
    held: list[tuple[_Pending, Receipt]] = []
    for i, path in enumerate(files, 1):
        record = RecordFile.read(path)
        salt = salt_store.salt_for(record)
        rpath = receipt_path(out_dir, path, base)
        h = record.hash(salt)
        item = _Pending(path, record, salt, h, rpath)
        receipt = Receipt.load(rpath) if rpath.exists() else None
        if receipt is not None and receipt.record_hash == h:
            held.append((item, receipt))
        else:
            pending.append(item)
        if i % 500 == 0 or i == len(files):
            progress(f"hashed {i}/{len(files)} records ({len(held)} have receipts)")
    recovered = {p.resolve() for p in result.recovered}
    lost = _lost_anchors(anchor_contract, held, common)
    lost_ids = {id(item) for item in lost}
    for item, _receipt in held:
        if id(item) in lost_ids:
            pending.append(item)
            result.lost.append(item.path)
        elif item.path.resolve() not in recovered:
            result.skipped.append(item.path)
    if lost:
        result.notes.append(
            f"{len(lost)} receipt(s) in {out_dir}/ point to anchors this chain no longer holds (the node lost its "
            "latest blocks, or the chain was reset): those records are anchored again"
        )
        progress(result.notes[-1])
    if not pending:
        return result

    if len(pending) >= batch_threshold:
        _anchor_batch(anchor_contract, pending, out_dir, common, include_salt, from_block, result, progress)
    else:
        for n, item in enumerate(pending, 1):
            _anchor_single(anchor_contract, item, common, include_salt, from_block, result)
            progress(f"anchored {n}/{len(pending)}: {item.path.name}")
    return result


def _anchored_event(contract: RecordAnchor, receipt: TxReceipt) -> Any:
    """The ``RecordAnchored`` event of ``receipt`` (an anchor or an amendment)."""
    return next(e for e in receipt.events if isinstance(e, type(contract).RecordAnchored))


def _anchor_single(
    contract: RecordAnchor,
    item: _Pending,
    common: dict[str, Any],
    include_salt: bool,
    from_block: int,
    result: AnchorResult,
) -> None:
    provider = _provider(contract)
    anchored_at, _, _ = contract.verify(provider, item.record_hash)
    if anchored_at == 0:
        receipt = contract.anchor(item.record_hash)
        event = _anchored_event(contract, receipt)
        tx, block = receipt.transaction_hash, receipt.block_number
        provider, anchored_at = event.provider, event.anchoredAt
        result.anchored.append(item.path)
        result.transactions.append(tx)
    else:  # anchored by this account in an earlier, interrupted run: find its transaction
        found = _first_log(contract, "RecordAnchored", from_block, recordHash=item.record_hash, provider=provider)
        if found is None:
            raise RecordError(
                f"{item.path}: anchored on chain, but its RecordAnchored event was not found from block {from_block}"
            )
        tx, block = found
        result.recovered.append(item.path)
    Receipt(
        record_hash=item.record_hash,
        tx=tx,
        block=block,
        provider=str(provider),
        anchored_at=int(anchored_at),
        salt=item.salt if include_salt else None,
        **common,
    ).save(item.receipt_path)


def _provider(contract: RecordAnchor) -> str:
    """The provider ``contract`` signs as."""
    assert contract.transactor is not None
    return contract.transactor.sender


def _lost_anchors(
    contract: RecordAnchor, held: list[tuple[_Pending, Receipt]], common: dict[str, Any]
) -> list[_Pending]:
    """Records whose receipt points to an anchor this chain does not hold (one call per batch root)."""
    lost: list[_Pending] = []
    roots: dict[tuple[str, bytes], bool] = {}
    for item, receipt in held:
        if receipt.chain_id != common["chain_id"] or receipt.contract.lower() != common["contract"].lower():
            raise RecordError(
                f"{item.receipt_path}: this receipt is for chain {receipt.chain_id} contract {receipt.contract}, not "
                f"this deployment (chain {common['chain_id']} contract {common['contract']}); use another --out "
                "folder for another deployment"
            )
        if receipt.root is not None:  # in a batch
            key = (receipt.provider.lower(), receipt.root)
            if key not in roots:
                roots[key] = contract.batchOf(receipt.provider, receipt.root)[0] != 0
            on_chain = roots[key]
        else:
            on_chain = contract.verify(receipt.provider, receipt.record_hash)[0] != 0
        if not on_chain:
            lost.append(item)
    return lost


def _anchor_batch(
    contract: RecordAnchor,
    pending: list[_Pending],
    out_dir: Path,
    common: dict[str, Any],
    include_salt: bool,
    from_block: int,
    result: AnchorResult,
    progress: Callable[[str], None],
) -> None:
    tree = MerkleTree.build([item.record_hash for item in pending])
    journal = Path(out_dir) / BATCH_JOURNAL
    state: dict[str, Any] = {
        "root": "0x" + tree.root.hex(),
        "records": [
            {"path": str(i.path), "hash": "0x" + i.record_hash.hex(), "receipt": str(i.receipt_path)} for i in pending
        ],
    }
    write_json_atomic(journal, state)
    transactor = contract.transactor
    assert transactor is not None
    if contract.batchOf(transactor.sender, tree.root)[0] != 0:  # sent by an earlier run that lost its journal
        _write_batch_receipts(contract, tree, pending, None, common, include_salt, from_block, progress)
        result.recovered.extend(i.path for i in pending)
        journal.unlink()
        return
    progress(f"anchoring a batch of {len(pending)} records (root 0x{tree.root.hex()[:12]}…)")
    signed = transactor.sign(
        contract.address,
        contract.encode("anchorBatch", tree.root, len(pending)),
        contract=contract.NAME,
        function="anchorBatch",
    )
    state["tx"] = signed.tx_hash
    write_json_atomic(journal, state)  # written down before it is sent
    try:
        transactor.send_raw(signed)
        receipt = transactor.confirm(
            signed, contract=contract.NAME, function="anchorBatch", decode=contract.decode_logs
        )
    except Exception as err:
        if not node_unreachable(err):
            raise
        raise AnchorInterrupted(
            f"{contract.rpc.name} stopped answering ({_why(err)}) while the batch transaction {state['tx']} "
            f"({len(pending)} records, root 0x{tree.root.hex()[:12]}…) was in flight. It is written down in "
            f"{journal}: "
            "start the node again (or wait for it) and rerun the same command; the batch is looked up on chain and "
            "anchored again only if it never got there"
        ) from None
    result.anchored.extend(i.path for i in pending)
    result.transactions.append(state["tx"])
    _write_batch_receipts(contract, tree, pending, receipt, common, include_salt, from_block, progress)
    journal.unlink()


def _why(err: BaseException) -> str:
    """What the node did (``connection refused``, ``HTTP 500 ...``): for a node that stayed silent through the
    transport's patience, the last failure its message ends with."""
    if isinstance(err, NodeUnavailable) and err.__cause__ is None and str(err).endswith(")"):
        return str(err).rsplit("(", 1)[-1][:-1]
    return describe(err)


def _member(path: Path, record_hash: bytes, rpath: Path, salt_store: SaltStore) -> _Pending:
    """A member of a journaled batch; its record and salt only if the file still hashes to what was anchored."""
    record: RecordFile | None
    salt: bytes | None
    try:
        record = RecordFile.read(path)
        salt = salt_store.get(record)
    except RecordError:
        record = salt = None
    if record is None or salt is None or record.hash(salt) != record_hash:
        record = salt = None
    return _Pending(path, record, salt, record_hash, rpath)  # type: ignore[arg-type]


def _first_log(contract: RecordAnchor, event: str, from_block: int, **match: Any) -> tuple[str, int] | None:
    """(transaction, block) of the first ``event`` of the RecordAnchor ``contract`` whose indexed fields
    are ``match``, from ``from_block`` to the head (read with the paged log reader); None if there is none."""
    from ..chain import abi  # imported on first use: only the recovery of an interrupted run reads logs
    from ..chain.logs import LogReader

    reader = LogReader(contract.rpc)
    topics = abi.event("RecordAnchor", event).topics(**match)
    for page in reader.pages([str(contract.address)], from_block, topics=topics):
        if page.logs:
            return page.logs[0].transactionHash, int(page.logs[0].blockNumber, 16)
    return None


def _write_batch_receipts(
    contract: RecordAnchor,
    tree: MerkleTree,
    items: list[_Pending],
    receipt: TxReceipt | None,
    common: dict[str, Any],
    include_salt: bool,
    from_block: int,
    progress: Callable[[str], None],
) -> None:
    """One receipt per member of a batch on chain; ``receipt``: its transaction's, or None to look it up."""
    provider = _provider(contract)
    anchored_at, count = contract.batchOf(provider, tree.root)
    if anchored_at == 0:
        raise RecordError(f"batch root 0x{tree.root.hex()} is not anchored by this account ({provider})")
    if receipt is None:
        found = _first_log(contract, "BatchAnchored", from_block, root=tree.root, provider=provider)
        if found is None:
            raise RecordError(
                f"batch root 0x{tree.root.hex()} is on chain, but its BatchAnchored event was not "
                f"found from block {from_block}"
            )
        tx, block = found
    else:
        tx, block = receipt.transaction_hash, receipt.block_number
    for n, item in enumerate(items, 1):
        Receipt(
            record_hash=item.record_hash,
            tx=tx,
            block=block,
            provider=str(provider),
            anchored_at=int(anchored_at),
            root=tree.root,
            proof=tree.proof(item.record_hash),
            batch_count=int(count),
            salt=item.salt if include_salt else None,
            **common,
        ).save(item.receipt_path)
        if n % 1000 == 0 or n == len(items):
            progress(f"wrote {n}/{len(items)} receipts")


def _resume_batch(
    contract: RecordAnchor,
    journal: Path,
    salt_store: SaltStore,
    common: dict[str, Any],
    include_salt: bool,
    from_block: int,
    result: AnchorResult,
    progress: Callable[[str], None],
) -> None:
    """Settle the batch an interrupted run wrote down: receipts if it is on chain, else forget it."""
    state = load_json(journal, RecordError)
    try:
        members = [
            _member(Path(r["path"]), bytes.fromhex(r["hash"][2:]), Path(r["receipt"]), salt_store)
            for r in state["records"]
        ]
        root, tx = bytes.fromhex(state["root"][2:]), state.get("tx")
    except (KeyError, TypeError, ValueError, AttributeError) as err:
        raise RecordError(f"{journal}: not a batch journal ({err}); move it away to start over") from None
    tree = MerkleTree.build([m.record_hash for m in members])
    if tree.root != root:
        raise RecordError(f"{journal}: its records do not make its root; move it away to start over")
    label = f"the batch of an earlier run ({len(members)} records, root 0x{root.hex()[:12]}…)"
    receipt = None
    provider = _provider(contract)
    if contract.batchOf(provider, root)[0] == 0 and tx:
        if contract.rpc.call("eth_getTransactionByHash", [tx]):
            progress(f"{label}: waiting for its transaction {tx}")
            receipt = _mined(contract, tx)
    if contract.batchOf(provider, root)[0] == 0:
        if tx:
            result.notes.append(
                f"{label}: its transaction {tx} never reached the chain (the node restarted?), "
                "so its records are anchored again"
            )
        else:
            result.notes.append(f"{label} was never sent: its records are anchored now")
        progress(result.notes[-1])
        journal.unlink()
        return
    _write_batch_receipts(contract, tree, members, receipt, common, include_salt, from_block, progress)
    result.recovered.extend(m.path for m in members)
    result.notes.append(f"{label} is on chain: receipts written, nothing sent again")
    progress(result.notes[-1])
    journal.unlink()


def _mined(contract: RecordAnchor, tx: str) -> TxReceipt:
    """The receipt of transaction ``tx`` (known to the node), once mined, its events decoded."""
    from ..contracts.base import Receipt as TxReceipt

    assert contract.transactor is not None
    return TxReceipt.from_json(contract.transactor.wait(tx), contract.decode_logs)


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
    return datetime.fromtimestamp(ts, tz=UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


def verify_record(
    *, anchor_contract: RecordAnchor, chain_id: int, record: RecordFile, salt: bytes, receipt: Receipt
) -> Verdict:
    """Re-hash the record with its salt and check it on chain (views only) against its receipt."""
    if receipt.chain_id != chain_id or receipt.contract != str(anchor_contract.address):
        return Verdict(
            "wrong-chain",
            f"the receipt is for chain {receipt.chain_id} contract {receipt.contract}, "
            f"not this deployment (chain {chain_id} contract {anchor_contract.address})",
        )
    h = record.hash(salt)
    if h != receipt.record_hash:
        return Verdict(
            "mismatch",
            "DOES NOT MATCH: the record or its salt differs from what was anchored "
            "(the record was changed, or this is the wrong salt or receipt)",
        )
    # Everything is asked of the provider the receipt names: another provider's anchor, retraction or
    # amendment of the same hash is its own and says nothing about this record.
    provider = receipt.provider
    if receipt.root is not None:  # in a batch
        anchored_at = anchor_contract.verifyInBatch(provider, receipt.root, h, receipt.proof)
        if anchored_at == 0:
            return Verdict(
                "not-anchored",
                f"NOT ANCHORED: the receipt's batch proof does not hold on this chain for a batch of {provider}",
            )
    else:
        anchored_at = anchor_contract.verify(provider, h)[0]
        if anchored_at == 0:
            return Verdict("not-anchored", f"NOT ANCHORED: {provider} has not anchored this record hash on chain")
    _, superseded_by, retracted = anchor_contract.verify(provider, h)
    story = f"anchored by {provider} at {_when(int(anchored_at))} in block {receipt.block}"
    anchored = Verdict(
        "anchored",
        f"ANCHORED: {story}; the record is unchanged since",
        provider=str(provider),
        anchored_at=int(anchored_at),
        block=receipt.block,
    )
    if retracted:
        return replace(anchored, status="retracted", message=f"RETRACTED (entered in error): {story}")
    if superseded_by != b"\0" * 32:
        latest = bytes(anchor_contract.latestVersion(provider, h))
        return replace(
            anchored,
            status="superseded",
            superseded_by=bytes(superseded_by),
            latest=latest,
            message=f"SUPERSEDED by 0x{bytes(superseded_by).hex()} (latest version 0x{latest.hex()}): {story}",
        )
    return anchored


def amend_record(
    *,
    anchor_contract: RecordAnchor,
    old_receipt: Receipt,
    new_record: Path,
    salt_store: SaltStore,
    out: Path,
    include_salt: bool = False,
) -> Receipt:
    """Anchor ``new_record`` as the new version of the record behind ``old_receipt`` and write its receipt.

    ``anchor_contract`` signs as the provider that anchored the old version. Works for records anchored on
    their own and in batches (the receipt carries the proof).
    """
    transactor = anchor_contract.transactor
    if transactor is None:
        raise RecordError(f"{anchor_contract}: no signer to amend with: give the contract the provider's signer")
    record = RecordFile.read(new_record)
    salt = salt_store.salt_for(record)
    new_hash = record.hash(salt)
    if old_receipt.root is not None:  # in a batch
        receipt = anchor_contract.amendInBatch(old_receipt.root, old_receipt.record_hash, old_receipt.proof, new_hash)
    else:
        receipt = anchor_contract.amend(old_receipt.record_hash, new_hash)
    event = _anchored_event(anchor_contract, receipt)
    new_receipt = Receipt(
        record_hash=new_hash,
        chain_id=transactor.chain_id,
        contract=str(anchor_contract.address),
        tx=receipt.transaction_hash,
        block=receipt.block_number,
        provider=str(event.provider),
        anchored_at=int(event.anchoredAt),
        salt=salt if include_salt else None,
    )
    new_receipt.save(out)
    return new_receipt
