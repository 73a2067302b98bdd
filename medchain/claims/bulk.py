"""Bulk claim submission: batches through ``submitClaims``, signed locally, pipelined, journaled.

:class:`BulkSubmitter` talks JSON-RPC through web3.py's provider directly (not through a contract
object per call): each batch is ABI-encoded once, signed locally, written to the journal and sent
with ``eth_sendRawTransaction`` while earlier batches are still being mined (up to ``window``
transactions in flight); receipts are fetched in JSON-RPC batches. What happens to each claim is
read from the receipt's ``ClaimAdjudicated`` / ``ClaimRejected`` logs.

Resuming (a killed run, a restarted node) is safe: before sending, every claim of the file is looked
up in the journal, every transaction the journal still calls ``sent`` is looked up on the node
(mined: its logs are read; unknown to the node: dropped, its claims are sent again), every
transaction the journal calls ``mined`` is checked to be still on chain (a node that lost blocks, a
reset chain: its claims are checked again), and every claim not in the journal is looked up on chain
with ``claimStatuses`` (on chain already: recorded, not sent). Rejected claims stay rejected on a
rerun unless asked (``retry_rejected``).

A node that stops answering, times out or fails is retried for ``patience`` seconds
(:class:`medchain.chain.rpc.Rpc` with a patience); a send is retried with the same signed bytes, so it can never be
mined twice. After that the run stops with :class:`BulkSubmitError`, saying what the journal holds
and that a rerun of the same command resumes.
"""

from __future__ import annotations

import re
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from eth_abi import decode, encode
from eth_utils import keccak, to_checksum_address
from hexbytes import HexBytes

from ..abi import abi as suite_abi
from ..chain import abi as chain_abi
from ..chain.rpc import NodeError, NodeUnavailable, Rpc
from ..contracts.tx import Signer, raw_transaction
from .adjudication import POLICY_YEAR
from .inputs import ClaimRow
from .journal import Entry, Journal
from .status import ClaimStatus


def settlement_abi(kind: str, name: str) -> dict[str, Any]:
    """The ABI entry of ClaimSettlement's function or event ``name`` (from :mod:`medchain.abi`)."""
    for item in suite_abi("ClaimSettlement"):
        if item.get("type") == kind and item.get("name") == name:
            return item
    raise LookupError(f"ClaimSettlement's ABI has no {kind} {name}")


def _data_words(event: dict[str, Any]) -> dict[str, int]:
    """Where each non-indexed field of a static event sits in its data: name -> 32-byte word index."""
    fields = [p for p in event["inputs"] if not p["indexed"]]
    if any(not re.fullmatch(r"(u?int\d*|bool|address|bytes\d+)", p["type"]) for p in fields):
        raise TypeError(f"{event['name']} has a dynamic field: read it with eth_abi")
    return {p["name"]: i for i, p in enumerate(fields)}


_SUBMIT_ABI = settlement_abi("function", "submitClaims")
_CLAIM_OF_ABI = settlement_abi("function", "claimOf")
_ADJUDICATED_ABI = settlement_abi("event", "ClaimAdjudicated")
_REJECTED_ABI = settlement_abi("event", "ClaimRejected")
_CLAIM_FIELDS = _SUBMIT_ABI["inputs"][0]["components"]

#: ``ClaimInput`` as a tuple type, and the selectors and topics used, all from ClaimSettlement's ABI.
CLAIM_INPUT = chain_abi.input_types("ClaimSettlement", "submitClaims")[0].removesuffix("[]")
SUBMIT_CLAIMS = chain_abi.selector("ClaimSettlement", "submitClaims")
CLAIM_STATUSES = chain_abi.selector("ClaimSettlement", "claimStatuses")
CLAIM_OF = chain_abi.selector("ClaimSettlement", "claimOf")
TOPIC_ADJUDICATED = bytes.fromhex(chain_abi.topic("ClaimSettlement", "ClaimAdjudicated")[2:])
TOPIC_REJECTED = bytes.fromhex(chain_abi.topic("ClaimSettlement", "ClaimRejected")[2:])
TOPIC_SUBMITTED = bytes.fromhex(chain_abi.topic("ClaimSettlement", "ClaimSubmitted")[2:])
_STATUSES_OUT = chain_abi.output_types("ClaimSettlement", "claimStatuses")
_CLAIM_OF_OUT = chain_abi.output_types("ClaimSettlement", "claimOf")
_CLAIM_OF_FIELDS = [c["name"] for c in _CLAIM_OF_ABI["outputs"][0]["components"]]
_ADJUDICATED_WORDS = _data_words(_ADJUDICATED_ABI)
_REJECTED_WORDS = _data_words(_REJECTED_ABI)

#: Gas of ``submitClaims``, measured on anvil (``medchain_dev.bench.claims.measure_claim_gas``, printed by
#: ``python -m medchain_dev.bench speed``: receipts' gasUsed, batches of 20, proofs of 0 to 16 levels). Measured: a
#: steady claim (its policy year open, deductible met) 69,372 gas with no proof and 855 more a proof
#: level (82,730 at 16 levels); the claim that opens its policy year 39,600 more (its accumulator slot
#: and deductible: 108,970 to 122,315); a provider's first claim ever 47,393 more (its index); the
#: transaction and the call around the claims about 40,000. A batch's gas limit (:func:`plan_batches`)
#: is GAS_MARGIN times these figures, rounded up: 20 % for paths the measurement does not take (an
#: emergency access instead of a consent, a claim that meets the annual limit). Ethereum clients charge
#: only what is used (Cosmos EVM charges at least half the limit by default, which the margin keeps
#: below use); a steady batch with 10-level proofs then holds about 176 claims under TX_GAS_CAP.
GAS_PER_CLAIM = 70_000
GAS_PER_PROOF_LEVEL = 900
GAS_PER_YEAR_OPENED = 40_000
GAS_PER_NEW_PROVIDER = 48_000
GAS_PER_BATCH = 45_000
GAS_MARGIN = 1.2
#: The most gas one transaction may use (the Osaka per-transaction cap, EIP-7825).
TX_GAS_CAP = 16_777_216
#: The most calldata a batch carries: geth's and Besu's pools refuse a transaction over 128 KiB.
MAX_CALLDATA = 120 * 1024
#: Claims per batch unless told otherwise: as many as the gas and calldata bounds let in.
DEFAULT_BATCH_SIZE = 250
#: Raw transactions sent in one JSON-RPC request: at most this many bytes (twice as many in hex). anvil
#: refuses a request body over about 2 MB ("Invalid request"), geth over 5 MB.
MAX_REQUEST_BYTES = 384 * 1024
#: Batches signed, journaled and sent as one group (fewer when the window is smaller).
SEND_GROUP = 4
#: Transactions in flight are at most what MAX_WINDOW says, and at least MIN_WINDOW (see auto_window).
MIN_WINDOW, MAX_WINDOW = 2, 64
#: Seconds without a new block after which receipts are asked for anyway.
RECEIPT_RECHECK = 0.5
STATUS_CHUNK = 1_000  # claim ids per claimStatuses call
RECEIPT_CHUNK = 100  # receipts per JSON-RPC batch when checking mined transactions
DUPLICATE = 18  # CARC reason code of a claim refused as already on chain


class BulkSubmitError(RuntimeError):
    """The run stopped; the journal holds what was done and a rerun resumes."""


@dataclass
class Progress:
    total: int  # claims to send in this run
    sent: int = 0
    settled: int = 0  # claims whose transaction was mined
    started: float = field(default_factory=time.monotonic)

    @property
    def rate(self) -> float:
        elapsed = time.monotonic() - self.started
        return self.settled / elapsed if elapsed > 0 else 0.0


@dataclass
class RunResult:
    """What a run did: counts of this run, and the final entry of every claim of the file."""

    entries: dict[str, Entry]  # claim id -> journal entry (all claims of the file)
    sent: int = 0  # claims sent in this run
    recovered: int = 0  # claims found mined or on chain without being sent again
    already_done: int = 0  # claims the journal already had as accepted or rejected
    duplicates: dict[str, str] = field(default_factory=dict)  # claim id -> the earlier claim it duplicates
    transactions: int = 0
    gas_used: int = 0
    seconds: float = 0.0
    notes: list[str] = field(default_factory=list)

    @property
    def claims_per_second(self) -> float:
        return self.sent / self.seconds if self.seconds else 0.0


def require_contract(node: Rpc, contract: str, chain_id: int, journal: Any) -> None:
    """Refuse, before anything is sent, a chain on which the ClaimSettlement contract has no code."""
    if HexBytes(node.call("eth_getCode", [contract, "latest"])):
        return
    raise BulkSubmitError(
        f"no contract at {contract} on chain {chain_id} ({node.name}): the chain was reset, or this is another "
        f"chain than the one the journal {journal} was written for; nothing was sent. Once the deployment is back, "
        "rerun the same command: the journal's transactions are checked on chain and claims that are not there are "
        "sent again"
    )


def _word(value: int) -> bytes:
    return value.to_bytes(32, "big")


def _snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def _word_writer(kind: str) -> Callable[[Any], bytes]:
    """How a ClaimRow value of a static ABI type becomes its 32-byte word."""
    if kind == "bytes32":
        return bytes
    if kind == "address":
        return lambda value: bytes.fromhex(value[2:]).rjust(32, b"\0")
    if re.fullmatch(r"uint\d*", kind):
        return _word
    raise TypeError(f"ClaimInput field of type {kind}: encode_batch has no writer for it")


def _claim_layout() -> tuple[tuple[tuple[str, Callable[[Any], bytes]], ...], str]:
    """ClaimInput's fields as ClaimRow attributes: the static ones with their word writers, in ABI order,
    and the one trailing ``bytes32[]`` (the proof). Anything else in the ABI is refused at import."""
    *static, last = _CLAIM_FIELDS
    if last["type"] != "bytes32[]" or any(f["type"].endswith("]") or f["type"] in ("bytes", "string") for f in static):
        raise TypeError("ClaimInput is no longer static fields then one bytes32[]: update encode_batch")
    fields = tuple((_snake(f["name"]), _word_writer(f["type"])) for f in static)
    missing = [name for name, _ in fields if name not in ClaimRow.__dataclass_fields__]
    if missing or _snake(last["name"]) not in ClaimRow.__dataclass_fields__:
        raise TypeError(f"ClaimRow has no field for ClaimInput's {missing or _snake(last['name'])}")
    return fields, _snake(last["name"])


_STATIC_FIELDS, _PROOF_FIELD = _claim_layout()
_PROOF_OFFSET = _word(32 * (len(_STATIC_FIELDS) + 1))  # from the tuple's start: its static words and this offset


def encode_batch(rows: Sequence[ClaimRow]) -> bytes:
    """Calldata of ``submitClaims(rows)``, the ABI encoding written out for ClaimInput's layout.

    eth_abi's generic encoder costs more than the node's execution of the batch; this produces the
    same bytes (tests compare the two) in a fraction of the time. The layout is taken from the ABI at
    import (:func:`_claim_layout`): selector, offset of the array (0x20), its length, one offset per
    claim (from the start of the offsets), then each claim: its static words in ABI order, the offset
    of its proof, the proof's length and its elements.
    """
    heads, tails, position = [], [], 32 * len(rows)
    for row in rows:
        proof = getattr(row, _PROOF_FIELD)
        tail = b"".join(
            (*(write(getattr(row, name)) for name, write in _STATIC_FIELDS), _PROOF_OFFSET, _word(len(proof)), *proof)
        )
        heads.append(_word(position))
        tails.append(tail)
        position += len(tail)
    return b"".join((SUBMIT_CLAIMS, _word(0x20), _word(len(rows)), *heads, *tails))


def claim_gas(row: ClaimRow, *, opens_year: bool = True, new_provider: bool = False) -> int:
    """The gas one claim is allowed in a batch, before the margin (see GAS_PER_CLAIM)."""
    return (
        GAS_PER_CLAIM
        + GAS_PER_PROOF_LEVEL * len(row.evidence_proof)
        + (GAS_PER_YEAR_OPENED if opens_year else 0)
        + (GAS_PER_NEW_PROVIDER if new_provider else 0)
    )


def claim_calldata(row: ClaimRow) -> int:
    """Bytes one claim adds to a batch's calldata: its offset, its words, its proof."""
    return 32 * (len(_STATIC_FIELDS) + 3 + len(row.evidence_proof))


def batch_gas(rows: Sequence[ClaimRow]) -> int:
    """The gas limit of a batch sent on its own: every claim may open its policy year and every
    distinct provider may be new; GAS_MARGIN on top. (:func:`plan_batches` bounds a run's batches
    more closely.)"""
    providers = len({row.provider for row in rows})
    return int(GAS_MARGIN * (GAS_PER_BATCH + GAS_PER_NEW_PROVIDER * providers + sum(claim_gas(r) for r in rows)))


@dataclass(frozen=True)
class Batch:
    """Claims sent in one ``submitClaims`` transaction, and its gas limit."""

    rows: list[ClaimRow]
    gas: int


class _YearsOpened:
    """Which claims of a run may open a policy year (a new accumulator slot on chain).

    The submitter does not know where a policy's years start, so it counts by buckets of POLICY_YEAR
    (the contract's) of the service date: the claims of one policy in one bucket fall in at most two policy years, so the first
    two claims of each (policy, bucket) are counted as opening one; the others cannot. A year opened by
    an earlier transaction of the run is open when a later one runs (one sender: nonce order)."""

    def __init__(self) -> None:
        self.seen: Counter[tuple[bytes, int]] = Counter()

    def opens(self, row: ClaimRow) -> bool:
        key = (row.policy_id, row.service_date // POLICY_YEAR)
        self.seen[key] += 1
        return self.seen[key] <= 2


def plan_batches(
    rows: Sequence[ClaimRow], batch_size: int, gas_cap: int, max_calldata: int = MAX_CALLDATA
) -> list[Batch]:
    """The batches a run sends, in order, with their gas limits: at most ``batch_size`` claims, ``gas_cap``
    gas and ``max_calldata`` bytes of calldata each (a claim too large for any of them goes alone).

    A batch's gas is GAS_MARGIN times GAS_PER_BATCH and each claim's :func:`claim_gas`, counting a
    year-opening only for claims that may open one (:class:`_YearsOpened`) and a new provider only
    for each provider's first claim of the run.
    """
    batches: list[Batch] = []
    batch: list[ClaimRow] = []
    gas = calldata = 0
    years, providers = _YearsOpened(), set()
    for row in rows:
        cost = claim_gas(row, opens_year=years.opens(row), new_provider=row.provider not in providers)
        providers.add(row.provider)
        size = claim_calldata(row)
        if batch and (
            len(batch) >= batch_size
            or GAS_MARGIN * (GAS_PER_BATCH + gas + cost) > gas_cap
            or 68 + calldata + size > max_calldata
        ):
            batches.append(Batch(batch, min(gas_cap, int(GAS_MARGIN * (GAS_PER_BATCH + gas)))))
            batch, gas, calldata = [], 0, 0
        batch.append(row)
        gas += cost
        calldata += size
    if batch:
        batches.append(Batch(batch, min(gas_cap, int(GAS_MARGIN * (GAS_PER_BATCH + gas)))))
    return batches


def request_chunks(raws: Sequence[bytes], limit: int = MAX_REQUEST_BYTES) -> list[list[bytes]]:
    """Signed transactions in order, in chunks of at most ``limit`` bytes, one JSON-RPC request each (a
    larger one alone)."""
    chunks: list[list[bytes]] = []
    size = limit
    for raw in raws:
        if size + len(raw) > limit:
            chunks.append([])
            size = 0
        chunks[-1].append(raw)
        size += len(raw)
    return chunks


def auto_window(block_gas: int, batches: Sequence[Batch]) -> int:
    """Transactions to keep in flight: what two blocks hold (``block_gas`` over the batches' mean gas
    limit, which is what a block's packing counts), between MIN_WINDOW and MAX_WINDOW. One block fills
    while the one before is mined; more would only wait in the pool."""
    if not batches:
        return MIN_WINDOW
    mean = sum(b.gas for b in batches) / len(batches)
    return max(MIN_WINDOW, min(MAX_WINDOW, int(2 * block_gas // mean)))


def outcomes_from_logs(logs: Sequence[dict[str, Any]], contract: str) -> dict[str, tuple]:
    """claim id -> ("accepted", status name, patient share, payable, reason) or ("rejected", reason).

    Logs as the node returns them (hex strings); the events' fields are read from their data words,
    placed as the ABI says (:func:`_data_words`).
    """
    found: dict[str, tuple] = {}
    contract = contract.lower()
    adjudicated, rejected = "0x" + TOPIC_ADJUDICATED.hex(), "0x" + TOPIC_REJECTED.hex()
    a, r = _ADJUDICATED_WORDS, _REJECTED_WORDS

    def word(data: str, index: int) -> int:
        return int(data[2 + 64 * index : 66 + 64 * index], 16)

    for log in logs:
        topics = log["topics"]
        if log["address"].lower() != contract or len(topics) < 2:
            continue
        data = log["data"]
        if topics[0] == adjudicated:
            found[topics[1]] = (
                "accepted",
                str(ClaimStatus(word(data, a["outcome"]))),
                word(data, a["patientShare"]),
                word(data, a["payable_"]),
                word(data, a["reasonCode"]),
            )
        elif topics[0] == rejected:
            # a claim rejected as a duplicate in the same batch keeps its accepted entry
            found.setdefault(topics[1], ("rejected", word(data, r["reasonCode"])))
    return found


class BulkSubmitter:
    """Submits claims for one sender to one ClaimSettlement contract, journaling every step."""

    def __init__(
        self,
        rpc: Rpc,
        contract: str,
        signer: Signer,
        journal: Journal,
        *,
        batch_size: int = DEFAULT_BATCH_SIZE,
        window: int | None = None,
        stall_timeout: float = 30.0,
        poll_interval: float = 0.01,
        progress: Callable[[Progress], None] | None = None,
        log: Callable[[str], None] = lambda _m: None,
        owner_of: Callable[[list[str]], dict[str, tuple[str, str, int]]] | None = None,
        source: str | None = None,
    ):
        """``window``: transactions in flight (None: :func:`auto_window` of the node's block gas limit);
        ``poll_interval``: seconds between two looks at the node's head while waiting for a block; ``rpc``'s
        patience is how long a node that does not answer is retried."""
        self.contract = to_checksum_address(contract)
        self.signer = signer
        self.journal = journal
        self.batch_size = batch_size
        self.window = window
        self.stall_timeout = stall_timeout
        self.poll_interval = poll_interval
        self.progress = progress
        self.log = log
        self.owner_of = owner_of  # the insurer's ledger: which file first submitted a claim id
        self.source = source
        self.node = rpc
        try:
            self.chain_id = int(self._rpc("eth_chainId", []), 16)
        except NodeError as err:
            raise BulkSubmitError(f"{err}; nothing was sent") from None

    # -- JSON-RPC ----------------------------------------------------------------------------------

    def _rpc(self, method: str, params: list[Any]) -> Any:
        return self.node.call(method, params)

    def _rpc_batch(self, calls: list[tuple[str, list[Any]]], sends: bool = False) -> list[Any]:
        return self.node.batch(calls, sends=sends)

    def _call(self, data: bytes) -> bytes:
        return HexBytes(self._rpc("eth_call", [{"to": self.contract, "data": HexBytes(data).to_0x_hex()}, "latest"]))

    # -- chain lookups -----------------------------------------------------------------------------

    def statuses(self, claim_ids: Sequence[bytes]) -> list[str]:
        """The on-chain status of each claim id (``None`` when not on chain)."""
        out: list[str] = []
        for start in range(0, len(claim_ids), STATUS_CHUNK):
            chunk = list(claim_ids[start : start + STATUS_CHUNK])
            (codes,) = decode(_STATUSES_OUT, self._call(CLAIM_STATUSES + encode(["bytes32[]"], [chunk])))
            out.extend(str(ClaimStatus(c)) for c in codes)
        return out

    def claim_on_chain(self, claim_id: bytes) -> tuple[str, int, int]:
        """(status, reason code, payable) of a claim on chain."""
        (values,) = decode(_CLAIM_OF_OUT, self._call(CLAIM_OF + encode(["bytes32"], [claim_id])))
        view = dict(zip(_CLAIM_OF_FIELDS, values))
        return str(ClaimStatus(view["status"])), view["reasonCode"], view["payable_"]

    # -- the run -----------------------------------------------------------------------------------

    def run(self, rows: Sequence[ClaimRow], *, retry_rejected: bool = False) -> RunResult:
        """Submit what is not on chain yet; a node that stays away stops the run with :class:`BulkSubmitError`."""
        try:
            return self._run(rows, retry_rejected)
        except NodeError as err:
            raise BulkSubmitError(self._stopped(err)) from None

    def _stopped(self, err: NodeError) -> str:
        """What happened, what the journal holds, and what to do."""
        inflight = self.journal.sent_transactions()
        claims = sum(len(self.journal.claims_of(tx)) for tx, _nonce in inflight)
        held = (
            f"{claims} claim(s) in {len(inflight)} transaction(s) are journaled as sent in {self.journal.path}; "
            "the next run checks them on chain and sends again only those that never got there"
            if inflight
            else f"no transaction is in flight; the journal {self.journal.path} holds every claim done"
        )
        todo = (
            "start the node again (or wait for it) and rerun the same command to resume"
            if isinstance(err, NodeUnavailable)
            else "rerun the same command once this is fixed"
        )
        return f"{err}. The run stopped: {held}. To finish: {todo}."

    def _run(self, rows: Sequence[ClaimRow], retry_rejected: bool) -> RunResult:
        started = time.monotonic()
        by_id = {row.claim_id.hex(): row for row in rows}
        ids = ["0x" + key for key in by_id]
        rows_by_hex = {"0x" + key: row for key, row in by_id.items()}
        result = RunResult(entries={})
        self._check_contract()
        if retry_rejected:
            forgotten = self.journal.forget_rejected(ids)
            if forgotten:
                result.notes.append(f"{forgotten} rejected claim(s) will be submitted again (--retry-rejected)")
        done_before = {cid for cid, e in self.journal.entries(ids).items() if e.done}
        self._settle_inflight(result)
        self._check_mined(ids, result)
        if self.journal.sent_transactions():  # still held by the node: wait for them, never send twice
            self._drain_known(result)
        entries = self.journal.entries(ids)
        # Done before this run and still done after the checks above (a node that lost blocks makes the
        # journal forget claims: those are counted where they end up, sent or recovered, not here).
        result.already_done = sum(1 for cid in done_before if cid in entries and entries[cid].done)
        todo = [cid for cid in ids if cid not in entries or not entries[cid].done]
        # Claims the journal does not know but the chain does (a lost journal, another file, another submitter).
        on_chain = self.statuses([bytes.fromhex(cid[2:]) for cid in todo]) if todo else []
        present = [cid for cid, status in zip(todo, on_chain) if status != "None"]
        owners = self.owner_of(present) if self.owner_of and present else {}
        found, duplicates = [], []
        for cid in present:
            status, reason, payable = self.claim_on_chain(bytes.fromhex(cid[2:]))
            owner = owners.get(cid)
            if owner is not None and owner[0] != self.source:
                # Another file's claim (the insurer's ledger says so): a duplicate, not this file's.
                first = f"{owner[1]} ({owner[0]}, row {owner[2]})"
                duplicates.append(
                    Entry(cid, rows_by_hex[cid].ref, "rejected", None, "Duplicate", DUPLICATE, None, None)
                )
                result.duplicates[cid] = first
            else:
                found.append(Entry(cid, rows_by_hex[cid].ref, "accepted", None, status, reason, payable, None))
        if found or duplicates:
            self.journal.record_results(found + duplicates)
        if found:
            result.recovered += len(found)
            result.notes.append(f"{len(found)} claim(s) were already on chain: recorded, not sent again")
        if duplicates:
            result.notes.append(
                f"{len(duplicates)} claim(s) duplicate claims of an earlier submission: not sent, "
                "reported as duplicates (reason 18)"
            )
        found_ids = {e.claim_id for e in found + duplicates}
        send = [rows_by_hex[cid] for cid in todo if cid not in found_ids]
        if found and send and not retry_rejected:
            # A lost journal: claims the chain refused before left no state, only ClaimRejected logs.
            rejected = self._rejected_on_chain(send, rows_by_hex)
            if rejected:
                self.journal.record_results(rejected)
                result.recovered += len(rejected)
                result.notes.append(
                    f"{len(rejected)} claim(s) the chain had rejected before: recorded as rejected, "
                    "not sent again (--retry-rejected sends them)"
                )
                gone = {e.claim_id for e in rejected}
                send = [row for row in send if "0x" + row.claim_id.hex() not in gone]
        if send:
            self._send_all(send, result)
        result.entries = self.journal.entries(ids)
        result.seconds = time.monotonic() - started
        return result

    def _rejected_on_chain(self, rows: list[ClaimRow], rows_by_hex: dict[str, ClaimRow]) -> list[Entry]:
        """The latest ClaimRejected log of each claim (read by claim id topic); empty if the node refuses."""
        ids = ["0x" + row.claim_id.hex() for row in rows]
        latest: dict[str, tuple] = {}
        for start in range(0, len(ids), 200):
            chunk = ids[start : start + 200]
            try:
                logs = self._rpc(
                    "eth_getLogs",
                    [
                        {
                            "address": self.contract,
                            "fromBlock": "0x0",
                            "toBlock": "latest",
                            "topics": ["0x" + TOPIC_REJECTED.hex(), chunk],
                        }
                    ],
                )
            except NodeError:
                return []
            for log in logs:
                key = (int(log["blockNumber"], 16), int(log["logIndex"], 16))
                cid = log["topics"][1]
                if cid not in latest or latest[cid][0] < key:
                    latest[cid] = (key, int(log["data"][2:66], 16), log["transactionHash"])
        return [
            Entry(cid, rows_by_hex[cid].ref, "rejected", tx, "Rejected", reason, None, None)
            for cid, (_key, reason, tx) in latest.items()
            if cid in rows_by_hex
        ]

    def _settle_inflight(self, result: RunResult) -> None:
        """Transactions the journal calls ``sent``: read the mined ones, forget the dropped ones."""
        inflight = self.journal.sent_transactions()
        if not inflight:
            return
        receipts = self._rpc_batch([("eth_getTransactionReceipt", [tx]) for tx, _nonce in inflight])
        unknown = []
        for (tx, _nonce), receipt in zip(inflight, receipts):
            if receipt is not None:
                result.recovered += self._apply_receipt(tx, receipt)
            else:
                unknown.append(tx)
        known = self._rpc_batch([("eth_getTransactionByHash", [tx]) for tx in unknown])
        for tx, transaction in zip(unknown, known):
            if transaction is None:
                self.journal.record_failed(tx, "dropped")
                result.notes.append(
                    f"transaction {tx} never reached the chain (node restarted?): its claims are sent again"
                )

    def _check_contract(self) -> None:
        require_contract(self.node, self.contract, self.chain_id, self.journal.path)

    def _check_mined(self, ids: list[str], result: RunResult) -> None:
        """Transactions the journal calls ``mined`` must still be on chain, and claims it found on chain
        must still be there: a node that lost its latest blocks (a crash between two state dumps) or a
        reset chain would otherwise leave claims the journal calls done and the chain never saw."""
        mined = self.journal.mined_transactions()
        vanished = []
        for start in range(0, len(mined), RECEIPT_CHUNK):
            chunk = mined[start : start + RECEIPT_CHUNK]
            receipts = self._rpc_batch([("eth_getTransactionReceipt", [tx]) for tx in chunk])
            vanished += [tx for tx, receipt in zip(chunk, receipts) if receipt is None]
        claims = sum(self.journal.forget_transaction(tx) for tx in vanished)
        recovered = [
            e.claim_id for e in self.journal.entries(ids).values() if e.state == "accepted" and e.tx_hash is None
        ]
        statuses = self.statuses([bytes.fromhex(cid[2:]) for cid in recovered]) if recovered else []
        gone = [cid for cid, status in zip(recovered, statuses) if status == "None"]
        self.journal.forget_claims(gone)
        if vanished or gone:
            result.notes.append(
                f"{len(vanished)} transaction(s) ({claims} claim(s)) the journal recorded as mined, and {len(gone)} "
                "claim(s) it had found on chain, are no longer on chain (the node lost its latest blocks, or the "
                "chain was reset): those claims were looked up again and sent if missing"
            )

    def _drain_known(self, result: RunResult) -> None:
        """Wait for transactions of an earlier run that the node still holds."""
        inflight = {tx: len(self.journal.claims_of(tx)) for tx, _nonce in self.journal.sent_transactions()}
        self._wait(inflight, result, lambda n: setattr(result, "recovered", result.recovered + n))

    def _send_all(self, rows: list[ClaimRow], result: RunResult) -> None:
        nonce = int(self._rpc("eth_getTransactionCount", [self.signer.address, "pending"]), 16)
        fees = {"type": 2, **self.node.fees()}
        block_gas = int(self._rpc("eth_getBlockByNumber", ["latest", False])["gasLimit"], 16)
        gas_cap = min(TX_GAS_CAP, block_gas)
        progress = Progress(total=len(rows))
        inflight: dict[str, int] = {}  # tx hash -> claims
        batches = plan_batches(rows, self.batch_size, gas_cap)
        window = self.window or auto_window(block_gas, batches)
        # Signed batches journaled and sent together: few, so that the node executes the first ones
        # while the next are signed.
        per_request = max(1, min(window // 2, SEND_GROUP))
        head = int(self._rpc("eth_blockNumber", []), 16)
        for start in range(0, len(batches), per_request):
            group, journaled, raws = batches[start : start + per_request], [], []
            for batch in group:
                tx = {
                    "chainId": self.chain_id,
                    "nonce": nonce,
                    "to": self.contract,
                    "value": 0,
                    "data": encode_batch(batch.rows),
                    "gas": batch.gas,
                    **fees,
                }
                raw = raw_transaction(self.signer.sign_transaction(tx))
                tx_hash = "0x" + keccak(raw).hex()
                journaled.append((tx_hash, nonce, [("0x" + r.claim_id.hex(), r.ref) for r in batch.rows]))
                raws.append(raw)
                inflight[tx_hash] = len(batch.rows)
                nonce += 1
            self.journal.record_sent_many(journaled)  # written down before anything is sent
            # A failed or unanswered send is retried with the same bytes: never a second transaction.
            for chunk in request_chunks(raws, MAX_REQUEST_BYTES):
                self._rpc_batch([("eth_sendRawTransaction", ["0x" + raw.hex()]) for raw in chunk], sends=True)
            result.transactions += len(group)
            progress.sent += sum(len(b.rows) for b in group)
            if len(inflight) >= window:
                head = self._wait(
                    inflight, result, self._progress_hook(progress), until=window - per_request, head=head
                )
        self._wait(inflight, result, self._progress_hook(progress), head=head)
        result.sent += len(rows)

    def _progress_hook(self, progress: Progress) -> Callable[[int], None]:
        def hook(mined_claims: int) -> None:
            progress.settled += mined_claims
            if self.progress:
                self.progress(progress)

        return hook

    def _wait(
        self,
        inflight: dict[str, int],
        result: RunResult,
        on_mined: Callable[[int], None],
        until: int = 0,
        head: int | None = None,
    ) -> int:
        """Wait for blocks until at most ``until`` transactions are in flight; the last head seen.

        The node's head is watched (``eth_blockNumber``, every ``poll_interval``); each new block
        brings one JSON-RPC batch of the receipts still missing. Receipts are also asked for once
        RECEIPT_RECHECK seconds pass without a new block (a node that answers a receipt late). A
        pool that does not mine for ``stall_timeout`` is nudged once on a dev node, then reported.
        """
        last_progress = last_look = time.monotonic()
        nudged = False
        reverted: list[str] = []
        look = True  # the transactions may be mined already
        while len(inflight) > until:
            if not look:
                time.sleep(self.poll_interval)
                now = int(self._rpc("eth_blockNumber", []), 16)
                look = head is None or now != head or time.monotonic() - last_look >= RECEIPT_RECHECK
                head = now
                if not look:
                    if time.monotonic() - last_progress > self.stall_timeout:
                        nudged = self._stalled(inflight, result, nudged)
                        last_progress = time.monotonic()
                        look = True
                    continue
            look, last_look = False, time.monotonic()
            hashes = list(inflight)
            receipts = self._rpc_batch([("eth_getTransactionReceipt", [tx]) for tx in hashes])
            mined = 0
            for tx, receipt in zip(hashes, receipts):
                if receipt is None:
                    continue
                count = inflight.pop(tx)
                if int(receipt["status"], 16) != 1:
                    self.journal.record_failed(tx, "reverted")
                    reverted.append(tx)
                    continue
                self._apply_receipt(tx, receipt)
                result.gas_used += int(receipt["gasUsed"], 16)
                mined += count
            if mined:
                on_mined(mined)
                last_progress = time.monotonic()
                nudged = False
            elif time.monotonic() - last_progress > self.stall_timeout:
                nudged = self._stalled(inflight, result, nudged)
                last_progress = time.monotonic()
        if reverted:
            # Let the others finish first: nothing in flight is lost.
            self._wait(inflight, result, on_mined, head=head)
            raise BulkSubmitError(
                f"{len(reverted)} batch transaction(s) reverted (e.g. {reverted[0]}); their claims were not "
                "submitted and are sent again on a rerun (try a smaller --batch-size)"
            )
        return head if head is not None else int(self._rpc("eth_blockNumber", []), 16)

    def _stalled(self, inflight: dict[str, int], result: RunResult, nudged: bool) -> bool:
        """Nothing mined for ``stall_timeout``: nudge a dev node once (True), else stop the run."""
        if not nudged and self._is_dev_node():
            # anvil's automine can leave pipelined transactions from one sender in its pool
            # (foundry-rs/foundry#10122): mine them explicitly, once.
            self._rpc("evm_mine", [])
            result.notes.append("the dev node's pool stalled; mined it with evm_mine")
            return True
        known = self._rpc_batch([("eth_getTransactionByHash", [tx]) for tx in list(inflight)])
        lost = sum(1 for transaction in known if transaction is None)
        why = (
            f"the node does not know {lost} of them (it restarted, or dropped them): the next run sends "
            "their claims again"
            if lost
            else "they wait in the node's pool (a stuck pool, or a chain that does not mine)"
        )
        raise BulkSubmitError(
            f"{len(inflight)} transaction(s) not mined for {self.stall_timeout:.0f} s; {why}. "
            f"The journal {self.journal.path} holds them: rerun the same command to resume"
        )

    def _is_dev_node(self) -> bool:
        try:
            version = self._rpc("web3_clientVersion", [])
        except NodeError:
            return False
        return str(version).lower().startswith(("anvil", "hardhat", "ganache"))

    def _apply_receipt(self, tx: str, receipt: dict[str, Any]) -> int:
        """Record the outcome of every claim of a mined batch; how many claims it settled."""
        refs = self.journal.claims_of(tx)
        if int(receipt["status"], 16) != 1:
            self.journal.record_failed(tx, "reverted")
            return 0
        outcomes = outcomes_from_logs(receipt["logs"], self.contract)
        results = []
        for cid in refs:
            found = outcomes.get(cid)
            if found is None:
                raise BulkSubmitError(f"transaction {tx} was mined without an outcome for claim {cid}")
            if found[0] == "accepted":
                _, status, share, payable, reason = found
                results.append(Entry(cid, refs[cid], "accepted", tx, status, reason, payable, share))
            elif found[1] == DUPLICATE and self.statuses([bytes.fromhex(cid[2:])])[0] != "None":
                # Already on chain (another submitter, or an earlier transaction of ours the node had
                # seemed to lose): the journal records the claim as the chain holds it.
                status, reason, payable = self.claim_on_chain(bytes.fromhex(cid[2:]))
                results.append(Entry(cid, refs[cid], "accepted", None, status, reason, payable, None))
            else:
                results.append(Entry(cid, refs[cid], "rejected", tx, "Rejected", found[1], None, None))
        self.journal.record_mined(tx, int(receipt["gasUsed"], 16), int(receipt["blockNumber"], 16), results)
        return len(refs)


def summarize(rows: Sequence[ClaimRow], entries: dict[str, Entry]) -> dict[str, Any]:
    """Counts by outcome, totals (billed, payable, patient share), reason codes, and every claim the
    chain refused or that duplicates an earlier submission, by row and claim_ref, for the file's claims.
    Totals count only accepted claims of this file (never a duplicate of another file's claim)."""
    from .client import reason_text

    outcomes: Counter[str] = Counter()
    reasons: Counter[int] = Counter()
    refused: list[dict[str, Any]] = []
    billed = payable = share = 0
    for row in rows:
        entry = entries.get("0x" + row.claim_id.hex())
        outcome = (entry.outcome or "not submitted") if entry and entry.done else "not submitted"
        outcomes[outcome] += 1
        if entry and entry.reason:
            reasons[entry.reason] += 1
        if entry and entry.state == "accepted":
            billed += row.amount
            payable += entry.payable or 0
            share += entry.patient_share or 0
        elif entry and entry.state == "rejected":
            refused.append(
                {
                    "row": row.row,
                    "claim_ref": row.ref,
                    "claim_id": entry.claim_id,
                    "outcome": outcome,
                    "reason": entry.reason,
                    "reason_text": reason_text(entry.reason or 0),
                }
            )
    return {
        "outcomes": dict(outcomes),
        "reasons": dict(sorted(reasons.items())),
        "billed_accepted": billed,
        "payable": payable,
        "patient_share": share,
        "refused": refused,
    }
