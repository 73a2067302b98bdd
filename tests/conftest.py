"""Shared fixtures. ape runs these tests on anvil (ape-foundry) and isolates chain state per test."""

from __future__ import annotations

import os

import pytest
from hypothesis import settings

from medchain.access import Role, credential_hash

# Hypothesis profiles: `default` keeps `make test` quick; `deep` (HYPOTHESIS_PROFILE=deep) runs long.
settings.register_profile("default", max_examples=12)
settings.register_profile("deep", max_examples=300)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))

#: Which test account plays which part. accounts[0] is consortium governance.
MEMBER_INDEX = {
    Role.PROVIDER: 1,
    Role.INSURER: 2,
    Role.MANUFACTURER: 3,
    Role.DISTRIBUTOR: 4,
    Role.PHARMACY: 5,
    Role.REGULATOR: 6,
    Role.AUDITOR: 7,
}


def credential_for(role: Role, n: int = 0) -> bytes:
    """A deterministic credential hash for tests (a fixed salt: never do this with real documents)."""
    return credential_hash(f"{role.value} licence #{n}".encode(), bytes([n % 256]) * 32)


@pytest.fixture(scope="session")
def governance(accounts):
    return accounts[0]


@pytest.fixture(scope="session")
def members(accounts) -> dict[Role, object]:
    return {role: accounts[i] for role, i in MEMBER_INDEX.items()}


@pytest.fixture(scope="session")
def outsider(accounts):
    """An account that is never registered."""
    return accounts[9]


@pytest.fixture(scope="session")
def newcomer(accounts):
    """An account the tests register themselves."""
    return accounts[8]


@pytest.fixture(scope="session")
def empty_registry(project, governance):
    """A freshly deployed registry with no members (admin delay 0)."""
    return governance.deploy(project.ConsortiumRegistry, governance, 0)


@pytest.fixture(scope="session")
def registry(project, governance, members):
    """A registry with one active member per role (see MEMBER_INDEX)."""
    contract = governance.deploy(project.ConsortiumRegistry, governance, 0)
    for role, account in members.items():
        contract.registerMember(account, role.id, credential_for(role), sender=governance)
    return contract


def as_sdk(contract, account=None, kind=None):
    """The SDK's class (``kind``, default the one named like the contract) over an ape contract instance's
    address, on the node ape is connected to; transactions signed by ``account`` (an ape test account: its
    key signs locally). Make one per test: the transactor counts nonces, and ape reverts the chain between
    tests."""
    from eth_account import Account

    from medchain import contracts
    from medchain.chain.rpc import Rpc

    cls = kind or getattr(contracts, contract.contract_type.name)
    provider = contract.provider
    rpc = Rpc(getattr(provider, "http_uri", None) or provider.uri)
    signer = Account.from_key(account.private_key) if account is not None else None
    return cls(rpc, contract.address, signer)
