"""Transactions signed locally: the :class:`Signer` protocol and the :class:`Transactor` that fills in
nonce, gas and fees from the node, checks the chain id, sends, and waits for the receipt.

No key ever reaches the node: the signer signs (an eth-account ``LocalAccount``, a hardware wallet's
adapter, a KMS client), the node only receives the signed bytes.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable
from typing import Any, NamedTuple, Protocol, runtime_checkable

from eth_utils import keccak, to_checksum_address

from ..chain.rpc import ALREADY_SENT, Log, Rpc, RpcError
from .base import ContractReverted, Event, Receipt, revert_of

@runtime_checkable
class Signer(Protocol):
    """Anything that signs transactions for one address: an eth-account ``LocalAccount`` is one.

    ``sign_transaction`` takes an EIP-1559 transaction as a dict (``chainId``, ``nonce``, ``to``,
    ``data``, ``value``, ``gas``, ``maxFeePerGas``, ``maxPriorityFeePerGas``, ``type``) and returns the
    signed transaction: an object with ``raw_transaction`` (bytes), or the bytes themselves."""

    @property
    def address(self) -> str: ...

    def sign_transaction(self, transaction_dict: dict[str, Any]) -> Any: ...


def raw_transaction(signed: Any) -> bytes:
    """The bytes of what a :class:`Signer` returned (bytes, or an object with ``raw_transaction``)."""
    if isinstance(signed, (bytes, bytearray)):
        return bytes(signed)
    raw = getattr(signed, "raw_transaction", None)
    if raw is None:
        raw = signed.rawTransaction  # signers written for eth-account before 0.13
    return bytes(raw)


class SignedTransaction(NamedTuple):
    """A transaction signed and not sent yet (:meth:`Transactor.sign`): its hash, its bytes, and the fields
    it was signed with."""

    tx_hash: str  # 0x + 64 hex digits: what the node will know it by
    raw: bytes
    transaction: dict[str, Any]


class TransactionPending(RuntimeError):
    """A transaction sent but not mined within the wait: ``tx_hash`` tells which to look up later."""

    def __init__(self, tx_hash: str, seconds: float):
        self.tx_hash = tx_hash
        super().__init__(f"transaction {tx_hash} was sent but not mined within {seconds:.0f} s: it may still be; "
                         "look it up before sending it again")


class ChainIdMismatch(RuntimeError):
    """The node is on another chain than the one the transactions are meant for."""


class Transactor:
    """Sends transactions signed by ``signer`` through ``rpc``.

    - nonce: the signer's next one, counted here across sends and never below the node's pending count;
    - gas: the node's estimate times ``gas_margin`` (an estimate that reverts raises
      :class:`ContractReverted` before anything is signed);
    - fees: EIP-1559, ``2 × base fee + priority fee`` from the node's latest block;
    - chain id: ``chain_id`` if given, checked once against the node's, else the node's;
    - receipt: polled every ``poll`` seconds for up to ``receipt_timeout`` (:class:`TransactionPending`
      after that); a mined revert raises :class:`ContractReverted` with the data of the call replayed.

    :meth:`send` does it all; :meth:`sign`, :meth:`send_raw` and :meth:`confirm` are its three steps, for a
    caller that writes a transaction's hash down before the node sees it.
    """

    def __init__(self, rpc: Rpc, signer: Signer, *, chain_id: int | None = None, gas_margin: float = 1.2,
                 receipt_timeout: float = 120.0, poll: float = 0.05):
        if not isinstance(signer, Signer):
            raise TypeError(f"signer: {type(signer).__name__} has no address and sign_transaction(dict)")
        if gas_margin < 1:
            raise ValueError(f"gas_margin: must be at least 1, not {gas_margin}")
        self.rpc, self.signer = rpc, signer
        self.sender = to_checksum_address(signer.address)
        self.gas_margin, self.receipt_timeout, self.poll = gas_margin, receipt_timeout, poll
        self._expected_chain_id = chain_id
        self._chain_id: int | None = None
        self._next_nonce: int | None = None
        self._lock = threading.Lock()

    @property
    def chain_id(self) -> int:
        """The chain the transactions are signed for (checked against the node's on first use)."""
        if self._chain_id is None:
            node = self.rpc.chain_id()
            if self._expected_chain_id is not None and node != self._expected_chain_id:
                raise ChainIdMismatch(f"{self.rpc.name} is on chain id {node}, not {self._expected_chain_id}: "
                                      "refusing to sign for it")
            self._chain_id = node
        return self._chain_id

    def _nonce(self) -> int:
        pending = int(self.rpc.call("eth_getTransactionCount", [self.sender, "pending"]), 16)
        with self._lock:
            nonce = max(pending, self._next_nonce or 0)
            self._next_nonce = nonce + 1
        return nonce

    def fees(self) -> dict[str, int]:
        """``maxFeePerGas`` and ``maxPriorityFeePerGas`` for a transaction now (:meth:`Rpc.fees`)."""
        return self.rpc.fees()

    def estimate_gas(self, to: str, data: bytes, value: int, *, contract: str, function: str) -> int:
        """The node's gas estimate times the margin; a revert raises :class:`ContractReverted`."""
        request = {"from": self.sender, "to": to, "data": "0x" + data.hex(), "value": hex(value)}
        try:
            estimate = int(self.rpc.call("eth_estimateGas", [request]), 16)
        except RpcError as err:
            err.request = request  # what was asked (e.g. for an account without funds: what it would cost)
            raise revert_of(err, contract, function) or err
        return math.ceil(estimate * self.gas_margin)

    def sign(self, to: str, data: bytes, *, contract: str, function: str, value: int = 0, gas: int | None = None,
             nonce: int | None = None, max_fee_per_gas: int | None = None,
             max_priority_fee_per_gas: int | None = None) -> SignedTransaction:
        """A call of ``function`` on ``contract`` (names for errors) signed now and sent later by
        :meth:`send_raw`: its hash is known before the node sees it, so it can be written down first (and
        looked up after a crash). Gas, nonce and fees as for :meth:`send`; a call whose gas estimate reverts
        raises :class:`ContractReverted` and nothing is signed."""
        chain_id = self.chain_id
        if gas is None:
            gas = self.estimate_gas(to, data, value, contract=contract, function=function)
        fees = self.fees() if max_fee_per_gas is None or max_priority_fee_per_gas is None else {}
        tx = {
            "type": 2, "chainId": chain_id, "nonce": self._nonce() if nonce is None else nonce, "to": to,
            "data": "0x" + data.hex(), "value": value, "gas": gas,
            "maxFeePerGas": max_fee_per_gas if max_fee_per_gas is not None else fees["maxFeePerGas"],
            "maxPriorityFeePerGas": (max_priority_fee_per_gas if max_priority_fee_per_gas is not None
                                     else fees["maxPriorityFeePerGas"]),
        }
        try:
            raw = raw_transaction(self.signer.sign_transaction(tx))
        except BaseException:
            self._forget_nonce()
            raise
        return SignedTransaction("0x" + keccak(raw).hex(), raw, tx)

    def send_raw(self, signed: SignedTransaction) -> str:
        """Hand a transaction of :meth:`sign` to the node; its hash. The node already holding the same bytes
        (a retried send) counts as sent. A failure leaves the nonce to be read again from the node."""
        try:
            return self._send_signed(signed)
        except BaseException:
            self._forget_nonce()
            raise

    def confirm(self, signed: SignedTransaction, *, contract: str, function: str,
                decode: Callable[[list[Log]], list[Event]] | None = None) -> Receipt:
        """The receipt of a sent :meth:`sign` transaction, once mined (``decode`` decodes its logs); a mined
        revert raises :class:`ContractReverted`, not mined in time :class:`TransactionPending`."""
        receipt = Receipt.from_json(self.wait(signed.tx_hash), decode)
        if receipt.status == 0:
            raise self._mined_revert(signed.transaction, receipt, contract, function)
        return receipt

    def send(self, to: str, data: bytes, *, contract: str, function: str, value: int = 0, gas: int | None = None,
             nonce: int | None = None, max_fee_per_gas: int | None = None, max_priority_fee_per_gas: int | None = None,
             decode: Callable[[list[Log]], list[Event]] | None = None) -> Receipt:
        """Sign and send a call of ``function`` on ``contract`` (names for errors), wait for its receipt."""
        signed = self.sign(to, data, contract=contract, function=function, value=value, gas=gas, nonce=nonce,
                           max_fee_per_gas=max_fee_per_gas, max_priority_fee_per_gas=max_priority_fee_per_gas)
        self.send_raw(signed)
        return self.confirm(signed, contract=contract, function=function, decode=decode)

    def _forget_nonce(self) -> None:
        with self._lock:
            self._next_nonce = None  # the nonce may be unused: read it again from the node next time

    def _send_signed(self, signed: SignedTransaction) -> str:
        try:
            return str(self.rpc.call("eth_sendRawTransaction", ["0x" + signed.raw.hex()]))
        except RpcError as err:
            # the same signed bytes already in the node's pool (a retried send): the transaction is there
            if ALREADY_SENT.search(str(err)) and "nonce" not in str(err).lower():
                return signed.tx_hash
            tx = signed.transaction
            err.request = {"from": self.sender, "to": tx["to"], "data": tx["data"], "value": hex(tx["value"])}
            raise

    def wait(self, tx_hash: str) -> dict[str, Any]:
        """The receipt of ``tx_hash`` as the node gives it, once mined."""
        deadline = time.monotonic() + self.receipt_timeout
        while True:
            receipt = self.rpc.call("eth_getTransactionReceipt", [tx_hash])
            if receipt is not None and receipt.get("blockNumber"):
                return receipt
            if time.monotonic() >= deadline:
                raise TransactionPending(tx_hash, self.receipt_timeout)
            time.sleep(self.poll)

    def _mined_revert(self, tx: dict[str, Any], receipt: Receipt, contract: str, function: str) -> ContractReverted:
        """The revert of a mined transaction, with the data of the same call replayed on the state before
        its block (empty when the replay does not revert: the state it met is gone)."""
        request = {"from": self.sender, "to": tx["to"], "data": tx["data"], "value": hex(tx["value"]),
                   "gas": hex(tx["gas"])}
        try:
            self.rpc.call("eth_call", [request, hex(max(receipt.block_number - 1, 0))])
        except RpcError as err:
            found = revert_of(err, contract, function, receipt.transaction_hash)
            if found is not None:
                return found
        return ContractReverted(contract, function, b"", receipt.transaction_hash)
