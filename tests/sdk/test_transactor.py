"""Sign now, send later: :meth:`Transactor.sign` gives a transaction's hash before the node sees it (so a
caller can write it down first), :meth:`Transactor.send_raw` hands it over, :meth:`Transactor.confirm`
waits for its receipt."""

from __future__ import annotations

import secrets

import pytest
from eth_utils import keccak

from medchain import ContractReverted, RecordAnchor, Transactor


def _anchor(suite, signer) -> tuple[RecordAnchor, Transactor]:
    contract = suite.records.with_signer(signer)
    assert contract.transactor is not None
    return contract, contract.transactor


def _nonce(suite, address: str) -> int:
    return int(suite.rpc.call("eth_getTransactionCount", [address, "pending"]), 16)


def test_a_signed_transaction_is_known_by_its_hash_before_it_is_sent(suite, keys):
    contract, transactor = _anchor(suite, keys["hospital"])
    record = secrets.token_bytes(32)
    signed = transactor.sign(
        contract.address, contract.encode("anchor", record), contract="RecordAnchor", function="anchor"
    )
    assert signed.tx_hash == "0x" + keccak(signed.raw).hex()
    assert signed.transaction["to"] == contract.address and signed.transaction["chainId"] == 1337
    assert suite.rpc.call("eth_getTransactionByHash", [signed.tx_hash]) is None, "nothing sent yet"
    assert contract.verify(keys["hospital"].address, record).anchoredAt == 0

    assert transactor.send_raw(signed) == signed.tx_hash
    receipt = transactor.confirm(signed, contract="RecordAnchor", function="anchor", decode=contract.decode_logs)
    assert receipt.transaction_hash == signed.tx_hash and receipt.status == 1
    (event,) = receipt.events
    assert isinstance(event, RecordAnchor.RecordAnchored) and event.recordHash == record
    assert contract.verify(keys["hospital"].address, record).anchoredAt > 0


def test_the_same_signed_bytes_sent_twice_are_one_transaction(suite, keys):
    contract, transactor = _anchor(suite, keys["hospital"])
    hospital = keys["hospital"].address
    before = _nonce(suite, hospital)
    signed = transactor.sign(
        contract.address, contract.encode("anchor", secrets.token_bytes(32)), contract="RecordAnchor", function="anchor"
    )
    suite.rpc.call("evm_setAutomine", [False])
    try:
        assert transactor.send_raw(signed) == signed.tx_hash
        assert transactor.send_raw(signed) == signed.tx_hash, "a retried send of the same bytes is not an error"
        suite.rpc.call("evm_mine")
    finally:
        suite.rpc.call("evm_setAutomine", [True])
    assert transactor.confirm(signed, contract="RecordAnchor", function="anchor").status == 1
    assert _nonce(suite, hospital) == before + 1


def test_signing_a_call_the_contract_refuses_raises_and_uses_no_nonce(suite, keys):
    contract, transactor = _anchor(suite, keys["stranger"])  # not a member: may not anchor
    stranger = keys["stranger"].address
    before = _nonce(suite, stranger)
    with pytest.raises(ContractReverted) as refused:
        transactor.sign(
            contract.address,
            contract.encode("anchor", secrets.token_bytes(32)),
            contract="RecordAnchor",
            function="anchor",
        )
    assert refused.value.function == "anchor" and refused.value.data and refused.value.tx_hash is None
    assert _nonce(suite, stranger) == before


def test_a_signed_call_that_reverts_when_mined_raises_with_its_hash(suite, keys):
    """Signed with its gas given (no estimate), it reaches the chain and reverts there: ``confirm`` says so,
    naming the mined transaction, and the next transaction takes the next nonce."""
    contract, transactor = _anchor(suite, keys["stranger"])
    stranger = keys["stranger"].address
    before = _nonce(suite, stranger)
    signed = transactor.sign(
        contract.address,
        contract.encode("anchor", secrets.token_bytes(32)),
        contract="RecordAnchor",
        function="anchor",
        gas=200_000,
    )
    transactor.send_raw(signed)
    with pytest.raises(ContractReverted) as refused:
        transactor.confirm(signed, contract="RecordAnchor", function="anchor")
    assert refused.value.tx_hash == signed.tx_hash and refused.value.data
    assert _nonce(suite, stranger) == before + 1
