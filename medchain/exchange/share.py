"""Sharing records: check everything the contract will check, encrypt, store, log the disclosures.

``share_records`` refuses, before anything is encrypted or sent, what ``RecordExchange`` would refuse,
with a message that says why in words (:class:`ShareRefused`): the sender is not an active provider,
the recipient is not an active member or has no encryption key, the patient's consent is missing,
expired, revoked or too narrow (naming what it does cover), or a record was not anchored by the
sender or was retracted. Then each record is sealed for the recipient's registered key, stored, and
the disclosures are logged on chain, ``batch_size`` records per transaction (``logDisclosures``; a
lone record anchored on its own goes through ``logDisclosure``). Envelopes are stored before the log
is sent, so a logged disclosure always has its envelope; an envelope whose disclosure never reached
the chain is refused by the recipient (:mod:`medchain.exchange.receive`).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from eth_utils import to_checksum_address

from ..access import Role
from ..consent import Category, Purpose, names, parse_purposes
from ..consent.client import iso
from ..records.anchoring import SaltStore, collect_records
from ..records.hashing import RecordError, RecordFile
from ..records.receipts import Receipt, ReceiptError
from .categories import checked_category
from .envelope import Contents, seal
from .keys import check_public_key
from .store import EnvelopeStore

if TYPE_CHECKING:
    from ..contracts import ConsentRegistry, ConsortiumRegistry, RecordAnchor, RecordExchange
    from ..contracts import Disclosure as DisclosureStruct

ZERO_ADDRESS = "0x" + "00" * 20
ZERO32 = b"\0" * 32
#: Records per logDisclosures transaction (20 is the gas target's batch; 100 stay far below a block).
DEFAULT_BATCH_SIZE = 20


class ShareRefused(Exception):
    """A share that the contract would refuse, or inputs that cannot be shared; the message says why."""


@dataclass(frozen=True)
class ExchangeSuite:
    """The contracts a share or a receipt talks to, as the SDK's classes (:mod:`medchain.contracts`), and where
    to read logs from. To share, ``exchange`` carries the discloser's transactor: it signs the disclosures."""

    registry: ConsortiumRegistry
    consent: ConsentRegistry
    anchor: RecordAnchor
    exchange: RecordExchange
    from_block: int = 0  # the RecordExchange deployment block: no disclosure is older

    @classmethod
    def from_contracts(cls, contracts: Mapping[str, Any], from_block: int = 0) -> ExchangeSuite:
        """From the deployment's contracts by name (``ConsortiumRegistry``, ``ConsentRegistry``,
        ``RecordAnchor``, ``RecordExchange``)."""
        return cls(
            contracts["ConsortiumRegistry"],
            contracts["ConsentRegistry"],
            contracts["RecordAnchor"],
            contracts["RecordExchange"],
            from_block,
        )

    @property
    def discloser(self) -> str:
        """Who signs ``exchange``'s transactions (the provider that shares); ValueError when nobody does."""
        transactor = self.exchange.transactor
        if transactor is None:
            raise ValueError("the suite's RecordExchange has no signer: give it the discloser's (with_signer)")
        return to_checksum_address(transactor.sender)


@dataclass(frozen=True)
class ShareItem:
    """One record ready to share: its content, salt, anchoring receipt and data category."""

    path: Path
    record: dict[str, Any]
    salt: bytes
    record_hash: bytes
    receipt: Receipt
    category: Category

    def disclosure(self) -> DisclosureStruct:
        """The ``IRecordExchange.Disclosure`` struct: hash, category, batch root (zero if alone), proof."""
        from ..contracts import Disclosure as DisclosureStruct

        return DisclosureStruct(
            self.record_hash, int(self.category), self.receipt.root or ZERO32, list(self.receipt.proof)
        )


@dataclass(frozen=True)
class SharedEnvelope:
    path: Path
    record_hash: bytes
    category: Category
    envelope_id: str
    location: str


@dataclass
class ShareResult:
    envelopes: list[SharedEnvelope] = field(default_factory=list)
    transactions: list[tuple[str, int, int]] = field(default_factory=list)  # (tx hash, gas used, records)

    @property
    def gas_used(self) -> int:
        return sum(gas for _, gas, _ in self.transactions)


# ---------------------------------------------------------------------------------------------
# Inputs


def parse_purpose(value: str | int | Purpose) -> Purpose:
    """One PurposeOfUse (``treat``, ``HPAYMT``, ...): a disclosure has exactly one purpose."""
    purpose = parse_purposes(value)
    if len(names(purpose)) != 1:
        raise ShareRefused(f"--purpose: a disclosure has one purpose, got {'+'.join(names(purpose))}")
    return purpose


def receipts_by_hash(folder: Path) -> dict[bytes, Receipt]:
    """Every anchoring receipt under ``folder`` (``*.receipt.json``, recursively), by record hash."""
    folder = Path(folder)
    if not folder.is_dir():
        raise ShareRefused(f"--receipts {folder}: no such folder (the anchoring receipts of the records)")
    found: dict[bytes, Receipt] = {}
    for path in sorted(folder.rglob("*.receipt.json")):
        try:
            receipt = Receipt.load(path)
        except ReceiptError as err:
            raise ShareRefused(str(err)) from None
        found[receipt.record_hash] = receipt
    return found


def prepare_items(
    paths: Iterable[Path], *, salts: SaltStore, receipts: Path, category: Category | None = None
) -> list[ShareItem]:
    """Read the records, find each one's salt and anchoring receipt, and tell its data category: the
    record's own (``category``, when given, must equal it; it is taken only for a kind whose category
    cannot be derived, and must then include every sensitivity label). Errors name the file."""
    try:
        files = collect_records(paths)
    except RecordError as err:
        raise ShareRefused(str(err)) from None
    index = receipts_by_hash(receipts)
    items: list[ShareItem] = []
    seen: set[bytes] = set()
    for path in files:
        try:
            record = RecordFile.read(path)
        except RecordError as err:
            raise ShareRefused(str(err)) from None
        salt = salts.get(record)
        if salt is None:
            raise ShareRefused(
                f"{path}: no salt in {salts.path} for this record (was it anchored with this salt "
                f"store, and is it unchanged since?)"
            )
        record_hash = record.hash(salt)
        if record_hash in seen:
            continue
        receipt = index.get(record_hash)
        if receipt is None:
            raise ShareRefused(f"{path}: no anchoring receipt for its hash 0x{record_hash.hex()} under {receipts}")
        data = json.loads(record.canonical)
        try:
            cat = checked_category(data, category, str(path))
        except ValueError as err:
            raise ShareRefused(str(err)) from None
        items.append(ShareItem(Path(path), data, salt, record_hash, receipt, cat))
        seen.add(record_hash)
    return items


# ---------------------------------------------------------------------------------------------
# The checks the contract makes, made first and explained


def explain_consent(consent: Any, patient: str, recipient: str, purpose: Purpose, category: Category, now: int) -> str:
    """Why ``hasConsent(patient, recipient, purpose, category)`` is false, in words."""
    purposes, categories, valid_until, granted_at = (int(v) for v in consent.consentOf(patient, recipient))
    emergency = int(consent.emergencyAccessOf(patient, recipient))
    wanted = f"{'+'.join(names(Category(category)))} data for {purpose.name}"
    if not granted_at and not emergency:
        return (
            f"patient {patient} has no consent on record for {recipient} (never granted, or revoked): {wanted} refused"
        )
    if granted_at and now >= valid_until:
        return f"patient {patient}'s consent for {recipient} expired at {iso(valid_until)}: {wanted} refused"
    if granted_at:
        held = f"{'+'.join(names(Purpose(purposes)))} on {'+'.join(names(Category(categories)))}"
        return f"patient {patient}'s consent for {recipient} covers {held}, not {wanted}"
    return f"{recipient}'s emergency access to patient {patient} covers TREAT and ETREAT only, not {wanted}"


def check_share(
    suite: ExchangeSuite,
    *,
    sender: str,
    patient: str,
    recipient: str,
    purpose: Purpose,
    items: Sequence[ShareItem],
    chain_id: int,
    now: int,
) -> bytes:
    """Everything ``logDisclosure(s)`` will require, checked now; ShareRefused explains the first
    failure. Returns the recipient's registered encryption key."""
    sender, patient, recipient = (to_checksum_address(a) for a in (sender, patient, recipient))
    if not items:
        raise ShareRefused("nothing to share")
    if patient == ZERO_ADDRESS or recipient == ZERO_ADDRESS:
        raise ShareRefused("the patient and the recipient must not be the zero address")
    if not suite.registry.isActiveMember(sender, Role.PROVIDER.id):
        raise ShareRefused(f"{sender} is not an active provider: only the provider that anchored a record discloses it")
    if not suite.registry.isActive(recipient):
        raise ShareRefused(
            f"recipient {recipient} is not an active consortium member (never registered, removed or suspended)"
        )
    key = bytes(suite.exchange.encryptionKeyOf(recipient))
    if not key:
        raise ShareRefused(
            f"recipient {recipient} has registered no encryption key (it runs `ape run exchange keys "
            f"new` first): nothing can be encrypted for it"
        )
    key = check_public_key(key, f"the key registered for {recipient}")
    for item in items:
        if not suite.consent.hasConsent(patient, recipient, int(purpose), int(item.category)):
            raise ShareRefused(
                f"{item.path}: " + explain_consent(suite.consent, patient, recipient, purpose, item.category, now)
            )
    anchor_address = suite.anchor.address
    for item in items:
        r = item.receipt
        if r.chain_id != chain_id or to_checksum_address(r.contract) != anchor_address:
            raise ShareRefused(
                f"{item.path}: its receipt is for chain {r.chain_id} contract {r.contract}, not this "
                f"deployment (chain {chain_id} contract {anchor_address})"
            )
        if to_checksum_address(r.provider) != sender:
            raise ShareRefused(
                f"{item.path}: its receipt names {r.provider} as the anchoring provider, not {sender}: "
                f"only a record's own provider discloses it"
            )
        # The sender's own anchor, as logDisclosure(s) will ask for it (another provider's anchor or
        # retraction of the same hash neither counts nor blocks).
        anchored_at, retracted = suite.anchor.anchorOf(sender, item.record_hash, r.root or ZERO32, list(r.proof))
        if not anchored_at:
            where = f"in its batch 0x{r.root.hex()[:12]}…" if r.root is not None else "on its own"
            raise ShareRefused(
                f"{item.path}: its hash 0x{item.record_hash.hex()} is not anchored by {sender} {where} on this chain"
            )
        if retracted:
            raise ShareRefused(f"{item.path}: retracted by its provider (entered in error): it is not disclosed")
    return key


# ---------------------------------------------------------------------------------------------
# Sharing


def share_records(
    *,
    suite: ExchangeSuite,
    chain_id: int,
    now: int,
    patient: str,
    recipient: str,
    purpose: Purpose,
    items: Sequence[ShareItem],
    store: EnvelopeStore,
    batch_size: int = DEFAULT_BATCH_SIZE,
    progress: Callable[[str], None] = lambda _m: None,
) -> ShareResult:
    """Check, seal, store and log (see the module docstring). The discloser is who signs ``suite.exchange``'s
    transactions (:attr:`ExchangeSuite.discloser`)."""
    if batch_size < 1:
        raise ShareRefused(f"--batch-size must be at least 1, got {batch_size}")
    patient, recipient = to_checksum_address(patient), to_checksum_address(recipient)
    discloser = suite.discloser
    key = check_share(
        suite,
        sender=discloser,
        patient=patient,
        recipient=recipient,
        purpose=purpose,
        items=items,
        chain_id=chain_id,
        now=now,
    )
    exchange_address = suite.exchange.address
    result = ShareResult()
    for item in items:
        anchor = {k: v for k, v in item.receipt.to_json().items() if k != "salt"}
        contents = Contents(
            record=item.record,
            salt=item.salt,
            record_hash=item.record_hash,
            patient=patient,
            discloser=discloser,
            recipient=recipient,
            purpose=int(purpose),
            category=int(item.category),
            anchor=anchor,
        )
        data = seal(contents, key, chain_id=chain_id, exchange=exchange_address).to_bytes()
        eid = store.put(data)
        result.envelopes.append(SharedEnvelope(item.path, item.record_hash, item.category, eid, store.location(eid)))
    progress(f"sealed and stored {len(items)} envelope(s) for {recipient}")
    for start in range(0, len(items), batch_size):
        chunk = items[start : start + batch_size]
        if len(chunk) == 1 and not chunk[0].receipt.in_batch:
            receipt = suite.exchange.logDisclosure(
                patient, recipient, chunk[0].record_hash, int(purpose), int(chunk[0].category)
            )
        else:
            receipt = suite.exchange.logDisclosures(
                patient, recipient, int(purpose), [item.disclosure() for item in chunk]
            )
        result.transactions.append((receipt.transaction_hash, receipt.gas_used, len(chunk)))
        progress(f"logged {start + len(chunk)}/{len(items)} disclosures (tx {receipt.transaction_hash})")
    return result
