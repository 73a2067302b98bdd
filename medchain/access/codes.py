"""Credential hashes and short reason codes, as the registry stores them.

No personal or confidential data goes on chain: a credential is a licence or accreditation
document kept off chain, and the chain holds only a salted hash of it. Without the salt, the hash
cannot be matched against a guessed document.
"""

from __future__ import annotations

import secrets

from eth_utils import keccak

SALT_BYTES = 32


def new_salt() -> bytes:
    """A fresh random salt; the member keeps it with the document to prove the hash later."""
    return secrets.token_bytes(SALT_BYTES)


def credential_hash(document: bytes, salt: bytes) -> bytes:
    """``keccak256(salt ‖ keccak256(document))``: the credential hash registered on chain.

    Raises ValueError for an empty document or a salt that is not 32 bytes.
    """
    if not document:
        raise ValueError("credential document is empty")
    if len(salt) != SALT_BYTES:
        raise ValueError(f"salt must be {SALT_BYTES} bytes, got {len(salt)}")
    return keccak(salt + keccak(document))


def reason_code(text: str) -> bytes:
    """Encode a short code like ``"LICENCE_EXPIRED"`` as bytes32, as Solidity's ``bytes32("...")`` does.

    Codes are upper-case ASCII letters, digits and underscores, 1 to 32 characters: they are codes,
    never free text (which could carry personal data).
    """
    if not text or len(text) > 32 or not all(c.isascii() and (c.isupper() or c.isdigit() or c == "_") for c in text):
        raise ValueError(f"reason code {text!r} must be 1-32 characters of A-Z, 0-9 and _ (e.g. LICENCE_EXPIRED)")
    return text.encode("ascii").ljust(32, b"\0")


def decode_reason(code: bytes) -> str:
    """Inverse of :func:`reason_code`; other values come back as 0x-hex."""
    raw = bytes(code).rstrip(b"\0")
    try:
        text = raw.decode("ascii")
    except UnicodeDecodeError:
        return "0x" + bytes(code).hex()
    return text if text and text.isprintable() else "0x" + bytes(code).hex()
