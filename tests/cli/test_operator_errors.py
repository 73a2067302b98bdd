"""Every foreseeable operator error ends in one line that says what to do, never a traceback: a node that is
down, a node of another chain, an unset MEDCHAIN_RPC_URL, a manifest of another chain or a stale one, an
unfunded account, a contract's refusal, a chain without Cancun, and --fresh over a live deployment."""

from __future__ import annotations

import json
import subprocess

import pytest

from medchain_dev.devchain import anvil, free_port
from tests.operator import CONSORTIUM_CHAIN_ID, PROJECT_ROOT, Operator

MEMBER = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8"
#: The command that still reaches the chain through ape's provider: where ape's own failures are met.
DEPLOY = ("deploy", "--account", "deployer", "--yes", "--test-token")


def one_line(result: subprocess.CompletedProcess, *advice: str) -> str:
    """The command failed with exactly one error line (on stderr) holding each piece of ``advice``."""
    assert result.returncode != 0, result.stdout + result.stderr
    assert "Traceback" not in result.stdout + result.stderr, result.stdout + result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    for text in advice:
        assert text in lines[0], lines[0]
    return lines[0]


@pytest.fixture(scope="module")
def op(tmp_path_factory):
    """A consortium node with the suite deployed by `deployer` (manifest ``op.manifest``)."""
    with anvil(CONSORTIUM_CHAIN_ID) as node:
        operator = Operator(node=node, data_folder=tmp_path_factory.mktemp("ape-data"))
        operator.add_accounts("deployer", "poor")
        operator.node.call("anvil_setBalance", [operator.keys["poor"].address, "0x0"])
        operator.manifest = tmp_path_factory.mktemp("deployments") / "consortium.json"
        result = operator.run(
            "deploy", "--account", "deployer", "--yes", "--test-token", "--deployment", str(operator.manifest)
        )
        assert result.returncode == 0, result.stdout + result.stderr
        yield operator


def test_a_node_that_is_down(op, tmp_path):
    dead = Operator(
        node=type(op.node)(
            url=f"http://127.0.0.1:{free_port()}", chain_id=CONSORTIUM_CHAIN_ID, process=op.node.process
        ),
        data_folder=op.data_folder,
        keys=op.keys,
    )
    result = dead.run(*DEPLOY, "--deployment", str(tmp_path / "m.json"))
    one_line(result, dead.node.url, "down or unreachable", "nothing was done", "Start it")


def test_a_node_of_another_chain_than_the_network(op, tmp_path):
    with anvil(31337) as other:
        wrong = Operator(node=other, data_folder=op.data_folder, keys=op.keys)
        result = wrong.run(*DEPLOY, "--deployment", str(tmp_path / "m.json"))
    one_line(result, "'31337'", "'1337'", "MEDCHAIN_RPC_URL", "nothing was sent")


def test_a_manifest_of_another_chain(op, tmp_path):
    manifest = tmp_path / "other.json"
    manifest.write_text(json.dumps({**json.loads(op.manifest.read_text()), "chainId": 31337}))
    result = op.run("token mint", MEMBER, "5", "--account", "deployer", "--yes", "--deployment", str(manifest))
    one_line(result, "belongs to chain id 31337", "connected chain has id 1337", "--deployment")


def test_a_missing_or_stale_manifest(op, tmp_path):
    result = op.run("members show", MEMBER, "--deployment", str(tmp_path / "none.json"))
    one_line(result, "none.json: not found: deploy first")
    stale = tmp_path / "stale.json"
    data = json.loads(op.manifest.read_text())
    data["contracts"]["ConsortiumRegistry"]["address"] = "0x" + "12" * 20
    stale.write_text(json.dumps(data))
    result = op.run("members show", MEMBER, "--deployment", str(stale))
    one_line(result, "no code at", "the chain was reset or the manifest is stale; deploy again")


def test_an_unset_node_url(op, tmp_path):
    env = {k: v for k, v in op.env.items() if k != "MEDCHAIN_RPC_URL"}
    result = op.run(*DEPLOY, "--deployment", str(tmp_path / "m.json"), env=env)
    one_line(result, "MEDCHAIN_RPC_URL is not set", "export MEDCHAIN_RPC_URL=")


def test_an_unfunded_account_says_no_funds_with_balance_and_cost(op, tmp_path):
    result = op.run("deploy", "--account", "poor", "--yes", "--test-token", "--deployment", str(tmp_path / "m.json"))
    line = one_line(result, "no funds", op.keys["poor"].address, "holds 0 ETH", "gas at", "fund the account")
    assert "costs about 0.0" in line, line


def test_an_unfunded_account_that_would_be_refused_anyway_is_told_the_refusal_before_signing(op):
    """The SDK estimates before it signs: the refusal is what the operator must fix first, funds or not."""
    poor = op.keys["poor"].address
    result = op.run(
        "members register",
        MEMBER,
        "--role",
        "provider",
        "--credential-hash",
        "0x" + "ab" * 32,
        "--account",
        "poor",
        "--yes",
        "--deployment",
        str(op.manifest),
    )
    one_line(
        result,
        f"refused by ConsortiumRegistry: AccessControlUnauthorizedAccount(account={poor}, "
        "neededRole=DEFAULT_ADMIN_ROLE)",
    )
    assert op.node.call("eth_getTransactionCount", [poor, "latest"]) == "0x0"


def test_a_contract_refusal_is_decoded_with_names_and_full_values(op):
    poor = op.keys["poor"].address
    op.node.call("anvil_setBalance", [poor, hex(10**18)])
    try:
        result = op.run(
            "members suspend",
            MEMBER,
            "--reason",
            "LICENCE_EXPIRED",
            "--account",
            "poor",
            "--yes",
            "--deployment",
            str(op.manifest),
        )
    finally:
        op.node.call("anvil_setBalance", [poor, "0x0"])
    one_line(result, f"refused by ConsortiumRegistry: ConsortiumRegistryNotAdminOrRegulator(account={poor})")


def test_a_chain_without_cancun_is_refused_before_anything_is_sent(tmp_path_factory, tmp_path):
    with anvil(CONSORTIUM_CHAIN_ID, "--hardfork", "shanghai") as node:
        old = Operator(node=node, data_folder=tmp_path_factory.mktemp("ape-data"))
        old.add_account("deployer")
        result = old.run(
            "deploy", "--account", "deployer", "--yes", "--test-token", "--deployment", str(tmp_path / "m.json")
        )
        one_line(result, "does not run Cancun", "enable the Cancun fork", "nothing was deployed")
        assert node.call("eth_getTransactionCount", [old.keys["deployer"].address, "latest"]) == "0x0"
    assert not (tmp_path / "m.json").exists()


def test_fresh_over_a_live_deployment_asks_and_without_an_answer_changes_nothing(op):
    before = op.manifest.read_bytes()
    result = op.run("deploy", "--account", "deployer", "--test-token", "--fresh", "--deployment", str(op.manifest))
    one_line(result, "records a live deployment on chain 1337", "--fresh replaces it", "rerun with --yes")
    assert op.manifest.read_bytes() == before


# -- commands that reach the chain through the SDK (claims, audit): the same one-line failures -------------

CLAIM = "0x" + "cd" * 32


def test_sdk_command_a_node_that_is_down_fails_at_once(op):
    dead = Operator(
        node=type(op.node)(
            url=f"http://127.0.0.1:{free_port()}", chain_id=CONSORTIUM_CHAIN_ID, process=op.node.process
        ),
        data_folder=op.data_folder,
        keys=op.keys,
    )
    result = dead.run("claims status", "--pool", MEMBER, "--deployment", str(op.manifest))
    one_line(result, f"the node at {dead.node.url} is not answering", "start it")


def test_sdk_command_a_node_of_another_chain_than_the_network(op):
    with anvil(31337) as other:
        wrong = Operator(node=other, data_folder=op.data_folder, keys=op.keys)
        result = wrong.run("claims status", "--pool", MEMBER, "--deployment", str(op.manifest))
    one_line(
        result,
        f"the node at {other.url} is chain 31337",
        "ethereum:consortium is chain 1337",
        "MEDCHAIN_RPC_URL",
        "nothing was sent",
    )


def test_sdk_command_an_unset_node_url(op):
    env = {k: v for k, v in op.env.items() if k != "MEDCHAIN_RPC_URL"}
    result = subprocess.run(
        op.command("claims status", "--pool", MEMBER, "--deployment", str(op.manifest)),
        env=env,
        capture_output=True,
        text=True,
        cwd=PROJECT_ROOT,
        timeout=300,
        stdin=subprocess.DEVNULL,
    )
    one_line(result, "MEDCHAIN_RPC_URL is not set", "export MEDCHAIN_RPC_URL=")


def test_sdk_command_a_manifest_of_another_chain(op, tmp_path):
    manifest = tmp_path / "other.json"
    manifest.write_text(json.dumps({**json.loads(op.manifest.read_text()), "chainId": 31337}))
    result = op.run("claims status", "--pool", MEMBER, "--deployment", str(manifest))
    one_line(result, "belongs to chain id 31337", "connected chain has id 1337", "--deployment")


def test_sdk_command_an_unfunded_account_says_no_funds_with_balance_and_cost(op):
    result = op.run("claims settle", CLAIM, "--account", "poor", "--yes", "--deployment", str(op.manifest))
    line = one_line(result, "no funds", op.keys["poor"].address, "holds 0 ETH", "gas at", "fund the account")
    assert "costs about 0.0" in line, line


def test_sdk_command_a_contract_refusal_is_decoded_before_anything_is_signed(op):
    deployer = op.keys["deployer"].address
    before = op.node.call("eth_getTransactionCount", [deployer, "latest"])
    result = op.run(
        "claims policy",
        "--patient",
        MEMBER,
        "--limit",
        "100",
        "--from",
        "2026-01-01",
        "--until",
        "2027-01-01",
        "--account",
        "deployer",
        "--yes",
        "--deployment",
        str(op.manifest),
    )
    one_line(result, "refused by ClaimSettlement: ")
    assert op.node.call("eth_getTransactionCount", [deployer, "latest"]) == before


def test_sdk_command_a_wrong_passphrase_in_the_environment(op):
    env = {**op.env, "APE_ACCOUNTS_deployer_PASSPHRASE": "not it"}
    result = subprocess.run(
        op.command("claims settle", CLAIM, "--account", "deployer", "--yes", "--deployment", str(op.manifest)),
        env=env,
        capture_output=True,
        text=True,
        cwd=PROJECT_ROOT,
        timeout=300,
        stdin=subprocess.DEVNULL,
    )
    one_line(result, "--account deployer: APE_ACCOUNTS_deployer_PASSPHRASE is not its passphrase")


def test_sdk_command_an_unknown_account_alias(op):
    result = op.run("claims settle", CLAIM, "--account", "nobody", "--yes", "--deployment", str(op.manifest))
    assert result.returncode == 2 and "Traceback" not in result.stderr, result.stderr
    assert "no account 'nobody'" in result.stderr and "ape accounts list" in result.stderr, result.stderr


def test_sdk_command_without_yes_and_without_a_terminal_signs_nothing(op):
    deployer = op.keys["deployer"].address
    before = op.node.call("eth_getTransactionCount", [deployer, "latest"])
    result = op.run("claims settle", CLAIM, "--account", "deployer", "--deployment", str(op.manifest))
    one_line(result, "no terminal to confirm it on: rerun with --yes")
    assert op.node.call("eth_getTransactionCount", [deployer, "latest"]) == before


def test_sdk_command_signs_and_sends_with_the_keyfile_account(op):
    deployer = op.keys["deployer"].address
    before = int(op.node.call("eth_getTransactionCount", [deployer, "latest"]), 16)
    result = op.run("claims settle", CLAIM, "--account", "deployer", "--yes", "--deployment", str(op.manifest))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 of 1 claim(s) settled" in result.stdout
    assert int(op.node.call("eth_getTransactionCount", [deployer, "latest"]), 16) == before + 1


def test_sdk_command_on_a_network_ape_starts_goes_through_apes_provider(op):
    """ethereum:local:foundry is not a node URL in ape-config.yaml: ape starts its anvil (chain 31337) for the
    command, and the command reads that chain through the SDK (here: the manifest is of chain 1337)."""
    result = subprocess.run(
        [
            *op.command("claims status", "--pool", MEMBER, "--deployment", str(op.manifest), network=False),
            "--network",
            "ethereum:local:foundry",
        ],
        env=op.env,
        capture_output=True,
        text=True,
        cwd=PROJECT_ROOT,
        timeout=300,
        stdin=subprocess.DEVNULL,
    )
    one_line(result, "belongs to chain id 1337", "connected chain has id 31337")
