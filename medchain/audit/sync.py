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
4. **Paging.** ``eth_getLogs`` over all the contracts' addresses, a block range at a time. The range
   adapts: it doubles while pages are small, shrinks toward ``target_logs`` logs per page when they
   are large, and halves (or takes the node's suggestion) when the node refuses a range as over its
   limit. An answer over ``max_page_bytes`` of JSON is dropped unread and its blocks asked again in a
   smaller range, so a page's memory does not depend on the history's length. Each page is fetched
   and decoded on a second thread while the page before is written (SQLite works without the GIL),
   then written with the checkpoint; commits come at most ``commit_every`` seconds apart (pages and
   checkpoint together), so memory holds two pages and an interrupted sync resumes from its last
   commit.
"""

from __future__ import annotations

import time
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Sequence

from .abi import compact_json
from .rpc import Log, ResponseTooLarge, Rpc, RpcError
from .store import Store, StoreError
from .suite import Suite

ID_STRIDE = 1_000_000  # event id = block * ID_STRIDE + log index


class SyncError(RuntimeError):
    pass


@dataclass
class _Page:
    """One page of logs, decoded: the rows of ``events``, ``refs`` and ``blocks``, and how many events
    are in the unconfirmed tail."""

    events: list[tuple] = field(default_factory=list)
    refs: list[tuple[int, str]] = field(default_factory=list)
    blocks: dict[int, str] = field(default_factory=dict)
    tail: int = 0


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
            lines.append(f"REORG: block {self.reorg.checkpoint} was replaced; kept blocks up to {self.reorg.fork_block}, "
                         f"dropped {self.reorg.dropped} events and read them again")
        if self.new_contracts:
            lines.append("new in the manifest, read from their deployment: " + ", ".join(self.new_contracts))
        if self.from_block is None:
            lines.append(f"up to date at block {self.to_block} (head {self.head}): {self.total} events indexed")
        else:
            lines.append(f"read blocks {self.from_block}..{self.to_block} in {self.pages} pages: {self.new_events} new "
                         f"events ({self.unconfirmed} unconfirmed), {self.total} indexed, {self.seconds:.2f} s")
        return "\n".join(lines)


class Indexer:
    """Reads a deployment's events into a :class:`Store`."""

    def __init__(self, store: Store, rpc: Rpc, suite: Suite, *, confirmations: int = 0, page: int = 64,
                 max_range: int = 10_000, target_logs: int = 5_000, max_page_bytes: int = 8 << 20,
                 progress: Callable[[str], None] = lambda _m: None):
        if confirmations < 0:
            raise ValueError(f"confirmations must be 0 or more, got {confirmations}")
        if page < 1 or max_range < 1:
            raise ValueError("page and max_range must be at least 1 block")
        self.store, self.rpc, self.suite = store, rpc, suite
        self.confirmations, self.range, self.max_range, self.target_logs = confirmations, min(page, max_range), max_range, target_logs
        self.max_page_bytes = max_page_bytes
        self.progress = progress
        self._decoders: dict[tuple[str, str | None], Any] = {}  # (address, topic 0) as the node sent them
        self.commit_every = 1.0  # seconds of work a crash may cost: a commit per page is ~10 ms of SQLite's time

    # -- identity -----------------------------------------------------------------------------
    def _bind(self) -> list[str]:
        store, suite = self.store, self.suite
        node_chain = self.rpc.chain_id()
        if node_chain != suite.chain_id:
            raise SyncError(f"{suite.path} is for chain id {suite.chain_id}, but the node at {self.rpc.url} has chain id "
                            f"{node_chain}: check --rpc / --network")
        known = store.get_meta("chain_id")
        if known is not None and int(known) != suite.chain_id:
            raise StoreError(f"{store.url} indexes chain id {known}, not {suite.chain_id}: use another --db")
        existing = store.contracts()
        added = []
        for name, rec in suite.manifest.contracts.items():
            if name in existing:
                if existing[name][0] != rec.address.lower():
                    raise StoreError(f"{store.url} indexes {name} at {existing[name][0]}, but {suite.path} has it at "
                                     f"{rec.address}: another deployment; use another --db")
                continue
            store.conn.execute("INSERT INTO contracts (name, address, deploy_block, synced_to) VALUES (?, ?, ?, ?)",
                               (name, rec.address.lower(), rec.block, rec.block - 1))
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
            rows = conn.execute("SELECT number, hash FROM blocks WHERE number < ? ORDER BY number DESC LIMIT 100",
                                (cursor,)).fetchall()
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
            self.progress(f"reorg: block {reorg.checkpoint} is no longer canonical; re-reading from block "
                          f"{reorg.fork_block + 1} ({reorg.dropped} events dropped)")
        self._drop_tail()

        contracts = self.store.contracts()
        read_to = {name: synced for name, (_, _, synced) in contracts.items()}
        addresses = {name: address for name, (address, _, _) in contracts.items()}
        first = min(read_to.values()) + 1
        stats = {"new": 0, "unconfirmed": 0, "pages": 0}
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
                    self.store.conn.execute("INSERT OR REPLACE INTO blocks (number, hash) VALUES (?, ?)", (checkpoint, h))
        if target > safe and stats["unconfirmed"]:
            self.store.set_meta("tail_from", max(safe + 1, 0))
        self.store.set_meta("synced_at", int(time.time()))
        self.store.set_meta("head", head)
        self.store.conn.commit()
        return SyncResult(
            chain_id=self.suite.chain_id, head=head, from_block=first if first <= target else None, to_block=target,
            confirmed_to=min(min(read_to.values()), safe), new_events=stats["new"], unconfirmed=stats["unconfirmed"],
            total=self.store.count(), pages=stats["pages"], seconds=time.perf_counter() - started, reorg=reorg,
            new_contracts=added,
        )

    def _read(self, start: int, upper: int, addresses: Sequence[str], names: Sequence[str], safe: int,
              stats: dict[str, int], target: int) -> None:
        """Pages ``start..upper``; the next page is fetched while this one is decoded and written."""
        conn = self.store.conn
        t0 = last_commit = time.perf_counter()
        placeholders = ",".join("?" * len(names))
        def page(a: int, b: int) -> _Page:
            return self._decode_page(self.rpc.get_logs(addresses, a, b, self.max_page_bytes), safe)

        with ThreadPoolExecutor(max_workers=1) as pool:
            end = min(start + self.range - 1, upper)
            fetch = lambda a, b: pool.submit(page, a, b)  # noqa: E731
            pending: Future | None = fetch(start, end)
            while pending is not None:
                try:
                    rows = pending.result()
                except ResponseTooLarge as err:
                    # The range grew into denser blocks: ask for a share that should fill about a third
                    # of the limit, so a page's memory never depends on how long the history is.
                    if end == start:
                        raise SyncError(f"the logs of block {start} alone are over the page limit of "
                                        f"{self.max_page_bytes:,} bytes (max_page_bytes)") from err
                    blocks = end - start + 1
                    self.range = max(1, blocks * self.max_page_bytes // (3 * err.size) if err.size else blocks // 4)
                    self.range = min(self.range, blocks - 1)
                    end = min(start + self.range - 1, upper)
                    pending = fetch(start, end)
                    continue
                except RpcError as err:
                    if not err.is_range_limit:
                        raise
                    if end == start:
                        raise SyncError(f"the node refuses even a one-block eth_getLogs at block {start}: {err}") from err
                    suggested = err.suggested_range
                    if suggested and suggested[0] == start and start <= suggested[1] < end:
                        self.range = suggested[1] - start + 1
                    else:
                        self.range = max(1, (end - start + 1) // 2)
                    self.progress(f"the node limits eth_getLogs ({err}); reading {self.range} blocks at a time")
                    end = min(start + self.range - 1, upper)
                    pending = fetch(start, end)
                    continue
                n = len(rows.events)
                if n < self.target_logs // 2:
                    self.range = min(self.range * 2, self.max_range)
                elif n > self.target_logs:
                    self.range = max(1, self.range * self.target_logs // n)
                page_end = end
                start = end + 1
                if start <= upper:  # ask for the next page now; the node works on it while we write this one
                    end = min(start + self.range - 1, upper)
                    pending = fetch(start, end)
                else:
                    pending = None
                n_new, n_tail = self._write_page(rows)
                del rows
                conn.execute(f"UPDATE contracts SET synced_to = MAX(synced_to, ?) WHERE name IN ({placeholders})",
                             (min(page_end, safe), *names))
                if pending is None or time.perf_counter() - last_commit >= self.commit_every:
                    conn.commit()  # the pages and the checkpoint that says they are in, together
                    last_commit = time.perf_counter()
                stats["new"] += n_new
                stats["unconfirmed"] += n_tail
                stats["pages"] += 1
                elapsed = time.perf_counter() - t0
                self.progress(f"block {page_end}/{target}: {stats['new']} events read "
                              f"({stats['new'] / max(elapsed, 1e-9):,.0f}/s)")

    def _decode_page(self, logs: list[Log], safe: int) -> _Page:
        """A page of logs as the rows it adds to the index. Runs on the fetching thread, so that decoding
        one page overlaps the writing of the one before (SQLite releases the GIL while it works)."""
        page = _Page()
        if not logs:
            return page
        catalog = self.suite.catalog
        times = self._block_times(logs)
        events, refs, blocks = page.events, page.refs, page.blocks
        tail = 0
        decoders = self._decoders
        for log in logs:
            block = int(log.blockNumber, 16)
            index = int(log.logIndex, 16)
            topics = log.topics
            key = (log.address, topics[0] if topics else None)  # as the node spells them: no lower() per log
            try:
                decoder = decoders[key]
            except KeyError:
                decoder = decoders[key] = catalog.event(log.address, topics[0]) if topics else None
            event_id = block * ID_STRIDE + index
            if decoder is None:
                address = log.address.lower()
                contract, name, args = catalog.names.get(address, address), f"unknown:{topics[0] if topics else 'anonymous'}", "{}"
            else:
                contract = decoder.contract
                try:
                    args, ids = decoder.row(topics, log.data)
                except ValueError as err:
                    name, args = f"undecodable:{decoder.name}", compact_json({"error": str(err)})
                else:
                    name = decoder.name
                    refs.extend([(event_id, value) for value in ids])
            confirmed = 1 if block <= safe else 0
            tail += 1 - confirmed
            events.append((event_id, block, index, int(log.transactionIndex, 16), log.transactionHash,
                           times[block], contract, name, args, confirmed))
            blocks[block] = log.blockHash
        page.tail = tail
        return page

    def _write_page(self, page: _Page) -> tuple[int, int]:
        """Write a decoded page (not committed); (events, of which in the unconfirmed tail)."""
        if not page.events:
            return 0, 0
        conn = self.store.conn
        conn.executemany("INSERT OR REPLACE INTO events (id, block, log_index, tx_index, tx_hash, time, "
                         "contract, event, args, confirmed) VALUES (?,?,?,?,?,?,?,?,?,?)", page.events)
        # Keyed by (event, value), so in chain order these are appends to the end of the B-tree.
        conn.executemany("INSERT OR IGNORE INTO refs (event_id, value) VALUES (?, ?)", page.refs)
        conn.executemany("INSERT OR REPLACE INTO blocks (number, hash) VALUES (?, ?)", page.blocks.items())
        return len(page.events), page.tail

    def _block_times(self, logs: list[Log]) -> dict[int, int]:
        """Block times from the logs (``blockTimestamp``, which newer nodes include) or block headers."""
        times: dict[int, int] = {}
        missing = set()
        for log in logs:
            block = int(log.blockNumber, 16)
            if block in times:
                continue
            stamp = log.blockTimestamp
            if stamp is not None:
                times[block] = int(stamp, 16)
            else:
                missing.add(block)
        missing -= times.keys()
        if missing:
            numbers = sorted(missing)
            for n, header in zip(numbers, self.rpc.batch([("eth_getBlockByNumber", [hex(n), False]) for n in numbers])):
                times[n] = int(header["timestamp"], 16)
        return times


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
            record = {"hash": h, "block": int(tx["blockNumber"], 16), "from": tx["from"].lower(), "to": to,
                      "input": data, "contract": suite.catalog.names.get(to or ""),
                      "function": decoder.name if decoder else None, "args": args}
            store.cache_tx(record)
            out[h] = record
        store.conn.commit()
    return out
