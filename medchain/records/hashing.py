"""Salted, canonical record hashes: ``recordHash = keccak256(salt ‖ JCS(record))``.

- The record (a FHIR resource or Bundle, as JSON) is canonicalised with RFC 8785 (JSON
  Canonicalization Scheme, the ``rfc8785`` package): key order, whitespace and number formatting
  no longer matter, so the same record always hashes the same wherever it was serialised.
- Each record gets its own random 32-byte salt. Without the salt nobody can confirm a guess about
  a record's content by hashing candidates (a lab value, a diagnosis code) — the salt is kept by
  the provider with the record, and given only to whoever should be able to verify.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import rfc8785
from eth_utils import keccak

from ..jsonfiles import load_json

SALT_BYTES = 32


class RecordError(ValueError):
    """A record file or salt that cannot be hashed; the message names the file or field."""


def new_salt() -> bytes:
    return secrets.token_bytes(SALT_BYTES)


def canonical_bytes(record: Any) -> bytes:
    """RFC 8785 canonical JSON of a parsed JSON value."""
    try:
        return rfc8785.dumps(record)
    except (rfc8785.CanonicalizationError, TypeError, ValueError) as err:
        raise RecordError(f"record cannot be canonicalised (RFC 8785): {err}") from err


def record_hash(record: Any, salt: bytes) -> bytes:
    """keccak256(salt ‖ canonical_bytes(record))."""
    if len(salt) != SALT_BYTES:
        raise RecordError(f"salt must be {SALT_BYTES} bytes, got {len(salt)}")
    return keccak(salt + canonical_bytes(record))


def parse_salt(text: str, field: str = "--salt") -> bytes:
    """A salt given as 0x-hex (64 hex digits)."""
    try:
        salt = bytes.fromhex(text.strip().removeprefix("0x"))
    except ValueError:
        raise RecordError(f"{field}: not hex") from None
    if len(salt) != SALT_BYTES:
        raise RecordError(f"{field}: a salt is {SALT_BYTES} bytes (64 hex digits), got {len(salt)} bytes")
    return salt


@dataclass(frozen=True)
class RecordFile:
    """A record on disk and what the chain needs of it."""

    path: Path
    resource_type: str
    canonical: bytes

    @classmethod
    def read(cls, path: Path) -> RecordFile:
        data = load_json(path, RecordError)
        if not isinstance(data, dict) or not isinstance(data.get("resourceType"), str):
            raise RecordError(f"{path}: not a FHIR resource (no resourceType)")
        try:
            return cls(Path(path), data["resourceType"], canonical_bytes(data))
        except RecordError as err:
            raise RecordError(f"{path}: {err}") from None

    def hash(self, salt: bytes) -> bytes:
        if len(salt) != SALT_BYTES:
            raise RecordError(f"salt must be {SALT_BYTES} bytes, got {len(salt)}")
        return keccak(salt + self.canonical)
