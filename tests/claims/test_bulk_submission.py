"""The insurer's bulk submission against the chain: outcomes, idempotent reruns, a run killed midway,
transactions the node lost, a lost journal, and the pre-flight checks against the chain."""

from __future__ import annotations

import pytest

from medchain.claims.bulk import TOPIC_REJECTED, TOPIC_SUBMITTED
from medchain.claims.inputs import ClaimInputError
from medchain.claims.journal import Journal, JournalError
from medchain.claims.submission import errors_path, submit_file
from medchain.consent import Category, Purpose
from medchain.records.receipts import Receipt
from tests.claims.conftest import DAY, evidence

KEY = b"\x07" * 32
HEADER = "claim_ref,policy_id,provider,service_date,amount,line_items,evidence"


class Killed(BaseException):
    """Stands for the process being killed (not an Exception: nothing may catch it)."""


class KillingSigner:
    """Signs ``allowed`` transactions, then 'dies'."""

    def __init__(self, account, allowed: int):
        self.account, self.address = account, account.address
        self.allowed = allowed

    def sign_transaction(self, tx):
        if self.allowed == 0:
            raise Killed()
        self.allowed -= 1
        return self.account.sign_transaction(tx)


def write_claims(world, setup, folder, count, *, tag, extra_rows=()):
    """``count`` valid claims (single-anchored evidence, receipts on disk) plus ``extra_rows``."""
    rows = [HEADER]
    for n in range(count):
        record = evidence(world)
        Receipt(
            record_hash=record,
            chain_id=setup["chain_id"],
            contract=world.anchor.address,
            tx="0x" + "00" * 32,
            block=1,
            provider=world.hospital.address,
            anchored_at=1,
        ).save(folder / f"r{n}.json")
        rows.append(
            f"{tag}-{n},0x{world.policy.hex()},{world.hospital.address},{world.start + DAY + n},"
            f"{1000 + n},{tag.upper()}{n}@{1000 + n},r{n}.json"
        )
    rows.extend(extra_rows)
    path = folder / f"{tag}.csv"
    path.write_text("\n".join(rows) + "\n")
    return path


def run(world, setup, path, *, signer=None, journal=None, **kw):
    return submit_file(
        path,
        rpc=setup["rpc"],
        contract=world.claims.address,
        signer=signer or setup["insurer"],
        journal_path=journal or path.with_name(path.name + ".journal.sqlite"),
        codes_key=kw.pop("codes_key", KEY),
        decimals=6,
        responses_dir=path.with_name("responses"),
        batch_size=kw.pop("batch_size", 4),
        window=kw.pop("window", 2),
        **kw,
    )


def logged(world, setup, topic):
    """Claim ids (first indexed topic) of every ``topic`` log of the claims contract."""
    logs = setup["w3"].eth.get_logs({"address": world.claims.address, "fromBlock": 0, "topics": [topic]})
    return [bytes(log["topics"][1]) for log in logs]


def nonce(chain, setup):
    return chain.provider.web3.eth.get_transaction_count(setup["insurer"].address)


def test_a_file_goes_through_and_a_rerun_sends_nothing(world, setup, chain, tmp_path):
    no_consent = (
        f"nc,0x{setup['no_consent'].hex()},{world.hospital.address},{world.start + DAY},50,NC1@50,"
        f"0x{evidence(world).hex()}"
    )
    future = (
        f"fut,0x{world.policy.hex()},{world.hospital.address},{chain.pending_timestamp + 10 * DAY},50,FUT@50,"
        f"0x{evidence(world).hex()}"
    )
    path = write_claims(world, setup, tmp_path, 9, tag="a", extra_rows=[no_consent, future])
    before = nonce(chain, setup)
    report = run(world, setup, path)
    assert report.result.sent == 11 and report.result.transactions == 3  # batches of 4
    assert nonce(chain, setup) == before + 3
    assert report.summary["outcomes"] == {"Approved": 9, "Rejected": 2}
    assert report.summary["reasons"][197] == 1 and report.summary["reasons"][110] == 1
    rows = {r.ref: r for r in report.parsed.rows}
    statuses = world.claims.claimStatuses([rows[f"a-{n}"].claim_id for n in range(9)] + [rows["nc"].claim_id])
    assert list(statuses) == [2] * 9 + [0]  # Approved on chain; the refused claim stored nothing
    responses = sorted(p.name for p in (tmp_path / "responses").iterdir())
    assert len(responses) == 11 and any(name.startswith("nc.") for name in responses)

    again = run(world, setup, path)
    assert (again.result.sent, again.result.already_done, again.result.transactions) == (0, 11, 0)
    assert nonce(chain, setup) == before + 3
    assert again.summary == report.summary


def test_a_run_killed_midway_resumes_with_exactly_the_expected_claims(world, setup, chain, tmp_path):
    path = write_claims(world, setup, tmp_path, 10, tag="k")
    before = nonce(chain, setup)
    with pytest.raises(Killed):
        # window 2: one batch per request; the first is journaled and sent, the process dies signing the second
        run(world, setup, path, signer=KillingSigner(setup["insurer"], allowed=1), window=2)
    assert nonce(chain, setup) == before + 1
    with pytest.raises(Killed):  # window 4: groups of two batches; it dies signing the second of the first group
        run(world, setup, path, signer=KillingSigner(setup["insurer"], allowed=1), window=4)
    assert nonce(chain, setup) == before + 1
    resumed = run(world, setup, path)
    ids = [r.claim_id for r in resumed.parsed.rows]
    assert list(world.claims.claimStatuses(ids)) == [2] * 10
    assert resumed.summary["outcomes"] == {"Approved": 10}
    # Every claim was submitted once: ten ClaimSubmitted events and no duplicate refusal for these ids.
    assert sum(1 for cid in logged(world, setup, TOPIC_SUBMITTED) if cid in set(ids)) == 10
    assert not set(logged(world, setup, TOPIC_REJECTED)) & set(ids)
    assert nonce(chain, setup) == before + 3


def test_transactions_the_node_never_received_are_sent_again(world, setup, chain, tmp_path, monkeypatch):
    path = write_claims(world, setup, tmp_path, 6, tag="d")
    from medchain.claims import bulk

    real = bulk.BulkSubmitter._rpc_batch

    def lose_sends(self, calls, **kw):  # the process dies as it sends (no retry)
        if calls and calls[0][0] == "eth_sendRawTransaction":
            raise ConnectionError("node went away")
        return real(self, calls, **kw)

    monkeypatch.setattr(bulk.BulkSubmitter, "_rpc_batch", lose_sends)
    with pytest.raises(ConnectionError):
        run(world, setup, path)
    monkeypatch.setattr(bulk.BulkSubmitter, "_rpc_batch", real)
    with Journal(
        path.with_name(path.name + ".journal.sqlite"), chain_id=chain.chain_id, contract=world.claims.address
    ) as journal:
        assert len(journal.sent_transactions()) == 1  # written down before the send that failed
    resumed = run(world, setup, path)
    assert any("never reached the chain" in note for note in resumed.result.notes)
    assert resumed.summary["outcomes"] == {"Approved": 6}


def test_claims_on_chain_are_recovered_without_a_journal(world, setup, chain, tmp_path):
    path = write_claims(world, setup, tmp_path, 3, tag="j")
    run(world, setup, path)
    before = nonce(chain, setup)
    other_journal = tmp_path / "fresh.sqlite"
    report = run(world, setup, path, journal=other_journal)
    assert (report.result.sent, report.result.recovered) == (0, 3)
    assert nonce(chain, setup) == before
    assert report.summary["outcomes"] == {"Approved": 3}
    with pytest.raises(JournalError, match="this journal is for contract"):
        Journal(other_journal, chain_id=chain.chain_id, contract="0x" + "00" * 20)


def test_unknown_policies_stop_the_run_before_anything_is_sent(world, setup, chain, tmp_path):
    unknown = f"u,0x{'cd' * 32},{world.hospital.address},{world.start + DAY},50,U@50,0x{'11' * 32}"
    path = write_claims(world, setup, tmp_path, 2, tag="u", extra_rows=[unknown])
    before = nonce(chain, setup)
    with pytest.raises(ClaimInputError, match=r"line 4: policy_id: policy 0xcdcd.* is not registered on chain"):
        run(world, setup, path)
    assert nonce(chain, setup) == before
    report = run(world, setup, path, skip_invalid=True)
    assert report.summary["outcomes"] == {"Approved": 2} and report.skipped_invalid == 1
    rejects = report.rejects_file.read_text().splitlines()
    assert rejects == [HEADER, unknown], "the input's header and the row as read"
    errors = errors_path(report.rejects_file).read_text().splitlines()
    assert errors[1].startswith("2,4,policy_id,") and "not registered on chain" in errors[1]


def test_consent_is_the_patients_to_give(world, setup, accounts):
    """Sanity of the fixture: the second policy's patient never consented to the insurer."""
    assert not world.consent.hasConsent(accounts[11], world.insurer, int(Purpose.HPAYMT), int(Category.BILLING_CLAIMS))
