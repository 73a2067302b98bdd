"""EIP-712 messages of the ConsentRegistry: build, sign (as any wallet's eth_signTypedData_v4), relay.

Every message carries ``signedAt``, the moment the patient signed it (unix seconds, never after the
block it is relayed in). The registry keeps, per (patient, grantee), when the latest grant or
revocation was authorised: a signed grant must be signed after it, a signed revocation at or after it,
so a revocation is final against every grant signed before it, relayed or not.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Protocol, runtime_checkable

from eth_account import Account
from eth_account.messages import encode_typed_data
from eth_utils import to_checksum_address

from .purposes import Category, Purpose

DOMAIN_NAME = "medchain ConsentRegistry"
DOMAIN_VERSION = "1"

CONSENT_TYPE = [
    {"name": "patient", "type": "address"},
    {"name": "grantee", "type": "address"},
    {"name": "purposes", "type": "uint256"},
    {"name": "categories", "type": "uint256"},
    {"name": "validUntil", "type": "uint64"},
    {"name": "signedAt", "type": "uint64"},
    {"name": "nonce", "type": "uint256"},
    {"name": "deadline", "type": "uint256"},
]
REVOCATION_TYPE = [
    {"name": "patient", "type": "address"},
    {"name": "grantee", "type": "address"},
    {"name": "signedAt", "type": "uint64"},
    {"name": "nonce", "type": "uint256"},
    {"name": "deadline", "type": "uint256"},
]
EIP712_DOMAIN_TYPE = [
    {"name": "name", "type": "string"},
    {"name": "version", "type": "string"},
    {"name": "chainId", "type": "uint256"},
    {"name": "verifyingContract", "type": "address"},
]


@dataclass(frozen=True)
class Domain:
    chain_id: int
    verifying_contract: str
    name: str = DOMAIN_NAME
    version: str = DOMAIN_VERSION

    def __post_init__(self) -> None:
        # One spelling per address, so that two domains of the same contract compare equal.
        object.__setattr__(self, "verifying_contract", to_checksum_address(self.verifying_contract))

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "version": self.version,
            "chainId": self.chain_id,
            "verifyingContract": to_checksum_address(self.verifying_contract),
        }


@dataclass(frozen=True)
class ConsentMessage:
    patient: str
    grantee: str
    purposes: Purpose
    categories: Category
    valid_until: int
    signed_at: int
    nonce: int
    deadline: int

    primary_type = "Consent"

    def message(self) -> dict[str, Any]:
        return {
            "patient": to_checksum_address(self.patient),
            "grantee": to_checksum_address(self.grantee),
            "purposes": int(self.purposes),
            "categories": int(self.categories),
            "validUntil": int(self.valid_until),
            "signedAt": int(self.signed_at),
            "nonce": int(self.nonce),
            "deadline": int(self.deadline),
        }


@dataclass(frozen=True)
class RevocationMessage:
    patient: str
    grantee: str
    signed_at: int
    nonce: int
    deadline: int

    primary_type = "Revocation"

    def message(self) -> dict[str, Any]:
        return {
            "patient": to_checksum_address(self.patient),
            "grantee": to_checksum_address(self.grantee),
            "signedAt": int(self.signed_at),
            "nonce": int(self.nonce),
            "deadline": int(self.deadline),
        }


def typed_data(domain: Domain, msg: ConsentMessage | RevocationMessage) -> dict[str, Any]:
    """The full EIP-712 document, exactly what a wallet's ``eth_signTypedData_v4`` takes."""
    fields = CONSENT_TYPE if isinstance(msg, ConsentMessage) else REVOCATION_TYPE
    return {
        "types": {"EIP712Domain": EIP712_DOMAIN_TYPE, msg.primary_type: fields},
        "primaryType": msg.primary_type,
        "domain": domain.as_dict(),
        "message": msg.message(),
    }


def sign(private_key: bytes | str, domain: Domain, msg: ConsentMessage | RevocationMessage) -> bytes:
    """Sign with eth-account's typed-data signing: a 65-byte (r, s, v) signature with low s."""
    signed = Account.sign_message(encode_typed_data(full_message=typed_data(domain, msg)), private_key)
    return bytes(signed.signature)


def recover(domain: Domain, msg: ConsentMessage | RevocationMessage, signature: bytes) -> str:
    """The address that signed ``msg`` (for checking before paying gas to relay it)."""
    return Account.recover_message(encode_typed_data(full_message=typed_data(domain, msg)), signature=signature)


def domain_of(consent_registry: Any, chain_id: int) -> Domain:
    """The signing domain of a deployed ConsentRegistry (a :class:`medchain.contracts.ConsentRegistry`, or
    anything with its ``address``) on chain ``chain_id``."""
    return Domain(chain_id=chain_id, verifying_contract=str(consent_registry.address))


@runtime_checkable
class TypedDataSigner(Protocol):
    """Anything that signs EIP-712 typed data for one address, as a wallet's ``eth_signTypedData_v4`` does:
    an eth-account ``LocalAccount``, or the command line's accounts and signers
    (:meth:`medchain.cli.account.AccountRef.sign_typed_data`).

    ``sign_typed_data(domain, types, message)`` takes the domain's fields, the message's struct types
    (without ``EIP712Domain``) and its values, and returns the 65-byte signature ``r ‖ s ‖ v``, or an
    object whose ``signature`` is (eth-account's ``SignedMessage``)."""

    @property
    def address(self) -> str: ...

    def sign_typed_data(
        self, domain_data: Mapping[str, Any], message_types: Mapping[str, Any], message_data: Mapping[str, Any], /
    ) -> Any: ...
