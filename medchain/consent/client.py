"""Consent client logic shared by scripts and tests: input parsing, signed-message files, relaying.

A patient signs off line (``sign``) and hands the file to anyone; a hospital relays it (``relay``).
Every input error names the field or file it is about.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from eth_utils import is_address, to_checksum_address

from ..jsonfiles import load_json, write_json_atomic
from .purposes import Category, Purpose
from .signing import ConsentMessage, Domain, RevocationMessage, TypedDataSigner, recover, typed_data

if TYPE_CHECKING:
    from ..contracts import ConsentRegistry, Receipt

_RELATIVE = re.compile(r"^\+(\d+)([smhdw])$")
_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 7 * 86400}


class ConsentInputError(ValueError):
    """Bad input for a consent operation; the message names the field or file."""


def parse_address(value: str, field: str) -> str:
    """A checksummed address, or ConsentInputError naming ``field``."""
    if not isinstance(value, str) or not is_address(value.strip()):
        raise ConsentInputError(f"{field}: {value!r} is not an address (0x followed by 40 hex digits)")
    return to_checksum_address(value.strip())


def parse_time(value: str | int, field: str, now: int, *, future: bool = True) -> int:
    """Unix seconds from ``"+30d"`` / ``"+12h"`` (relative to ``now``), an ISO date or datetime
    (UTC unless it says otherwise) or plain unix seconds. With ``future``, refuses times not after ``now``."""
    text = str(value).strip()
    if m := _RELATIVE.match(text):
        result = now + int(m.group(1)) * _UNIT_SECONDS[m.group(2)]
    elif text.isdigit():
        result = int(text)
    else:
        try:
            parsed = datetime.fromisoformat(text)
        except ValueError:
            raise ConsentInputError(
                f"{field}: {text!r} is not a time (use +30d, +12h, 2027-01-31, 2027-01-31T12:00:00Z or unix seconds)"
            ) from None
        if parsed.tzinfo is None:
            parsed = parsed.replace(tzinfo=UTC)
        result = int(parsed.timestamp())
    if future and result <= now:
        raise ConsentInputError(f"{field}: {text} ({iso(result)}) is not in the future (now {iso(now)})")
    return result


def iso(timestamp: int) -> str:
    return datetime.fromtimestamp(timestamp, tz=UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def new_nonce() -> int:
    """A fresh random 256-bit nonce for a signed message.

    Messages are signed off line and relayed later, in any order: a nonce picked from the chain (say
    the lowest unused one) is the same for every message signed before the first is relayed, so the
    second to arrive would be refused. Random nonces never collide; the price is that each relay sets
    a bit in a new bitmap word (about 17,000 gas more than a word already written)."""
    return secrets.randbits(256)


# ---------------------------------------------------------------------------------------------
# Signed-message files


@dataclass(frozen=True)
class SignedMessage:
    domain: Domain
    message: ConsentMessage | RevocationMessage
    signature: bytes

    def to_json(self) -> dict[str, Any]:
        doc = typed_data(self.domain, self.message)
        return {**doc, "signature": "0x" + self.signature.hex()}

    def save(self, path: Path) -> None:
        write_json_atomic(path, self.to_json())

    @classmethod
    def load(cls, path: Path) -> SignedMessage:
        data = load_json(path, ConsentInputError)
        try:
            d, m = data["domain"], data["message"]
            domain = Domain(
                chain_id=int(d["chainId"]),
                verifying_contract=parse_address(d["verifyingContract"], f"{path}: domain.verifyingContract"),
                name=d["name"],
                version=d["version"],
            )
            patient = parse_address(m["patient"], f"{path}: message.patient")
            grantee = parse_address(m["grantee"], f"{path}: message.grantee")
            if data["primaryType"] == "Consent":
                message: ConsentMessage | RevocationMessage = ConsentMessage(
                    patient,
                    grantee,
                    Purpose(int(m["purposes"])),
                    Category(int(m["categories"])),
                    int(m["validUntil"]),
                    int(m["signedAt"]),
                    int(m["nonce"]),
                    int(m["deadline"]),
                )
            elif data["primaryType"] == "Revocation":
                message = RevocationMessage(patient, grantee, int(m["signedAt"]), int(m["nonce"]), int(m["deadline"]))
            else:
                raise ConsentInputError(
                    f"{path}: primaryType {data['primaryType']!r} is neither Consent nor Revocation"
                )
            signature = bytes.fromhex(str(data["signature"]).removeprefix("0x"))
        except KeyError as err:
            raise ConsentInputError(f"{path}: missing field {err.args[0]!r}") from None
        except (TypeError, ValueError) as err:
            if isinstance(err, ConsentInputError):
                raise
            raise ConsentInputError(f"{path}: malformed signed message ({err})") from None
        if len(signature) != 65:
            raise ConsentInputError(f"{path}: signature must be 65 bytes, got {len(signature)}")
        return cls(domain, message, signature)


def check_before_relay(
    signed: SignedMessage,
    expected_domain: Domain,
    now: int,
    source: str = "message",
    consent_registry: Any = None,
) -> None:
    """Refuse, before paying gas, what the contract would refuse: wrong chain or contract, an
    expired deadline, a signing time in the future, a signature that is not the patient's (EOA
    patients); and, given the deployed ``consent_registry``, a nonce already used or cancelled and a
    message superseded by a later grant or revocation of the same (patient, grantee)."""
    m = signed.message
    if signed.domain != expected_domain:
        raise ConsentInputError(
            f"{source}: signed for chain {signed.domain.chain_id} contract {signed.domain.verifying_contract}, "
            f"but this deployment is chain {expected_domain.chain_id} contract {expected_domain.verifying_contract}"
        )
    if now > m.deadline:
        raise ConsentInputError(f"{source}: deadline {iso(m.deadline)} has passed (now {iso(now)})")
    if m.signed_at > now:
        raise ConsentInputError(f"{source}: signed at {iso(m.signed_at)}, after the current block time {iso(now)}")
    signer = recover(signed.domain, m, signed.signature)
    if signer != m.patient:
        raise ConsentInputError(f"{source}: signed by {signer}, not by the patient {m.patient}")
    if consent_registry is None:
        return
    if consent_registry.nonceUsed(m.patient, m.nonce):
        raise ConsentInputError(
            f"{source}: nonce {m.nonce} of patient {m.patient} is already used or cancelled "
            "(this message was relayed already, or cancelled); nothing to relay"
        )
    last = int(consent_registry.lastAuthorisedAt(m.patient, m.grantee))
    superseded = m.signed_at <= last if isinstance(m, ConsentMessage) else m.signed_at < last
    if superseded:
        raise ConsentInputError(
            f"{source}: signed at {iso(m.signed_at)}, but the patient decided again for {m.grantee} at "
            f"{iso(last)} (a later grant or a revocation); this message can no longer take effect"
        )


def relay(consent_registry: ConsentRegistry, signed: SignedMessage) -> Receipt:
    """Send a signed consent or revocation through ``consent_registry`` (a
    :class:`medchain.contracts.ConsentRegistry` whose transactor signs: the relayer, who pays the gas);
    returns the mined receipt. A refusal raises :class:`medchain.contracts.ContractReverted`."""
    m = signed.message
    if isinstance(m, ConsentMessage):
        return consent_registry.grantBySig(
            m.patient,
            m.grantee,
            int(m.purposes),
            int(m.categories),
            m.valid_until,
            m.signed_at,
            m.nonce,
            m.deadline,
            signed.signature,
        )
    return consent_registry.revokeBySig(m.patient, m.grantee, m.signed_at, m.nonce, m.deadline, signed.signature)


def sign_with_account(signer: TypedDataSigner, domain: Domain, message: ConsentMessage | RevocationMessage) -> bytes:
    """Sign ``message`` as the patient with ``signer`` (see :class:`~medchain.consent.signing.TypedDataSigner`:
    an eth-account key, a command's account): the EIP-712 document as any wallet signs it. Returns the
    65-byte signature; ConsentInputError if it is not the patient's."""
    document = typed_data(domain, message)
    types = {name: fields for name, fields in document["types"].items() if name != "EIP712Domain"}
    signed = signer.sign_typed_data(document["domain"], types, document["message"])
    signature = bytes(signed if isinstance(signed, (bytes, bytearray)) else signed.signature)
    if len(signature) != 65:
        raise ConsentInputError(f"the signer returned {len(signature)} bytes, not a 65-byte signature")
    who = recover(domain, message, signature)
    if who != to_checksum_address(message.patient):
        raise ConsentInputError(
            f"signed by {who}, not by the patient {message.patient}: sign with the patient's account"
        )
    return signature
