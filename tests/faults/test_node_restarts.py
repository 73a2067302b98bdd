"""The node stops in the middle of `ape run claims submit` and `ape run records anchor`, and comes back:

- SIGTERM with ``--state``: anvil writes its chain on the way out; its pool (transactions sent but
  not mined) is lost;
- SIGKILL with ``--state`` and a long ``--state-interval``: the chain comes back as it was at the
  last dump, so blocks the scripts saw mined are gone;
- SIGKILL without persistence: the chain is gone.

Each time the script's own words while the node is away are checked, then the same command is run
again on the restarted node, and the chain is read to check that every claim and record is there
exactly once and that the journals agree with it. Where the script's words are checked in another
test, the claims job runs in this process (the function the script calls), which is quicker.
"""

from __future__ import annotations

import re
import signal
import sqlite3
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from medchain.claims.bulk import BulkSubmitError
from tests.faults.conftest import (
    BLOCK_TIME,
    CLAIMS,
    anchor_args,
    assert_claims_once_and_journal_agrees,
    assert_records_once,
    journal_of,
    submit_args,
    submit_in_process,
    write_claims,
    write_records,
)


def _kill_mid_submission(scene, path, sig):
    """Run `ape run claims submit` on a node that mines only when told: two batches mined, two more
    sent, then ``sig``. Returns the script's exit code and output."""
    proc = scene.op.start("claims submit", *submit_args(scene, path))
    _mine_two_then_stop(scene.node, proc, sig)
    out, err = proc.communicate(timeout=120)
    return proc.returncode, out + err


def _kill_mid_submission_in_process(scene, path, sig):
    """The same, with the job the script runs (:func:`submit_file`) in a thread of this process:
    returns what it said while retrying, and the message it stopped with."""
    messages: list[str] = []
    with ThreadPoolExecutor(1) as pool:
        job = pool.submit(submit_in_process, scene, path, None, messages, 2.0)
        _mine_two_then_stop(scene.node, job, sig)
        with pytest.raises(BulkSubmitError) as stopped:
            job.result(timeout=120)
    return messages, str(stopped.value)


def _mine_two_then_stop(node, job, sig):
    node.wait_pending(2, job)  # window 2: two batches in flight
    node.call("evm_mine")
    node.wait_pending(2, job)  # the next two
    time.sleep(0.2)  # let the job hear back from its last send
    node.stop(sig)


def _check_stopped_message(out, path):
    # while it waits: what is wrong (the node may die mid-request, even before the script heard that
    # its last send arrived, or while the script waits for the next block), and for how long it keeps trying
    method = r"eth_(getTransactionReceipt|sendRawTransaction|blockNumber)"
    assert re.search(
        rf"the node at http://127\.0\.0\.1:\d+ is not answering {method} \(connection "
        r"(refused|dropped)\); retrying for up to 2 s",
        out,
    ), out
    # when it gives up: what the journal holds and what to do
    assert re.search(rf"has not answered {method} for 2 s \(connection refused\)\. The run stopped", out), out
    assert f"4 claim(s) in 2 transaction(s) are journaled as sent in {journal_of(path)}" in out
    assert "the next run checks them on chain and sends again only those that never got there" in out
    assert "start the node again (or wait for it) and rerun the same command to resume" in out
    assert "Traceback" not in out


def test_claims_node_stopped_with_its_state_saved(scene):
    path = write_claims(scene)
    scene.node.start("--state", str(scene.state), "--no-mining")
    code, out = _kill_mid_submission(scene, path, signal.SIGTERM)
    assert code != 0
    _check_stopped_message(out, path)

    scene.node.start("--state", str(scene.state), "--block-time", BLOCK_TIME)
    result = scene.op.run("claims submit", *submit_args(scene, path))
    out = result.stdout + result.stderr
    assert result.returncode == 0, out
    # the two mined batches came back with the chain; the two in the lost pool are sent again
    assert f"{CLAIMS} claim(s) in {path}: sent 8 in 4 transaction(s), recovered 0, already done 4" in out
    assert out.count("never reached the chain (node restarted?): its claims are sent again") == 2
    assert f"outcomes: PendingFunds {CLAIMS}" in out  # accepted; the pool is not funded in this consortium
    assert_claims_once_and_journal_agrees(scene, journal_of(path))


def test_claims_node_killed_loses_its_latest_blocks(scene):
    path = write_claims(scene)
    # state written only on a clean exit (the interval never comes): SIGKILL loses what this test mined
    scene.node.start("--state", str(scene.state), "--state-interval", "3600", "--no-mining")
    messages, stopped = _kill_mid_submission_in_process(scene, path, signal.SIGKILL)
    _check_stopped_message("\n".join([*messages, stopped]), path)

    scene.node.start("--state", str(scene.state), "--block-time", BLOCK_TIME)
    report = submit_in_process(scene, path)
    # the journal had 4 claims accepted in 2 mined transactions the chain no longer holds: all 12 go again
    assert (
        "2 transaction(s) (4 claim(s)) the journal recorded as mined, and 0 claim(s) it had found on chain, are "
        "no longer on chain (the node lost its latest blocks, or the chain was reset)" in report.result.notes[-1]
    )
    assert (report.result.sent, report.result.transactions) == (CLAIMS, CLAIMS // 2)
    assert report.summary["outcomes"] == {"PendingFunds": CLAIMS}
    assert_claims_once_and_journal_agrees(scene, journal_of(path))


def test_a_chain_killed_without_persistence_is_gone_and_the_scripts_say_so(scene):
    path = write_claims(scene)
    write_records(scene)
    scene.node.start("--load-state", str(scene.state), "--no-mining")  # loads the consortium, never writes
    messages, stopped = _kill_mid_submission_in_process(scene, path, signal.SIGKILL)
    _check_stopped_message("\n".join([*messages, stopped]), path)
    with sqlite3.connect(journal_of(path)) as db:
        before = db.execute("SELECT claim_id, state, tx_hash FROM claims ORDER BY claim_id").fetchall()

    # while it is down, a rerun says so and does nothing
    result = scene.op.run("claims submit", *submit_args(scene, path))
    out = result.stdout + result.stderr
    assert result.returncode != 0 and "Traceback" not in out
    assert f"the node at {scene.node.url} is not answering" in out, out
    assert "start it (or wait for it) and rerun the same command" in out, out

    scene.node.start("--block-time", BLOCK_TIME)  # a new, empty chain at the same URL
    for script, args in (("claims submit", submit_args(scene, path)), ("records anchor", anchor_args(scene))):
        result = scene.op.run(script, *args)
        out = result.stdout + result.stderr
        assert result.returncode != 0 and "Traceback" not in out
        assert "on chain 1337: the chain was reset or the manifest is stale; deploy again" in out, out
    with pytest.raises(
        BulkSubmitError,
        match=r"no contract at 0x\w+ on chain 1337 \(the node at http://127.0.0.1:\d+\)"
        r": the chain was reset, or this is another chain than the one the journal .* was written for; "
        "nothing was sent",
    ):
        submit_in_process(scene, path)
    insurer = scene.consortium.keys["insurer"].address
    assert scene.w3.eth.get_transaction_count(insurer) == 0, "nothing was sent to the new chain"
    with sqlite3.connect(journal_of(path)) as db:
        assert db.execute("SELECT claim_id, state, tx_hash FROM claims ORDER BY claim_id").fetchall() == before


def test_records_node_stopped_with_a_batch_in_flight(scene, project):
    records = write_records(scene)
    scene.node.start("--state", str(scene.state), "--no-mining")
    proc = scene.op.start("records anchor", *anchor_args(scene))
    scene.node.wait_pending(1, proc)  # the batch transaction, sent and not mined
    scene.node.stop(signal.SIGTERM)
    out, err = proc.communicate(timeout=120)
    out += err
    journal = scene.folder / "receipts" / ".pending-batch.json"
    assert proc.returncode != 0 and "Traceback" not in out, out
    assert f"{scene.node.url} stopped answering (connection " in out, out
    assert f"({len(records)} records, root 0x" in out and "was in flight" in out, out
    assert f"It is written down in {journal}" in out
    assert (
        "rerun the same command; the batch is looked up on chain and anchored again only if it never got there" in out
    )
    assert journal.exists()

    scene.node.start("--state", str(scene.state), "--block-time", BLOCK_TIME)
    result = scene.op.run("records anchor", *anchor_args(scene))
    out = result.stdout + result.stderr
    assert result.returncode == 0, out
    assert "never reached the chain (the node restarted?), so its records are anchored again" in out
    assert f"anchored {len(records)}, recovered 0, already done 0" in out
    assert_records_once(scene, project, records)


def test_records_node_killed_loses_the_block_of_a_finished_batch(scene, project):
    records = write_records(scene)
    scene.node.start("--state", str(scene.state), "--state-interval", "3600", "--block-time", BLOCK_TIME)
    result = scene.op.run("records anchor", *anchor_args(scene))
    assert result.returncode == 0 and f"anchored {len(records)}," in result.stdout, result.stdout + result.stderr
    scene.node.stop(signal.SIGKILL)  # the batch's block was never written to the state file

    scene.node.start("--state", str(scene.state), "--block-time", BLOCK_TIME)
    result = scene.op.run("records anchor", *anchor_args(scene))
    out = result.stdout + result.stderr
    assert result.returncode == 0, out
    receipts = scene.folder / "receipts"
    assert f"{len(records)} receipt(s) in {receipts}/ point to anchors this chain no longer holds" in out
    assert f"anchored {len(records)}, recovered 0, already done 0" in out
    assert_records_once(scene, project, records)
