"""The command-line kit of the ape scripts (``scripts/*.py``, run as ``ape run <domain> <command>``).

- :class:`Group`, :class:`ChainCommand`, :class:`OfflineCommand`: every failure goes through one handler
  (:mod:`medchain.cli.failures`): a foreseeable one (node down, wrong chain, unset node URL, no funds, a
  contract's refusal, a missing or stale manifest, bad input) is one line that says what to do.
- Options under one name each: ``--network`` (ape's choices, connected on first use: :mod:`.network`),
  ``--account`` (ape's account store, unlocked when signing: :mod:`.account`), ``--deployment PATH``,
  ``--yes``, ``--page BLOCKS``, ``--purpose``; value types :data:`ADDRESS`, :data:`BYTES32`, :data:`AMOUNT`, :data:`DURATION`,
  :data:`TIME`, :data:`GS1_SCAN`, :data:`CLAIM_REASON`, :data:`REASON_CODE`.
- :class:`Session`: the deployment a command works on, through the SDK (:class:`ApeSession`: through
  ape's objects, for deploying); :func:`confirm` before what cannot be undone.

``ape run`` executes every script to list its commands, so this package imports only click and light
parts of ``ape.cli``; everything else is imported when a command runs.
"""

from .account import ACCOUNT, AccountRef, account_option
from .commands import ChainCommand, Group, OfflineCommand
from .network import NETWORK, NetworkRef, network_option
from .options import deployment_option, page_option, purpose_option, yes_option
from .session import ApeSession, Session, confirm
from .types import ADDRESS, AMOUNT, BYTES32, CLAIM_REASON, DURATION, GS1_SCAN, REASON_CODE, TIME, Amount, When

__all__ = [
    "ACCOUNT",
    "ADDRESS",
    "AMOUNT",
    "BYTES32",
    "CLAIM_REASON",
    "DURATION",
    "GS1_SCAN",
    "NETWORK",
    "REASON_CODE",
    "TIME",
    "AccountRef",
    "Amount",
    "ApeSession",
    "ChainCommand",
    "Group",
    "NetworkRef",
    "OfflineCommand",
    "Session",
    "When",
    "account_option",
    "confirm",
    "deployment_option",
    "network_option",
    "page_option",
    "purpose_option",
    "yes_option",
]
