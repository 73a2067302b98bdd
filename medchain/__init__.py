"""medchain: a typed Python SDK for the medchain healthcare consortium's contracts.

    from medchain import Suite
    suite = Suite.connect("http://127.0.0.1:8545", "deployments/consortium.json", signer=account)
    suite.registry.memberOf(address)

The names below are loaded on first use (PEP 562), so ``import medchain`` imports nothing else: the
virtualenv's start-up hook and the command-line scripts stay quick. Domain helpers live in the
submodules (``medchain.access``, ``medchain.consent``, ``medchain.claims``, ``medchain.records``...).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .lazy import lazy_exports

_WHERE = {
    "__version__": "_version",
    "Rpc": "chain.rpc",
    "RpcError": "chain.rpc",
    "NodeError": "chain.rpc",
    "NodeUnavailable": "chain.rpc",
    "Suite": "contracts",
    "Contract": "contracts",
    "ContractReverted": "contracts",
    "Event": "contracts",
    "Receipt": "contracts",
    "Signer": "contracts",
    "Transactor": "contracts",
    "TransactionPending": "contracts",
    "ChainIdMismatch": "contracts",
    "ConsortiumRegistry": "contracts",
    "ConsentRegistry": "contracts",
    "RecordAnchor": "contracts",
    "ClaimSettlement": "contracts",
    "DrugProvenance": "contracts",
    "RecordExchange": "contracts",
    "ERC20": "contracts",
    "TestStableToken": "contracts",
    "Manifest": "deployment",
    "ManifestError": "deployment",
    "ChainMismatchError": "deployment",
    "read_manifest": "deployment",
}

__all__ = [  # the keys of _WHERE (a literal, so that linters see the TYPE_CHECKING imports used)
    "ChainIdMismatch",
    "ChainMismatchError",
    "ClaimSettlement",
    "ConsentRegistry",
    "ConsortiumRegistry",
    "Contract",
    "ContractReverted",
    "DrugProvenance",
    "ERC20",
    "Event",
    "Manifest",
    "ManifestError",
    "NodeError",
    "NodeUnavailable",
    "Receipt",
    "RecordAnchor",
    "RecordExchange",
    "Rpc",
    "RpcError",
    "Signer",
    "Suite",
    "TestStableToken",
    "TransactionPending",
    "Transactor",
    "read_manifest",
]


__getattr__, __dir__ = lazy_exports(globals(), _WHERE)


if TYPE_CHECKING:
    from .chain.rpc import NodeError, NodeUnavailable, Rpc, RpcError
    from .contracts import (
        ERC20,
        ChainIdMismatch,
        ClaimSettlement,
        ConsentRegistry,
        ConsortiumRegistry,
        Contract,
        ContractReverted,
        DrugProvenance,
        Event,
        Receipt,
        RecordAnchor,
        RecordExchange,
        Signer,
        Suite,
        TestStableToken,
        TransactionPending,
        Transactor,
    )
    from .deployment import ChainMismatchError, Manifest, ManifestError, read_manifest
