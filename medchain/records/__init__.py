"""Record-hash anchoring: salted hashing, Merkle batches, proof receipts."""

from .anchoring import AnchorResult, SaltStore, Verdict, amend_record, anchor_records, collect_records, verify_record
from .hashing import RecordError, RecordFile, canonical_bytes, new_salt, parse_salt, record_hash
from .merkle import MerkleTree, leaf_hash, verify_proof
from .receipts import Receipt, ReceiptError

__all__ = [
    "AnchorResult",
    "MerkleTree",
    "Receipt",
    "ReceiptError",
    "RecordError",
    "RecordFile",
    "SaltStore",
    "Verdict",
    "amend_record",
    "anchor_records",
    "canonical_bytes",
    "collect_records",
    "leaf_hash",
    "new_salt",
    "parse_salt",
    "record_hash",
    "verify_proof",
    "verify_record",
]
