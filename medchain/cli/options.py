"""The options every script shares, under one name and one meaning each."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

__all__ = ["deployment_option", "page_option", "purpose_option", "yes_option"]

#: ``--deployment PATH``: the manifest of the deployment to use (default ``deployments/<network>.json``).
deployment_option: Callable[[Any], Any] = click.option(
    "--deployment",
    type=click.Path(dir_okay=False, path_type=Path),
    metavar="PATH",
    help="The deployment manifest. Default: deployments/<network>.json.",
)

#: ``--yes/-y``: no question before sending; keyfile accounts then sign unattended (their passphrase from
#: ``APE_ACCOUNTS_<alias>_PASSPHRASE``).
yes_option: Callable[[Any], Any] = click.option(
    "--yes",
    "-y",
    is_flag=True,
    help="Do not ask: sign and send unattended (keyfile accounts read APE_ACCOUNTS_<alias>_PASSPHRASE).",
)


def page_option(default: int) -> Callable[[Any], Any]:
    """``--page BLOCKS``: blocks per ``eth_getLogs`` request (readers that adapt start there)."""
    return click.option(
        "--page",
        type=click.IntRange(min=1),
        default=default,
        show_default=True,
        metavar="BLOCKS",
        help="Blocks per eth_getLogs request (the node may cap ranges).",
    )


def purpose_option(*, required: bool = True, multiple: bool = True, default: Any = None) -> Callable[[Any], Any]:
    """``--purpose NAME``: a PurposeOfUse (treat, hpaymt, hoperat, hresch, pubhlth, etreat); repeatable where a
    command takes several (``--purpose treat --purpose hpaymt``, or ``--purpose treat,hpaymt``)."""
    return click.option(
        "--purpose",
        "purpose",
        required=required and default is None,
        multiple=multiple,
        default=default,
        show_default=default is not None,
        help="PurposeOfUse: treat, hpaymt, hoperat, hresch, pubhlth, etreat"
        + (" (repeat it, or comma-separate, for several)" if multiple else ""),
    )
