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
        if account is not None and yes and hasattr(account, "set_autosign"):
            account.set_autosign(True)

    @cached_property
    def _suite(self) -> tuple[Any, dict[str, Any]]:
        from ape import project

        from medchain.deployment.loader import load_suite

        return load_suite(project, self.provider, self.path)

    @property
    def manifest(self) -> Any:
        """The deployment's :class:`~medchain.deployment.manifest.Manifest` (checked against the chain)."""
        return self._suite[0]

    @property
    def contracts(self) -> dict[str, Any]:
        return self._suite[1]

    def contract(self, name: str) -> Any:
        """The deployment's ``name`` contract; a manifest without it is refused naming what it has."""
        if name not in self.contracts:
            self.manifest.address_of(name)
        return self.contracts[name]

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
