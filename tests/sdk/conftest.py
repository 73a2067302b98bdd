"""A suite deployed by `ape run deploy` on a standalone anvil (chain id 1337), driven by the SDK alone
with locally held keys: `hospital` is a registered provider, `patient` and `stranger` are not members."""

from __future__ import annotations

import pytest

from medchain import Suite
from tests.operator import deployed_consortium


@pytest.fixture(scope="module")
def consortium(tmp_path_factory, project):
    """(operator, manifest path) of the deployed suite."""
    with deployed_consortium(
        tmp_path_factory, project, aliases=("deployer", "hospital", "patient", "stranger")
    ) as deployed:
        yield deployed


@pytest.fixture(scope="module")
def keys(consortium):
    return consortium[0].keys


@pytest.fixture(scope="module")
def suite(consortium) -> Suite:
    """The suite, read-only (no signer)."""
    op, manifest = consortium
    return Suite.connect(op.node.url, manifest)
