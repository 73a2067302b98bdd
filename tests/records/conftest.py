"""Fixtures for record anchoring tests."""

from __future__ import annotations

import pytest

from medchain.access import Role
from tests.conftest import credential_for


@pytest.fixture(scope="session")
def anchor(project, governance, registry):
    return governance.deploy(project.RecordAnchor, registry)


@pytest.fixture(scope="session")
def hospital(members):
    return members[Role.PROVIDER]


@pytest.fixture(scope="session")
def clinic(registry, governance, accounts):
    """A second provider."""
    account = accounts[8]
    registry.registerMember(account, Role.PROVIDER.id, credential_for(Role.PROVIDER, 9), sender=governance)
    return account


def h(n: int) -> bytes:
    """A distinct, non-zero test record hash."""
    return n.to_bytes(32, "big") if n else b"\xff" * 32
