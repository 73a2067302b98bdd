"""Envelopes: one record encrypted for exactly one recipient (``medchain-envelope-v1``).

The record and what the recipient checks it against (salt, hash, patient, discloser, purpose, category,
anchoring receipt) are encrypted with AES-256-GCM under a fresh data key, the header being the
associated data; the data key is wrapped to the recipient's registered secp256k1 key with ECIES
(configuration pinned in :data:`ECIES`).

The format is specified in docs/contracts/exchange.md, "Envelopes".
"""

from __future__ import annotations

import base64
import json
import os
from dataclasses import dataclass
from typing import Any

import rfc8785
from eth_utils import is_address, keccak, to_checksum_address

from ..extras import missing_extra

try:
    import ecies
    from cryptography.exceptions import InvalidTag
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM
    from ecies.config import Config
except ImportError as err:
    raise missing_extra("exchange", err) from None

from ..records.hashing import SALT_BYTES, canonical_bytes
from .keys import check_public_key, key_label

FORMAT = "medchain-envelope-v1"
CIPHER = "AES-256-GCM"
KEY_WRAP = "ECIES-secp256k1 (eciespy 0.4: uncompressed ephemeral key, HKDF-SHA256, AES-256-GCM, 16-byte nonce)"
DATA_KEY_BYTES = 32
NONCE_BYTES = 12

#: eciespy's configuration, pinned (these are its 0.4 defaults, shared with eciesjs and eciesgo).
ECIES = Config(
    elliptic_curve="secp256k1",
    is_ephemeral_key_compressed=False,
    is_hkdf_key_compressed=False,
    symmetric_algorithm="aes-256-gcm",
    symmetric_nonce_length=16,
)
#: A wrapped 32-byte data key: 65-byte ephemeral key, 16-byte nonce, 16-byte tag, 32 bytes.
WRAPPED_KEY_BYTES = 65 + 16 + 16 + DATA_KEY_BYTES


class EnvelopeError(ValueError):
    """An envelope that cannot be read or opened; the message says which part failed and why."""


@dataclass(frozen=True)
class Contents:
    """What an envelope carries, once opened."""

    record: dict[str, Any]
    salt: bytes
    record_hash: bytes
    patient: str
    discloser: str
    recipient: str
    purpose: int
    category: int
    anchor: dict[str, Any]  # the anchoring receipt's JSON, without salt

    def to_bytes(self) -> bytes:
        return canonical_bytes(
            {
                "record": self.record,
                "salt": "0x" + self.salt.hex(),
                "recordHash": "0x" + self.record_hash.hex(),
                "patient": self.patient,
                "discloser": self.discloser,
                "recipient": self.recipient,
                "purpose": self.purpose,
                "category": self.category,
                "anchor": self.anchor,
            }
        )

    @classmethod
    def from_bytes(cls, data: bytes) -> Contents:
        try:
            doc = json.loads(data)
            contents = cls(
                record=doc["record"],
                salt=_hex(doc["salt"], "salt", SALT_BYTES),
                record_hash=_hex(doc["recordHash"], "recordHash", 32),
                patient=_address(doc["patient"], "patient"),
                discloser=_address(doc["discloser"], "discloser"),
                recipient=_address(doc["recipient"], "recipient"),
                purpose=int(doc["purpose"]),
                category=int(doc["category"]),
                anchor=dict(doc["anchor"]),
            )
        except KeyError as err:
            raise EnvelopeError(f"the envelope's contents lack {err.args[0]!r}") from None
        except (TypeError, ValueError) as err:
            if isinstance(err, EnvelopeError):
                raise
            raise EnvelopeError(f"the envelope's contents are malformed ({err})") from None
        if not isinstance(contents.record, dict):
            raise EnvelopeError("the envelope's record is not a JSON object")
        return contents

    def rehash(self) -> bytes:
        """keccak256(salt ‖ JCS(record)), recomputed from what the envelope carries."""
        return keccak(self.salt + canonical_bytes(self.record))


@dataclass(frozen=True)
class Envelope:
    chain_id: int
    exchange: str  # the RecordExchange contract the disclosure is logged in
    recipient_key: bytes  # compressed secp256k1 public key the data key is wrapped to
    wrapped_key: bytes
    nonce: bytes
    ciphertext: bytes

    def header(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "cipher": CIPHER,
            "keyWrap": KEY_WRAP,
            "chainId": self.chain_id,
            "exchange": self.exchange,
            "recipientKey": "0x" + self.recipient_key.hex(),
            "wrappedKey": "0x" + self.wrapped_key.hex(),
            "nonce": "0x" + self.nonce.hex(),
        }

    def associated_data(self) -> bytes:
        """What AES-GCM authenticates besides the ciphertext: the header, canonicalised."""
        return rfc8785.dumps(self.header())

    def to_bytes(self) -> bytes:
        return rfc8785.dumps({**self.header(), "ciphertext": base64.b64encode(self.ciphertext).decode()})

    @classmethod
    def from_bytes(cls, data: bytes, source: str = "envelope") -> Envelope:
        try:
            doc = json.loads(data)
        except (UnicodeDecodeError, json.JSONDecodeError) as err:
            raise EnvelopeError(f"{source}: not an envelope (not JSON: {err})") from None
        if not isinstance(doc, dict) or doc.get("format") != FORMAT:
            raise EnvelopeError(f"{source}: not a {FORMAT} envelope")
        if doc.get("cipher") != CIPHER or doc.get("keyWrap") != KEY_WRAP:
            raise EnvelopeError(f"{source}: unsupported algorithms {doc.get('cipher')!r} / {doc.get('keyWrap')!r}")
        try:
            return cls(
                chain_id=int(doc["chainId"]),
                exchange=_address(doc["exchange"], f"{source}: exchange"),
                recipient_key=check_public_key(doc["recipientKey"], f"{source}: recipientKey"),
                wrapped_key=_hex(doc["wrappedKey"], f"{source}: wrappedKey", WRAPPED_KEY_BYTES),
                nonce=_hex(doc["nonce"], f"{source}: nonce", NONCE_BYTES),
                ciphertext=base64.b64decode(doc["ciphertext"], validate=True),
            )
        except KeyError as err:
            raise EnvelopeError(f"{source}: missing field {err.args[0]!r}") from None
        except (TypeError, ValueError) as err:
            if isinstance(err, EnvelopeError):
                raise
            raise EnvelopeError(f"{source}: malformed envelope ({err})") from None


def seal(contents: Contents, recipient_key: bytes, *, chain_id: int, exchange: str) -> Envelope:
    """Encrypt ``contents`` for ``recipient_key`` (see the module docstring)."""
    recipient_key = check_public_key(recipient_key, "recipient key")
    data_key = AESGCM.generate_key(bit_length=256)
    nonce = os.urandom(NONCE_BYTES)
    wrapped = ecies.encrypt(recipient_key, data_key, config=ECIES)
    unsealed = Envelope(chain_id, to_checksum_address(exchange), recipient_key, wrapped, nonce, b"")
    ciphertext = AESGCM(data_key).encrypt(nonce, contents.to_bytes(), unsealed.associated_data())
    return Envelope(chain_id, unsealed.exchange, recipient_key, wrapped, nonce, ciphertext)


def open_envelope(envelope: Envelope, private_key: bytes) -> Contents:
    """Unwrap the data key with ``private_key`` and decrypt; EnvelopeError says which step failed."""
    try:
        data_key = ecies.decrypt(private_key, envelope.wrapped_key, config=ECIES)
    except (ValueError, TypeError) as err:
        raise EnvelopeError(
            f"the wrapped data key does not open with key {key_label(envelope.recipient_key)}: the envelope is not "
            f"for this key, or its wrapped key was altered ({type(err).__name__}: {err})"
        ) from None
    if len(data_key) != DATA_KEY_BYTES:
        raise EnvelopeError(f"the unwrapped data key is {len(data_key)} bytes, not {DATA_KEY_BYTES}")
    try:
        plaintext = AESGCM(data_key).decrypt(envelope.nonce, envelope.ciphertext, envelope.associated_data())
    except InvalidTag:
        raise EnvelopeError(
            "the ciphertext fails authentication (AES-GCM tag): the ciphertext, nonce or header was altered"
        ) from None
    return Contents.from_bytes(plaintext)


def _hex(value: Any, field: str, size: int) -> bytes:
    try:
        raw = bytes.fromhex(str(value).removeprefix("0x"))
    except ValueError:
        raise EnvelopeError(f"{field}: not hex") from None
    if len(raw) != size:
        raise EnvelopeError(f"{field}: {len(raw)} bytes, expected {size}")
    return raw


def _address(value: Any, field: str) -> str:
    if not isinstance(value, str) or not is_address(value):
        raise EnvelopeError(f"{field}: not an address: {value!r}")
    return to_checksum_address(value)
