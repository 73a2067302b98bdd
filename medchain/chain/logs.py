"""One paged ``eth_getLogs`` reader, for every tool that reads history (the audit index, the accounting
of disclosures, EPCIS trails).

Nodes cap ``eth_getLogs``: by blocks per request, by results, by answer size, or by time. The reader
asks for a range of blocks at a time and adapts it:

* it doubles while pages are small (under half of ``target_logs``), up to ``max_range`` blocks, and
  shrinks toward ``target_logs`` logs per page when they are large, or when the logs at the end of
  a page are denser than its average (where quiet blocks give way to busy ones);
* a range wider than the last page's is read end first: if its last blocks are denser than
  ``target_logs`` allows, the range is narrowed before the node builds an answer for all of it;
* when the node refuses a range as over its limit it takes the range the node suggests (``try with
  this block range [0x1, 0x2a]``), or else halves it, and asks again. From then on the range grows no
  wider than the one that followed the last refusal, so a limit on blocks costs a few refusals, not
  one every other page; after :data:`PROBE_AFTER` pages at that ceiling it tries wider again (a limit
  on results binds only where blocks are dense), which costs a refusal or two if the limit still holds;
* an answer over ``max_page_bytes`` of JSON is dropped unread and its blocks asked again in a range
  that should fill about a third of the limit, so a page's memory never depends on how long the
  history is.

Blocks past the node's head are not asked for. The next pages are fetched (on a thread and a
connection of their own, :data:`READ_AHEAD` at most) while the caller works on the current one.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

from .rpc import Log, ResponseTooLarge, Rpc, RpcError

#: Pages read at the ceiling a refusal set before the reader tries a wider range again.
PROBE_AFTER = 16

#: Pages read ahead while the caller works on one (one waiting for it, one being read): with the
#: caller's, at most three pages are in memory, each from an answer of at most ``max_page_bytes``.
READ_AHEAD = 2

#: A range wider than the last page's is read end first: its last 1/PROBE_PART blocks, PROBE_BLOCKS at
#: most (see ``_probed``).
PROBE_PART, PROBE_BLOCKS = 16, 4

#: The logs at the end of a page whose density sizes the next page's range (see ``_range_at_tail``).
TAIL_LOGS = 500

#: An ``eth_getLogs`` topics filter: per position a topic, any of several, or None for any.
Topics = Sequence[str | Sequence[str] | None]


class LogPageError(RpcError):
    """A page the node gives in no smaller range: one block whose logs are over the byte limit, or a
    node that refuses even a one-block range."""

    def __init__(self, message: str):
        super().__init__("eth_getLogs", {"message": message})


@dataclass(frozen=True)
class Page:
    """The logs of blocks ``first..last`` (inclusive), in the node's order."""

    first: int
    last: int
    logs: list[Log]


def connect(rpc: Rpc | str) -> Rpc:
    """``rpc`` itself, or a connection to the JSON-RPC URL it names."""
    return Rpc(rpc) if isinstance(rpc, str) else rpc


class LogReader:
    """Pages of ``eth_getLogs`` over a block range, sized to what the node allows (see the module).

    The range it settles on (:attr:`range`) carries over from one call to the next, so a reader kept
    for several reads learns the node's limit once.
    """

    def __init__(
        self,
        rpc: Rpc | str,
        *,
        page: int = 64,
        max_range: int = 10_000,
        target_logs: int = 5_000,
        max_page_bytes: int | None = 8 << 20,
        progress: Callable[[str], None] = lambda _m: None,
    ):
        if page < 1:
            raise ValueError(f"page must be at least 1 block, got {page}")
        if max_range < 1:
            raise ValueError(f"max_range must be at least 1 block, got {max_range}")
        if target_logs < 1:
            raise ValueError(f"target_logs must be at least 1, got {target_logs}")
        if max_page_bytes is not None and max_page_bytes < 1:
            raise ValueError(f"max_page_bytes must be at least 1 (or None: no limit), got {max_page_bytes}")
        self.rpc = connect(rpc)
        self.range = min(page, max_range)  # blocks per request, adapted as pages come back
        self.max_range, self.target_logs, self.max_page_bytes = max_range, target_logs, max_page_bytes
        self.ceiling = max_range  # the widest range to ask for: lowered by the node's refusals
        self._at_ceiling = 0  # pages read at a lowered ceiling since it was set
        self._widened = False  # the next range reaches further than the last page did (see _probed)
        self.progress = progress

    def pages(
        self, addresses: Sequence[str], start: int, end: int | None = None, topics: Topics | None = None
    ) -> Iterator[Page]:
        """The logs of ``addresses`` (matching ``topics`` when given) in blocks ``start..end``
        (inclusive; ``end`` None or past the head: up to the head), a page at a time, in block order.

        The pages are read ahead on a thread of their own (its own connection), at most
        :data:`READ_AHEAD` of them beyond the one the caller holds, so the node always has a request
        to work on while the caller works on a page.

        Raises :class:`LogPageError` for a page the node gives in no smaller range, and the
        :class:`RpcError` of any refusal that is not about the range."""
        if start < 0:
            raise ValueError(f"start must be a block number (0 or more), got {start}")
        head = self.rpc.block_number()
        last = head if end is None else min(end, head)
        if start > last:
            return
        ready: queue.Queue[Page | BaseException | None] = queue.Queue(maxsize=READ_AHEAD - 1)
        stopped = threading.Event()

        def read_ahead() -> None:
            first = start
            try:
                while first <= last and not stopped.is_set():
                    page = self._page(addresses, first, last, topics)
                    ready.put(page)
                    first = page.last + 1
                    del page  # once handed over, only the caller may hold it
                ready.put(None)
            except BaseException as err:  # noqa: BLE001 - handed to the caller, raised there
                ready.put(err)

        reader = threading.Thread(target=read_ahead, name="eth_getLogs pages", daemon=True)
        reader.start()
        try:
            while True:
                item = ready.get()
                if item is None:
                    return
                if isinstance(item, BaseException):
                    raise item
                yield item
                del item  # while the next page is awaited, only the caller may hold this one
        finally:
            stopped.set()
            while reader.is_alive():  # a reader blocked on a full queue: make room until it sees the stop
                try:
                    ready.get_nowait()
                except queue.Empty:
                    pass
                reader.join(0.01)

    def _page(self, addresses: Sequence[str], start: int, last: int, topics: Topics | None) -> Page:
        """The page that starts at block ``start`` (``last`` at most), in a range the node accepts;
        adapts :attr:`range` to what came back."""
        while True:
            stop = min(start + self.range - 1, last)
            try:
                if self._widened and stop - start + 1 >= PROBE_PART * 2:
                    self._widened = False
                    probed = self._probed(addresses, start, stop, topics)
                    if probed is None:  # the range's end is dense: asked again in the range it allows
                        continue
                    logs = probed
                else:
                    logs = self.rpc.get_logs(addresses, start, stop, self.max_page_bytes, topics)
            except ResponseTooLarge as err:
                if stop == start:
                    raise LogPageError(
                        f"the logs of block {start} alone are over the page limit of "
                        f"{self.max_page_bytes:,} bytes (max_page_bytes)"
                    ) from err
                blocks = stop - start + 1
                shrunk = blocks * err.limit // (3 * err.size) if err.size else blocks // 4
                self.range = max(1, min(shrunk, blocks - 1))
                continue
            except RpcError as err:
                if not err.is_range_limit:
                    raise
                if stop == start:
                    raise LogPageError(
                        f"the node refuses even a one-block eth_getLogs at block {start}: {err}"
                    ) from err
                suggested = err.suggested_range
                if suggested and suggested[0] == start and start <= suggested[1] < stop:
                    self.range = suggested[1] - start + 1  # the node's own word for its limit
                else:
                    self.range = max(1, (stop - start + 1) // 2)
                self.ceiling, self._at_ceiling = self.range, 0
                self.progress(f"the node limits eth_getLogs ({err}); reading {self.range} blocks at a time")
                continue
            n = len(logs)
            if n < self.target_logs // 2:
                if self.ceiling < self.max_range and self.range >= self.ceiling:
                    self._at_ceiling += 1
                    if self._at_ceiling >= PROBE_AFTER:  # the refusals may have been about dense blocks
                        self.ceiling, self._at_ceiling = self.max_range, 0
                self.range = min(self.range * 2, self.ceiling)
            elif n > self.target_logs:
                self.range = max(1, self.range * self.target_logs // n)
            if n:
                self.range = min(self.range, self._range_at_tail(logs, stop))
            self._widened = self.range > stop - start + 1
            return Page(start, stop, logs)

    def _probed(self, addresses: Sequence[str], start: int, stop: int, topics: Topics | None) -> list[Log] | None:
        """The logs of ``start..stop``, a range wider than any read so far, read end first: its last
        1/:data:`PROBE_PART` of blocks, then, if they are no denser than the target allows, the rest.
        None (and :attr:`range` narrowed) if they are denser.

        A range that grows over quiet blocks can reach into busy ones (a chain's history before and
        after a bulk load): asked for at once, the node would build an answer many times over the
        byte limit before it is dropped (~0.3 s for 30 MB on anvil). The end's blocks cost a small
        request, and none of it is asked twice when the range holds."""
        blocks = stop - start + 1
        width = min(blocks // PROBE_PART, PROBE_BLOCKS)
        try:
            end = self.rpc.get_logs(addresses, stop - width + 1, stop, self.max_page_bytes, topics)
        except ResponseTooLarge as err:
            self.range = max(1, min(width * err.limit // (3 * err.size) if err.size else width // 4, width - 1))
            return None
        if len(end) * blocks > self.target_logs * width:
            self.range = max(1, self.target_logs * width // len(end))
            return None
        return self.rpc.get_logs(addresses, start, stop - width, self.max_page_bytes, topics) + end

    def _range_at_tail(self, logs: Sequence[Log], stop: int) -> int:
        """The blocks that hold about ``target_logs`` logs where the logs of this page end.

        The next page starts where this one stopped, so where logs grow denser within a page (a quiet
        stretch, then busy blocks) the density of its last blocks is the better guess: the page's
        average would ask for a range several times over the byte limit, which the node answers in
        full before the answer is dropped. The last :data:`TAIL_LOGS` logs (at most) are measured."""
        k = min(len(logs), TAIL_LOGS)
        span = stop - int(logs[-k].blockNumber, 16) + 1
        return max(1, span * self.target_logs // k) if span > 0 else self.range

    def read(
        self, addresses: Sequence[str], start: int, end: int | None = None, topics: Topics | None = None
    ) -> list[Log]:
        """Every log of :meth:`pages`, in block order."""
        return [log for page in self.pages(addresses, start, end, topics) for log in page.logs]


def block_times(rpc: Rpc, logs: Sequence[Log]) -> dict[int, int]:
    """Block number -> block time (unix seconds) of the logs' blocks: from the logs' ``blockTimestamp``
    (which newer nodes include), else from the block headers, read in one batch."""
    times: dict[int, int] = {}
    missing = set()
    last = None
    for log in logs:
        if log.blockNumber == last:  # logs come in block order: one look per block
            continue
        last = log.blockNumber
        block = int(last, 16)
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
        for n, header in zip(numbers, rpc.batch([("eth_getBlockByNumber", [hex(n), False]) for n in numbers])):
            if header is None:
                raise RpcError("eth_getBlockByNumber", {"message": f"the node does not have block {n} (a reorg?)"})
            times[n] = int(header["timestamp"], 16)
    return times
