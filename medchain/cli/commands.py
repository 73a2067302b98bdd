"""Command classes of the ape scripts: every command's failures go through one handler
(:func:`medchain.cli.failures.explain`), so a foreseeable failure is one line, never a traceback."""

from __future__ import annotations

import inspect
from typing import Any

import click

from .network import NetworkRef, network_option


class _OneLine:
    """Mix-in: run the command; turn a foreseeable failure into a one-line error (see ``failures``)."""

    rerun: str | None = None

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return self._run(ctx)
        except (
            click.exceptions.ClickException,
            click.exceptions.Exit,
            click.exceptions.Abort,
            SystemExit,
            KeyboardInterrupt,
        ):
            raise
        except Exception as err:  # noqa: BLE001 - sorted below: the foreseeable ones become one line
            from .failures import OneLineError, explain, is_bad_input

            rerun = self.rerun.format_map(ctx.params) if self.rerun else None
            line = explain(err, ctx.meta.get("medchain.network"), rerun)
            if line is None:
                raise
            error = OneLineError(line)
            error.exit_code = 2 if is_bad_input(err) else 1  # 2, as click's usage errors: the input is wrong
            raise error from None

    def _run(self, ctx: click.Context) -> Any:
        return super().invoke(ctx)  # type: ignore[misc]


class ChainCommand(_OneLine, click.Command):
    """A command that talks to the chain: it takes ``--network`` (ape's syntax).

    The function takes ``network`` (a :class:`~medchain.cli.network.NetworkRef`, connected on first use),
    or ``provider`` (ape's provider, connected for the command; its ``account`` is then ape's account
    object) for what needs ape's objects, such as deploying the project's contracts.

    ``rerun``: what rerunning does after a failure half-way (e.g. "rerun the same command: the journal
    resumes it"), with ``{option}`` placeholders filled from the command's parameters; default "rerun the
    same command"."""

    def __init__(self, *args: Any, rerun: str | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.rerun = rerun
        if not any(p.name == "network" for p in self.params):
            network_option()(self)

    def _run(self, ctx: click.Context) -> Any:
        network: NetworkRef = ctx.params["network"]
        ctx.meta["medchain.network"] = network
        wanted = inspect.signature(self.callback).parameters if self.callback else {}
        try:
            if "provider" in wanted:
                ctx.params.pop("network")
                ctx.params["provider"] = network.provider
                if ctx.params.get("account") is not None:
                    ctx.params["account"] = ctx.params["account"].ape
            return click.Command.invoke(self, ctx)
        finally:
            network.close()


class OfflineCommand(_OneLine, click.Command):
    """A command that needs no node (it reads files or the audit index)."""


class Group(click.Group):
    """A group of commands by domain; its commands talk to the chain unless given ``cls=OfflineCommand``."""

    command_class = ChainCommand
    group_class = type
