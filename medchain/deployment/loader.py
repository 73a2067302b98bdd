"""Connect to a deployed suite: contract instances from the manifest, never from hard-coded addresses."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .manifest import ChainMismatchError, Manifest, ManifestError, read_manifest


def load_suite(project: Any, provider: Any, path: Path) -> tuple[Manifest, dict[str, Any]]:
    """Return the manifest at ``path`` and an ape contract instance for each contract in it.

    Raises :class:`ChainMismatchError` when the manifest belongs to another chain and
    :class:`ManifestError` when a recorded contract has no code (e.g. the dev chain was restarted).
    """
    manifest = read_manifest(path)
    if manifest.chain_id != provider.chain_id:
        raise ChainMismatchError(Path(path), manifest.chain_id, provider.chain_id, "use it")
    contracts = {}
    for name, record in manifest.contracts.items():
        require_code(provider, Path(path), name, record.address)
        contracts[name] = project.get_contract(name).at(record.address)
    return manifest, contracts


def require_code(provider: Any, path: Path, name: str, address: str) -> None:
    """Refuse (:class:`ManifestError`) a manifest whose ``name`` contract has no code on the chain."""
    if not provider.get_code(address):
        raise ManifestError(
            f"{path}: no code at {address} ({name}) on chain {provider.chain_id}: "
            f"the chain was reset or the manifest is stale; deploy again"
        )


def load_contract(project: Any, provider: Any, name: str, path: Path | None = None) -> Any:
    """One contract of the deployment on the connected network (``deployments/<network>.json`` by default)."""
    from .manifest import manifest_path

    manifest, contracts = load_suite(project, provider, path or manifest_path(provider.network.name))
    if name not in contracts:
        manifest.address_of(name)  # raises ManifestError listing what the manifest has
    return contracts[name]
