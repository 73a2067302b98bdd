"""``--network``: ape's network choice (``ecosystem:network:provider``, or a node's URL), resolved only
when a command first talks to the chain.

A network that ape reaches with its ``node`` provider at a URI the project's ``ape-config.yaml`` gives
(``node: <ecosystem>: <network>: uri: ...``, ``${VARIABLE}`` taken from the environment) is reached
directly: the URI and the network's ``chain_id`` (``networks: custom:``) are read from the file, and the
node's chain id is checked against it before anything is read or sent. Every other choice (a local
chain ape starts, a plugin's provider) goes through ape's own provider, connected for the command's
duration: slower to start, the same for the command.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import click

__all__ = ["NETWORK", "NetworkRef", "UnsetVariable", "network_option"]

#: ape's default choice when ``--network`` is not given (its ``ethereum.local.default_provider``).
DEFAULT_CHOICE = "ethereum:local"
_VARIABLE = re.compile(r"\$\{(\w+)\}")


class UnsetVariable(click.ClickException):
    """The network's node URL names an environment variable that is not set."""

    def __init__(self, variable: str):
        super().__init__(
            f"{variable} is not set: export {variable}=http://<node>:8545 (the JSON-RPC URL of the "
            "network's node) and rerun"
        )


class NetworkMismatch(click.ClickException):
    """The node answers for another chain than the network's ``chain_id``."""


@dataclass
class NetworkRef:
    """The network a command was given, connected on first use (:attr:`rpc`, or :attr:`provider` for ape)."""

    choice: str
    project: Path = field(default_factory=Path.cwd)
    _ape_context: Any = field(default=None, repr=False)

    @cached_property
    def _parts(self) -> tuple[str, str, str | None]:
        if "://" in self.choice:
            return "ethereum", "custom", None
        parts = self.choice.split(":")
        ecosystem = parts[0] or "ethereum"
        network = parts[1] if len(parts) > 1 and parts[1] else "local"
        provider = parts[2] if len(parts) > 2 and parts[2] else None
        return ecosystem, network, provider

    @property
    def name(self) -> str:
        """The network's name (``consortium``, ``local``; ``custom`` for a bare URL): the default manifest
        is ``deployments/<name>.json``."""
        return self._parts[1]

    @property
    def label(self) -> str:
        """``ecosystem:network`` (a URL as given)."""
        return self.choice if "://" in self.choice else f"{self._parts[0]}:{self._parts[1]}"

    @cached_property
    def direct(self) -> tuple[str, int | None] | None:
        """``(node URL, expected chain id)`` when the network is reached without ape's provider, else None."""
        if "://" in self.choice:
            return self.choice, None
        ecosystem, network, provider = self._parts
        config = _project_config(self.project)
        custom = next(
            (
                n
                for n in (config.get("networks") or {}).get("custom") or []
                if isinstance(n, dict) and n.get("name") == network and n.get("ecosystem", "ethereum") == ecosystem
            ),
            None,
        )
        default_provider = (custom or {}).get("default_provider") or (
            ((config.get(ecosystem) or {}).get(network) or {}).get("default_provider")
        )
        if (provider or default_provider) != "node":
            return None
        uri = (((config.get("node") or {}).get(ecosystem) or {}).get(network) or {}).get("uri")
        if not isinstance(uri, str):
            return None
        for variable in _VARIABLE.findall(uri):
            if not os.environ.get(variable):
                raise UnsetVariable(variable)
        chain_id = (custom or {}).get("chain_id")
        return _VARIABLE.sub(lambda m: os.environ[m.group(1)], uri), int(chain_id) if chain_id is not None else None

    @cached_property
    def url(self) -> str:
        """The node's JSON-RPC URL."""
        if self.direct is not None:
            return self.direct[0]
        provider = self.provider
        return str(getattr(provider, "http_uri", None) or provider.uri)

    def rpc(self, **options: Any) -> Any:
        """A new :class:`~medchain.chain.rpc.Rpc` to the node (options as Rpc's: ``patience``, ``timeout``...),
        its chain id checked against the network's once."""
        from medchain.chain.rpc import Rpc

        rpc = Rpc(self.url, **options)
        if "chain_id" not in self.__dict__:
            self._check_chain(Rpc(self.url))  # the first contact fails at once: a node that is down is told now
        return rpc

    @cached_property
    def chain_id(self) -> int:
        """The chain the network is (the node's; checked against the network's ``chain_id``)."""
        from medchain.chain.rpc import Rpc

        return self._check_chain(Rpc(self.url))

    def _check_chain(self, rpc: Any) -> int:
        node = rpc.chain_id()
        expected = self.direct[1] if self.direct is not None else None
        if expected is not None and node != expected:
            raise NetworkMismatch(
                f"the node at {rpc.url} is chain {node}, but {self.label} is chain {expected} (ape-config.yaml): "
                "point the network at the right node (MEDCHAIN_RPC_URL for ethereum:consortium:node) or fix its "
                "chain_id; nothing was sent"
            )
        self.__dict__["chain_id"] = node
        return node

    @property
    def provider(self) -> Any:
        """ape's provider for the network, connected until :meth:`close` (for what needs ape's objects)."""
        if self._ape_context is None:
            from ape import networks

            context = networks.parse_network_choice(self.choice)
            provider = context.__enter__()
            self._ape_context = (context, provider)
            tolerate_missing_lookups(provider)
        return self._ape_context[1]

    def close(self) -> None:
        """Disconnect ape's provider if it was connected (a local chain ape started stops)."""
        if self._ape_context is not None:
            context, self._ape_context = self._ape_context[0], None
            context.__exit__(None, None, None)


def tolerate_missing_lookups(provider: Any) -> None:
    """Make ape's web3 read a node's "not found" error to a transaction lookup as null, as the SDK's
    transport does (:func:`medchain.chain.rpc.missing`). Cosmos EVM answers ``eth_getTransactionReceipt``
    of a transaction not yet in a block with an error, on which web3's wait for a receipt would fail."""
    web3 = getattr(provider, "web3", None)
    if web3 is None or "medchain_missing_lookups" in web3.middleware_onion:
        return
    from web3.middleware import Web3Middleware

    from medchain.chain.rpc import missing

    class MissingLookupIsNull(Web3Middleware):
        def response_processor(self, method: Any, response: Any) -> Any:
            if isinstance(response, dict) and "error" in response and missing(str(method), response["error"]):
                return {"jsonrpc": response.get("jsonrpc", "2.0"), "id": response.get("id"), "result": None}
            return response

    web3.middleware_onion.add(MissingLookupIsNull, "medchain_missing_lookups")


def _project_config(project: Path) -> dict[str, Any]:
    path = project / "ape-config.yaml"
    if not path.is_file():
        return {}
    import yaml

    loaded = yaml.safe_load(path.read_text())
    return loaded if isinstance(loaded, dict) else {}


class _NetworkType(click.ParamType):
    name = "network"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> NetworkRef:
        if isinstance(value, NetworkRef):
            return value
        if not isinstance(value, str) or not value.strip():
            self.fail("give ecosystem:network[:provider] (as `ape networks list` shows) or a node's URL", param, ctx)
        return NetworkRef(value.strip())


#: ``ecosystem:network[:provider]`` or a node's URL, as a :class:`NetworkRef` (nothing is connected yet).
NETWORK = _NetworkType()


def network_option() -> Callable[[Any], Any]:
    """``--network CHOICE`` (ape's syntax; default ape's ``ethereum:local``)."""
    return click.option(
        "--network",
        "network",
        type=NETWORK,
        default=DEFAULT_CHOICE,
        show_default=True,
        metavar="ECOSYSTEM:NETWORK[:PROVIDER]",
        help="The network (as `ape networks list` names it) or a node's JSON-RPC URL.",
    )
