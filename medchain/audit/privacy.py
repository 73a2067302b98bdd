"""Privacy scan: is any given personal identifier anywhere on chain, in any encoding it could take?

Input: a PII file of plaintext identifiers (names, record numbers, SSNs, dates of birth, free
text), JSON ``{"name": ["Maria Lopez"], "ssn": ["078-05-1120"], "birth_date": ["1984-03-12"]}`` or
a text file with one ``kind: value`` (or just ``value``) per line.

Where it looks, read from the node block by block (the scan trusts nothing it did not read itself):
every transaction sent to a contract of the deployment, and each contract's deployment transaction
(their calldata, whether the call succeeded or not: a reverted call's input is on chain too); and
every log of those contracts (topics and data).

Incremental: given the audit index (``store``), a scan records in it how far it read and what it
found, for this exact set of identifiers (by a digest of their encodings): the next run reads only
the blocks after that, and reports the earlier hits with the new ones. Another PII list starts over.

What it looks for, for each identifier and its spelling variants (as given, lower case, upper case,
spaces as underscores or dropped, digits only for numbers):

* ``utf-8``: the bytes themselves, anywhere (which covers ABI-encoded strings and bytes, bytes32
  codes, and bytes appended to calldata) -- for 4 bytes or more; shorter ones only as a whole
  zero-padded 32-byte word, as a short string or code would be stored;
* ``hex-text``: the identifier's hex spelling written as text (``"4d61726961"``);
* ``keccak256`` and ``sha256`` of each variant: the unsalted hashes that a careless client could
  put on chain as a "pseudonym" (a guess can be checked against them);
* numbers of 6 digits or more (record numbers, SSNs) as a uint256 word, and dates (``YYYY-MM-DD`` or
  ``MM/DD/YYYY`` in the PII file) as unix seconds at midnight UTC and as ``YYYYMMDD``, each as a
  uint256 word, and written out as a careless integrator would (``03/14/1985``, ``14/03/1985``,
  ``1985/03/14``, ``14.03.1985``, ``19850314``, ``03141985``, ``14031985``): each such text in
  every text encoding and hash above;
* the text encodings a careless integrator would use besides UTF-8: ``utf-16le`` and ``utf-16be``
  (Windows and Java strings) and ``base64`` (standard and URL-safe, padded or not), each of its bytes
  anywhere;
* combinations of a name (kinds ``name``, ``patient_name``…) with an attribute of the person
  (``birth_date``, ``ssn``, ``medical_record_number``…):
  keccak256 and sha256 of ``a|b`` (also ``a,b``, ``a:b``, ``a;b``, ``a b``, ``ab`` and the other
  order), the "pseudonymous patient key" a client might derive from them.

Hits name the transaction or log, the field, and the encoding; the identifier itself is masked.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import itertools
import json
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from eth_utils import keccak

from ..chain import logs as chain_logs
from ..chain.rpc import Rpc
from .suite import Suite

_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_US_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
_SEPARATORS = ("|", ",", ":", ";", " ", "")
#: Kinds combined into "pseudonymous keys": a person's name with one of their attributes.
NAME_KINDS = {"name", "patient", "patient_name", "full_name"}
ATTRIBUTE_KINDS = {"birth_date", "dob", "date_of_birth", "ssn", "medical_record_number", "mrn", "phone", "email"}


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
        return (
            f"{self.identifier.masked} as {self.encoding} in {self.where} {self.tx} (block {self.block}): {self.detail}"
        )


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
            raise PiiError(f'{path}: expected an object of lists, e.g. {{"name": ["..."]}}')
        for kind, values in data.items():
            if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
                raise PiiError(f"{path}: {kind}: expected a list of strings")
            out += [Identifier(kind, v.strip()) for v in values if v.strip()]
    else:
        for _n, line in enumerate(text.splitlines(), 1):
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            kind, sep, value = line.partition(":")
            out.append(Identifier(kind.strip(), value.strip()) if sep and value.strip() else Identifier("text", line))
    if not out:
        raise PiiError(f"{path}: no identifiers in it")
    return out


def _variants(value: str) -> list[str]:
    forms = [
        value,
        value.lower(),
        value.upper(),
        value.title(),
        value.replace(" ", "_").upper(),
        value.replace(" ", ""),
        value.replace(" ", "").lower(),
    ]
    digits = re.sub(r"\D", "", value)
    if len(digits) >= 4 and digits != value:
        forms.append(digits)
    return list(dict.fromkeys(f for f in forms if f))


def _word(n: int) -> str:
    return f"{n:064x}"


def _date(value: str) -> dt.date | None:
    match = _DATE.match(value)
    if match:
        y, m, d = (int(g) for g in match.groups())
    else:
        match = _US_DATE.match(value)
        if not match:
            return None
        m, d, y = (int(g) for g in match.groups())
    try:
        return dt.date(y, m, d)
    except ValueError:
        return None


def _date_texts(day: dt.date) -> list[str]:
    """A date as integrators write it."""
    y, m, d = f"{day.year:04d}", f"{day.month:02d}", f"{day.day:02d}"
    return [
        f"{y}-{m}-{d}",
        f"{m}/{d}/{y}",
        f"{d}/{m}/{y}",
        f"{y}/{m}/{d}",
        f"{d}.{m}.{y}",
        f"{d}-{m}-{y}",
        f"{m}-{d}-{y}",
        f"{y}{m}{d}",
        f"{m}{d}{y}",
        f"{d}{m}{y}",
        f"{day.month}/{day.day}/{y}",
    ]


def _text_needles(identifier: Identifier, form: str) -> list[Needle]:
    """One spelling in every text encoding and unsalted hash searched."""
    out: list[Needle] = []
    raw = form.encode("utf-8")
    if len(raw) >= 4:
        out.append(Needle(identifier, "utf-8", raw.hex()))
        out.append(Needle(identifier, "hex-text", raw.hex().encode().hex()))
        for codec in ("utf-16le", "utf-16be"):
            out.append(Needle(identifier, codec, form.encode(codec).hex()))
        b64 = base64.b64encode(raw)
        url = base64.urlsafe_b64encode(raw)
        # The encoding of the first whole 3-byte groups: found whatever follows the identifier.
        whole = len(raw) // 3 * 3
        for text in {b64, url, base64.b64encode(raw[:whole]), base64.urlsafe_b64encode(raw[:whole])}:
            if len(text.rstrip(b"=")) >= 4:
                out.append(Needle(identifier, "base64", text.rstrip(b"=").hex()))
    elif len(raw) <= 32:
        out.append(Needle(identifier, "utf-8 (padded word)", raw.ljust(32, b"\0").hex(), word=True))
    out.append(Needle(identifier, "keccak256", keccak(raw).hex()))
    out.append(Needle(identifier, "sha256", hashlib.sha256(raw).hexdigest()))
    return out


def needles(identifier: Identifier) -> list[Needle]:
    out: list[Needle] = []
    for form in _variants(identifier.value):
        out += _text_needles(identifier, form)
        if form.isdigit() and len(form) >= 6:
            out.append(Needle(identifier, "uint256", _word(int(form)), word=True))
    day = _date(identifier.value)
    if day is None and _DATE.match(identifier.value):
        raise PiiError(f"{identifier.kind}: not a date: {identifier.value!r}")
    if day is not None:
        for text in _date_texts(day):
            out += [
                Needle(n.identifier, f"{n.encoding} of {text!r}", n.pattern, n.word)
                for n in _text_needles(identifier, text)
            ]
        midnight = int(dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC).timestamp())
        out.append(Needle(identifier, "unix time (uint256)", _word(midnight), word=True))
        out.append(
            Needle(identifier, "YYYYMMDD (uint256)", _word(day.year * 10000 + day.month * 100 + day.day), word=True)
        )
    return list({(n.pattern, n.word): n for n in out}.values())


def combination_needles(identifiers: list[Identifier]) -> list[Needle]:
    """keccak256 / sha256 of two identifiers of different kinds joined as a client would join them."""
    out: list[Needle] = []
    for a, b in itertools.permutations(identifiers, 2):
        if not (
            (a.kind in NAME_KINDS and b.kind in ATTRIBUTE_KINDS) or (b.kind in NAME_KINDS and a.kind in ATTRIBUTE_KINDS)
        ):
            continue
        both = Identifier(f"{a.kind}+{b.kind}", f"{a.value}|{b.value}")
        firsts = list(dict.fromkeys([a.value, a.value.lower(), a.value.upper()]))
        day = _date(b.value)
        seconds = list(dict.fromkeys([b.value, *(_date_texts(day) if day else [])]))
        for x, y, sep in itertools.product(firsts, seconds, _SEPARATORS):
            raw = f"{x}{sep}{y}".encode()
            out.append(Needle(both, f"keccak256 of {a.kind}{sep or '+'}{b.kind}", keccak(raw).hex()))
            out.append(Needle(both, f"sha256 of {a.kind}{sep or '+'}{b.kind}", hashlib.sha256(raw).hexdigest()))
    return list({n.pattern: n for n in out}.values())


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
    """Finds every needle in a hex string. The 32-byte needles (hashes, words: most of them) are looked
    up in a dict at every byte offset of the haystack, whatever their number; the others are grouped
    by their first 8 hex digits so that a haystack is walked once per distinct prefix."""

    def __init__(self, identifiers: Iterable[Identifier]):
        identifiers = list(identifiers)
        self.needles = [n for ident in identifiers for n in needles(ident)] + combination_needles(identifiers)
        self._words: dict[str, list[Needle]] = {}
        self._by_prefix: dict[str, list[Needle]] = {}
        for needle in self.needles:
            if len(needle.pattern) == 64:
                self._words.setdefault(needle.pattern, []).append(needle)
            else:
                self._by_prefix.setdefault(needle.pattern[:8], []).append(needle)

    def digest(self) -> str:
        """What this scanner looks for, as one value (an incremental scan resumes only for the same)."""
        return hashlib.sha256("\n".join(sorted(f"{n.pattern}:{n.word}" for n in self.needles)).encode()).hexdigest()

    def search(self, hay: str, word_base: int = 0) -> Iterator[tuple[Needle, int]]:
        hay = hay.lower()
        found: set[int] = set()
        words = self._words
        for i in range(0, len(hay) - 63, 2):
            group = words.get(hay[i : i + 64])
            if group:
                for needle in group:
                    if id(needle) not in found and (not needle.word or (i - word_base) % 64 == 0):
                        found.add(id(needle))
                        yield needle, i
        for prefix, group in self._by_prefix.items():
            if prefix not in hay:
                continue
            for needle in group:
                at = _find(needle, hay, word_base)
                if at is not None:
                    yield needle, at


def _deployment_txs(suite: Suite) -> set[str]:
    return {rec.tx.lower() for rec in suite.manifest.contracts.values()}


_HITS_TABLE = """CREATE TABLE IF NOT EXISTS privacy_hits (
    scan TEXT NOT NULL, kind TEXT NOT NULL, value TEXT NOT NULL, encoding TEXT NOT NULL, place TEXT NOT NULL,
    tx TEXT NOT NULL, block INTEGER NOT NULL, detail TEXT NOT NULL)"""


def scan(
    rpc: Rpc,
    suite: Suite,
    identifiers: list[Identifier],
    *,
    to_block: int | None = None,
    progress: Callable[[str], None] = lambda _m: None,
    blocks_per_request: int = 50,
    store: Any = None,
) -> tuple[list[Hit], dict[str, int]]:
    """Every hit of every identifier in the deployment's transactions and logs; and what was read.

    With the audit index ``store``, only blocks after the last scan of the same identifiers are read
    (``stats["from_block"]``), and the hits of earlier scans are returned with the new ones."""
    scanner = Scanner(identifiers)
    hits: list[Hit] = []
    addresses = {rec.address.lower(): name for name, rec in suite.manifest.contracts.items()}
    deploy_txs = _deployment_txs(suite)
    first = suite.first_block
    last = to_block if to_block is not None else rpc.block_number()
    key = f"privacy_scan:{scanner.digest()}"
    known = {(i.kind, i.value): i for i in identifiers}
    known.update(
        {
            (f"{a.kind}+{b.kind}", f"{a.value}|{b.value}"): Identifier(f"{a.kind}+{b.kind}", f"{a.value}|{b.value}")
            for a in identifiers
            for b in identifiers
        }
    )
    if store is not None:
        store.conn.execute(_HITS_TABLE)
        done = store.get_meta(key)
        if done is not None:
            first = max(first, int(done) + 1)
            for kind, value, encoding, place, tx, block, detail in store.conn.execute(
                "SELECT kind, value, encoding, place, tx, block, detail FROM privacy_hits WHERE scan = ? "
                "ORDER BY rowid",
                (key,),
            ):
                hits.append(Hit(known.get((kind, value), Identifier(kind, value)), encoding, place, tx, block, detail))
    earlier = len(hits)
    stats = {
        "transactions": 0,
        "logs": 0,
        "blocks": 0,
        "needles": len(scanner.needles),
        "from_block": first,
        "to_block": last,
        "earlier_hits": earlier,
    }
    reader = chain_logs.LogReader(rpc, page=blocks_per_request, max_range=blocks_per_request, progress=progress)
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
                what = (
                    f"{addresses[to]}.{decoder.name if decoder else 'unknown function'}"
                    if to
                    else "contract deployment (constructor arguments)"
                )
                for needle, i in scanner.search(data, word_base=8):
                    hits.append(
                        Hit(
                            needle.identifier,
                            needle.encoding,
                            "tx",
                            tx["hash"],
                            int(block["number"], 16),
                            f"{what}, calldata byte {i // 2}",
                        )
                    )
        for log in reader.read(list(addresses), numbers[0], numbers[-1]):
            stats["logs"] += 1
            where = f"{addresses.get(log['address'].lower(), log['address'])} log {int(log['logIndex'], 16)}"
            block_number, tx_hash = int(log["blockNumber"], 16), log["transactionHash"]
            for n, topic in enumerate(log["topics"]):
                for needle, _ in scanner.search(topic[2:]):
                    hits.append(
                        Hit(needle.identifier, needle.encoding, "log", tx_hash, block_number, f"{where}, topic {n}")
                    )
            for needle, i in scanner.search(log["data"][2:]):
                hits.append(
                    Hit(
                        needle.identifier,
                        needle.encoding,
                        "log",
                        tx_hash,
                        block_number,
                        f"{where}, data word {i // 64}",
                    )
                )
        progress(
            f"privacy scan: block {numbers[-1]}/{last}, {stats['transactions']} transactions "
            f"and {stats['logs']} logs read"
        )
    if store is not None:
        store.conn.executemany(
            "INSERT INTO privacy_hits (scan, kind, value, encoding, place, tx, block, detail) VALUES "
            "(?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (key, h.identifier.kind, h.identifier.value, h.encoding, h.where, h.tx, h.block, h.detail)
                for h in hits[earlier:]
            ],
        )
        store.set_meta(key, max(last, first - 1))
        store.conn.commit()
    return hits, stats


def render_hits(hits: list[Hit], stats: dict[str, int], identifiers: list[Identifier]) -> str:
    head = (
        f"privacy scan: {len(identifiers)} identifiers in {stats['needles']} encodings, over {stats['transactions']} "
        f"transactions and {stats['logs']} logs ({stats['blocks']} blocks"
        + (f", {stats['from_block']} to {stats['to_block']}" if "from_block" in stats else "")
        + ")"
        + (
            f"; {stats['earlier_hits']} hit(s) of earlier scans of the same identifiers included"
            if stats.get("earlier_hits")
            else ""
        )
    )
    if not hits:
        return head + "\nCLEAN: none of the identifiers appears on chain in any encoding searched\n"
    return head + f"\nFOUND {len(hits)} occurrence(s):\n" + "\n".join("  " + h.line() for h in hits) + "\n"
