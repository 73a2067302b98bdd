"""Drug batch provenance: GS1 scans, serial Merkle trees and proofs files, the DrugProvenance client,
EPCIS 2.0 export and the demo section."""

from .client import (
    BatchInfo,
    BatchStatus,
    ProvenanceInputError,
    UnitCheck,
    UnitStatus,
    batch_info,
    commission,
    dispense_unit,
    parse_batch_ref,
    ship,
    unit_from_scan,
    verify_unit,
)
from .epcis import epcis_document, read_trail, trace_batch, validate
from .gs1 import GS1Error, ProductIdentifier, batch_id, expiry_day, gtin_int, lot_bytes, parse_scan, serial_hash
from .serials import SerialProofs, read_serial_list, serials_for

__all__ = [
    "BatchInfo",
    "BatchStatus",
    "GS1Error",
    "ProductIdentifier",
    "ProvenanceInputError",
    "SerialProofs",
    "UnitCheck",
    "UnitStatus",
    "batch_id",
    "batch_info",
    "commission",
    "dispense_unit",
    "epcis_document",
    "expiry_day",
    "gtin_int",
    "lot_bytes",
    "parse_batch_ref",
    "parse_scan",
    "read_serial_list",
    "read_trail",
    "serial_hash",
    "serials_for",
    "ship",
    "trace_batch",
    "unit_from_scan",
    "validate",
    "verify_unit",
]
