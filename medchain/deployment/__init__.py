"""Deploying the suite and reading deployments back: the manifest in ``deployments/<network>.json``.

The names below are loaded on first use (PEP 562), so that a reader of manifests (the auditor's
tools) does not pay for the deployment code's imports (eth_utils: ~0.1 s of every start-up).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..lazy import lazy_exports

_WHERE = {
    "DEFAULT_ADMIN_DELAY": "deploy",
    "SUITE": "deploy",
    "DeployResult": "deploy",
    "deploy_suite": "deploy",
    "source_commit": "deploy",
    "ChainFeatureError": "deploy",
    "require_cancun": "deploy",
    "load_contract": "loader",
    "load_suite": "loader",
    "ChainMismatchError": "manifest",
    "ContractRecord": "manifest",
    "Manifest": "manifest",
    "ManifestError": "manifest",
    "manifest_path": "manifest",
    "read_manifest": "manifest",
    "write_manifest": "manifest",
}

__all__ = [  # the keys of _WHERE (a literal, so that linters see the TYPE_CHECKING imports used)
    "DEFAULT_ADMIN_DELAY",
    "SUITE",
    "ChainFeatureError",
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
    "require_cancun",
    "source_commit",
    "write_manifest",
]


__getattr__, __dir__ = lazy_exports(globals(), _WHERE)


if TYPE_CHECKING:
    from .deploy import (
        DEFAULT_ADMIN_DELAY,
        SUITE,
        ChainFeatureError,
        DeployResult,
        deploy_suite,
        require_cancun,
        source_commit,
    )
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
