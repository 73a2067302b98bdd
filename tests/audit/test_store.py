"""The audit index's own checks, with no node."""

from __future__ import annotations

import sqlite3

import pytest

from medchain.audit.store import ROWS_PER_INSERT, Store, StoreError, insert_many


def test_an_index_of_the_previous_schema_is_refused_with_what_to_do(tmp_path):
    url = f"sqlite:///{tmp_path / 'old.sqlite'}"
    with Store(url) as store:
        store.set_meta("schema", "1")
        store.conn.commit()
    with pytest.raises(StoreError, match="index schema 1, this tool writes 2: use a new database"):
        Store(url)


def _journal(store: Store) -> str:
    return store.conn.execute("PRAGMA journal_mode").fetchone()[0]


def test_a_first_load_is_written_with_a_rollback_journal_and_the_index_left_in_wal_mode(tmp_path):
    url = f"sqlite:///{tmp_path / 'new.sqlite'}"
    with Store(url) as store:
        assert _journal(store) == "wal"
        with store.bulk_load() as switched:
            assert switched and _journal(store) == "truncate"
            store.conn.execute("INSERT INTO blocks (number, hash) VALUES (1, '0x01')")
        assert _journal(store) == "wal"
        assert store.conn.execute("SELECT COUNT(*) FROM blocks").fetchone()[0] == 1
    with Store(url) as again:
        assert _journal(again) == "wal" and again.conn.execute("SELECT hash FROM blocks").fetchone() == ("0x01",)


def test_a_load_that_fails_keeps_nothing_uncommitted_and_leaves_wal_mode(tmp_path):
    url = f"sqlite:///{tmp_path / 'failed.sqlite'}"
    with Store(url) as store:
        with pytest.raises(RuntimeError, match="node gone"), store.bulk_load():
            store.conn.execute("INSERT INTO blocks (number, hash) VALUES (1, '0x01')")
            store.conn.commit()
            store.conn.execute("INSERT INTO blocks (number, hash) VALUES (2, '0x02')")
            raise RuntimeError("node gone")
        assert _journal(store) == "wal"
        assert store.conn.execute("SELECT number FROM blocks").fetchall() == [(1,)]


def _event(store: Store) -> None:
    store.conn.execute(
        "INSERT INTO events (id, block, log_index, tx_index, tx_hash, time, contract, event, args, confirmed) "
        "VALUES (1000000, 1, 0, 0, '0x', 0, 'C', 'E', '{}', 1)"
    )
    store.conn.commit()


def test_an_index_with_events_or_a_reader_or_in_memory_stays_in_wal_mode(tmp_path):
    url = f"sqlite:///{tmp_path / 'kept.sqlite'}"
    with Store(url) as store:
        _event(store)
        with store.bulk_load() as switched:
            assert not switched and _journal(store) == "wal"
    other = f"sqlite:///{tmp_path / 'read.sqlite'}"
    with Store(other) as store, Store(other) as reader:
        reader.conn.execute("SELECT COUNT(*) FROM events").fetchone()
        with store.bulk_load() as switched:
            assert not switched and _journal(store) == "wal"
    with Store("sqlite:///:memory:") as memory, memory.bulk_load() as switched:
        assert not switched


@pytest.mark.parametrize("count", [0, 1, ROWS_PER_INSERT, 2 * ROWS_PER_INSERT + 37])
@pytest.mark.parametrize("conflict", ["OR REPLACE", "OR IGNORE"])
def test_rows_inserted_in_batches_are_what_executemany_gives(count, conflict):
    """Multi-row INSERTs: the same rows, in the same order, with the statement's conflict clause
    applied row by row (a key given twice: the later row replaces, or is ignored)."""
    rows = [(n % (count // 2 + 1), f"0x{n:04x}") for n in range(count)]  # every key about twice
    tables = []
    for insert in (insert_many, lambda conn, sql, rows: conn.executemany(sql, rows)):
        conn = sqlite3.connect(":memory:")
        conn.execute("CREATE TABLE t (k INTEGER PRIMARY KEY, v TEXT NOT NULL)")
        insert(conn, f"INSERT {conflict} INTO t (k, v) VALUES (?, ?)", rows)
        tables.append(conn.execute("SELECT k, v FROM t ORDER BY k").fetchall())
    assert tables[0] == tables[1] and len(tables[0]) == len({k for k, _ in rows})
