"""Deploying to an external JSON-RPC node declared as a custom network, with a keyfile account.

A separately started anvil with a non-default chain id plays the consortium node (Besu/Geth): the
deploy script is run exactly as an operator would run it, in a fresh ape data folder.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from eth_account import Account

from medchain.deployment import DEFAULT_ADMIN_DELAY
from medchain.devchain import anvil
from medchain.toolchain import PROJECT_ROOT

CONSORTIUM_CHAIN_ID = 1337  # networks.custom[consortium].chain_id in ape-config.yaml
ALIAS = "deployer"
PASSPHRASE = "correct horse battery staple"
APE = str(PROJECT_ROOT / ".venv" / "bin" / "ape")


@pytest.fixture(scope="module")
def consortium_node():
    with anvil(CONSORTIUM_CHAIN_ID) as node:
        yield node


@pytest.fixture(scope="module")
def operator_env(tmp_path_factory, consortium_node):
    """An ape data folder holding one keyfile account, funded on the consortium node."""
    data = tmp_path_factory.mktemp("ape-data")
    key = Account.create()
    env = {**os.environ, "APE_DATA_FOLDER": str(data), "MEDCHAIN_RPC_URL": consortium_node.url,
           f"APE_ACCOUNTS_{ALIAS}_PASSPHRASE": PASSPHRASE}
    subprocess.run(
        [sys.executable, "-c",
         "import sys; from ape_accounts import import_account_from_private_key as imp; "
         "imp(sys.argv[1], sys.argv[2], sys.argv[3])", ALIAS, PASSPHRASE, key.key.hex()],
        env=env, check=True, capture_output=True, cwd=PROJECT_ROOT,
    )
    assert (data / "accounts" / f"{ALIAS}.json").exists()
    consortium_node.call("anvil_setBalance", [key.address, hex(10**20)])
    return env, key.address


def _deploy(env, *args):
    return subprocess.run(
        [APE, "run", "deploy", "--network", "ethereum:consortium:node", "--account", ALIAS, "--yes", *args],
        env=env, capture_output=True, text=True, cwd=PROJECT_ROOT, timeout=600, stdin=subprocess.DEVNULL,
    )


def test_deploy_through_the_custom_network_with_a_keyfile_account(operator_env, consortium_node, tmp_path):
    env, deployer = operator_env
    manifest = tmp_path / "consortium.json"
    result = _deploy(env, "--manifest", str(manifest))
    assert result.returncode == 0, result.stdout + result.stderr

    data = json.loads(manifest.read_text())
    assert data["chainId"] == CONSORTIUM_CHAIN_ID
    assert data["network"] == "ethereum:consortium"
    assert data["deployer"] == deployer and data["governance"] == deployer
    record = data["contracts"]["ConsortiumRegistry"]
    assert record["args"] == [deployer, DEFAULT_ADMIN_DELAY], "shared networks get the two-day governance delay"
    assert consortium_node.call("eth_getCode", [record["address"], "latest"]) not in ("0x", "")
    receipt = consortium_node.call("eth_getTransactionReceipt", [record["tx"]])
    assert int(receipt["blockNumber"], 16) == record["block"]
    assert receipt["from"].lower() == deployer.lower()


def test_deploy_refuses_a_manifest_of_another_chain(operator_env, tmp_path):
    env, deployer = operator_env
    manifest = tmp_path / "consortium.json"
    manifest.write_text(json.dumps({
        "chainId": 31337, "network": "ethereum:local", "deployedAt": "2026-01-01T00:00:00Z", "compiler": {},
        "commit": None, "deployer": deployer, "governance": deployer, "contracts": {},
    }))
    before = manifest.read_bytes()
    result = _deploy(env, "--manifest", str(manifest))
    assert result.returncode != 0
    assert "belongs to chain id 31337" in result.stdout + result.stderr
    assert manifest.read_bytes() == before
