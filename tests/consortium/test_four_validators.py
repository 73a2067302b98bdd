"""The suite on a real multi-validator BFT chain: four validators of Cosmos EVM's ``evmd`` (CometBFT
consensus) on 127.0.0.1, reached as the ``consortium`` network of ape-config.yaml, exactly as the README
tells an operator. The tests run in order on one chain:

1. the chain makes blocks, the same on every validator;
2. the operator deploys with ``ape run deploy`` and registers the members with ``ape run members register``;
3. the demo story runs on it end to end;
4. the insurer's ``claims submit`` of 2,000 claims goes on while one validator is SIGKILLed: nothing is
   lost or sent twice, a rerun sends nothing, and the validator, restarted, catches up; then the
   validator the insurer sends through dies mid-run: the command stops, and rerun through another
   validator it sends only what is missing;
5. the figures on that chain: bulk claims/s next to the raw floor for the same batches, and the audit
   sync next to ``cast logs``.

``make test-consortium`` builds the engine, then runs this module; the figures are printed at the end.
"""

from __future__ import annotations

import json
import re
import statistics
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from eth_account import Account
from eth_utils import keccak

from medchain import Suite
from medchain.access import Role
from medchain.chain import abi as chain_abi
from medchain.claims.bulk import DEFAULT_BATCH_SIZE, TX_GAS_CAP, plan_batches
from medchain.claims.inputs import read_claim_file
from medchain.claims.keys import KEY_FILE, insurer_dir, read_codes_key
from medchain.consent import Category, Purpose
from medchain.deployment.manifest import ContractRecord, Manifest, read_manifest, write_manifest
from medchain.records.merkle import MerkleTree
from medchain.records.receipts import Receipt
from medchain_dev.bench.audit_index import cast_logs, sync_in_child
from medchain_dev.bench.claims import raw_floor
from medchain_dev.consortium import VALIDATORS, Consortium, running
from tests.operator import CONSORTIUM_CHAIN_ID, Operator

DAY = 86_400
USD = 10**6
PATIENTS = 12
RECORDS = 256  # evidence a hospital anchors in one Merkle batch
BULK_CLAIMS = 2_000
FIGURE_CLAIMS = 1_200
FAILOVER_CLAIMS = 1_000
VICTIM = 3  # the validator SIGKILLed: not the one the commands talk to


def _test_mnemonic_addresses(count: int) -> tuple[str, ...]:
    """The test mnemonic's first accounts (ape-config.yaml ``test``): the demo signs with them."""
    Account.enable_unaudited_hdwallet_features()
    words = "test test test test test test test test test test test junk"
    return tuple(Account.from_mnemonic(words, account_path=f"m/44'/60'/0'/0/{i}").address for i in range(count))


@pytest.fixture(scope="module")
def chain(tmp_path_factory):
    consortium = Consortium(
        tmp_path_factory.mktemp("validators"), chain_id=CONSORTIUM_CHAIN_ID, fund=_test_mnemonic_addresses(12)
    )
    with running(consortium) as started:
        yield started


@pytest.fixture(scope="module")
def operator(chain, tmp_path_factory):
    op = Operator(node=chain.node(0), data_folder=tmp_path_factory.mktemp("ape-data"))
    op.add_accounts("deployer", "insurer", "hospital-a", "hospital-b")
    return op


@pytest.fixture(scope="module")
def deployment(operator, tmp_path_factory):
    return tmp_path_factory.mktemp("deployments") / "consortium.json"


@pytest.fixture(scope="module")
def work(tmp_path_factory):
    return tmp_path_factory.mktemp("insurer")


def _ok(result) -> str:
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return result.stdout


def test_the_validators_make_the_same_blocks_at_a_steady_pace(chain, figures):
    start = chain.height(0)
    stamps = []
    for height in range(start + 1, start + 9):
        chain.wait_height(height, [0], timeout=30)
        stamps.append(time.monotonic())
    chain.wait_height(start + 8)
    hashes = {i: chain.block(start + 8, i)["hash"] for i in range(VALIDATORS)}
    assert len(set(hashes.values())) == 1, f"the validators disagree on block {start + 8}: {hashes}"
    gaps = [b - a for a, b in zip(stamps, stamps[1:])]
    block_time = statistics.median(gaps)
    assert 0.5 < block_time < 3, gaps
    figures.append(("block time, 4 validators (median of 7)", f"{block_time:.2f} s", "timeout_commit 1 s"))
    latest = chain.block("latest")
    assert int(latest["gasLimit"], 16) >= TX_GAS_CAP, "a block must hold the largest batch transaction"


def test_the_operator_deploys_and_registers_the_members_as_the_readme_says(operator, deployment, tmp_path, figures):
    started = time.monotonic()
    _ok(operator.run("deploy", "--account", "deployer", "--yes", "--test-token", "--deployment", str(deployment)))
    seconds = time.monotonic() - started
    manifest = read_manifest(deployment)
    assert manifest.chain_id == CONSORTIUM_CHAIN_ID and manifest.network == "ethereum:consortium"
    for name, record in manifest.contracts.items():
        assert operator.node.call("eth_getCode", [record.address, "latest"]) not in ("0x", ""), name

    licence = tmp_path / "licence.pdf"
    for alias, role in (("hospital-a", "provider"), ("hospital-b", "provider"), ("insurer", "insurer")):
        licence.write_bytes(f"{alias} licence".encode())
        address = operator.keys[alias].address
        _ok(
            operator.run(
                "members register", address, "--role", role, "--credential", str(licence),
                "--account", "deployer", "--yes", "--deployment", str(deployment),
            )
        )  # fmt: skip
    suite = Suite.connect(operator.node.url, deployment)
    for alias, role in (("hospital-a", Role.PROVIDER), ("hospital-b", Role.PROVIDER), ("insurer", Role.INSURER)):
        assert suite.registry.isActiveMember(operator.keys[alias].address, role.id), alias
    figures.append(
        ("ape run deploy (7 contracts)", f"{seconds:.1f} s", "through ape's custom network, keyfile account")
    )


def test_the_demo_story_runs_on_the_chain(operator, tmp_path, figures):
    started = time.monotonic()
    out = _ok(operator.run("demo", "--deployment", str(tmp_path / "demo.json")))
    seconds = time.monotonic() - started
    assert "medchain demo: a consortium on ethereum:consortium" in out
    assert "governance registered 7 members" in out
    assert "consistency checks: 0 violations" in out
    # A real chain keeps its own time: what falls due in days is said, not skipped to.
    assert "this chain does not skip ahead, so they are settled then" in out
    assert "pack A0007: GENUINE" in out
    figures.append(("the demo story, end to end", f"{seconds:.0f} s", "about 80 transactions through ape"))


def _anchor_evidence(operator, deployment, work: Path) -> dict[str, list[str]]:
    """Each hospital anchors RECORDS record hashes as one Merkle batch; a receipt file per record."""
    receipts: dict[str, list[str]] = {}
    for alias in ("hospital-a", "hospital-b"):
        key = operator.keys[alias]
        suite = Suite.connect(operator.node.url, deployment, signer=key)
        records = [keccak(text=f"{alias} record {n}") for n in range(RECORDS)]
        tree = MerkleTree.build(records)
        anchored = suite.records.anchorBatch(tree.root, len(records))
        block = int(operator.node.call("eth_getBlockByNumber", [hex(anchored.block_number), False])["timestamp"], 16)
        folder = work / "receipts" / alias
        folder.mkdir(parents=True)
        receipts[key.address] = []
        for n, record in enumerate(records):
            Receipt(
                record_hash=record,
                chain_id=CONSORTIUM_CHAIN_ID,
                contract=suite.records.address,
                tx=anchored.transaction_hash,
                block=anchored.block_number,
                provider=key.address,
                anchored_at=block,
                root=tree.root,
                proof=list(tree.proof_by_index(n)),
                batch_count=len(records),
            ).save(folder / f"{n}.json")
            receipts[key.address].append(f"receipts/{alias}/{n}.json")
    return receipts


def _patients_consent(operator, deployment, insurer: str, hospitals: list[str], until: int) -> list[str]:
    """PATIENTS patients, each consenting to the insurer (payment) and to both hospitals (treatment)."""
    patients = [Account.create() for _ in range(PATIENTS)]
    operator.node.fund(*(p.address for p in patients), wei=10**19)

    def consent(patient) -> None:
        suite = Suite.connect(operator.node.url, deployment, signer=patient)
        suite.consent.grant(patient.address, insurer, int(Purpose.HPAYMT), int(Category.BILLING_CLAIMS), until)
        for hospital in hospitals:
            suite.consent.grant(patient.address, hospital, int(Purpose.TREAT), int(Category.ENCOUNTERS), until)

    with ThreadPoolExecutor(PATIENTS) as pool:
        list(pool.map(consent, patients))
    return [p.address for p in patients]


def _claim_file(path: Path, count: int, policies: list[bytes], receipts: dict[str, list[str]], now: int, tag: str):
    lines = ["claim_ref,policy_id,provider,service_date,amount,line_items,evidence"]
    hospitals = sorted(receipts)
    for n in range(count):
        hospital = hospitals[n % len(hospitals)]
        evidence = receipts[hospital][(n // len(hospitals)) % RECORDS]
        day = time.strftime("%Y-%m-%d", time.gmtime(now - (1 + n % 60) * DAY))
        amount = f"{50 + (n * 37) % 1_950}.00"
        lines.append(
            f"{tag}-{n},0x{policies[n % len(policies)].hex()},{hospital},{day},{amount},{tag}{n:05d}@{amount},{evidence}"
        )
    path.write_text("\n".join(lines) + "\n")
    return path


@pytest.fixture(scope="module")
def insurer_ready(operator, deployment, work):
    """The insurer's journey up to its claim file: codes key, policies, pool; the hospitals' evidence and the
    patients' consents (set-up the commands under test do not do)."""
    insurer = operator.keys["insurer"].address
    net = ("--account", "insurer", "--yes", "--deployment", str(deployment))
    _ok(operator.run("claims keygen", *net))
    hospitals = [operator.keys["hospital-a"].address, operator.keys["hospital-b"].address]
    now = int(operator.node.call("eth_getBlockByNumber", ["latest", False])["timestamp"], 16)
    patients = _patients_consent(operator, deployment, insurer, hospitals, now + 400 * DAY)
    policies = [keccak(text=f"consortium policy {n}") for n in range(PATIENTS)]
    since, until = (
        time.strftime("%Y-%m-%d", time.gmtime(now - 300 * DAY)),
        time.strftime("%Y-%m-%d", time.gmtime(now + 65 * DAY)),
    )
    policy_file = work / "policies.csv"
    policy_file.write_text(
        "policy_id,patient,limit,deductible,coinsurance,from,until\n"
        + "".join(f"0x{p.hex()},{who},1000000000,500,20%,{since},{until}\n" for p, who in zip(policies, patients))
    )
    _ok(operator.run("claims policies", str(policy_file), *net))
    _ok(operator.run("token mint", insurer, "100000000", *net))
    _ok(operator.run("claims fund", "--amount", "100000000", *net))
    receipts = _anchor_evidence(operator, deployment, work)
    return {"policies": policies, "receipts": receipts, "now": now, "net": net}


def _submitted_ids(node, claims: str, from_block: int = 0) -> list[str]:
    """The claim ids of every ClaimSubmitted event of ``claims`` (topic 1), in chain order."""
    topic = chain_abi.topic("ClaimSettlement", "ClaimSubmitted")
    logs = node.rpc.get_logs([claims], from_block, int(node.call("eth_blockNumber"), 16), topics=[topic])
    return [log.topics[1] for log in logs]


def test_a_bulk_submission_survives_the_loss_of_a_validator(chain, operator, deployment, work, insurer_ready, figures):
    ready = insurer_ready
    path = _claim_file(work / "claims.csv", BULK_CLAIMS, ready["policies"], ready["receipts"], ready["now"], "bulk")
    claims = read_manifest(deployment).address_of("ClaimSettlement")
    node = operator.node
    first_block = int(node.call("eth_blockNumber"), 16)
    # Small batches, few in flight: 80 transactions over about 20 blocks, so that the validator dies mid-run.
    process = operator.start("claims submit", str(path), "--batch-size", "25", "--window", "4", *ready["net"])
    killed_at = None
    while process.poll() is None and killed_at is None:
        on_chain = len(_submitted_ids(node, claims, first_block))
        if on_chain:
            chain.kill(VICTIM)
            killed_at = (on_chain, int(node.call("eth_blockNumber"), 16))
        else:
            time.sleep(0.05)
    out, err = process.communicate(timeout=600)
    assert process.returncode == 0, out[-3000:] + err[-3000:]
    assert killed_at is not None, "the submission ended before a validator could be killed"
    on_chain_at_kill, head_at_kill = killed_at
    assert on_chain_at_kill < BULK_CLAIMS, "the validator died only after the run"

    # The chain went on without it, and every claim is on chain exactly once.
    ids = _submitted_ids(node, claims, first_block)
    expected = {"0x" + row.claim_id.hex() for row in _rows(path, operator, deployment)}
    assert len(ids) == len(set(ids)) == BULK_CLAIMS, f"{len(ids)} ClaimSubmitted events, {len(set(ids))} distinct"
    assert set(ids) == expected
    head_after = int(node.call("eth_blockNumber"), 16)
    assert head_after > head_at_kill + 2
    responses = [json.loads(line) for line in Path(f"{path}.responses.ndjson").read_text().splitlines()]
    assert len(responses) == BULK_CLAIMS and len({r["claim_id"] for r in responses}) == BULK_CLAIMS
    down_gaps = _block_gaps(chain, head_at_kill, head_after)

    # A rerun is safe: it sends nothing.
    again = _ok(operator.run("claims submit", str(path), *ready["net"]))
    assert len(_submitted_ids(node, claims, first_block)) == BULK_CLAIMS, again

    # The validator comes back and catches up with the others.
    head = int(node.call("eth_blockNumber"), 16)
    chain.start(VICTIM)
    caught_up = chain.wait_height(head, [VICTIM], timeout=180)
    assert chain.block(head, VICTIM)["hash"] == chain.block(head, 0)["hash"]
    victim = chain.node(VICTIM)
    assert _submitted_ids(victim, claims, first_block)[:BULK_CLAIMS] == ids
    chain.wait_height(head + 3)  # and makes blocks with the others again

    said = re.search(r"sent (\d+) in (\d+) transaction\(s\).*\(([\d,]+) claims/s\)", out)
    assert said and int(said.group(1)) == BULK_CLAIMS, out[-2000:]
    figures.append(
        (f"claims submit, {BULK_CLAIMS:,} claims, validator {VICTIM} SIGKILLed mid-run", "each on chain once",
         f"{on_chain_at_kill:,} were on chain at the kill; {said.group(2)} transactions, {said.group(3)} claims/s")
    )  # fmt: skip
    figures.append(
        ("  block time while it was down (median, max)", f"{statistics.median(down_gaps):.0f} s, {max(down_gaps):.0f} s",
         "its turns to propose time out")
    )  # fmt: skip
    figures.append((f"  validator {VICTIM} caught up after restart", f"{caught_up:.1f} s", f"to block {head}"))


def test_the_insurer_s_own_node_dies_mid_run_and_a_rerun_through_another_finishes(
    chain, operator, deployment, work, insurer_ready, figures
):
    ready = insurer_ready
    path = _claim_file(work / "failover.csv", FAILOVER_CLAIMS, ready["policies"], ready["receipts"], ready["now"], "fo")
    claims = read_manifest(deployment).address_of("ClaimSettlement")
    first_block = int(operator.node.call("eth_blockNumber"), 16)
    # The insurer sends through validator 1, which dies mid-run: the CLI stops in one line.
    through_1 = Operator(node=chain.node(1), data_folder=operator.data_folder, keys=operator.keys)
    process = through_1.start(
        "claims submit", str(path), "--batch-size", "25", "--window", "4", "--patience", "3", *ready["net"]
    )
    killed = False
    while process.poll() is None:
        if not killed and _submitted_ids(operator.node, claims, first_block):
            chain.kill(1)
            killed = True
        time.sleep(0.05)
    out, err = process.communicate()
    assert killed, "the submission ended before its node could be killed"
    assert process.returncode != 0 and "Traceback" not in out + err, out[-2000:] + err[-2000:]
    at_stop = len(_submitted_ids(operator.node, claims, first_block))
    assert at_stop < FAILOVER_CLAIMS

    # The insurer points the same command at validator 2: it finishes, sending only what is missing.
    through_2 = Operator(node=chain.node(2), data_folder=operator.data_folder, keys=operator.keys)
    _ok(through_2.run("claims submit", str(path), *ready["net"]))
    ids = _submitted_ids(operator.node, claims, first_block)
    expected = {"0x" + row.claim_id.hex() for row in _rows(path, operator, deployment)}
    assert len(ids) == len(set(ids)) == FAILOVER_CLAIMS and set(ids) == expected
    rejected = chain_abi.topic("ClaimSettlement", "ClaimRejected")
    head = int(operator.node.call("eth_blockNumber"), 16)
    assert not operator.node.rpc.get_logs([claims], first_block, head, topics=[rejected])

    chain.start(1)
    caught_up = chain.wait_height(head, [1], timeout=180)
    assert chain.block(head, 1)["hash"] == chain.block(head, 0)["hash"]
    figures.append(
        (f"claims submit, {FAILOVER_CLAIMS:,} claims, its own node SIGKILLed", "each on chain once",
         f"{at_stop:,} on chain when it stopped; the rerun through validator 2 sent the rest")
    )  # fmt: skip
    figures.append(("  validator 1 caught up after restart", f"{caught_up:.1f} s", f"to block {head}"))


def _rows(path: Path, operator, deployment):
    """The claim file's rows as the CLI reads them (with the insurer's codes key)."""
    claims = read_manifest(deployment).address_of("ClaimSettlement")
    folder = insurer_dir(CONSORTIUM_CHAIN_ID, claims, operator.keys["insurer"].address, home=operator.claims_home)
    key = read_codes_key(folder / KEY_FILE)
    parsed = read_claim_file(path, decimals=6, codes_key=key, chain_id=CONSORTIUM_CHAIN_ID, currency="USD")
    assert not parsed.problems, parsed.problems[:3]
    return parsed.rows


def _block_gaps(chain: Consortium, first: int, last: int) -> list[int]:
    stamps = [int(chain.block(n)["timestamp"], 16) for n in range(first, last + 1)]
    return [b - a for a, b in zip(stamps, stamps[1:])] or [0]


def test_bulk_claims_per_second_next_to_the_raw_floor_on_this_chain(operator, deployment, work, insurer_ready, figures):
    ready = insurer_ready
    claims = read_manifest(deployment).address_of("ClaimSettlement")
    path = _claim_file(work / "figures.csv", FIGURE_CLAIMS, ready["policies"], ready["receipts"], ready["now"], "cli")
    started = time.monotonic()
    out = _ok(operator.run("claims submit", str(path), *ready["net"]))
    cli_seconds = time.monotonic() - started
    assert f"sent {FIGURE_CLAIMS} in " in out, out[-2000:]

    # The floor: a second file of the same shape (its own claim ids), in the batches the CLI plans, pre-signed
    # and sent raw.
    floor_path = _claim_file(
        work / "floor.csv", FIGURE_CLAIMS, ready["policies"], ready["receipts"], ready["now"], "raw"
    )
    rows = _rows(floor_path, operator, deployment)
    from web3 import Web3

    block_gas = int(operator.node.call("eth_getBlockByNumber", ["latest", False])["gasLimit"], 16)
    batches = plan_batches(rows, DEFAULT_BATCH_SIZE, min(TX_GAS_CAP, block_gas))
    w3 = Web3(Web3.HTTPProvider(operator.node.url))
    floor_seconds, transactions = raw_floor(w3, operator.keys["insurer"], claims, batches, chain_id=CONSORTIUM_CHAIN_ID)
    assert len(set(_submitted_ids(operator.node, claims))) >= BULK_CLAIMS + 2 * FIGURE_CLAIMS
    cli_rate, floor_rate = FIGURE_CLAIMS / cli_seconds, FIGURE_CLAIMS / floor_seconds
    figures.append(
        (f"claims submit, {FIGURE_CLAIMS:,} claims, end to end", f"{cli_rate:,.0f} claims/s", f"{cli_seconds:.1f} s")
    )
    figures.append(
        (f"  floor: the same {transactions} batches pre-signed, sent raw", f"{floor_rate:,.0f} claims/s",
         f"{floor_seconds:.1f} s from the first send to the last receipt")
    )  # fmt: skip
    figures.append(("  CLI / floor", f"{cli_rate / floor_rate:.0%}", "block time bounds both"))


def test_the_audit_sync_next_to_cast_logs_and_its_checks(operator, deployment, tmp_path, figures):
    manifest = read_manifest(deployment)
    claims = manifest.address_of("ClaimSettlement")
    head = int(operator.node.call("eth_blockNumber"), 16)
    # As the bench compares them: the ClaimSettlement events, through the audit CLI and through cast.
    only_claims = tmp_path / "claims-only.json"
    write_manifest(
        Manifest(
            chain_id=CONSORTIUM_CHAIN_ID, network="ethereum:consortium", deployed_at="-", compiler={}, commit=None,
            deployer=manifest.deployer, governance=manifest.governance, complete=True,
            contracts={"ClaimSettlement": ContractRecord(address=claims, block=0, tx="0x")},
        ),
        only_claims,
    )  # fmt: skip
    # The truth to hold both to: the contract's logs asked for one block at a time (no range or result
    # limit of the node can come into play; the node caps an eth_getLogs answer at 10,000 logs).
    per_block = operator.node.rpc.batch(
        [("eth_getLogs", [{"address": claims, "fromBlock": hex(n), "toBlock": hex(n)}]) for n in range(head + 1)]
    )
    events = sum(len(logs) for logs in per_block)
    casts, clis, cast_counts = [], [], []
    for run in range(3):
        cast = cast_logs(operator.node.url, claims, head, tmp_path / "cast.json")
        cast_counts.append(cast.events)
        started = time.monotonic()
        out = _ok(
            operator.run(
                "audit sync", "--deployment", str(only_claims), "--db", f"sqlite:///{tmp_path}/cli-{run}.sqlite",
                "--to-block", str(head),
            )
        )  # fmt: skip
        clis.append(time.monotonic() - started)
        casts.append(cast.seconds)
        assert f"{events} indexed" in out, (events, out[-500:])
    library = sync_in_child(only_claims, f"sqlite:///{tmp_path}/library.sqlite", operator.node.url, head)
    assert library["events"] == events
    cast_s, cli_s = statistics.median(casts), statistics.median(clis)
    # cast is the yardstick, not under test: a count of its that differs is reported, not failed on.
    said = "median of 3" if set(cast_counts) == {events} else f"median of 3; cast counted {cast_counts}"
    figures.append((f"cast logs --json, {events:,} events", f"{cast_s:.2f} s", said))
    figures.append(("  ape run audit sync (new index)", f"{cli_s:.2f} s", f"{cli_s / cast_s:.2f}x cast"))
    figures.append(
        ("  library sync, bare process", f"{library['wall']:.2f} s", f"{library['wall'] / cast_s:.2f}x cast")
    )

    # The auditor's journey on the whole deployment: an index with data, checked.
    db = f"sqlite:///{tmp_path}/audit.sqlite"
    _ok(operator.run("audit sync", "--deployment", str(deployment), "--db", db))
    check = operator.run("audit check", "--deployment", str(deployment), "--db", db, "--format", "json")
    assert check.returncode == 0, check.stdout[-2000:] + check.stderr[-2000:]
    verdict = json.loads(check.stdout)
    assert verdict["verdict"] == "ok" and verdict["covered"]["events"] > 2 * BULK_CLAIMS, verdict["covered"]
