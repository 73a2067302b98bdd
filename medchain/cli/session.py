"""What a command works on: the chain, the deployment (its manifest) and the signing account.

:class:`Session` reaches the deployment through the SDK (:mod:`medchain.contracts`): one JSON-RPC
transport, contracts as typed classes, transactions signed locally. :class:`ApeSession` gives ape's
contract objects, for what needs ape's project (deploying the contracts it compiled).
"""

from __future__ import annotations

import sys
from functools import cached_property
from pathlib import Path
from typing import Any


class Session:
    """The deployment recorded in ``deployment`` (default ``deployments/<network>.json``) on ``network``'s chain.

    ``account`` (an :class:`~medchain.cli.account.AccountRef`) signs; with ``yes`` unattended. Contracts are
    the SDK's classes; a manifest of another chain, or whose contracts are gone, is refused (one line, by
    the error handler). ``patience``: seconds a node that does not answer is retried.
    """

    def __init__(
        self,
        network: Any,
        deployment: Path | None = None,
        *,
        account: Any = None,
        yes: bool = False,
        patience: float = 30.0,
    ):
        from medchain.deployment.manifest import manifest_path

        self.net = network
        self.path = Path(deployment) if deployment else manifest_path(network.name)
        self.account = account
        self.yes = yes
        self.patience = patience
        self._instances: dict[str, Any] = {}

    @cached_property
    def rpc(self) -> Any:
        """The node (:class:`~medchain.chain.rpc.Rpc`), its chain checked against the network's."""
        import click

        return self.net.rpc(patience=self.patience, log=lambda message: click.echo(f"  {message}", err=True))

    @cached_property
    def manifest(self) -> Any:
        """The deployment's :class:`~medchain.deployment.manifest.Manifest`; one of another chain is refused."""
        from medchain.deployment.manifest import ChainMismatchError, read_manifest

        manifest = read_manifest(self.path)
        node = self.net.chain_id  # the node's, checked against the network's once (cached)
        if manifest.chain_id != node:
            raise ChainMismatchError(self.path, manifest.chain_id, node, "use it")
        return manifest

    @cached_property
    def signer(self) -> Any:
        """What signs the account's transactions (asks for its passphrase if it must)."""
        if self.account is None:
            raise ValueError("this command signs nothing")
        return self.account.signer(yes=self.yes)

    @cached_property
    def transactor(self) -> Any:
        from medchain.contracts import Transactor

        return Transactor(self.rpc, self.signer, chain_id=self.manifest.chain_id)

    def contract(self, name: str, kind: Any = None, address: str | None = None) -> Any:
        """The deployment's ``name`` contract as the SDK's class (``kind``, default the class of that name), signed
        by the account if there is one. A manifest without it is refused naming what it has; one whose contract
        has no code on the chain (a reset chain) is refused as stale. ``address``: another contract of that kind
        (the token a contract names)."""
        from medchain import contracts
        from medchain.deployment.manifest import ManifestError

        key = address or name
        if key not in self._instances:
            at = address or self.manifest.address_of(name)
            if self.rpc.call("eth_getCode", [at, "latest"]) in ("0x", "0x0", None):
                raise ManifestError(
                    f"{self.path}: no code at {at} ({name}) on chain {self.manifest.chain_id}: the "
                    "chain was reset or the manifest is stale; deploy again"
                )
            cls = kind or getattr(contracts, name)
            transactor = self.transactor if self.account is not None else None
            self._instances[key] = cls(self.rpc, at, transactor=transactor)
        return self._instances[key]

    def block(self, name: str) -> int:
        """The block ``name`` was deployed in (where reading its history starts)."""
        return self.manifest.contracts[name].block

    @property
    def now(self) -> int:
        """The time the next block will carry (the node's pending block; else the latest block's + 1)."""
        from medchain.chain.rpc import RpcError

        try:
            pending = self.rpc.call("eth_getBlockByNumber", ["pending", False])
        except RpcError:
            pending = None
        if pending and pending.get("timestamp"):
            return int(pending["timestamp"], 16)
        return int(self.rpc.call("eth_getBlockByNumber", ["latest", False])["timestamp"], 16) + 1

    @property
    def network(self) -> str:
        return self.net.label


class ApeSession:
    """The deployment recorded in ``deployment`` (default ``deployments/<network>.json``) on ``provider``'s chain.

    With ``account`` and ``yes``, a keyfile account signs unattended. Contracts are ape contract instances;
    a manifest of another chain, or whose contracts are gone, is refused (one line, by the error handler).
    """

    def __init__(self, provider: Any, deployment: Path | None = None, *, account: Any = None, yes: bool = False):
        from medchain.deployment.manifest import manifest_path

        self.provider = provider
        self.path = Path(deployment) if deployment else manifest_path(provider.network.name)
        self.account = account
        self.yes = yes
        self._instances: dict[str, Any] = {}
        if account is not None and yes and hasattr(account, "set_autosign"):
            account.set_autosign(True)

    @cached_property
    def manifest(self) -> Any:
        """The deployment's :class:`~medchain.deployment.manifest.Manifest`; one of another chain is refused."""
        from medchain.deployment.manifest import ChainMismatchError, read_manifest

        manifest = read_manifest(self.path)
        if manifest.chain_id != self.provider.chain_id:
            raise ChainMismatchError(self.path, manifest.chain_id, self.provider.chain_id, "use it")
        return manifest

    @cached_property
    def contracts(self) -> dict[str, Any]:
        """Every contract of the deployment, by name."""
        return {name: self.contract(name) for name in self.manifest.contracts}

    def contract(self, name: str) -> Any:
        """The deployment's ``name`` contract (an ape contract instance). A manifest without it is refused naming
        what it has; one whose contract has no code on the chain (a reset chain) is refused as stale."""
        from ape import project

        from medchain.deployment.loader import require_code

        if name not in self._instances:
            address = self.manifest.address_of(name)
            require_code(self.provider, self.path, name, address)
            # Our own contracts: no explorer to ask, and none is a proxy.
            self._instances[name] = project.get_contract(name).at(
                address, fetch_from_explorer=False, detect_proxy=False
            )
        return self._instances[name]

    def block(self, name: str) -> int:
        """The block ``name`` was deployed in (where reading its history starts)."""
        return self.manifest.contracts[name].block

    @property
    def now(self) -> int:
        """The time the next block will carry."""
        from ape import chain

        return chain.pending_timestamp

    @property
    def network(self) -> str:
        return f"{self.provider.network.ecosystem.name}:{self.provider.network.name}"


def confirm(question: str, yes: bool) -> None:
    """Ask ``question`` (yes/no) before something that cannot be taken back; ``--yes`` answers yes. Without a
    terminal to ask on, refuse in one line saying to rerun with ``--yes``."""
    import click

    from .failures import OneLineError

    if yes:
        return
    if not sys.stdin.isatty():
        raise OneLineError(f"{question} No terminal to ask on: rerun with --yes to confirm")
    if not click.confirm(question, default=False):
        raise OneLineError("not confirmed; nothing was done")
