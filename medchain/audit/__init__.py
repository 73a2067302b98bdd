"""The auditor's toolkit: an incremental index of every event of a deployment, trails, integrity
re-verification, consistency checks, an HTML report with charts, and a privacy scan.

    ape run audit sync --deployment deployments/local.json
    ape run audit trail --patient 0x... | check | report --out report.html | privacy-scan --pii pii.json
"""

from ..chain.abi import AbiError, Catalog, load_abis
from ..chain.rpc import Rpc, RpcError
from .store import Event, Store, StoreError
from .suite import Suite
from .sync import Indexer, Reorg, SyncError, SyncResult, transactions

__all__ = [
    "AbiError",
    "Catalog",
    "Event",
    "Indexer",
    "Reorg",
    "Rpc",
    "RpcError",
    "Store",
    "StoreError",
    "Suite",
    "SyncError",
    "SyncResult",
    "load_abis",
    "transactions",
]
