"""Command classes of the ape scripts: every command's failures go through one handler
(:func:`medchain.cli.failures.explain`), so a foreseeable failure is one line, never a traceback."""

from __future__ import annotations

from typing import Any

import click
from ape.cli import ConnectedProviderCommand


class _OneLine:
    """Mix-in: run the command; turn a foreseeable failure into a one-line error (see ``failures``)."""

    rerun: str | None = None

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)  # type: ignore[misc]
        except (click.exceptions.ClickException, click.exceptions.Exit, click.exceptions.Abort, SystemExit,
                KeyboardInterrupt):
            raise
        except Exception as err:  # noqa: BLE001 - sorted below: the foreseeable ones become one line
            from .failures import OneLineError, explain, is_bad_input

            rerun = self.rerun.format_map(ctx.params) if self.rerun else None
            line = explain(err, ctx.params.get("provider") or _connected(), rerun)
            if line is None:
                raise
            error = OneLineError(line)
            error.exit_code = 2 if is_bad_input(err) else 1  # 2, as click's usage errors: the input is wrong
            raise error from None


class ChainCommand(_OneLine, ConnectedProviderCommand):
    """A command that talks to the chain (``--network``; the function may take ``provider``).

    ``rerun``: what rerunning does after a failure half-way (e.g. "rerun the same command: the journal
    resumes it"), with ``{option}`` placeholders filled from the command's parameters; default "rerun the
    same command"."""

    def __init__(self, *args: Any, rerun: str | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.rerun = rerun


class OfflineCommand(_OneLine, click.Command):
    """A command that needs no node (it reads files or the audit index)."""


class Group(click.Group):
    """A group of commands by domain; its commands talk to the chain unless given ``cls=OfflineCommand``."""

    command_class = ChainCommand
    group_class = type


def _connected() -> Any:
    """The provider ape connected, if any (for the error line's node URL)."""
    try:
        from ape.utils.basemodel import ManagerAccessMixin

        manager = ManagerAccessMixin.network_manager
        return manager.active_provider if manager.connected else None
    except Exception:  # noqa: BLE001 - only for a friendlier message
        return None
