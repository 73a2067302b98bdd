"""The accounting of disclosures: ``RecordDisclosed`` events, read back and exported as FHIR.

Events are read with the paged ``eth_getLogs`` reader (:mod:`medchain.chain.logs`: ranges that adapt to
the node's limits), filtered by any of the indexed patient, recipient and record hash, and decoded from
the contract's shipped ABI, so nothing but a JSON-RPC URL and the contract's address is needed (an
auditor's tool needs no ape project).

Each disclosure exports as a FHIR R5 ``AuditEvent`` (validated with ``fhir.resources``), after the
DICOM / IHE audit vocabulary for an export of data to another party:

=====================  ==============================================================================
element                value
=====================  ==============================================================================
``id``                 keccak256(transaction hash ‖ log index), hex: one id per logged disclosure
``category``           DICOM 110106 Export
``code``               ISO 21089 lifecycle ``disclose``
``action``             ``R`` (the record was read out and handed over)
``occurredDateTime``,  the block time of the transaction that logged it
``recorded``
``outcome``            ``0`` success (refused disclosures are never logged)
``authorization``      the purpose, as the v3-ActReason PurposeOfUse code
``patient``            the patient (CAIP-10 account id, as in the consent export)
``agent``              the discloser (DICOM 110153 Source Role ID, ``requestor: true``) and the
                       recipient (DICOM 110152 Destination Role ID), CAIP-10 identified Organizations
``source``             observer: the RecordExchange contract (a Device, CAIP-10), type 4 application server
``entity``             the record: its salted hash (``https://medchain.example/fhir/NamingSystem/record-hash``),
                       object-role 4 (domain resource), its data categories as a ``detail``, and the
                       transaction and block as ``detail``; and the patient, object-role 1
=====================  ==============================================================================
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from eth_utils import keccak, to_checksum_address

from ..extras import missing_extra

try:
    from fhir.resources.auditevent import AuditEvent
    from fhir.resources.bundle import Bundle
except ImportError as err:
    raise missing_extra("exchange", err) from None

from ..chain import abi
from ..chain.logs import LogReader, block_times
from ..chain.rpc import Rpc
from ..consent import Category, Purpose, names
from ..consent.fhir import (
    ACT_REASON_SYSTEM,
    CATEGORY_DISPLAY,
    DATA_CATEGORY_SYSTEM,
    PURPOSE_DISPLAY,
    account,
    coding,
    concept,
    reference,
)

#: The event read back: ``RecordExchange.RecordDisclosed``, as the shipped ABI declares it.
RECORD_DISCLOSED = abi.event("RecordExchange", "RecordDisclosed")
DEFAULT_PAGE = 5_000

DICOM_SYSTEM = "http://dicom.nema.org/resources/ontology/DCM"
LIFECYCLE_SYSTEM = "http://terminology.hl7.org/CodeSystem/iso-21089-lifecycle"
OUTCOME_SYSTEM = "http://terminology.hl7.org/CodeSystem/audit-event-outcome"
OBJECT_ROLE_SYSTEM = "http://terminology.hl7.org/CodeSystem/object-role"
SOURCE_TYPE_SYSTEM = "http://terminology.hl7.org/CodeSystem/security-source-type"
RECORD_HASH_SYSTEM = "https://medchain.example/fhir/NamingSystem/record-hash"


@dataclass(frozen=True)
class Disclosure:
    """One logged disclosure: a line of the patient's accounting."""

    patient: str
    recipient: str
    record_hash: bytes
    purpose: int
    category: int
    discloser: str
    block: int
    tx: str
    log_index: int
    timestamp: int

    @property
    def purpose_name(self) -> str:
        return "+".join(names(Purpose(self.purpose))) if 0 < self.purpose < 1 << len(Purpose) else str(self.purpose)

    @property
    def category_names(self) -> list[str]:
        return names(Category(self.category)) if 0 < self.category < 1 << len(Category) else [str(self.category)]


def read_disclosures(
    rpc: Rpc | str,
    exchange: str,
    *,
    patient: str | None = None,
    recipient: str | None = None,
    record_hash: bytes | None = None,
    from_block: int = 0,
    to_block: int | None = None,
    page: int = DEFAULT_PAGE,
    progress: Callable[[str], None] = lambda _m: None,
) -> list[Disclosure]:
    """Every ``RecordDisclosed`` of ``exchange`` matching the filters given, oldest first.

    ``rpc`` is the node (a JSON-RPC URL or an :class:`~medchain.chain.rpc.Rpc`); ``page`` is the first
    range of blocks asked for (it adapts to what the node allows); ``to_block`` None is the head."""
    reader = LogReader(rpc, page=page, max_range=max(page, 10_000), progress=progress)
    try:
        topics = RECORD_DISCLOSED.topics(patient=patient, recipient=recipient, recordHash=record_hash)
    except ValueError as err:
        raise ValueError(f"read_disclosures: {err}") from None
    found: list[Disclosure] = []
    for chunk in reader.pages([to_checksum_address(exchange)], from_block, to_block, topics):
        times = block_times(reader.rpc, chunk.logs)
        for log in chunk.logs:
            fields = RECORD_DISCLOSED.values(log.topics, log.data)
            block = int(log.blockNumber, 16)
            found.append(
                Disclosure(
                    patient=fields["patient"],
                    recipient=fields["recipient"],
                    record_hash=fields["recordHash"],
                    purpose=fields["purpose"],
                    category=fields["category"],
                    discloser=fields["discloser"],
                    block=block,
                    tx=log.transactionHash,
                    log_index=int(log.logIndex, 16),
                    timestamp=times[block],
                )
            )
        progress(f"blocks {chunk.first}-{chunk.last}: {len(found)} disclosures so far")
    return sorted(found, key=lambda d: (d.block, d.log_index))


# ---------------------------------------------------------------------------------------------
# FHIR


def _instant(timestamp: int) -> str:
    return datetime.fromtimestamp(timestamp, tz=UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def audit_event(d: Disclosure, *, chain_id: int, exchange: str) -> dict[str, Any]:
    """The disclosure as a FHIR R5 AuditEvent (see the module docstring), validated."""
    exchange = to_checksum_address(exchange)
    when = _instant(d.timestamp)
    patient = reference("Patient", chain_id, d.patient)
    categories = [name for name in d.category_names if name in Category.__members__]
    purposes = [name for name in d.purpose_name.split("+") if name in Purpose.__members__]
    resource = {
        "resourceType": "AuditEvent",
        "id": keccak(bytes.fromhex(d.tx[2:]) + d.log_index.to_bytes(32, "big")).hex(),
        "category": [concept(DICOM_SYSTEM, "110106", "Export")],
        "code": concept(LIFECYCLE_SYSTEM, "disclose", "Disclose Record Lifecycle Event"),
        "action": "R",
        "occurredDateTime": when,
        "recorded": when,
        "outcome": {"code": coding(OUTCOME_SYSTEM, "0", "Success")},
        "authorization": [concept(ACT_REASON_SYSTEM, p, PURPOSE_DISPLAY[Purpose[p]]) for p in purposes],
        "patient": patient,
        "agent": [
            {
                "type": concept(DICOM_SYSTEM, "110153", "Source Role ID"),
                "requestor": True,
                "who": reference("Organization", chain_id, d.discloser),
            },
            {
                "type": concept(DICOM_SYSTEM, "110152", "Destination Role ID"),
                "requestor": False,
                "who": reference("Organization", chain_id, d.recipient),
            },
        ],
        "source": {
            "observer": {"type": "Device", "identifier": account(chain_id, exchange)},
            "type": [concept(SOURCE_TYPE_SYSTEM, "4", "Application Server")],
        },
        "entity": [
            {
                "what": {"identifier": {"system": RECORD_HASH_SYSTEM, "value": "0x" + d.record_hash.hex()}},
                "role": concept(OBJECT_ROLE_SYSTEM, "4", "Domain Resource"),
                "detail": [
                    {
                        "type": {"text": "data category"},
                        "valueCodeableConcept": {
                            "coding": [
                                coding(DATA_CATEGORY_SYSTEM, c, CATEGORY_DISPLAY[Category[c]]) for c in categories
                            ]
                        },
                    },
                    {"type": {"text": "transaction"}, "valueString": d.tx},
                    {"type": {"text": "block"}, "valueInteger": d.block},
                ],
            },
            {"what": patient, "role": concept(OBJECT_ROLE_SYSTEM, "1", "Patient")},
        ],
    }
    return AuditEvent.model_validate(resource).model_dump(mode="json", exclude_none=True)


def audit_bundle(disclosures: Iterable[Disclosure], *, chain_id: int, exchange: str) -> dict[str, Any]:
    """The accounting as a FHIR R5 Bundle (type ``collection``) of AuditEvents, validated."""
    events = [audit_event(d, chain_id=chain_id, exchange=exchange) for d in disclosures]
    bundle = {
        "resourceType": "Bundle",
        "type": "collection",
        "timestamp": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "entry": [{"fullUrl": f"urn:uuid:{_uuid(e['id'])}", "resource": e} for e in events],
    }
    return Bundle.model_validate(bundle).model_dump(mode="json", exclude_none=True)


def _uuid(hex64: str) -> str:
    h = hex64[:32]
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:32]}"
