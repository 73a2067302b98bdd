"""One paged ``eth_getLogs`` reader, for every tool that reads history (the audit index, the accounting
of disclosures, EPCIS trails).

Nodes cap ``eth_getLogs``: by blocks per request, by results, by answer size, or by time. The reader
asks for a range of blocks at a time and adapts it:

* it doubles while pages are small (under half of ``target_logs``), up to ``max_range`` blocks, and
  shrinks toward ``target_logs`` logs per page when they are large;
* when the node refuses a range as over its limit it takes the range the node suggests (``try with
  this block range [0x1, 0x2a]``), or else halves it, and asks again. From then on the range grows no
  wider than the one that followed the last refusal, so a limit on blocks costs a few refusals, not
  one every other page; after :data:`PROBE_AFTER` pages at that ceiling it tries wider again (a limit
  on results binds only where blocks are dense), which costs a refusal or two if the limit still holds;
* an answer over ``max_page_bytes`` of JSON is dropped unread and its blocks asked again in a range
  that should fill about a third of the limit, so a page's memory never depends on how long the
  history is.

Blocks past the node's head are not asked for. The next page is fetched (on a second connection)
while the caller works on the current one.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass

from .rpc import Log, ResponseTooLarge, Rpc, RpcError

#: Pages read at the ceiling a refusal set before the reader tries a wider range again.
PROBE_AFTER = 16

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
        self.progress = progress

    def pages(
        self, addresses: Sequence[str], start: int, end: int | None = None, topics: Topics | None = None
    ) -> Iterator[Page]:
        """The logs of ``addresses`` (matching ``topics`` when given) in blocks ``start..end``
        (inclusive; ``end`` None or past the head: up to the head), a page at a time, in block order.

        Raises :class:`LogPageError` for a page the node gives in no smaller range, and the
        :class:`RpcError` of any refusal that is not about the range."""
        if start < 0:
            raise ValueError(f"start must be a block number (0 or more), got {start}")
        head = self.rpc.block_number()
        last = head if end is None else min(end, head)
        if start > last:
            return
        with ThreadPoolExecutor(max_workers=1) as pool:

            def fetch(a: int, b: int) -> Future:
                return pool.submit(self.rpc.get_logs, addresses, a, b, self.max_page_bytes, topics)

            stop = min(start + self.range - 1, last)
            pending: Future | None = fetch(start, stop)
            while pending is not None:
                try:
                    logs = pending.result()
                except ResponseTooLarge as err:
                    if stop == start:
                        raise LogPageError(
                            f"the logs of block {start} alone are over the page limit of "
                            f"{self.max_page_bytes:,} bytes (max_page_bytes)"
                        ) from err
                    blocks = stop - start + 1
                    shrunk = blocks * err.limit // (3 * err.size) if err.size else blocks // 4
                    self.range = max(1, min(shrunk, blocks - 1))
                    stop = min(start + self.range - 1, last)
                    pending = fetch(start, stop)
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
                    stop = min(start + self.range - 1, last)
                    pending = fetch(start, stop)
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
                page = Page(start, stop, logs)
                start = stop + 1
                if start <= last:  # ask for the next page now: the node works on it while the caller uses this one
                    stop = min(start + self.range - 1, last)
                    pending = fetch(start, stop)
                else:
                    pending = None
                yield page
                del page, logs  # while the next page is awaited, only the caller may hold this one

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
        for n, header in zip(numbers, rpc.batch([("eth_getBlockByNumber", [hex(n), False]) for n in numbers])):
            if header is None:
                raise RpcError("eth_getBlockByNumber", {"message": f"the node does not have block {n} (a reorg?)"})
            times[n] = int(header["timestamp"], 16)
    return times
