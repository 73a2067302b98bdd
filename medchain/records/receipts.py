"""Portable proof receipts: one small JSON file per record, like an OpenTimestamps ``.ots`` file.

With the record, its salt, the receipt and any node of the chain, anyone can check later who
anchored the record, when, and that it has not changed. The salt is *not* in the receipt unless
asked for: it stays with the provider, who hands it to whoever should be able to verify.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from eth_utils import is_address, to_checksum_address

from ..jsonfiles import load_json, write_json_atomic

#: Receipts name a few contracts and providers over and over (a claim file loads thousands).
_checksum = lru_cache(maxsize=1 << 12)(to_checksum_address)

FORMAT = "medchain-anchor-receipt-v1"


class ReceiptError(ValueError):
    """A receipt file that cannot be used; the message names the file and field."""


def _hex32(value: Any, where: str) -> bytes:
    try:
        raw = bytes.fromhex(str(value).removeprefix("0x"))
    except ValueError:
        raise ReceiptError(f"{where} is not hex: {value!r}") from None
    if len(raw) != 32:
        raise ReceiptError(f"{where} must be 32 bytes, got {len(raw)}")
    return raw


@dataclass
class Receipt:
    record_hash: bytes
    chain_id: int
    contract: str
    tx: str
    block: int
    provider: str
    anchored_at: int
    root: bytes | None = None  # None: anchored on its own
    proof: list[bytes] = field(default_factory=list)
    batch_count: int | None = None
    salt: bytes | None = None  # only when the provider chose to include it

    @property
    def in_batch(self) -> bool:
        return self.root is not None

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "format": FORMAT,
            "recordHash": "0x" + self.record_hash.hex(),
            "chainId": self.chain_id,
            "contract": self.contract,
            "tx": self.tx,
            "block": self.block,
            "provider": self.provider,
            "anchoredAt": self.anchored_at,
            "batch": None
            if self.root is None
            else {
                "root": "0x" + self.root.hex(),
                "proof": ["0x" + p.hex() for p in self.proof],
                "count": self.batch_count,
            },
        }
        if self.salt is not None:
            data["salt"] = "0x" + self.salt.hex()
        return data

    def save(self, path: Path) -> None:
        write_json_atomic(path, self.to_json())

    @classmethod
    def load(cls, path: Path) -> Receipt:
        return cls.from_json(load_json(path, ReceiptError, missing="no such receipt"), str(path))

    @classmethod
    def from_json(cls, data: Any, source: str = "receipt") -> Receipt:
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            raise ReceiptError(f"{source}: not a {FORMAT} receipt")
        try:
            provider, contract = data["provider"], data["contract"]
            for name, value in (("provider", provider), ("contract", contract)):
                if not is_address(value):
                    raise ReceiptError(f"{source}: {name} is not an address: {value!r}")
            batch = data.get("batch")
            return cls(
                record_hash=_hex32(data["recordHash"], f"{source}: recordHash"),
                chain_id=int(data["chainId"]),
                contract=_checksum(contract),
                tx=str(data["tx"]),
                block=int(data["block"]),
                provider=_checksum(provider),
                anchored_at=int(data["anchoredAt"]),
                root=None if batch is None else _hex32(batch["root"], f"{source}: batch.root"),
                proof=[]
                if batch is None
                else [_hex32(p, f"{source}: batch.proof[{i}]") for i, p in enumerate(batch["proof"])],
                batch_count=None if batch is None else int(batch["count"]),
                salt=_hex32(data["salt"], f"{source}: salt") if data.get("salt") else None,
            )
        except KeyError as err:
            raise ReceiptError(f"{source}: missing field {err.args[0]!r}") from None
        except (TypeError, ValueError) as err:
            if isinstance(err, ReceiptError):
                raise
            raise ReceiptError(f"{source}: malformed receipt ({err})") from None
