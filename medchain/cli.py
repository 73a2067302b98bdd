"""What the ape scripts share on the command line."""

from __future__ import annotations

from typing import Any

from .extras import missing_extra

try:
    import click
    from ape.cli import ConnectedProviderCommand
    from ape.exceptions import ProviderError
except ImportError as err:
    raise missing_extra("cli", err) from None


class NodeCommand(ConnectedProviderCommand):
    """``ConnectedProviderCommand`` that, when no node answers at the network's URL, says so in a line
    (and what to do) instead of ape's traceback. Nothing has been done at that point."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except ProviderError as err:
            if "node found" not in str(err):
                raise
            raise click.ClickException(
                f"{err} The node is down or unreachable; nothing was done. Start it (or wait for it) and rerun the "
                "same command") from None
