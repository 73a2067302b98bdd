"""The one error handler of the command line: every foreseeable failure becomes one line that says what to do.

Foreseeable: the network's node URL is not set, the node is another chain than the network's, every
error the medchain package raises (bad input, a manifest that is missing, stale or of another chain,
an interrupted job: its message knows what was under way), the node is down or unreachable, a contract
refuses (decoded by :mod:`medchain.errors`), the account cannot pay for gas. Anything else is a bug and
keeps its traceback.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

import click

_UNSET_VARIABLE = re.compile(r"\$\{(\w+)\}")
_NO_FUNDS = re.compile(r"insufficient funds|exceeds allowance|funds for gas", re.I)


class OneLineError(click.ClickException):
    """A failure the operator can act on: printed as ``Error: <what happened>: <what to do>``, no traceback."""


def explain(err: BaseException, provider: Any = None, rerun: str | None = None) -> str | None:
    """The one line for ``err``, or None when it is not foreseeable (a bug: let the traceback show).

    ``rerun`` says what rerunning the same command does after a failure half-way (a command that
    resumes says so); default: that nothing was changed.
    """
    from ape.exceptions import ConfigError, ContractLogicError, NetworkMismatchError, ProviderError, TransactionError

    from medchain.errors import refusal
    from medchain.chain.rpc import describe, node_unreachable

    after = rerun or "rerun the same command"
    if isinstance(err, ConfigError) and (unset := _UNSET_VARIABLE.search(str(err))):
        return (f"{unset.group(1)} is not set: export {unset.group(1)}=http://<node>:8545 (the JSON-RPC URL of the "
                "network's node) and rerun")
    if isinstance(err, NetworkMismatchError) or "does not match network chain ID" in str(err):
        return (f"{_no_traceback_text(err)} The node's chain id is not the network's (ape-config.yaml): point the "
                "network at the right node (MEDCHAIN_RPC_URL for ethereum:consortium:node) or fix its chain_id; "
                "nothing was sent")
    if _is_medchain(err):
        # The package's own account comes first: it knows what was under way (a batch in flight, a journal).
        # A refusal it checks for before sending (ShareRefused, ReceiveRefused) says so.
        return f"REFUSED: {err}" if type(err).__name__.endswith("Refused") else str(err)
    if isinstance(err, ProviderError) and "node found" in str(err):
        return f"{err} The node is down or unreachable; nothing was done. Start it (or wait for it) and {after}"
    if node_unreachable(err):
        where = _node_url(provider)
        return f"the node{where} is not answering ({describe(err)}): start it (or wait for it) and {after}"
    decoded = refusal(err)
    if decoded is not None:
        owner = f" by {decoded.contract}" if decoded.contract else ""
        return f"refused{owner}: {decoded}"
    if isinstance(err, TransactionError) and _NO_FUNDS.search(str(err)):
        return _no_funds(err, provider)
    if isinstance(err, ContractLogicError):
        return f"refused by the contract: {err}"
    return None


def is_bad_input(err: BaseException) -> bool:
    """The package refused a value or file it was given (its ValueErrors, not raised by a node that went away):
    exit status 2, as for usage errors."""
    from medchain.chain.rpc import node_unreachable

    return isinstance(err, ValueError) and _is_medchain(err) and not node_unreachable(err)


def _no_traceback_text(err: BaseException) -> str:
    text = str(err).strip()
    return text if text.endswith((".", "?")) else text + "."


def _node_url(provider: Any) -> str:
    url = getattr(provider, "http_uri", None) or getattr(provider, "uri", None) if provider is not None else None
    return f" at {url}" if url else ""


def _is_medchain(err: BaseException) -> bool:
    """The package's own errors (bad input, refusals it checks for, files it cannot read)."""
    module = type(err).__module__ or ""
    return module == "medchain" or module.startswith(("medchain.", "medchain_dev."))


def ether(wei: int) -> str:
    """Wei as ETH, without float rounding or exponent notation (``0.0021``)."""
    text = format(Decimal(wei) / Decimal(10**18), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def _no_funds(err: BaseException, provider: Any) -> str:
    """``no funds``: the sender's balance and what the transaction would cost (estimated without the balance
    cap that made the node refuse it)."""
    txn = _find_attr(err, "txn")
    sender = getattr(txn, "sender", None)
    if provider is None or not sender:
        return f"no funds: the account cannot pay for this transaction's gas ({err}): fund it and rerun"
    balance = provider.get_balance(sender)
    request = {k: v for k, v in txn.model_dump(by_alias=True, mode="json").items()
               if k in ("from", "to", "data", "value") and v not in (None, "")}
    try:
        gas = provider.web3.eth.estimate_gas(request)
        price = provider.web3.eth.gas_price
    except Exception as estimate:  # noqa: BLE001 - the cost is extra information; the funds are what counts
        from medchain.errors import refusal

        decoded = refusal(estimate)
        also = f"; with funds it would still be refused: {decoded}" if decoded else ""
        return f"no funds: {sender} holds {ether(balance)} ETH, not enough for this transaction's gas{also}: fund it and rerun"
    cost = gas * price + int(request.get("value") or 0)
    return (f"no funds: {sender} holds {ether(balance)} ETH and this transaction costs about {ether(cost)} ETH "
            f"({gas:,} gas at {ether(price * 10**9)} gwei): fund the account and rerun")


def _find_attr(err: BaseException, name: str) -> Any:
    from medchain.errors import causes

    return next((getattr(e, name) for e in causes(err) if getattr(e, name, None) is not None), None)
