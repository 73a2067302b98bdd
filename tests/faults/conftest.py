"""Fault injection against a real node: a consortium set up once on anvil, its chain saved with
``--state``; each test starts its own anvil from a copy of that state at a fixed URL, and stops it
(SIGTERM, SIGKILL) or puts a failing proxy in front of it while the scripts run."""

from __future__ import annotations

import shutil
import signal
import sqlite3
import time
from collections import Counter
from concurrent.futures import Future
from dataclasses import dataclass
from pathlib import Path

import pytest
from eth_utils import keccak
from web3 import HTTPProvider, Web3

from medchain.access import Role
from medchain.chain.rpc import Rpc
from medchain.claims.bulk import TOPIC_REJECTED, TOPIC_SUBMITTED
from medchain.claims.submission import SubmissionReport, submit_file
from medchain.consent import Category, Purpose
from medchain.records.merkle import MerkleTree
from medchain.records.receipts import Receipt
from medchain_dev.demo.samples import encounter_bundle, write_entries
from medchain_dev.devchain import free_port, rpc, start_anvil
from tests.operator import CONSORTIUM_CHAIN_ID, Operator, register, send, web3_contract

DAY = 86400
POLICY = "0x" + "fa" * 32
CLAIMS = 12  # claims in the file: six batches of two
HEADER = "claim_ref,policy_id,provider,service_date,amount,line_items,evidence"
BLOCK_TIME = "0.2"  # seconds, for nodes that mine on their own
CODES_KEY = b"\x0f" * 32
CLIENT_TIMEOUT = 1.0  # seconds, for in-process runs; the proxy's "timeout" sleeps 1.5


class Node:
    """anvil at a fixed URL, which a test stops (SIGTERM: anvil writes its ``--state``; SIGKILL: it
    writes nothing) and starts again. Quacks like :class:`medchain_dev.devchain.Anvil` for :class:`Operator`."""

    def __init__(self, port: int | None = None):
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.chain_id = CONSORTIUM_CHAIN_ID
        self.process = None

    def start(self, *args: str) -> Node:
        self.process = start_anvil(self.chain_id, *args, port=self.port).process
        return self

    def stop(self, sig: int = signal.SIGTERM) -> None:
        self.process.send_signal(sig)
        self.process.wait(timeout=15)
        self.process = None

    def call(self, method: str, params: list | None = None):
        return rpc(self.url, method, params)

    def fund(self, *addresses: str, wei: int = 10**20) -> None:
        for address in addresses:
            self.call("anvil_setBalance", [address, hex(wei)])

    def pending(self) -> int:
        return int(self.call("txpool_status")["pending"], 16)

    def wait_pending(self, count: int, job=None, timeout: float = 60.0) -> None:
        """Until the pool holds ``count`` transactions (the job under test, a process or a future, sent them)."""
        deadline = time.monotonic() + timeout
        while self.pending() != count:
            if isinstance(job, Future) and job.done():
                raise AssertionError(f"the job ended before sending: {job.result()}")
            if job is not None and not isinstance(job, Future) and job.poll() is not None:
                out, err = job.communicate()
                raise AssertionError(f"the script ended before sending: {out}{err}")
            if time.monotonic() > deadline:
                raise AssertionError(f"the pool never held {count} transaction(s)")
            time.sleep(0.02)


@dataclass
class Consortium:
    """The saved chain (suite deployed, members, consent, a policy, anchored evidence) and who is who."""

    state: Path
    data_folder: Path
    keys: dict
    manifest: Path
    evidence: Path  # folder of the evidence receipts (ev<n>.json)
    now: int
    base_block: int


@pytest.fixture(scope="session")
def consortium(tmp_path_factory, project) -> Consortium:
    folder = tmp_path_factory.mktemp("faults")
    node = Node().start("--state", str(folder / "state.json"))
    try:
        op = Operator(node=node, data_folder=folder / "ape-data")
        op.add_accounts("deployer", "hospital", "insurer", "patient")
        manifest = folder / "consortium.json"
        result = op.run("deploy", "--account", "deployer", "--yes", "--test-token", "--deployment", str(manifest))
        assert result.returncode == 0, result.stdout + result.stderr
        w3 = Web3(HTTPProvider(node.url))
        keys = op.keys
        register(
            op,
            manifest,
            project,
            {
                alias: (keys[alias].address, role)
                for alias, role in (("hospital", Role.PROVIDER), ("insurer", Role.INSURER))
            },
        )
        now = w3.eth.get_block("latest")["timestamp"]
        send(
            w3,
            keys["patient"],
            web3_contract(w3, project, manifest, "ConsentRegistry").functions.grant(
                keys["patient"].address,
                keys["insurer"].address,
                int(Purpose.HPAYMT),
                int(Category.BILLING_CLAIMS),
                now + 400 * DAY,
            ),
        )
        # The care relationship every claim needs: the patient's TREAT consent to the hospital (encounters).
        send(
            w3,
            keys["patient"],
            web3_contract(w3, project, manifest, "ConsentRegistry").functions.grant(
                keys["patient"].address,
                keys["hospital"].address,
                int(Purpose.TREAT),
                int(Category.ENCOUNTERS),
                now + 400 * DAY,
            ),
        )
        send(
            w3,
            keys["insurer"],
            web3_contract(w3, project, manifest, "ClaimSettlement").functions.registerPolicy(
                bytes.fromhex(POLICY[2:]), keys["patient"].address, 10**12, 0, 2_000, now - 60 * DAY, now + 300 * DAY
            ),
        )
        # The claims' evidence: one batch of anchored record hashes, a receipt (with its proof) for each.
        anchor = web3_contract(w3, project, manifest, "RecordAnchor")
        hashes = [keccak(text=f"fault evidence {n}") for n in range(CLAIMS)]
        tree = MerkleTree.build(hashes)
        receipt = send(w3, keys["hospital"], anchor.functions.anchorBatch(tree.root, CLAIMS))
        for n, record in enumerate(hashes):
            Receipt(
                record_hash=record,
                chain_id=CONSORTIUM_CHAIN_ID,
                contract=anchor.address,
                tx=receipt["transactionHash"].to_0x_hex(),
                block=receipt["blockNumber"],
                provider=keys["hospital"].address,
                anchored_at=now,
                root=tree.root,
                proof=tree.proof(record),
                batch_count=CLAIMS,
            ).save(folder / "evidence" / f"ev{n}.json")
        base_block = w3.eth.block_number
    finally:
        node.stop(signal.SIGTERM)  # anvil writes the chain to state.json
    return Consortium(
        state=folder / "state.json",
        data_folder=folder / "ape-data",
        keys=op.keys,
        manifest=manifest,
        evidence=folder / "evidence",
        now=now,
        base_block=base_block,
    )


@dataclass
class Scene:
    """One test's copy of the chain, its node (not started), an operator and its own files."""

    node: Node
    op: Operator
    state: Path  # the copy of the consortium's state file
    folder: Path
    consortium: Consortium

    @property
    def w3(self) -> Web3:
        return Web3(HTTPProvider(self.node.url))

    def address(self, name: str) -> str:
        import json

        return json.loads(self.consortium.manifest.read_text())["contracts"][name]["address"]


@pytest.fixture
def scene(consortium, tmp_path):
    state = tmp_path / "state.json"
    shutil.copy(consortium.state, state)
    (tmp_path / "codes-key.hex").write_text("0x" + CODES_KEY.hex() + "\n")  # the insurer's key (never created by a run)
    node = Node()
    yield Scene(
        node=node,
        op=Operator(node=node, data_folder=consortium.data_folder, keys=consortium.keys),
        state=state,
        folder=tmp_path,
        consortium=consortium,
    )
    if node.process is not None:
        node.stop(signal.SIGKILL)


# -- the insurer's claims ---------------------------------------------------------------------------


def write_claims(scene: Scene) -> Path:
    """CLAIMS valid claims, each with its own evidence receipt, in the scene's folder."""
    c = scene.consortium
    hospital = c.keys["hospital"].address
    rows = [HEADER]
    for n in range(CLAIMS):
        shutil.copy(c.evidence / f"ev{n}.json", scene.folder / f"ev{n}.json")
        rows.append(f"f-{n},{POLICY},{hospital},{c.now - 5 * DAY + n},{100 + n},F{n}@{100 + n},ev{n}.json")
    path = scene.folder / "claims.csv"
    path.write_text("\n".join(rows) + "\n")
    return path


def journal_of(path: Path) -> Path:
    return path.with_name(path.name + ".journal.sqlite")


def submit_in_process(
    scene: Scene, path: Path, url: str | None = None, messages: list[str] | None = None, patience: float = 5.0
) -> SubmissionReport:
    """The insurer's job as `ape run claims submit --batch-size 2 --window 2` runs it, in this process."""
    log = (messages if messages is not None else []).append
    return submit_file(
        path,
        rpc=Rpc(url or scene.node.url, timeout=CLIENT_TIMEOUT, patience=patience, log=log),
        contract=scene.address("ClaimSettlement"),
        signer=scene.consortium.keys["insurer"],
        journal_path=journal_of(path),
        codes_key=CODES_KEY,
        decimals=6,
        batch_size=2,
        window=2,
        stall_timeout=patience,
        log=log,
    )


def submit_args(scene: Scene, path: Path, *extra: str) -> list[str]:
    return [
        str(path),
        "--account",
        "insurer",
        "--yes",
        "--codes-key",
        str(scene.folder / "codes-key.hex"),
        "--batch-size",
        "2",
        "--window",
        "2",
        "--patience",
        "2",
        "--deployment",
        str(scene.consortium.manifest),
        *extra,
    ]


def claim_events(w3: Web3, claims: str) -> tuple[Counter, dict]:
    """(events per claim id, ClaimSubmitted's transaction per claim id) on the chain as it is now."""
    logs = w3.eth.get_logs(
        {"address": claims, "fromBlock": 0, "topics": [["0x" + TOPIC_SUBMITTED.hex(), "0x" + TOPIC_REJECTED.hex()]]}
    )
    events = Counter(log["topics"][1].to_0x_hex() for log in logs)
    submitted = {
        log["topics"][1].to_0x_hex(): log["transactionHash"].to_0x_hex()
        for log in logs
        if log["topics"][0] == TOPIC_SUBMITTED
    }
    return events, submitted


def assert_claims_once_and_journal_agrees(scene: Scene, journal: Path) -> None:
    """Every claim of the file on chain exactly once (one ClaimSubmitted, no ClaimRejected), and the
    journal says so: each claim accepted in the very transaction that holds its event, nothing in flight."""
    events, submitted = claim_events(scene.w3, scene.address("ClaimSettlement"))
    assert len(events) == CLAIMS and set(events.values()) == {1}, events
    assert set(submitted) == set(events), "every event is a ClaimSubmitted, none a ClaimRejected"
    with sqlite3.connect(journal) as db:
        rows = dict((cid, (state, tx)) for cid, state, tx in db.execute("SELECT claim_id, state, tx_hash FROM claims"))
        in_flight = db.execute("SELECT count(*) FROM txs WHERE state = 'sent'").fetchone()[0]
    assert rows == {cid: ("accepted", tx) for cid, tx in submitted.items()}
    assert in_flight == 0


# -- the hospital's records -------------------------------------------------------------------------


def write_records(scene: Scene) -> list[Path]:
    return write_entries(encounter_bundle(seed=11), scene.folder / "records")


def anchor_args(scene: Scene) -> list[str]:
    return [
        str(scene.folder / "records"),
        "--account",
        "hospital",
        "--yes",
        "--batch-threshold",
        "2",
        "--out",
        str(scene.folder / "receipts"),
        "--salts",
        str(scene.folder / "salts.json"),
        "--deployment",
        str(scene.consortium.manifest),
    ]


def assert_records_once(scene: Scene, project, records: list[Path]) -> None:
    """One batch on chain since the consortium was set up, holding every record; every receipt proves
    its record in that batch; no batch left half done."""
    w3 = scene.w3
    anchor = web3_contract(w3, project, scene.consortium.manifest, "RecordAnchor")
    batches = anchor.events.BatchAnchored.get_logs(from_block=scene.consortium.base_block + 1)
    singles = anchor.events.RecordAnchored.get_logs(from_block=scene.consortium.base_block + 1)
    assert len(batches) == 1 and batches[0]["args"]["count"] == len(records) and not singles
    root = batches[0]["args"]["root"]
    hospital = scene.consortium.keys["hospital"].address
    for path in records:
        receipt = Receipt.load(scene.folder / "receipts" / path.with_suffix(".receipt.json").name)
        assert receipt.root == root and receipt.tx == batches[0]["transactionHash"].to_0x_hex()
        assert anchor.functions.verifyInBatch(hospital, root, receipt.record_hash, receipt.proof).call() != 0
    assert not (scene.folder / "receipts" / ".pending-batch.json").exists()
