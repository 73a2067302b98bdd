"""The deployment manifest: ``deployments/<network>.json``, read by scripts, the package and auditors.

Shape::

    {"chainId": 31337, "network": "ethereum:local", "deployedAt": "2026-11-22T21:50:00Z",
     "compiler": {"name": "solc", "version": "0.8.34+commit.80d5c536", "evmVersion": "cancun", ...},
     "commit": "<git commit>[-dirty]", "deployer": "0x...", "governance": "0x...", "complete": true,
     "contracts": {"ConsortiumRegistry": {"address": "0x...", "block": 1, "tx": "0x...", "args": [...]}}}

A manifest belongs to one chain: writing over a manifest of another chain id is refused, so a
consortium deployment record is never lost to a mistyped ``--network``.
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from eth_hash.auto import keccak

from ..jsonfiles import load_json, write_json_atomic

#: Where manifests live unless told otherwise: ``deployments/`` under the working directory (an ape
#: project's root when run through ``ape run``).
DEPLOYMENTS_DIR = Path("deployments")


class ManifestError(Exception):
    """A manifest is missing, malformed, or does not match the chain it is used with."""


class ChainMismatchError(ManifestError):
    """The manifest belongs to a different chain than the one connected."""

    def __init__(self, path: Path, manifest_chain_id: int, connected_chain_id: int, action: str):
        self.path, self.manifest_chain_id, self.connected_chain_id = path, manifest_chain_id, connected_chain_id
        super().__init__(
            f"{path} belongs to chain id {manifest_chain_id}, but the connected chain has id "
            f"{connected_chain_id}: refusing to {action}. Check --network, or give another --deployment path."
        )


@dataclass
class ContractRecord:
    address: str
    block: int
    tx: str
    args: list[Any] = field(default_factory=list)


@dataclass
class Manifest:
    chain_id: int
    network: str
    deployed_at: str
    compiler: dict[str, Any]
    commit: str | None
    deployer: str
    governance: str
    contracts: dict[str, ContractRecord] = field(default_factory=dict)
    complete: bool = False

    def to_json(self) -> dict[str, Any]:
        return {
            "chainId": self.chain_id,
            "network": self.network,
            "deployedAt": self.deployed_at,
            "compiler": self.compiler,
            "commit": self.commit,
            "deployer": self.deployer,
            "governance": self.governance,
            "complete": self.complete,
            "contracts": {name: asdict(rec) for name, rec in self.contracts.items()},
        }

    @classmethod
    def from_json(cls, data: dict[str, Any], source: Path | str = "<manifest>") -> Manifest:
        try:
            return cls(
                chain_id=int(data["chainId"]),
                network=str(data["network"]),
                deployed_at=str(data["deployedAt"]),
                compiler=dict(data["compiler"]),
                commit=data.get("commit"),
                deployer=_address(data["deployer"], "deployer"),
                governance=_address(data["governance"], "governance"),
                complete=bool(data.get("complete", True)),
                contracts={
                    name: ContractRecord(
                        address=_address(rec["address"], f"contracts.{name}.address"),
                        block=int(rec["block"]),
                        tx=str(rec["tx"]),
                        args=list(rec.get("args", [])),
                    )
                    for name, rec in dict(data["contracts"]).items()
                },
            )
        except (KeyError, TypeError, ValueError) as err:
            raise ManifestError(f"{source}: malformed manifest ({type(err).__name__}: {err})") from err

    def address_of(self, name: str) -> str:
        try:
            return self.contracts[name].address
        except KeyError:
            known = ", ".join(self.contracts) or "none"
            raise ManifestError(f"no contract {name!r} in the manifest (it has: {known})") from None


_HEX40 = re.compile(r"0x[0-9a-fA-F]{40}")


def checksum_address(value: str) -> str:
    """EIP-55 spelling of a ``0x`` + 40 hex digit address (the rule is the standard's, in four lines, so
    that reading a manifest does not import eth_utils: ~0.1 s of every auditor's start-up)."""
    lower = value[2:].lower()
    digest = keccak(lower.encode()).hex()
    return "0x" + "".join(c.upper() if int(d, 16) >= 8 else c for c, d in zip(lower, digest))


def _address(value: Any, where: str) -> str:
    """The address, checksummed. Mixed case must be a correct EIP-55 checksum (a typo would be caught)."""
    if not isinstance(value, str) or not _HEX40.fullmatch(value):
        raise ValueError(f"{where} is not an address: {value!r}")
    checksummed = checksum_address(value)
    body = value[2:]
    if body != body.lower() and body != body.upper() and value != checksummed:
        raise ValueError(f"{where} is not an address: {value!r} (its EIP-55 checksum is wrong)")
    return checksummed


def manifest_path(network_name: str, directory: Path | None = None) -> Path:
    """``deployments/<network>.json`` under the working directory (``directory`` overrides ``deployments/``)."""
    return (directory or DEPLOYMENTS_DIR) / f"{network_name}.json"


def read_manifest(path: Path) -> Manifest:
    """Load a manifest, with errors that name the file."""
    data = load_json(path, ManifestError, missing="not found: deploy first (ape run deploy --network ...)")
    if not isinstance(data, dict):
        raise ManifestError(f"{path}: malformed manifest (expected a JSON object)")
    return Manifest.from_json(data, source=path)


def write_manifest(manifest: Manifest, path: Path) -> None:
    """Write atomically (temp file + rename): a crash never leaves half a manifest.

    Raises :class:`ChainMismatchError` if ``path`` holds a manifest of another chain.
    """
    path = Path(path)
    if path.exists():
        try:
            existing_chain = int(json.loads(path.read_text(encoding="utf-8"))["chainId"])
        except (ValueError, KeyError, TypeError) as err:
            raise ManifestError(
                f"{path} exists but is not a readable manifest ({err}): refusing to overwrite it"
            ) from err
        if existing_chain != manifest.chain_id:
            raise ChainMismatchError(path, existing_chain, manifest.chain_id, "overwrite it")
    write_json_atomic(path, manifest.to_json())
