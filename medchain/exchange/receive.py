"""Receiving a record: open the envelope, and believe nothing the chain does not confirm.

``receive_envelope`` refuses (:class:`ReceiveRefused`, or :class:`~.envelope.EnvelopeError` for an
envelope that does not open) unless every step holds:

1. the envelope is for this chain and this RecordExchange contract;
2. the recipient's keyring holds the private key the data key was wrapped to (a key rotated since
   still works: old keys stay in the keyring), and the data key and ciphertext authenticate;
3. the envelope is addressed to the receiving account;
4. ``keccak256(salt ‖ JCS(record))`` equals the record hash inside;
5. the record is anchored on chain by the discloser (alone, or in its batch with the proof inside),
   and not retracted (a superseded version is accepted and reported as such);
6. the category the disclosure carries is the record's own (derived from its content again here:
   a discloser cannot log a labelled record under a narrower category);
7. a ``RecordDisclosed`` event logs exactly this disclosure: this patient, this recipient, this record,
   purpose, category and discloser.

Only then the record is written, with an anchoring receipt that includes its salt, so that
``ape run records verify`` can check it again later. Files are named after the record hash alone (nothing the
discloser wrote reaches a path) and always land directly in ``out_dir``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from eth_utils import to_checksum_address

from ..chain.rpc import Rpc
from ..jsonfiles import write_json_atomic
from ..records.anchoring import verify_record
from ..records.hashing import RecordFile, canonical_bytes
from ..records.receipts import Receipt, ReceiptError
from .categories import CategoryError, checked_category
from .disclosures import Disclosure, read_disclosures
from .envelope import Contents, Envelope, open_envelope
from .keys import Keyring
from .share import ExchangeSuite


class ReceiveRefused(Exception):
    """An envelope that opened but does not check out; the message says what does not match."""


def output_paths(out_dir: Path, record_hash: bytes) -> tuple[Path, Path]:
    """Where a received record and its receipt go: ``record-<hash>.json`` and ``.receipt.json`` directly
    in ``out_dir``. Named from the 32-byte hash only; checked to stay in ``out_dir`` all the same."""
    if len(record_hash) != 32:
        raise ReceiveRefused(f"a record hash is 32 bytes, not {len(record_hash)}")
    folder = Path(out_dir).resolve()
    name = f"record-{record_hash.hex()}"
    paths = (folder / f"{name}.json", folder / f"{name}.receipt.json")
    for path in paths:
        if path.parent != folder:
            raise ReceiveRefused(f"{path}: outside {folder}")
    return paths


@dataclass(frozen=True)
class Received:
    contents: Contents
    disclosure: Disclosure
    verdict: str  # the anchor's verdict: "anchored" or "superseded"
    verdict_message: str
    record_path: Path
    receipt_path: Path
    current_key: bool  # False: wrapped to a key the recipient has rotated since


def receive_envelope(
    *,
    suite: ExchangeSuite,
    chain_id: int,
    data: bytes,
    source: str,
    account: str,
    keyring: Keyring,
    passphrase: str,
    out_dir: Path,
    rpc: Rpc | str | None = None,
) -> Received:
    """Open, check (see the module docstring) and write one envelope's record into ``out_dir``. ``account``
    is the recipient's address; ``suite`` may read only. ``rpc`` (a JSON-RPC URL or an
    :class:`~medchain.chain.rpc.Rpc`) is the node the disclosure log is read from: default, the suite's."""
    account = to_checksum_address(account)
    exchange_address = suite.exchange.address
    envelope = Envelope.from_bytes(data, source)
    if envelope.chain_id != chain_id or envelope.exchange != exchange_address:
        raise ReceiveRefused(
            f"{source}: for chain {envelope.chain_id} contract {envelope.exchange}, not this "
            f"deployment (chain {chain_id} contract {exchange_address})"
        )
    contents = open_envelope(envelope, keyring.private_key(envelope.recipient_key, passphrase))
    if contents.recipient != account:
        raise ReceiveRefused(f"{source}: addressed to {contents.recipient}, not to {account}")
    recomputed = contents.rehash()
    if recomputed != contents.record_hash:
        raise ReceiveRefused(
            f"{source}: the record does not hash to the hash it came with (keccak256(salt ‖ record) "
            f"is 0x{recomputed.hex()}, the envelope says 0x{contents.record_hash.hex()})"
        )
    try:
        receipt = Receipt.from_json(contents.anchor, f"{source}: anchor receipt")
    except ReceiptError as err:
        raise ReceiveRefused(str(err)) from None
    if receipt.record_hash != contents.record_hash:
        raise ReceiveRefused(f"{source}: the anchor receipt is for 0x{receipt.record_hash.hex()}, not for this record")
    record = RecordFile(Path(source), str(contents.record.get("resourceType", "")), canonical_bytes(contents.record))
    verdict = verify_record(
        anchor_contract=suite.anchor, chain_id=chain_id, record=record, salt=contents.salt, receipt=receipt
    )
    if verdict.status not in ("anchored", "superseded"):
        raise ReceiveRefused(f"{source}: the anchor does not confirm the record: {verdict.message}")
    try:
        checked_category(contents.record, contents.category, f"{source}: the record")
    except CategoryError as err:
        raise ReceiveRefused(f"{err}: the disclosure's category is not the record's, so it is refused") from None
    if verdict.provider is None or to_checksum_address(verdict.provider) != contents.discloser:
        raise ReceiveRefused(
            f"{source}: the record was anchored by {verdict.provider}, not by the discloser {contents.discloser}"
        )
    logged = [
        d
        for d in read_disclosures(
            rpc or suite.exchange.rpc,
            exchange_address,
            patient=contents.patient,
            recipient=account,
            record_hash=contents.record_hash,
            from_block=suite.from_block,
        )
        if (d.purpose, d.category, d.discloser) == (contents.purpose, contents.category, contents.discloser)
    ]
    if not logged:
        raise ReceiveRefused(
            f"{source}: no disclosure of record 0x{contents.record_hash.hex()} by {contents.discloser} to {account} "
            f"about patient {contents.patient} (purpose {contents.purpose}, category {contents.category}) is logged "
            f"on chain: the discloser never logged it, so it is refused"
        )
    record_path, receipt_path = output_paths(out_dir, contents.record_hash)
    write_json_atomic(record_path, contents.record)
    receipt.salt = contents.salt  # the recipient keeps the salt: with it the record can be verified again
    receipt.save(receipt_path)
    current = bytes(suite.exchange.encryptionKeyOf(account)) == envelope.recipient_key
    return Received(contents, logged[-1], verdict.status, verdict.message, record_path, receipt_path, current)
