"""A deployed suite, connected from its manifest: one typed contract object per contract.

    suite = Suite.connect("http://127.0.0.1:8545", "deployments/consortium.json", signer=account)
    suite.consent.grant(...)          # signed by ``account``, waits for the receipt
    suite.registry.memberOf(address)  # a view

Configuration is explicit: the node's URL, the manifest's path and the signer. Nothing is looked up
in a checkout, the working directory or the environment.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, TypeVar

from ..chain.rpc import Log, Rpc
from ..deployment.manifest import ChainMismatchError, Manifest, ManifestError, read_manifest
from .base import Contract, Event, Receipt
from .generated import (
    ERC20, ClaimSettlement, ConsentRegistry, ConsortiumRegistry, DrugProvenance, RecordAnchor, RecordExchange,
    TestStableToken,
)
from .tx import Signer, Transactor

#: The suite's contracts every deployment has (the token only on test chains).
REQUIRED = ("ConsortiumRegistry", "ConsentRegistry", "RecordAnchor", "DrugProvenance", "ClaimSettlement",
            "RecordExchange")
C = TypeVar("C", bound=Contract)


@dataclass(frozen=True)
class Suite:
    """The contracts of one deployment, reached through ``rpc``, transactions signed by ``signer``.

    ``token`` is the settlement token: the test token when the manifest has one, else the ERC-20 the
    claims contract settles in (read from it on connecting)."""

    manifest: Manifest
    rpc: Rpc
    signer: Signer | None
    registry: ConsortiumRegistry
    consent: ConsentRegistry
    records: RecordAnchor
    provenance: DrugProvenance
    claims: ClaimSettlement
    exchange: RecordExchange
    token: ERC20

    @classmethod
    def connect(cls, rpc_url: str | Rpc, manifest_path: str | Path, signer: Signer | None = None) -> Suite:
        """The suite of the manifest at ``manifest_path`` on the node at ``rpc_url`` (or an :class:`Rpc`).

        Raises :class:`~medchain.deployment.ManifestError` for a manifest that is missing, malformed or
        lacks a contract of the suite, and :class:`~medchain.deployment.ChainMismatchError` when the node
        is on another chain than the manifest's."""
        rpc = rpc_url if isinstance(rpc_url, Rpc) else Rpc(rpc_url)
        path = Path(manifest_path)
        manifest = read_manifest(path)
        missing = [name for name in REQUIRED if name not in manifest.contracts]
        if missing:
            raise ManifestError(f"{path}: no {', '.join(missing)} in the manifest (an incomplete deployment?)")
        node_chain = rpc.chain_id()
        if node_chain != manifest.chain_id:
            raise ChainMismatchError(path, manifest.chain_id, node_chain, f"use it with {rpc.name}")
        return cls._build(manifest, rpc, signer)

    @classmethod
    def _build(cls, manifest: Manifest, rpc: Rpc, signer: Signer | None) -> Suite:
        transactor = Transactor(rpc, signer, chain_id=manifest.chain_id) if signer is not None else None

        def at(kind: type[C], name: str) -> C:
            return kind(rpc, manifest.address_of(name), transactor=transactor)

        claims = at(ClaimSettlement, "ClaimSettlement")
        if "TestStableToken" in manifest.contracts:
            token: ERC20 = at(TestStableToken, "TestStableToken")
        else:
            token = ERC20(rpc, claims.token(), transactor=transactor)
        return cls(manifest=manifest, rpc=rpc, signer=signer, registry=at(ConsortiumRegistry, "ConsortiumRegistry"),
                   consent=at(ConsentRegistry, "ConsentRegistry"), records=at(RecordAnchor, "RecordAnchor"),
                   provenance=at(DrugProvenance, "DrugProvenance"), claims=claims,
                   exchange=at(RecordExchange, "RecordExchange"), token=token)

    @property
    def chain_id(self) -> int:
        """The chain the suite is deployed on (the node's: checked on connecting)."""
        return self.manifest.chain_id

    @property
    def contracts(self) -> tuple[Contract, ...]:
        """Every contract object of the suite, the token last."""
        return (self.registry, self.consent, self.records, self.provenance, self.claims, self.exchange, self.token)

    def with_signer(self, signer: Signer) -> Suite:
        """The same suite, its transactions signed by ``signer`` (one nonce counter for all its contracts)."""
        return self._build(self.manifest, self.rpc, signer)

    def decode_logs(self, logs: Receipt | Iterable[Log]) -> list[Event]:
        """Every log (of a receipt, or a list) that is an event of the suite, decoded, in order."""
        items = logs.logs if isinstance(logs, Receipt) else list(logs)
        by_address = {c.address.lower(): c for c in self.contracts}
        found: list[Event] = []
        for log in items:
            contract = by_address.get(log.address.lower())
            if contract is not None:
                found.extend(contract.decode_logs([log]))
        return found
