"""The audit index: a SQL database of every decoded event of a deployment.

The database is named by a URL. ``sqlite:///audit.sqlite`` (a relative path), ``sqlite:////abs/path``
and ``sqlite:///:memory:`` are implemented, with the standard library's sqlite3: embedded, nothing
to run. A consortium with a very long history would point the URL at PostgreSQL
(``postgresql://...``): :func:`connect` is the one place a driver is chosen, and the schema and
queries below are plain SQL (``?`` placeholders are the only sqlite-ism, translated by a driver
shim). It is not implemented here, because it could not be tested on this machine: such a URL
fails with a message saying so.

Tables:

* ``meta`` -- the deployment's identity (chain id, manifest), the confirmed checkpoint and its hash;
* ``contracts`` -- name, address, deployment block and how far each is indexed;
* ``events`` -- one row per log: block, block time, transaction hash and index, log index,
  contract, event and the decoded fields (JSON); the block's hash is in ``blocks``;
  ``confirmed = 0`` marks the unconfirmed tail, which every sync deletes and reads again;
* ``refs`` -- every address and bytes32 value of every event (what trails are found by), keyed by
  event so that a sync appends to it; the index by value is built after the first sync's load;
* ``blocks`` -- the hash of every block that holds an indexed event (reorg detection);
* ``txs`` -- transactions whose calldata an audit needed (read on demand, decoded, cached).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from itertools import chain
from pathlib import Path
from typing import Any

SCHEMA_VERSION = "2"  # 2: refs keyed by event (appended in chain order), block hashes only in blocks

#: Built once the first sync has bulk-loaded the events (one sort instead of a B-tree insert at a
#: random place per row: the first sync of 100,000 events is ~0.3 s quicker), then kept up to date
#: by SQLite. Until a sync has finished they are missing, and queries are slower but still right.
INDEXES = """
CREATE INDEX IF NOT EXISTS events_name ON events (contract, event);
CREATE INDEX IF NOT EXISTS refs_value ON refs (value);
"""

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS contracts (
    name TEXT PRIMARY KEY, address TEXT NOT NULL UNIQUE, deploy_block INTEGER NOT NULL,
    synced_to INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS events (
    id INTEGER PRIMARY KEY,  -- block * 1,000,000 + log index: chain order, and unique
    block INTEGER NOT NULL, log_index INTEGER NOT NULL, tx_index INTEGER NOT NULL,
    tx_hash TEXT NOT NULL, time INTEGER NOT NULL,
    contract TEXT NOT NULL, event TEXT NOT NULL, args TEXT NOT NULL, confirmed INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS refs (
    event_id INTEGER NOT NULL, value TEXT NOT NULL, PRIMARY KEY (event_id, value)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS blocks (number INTEGER PRIMARY KEY, hash TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS txs (
    hash TEXT PRIMARY KEY, block INTEGER NOT NULL, sender TEXT NOT NULL, recipient TEXT,
    input TEXT NOT NULL, contract TEXT, function TEXT, args TEXT
);
"""


#: Rows one INSERT statement carries in :func:`insert_many` (10 values a row for events: well under
#: SQLite's limit of 32,766 bound values a statement).
ROWS_PER_INSERT = 100


def insert_many(conn: sqlite3.Connection, sql: str, rows: Sequence[Sequence[Any]]) -> None:
    """What ``conn.executemany(sql, rows)`` does for an ``INSERT ... VALUES (?, ...)`` statement, sent as
    statements of :data:`ROWS_PER_INSERT` rows each (``VALUES (...), (...), ...``): SQLite steps once
    for many rows instead of once a row, about a third less of its time for a page of events. Rows
    are inserted in order, each with the statement's conflict clause, as with executemany."""
    whole = len(rows) - len(rows) % ROWS_PER_INSERT
    if whole:
        batched = _batched(sql)
        for start in range(0, whole, ROWS_PER_INSERT):
            conn.execute(batched, list(chain.from_iterable(rows[start : start + ROWS_PER_INSERT])))
    if whole < len(rows):
        conn.executemany(sql, rows[whole:])


@cache
def _batched(sql: str) -> str:
    head, values = sql.split(" VALUES ")
    return f"{head} VALUES {','.join([values] * ROWS_PER_INSERT)}"


class StoreError(RuntimeError):
    """The index database cannot be opened or does not belong to this deployment."""


def sqlite_path(url: str) -> str:
    """The file (or ``:memory:``) of a ``sqlite:///`` URL."""
    prefix = "sqlite:///"
    if not url.startswith(prefix):
        raise StoreError(f"not a sqlite URL: {url!r} (expected sqlite:///path)")
    path = url[len(prefix) :]
    if not path:
        raise StoreError(f"{url!r} names no file (sqlite:///audit.sqlite, sqlite:////abs/path, sqlite:///:memory:)")
    return path


def redact(url: str) -> str:
    """The URL without its credentials (``postgresql://user:secret@host/db`` -> ``postgresql://***@host/db``):
    what error messages show."""
    scheme, sep, rest = url.partition("://")
    if not sep:
        return "***" if "@" in url else url
    authority, slash, path = rest.partition("/")
    if "@" in authority:
        authority = "***@" + authority.rsplit("@", 1)[1]
    return f"{scheme}{sep}{authority}{slash}{path}"


#: How a command opens the index: ``create`` (sync: the database is made if missing), ``rw`` (an
#: existing index, which checks may add cached calldata to), ``ro`` (reading commands: never written).
MODES = ("create", "rw", "ro")


def connect(url: str, mode: str = "create") -> sqlite3.Connection:
    """Open the database a URL names. Only ``sqlite:///`` is implemented (see the module's doc).

    With ``mode`` ``rw`` or ``ro`` nothing is ever created: a missing file is a :class:`StoreError`."""
    if mode not in MODES:
        raise ValueError(f"mode must be one of {MODES}")
    scheme = url.split(":", 1)[0].lower()
    if scheme in ("postgresql", "postgres", "postgresql+psycopg"):
        raise StoreError(
            f"{redact(url)!r}: PostgreSQL is not implemented in this build. The schema is plain SQL; "
            "plug a DB-API driver (psycopg) into medchain.audit.store.connect. Use sqlite:///path meanwhile."
        )
    if scheme != "sqlite":
        raise StoreError(f"unsupported database URL {redact(url)!r}: use sqlite:///path")
    path = sqlite_path(url)
    if path != ":memory:" and mode != "create":
        if not Path(path).is_file():
            raise StoreError(
                f"no index at {Path(path).resolve()}: run `ape run audit sync` first (or give the "
                "--db of an existing index); nothing was created"
            )
        try:
            conn = sqlite3.connect(f"file:{Path(path).resolve()}?mode={mode}", uri=True)
            conn.execute("SELECT COUNT(*) FROM sqlite_master").fetchone()
        except sqlite3.Error as err:
            raise StoreError(f"cannot read {path}: {err}") from err
        if mode == "ro":
            conn.execute("PRAGMA query_only=ON")
            return conn
    else:
        if path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        try:
            conn = sqlite3.connect(path)
        except sqlite3.Error as err:
            raise StoreError(f"cannot open {path}: {err}") from err
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    # 8 MiB of page cache: a sync appends in chain order, so a bigger cache buys little speed, and it
    # would fill as the index grows (64 MiB cost 40 MiB of peak memory at 120,000 events).
    conn.execute("PRAGMA cache_size=-8192")
    return conn


@dataclass(frozen=True)
class Coverage:
    """What an index covers (see :meth:`Store.coverage`)."""

    events: int
    first_block: int | None  # the earliest deployment block
    synced_to: int | None  # every contract is indexed at least to this block (None: never synced)
    contracts: int
    synced_contracts: int
    event_low: int | None
    event_high: int | None

    @property
    def empty(self) -> bool:
        """Never synced, or nothing to check: a verdict over it would be a verdict over nothing."""
        return self.synced_to is None or self.events == 0

    def describe(self) -> str:
        if self.synced_to is None:
            return "nothing: the index was never synced"
        return (
            f"{self.events:,} event(s) of {self.synced_contracts} contract(s), blocks {self.first_block} to "
            f"{self.synced_to}"
        )


@dataclass
class Event:
    """One indexed log, decoded."""

    id: int
    block: int
    log_index: int
    tx_index: int
    tx_hash: str
    block_hash: str
    time: int
    contract: str
    event: str
    args: dict[str, Any]
    confirmed: bool

    def __getitem__(self, name: str) -> Any:
        return self.args[name]

    @property
    def key(self) -> tuple[int, int]:
        return (self.block, self.log_index)


_EVENT_COLUMNS = (
    "id, block, log_index, tx_index, tx_hash, (SELECT hash FROM blocks WHERE number = events.block), time, "
    "contract, event, args, confirmed"
)


def _event(row: tuple) -> Event:
    return Event(
        id=row[0],
        block=row[1],
        log_index=row[2],
        tx_index=row[3],
        tx_hash=row[4],
        block_hash=row[5],
        time=row[6],
        contract=row[7],
        event=row[8],
        args=json.loads(row[9]),
        confirmed=bool(row[10]),
    )


class Store:
    """The index database of one deployment."""

    def __init__(self, url: str, mode: str = "create"):
        self.url = url
        self.mode = mode
        self.conn = connect(url, mode)
        if mode == "ro":
            tables = {r[0] for r in self.conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            if not {"meta", "events", "contracts"} <= tables:
                raise StoreError(f"{redact(url)} is not an audit index (no events table): run `ape run audit sync`")
        else:
            self.conn.executescript(SCHEMA)
        version = self.get_meta("schema")
        if version is None and mode == "ro":
            raise StoreError(f"{redact(url)} is not an audit index: run `ape run audit sync`")
        if version is None:
            self.set_meta("schema", SCHEMA_VERSION)
            self.conn.commit()
        elif version != SCHEMA_VERSION:
            raise StoreError(
                f"{redact(url)}: index schema {version}, this tool writes {SCHEMA_VERSION}: use a new database"
            )

    def ensure_indexes(self) -> None:
        self.conn.executescript(INDEXES)

    @contextmanager
    def bulk_load(self) -> Iterator[bool]:
        """Writes into an index that holds no events yet, in SQLite's rollback-journal mode; back to WAL
        after. Yields whether the mode was switched.

        In WAL mode every page is written twice (to the log, then checkpointed into the database);
        with a rollback journal, pages appended at the end of the file are written once, and only the
        few pages that existed before a transaction go to the journal. A first sync is nearly all
        appends (about 0.1 s less for 100,000 events). It stays as safe: a transaction commits whole
        or not at all, also when the process is killed (a hot journal is rolled back on the next
        open), and ``synchronous=FULL`` keeps that true across a power loss, as WAL with ``NORMAL``
        does. A database someone else has open (a reader) is left in WAL mode. Every connection
        :func:`connect` opens asks for WAL again, so an interrupted first sync resumes in WAL mode."""
        switched = False
        empty = self.conn.execute("SELECT 1 FROM events LIMIT 1").fetchone() is None  # not COUNT(*): a scan
        if empty and sqlite_path(self.url) != ":memory:":
            self.conn.commit()
            try:
                switched = self.conn.execute("PRAGMA journal_mode=TRUNCATE").fetchone()[0] == "truncate"
            except sqlite3.OperationalError:  # another connection has the database open
                switched = False
            if switched:
                self.conn.execute("PRAGMA synchronous=FULL")
        done = False
        try:
            yield switched
            done = True
        finally:
            if switched:
                if done:
                    self.conn.commit()
                else:  # what was not committed goes, as it would with the connection closed
                    self.conn.rollback()
                self.conn.execute("PRAGMA synchronous=NORMAL")
                try:
                    self.conn.execute("PRAGMA journal_mode=WAL")
                except sqlite3.OperationalError:  # a reader arrived meanwhile: the next open switches
                    pass

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- meta ---------------------------------------------------------------------------------
    def get_meta(self, key: str) -> str | None:
        row = self.conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def set_meta(self, key: str, value: Any) -> None:
        self.conn.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (key, str(value)))

    def meta(self) -> dict[str, str]:
        return dict(self.conn.execute("SELECT key, value FROM meta").fetchall())

    # -- contracts ----------------------------------------------------------------------------
    def contracts(self) -> dict[str, tuple[str, int, int]]:
        """name -> (address, deploy block, synced to)."""
        rows = self.conn.execute("SELECT name, address, deploy_block, synced_to FROM contracts").fetchall()
        return {name: (address, deploy, synced) for name, address, deploy, synced in rows}

    # -- events -------------------------------------------------------------------------------
    def count(self, confirmed_only: bool = False) -> int:
        sql = "SELECT COUNT(*) FROM events" + (" WHERE confirmed = 1" if confirmed_only else "")
        return self.conn.execute(sql).fetchone()[0]

    def block_range(self) -> tuple[int | None, int | None]:
        return self.conn.execute("SELECT MIN(block), MAX(block) FROM events").fetchone()

    def coverage(self) -> Coverage:
        """What the index holds: events, the blocks synced, per contract."""
        contracts = self.contracts()
        synced = [s for _a, d, s in contracts.values() if s >= d] if contracts else []
        first = min((d for _a, d, _s in contracts.values()), default=None)
        low, high = self.block_range()
        return Coverage(
            events=self.count(),
            first_block=first,
            synced_to=min(synced) if synced else None,
            contracts=len(contracts),
            synced_contracts=len(synced),
            event_low=low,
            event_high=high,
        )

    def events(
        self, contract: str | None = None, names: Iterable[str] | None = None, where: str = "", params: tuple = ()
    ) -> Iterator[Event]:
        """Events in chain order, optionally of one contract and some event names (streamed)."""
        clauses, args = [], []
        if contract:
            clauses.append("contract = ?")
            args.append(contract)
        names = list(names or [])
        if names:
            clauses.append(f"event IN ({','.join('?' * len(names))})")
            args += names
        if where:
            clauses.append(where)
            args += list(params)
        sql = f"SELECT {_EVENT_COLUMNS} FROM events"
        if clauses:
            sql += " WHERE " + " AND ".join(clauses)
        sql += " ORDER BY id"
        for row in self.conn.execute(sql, args):
            yield _event(row)

    def events_referencing(self, values: Iterable[str]) -> list[Event]:
        """Every event with one of ``values`` (lower-case hex) among its fields, in chain order."""
        values = sorted({v.lower() for v in values})
        if not values:
            return []
        out: dict[int, Event] = {}
        for i in range(0, len(values), 500):
            chunk = values[i : i + 500]
            sql = (
                f"SELECT {_EVENT_COLUMNS} FROM events WHERE id IN "
                f"(SELECT event_id FROM refs WHERE value IN ({','.join('?' * len(chunk))}))"
            )
            for row in self.conn.execute(sql, chunk):
                out[row[0]] = _event(row)
        return sorted(out.values(), key=lambda e: e.key)

    # -- transactions (calldata read on demand) -------------------------------------------------
    def cached_tx(self, tx_hash: str) -> dict[str, Any] | None:
        row = self.conn.execute(
            "SELECT hash, block, sender, recipient, input, contract, function, args FROM txs WHERE hash = ?", (tx_hash,)
        ).fetchone()
        if not row:
            return None
        return {
            "hash": row[0],
            "block": row[1],
            "from": row[2],
            "to": row[3],
            "input": row[4],
            "contract": row[5],
            "function": row[6],
            "args": json.loads(row[7]) if row[7] else None,
        }

    def cache_tx(self, tx: dict[str, Any]) -> None:
        self.conn.execute(
            "INSERT OR REPLACE INTO txs (hash, block, sender, recipient, input, contract, function, args) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                tx["hash"],
                tx["block"],
                tx["from"],
                tx["to"],
                tx["input"],
                tx["contract"],
                tx["function"],
                json.dumps(tx["args"]) if tx["args"] is not None else None,
            ),
        )
