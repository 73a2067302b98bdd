"""``--account ALIAS``: an account of ape's account store, turned into a signer only when a command signs.

A keyfile account (``$APE_DATA_FOLDER/accounts/<alias>.json``, what ``ape accounts import`` and
``ape accounts generate`` write) is unlocked here, as ape unlocks it: the passphrase from
``APE_ACCOUNTS_<alias>_PASSPHRASE`` if set, else asked (three tries). With a passphrase in the
environment the key derivation (scrypt, most of a second) starts as soon as the option is read and runs
beside the command's other work. Without ``--yes`` every transaction, and every EIP-712 message
(:meth:`AccountRef.sign_typed_data`), is shown and confirmed before it is signed. While a signing agent
runs for the account (``ape run signer start``, :mod:`medchain.cli.agent`), the keyfile is not unlocked:
the agent signs, and every answer is checked. Any other account (``TEST::0``, a hardware wallet's
plugin) is loaded through ape and signs through ape.
"""

from __future__ import annotations

import json
import os
import sys
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import click

__all__ = ["ACCOUNT", "AccountRef", "ApeAccountSigner", "account_option"]


class AccountError(click.ClickException):
    """The account cannot be used (unknown alias, wrong passphrase)."""


def _data_folder() -> Path:
    return Path(os.environ.get("APE_DATA_FOLDER") or Path.home() / ".ape")


@dataclass
class AccountRef:
    """The account a command was given: its :attr:`address` at once, its :meth:`signer` when it signs."""

    alias: str
    _key: Any = field(default=None, repr=False)
    _unlocking: threading.Thread | None = field(default=None, repr=False)
    _failure: BaseException | None = field(default=None, repr=False)

    @property
    def keyfile_path(self) -> Path:
        return _data_folder() / "accounts" / f"{self.alias}.json"

    @cached_property
    def keyfile(self) -> dict[str, Any] | None:
        """The account's keyfile (None: not a keyfile account)."""
        path = self.keyfile_path
        if "::" in self.alias or not path.is_file():
            return None
        return json.loads(path.read_text())

    @cached_property
    def ape(self) -> Any:
        """ape's account object (loads ape's account plugins)."""
        from ape import accounts

        if self.alias.startswith("TEST::"):
            return accounts.test_accounts[int(self.alias.split("::", 1)[1])]
        try:
            return accounts.load(self.alias)
        except Exception as err:  # noqa: BLE001 - ape's own message names the alias
            raise AccountError(f"--account {self.alias}: {err} (see `ape accounts list`)") from None

    @cached_property
    def address(self) -> str:
        """The account's address (from its keyfile, without unlocking it)."""
        from eth_utils import to_checksum_address

        if self.keyfile is not None:
            return to_checksum_address(self.keyfile["address"])
        return str(self.ape.address)

    @property
    def agent_path(self) -> Path:
        """Where the signing agent of this account answers while it runs (:mod:`medchain.cli.agent`)."""
        from .agent import socket_path

        return socket_path(self.alias, _data_folder())

    @cached_property
    def agent(self) -> Any:
        """The signing agent running for this keyfile account (:class:`~medchain.cli.agent.AgentClient`), or None."""
        if self.keyfile is None:
            return None
        from .agent import find_agent

        client = find_agent(self.agent_path, warn=lambda message: click.echo(f"warning: {message}", err=True))
        if client is not None and client.address.lower() != self.address.lower():
            raise AccountError(
                f"--account {self.alias}: the signing agent on {client.path} signs for {client.address}, not for "
                f"this account's {self.address}: stop it"
            )
        return client

    def start_unlocking(self) -> None:
        """Begin deriving the key in the background when the passphrase is in the environment (not when a
        signing agent runs for the account)."""
        if self.keyfile is not None and self.agent is None:
            self._start_decrypting()

    def _start_decrypting(self) -> None:
        passphrase = os.environ.get(f"APE_ACCOUNTS_{self.alias}_PASSPHRASE")
        if self._unlocking is not None or self._key is not None or not passphrase or self.keyfile is None:
            return
        self._unlocking = threading.Thread(
            target=self._decrypt_in_background, args=(passphrase,), daemon=True, name=f"unlock {self.alias}"
        )
        self._unlocking.start()

    def _decrypt_in_background(self, passphrase: str) -> None:
        try:
            self._key = self._decrypt(passphrase)
        except BaseException as err:  # noqa: BLE001 - handed to the command's thread in signer()
            self._failure = err

    def _decrypt(self, passphrase: str) -> Any:
        from eth_account import Account

        if self.keyfile is None:
            raise AccountError(f"--account {self.alias}: not a keyfile account")
        try:
            return Account.from_key(Account.decrypt(self.keyfile, passphrase))
        except ValueError:
            return None

    def unlock(self) -> Any:
        """The keyfile's key (an eth-account ``LocalAccount``): the passphrase from the environment, else asked
        for (three tries)."""
        self._start_decrypting()
        return self._local_key()

    def _local_key(self) -> Any:
        if self._unlocking is not None:
            self._unlocking.join()
            self._unlocking = None
            if self._failure is not None:
                raise self._failure
            if self._key is None:
                raise AccountError(
                    f"--account {self.alias}: APE_ACCOUNTS_{self.alias}_PASSPHRASE is not its passphrase"
                )
        if self._key is None and not sys.stdin.isatty():
            raise AccountError(
                f"--account {self.alias}: no passphrase and no terminal to ask for it on: set "
                f"APE_ACCOUNTS_{self.alias}_PASSPHRASE, or start a signing agent "
                f"(ape run signer start --account {self.alias})"
            )
        for _attempt in range(3):
            if self._key is not None:
                return self._key
            self._key = self._decrypt(
                click.prompt(f"Enter passphrase to unlock '{self.alias}'", hide_input=True, err=True)
            )
            if self._key is None:
                click.echo("Invalid passphrase", err=True)
        raise AccountError(f"--account {self.alias}: not unlocked after 3 attempts")

    def signer(self, *, yes: bool = False) -> Any:
        """What signs this account's transactions (see :class:`medchain.contracts.Signer`) and EIP-712 messages
        (``sign_typed_data``): the keyfile's key, unlocked when the first one is signed (or already, in the
        background), else ape's account. Without ``yes`` each is shown and confirmed first."""
        if self.keyfile is not None:
            return _KeyfileSigner(self, yes)
        return ApeAccountSigner(self._ape_account(yes))

    def _ape_account(self, yes: bool) -> Any:
        account = self.ape
        if yes and hasattr(account, "set_autosign"):
            account.set_autosign(True)
        return account

    def sign_typed_data(
        self, domain: Mapping[str, Any], types: Mapping[str, Any], message: Mapping[str, Any], *, yes: bool = False
    ) -> bytes:
        """Sign EIP-712 typed data as a wallet's ``eth_signTypedData_v4`` does: ``domain`` (the domain's
        fields), ``types`` (the message's struct types, without ``EIP712Domain``: it follows from ``domain``),
        ``message`` (the primary type's values). Returns the 65-byte signature ``r ‖ s ‖ v``.

        A keyfile account signs with its key (unlocked as for a transaction), after showing the message and
        asking for confirmation unless ``yes``; any other account signs through ape (which asks as it does)."""
        if self.keyfile is None:
            return ApeAccountSigner(self._ape_account(yes)).sign_typed_data(domain, types, message)
        if not yes:
            shown = json.dumps({"domain": dict(domain), "message": dict(message)}, indent=2, default=str)
            _confirm(f"{shown}\n\nSign this message: ", "a message to sign")
        if self.agent is not None:
            return bytes(self.agent.sign_typed_data(domain, types, message))
        signed = self._local_key().sign_typed_data(dict(domain), dict(types), dict(message))
        return bytes(signed.signature)


def _confirm(question: str, what: str) -> None:
    """Ask ``question`` on the terminal; no terminal, or no: refused in one line."""
    from .failures import OneLineError

    if not sys.stdin.isatty():
        raise OneLineError(f"{what} and no terminal to confirm it on: rerun with --yes")
    if not click.confirm(question, default=False, err=True):
        raise OneLineError("not signed; nothing was sent")


class _KeyfileSigner:
    """A keyfile account's key, unlocked on first use; without ``yes`` it asks before signing each transaction
    or message."""

    def __init__(self, ref: AccountRef, yes: bool):
        self.ref, self.yes = ref, yes
        self.address = ref.address

    def sign_transaction(self, tx: dict[str, Any]) -> Any:
        signer = self.ref.agent or self.ref._local_key()  # the agent, else the keyfile's key (unlocked now)
        if not self.yes:
            shown = "\n".join(
                f"  {k}: {v if k != 'data' or len(str(v)) < 140 else str(v)[:138] + '...'}" for k, v in tx.items()
            )
            _confirm(f"{shown}\n\nSign: ", "a transaction to sign")
        return signer.sign_transaction(tx)

    def sign_typed_data(self, domain: Mapping[str, Any], types: Mapping[str, Any], message: Mapping[str, Any]) -> bytes:
        """See :meth:`AccountRef.sign_typed_data` (confirmed unless ``yes``)."""
        return self.ref.sign_typed_data(domain, types, message, yes=self.yes)


class ApeAccountSigner:
    """An ape account (a test account, a hardware wallet's plugin) as a :class:`medchain.contracts.Signer`."""

    def __init__(self, account: Any):
        self.account = account
        self.address = str(account.address)

    def sign_transaction(self, tx: dict[str, Any]) -> bytes:
        from ape.utils.basemodel import ManagerAccessMixin

        fields = {**tx, "sender": self.address}
        fields["data"] = (
            bytes.fromhex(str(fields["data"])[2:]) if str(fields["data"]).startswith("0x") else fields["data"]
        )
        txn = ManagerAccessMixin.network_manager.ethereum.create_transaction(**fields)
        signed = self.account.sign_transaction(txn)
        if signed is None or signed.signature is None:
            raise AccountError(f"account {self.address} did not sign the transaction")
        return bytes(signed.serialize_transaction())

    def sign_typed_data(self, domain: Mapping[str, Any], types: Mapping[str, Any], message: Mapping[str, Any]) -> bytes:
        """EIP-712 typed data (see :meth:`AccountRef.sign_typed_data`) signed by the ape account: ``r ‖ s ‖ v``."""
        from eth_account.messages import encode_typed_data

        signature = self.account.sign_message(encode_typed_data(dict(domain), dict(types), dict(message)))
        if signature is None:
            raise AccountError(f"account {self.address} did not sign the message")
        # r and s are 32-byte words: bytes() of one with a leading zero byte is shorter, so they are padded.
        return bytes(signature.r).rjust(32, b"\0") + bytes(signature.s).rjust(32, b"\0") + bytes([signature.v])


class _AccountType(click.ParamType):
    name = "alias"

    def __init__(self, signs: bool = True):
        self.signs = signs

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> AccountRef:
        if isinstance(value, AccountRef):
            return value
        ref = AccountRef(str(value))
        if ref.keyfile is None and "::" not in ref.alias:
            from ape.utils.basemodel import ManagerAccessMixin

            if ref.alias not in ManagerAccessMixin.account_manager.aliases:
                self.fail(
                    f"no account {ref.alias!r} in {_data_folder() / 'accounts'} (see `ape accounts list`)", param, ctx
                )
        if self.signs:
            ref.start_unlocking()
        return ref


#: An account alias of ape's store (or ``TEST::n``), as an :class:`AccountRef`.
ACCOUNT = _AccountType()
#: The same, for a command that only needs the account's address (its key is not unlocked in advance).
ACCOUNT_ADDRESS = _AccountType(signs=False)


def account_option(required: bool = True, *, signs: bool = True) -> Callable[[Any], Any]:
    """``--account ALIAS``: who signs (an alias of `ape accounts list`, or ``TEST::n`` on a test chain).
    ``signs=False``: the command only needs the account's address (no unlocking in advance)."""
    return click.option(
        "--account",
        "account",
        type=ACCOUNT if signs else ACCOUNT_ADDRESS,
        required=required,
        metavar="ALIAS",
        help="The signing account: an alias of `ape accounts list` (TEST::n on a test chain)."
        if signs
        else "The account: an alias of `ape accounts list` (TEST::n on a test chain).",
    )
