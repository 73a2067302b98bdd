"""Deploying the suite and reading deployments back: the manifest in ``deployments/<network>.json``."""

from .deploy import DEFAULT_ADMIN_DELAY, SUITE, DeployResult, deploy_suite, source_commit
from .loader import load_contract, load_suite
from .manifest import (
    ChainMismatchError,
    ContractRecord,
    Manifest,
    ManifestError,
    manifest_path,
    read_manifest,
    write_manifest,
)

__all__ = [
    "DEFAULT_ADMIN_DELAY",
    "SUITE",
    "ChainMismatchError",
    "ContractRecord",
    "DeployResult",
    "Manifest",
    "ManifestError",
    "deploy_suite",
    "load_contract",
    "load_suite",
    "manifest_path",
    "read_manifest",
    "source_commit",
    "write_manifest",
]
