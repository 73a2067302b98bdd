"""Privacy scan: is any given personal identifier anywhere on chain, in any encoding it could take?

Input: a PII file of plaintext identifiers (names, record numbers, SSNs, dates of birth, free
text), JSON ``{"name": ["Maria Lopez"], "ssn": ["078-05-1120"], "birth_date": ["1984-03-12"]}`` or
a text file with one ``kind: value`` (or just ``value``) per line.

Where it looks, read from the node block by block (not from the index: the scan trusts nothing it
did not read itself): every transaction sent to a contract of the deployment, and each contract's
deployment transaction (their calldata, whether the call succeeded or not: a reverted call's input
is on chain too); and every log of those contracts (topics and data).

What it looks for, for each identifier and its spelling variants (as given, lower case, upper case,
spaces as underscores or dropped, digits only for numbers):

* ``utf-8``: the bytes themselves, anywhere (which covers ABI-encoded strings and bytes, bytes32
  codes, and bytes appended to calldata) -- for 4 bytes or more; shorter ones only as a whole
  zero-padded 32-byte word, as a short string or code would be stored;
* ``hex-text``: the identifier's hex spelling written as text (``"4d61726961"``);
* ``keccak256`` and ``sha256`` of each variant: the unsalted hashes that a careless client could
  put on chain as a "pseudonym" (a guess can be checked against them);
* numbers of 6 digits or more (record numbers, SSNs) as a uint256 word, and dates (``YYYY-MM-DD``)
  as unix seconds at midnight UTC and as ``YYYYMMDD``, each as a uint256 word.

Hits name the transaction or log, the field, and the encoding; the identifier itself is masked.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable, Iterator

from eth_utils import keccak

from .rpc import Rpc
from .suite import Suite

_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")


class PiiError(ValueError):
    pass


@dataclass(frozen=True)
class Identifier:
    kind: str
    value: str

    @property
    def masked(self) -> str:
        v = self.value
        return f"{self.kind} {v[:2]}{'*' * max(len(v) - 3, 1)}{v[-1:]}" if len(v) > 3 else f"{self.kind} ***"


@dataclass(frozen=True)
class Needle:
    identifier: Identifier
    encoding: str
    pattern: str  # lower-case hex, no 0x
    word: bool = False  # must fill a whole aligned 32-byte word


@dataclass
class Hit:
    identifier: Identifier
    encoding: str
    where: str  # "tx" | "log"
    tx: str
    block: int
    detail: str  # contract and function/event, field

    def line(self) -> str:
        return f"{self.identifier.masked} as {self.encoding} in {self.where} {self.tx} (block {self.block}): {self.detail}"


def load_pii(path: Path) -> list[Identifier]:
    """Identifiers from a JSON object of lists (or a list of strings), or ``kind: value`` lines."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise PiiError(f"{path}: no such PII file") from None
    out: list[Identifier] = []
    if path.suffix == ".json":
        try:
            data = json.loads(text)
        except ValueError as err:
            raise PiiError(f"{path}: not JSON ({err})") from None
        if isinstance(data, list):
            data = {"text": data}
        if not isinstance(data, dict):
            raise PiiError(f"{path}: expected an object of lists, e.g. {{\"name\": [\"...\"]}}")
        for kind, values in data.items():
            if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
                raise PiiError(f"{path}: {kind}: expected a list of strings")
            out += [Identifier(kind, v.strip()) for v in values if v.strip()]
    else:
        for n, line in enumerate(text.splitlines(), 1):
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            kind, sep, value = line.partition(":")
            out.append(Identifier(kind.strip(), value.strip()) if sep and value.strip() else Identifier("text", line))
    if not out:
        raise PiiError(f"{path}: no identifiers in it")
    return out


def _variants(value: str) -> list[str]:
    forms = [value, value.lower(), value.upper(), value.title(), value.replace(" ", "_").upper(),
             value.replace(" ", ""), value.replace(" ", "").lower()]
    digits = re.sub(r"\D", "", value)
    if len(digits) >= 4 and digits != value:
        forms.append(digits)
    return list(dict.fromkeys(f for f in forms if f))


def _word(n: int) -> str:
    return f"{n:064x}"


def needles(identifier: Identifier) -> list[Needle]:
    out: list[Needle] = []
    for form in _variants(identifier.value):
        raw = form.encode("utf-8")
        if len(raw) >= 4:
            out.append(Needle(identifier, "utf-8", raw.hex()))
            out.append(Needle(identifier, "hex-text", raw.hex().encode().hex()))
        elif len(raw) <= 32:
            out.append(Needle(identifier, "utf-8 (padded word)", raw.ljust(32, b"\0").hex(), word=True))
        out.append(Needle(identifier, "keccak256", keccak(raw).hex()))
        out.append(Needle(identifier, "sha256", hashlib.sha256(raw).hexdigest()))
        if form.isdigit() and len(form) >= 6:
            out.append(Needle(identifier, "uint256", _word(int(form)), word=True))
    match = _DATE.match(identifier.value)
    if match:
        y, m, d = (int(g) for g in match.groups())
        try:
            midnight = int(dt.datetime(y, m, d, tzinfo=dt.timezone.utc).timestamp())
        except ValueError:
            raise PiiError(f"{identifier.kind}: not a date: {identifier.value!r}") from None
        out.append(Needle(identifier, "unix time (uint256)", _word(midnight), word=True))
        out.append(Needle(identifier, "YYYYMMDD (uint256)", _word(y * 10000 + m * 100 + d), word=True))
    return list({(n.pattern, n.word): n for n in out}.values())


def _find(needle: Needle, hay: str, word_base: int) -> int | None:
    """Index (in hex digits) of ``needle`` in ``hay`` at a byte boundary (word-aligned from ``word_base``)."""
    start = 0
    while True:
        i = hay.find(needle.pattern, start)
        if i < 0:
            return None
        if i % 2 == 0 and (not needle.word or (i - word_base) % 64 == 0):
            return i
        start = i + 1


class Scanner:
    def __init__(self, identifiers: Iterable[Identifier]):
        self.needles = [n for ident in identifiers for n in needles(ident)]

    def search(self, hay: str, word_base: int = 0) -> Iterator[tuple[Needle, int]]:
        hay = hay.lower()
        for needle in self.needles:
            i = _find(needle, hay, word_base)
            if i is not None:
                yield needle, i


def _deployment_txs(suite: Suite) -> set[str]:
    return {rec.tx.lower() for rec in suite.manifest.contracts.values()}


def scan(rpc: Rpc, suite: Suite, identifiers: list[Identifier], *, to_block: int | None = None,
         progress: Callable[[str], None] = lambda _m: None, blocks_per_request: int = 50) -> tuple[list[Hit], dict[str, int]]:
    """Every hit of every identifier in the deployment's transactions and logs; and what was read."""
    scanner = Scanner(identifiers)
    hits: list[Hit] = []
    addresses = {rec.address.lower(): name for name, rec in suite.manifest.contracts.items()}
    deploy_txs = _deployment_txs(suite)
    first = suite.first_block
    last = to_block if to_block is not None else rpc.block_number()
    stats = {"transactions": 0, "logs": 0, "blocks": 0, "needles": len(scanner.needles)}
    for start in range(first, last + 1, blocks_per_request):
        numbers = list(range(start, min(start + blocks_per_request, last + 1)))
        for block in rpc.batch([("eth_getBlockByNumber", [hex(n), True]) for n in numbers]):
            if block is None:
                continue
            stats["blocks"] += 1
            for tx in block["transactions"]:
                to = (tx.get("to") or "").lower()
                if to not in addresses and tx["hash"].lower() not in deploy_txs:
                    continue
                stats["transactions"] += 1
                data = (tx.get("input") or "0x")[2:]
                decoder = suite.catalog.function(to, tx.get("input", "0x")) if to else None
                what = (f"{addresses[to]}.{decoder.name if decoder else 'unknown function'}" if to
                        else "contract deployment (constructor arguments)")
                for needle, i in scanner.search(data, word_base=8):
                    hits.append(Hit(needle.identifier, needle.encoding, "tx", tx["hash"], int(block["number"], 16),
                                    f"{what}, calldata byte {i // 2}"))
        for log in rpc.get_logs(list(addresses), numbers[0], numbers[-1]):
            stats["logs"] += 1
            where = f"{addresses.get(log['address'].lower(), log['address'])} log {int(log['logIndex'], 16)}"
            block_number, tx_hash = int(log["blockNumber"], 16), log["transactionHash"]
            for n, topic in enumerate(log["topics"]):
                for needle, _ in scanner.search(topic[2:]):
                    hits.append(Hit(needle.identifier, needle.encoding, "log", tx_hash, block_number,
                                    f"{where}, topic {n}"))
            for needle, i in scanner.search(log["data"][2:]):
                hits.append(Hit(needle.identifier, needle.encoding, "log", tx_hash, block_number,
                                f"{where}, data word {i // 64}"))
        progress(f"privacy scan: block {numbers[-1]}/{last}, {stats['transactions']} transactions "
                 f"and {stats['logs']} logs read")
    return hits, stats


def render_hits(hits: list[Hit], stats: dict[str, int], identifiers: list[Identifier]) -> str:
    head = (f"privacy scan: {len(identifiers)} identifiers in {stats['needles']} encodings, over {stats['transactions']} "
            f"transactions and {stats['logs']} logs ({stats['blocks']} blocks)")
    if not hits:
        return head + "\nCLEAN: none of the identifiers appears on chain in any encoding searched\n"
    return head + f"\nFOUND {len(hits)} occurrence(s):\n" + "\n".join("  " + h.line() for h in hits) + "\n"
