"""The index: complete, incremental without duplicates, reorg-safe, paging within a node's limits."""

from __future__ import annotations

import json
import time

import pytest
from eth_utils import keccak

from medchain.access import reason_code
from medchain.audit import Rpc, RpcError, Store, StoreError, SyncError
from medchain.audit.sync import Indexer
from medchain.chain.logs import LogPageError
from medchain.deployment.manifest import read_manifest, write_manifest


def chain_logs(scenario) -> set[tuple[int, int, str]]:
    """(block, log index, tx) of every log of the deployment, straight from the node."""
    addresses = [rec.address for rec in scenario.suite.manifest.contracts.values()]
    logs = Rpc(scenario.url).call("eth_getLogs", [{"address": addresses, "fromBlock": "0x0", "toBlock": "latest"}])
    return {(int(log["blockNumber"], 16), int(log["logIndex"], 16), log["transactionHash"]) for log in logs}


def indexed(db_url: str) -> list[tuple[int, int, str]]:
    with Store(db_url) as store:
        return store.conn.execute("SELECT block, log_index, tx_hash FROM events ORDER BY block, log_index").fetchall()


def test_sync_reads_every_event_of_every_contract_decoded(scenario):
    rows = indexed(scenario.db_url)
    assert set(rows) == chain_logs(scenario) and len(rows) == len(set(rows))
    with Store(scenario.db_url) as store:
        names = {(c, e) for c, e in store.conn.execute("SELECT DISTINCT contract, event FROM events")}
        assert not [n for n in names if n[1].startswith(("unknown", "undecodable"))]
        for expected in [
            ("ConsortiumRegistry", "MemberSuspended"),
            ("ConsentRegistry", "EmergencyAccessed"),
            ("RecordAnchor", "BatchAnchored"),
            ("RecordAnchor", "RecordRetracted"),
            ("ClaimSettlement", "ClaimRejected"),
            ("ClaimSettlement", "ClaimSettled"),
            ("DrugProvenance", "Recalled"),
            ("TestStableToken", "Transfer"),
        ]:
            assert expected in names
        rejected = list(store.events("ClaimSettlement", ["ClaimRejected"]))
        assert sorted(e["reasonCode"] for e in rejected) == [18, 197, 1003], (
            "1003: a pharmacy claim for an undispensed unit"
        )
        suspended = [
            e
            for e in store.events("ConsortiumRegistry", ["MemberSuspended"])
            if e["account"] == scenario.clinic.address.lower()
        ]
        assert suspended[0]["reasonCode"] == "0x" + reason_code("LICENCE_REVOKED").hex()
        assert all(e.time > 1_600_000_000 and e.confirmed for e in store.events())
        assert store.get_meta("chain_id") == str(scenario.suite.chain_id)


def test_second_sync_reads_only_new_blocks_and_gives_the_union_without_duplicates(scenario, chain, tmp_path):
    db = scenario.copy_db(tmp_path)
    with chain.isolate():
        before = len(indexed(db))
        anchor = scenario.contracts["RecordAnchor"]
        for n in range(3):
            anchor.anchor(keccak(text=f"new record {n}"), sender=scenario.hospital)
        indexer = scenario.indexer(db)
        result = indexer.sync()
        assert result.new_events == 3 and result.from_block > max(r[0] for r in indexed(scenario.db_url)) - 1
        rows = indexed(db)
        assert len(rows) == before + 3 and len(set(rows)) == len(rows)
        assert set(rows) == chain_logs(scenario)

        started = time.perf_counter()
        again = indexer.sync()
        assert time.perf_counter() - started < 1.0, "a rerun with no new blocks takes under a second"
        assert again.new_events == 0 and again.from_block is None and "up to date" in again.summary()
        assert indexed(db) == rows


def test_a_reorg_between_syncs_is_detected_and_repaired(scenario, chain, tmp_path):
    db = scenario.copy_db(tmp_path)
    anchor = scenario.contracts["RecordAnchor"]
    with chain.isolate():
        snapshot = chain.snapshot()
        lost = [anchor.anchor(keccak(text=f"orphaned {n}"), sender=scenario.hospital).txn_hash for n in range(2)]
        indexer = scenario.indexer(db)
        assert indexer.sync().new_events == 2
        assert {r[2] for r in indexed(db)} >= set(lost)

        chain.restore(snapshot)  # the two blocks are gone; the chain grows another way
        chain.mine(1)
        kept = anchor.anchor(keccak(text="canonical"), sender=scenario.hospital).txn_hash
        result = indexer.sync()
        assert result.reorg is not None and result.reorg.dropped == 2
        assert "REORG" in result.summary()
        txs = {r[2] for r in indexed(db)}
        assert not txs & set(lost) and kept in txs
        assert set(indexed(db)) == chain_logs(scenario)


def test_unconfirmed_tail_is_marked_and_read_again(scenario, chain, tmp_path):
    db = scenario.copy_db(tmp_path)
    anchor = scenario.contracts["RecordAnchor"]
    with chain.isolate():
        anchor.anchor(keccak(text="tail record"), sender=scenario.hospital)
        indexer = scenario.indexer(db, confirmations=3)
        result = indexer.sync()
        assert result.unconfirmed >= 1 and result.confirmed_to == result.head - 3
        with Store(db) as store:
            tail = store.conn.execute("SELECT COUNT(*) FROM events WHERE confirmed = 0").fetchone()[0]
        assert tail == result.unconfirmed
        chain.mine(3)
        again = indexer.sync()
        assert again.unconfirmed == 0
        rows = indexed(db)
        assert len(rows) == len(set(rows)) and set(rows) == chain_logs(scenario)
        with Store(db) as store:
            assert store.conn.execute("SELECT COUNT(*) FROM events WHERE confirmed = 0").fetchone()[0] == 0


class CappedRpc(Rpc):
    """A node that refuses eth_getLogs over more than ``max_blocks`` blocks, like geth or Infura do."""

    def __init__(self, url: str, max_blocks: int):
        super().__init__(url)
        self.max_blocks, self.refused, self.ranges = max_blocks, 0, []

    def get_logs(self, addresses, from_block, to_block, max_bytes=None, topics=None):
        if to_block - from_block + 1 > self.max_blocks:
            self.refused += 1
            raise RpcError("eth_getLogs", {"code": -32005, "message": "query returned more than 10000 results"})
        self.ranges.append((from_block, to_block))
        return super().get_logs(addresses, from_block, to_block, max_bytes, topics)


def test_paging_adapts_to_a_nodes_getlogs_limit(scenario, tmp_path):
    rpc = CappedRpc(scenario.url, max_blocks=5)
    messages = []
    indexer = Indexer(
        Store(f"sqlite:///{tmp_path / 'capped.sqlite'}"), rpc, scenario.suite, page=64, progress=messages.append
    )
    indexer.sync()
    assert rpc.refused > 0 and all(b - a < 5 for a, b in rpc.ranges)
    assert any("limits eth_getLogs" in m for m in messages)
    assert indexed(f"sqlite:///{tmp_path / 'capped.sqlite'}") == indexed(scenario.db_url)


def test_small_target_pages_give_the_same_index(scenario, tmp_path):
    db = f"sqlite:///{tmp_path / 'small.sqlite'}"
    result = Indexer(Store(db), Rpc(scenario.url), scenario.suite, page=1, target_logs=2).sync()
    assert result.pages > 10
    assert indexed(db) == indexed(scenario.db_url)


def test_pages_over_the_byte_limit_are_read_again_in_fewer_blocks(scenario, tmp_path):
    """The range may grow into denser blocks; an answer over max_page_bytes is dropped unread, so a
    page's memory is bounded whatever the history's length."""
    db = f"sqlite:///{tmp_path / 'bytes.sqlite'}"
    result = Indexer(Store(db), Rpc(scenario.url), scenario.suite, page=10_000, max_page_bytes=20_000).sync()
    assert result.pages > 3
    assert indexed(db) == indexed(scenario.db_url)
    with pytest.raises(LogPageError, match="over the page limit of 100 bytes"):
        Indexer(
            Store(f"sqlite:///{tmp_path / 'tiny.sqlite'}"), Rpc(scenario.url), scenario.suite, max_page_bytes=100
        ).sync()


def test_a_node_error_that_is_not_a_limit_is_raised(scenario, tmp_path):
    class Broken(Rpc):
        def get_logs(self, *args):
            raise RpcError("eth_getLogs", {"code": -32000, "message": "header not found"})

    with pytest.raises(RpcError, match="header not found"):
        Indexer(Store(f"sqlite:///{tmp_path / 'x.sqlite'}"), Broken(scenario.url), scenario.suite).sync()


def test_an_index_of_another_deployment_is_refused(scenario, tmp_path):
    db = scenario.copy_db(tmp_path)
    manifest = read_manifest(scenario.manifest)
    manifest.contracts["RecordAnchor"].address = "0x" + "12" * 20
    other = tmp_path / "other.json"
    write_manifest(manifest, other)
    from medchain.audit import Suite

    with pytest.raises(StoreError, match="indexes RecordAnchor at .* another deployment"):
        Indexer(Store(db), Rpc(scenario.url), Suite.load(other)).sync()

    data = json.loads(scenario.manifest.read_text())
    data["chainId"] = 999
    (tmp_path / "wrong-chain.json").write_text(json.dumps(data))
    with pytest.raises(SyncError, match="is for chain id 999, but the node .* has chain id"):
        Indexer(Store(db), Rpc(scenario.url), Suite.load(tmp_path / "wrong-chain.json")).sync()


def test_a_contract_added_to_the_manifest_later_is_read_from_its_deployment(scenario, tmp_path):
    """Contracts added to the suite later (e.g. an exchange) are indexed without code changes."""
    db = f"sqlite:///{tmp_path / 'grow.sqlite'}"
    manifest = read_manifest(scenario.manifest)
    token = manifest.contracts.pop("TestStableToken")
    partial = tmp_path / "partial.json"
    write_manifest(manifest, partial)
    from medchain.audit import Suite

    Indexer(Store(db), Rpc(scenario.url), Suite.load(partial)).sync()
    assert not [r for r in indexed(db) if r not in indexed(scenario.db_url)]
    manifest.contracts["TestStableToken"] = token
    write_manifest(manifest, partial)
    result = Indexer(Store(db), Rpc(scenario.url), Suite.load(partial)).sync()
    assert result.new_contracts == ["TestStableToken"] and result.new_events > 0
    assert indexed(db) == indexed(scenario.db_url)


def test_database_urls(tmp_path):
    with Store("sqlite:///:memory:") as store:
        assert store.count() == 0
    with pytest.raises(StoreError, match="PostgreSQL is not implemented"):
        Store("postgresql://auditor@db.example/medchain")
    with pytest.raises(StoreError, match="unsupported database URL"):
        Store("mysql://x")


class DyingRpc(Rpc):
    """A node connection that breaks for good after ``pages`` answers to eth_getLogs (a crash mid-sync)."""

    def __init__(self, url: str, pages: int):
        super().__init__(url)
        self.pages = pages

    def get_logs(self, *args):
        if self.pages == 0:
            raise RpcError("http", {"message": "cannot reach the node"})
        self.pages -= 1
        return super().get_logs(*args)


@pytest.mark.parametrize("commit_every", [0.0, 3600.0], ids=["commit-each-page", "commit-rarely"])
def test_an_interrupted_sync_resumes_where_its_last_commit_left_it(scenario, tmp_path, commit_every):
    db = f"sqlite:///{tmp_path / 'interrupted.sqlite'}"
    store = Store(db)
    indexer = Indexer(store, DyingRpc(scenario.url, pages=4), scenario.suite, page=1, target_logs=2)
    indexer.commit_every = commit_every
    with pytest.raises(RpcError, match="cannot reach the node"):
        indexer.sync()
    store.close()  # what was not committed is gone, as after a crash
    with Store(db) as store:
        kept = store.count()
        checkpoint = min(synced for _, _, synced in store.contracts().values())
        if commit_every == 0.0:
            assert kept > 0, "each page is committed with its checkpoint"
        assert all(block <= checkpoint for (block,) in store.conn.execute("SELECT block FROM events"))
    resumed = Indexer(Store(db), Rpc(scenario.url), scenario.suite).sync()
    assert resumed.from_block == checkpoint + 1
    assert indexed(db) == indexed(scenario.db_url)


@pytest.mark.parametrize("collecting", [True, False], ids=["collector-on", "collector-off"])
def test_a_sync_leaves_the_garbage_collector_as_it_found_it(scenario, tmp_path, collecting):
    """The sync pauses Python's cyclic collector while it reads; the process gets it back as it was."""
    import gc

    was = gc.isenabled()
    gc.enable() if collecting else gc.disable()
    try:
        Indexer(Store(f"sqlite:///{tmp_path / 'gc.sqlite'}"), Rpc(scenario.url), scenario.suite).sync()
        assert gc.isenabled() is collecting
        with pytest.raises(RpcError, match="header not found"):
            Indexer(Store(f"sqlite:///{tmp_path / 'gc2.sqlite'}"), BrokenLogs(scenario.url), scenario.suite).sync()
        assert gc.isenabled() is collecting
    finally:
        gc.enable() if was else gc.disable()


class BrokenLogs(Rpc):
    def get_logs(self, *args):
        raise RpcError("eth_getLogs", {"code": -32000, "message": "header not found"})
