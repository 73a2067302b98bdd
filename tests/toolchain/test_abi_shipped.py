"""The ABIs shipped in the package are the compiled contracts' ABIs."""

from __future__ import annotations

import pytest

from medchain.abi import SUITE_CONTRACTS, UnknownContractError, abi, abis
from medchain_dev.abi_export import BUILD_MANIFEST, stale


def test_shipped_abis_equal_the_builds():
    assert BUILD_MANIFEST.exists(), "compile first (make compile)"
    assert stale() == [], "run `make abi` and commit medchain/abi/"


def test_every_suite_contract_has_an_abi_with_its_functions_events_and_errors():
    shipped = abis()
    assert tuple(shipped) == SUITE_CONTRACTS
    kinds = {item["type"] for item in shipped["ClaimSettlement"]}
    assert {"function", "event", "error", "constructor"} <= kinds


def test_an_unknown_contract_is_refused_by_name():
    with pytest.raises(UnknownContractError, match="no ABI for 'Nope': the suite's contracts are ConsortiumRegistry"):
        abi("Nope")


def test_abi_returns_a_copy():
    abi("RecordAnchor").clear()
    assert abi("RecordAnchor")
