"""A node that answers with errors or not at all, mid-batch (a proxy in front of anvil injects the
failures): no claim or record is ever on chain twice, and none is silently lost. A failure that
passes within the scripts' patience is ridden out; one that lasts stops the run with a message
saying what the journal holds, and the same command run again finishes the job."""

from __future__ import annotations

import types

import pytest

from medchain.claims.bulk import BulkSubmitError
from tests.faults.conftest import (
    BLOCK_TIME,
    CLAIMS,
    anchor_args,
    assert_claims_once_and_journal_agrees,
    assert_records_once,
    journal_of,
    submit_in_process,
    write_claims,
    write_records,
)
from tests.faults.proxy import FailingProxy, Fault
from tests.operator import Operator


@pytest.fixture
def node(scene):
    """The scene's chain on a node that mines every 0.2 s (nothing here is written back)."""
    scene.node.start("--load-state", str(scene.state), "--block-time", BLOCK_TIME)
    return scene.node


def _insurer_nonce(scene):
    return scene.w3.eth.get_transaction_count(scene.consortium.keys["insurer"].address)


RIDDEN_OUT = {
    "send reaches the node, the client gets HTTP 500": (
        [dict(method="eth_sendRawTransaction", action="http-500", forward=True, after=1)],
        "is not answering eth_sendRawTransaction (HTTP 500",
    ),
    "send reaches the node, the client times out": (
        [dict(method="eth_sendRawTransaction", action="timeout", forward=True, after=2)],
        "is not answering eth_sendRawTransaction (no answer in time)",
    ),
    "send refused twice with a JSON-RPC error": (
        [dict(method="eth_sendRawTransaction", action="rpc-error", times=2, after=1)],
        "is not answering eth_sendRawTransaction (eth_sendRawTransaction: injected internal error)",
    ),
    "receipts: HTTP 500 three times, then JSON-RPC errors twice": (
        [
            dict(method="eth_getTransactionReceipt", action="http-500", forward=True, times=3, after=2),
            dict(method="eth_getTransactionReceipt", action="rpc-error", times=2),
        ],
        "is not answering eth_getTransactionReceipt (HTTP 500",
    ),
    "receipts: one answer comes too late": (
        [dict(method="eth_getTransactionReceipt", action="timeout", forward=True, after=1)],
        "is not answering eth_getTransactionReceipt (no answer in time)",
    ),
}


@pytest.mark.parametrize("faults, heard", RIDDEN_OUT.values(), ids=RIDDEN_OUT.keys())
def test_a_passing_failure_is_ridden_out(scene, node, faults, heard):
    path = write_claims(scene)
    nonce = _insurer_nonce(scene)
    messages: list[str] = []
    with FailingProxy(node.url) as proxy:
        proxy.faults = [Fault(**f) for f in faults]
        report = submit_in_process(scene, path, proxy.url, messages)
    assert not proxy.faults, "every planned failure happened"
    assert any(heard in m and "retrying for up to 5 s" in m for m in messages), messages
    assert report.summary["outcomes"] == {"PendingFunds": CLAIMS}
    assert _insurer_nonce(scene) == nonce + CLAIMS // 2, "six batches, six transactions: none sent twice"
    assert_claims_once_and_journal_agrees(scene, journal_of(path))


def test_sends_refused_for_longer_than_the_patience_stop_the_run_and_a_rerun_finishes(scene, node):
    path = write_claims(scene)
    nonce = _insurer_nonce(scene)
    messages: list[str] = []
    with FailingProxy(node.url) as proxy:
        proxy.faults = [Fault("eth_sendRawTransaction", "rpc-error", times=0, after=1)]  # the first send only
        with pytest.raises(BulkSubmitError) as stopped:
            submit_in_process(scene, path, proxy.url, messages, patience=1.0)
        message = str(stopped.value)
        assert (
            "has not answered eth_sendRawTransaction for 1 s (eth_sendRawTransaction: injected internal error)"
            ". The run stopped: 4 claim(s) in 2 transaction(s) are journaled as sent in " in message
        )
        assert message.endswith(
            "To finish: start the node again (or wait for it) and rerun the same command to resume."
        )

        proxy.faults.clear()
        report = submit_in_process(scene, path, proxy.url, messages)
    notes = report.result.notes
    assert sum("never reached the chain" in note for note in notes) == 1, notes  # the refused one; the first was mined
    assert report.result.recovered == 2 and report.result.sent == CLAIMS - 2
    assert _insurer_nonce(scene) == nonce + CLAIMS // 2
    assert_claims_once_and_journal_agrees(scene, journal_of(path))


def test_receipts_that_never_come_stop_the_run_and_the_mined_batches_are_recovered(scene, node):
    path = write_claims(scene)
    nonce = _insurer_nonce(scene)
    with FailingProxy(node.url) as proxy:
        proxy.faults = [Fault("eth_getTransactionReceipt", "timeout", forward=True, times=0)]
        with pytest.raises(BulkSubmitError) as stopped:
            submit_in_process(scene, path, proxy.url, [], patience=2.0)
        assert (
            "has not answered eth_getTransactionReceipt for 2 s (no answer in time). The run stopped: 4 claim(s) "
            "in 2 transaction(s) are journaled as sent" in str(stopped.value)
        )

        proxy.faults.clear()
        report = submit_in_process(scene, path, proxy.url, [])
    # the node had mined both batches the client never heard about: recovered, not sent again
    assert report.result.recovered == 4 and report.result.sent == CLAIMS - 4
    assert _insurer_nonce(scene) == nonce + CLAIMS // 2
    assert_claims_once_and_journal_agrees(scene, journal_of(path))


def test_a_batch_anchor_the_client_saw_fail_is_recovered_not_sent_again(scene, node, project):
    records = write_records(scene)
    hospital = scene.consortium.keys["hospital"].address
    nonce = scene.w3.eth.get_transaction_count(hospital)
    with FailingProxy(node.url) as proxy:
        op = Operator(node=types.SimpleNamespace(url=proxy.url), data_folder=scene.op.data_folder, keys=scene.op.keys)
        # every answer to the send is an HTTP 500, though the node takes the transaction
        proxy.faults = [Fault("eth_sendRawTransaction", "http-500", forward=True, times=0)]
        result = op.run("records anchor", *anchor_args(scene))
        out = result.stdout + result.stderr
        assert result.returncode != 0 and "Traceback" not in out, out
        assert (
            f"{proxy.url} stopped answering (HTTP 500 Internal Server Error) while the batch transaction 0x" in out
        ), out
        assert (scene.folder / "receipts" / ".pending-batch.json").exists()

        proxy.faults.clear()
        result = op.run("records anchor", *anchor_args(scene))
    out = result.stdout + result.stderr
    assert result.returncode == 0, out
    assert "is on chain: receipts written, nothing sent again" in out
    assert f"anchored 0, recovered {len(records)}, already done 0" in out
    assert scene.w3.eth.get_transaction_count(hospital) == nonce + 1
    assert_records_once(scene, project, records)
