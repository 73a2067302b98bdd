"""The bulk submitter's local journal (SQLite): what was sent, in which transaction, and how it ended.

Rows are written *before* their transaction is sent (write-ahead), so a run killed at any point
leaves a journal that says which claims may be in flight. A claim is in one of three states:

- ``sent``: in a transaction that may or may not have been mined (``tx_hash``);
- ``accepted``: on chain (``outcome``: Approved, Partial, Denied or PendingFunds);
- ``rejected``: refused at submission with a reason code (nothing stored on chain).

A journal belongs to one chain, one ClaimSettlement contract and one codes key (by fingerprint):
opening it for another is refused. A claim found on chain that another file submitted (the insurer's
:class:`Ledger` says so) is ``rejected`` with outcome ``Duplicate`` (reason 18): not this file's claim.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

#: Unix time in SQL (SQLite 3.40 has no unixepoch('subsec')).
NOW = "(julianday('now') - 2440587.5) * 86400.0"

SCHEMA = f"""
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS claims (
    claim_id TEXT PRIMARY KEY,
    ref TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('sent', 'accepted', 'rejected')),
    tx_hash TEXT,
    outcome TEXT,
    reason INTEGER,
    payable TEXT,
    patient_share TEXT,
    updated_at REAL NOT NULL DEFAULT ({NOW})
);
CREATE INDEX IF NOT EXISTS claims_by_tx ON claims (tx_hash);
CREATE TABLE IF NOT EXISTS txs (
    tx_hash TEXT PRIMARY KEY,
    nonce INTEGER NOT NULL,
    claims INTEGER NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('sent', 'mined', 'reverted', 'dropped')),
    gas_used INTEGER,
    block INTEGER
);
"""


def _entry(row: Any) -> Entry:
    """An :class:`Entry` from a ``claim_id, ref, state, tx_hash, outcome, reason, payable, patient_share`` row."""
    claim_id, ref, state, tx_hash, outcome, reason, payable, share = row
    return Entry(claim_id, ref, state, tx_hash, outcome, reason, _int(payable), _int(share))


class JournalError(RuntimeError):
    """The journal belongs to another chain or contract, or cannot be opened."""


@dataclass(frozen=True)
class Entry:
    claim_id: str
    ref: str
    state: str
    tx_hash: str | None
    outcome: str | None
    reason: int | None
    payable: int | None
    patient_share: int | None

    @property
    def done(self) -> bool:
        return self.state in ("accepted", "rejected")


class Journal:
    """SQLite journal keyed by claim id (0x-hex)."""

    def __init__(self, path: Path, *, chain_id: int, contract: str, codes_key: str | None = None):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self.db = sqlite3.connect(self.path, isolation_level=None)
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.execute("PRAGMA synchronous=NORMAL")  # WAL + NORMAL: durable across a killed process
            self.db.executescript(SCHEMA)
        except sqlite3.DatabaseError as err:
            raise JournalError(f"{self.path}: not a usable journal ({err})") from None
        self._bind("chain_id", str(chain_id))
        self._bind("contract", contract.lower())
        if codes_key is not None:
            self._bind(
                "codes_key",
                codes_key,
                what="codes key fingerprint",
                advice="the claims of this journal were hashed with another codes key: use the insurer's key",
            )

    def rejected(self, claim_ids: Iterable[str] | None = None) -> list[Entry]:
        """Claims refused at submission (and duplicates), in the order they were recorded."""
        rows = self.db.execute(
            "SELECT claim_id, ref, state, tx_hash, outcome, reason, payable, patient_share FROM claims "
            "WHERE state = 'rejected' ORDER BY rowid"
        ).fetchall()
        wanted = set(claim_ids) if claim_ids is not None else None
        return [_entry(r) for r in rows if wanted is None or r[0] in wanted]

    def _bind(self, key: str, value: str, what: str | None = None, advice: str | None = None) -> None:
        row = self.db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        if row is None:
            self.db.execute("INSERT INTO meta (key, value) VALUES (?, ?)", (key, value))
        elif row[0] != value:
            raise JournalError(
                f"{self.path}: this journal is for {what or key} {row[0]}, not {value}; nothing was sent: "
                + (advice or "use another --journal for another chain or deployment")
            )

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> Journal:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- reading ---------------------------------------------------------------------------------

    def entries(self, claim_ids: Iterable[str]) -> dict[str, Entry]:
        ids = list(claim_ids)
        found: dict[str, Entry] = {}
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            marks = ",".join("?" * len(chunk))
            for row in self.db.execute(
                f"SELECT claim_id, ref, state, tx_hash, outcome, reason, payable, patient_share FROM claims "
                f"WHERE claim_id IN ({marks})",
                chunk,
            ):
                found[row[0]] = _entry(row)
        return found

    def sent_transactions(self) -> list[tuple[str, int]]:
        """Transactions that were sent and whose fate is not yet known: ``(tx_hash, nonce)``."""
        return list(self.db.execute("SELECT tx_hash, nonce FROM txs WHERE state = 'sent' ORDER BY nonce"))

    def mined_transactions(self) -> list[str]:
        """Transactions recorded as mined, oldest first."""
        return [row[0] for row in self.db.execute("SELECT tx_hash FROM txs WHERE state = 'mined' ORDER BY nonce")]

    def claims_of(self, tx_hash: str) -> dict[str, str]:
        """The claims still in flight in ``tx_hash``: claim id -> the insurer's reference."""
        return dict(
            self.db.execute(
                "SELECT claim_id, ref FROM claims WHERE tx_hash = ? AND state = 'sent'", (tx_hash,)
            ).fetchall()
        )

    # -- writing ---------------------------------------------------------------------------------

    def record_sent(self, tx_hash: str, nonce: int, claims: list[tuple[str, str]]) -> None:
        """Before sending: the transaction and its claims ``(claim_id, ref)``, in one SQLite transaction."""
        self.record_sent_many([(tx_hash, nonce, claims)])

    def record_sent_many(self, transactions: list[tuple[str, int, list[tuple[str, str]]]]) -> None:
        """Several transactions ``(tx_hash, nonce, claims)`` at once, in one SQLite transaction."""
        with self._transaction():
            for tx_hash, nonce, claims in transactions:
                self.db.execute(
                    "INSERT OR REPLACE INTO txs (tx_hash, nonce, claims, state) VALUES (?, ?, ?, 'sent')",
                    (tx_hash, nonce, len(claims)),
                )
                self.db.executemany(
                    "INSERT INTO claims (claim_id, ref, state, tx_hash) VALUES (?, ?, 'sent', ?) "
                    "ON CONFLICT (claim_id) DO UPDATE SET state = 'sent', tx_hash = excluded.tx_hash, "
                    f"updated_at = {NOW}",
                    [(claim_id, ref, tx_hash) for claim_id, ref in claims],
                )

    def record_mined(self, tx_hash: str, gas_used: int, block: int, results: list[Entry]) -> None:
        """A mined transaction and the outcome of each of its claims."""
        with self._transaction():
            self.db.execute(
                "UPDATE txs SET state = 'mined', gas_used = ?, block = ? WHERE tx_hash = ?", (gas_used, block, tx_hash)
            )
            self._write_results(results)

    def record_results(self, results: list[Entry]) -> None:
        """Outcomes learned from the chain itself (claims found on chain without a journal entry)."""
        with self._transaction():
            self._write_results(results)

    def _write_results(self, results: list[Entry]) -> None:
        self.db.executemany(
            "INSERT INTO claims (claim_id, ref, state, tx_hash, outcome, reason, payable, patient_share) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (claim_id) DO UPDATE SET state = excluded.state, "
            "tx_hash = excluded.tx_hash, outcome = excluded.outcome, reason = excluded.reason, "
            f"payable = excluded.payable, patient_share = excluded.patient_share, updated_at = {NOW}",
            [
                (e.claim_id, e.ref, e.state, e.tx_hash, e.outcome, e.reason, _text(e.payable), _text(e.patient_share))
                for e in results
            ],
        )

    def record_failed(self, tx_hash: str, state: str) -> None:
        """A transaction that reverted or was dropped: its claims are no longer in flight (sent again later)."""
        with self._transaction():
            self.db.execute("UPDATE txs SET state = ? WHERE tx_hash = ?", (state, tx_hash))
            self.db.execute("DELETE FROM claims WHERE tx_hash = ? AND state = 'sent'", (tx_hash,))

    def forget_transaction(self, tx_hash: str) -> int:
        """A transaction recorded as mined that is no longer on chain (the node lost blocks): it is
        ``dropped`` and its claims, whatever their state, are forgotten (looked up and sent again); how many."""
        with self._transaction():
            self.db.execute("UPDATE txs SET state = 'dropped' WHERE tx_hash = ?", (tx_hash,))
            return self.db.execute("DELETE FROM claims WHERE tx_hash = ?", (tx_hash,)).rowcount

    def forget_claims(self, claim_ids: Iterable[str]) -> None:
        """Claims recorded as found on chain that are no longer there: looked up and sent again."""
        with self._transaction():
            self.db.executemany("DELETE FROM claims WHERE claim_id = ?", [(cid,) for cid in claim_ids])

    def forget_rejected(self, claim_ids: Iterable[str]) -> int:
        """Let rejected claims be submitted again (``--retry-rejected``); how many were forgotten."""
        ids = list(claim_ids)
        with self._transaction():
            count = 0
            for start in range(0, len(ids), 500):
                chunk = ids[start : start + 500]
                marks = ",".join("?" * len(chunk))
                count += self.db.execute(
                    f"DELETE FROM claims WHERE state = 'rejected' AND claim_id IN ({marks})", chunk
                ).rowcount
            return count

    def _transaction(self) -> _Tx:
        return _Tx(self.db)


class _Tx:
    def __init__(self, db: sqlite3.Connection):
        self.db = db

    def __enter__(self) -> None:
        self.db.execute("BEGIN IMMEDIATE")

    def __exit__(self, exc_type: object, *rest: object) -> None:
        self.db.execute("ROLLBACK" if exc_type else "COMMIT")


def _int(value: str | None) -> int | None:
    return None if value is None else int(value)


def _text(value: int | None) -> str | None:
    return None if value is None else str(value)


class Ledger:
    """The insurer's record, across files, of which file and row first submitted each claim id (SQLite,
    in the insurer's folder beside its codes key). A claim found on chain is this file's own (a lost
    journal) only when the ledger names this file; otherwise it duplicates an earlier submission."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self.db = sqlite3.connect(self.path, isolation_level=None)
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.execute(
                "CREATE TABLE IF NOT EXISTS claims (claim_id TEXT PRIMARY KEY, source TEXT NOT NULL, "
                "ref TEXT NOT NULL, row INTEGER NOT NULL)"
            )
        except sqlite3.DatabaseError as err:
            raise JournalError(f"{self.path}: not a usable claims ledger ({err})") from None

    def claim(self, source: str, claims: list[tuple[str, str, int]]) -> None:
        """Claims ``(claim_id, ref, row)`` of ``source`` that no earlier file claimed become its own."""
        with _Tx(self.db):
            self.db.executemany(
                "INSERT OR IGNORE INTO claims (claim_id, source, ref, row) VALUES (?, ?, ?, ?)",
                [(cid, source, ref, row) for cid, ref, row in claims],
            )

    def owners(self, claim_ids: Iterable[str]) -> dict[str, tuple[str, str, int]]:
        """claim id -> (source file, claim_ref, row) of the file that first submitted it."""
        ids, found = list(claim_ids), {}
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            for cid, source, ref, row in self.db.execute(
                f"SELECT claim_id, source, ref, row FROM claims WHERE claim_id IN ({','.join('?' * len(chunk))})", chunk
            ):
                found[cid] = (source, ref, row)
        return found

    def close(self) -> None:
        self.db.close()
