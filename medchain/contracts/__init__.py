"""The SDK's typed contract classes: one per contract of the suite over an address, and :class:`Suite`
to connect to a whole deployment from its manifest.

The names below are loaded on first use (PEP 562): ``import medchain.contracts`` costs nothing until a
class is touched.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..lazy import lazy_exports

_WHERE = {
    "BlockId": "base", "Contract": "base", "ContractReverted": "base", "Event": "base", "Receipt": "base",
    "TxOptions": "base",
    "ChainIdMismatch": "tx", "Signer": "tx", "TransactionPending": "tx", "Transactor": "tx",
    "Suite": "suite",
    "ClaimInput": "generated", "ClaimSettlement": "generated", "ClaimView": "generated",
    "ConsentRegistry": "generated", "ConsortiumRegistry": "generated", "Disclosure": "generated",
    "DrugProvenance": "generated", "ERC20": "generated", "Member": "generated", "PharmacyClaimInput": "generated",
    "RecordAnchor": "generated", "RecordExchange": "generated", "ShipmentRef": "generated",
    "TestStableToken": "generated",
}

__all__ = [  # the keys of _WHERE (a literal, so that linters see the TYPE_CHECKING imports used)
    "BlockId", "ChainIdMismatch", "ClaimInput", "ClaimSettlement", "ClaimView", "ConsentRegistry",
    "ConsortiumRegistry", "Contract", "ContractReverted", "Disclosure", "DrugProvenance", "ERC20", "Event",
    "Member", "PharmacyClaimInput", "Receipt", "RecordAnchor", "RecordExchange", "ShipmentRef", "Signer", "Suite",
    "TestStableToken", "TransactionPending", "Transactor", "TxOptions",
]


__getattr__, __dir__ = lazy_exports(globals(), _WHERE)


if TYPE_CHECKING:
    from .base import BlockId, Contract, ContractReverted, Event, Receipt, TxOptions
    from .generated import (
        ERC20,
        ClaimInput,
        ClaimSettlement,
        ClaimView,
        ConsentRegistry,
        ConsortiumRegistry,
        Disclosure,
        DrugProvenance,
        Member,
        PharmacyClaimInput,
        RecordAnchor,
        RecordExchange,
        ShipmentRef,
        TestStableToken,
    )
    from .suite import Suite
    from .tx import ChainIdMismatch, Signer, TransactionPending, Transactor
