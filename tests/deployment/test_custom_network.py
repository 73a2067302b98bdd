"""Deploying to an external JSON-RPC node declared as a custom network, with a keyfile account.

A separately started anvil with a non-default chain id plays the consortium node (Besu/Geth): the
deploy script is run exactly as an operator would run it, in a fresh ape data folder.
"""

from __future__ import annotations

import json

import pytest

from medchain.deployment import DEFAULT_ADMIN_DELAY
from medchain_dev.devchain import anvil
from tests.operator import CONSORTIUM_CHAIN_ID, Operator


@pytest.fixture(scope="module")
def operator(tmp_path_factory):
    with anvil(CONSORTIUM_CHAIN_ID) as node:
        op = Operator(node=node, data_folder=tmp_path_factory.mktemp("ape-data"))
        op.add_account("deployer")
        assert (op.data_folder / "accounts" / "deployer.json").exists()
        yield op


def test_deploy_through_the_custom_network_with_a_keyfile_account(operator, tmp_path):
    deployer = operator.keys["deployer"].address
    manifest = tmp_path / "consortium.json"
    result = operator.run("deploy", "--account", "deployer", "--yes", "--test-token", "--deployment", str(manifest))
    assert result.returncode == 0, result.stdout + result.stderr

    data = json.loads(manifest.read_text())
    assert data["chainId"] == CONSORTIUM_CHAIN_ID
    assert data["network"] == "ethereum:consortium"
    assert data["deployer"] == deployer and data["governance"] == deployer
    record = data["contracts"]["ConsortiumRegistry"]
    assert record["args"] == [deployer, DEFAULT_ADMIN_DELAY], "shared networks get the two-day governance delay"
    for name, rec in data["contracts"].items():
        assert operator.node.call("eth_getCode", [rec["address"], "latest"]) not in ("0x", ""), name
    receipt = operator.node.call("eth_getTransactionReceipt", [record["tx"]])
    assert int(receipt["blockNumber"], 16) == record["block"]
    assert receipt["from"].lower() == deployer.lower()


def test_deploy_refuses_a_manifest_of_another_chain(operator, tmp_path):
    deployer = operator.keys["deployer"].address
    manifest = tmp_path / "consortium.json"
    manifest.write_text(
        json.dumps(
            {
                "chainId": 31337,
                "network": "ethereum:local",
                "deployedAt": "2026-01-01T00:00:00Z",
                "compiler": {},
                "commit": None,
                "deployer": deployer,
                "governance": deployer,
                "contracts": {},
            }
        )
    )
    before = manifest.read_bytes()
    result = operator.run("deploy", "--account", "deployer", "--yes", "--test-token", "--deployment", str(manifest))
    assert result.returncode != 0
    assert "belongs to chain id 31337" in result.stdout + result.stderr
    assert manifest.read_bytes() == before


def test_deploy_to_a_shared_network_needs_the_settlement_token(operator, tmp_path):
    result = operator.run("deploy", "--account", "deployer", "--yes", "--deployment", str(tmp_path / "m.json"))
    assert result.returncode != 0
    assert "give the settlement stable token with --token ADDRESS" in result.stdout + result.stderr
    assert not (tmp_path / "m.json").exists()
