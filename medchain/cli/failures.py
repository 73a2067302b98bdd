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


def explain(err: BaseException, network: Any = None, rerun: str | None = None) -> str | None:
    """The one line for ``err``, or None when it is not foreseeable (a bug: let the traceback show).

    ``network``: the command's :class:`~medchain.cli.network.NetworkRef` (for the node's URL and balances).
    ``rerun`` says what rerunning the same command does after a failure half-way (a command that
    resumes says so); default: that nothing was changed.
    """
    from medchain.chain.rpc import RpcError, describe, node_unreachable
    from medchain.contracts.base import ContractReverted
    from medchain.errors import causes, refusal

    after = rerun or "rerun the same command"
    ape = _ape_errors()
    if ape and isinstance(err, ape.ConfigError) and (unset := _UNSET_VARIABLE.search(str(err))):
        return (
            f"{unset.group(1)} is not set: export {unset.group(1)}=http://<node>:8545 (the JSON-RPC URL of the "
            "network's node) and rerun"
        )
    if (ape and isinstance(err, ape.NetworkMismatchError)) or "does not match network chain ID" in str(err):
        return (
            f"{_no_traceback_text(err)} The node's chain id is not the network's (ape-config.yaml): point the "
            "network at the right node (MEDCHAIN_RPC_URL for ethereum:consortium:node) or fix its chain_id; "
            "nothing was sent"
        )
    if _is_medchain(err) and not isinstance(err, (RpcError, ContractReverted)):
        # The package's own account comes first: it knows what was under way (a batch in flight, a journal).
        # A refusal it checks for before sending (ShareRefused, ReceiveRefused) says so.
        return f"REFUSED: {err}" if type(err).__name__.endswith("Refused") else str(err)
    if ape and isinstance(err, ape.ProviderError) and "node found" in str(err):
        return f"{err} The node is down or unreachable; nothing was done. Start it (or wait for it) and {after}"
    if node_unreachable(err):
        where = _node_url(network)
        return f"the node{where} is not answering ({describe(err)}): start it (or wait for it) and {after}"
    decoded = refusal(err, next((c.contract for c in causes(err) if isinstance(c, ContractReverted)), None))
    if decoded is not None:
        owner = f" by {decoded.contract}" if decoded.contract else ""
        return f"refused{owner}: {decoded}"
    if _NO_FUNDS.search(str(err)) and (isinstance(err, RpcError) or (ape and isinstance(err, ape.TransactionError))):
        return _no_funds(err, network)
    if isinstance(err, ContractReverted):
        return f"refused by {err.contract}.{err.function}: {err}"
    if ape and isinstance(err, ape.ContractLogicError):
        return f"refused by the contract: {err}"
    if _is_medchain(err):
        return str(err)
    return None


def _ape_errors() -> Any:
    """ape's exception module, if ape is loaded (the SDK's commands may run without it)."""
    import sys

    return sys.modules.get("ape.exceptions")


def is_bad_input(err: BaseException) -> bool:
    """The package refused a value or file it was given (its ValueErrors, not raised by a node that went away):
    exit status 2, as for usage errors."""
    from medchain.chain.rpc import node_unreachable

    return isinstance(err, ValueError) and _is_medchain(err) and not node_unreachable(err)


def _no_traceback_text(err: BaseException) -> str:
    text = str(err).strip()
    return text if text.endswith((".", "?")) else text + "."


def _node_url(network: Any) -> str:
    try:
        url = network.url if network is not None else None
    except Exception:  # noqa: BLE001 - only for a friendlier message
        url = None
    return f" at {url}" if url else ""


def _is_medchain(err: BaseException) -> bool:
    """The package's own errors (bad input, refusals it checks for, files it cannot read)."""
    module = type(err).__module__ or ""
    return module == "medchain" or module.startswith(("medchain.", "medchain_dev."))


def ether(wei: int) -> str:
    """Wei as ETH, without float rounding or exponent notation (``0.0021``)."""
    text = format(Decimal(wei) / Decimal(10**18), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def _no_funds(err: BaseException, network: Any) -> str:
    """``no funds``: the sender's balance and what the transaction would cost (estimated without the balance
    cap that made the node refuse it)."""
    request = _request_of(err)
    sender = request.get("from") if request else None
    if network is None or not request or not sender:
        return f"no funds: the account cannot pay for this transaction's gas ({err}): fund it and rerun"
    from medchain.chain.rpc import Rpc, RpcError

    rpc = Rpc(network.url)
    balance = int(rpc.call("eth_getBalance", [sender, "latest"]), 16)
    try:
        gas = int(rpc.call("eth_estimateGas", [{k: v for k, v in request.items() if k != "gas"}]), 16)
        price = int(rpc.call("eth_gasPrice"), 16)
    except RpcError as estimate:
        from medchain.errors import refusal

        decoded = refusal(estimate)
        also = f"; with funds it would still be refused: {decoded}" if decoded else ""
        return f"no funds: {sender} holds {ether(balance)} ETH, not enough for this transaction's gas{also}: fund it and rerun"
    cost = gas * price + int(str(request.get("value") or "0x0"), 16)
    return (
        f"no funds: {sender} holds {ether(balance)} ETH and this transaction costs about {ether(cost)} ETH "
        f"({gas:,} gas at {ether(price * 10**9)} gwei): fund the account and rerun"
    )


def _request_of(err: BaseException) -> dict[str, Any] | None:
    """The JSON-RPC transaction request (``from``, ``to``, ``data``, ``value`` in hex) the failure was about."""
    request = _find_attr(err, "request")
    if isinstance(request, dict):
        return request
    txn = _find_attr(err, "txn")
    if txn is None:
        return None
    fields = {
        k: v
        for k, v in txn.model_dump(by_alias=True, mode="json").items()
        if k in ("from", "to", "data", "value") and v not in (None, "")
    }
    if isinstance(fields.get("value"), int):
        fields["value"] = hex(fields["value"])
    if "from" not in fields and getattr(txn, "sender", None):
        fields["from"] = str(txn.sender)
    return fields


def _find_attr(err: BaseException, name: str) -> Any:
    from medchain.errors import causes

    return next((getattr(e, name) for e in causes(err) if getattr(e, name, None) is not None), None)
