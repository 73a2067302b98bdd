"""What a command works on: the connected chain, the deployment (its manifest) and the signing account."""

from __future__ import annotations

import sys
from functools import cached_property
from pathlib import Path
from typing import Any


class Session:
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
            self._instances[name] = project.get_contract(name).at(address, fetch_from_explorer=False,
                                                                  detect_proxy=False)
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
