"""Incremental indexing: every event of every contract of a deployment, into the audit index.

How a sync goes:

1. **Identity.** The index belongs to one deployment: a database made for another chain id, or
   holding another address under a contract's name, is refused. Contracts new in the manifest
   (added to the suite after the last sync) are read from their deployment block.
2. **Reorgs.** The hash of the last confirmed block is compared with the node's. If it differs
   (or the block is gone), stored block hashes are walked back to the newest block still on the
   canonical chain; every event after it is dropped and read again.
3. **The unconfirmed tail.** Events less than ``confirmations`` blocks deep were stored marked
   unconfirmed; they are deleted and read again, never trusted.
4. **Paging.** ``eth_getLogs`` over all the contracts' addresses, through the paged reader of
   :mod:`medchain.chain.logs` (ranges that adapt to the node's limits and to ``target_logs`` and
   ``max_page_bytes``; the next pages fetched while this one is written). Each page is decoded
   and written with the checkpoint; commits come at most ``commit_every`` seconds apart (pages and
   checkpoint together), so memory holds a few pages whatever the history's length, and an
   interrupted sync resumes from its last commit. The first sync into a new index writes with a
   rollback journal (:meth:`Store.bulk_load`) and builds the secondary indexes after the load.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from ..chain import logs as chain_logs
from ..chain.abi import compact_json
from ..chain.rpc import Log, Rpc
from .store import Store, StoreError, insert_many
from .suite import Suite

ID_STRIDE = 1_000_000  # event id = block * ID_STRIDE + log index


class SyncError(RuntimeError):
    pass


@contextmanager
def _cycle_collector_paused() -> Iterator[None]:
    """Python's cyclic garbage collector paused (as it was before, after): reference counting still
    frees every object a page makes, none of which are in cycles. A sync allocates several small
    containers per log (its structs, tuples and lists), and each 700 set off a collection, some of
    which walk every object of the process: about 0.15 s of a 100,000-event sync in a bare process,
    more under ape, whose objects are many."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


@dataclass
class Reorg:
    checkpoint: int  # the confirmed block whose hash no longer matched
    fork_block: int  # the newest stored block still canonical (events after it were dropped)
    dropped: int  # events dropped and read again


@dataclass
class SyncResult:
    chain_id: int
    head: int
    from_block: int | None  # first block read in this run (None: nothing to read)
    to_block: int
    confirmed_to: int
    new_events: int
    unconfirmed: int  # events in the tail (stored, marked unconfirmed)
    total: int
    pages: int
    seconds: float
    reorg: Reorg | None = None
    new_contracts: list[str] = field(default_factory=list)

    def summary(self) -> str:
        lines = []
        if self.reorg:
            lines.append(
                f"REORG: block {self.reorg.checkpoint} was replaced; kept blocks up to {self.reorg.fork_block}, "
                f"dropped {self.reorg.dropped} events and read them again"
            )
        if self.new_contracts:
            lines.append("new in the manifest, read from their deployment: " + ", ".join(self.new_contracts))
        if self.from_block is None:
            lines.append(f"up to date at block {self.to_block} (head {self.head}): {self.total} events indexed")
        else:
            lines.append(
                f"read blocks {self.from_block}..{self.to_block} in {self.pages} pages: {self.new_events} new "
                f"events ({self.unconfirmed} unconfirmed), {self.total} indexed, {self.seconds:.2f} s"
            )
        return "\n".join(lines)


class Indexer:
    """Reads a deployment's events into a :class:`Store`."""

    def __init__(
        self,
        store: Store,
        rpc: Rpc,
        suite: Suite,
        *,
        confirmations: int = 0,
        page: int = 64,
        max_range: int = 10_000,
        target_logs: int = 5_000,
        max_page_bytes: int = 8 << 20,
        progress: Callable[[str], None] = lambda _m: None,
    ):
        if confirmations < 0:
            raise ValueError(f"confirmations must be 0 or more, got {confirmations}")
        self.store, self.rpc, self.suite = store, rpc, suite
        self.confirmations = confirmations
        self.reader = chain_logs.LogReader(
            rpc,
            page=page,
            max_range=max_range,
            target_logs=target_logs,
            max_page_bytes=max_page_bytes,
            progress=progress,
        )
        self.progress = progress
        # (address, topic 0) as the node sent them -> (contract, event, row decoder): see _decoder
        self._decoders: dict[tuple[str, str | None], tuple[str, str, Any]] = {}
        self.commit_every = 1.0  # seconds of work a crash may cost: a commit per page is ~10 ms of SQLite's time

    # -- identity -----------------------------------------------------------------------------
    def _bind(self) -> list[str]:
        store, suite = self.store, self.suite
        node_chain = self.rpc.chain_id()
        if node_chain != suite.chain_id:
            raise SyncError(
                f"{suite.path} is for chain id {suite.chain_id}, but the node at {self.rpc.url} has chain id "
                f"{node_chain}: check --rpc / --network"
            )
        known = store.get_meta("chain_id")
        if known is not None and int(known) != suite.chain_id:
            raise StoreError(f"{store.url} indexes chain id {known}, not {suite.chain_id}: use another --db")
        existing = store.contracts()
        added = []
        for name, rec in suite.manifest.contracts.items():
            if name in existing:
                if existing[name][0] != rec.address.lower():
                    raise StoreError(
                        f"{store.url} indexes {name} at {existing[name][0]}, but {suite.path} has it at "
                        f"{rec.address}: another deployment; use another --db"
                    )
                continue
            store.conn.execute(
                "INSERT INTO contracts (name, address, deploy_block, synced_to) VALUES (?, ?, ?, ?)",
                (name, rec.address.lower(), rec.block, rec.block - 1),
            )
            if existing:
                added.append(name)
        store.set_meta("chain_id", suite.chain_id)
        store.set_meta("manifest", suite.path)
        store.set_meta("network", suite.manifest.network)
        store.conn.commit()
        return added

    # -- reorgs -------------------------------------------------------------------------------
    def _checkpoint(self) -> int:
        return min(synced for _, _, synced in self.store.contracts().values())

    def _check_reorg(self) -> Reorg | None:
        conn = self.store.conn
        checkpoint = self._checkpoint()
        newest = conn.execute("SELECT MAX(number) FROM blocks WHERE number <= ?", (checkpoint,)).fetchone()[0]
        if newest is None:
            return None
        fork: int | None = None
        mismatch_seen = False
        cursor = newest + 1
        while fork is None:
            rows = conn.execute(
                "SELECT number, hash FROM blocks WHERE number < ? ORDER BY number DESC LIMIT 100", (cursor,)
            ).fetchall()
            if not rows:
                break
            canonical = self.rpc.block_hashes([n for n, _ in rows])
            for number, stored in rows:
                if canonical[number] == stored:
                    fork = number
                    break
                mismatch_seen = True
            cursor = rows[-1][0]
        if not mismatch_seen:
            return None
        keep = fork if fork is not None else min(d for _, d, _ in self.store.contracts().values()) - 1
        dropped = conn.execute("SELECT COUNT(*) FROM events WHERE id >= ?", ((keep + 1) * ID_STRIDE,)).fetchone()[0]
        self._drop_after(keep)
        conn.execute("UPDATE contracts SET synced_to = MIN(synced_to, ?)", (keep,))
        conn.commit()
        return Reorg(checkpoint=newest, fork_block=keep, dropped=dropped)

    def _drop_after(self, block: int) -> None:
        conn = self.store.conn
        conn.execute("DELETE FROM refs WHERE event_id >= ?", ((block + 1) * ID_STRIDE,))
        conn.execute("DELETE FROM events WHERE id >= ?", ((block + 1) * ID_STRIDE,))
        conn.execute("DELETE FROM blocks WHERE number > ?", (block,))

    def _drop_tail(self) -> int:
        """Delete the unconfirmed tail the last sync stored (every event from block ``tail_from`` on)."""
        tail_from = self.store.get_meta("tail_from")
        if tail_from is None:
            return 0
        first = int(tail_from)
        n = self.store.conn.execute("SELECT COUNT(*) FROM events WHERE id >= ?", (first * ID_STRIDE,)).fetchone()[0]
        self._drop_after(first - 1)
        self.store.conn.execute("DELETE FROM meta WHERE key = 'tail_from'")
        self.store.conn.execute("UPDATE contracts SET synced_to = MIN(synced_to, ?)", (first - 1,))
        self.store.conn.commit()
        return n

    # -- reading ------------------------------------------------------------------------------
    def sync(self, to_block: int | None = None) -> SyncResult:
        started = time.perf_counter()
        added = self._bind()
        head = self.rpc.block_number()
        target = head if to_block is None else min(to_block, head)
        safe = target - self.confirmations
        reorg = self._check_reorg()
        if reorg:
            self.progress(
                f"reorg: block {reorg.checkpoint} is no longer canonical; re-reading from block "
                f"{reorg.fork_block + 1} ({reorg.dropped} events dropped)"
            )
        self._drop_tail()

        contracts = self.store.contracts()
        read_to = {name: synced for name, (_, _, synced) in contracts.items()}
        addresses = {name: address for name, (address, _, _) in contracts.items()}
        first = min(read_to.values()) + 1
        stats = {"new": 0, "unconfirmed": 0, "pages": 0}
        # A first sync writes with a rollback journal (Store.bulk_load); no cyclic collections meanwhile.
        with self.store.bulk_load(), _cycle_collector_paused():
            while True:
                behind = {name: r for name, r in read_to.items() if r < target}
                if not behind:
                    break
                low = min(behind.values())
                group = sorted(name for name, r in behind.items() if r == low)
                upper = min([r for r in behind.values() if r > low] + [target])
                self._read(low + 1, upper, [addresses[n] for n in group], group, safe, stats, target)
                for name in group:
                    read_to[name] = upper
            self.store.ensure_indexes()
        if safe >= 0:
            # Anchor for the next reorg check: the confirmed checkpoint's own hash.
            checkpoint = min(min(read_to.values()), safe)
            if checkpoint >= 0:
                h = self.rpc.block_hashes([checkpoint])[checkpoint]
                if h:
                    self.store.conn.execute(
                        "INSERT OR REPLACE INTO blocks (number, hash) VALUES (?, ?)", (checkpoint, h)
                    )
        if target > safe and stats["unconfirmed"]:
            self.store.set_meta("tail_from", max(safe + 1, 0))
        self.store.set_meta("synced_at", int(time.time()))
        self.store.set_meta("head", head)
        self.store.conn.commit()
        return SyncResult(
            chain_id=self.suite.chain_id,
            head=head,
            from_block=first if first <= target else None,
            to_block=target,
            confirmed_to=min(min(read_to.values()), safe),
            new_events=stats["new"],
            unconfirmed=stats["unconfirmed"],
            total=self.store.count(),
            pages=stats["pages"],
            seconds=time.perf_counter() - started,
            reorg=reorg,
            new_contracts=added,
        )

    def _read(
        self,
        start: int,
        upper: int,
        addresses: Sequence[str],
        names: Sequence[str],
        safe: int,
        stats: dict[str, int],
        target: int,
    ) -> None:
        """Reads blocks ``start..upper`` into the store, a page at a time."""
        conn = self.store.conn
        t0 = last_commit = time.perf_counter()
        placeholders = ",".join("?" * len(names))
        for page in self.reader.pages(addresses, start, upper):
            n_new, n_tail = self._store_page(page.logs, safe)
            last = page.last
            del page  # memory holds one page: this one goes before the next is awaited
            conn.execute(
                f"UPDATE contracts SET synced_to = MAX(synced_to, ?) WHERE name IN ({placeholders})",
                (min(last, safe), *names),
            )
            if last >= upper or time.perf_counter() - last_commit >= self.commit_every:
                conn.commit()  # the pages and the checkpoint that says they are in, together
                last_commit = time.perf_counter()
            stats["new"] += n_new
            stats["unconfirmed"] += n_tail
            stats["pages"] += 1
            elapsed = time.perf_counter() - t0
            self.progress(
                f"block {last}/{target}: {stats['new']} events read ({stats['new'] / max(elapsed, 1e-9):,.0f}/s)"
            )

    def _decoder(self, address: str, topics: Sequence[str]) -> tuple[str, str, Any]:
        """(contract, event, ``row(topics, data)``) for the logs of ``address`` with these topics; an
        event the ABIs do not have is named ``unknown:<topic 0>`` and has no ``row``."""
        decoder = self.suite.catalog.event(address, topics[0]) if topics else None
        if decoder is None:
            low = address.lower()
            return self.suite.catalog.names.get(low, low), f"unknown:{topics[0] if topics else 'anonymous'}", None
        return decoder.contract, decoder.name, decoder.row

    def _store_page(self, logs: list[Log], safe: int) -> tuple[int, int]:
        if not logs:
            return 0, 0
        times = chain_logs.block_times(self.rpc, logs)
        events: list[tuple] = []
        refs: list[tuple[int, str]] = []
        blocks: list[tuple[int, str]] = []
        add_event, add_ref, decoders = events.append, refs.append, self._decoders
        tail = 0
        number = None  # the block of the logs before, as the node spells it: what changes once a block
        block = block_id = when = confirmed = 0
        for log in logs:
            if log.blockNumber != number:
                number = log.blockNumber
                block = int(number, 16)
                block_id, when, confirmed = block * ID_STRIDE, times[block], 1 if block <= safe else 0
                blocks.append((block, log.blockHash))
            index = int(log.logIndex, 16)
            event_id = block_id + index
            topics = log.topics
            key = (log.address, topics[0] if topics else None)  # as the node spells them: no lower() per log
            try:
                contract, name, row = decoders[key]
            except KeyError:
                decoders[key] = self._decoder(log.address, topics)
                contract, name, row = decoders[key]
            if row is None:
                args = "{}"
            else:
                try:
                    args, ids = row(topics, log.data)
                except ValueError as err:
                    name, args = f"undecodable:{name}", compact_json({"error": str(err)})
                else:
                    for value in ids:
                        add_ref((event_id, value))
            if not confirmed:
                tail += 1
            add_event(
                (
                    event_id,
                    block,
                    index,
                    int(log.transactionIndex, 16),
                    log.transactionHash,
                    when,
                    contract,
                    name,
                    args,
                    confirmed,
                )
            )
        conn = self.store.conn
        insert_many(
            conn,
            "INSERT OR REPLACE INTO events (id, block, log_index, tx_index, tx_hash, time, "
            "contract, event, args, confirmed) VALUES (?,?,?,?,?,?,?,?,?,?)",
            events,
        )
        # Keyed by (event, value), so in chain order these are appends to the end of the B-tree.
        insert_many(conn, "INSERT OR IGNORE INTO refs (event_id, value) VALUES (?, ?)", refs)
        conn.executemany("INSERT OR REPLACE INTO blocks (number, hash) VALUES (?, ?)", blocks)
        return len(events), tail


def transactions(store: Store, rpc: Rpc, suite: Suite, hashes: Iterable[str]) -> dict[str, dict[str, Any]]:
    """The transactions ``hashes`` with their calldata decoded (read once from the node, then cached)."""
    out, wanted = {}, []
    for h in dict.fromkeys(hashes):
        cached = store.cached_tx(h)
        if cached:
            out[h] = cached
        else:
            wanted.append(h)
    if wanted:
        for h, tx in zip(wanted, rpc.batch([("eth_getTransactionByHash", [h]) for h in wanted])):
            if tx is None:
                raise SyncError(f"the node does not know transaction {h}: is the index from another chain?")
            to = (tx.get("to") or "").lower() or None
            data = tx.get("input") or tx.get("data") or "0x"
            decoder = suite.catalog.function(to, data) if to else None
            args = None
            if decoder:
                try:
                    args = decoder.decode(data)
                except Exception:  # noqa: BLE001 - calldata that does not decode is kept raw
                    args = None
            record = {
                "hash": h,
                "block": int(tx["blockNumber"], 16),
                "from": tx["from"].lower(),
                "to": to,
                "input": data,
                "contract": suite.catalog.names.get(to or ""),
                "function": decoder.name if decoder else None,
                "args": args,
            }
            store.cache_tx(record)
            out[h] = record
        store.conn.commit()
    return out
