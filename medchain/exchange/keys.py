"""Encryption keys for the record exchange: secp256k1 key pairs of their own, kept in a keyring file.

Why secp256k1 and not X25519: it is the curve of the accounts, so the contract checks a key's form
with the same arithmetic (``RecordExchange._isCompressedPoint``), eciespy and coincurve handle it, and
every Ethereum toolkit can produce one. Why a key of its own and not the account key: the account key
signs transactions (and may live in a hardware wallet that does no ECDH), an encryption key can be
rotated without changing the account, and a compromise of one is not a compromise of the other.

On chain a key is its compressed SEC 1 form (33 bytes, ``0x02``/``0x03`` ‖ x). Off chain the private
keys live in a **keyring** (``medchain-exchange-keyring-v1``): one JSON file per account holding every
key it ever registered, newest last, each as a Web3 Secret Storage (keystore v3) document encrypted
with the keyring's passphrase (scrypt). Old keys stay in the keyring after a rotation, because
envelopes wrapped to them before the rotation still need them.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from eth_utils import to_checksum_address

from ..extras import missing_extra

try:
    import eth_keyfile
    from coincurve import PrivateKey, PublicKey
except ImportError as err:
    raise missing_extra("exchange", err) from None

from ..jsonfiles import load_json, write_json_atomic

if TYPE_CHECKING:
    from ..contracts import Receipt, RecordExchange

KEYRING_FORMAT = "medchain-exchange-keyring-v1"
#: scrypt's cost (n) for new keyring entries: eth-keyfile's default, about a second per key.
DEFAULT_SCRYPT_N = 262_144
PUBLIC_KEY_BYTES = 33


class ExchangeKeyError(ValueError):
    """A malformed public key, a keyring that cannot be read, a key it does not hold or a wrong passphrase."""


def new_private_key() -> bytes:
    """32 random bytes that make a valid secp256k1 private key (coincurve draws from the OS)."""
    return PrivateKey().secret


def public_key_of(private_key: bytes) -> bytes:
    """The compressed public key (33 bytes) of ``private_key``."""
    return PrivateKey(private_key).public_key.format(compressed=True)


def check_public_key(value: bytes | str, field: str = "public key") -> bytes:
    """A compressed secp256k1 point as bytes, from bytes or 0x-hex; ExchangeKeyError naming ``field``
    otherwise. The contract checks the same (33 bytes, prefix 2 or 3, a point on the curve)."""
    if isinstance(value, str):
        try:
            value = bytes.fromhex(value.removeprefix("0x"))
        except ValueError:
            raise ExchangeKeyError(f"{field}: not hex: {value!r}") from None
    value = bytes(value)
    if len(value) != PUBLIC_KEY_BYTES or value[0] not in (2, 3):
        raise ExchangeKeyError(
            f"{field}: a compressed secp256k1 public key is 33 bytes starting 0x02 or 0x03, got "
            f"{len(value)} bytes starting {value[:1].hex() or 'nothing'}"
        )
    try:
        PublicKey(value)
    except ValueError:
        raise ExchangeKeyError(f"{field}: 0x{value.hex()} is not a point of secp256k1") from None
    return value


def key_label(public_key: bytes) -> str:
    """A short label for messages: ``0x02a64d…9102``."""
    text = "0x" + public_key.hex()
    return f"{text[:8]}…{text[-4:]}"


@dataclass(frozen=True)
class KeyringEntry:
    public_key: bytes
    created_at: int
    keystore: dict[str, Any]


class Keyring:
    """An account's encryption keys (see the module docstring). Writes are atomic."""

    def __init__(self, path: Path, account: str, entries: list[KeyringEntry] | None = None):
        self.path = Path(path)
        self.account = to_checksum_address(account)
        self.entries = list(entries or [])
        self._unlocked: dict[bytes, bytes] = {}  # keys decrypted by this instance (scrypt once per key)

    @classmethod
    def open(cls, path: Path, account: str) -> Keyring:
        """The keyring at ``path`` (an empty one if there is no file yet); it must belong to ``account``."""
        path = Path(path)
        if not path.exists():
            return cls(path, account)
        data = load_json(path, ExchangeKeyError)
        if not isinstance(data, dict) or data.get("format") != KEYRING_FORMAT:
            raise ExchangeKeyError(f"{path}: not a {KEYRING_FORMAT} file")
        try:
            owner = to_checksum_address(data["account"])
            entries = [
                KeyringEntry(
                    check_public_key(e["publicKey"], f"{path}: keys[{i}].publicKey"),
                    int(e["createdAt"]),
                    dict(e["keystore"]),
                )
                for i, e in enumerate(data["keys"])
            ]
        except (KeyError, TypeError, ValueError) as err:
            if isinstance(err, ExchangeKeyError):
                raise
            raise ExchangeKeyError(f"{path}: malformed keyring ({err!r})") from None
        if owner != to_checksum_address(account):
            raise ExchangeKeyError(f"{path}: this keyring belongs to {owner}, not to {to_checksum_address(account)}")
        return cls(path, owner, entries)

    @property
    def public_keys(self) -> list[bytes]:
        return [e.public_key for e in self.entries]

    def add(self, private_key: bytes, passphrase: str, *, scrypt_n: int = DEFAULT_SCRYPT_N) -> bytes:
        """Encrypt ``private_key`` into the keyring (saved at once) and return its public key."""
        if not passphrase:
            raise ExchangeKeyError("the keyring passphrase is empty")
        public_key = public_key_of(private_key)
        if public_key in self.public_keys:
            raise ExchangeKeyError(f"{self.path}: already holds key {key_label(public_key)}")
        # eth-keyfile's hints say str; it takes the passphrase's UTF-8 bytes, which is what every keyring holds.
        keystore = eth_keyfile.create_keyfile_json(
            private_key,
            passphrase.encode(),  # type: ignore[arg-type]
            kdf="scrypt",
            iterations=scrypt_n,
        )
        self.entries.append(KeyringEntry(public_key, int(time.time()), keystore))
        self.save()
        return public_key

    def private_key(self, public_key: bytes, passphrase: str) -> bytes:
        """The private key of ``public_key``; ExchangeKeyError if the keyring lacks it or the passphrase is wrong."""
        if public_key in self._unlocked:
            return self._unlocked[public_key]
        entry = next((e for e in self.entries if e.public_key == public_key), None)
        if entry is None:
            held = ", ".join(key_label(k) for k in self.public_keys) or "none"
            raise ExchangeKeyError(
                f"{self.path}: no private key for {key_label(public_key)} (this keyring holds: {held})"
            )
        try:
            private_key = eth_keyfile.decode_keyfile_json(entry.keystore, passphrase.encode())  # type: ignore[arg-type]
        except ValueError:
            raise ExchangeKeyError(f"{self.path}: wrong passphrase for key {key_label(public_key)}") from None
        if public_key_of(private_key) != public_key:
            raise ExchangeKeyError(f"{self.path}: the entry for {key_label(public_key)} holds another key")
        self._unlocked[public_key] = private_key
        return private_key

    def save(self) -> None:
        """Write the keyring (atomically; a new file is readable by its owner only)."""
        write_json_atomic(
            self.path,
            {
                "format": KEYRING_FORMAT,
                "account": self.account,
                "keys": [
                    {"publicKey": "0x" + e.public_key.hex(), "createdAt": e.created_at, "keystore": e.keystore}
                    for e in self.entries
                ],
            },
        )


def register_new_key(
    exchange: RecordExchange, keyring: Keyring, passphrase: str, *, scrypt_n: int = DEFAULT_SCRYPT_N
) -> tuple[bytes, Receipt]:
    """Make a new encryption key for the account that signs ``exchange``'s transactions (a
    :class:`medchain.contracts.RecordExchange` with a transactor), keep it in ``keyring`` first, then register
    (or rotate to) it on chain with ``setEncryptionKey``. Returns (public key, receipt)."""
    if exchange.transactor is None:
        raise ExchangeKeyError("the RecordExchange has no signer: give it the account's (with_signer)")
    account = to_checksum_address(exchange.transactor.sender)
    if account != keyring.account:
        raise ExchangeKeyError(f"{keyring.path} belongs to {keyring.account}, not to {account}")
    public_key = keyring.add(new_private_key(), passphrase, scrypt_n=scrypt_n)
    return public_key, exchange.setEncryptionKey(public_key)
