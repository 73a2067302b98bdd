"""The deployment under audit: its manifest, and a decoder for every contract in it."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..chain.abi import Catalog, load_abis
from ..deployment.manifest import Manifest, read_manifest


@dataclass
class Suite:
    manifest: Manifest
    path: Path
    catalog: Catalog

    @classmethod
    def load(cls, path: Path, abis: Mapping[str, Sequence[Mapping[str, Any]]] | None = None) -> Suite:
        """Read ``deployments/<network>.json``; ABIs are the package's (:mod:`medchain.abi`) unless given."""
        manifest = read_manifest(Path(path))
        abis = abis if abis is not None else load_abis(manifest.contracts)
        catalog = Catalog(abis, {name: rec.address for name, rec in manifest.contracts.items()})
        return cls(manifest=manifest, path=Path(path), catalog=catalog)

    @property
    def chain_id(self) -> int:
        return self.manifest.chain_id

    def address(self, name: str) -> str:
        return self.manifest.address_of(name).lower()

    def has(self, name: str) -> bool:
        return name in self.manifest.contracts

    @property
    def first_block(self) -> int:
        return min(rec.block for rec in self.manifest.contracts.values())
