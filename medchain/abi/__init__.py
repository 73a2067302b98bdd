"""The suite's contract ABIs, shipped with the package: nothing here needs the contracts' sources,
a compiler or a build folder.

``make compile`` writes them from the build (``python -m medchain_dev.abi_export``) and a test holds
them equal to what the compiler produces, so they are always those of the contracts in this release.
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any

#: The contracts a deployment of the suite holds, in deployment order (the token only on test chains).
SUITE_CONTRACTS: tuple[str, ...] = (
    "ConsortiumRegistry",
    "ConsentRegistry",
    "RecordAnchor",
    "TestStableToken",
    "DrugProvenance",
    "ClaimSettlement",
    "RecordExchange",
)

#: An ABI: the JSON list of functions, events and errors the compiler describes a contract with.
Abi = list[dict[str, Any]]


class UnknownContractError(KeyError):
    """No ABI is shipped for that contract name."""

    def __str__(self) -> str:
        return f"no ABI for {self.args[0]!r}: the suite's contracts are {', '.join(SUITE_CONTRACTS)}"


@cache
def _load(name: str) -> str:
    if name not in SUITE_CONTRACTS:
        raise UnknownContractError(name)
    return resources.files(__name__).joinpath(f"{name}.json").read_text(encoding="utf-8")


def abi(name: str) -> Abi:
    """The ABI of one of :data:`SUITE_CONTRACTS` (a fresh copy: callers may change it)."""
    return json.loads(_load(name))


def abis(names: tuple[str, ...] | list[str] | None = None) -> dict[str, Abi]:
    """The ABIs of ``names`` (default: the whole suite), by name."""
    return {name: abi(name) for name in (names or SUITE_CONTRACTS)}
