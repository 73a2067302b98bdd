"""The operator's commands: members (register, suspend, reinstate, remove, show), the test token's mint, and
policies from a file, run as an operator runs them against a consortium node."""

from __future__ import annotations

import json
import shutil
import tempfile
import time

import pytest

from medchain.cli.agent import socket_path
from medchain_dev.devchain import anvil
from tests.cli.test_operator_errors import one_line
from tests.operator import CONSORTIUM_CHAIN_ID, Operator


@pytest.fixture(scope="module")
def op(tmp_path_factory):
    with anvil(CONSORTIUM_CHAIN_ID) as node:
        operator = Operator(node=node, data_folder=tmp_path_factory.mktemp("ape-data"))
        operator.add_accounts("deployer", "pharmacy", "insurer")
        operator.manifest = tmp_path_factory.mktemp("deployments") / "consortium.json"
        result = operator.run(
            "deploy", "--account", "deployer", "--yes", "--test-token", "--deployment", str(operator.manifest)
        )
        assert result.returncode == 0, result.stdout + result.stderr
        yield operator


def ok(op, *args) -> str:
    result = op.run(*args, "--deployment", str(op.manifest))
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def test_members_lifecycle(op, tmp_path):
    pharmacy = op.keys["pharmacy"].address
    licence = tmp_path / "licence.pdf"
    licence.write_bytes(b"%PDF pharmacy licence 2026")
    gov = ("--account", "deployer", "--yes")
    out = ok(op, "members register", pharmacy, "--role", "pharmacy", "--credential", str(licence), *gov)
    assert f"registered {pharmacy} as pharmacy, credential hash 0x" in out and "credential salt 0x" in out
    assert "already holds PHARMACY_ROLE; nothing sent" in ok(
        op, "members register", pharmacy, "--role", "pharmacy", "--credential-hash", "0x" + "cd" * 32, *gov
    )
    assert f"suspended {pharmacy} (LICENCE_EXPIRED)" in ok(
        op, "members suspend", pharmacy, "--reason", "licence-expired", *gov
    )
    assert "SUSPENDED since 20" in ok(op, "members show", pharmacy)
    again = op.run("members suspend", pharmacy, "--reason", "LICENCE_EXPIRED", *gov, "--deployment", str(op.manifest))
    one_line(again, f"ConsortiumRegistryAlreadySuspended(account={pharmacy}, suspendedAt=20")
    assert f"reinstated {pharmacy}" in ok(op, "members reinstate", pharmacy, *gov)
    assert "pharmacy; registered 20" in ok(op, "members show", pharmacy) and "active" in ok(
        op, "members show", pharmacy
    )
    assert f"removed {pharmacy} from pharmacy (LICENCE_REVOKED)" in ok(
        op, "members remove", pharmacy, "--role", "pharmacy", "--reason", "LICENCE_REVOKED", *gov
    )
    assert "not a member" in ok(op, "members show", pharmacy)


def test_members_register_needs_exactly_one_credential(op):
    result = op.run(
        "members register",
        op.keys["pharmacy"].address,
        "--role",
        "pharmacy",
        "--account",
        "deployer",
        "--yes",
        "--deployment",
        str(op.manifest),
    )
    assert result.returncode == 2 and "give exactly one of --credential FILE and --credential-hash" in result.stderr


def test_token_mint_on_a_test_deployment_only(op, tmp_path):
    insurer = op.keys["insurer"].address
    out = ok(op, "token mint", insurer, "1000.50", "--account", "deployer", "--yes")
    assert f"minted 1000.50 mUSD to {insurer}" in out
    token = json.loads(op.manifest.read_text())["contracts"]["TestStableToken"]["address"]
    real = tmp_path / "real-token.json"
    result = op.run("deploy", "--account", "deployer", "--yes", "--token", token, "--deployment", str(real))
    assert result.returncode == 0, result.stdout + result.stderr
    refused = op.run("token mint", insurer, "5", "--account", "deployer", "--yes", "--deployment", str(real))
    one_line(refused, f"this deployment settles in {token}, not the test token", "nothing was minted")


def test_policies_from_a_file_are_registered_once_and_bad_rows_are_named(op, tmp_path):
    insurer, patient = op.keys["insurer"].address, op.keys["pharmacy"].address
    ok(
        op,
        "members register",
        insurer,
        "--role",
        "insurer",
        "--credential-hash",
        "0x" + "ee" * 32,
        "--account",
        "deployer",
        "--yes",
    )
    header = "policy_id,patient,limit,deductible,coinsurance,from,until"
    rows = [
        f"0x{'a1' * 32},{patient},5000,500,20%,2026-01-01,2027-01-01",
        f"0x{'a2' * 32},{patient},100.25,0,0,2026-01-01,2026-07-01",
    ]
    policies = tmp_path / "policies.csv"
    policies.write_text("\n".join([header, *rows]) + "\n")
    as_insurer = ("--account", "insurer", "--yes")
    out = ok(op, "claims policies", str(policies), *as_insurer)
    assert f"row 2: policy 0x{'a1' * 32} registered for {patient}" in out
    assert "2 policy(ies) registered, 0 already registered" in out
    assert "0 policy(ies) registered, 2 already registered" in ok(op, "claims policies", str(policies), *as_insurer)

    conflicting = tmp_path / "conflicting.csv"
    conflicting.write_text("\n".join([header, rows[0].replace(",5000,", ",6000,")]) + "\n")
    result = op.run("claims policies", str(conflicting), *as_insurer, "--deployment", str(op.manifest))
    one_line(result, f"{conflicting} row 2: policy 0x{'a1' * 32} is already registered", "another policy_id")

    bad = tmp_path / "bad.json"
    bad.write_text(
        json.dumps(
            [
                {
                    "policy_id": "0x" + "a3" * 32,
                    "patient": patient,
                    "limit": "5",
                    "from": "2026-01-01",
                    "until": "2026-13-01",
                }
            ]
        )
    )
    result = op.run("claims policies", str(bad), *as_insurer, "--deployment", str(op.manifest))
    one_line(result, f"{bad} row 1: until:")


def test_a_signing_agent_signs_for_commands_without_the_passphrase(op, monkeypatch):
    """``signer start`` unlocks the keyfile once; ``token mint`` then signs through it with no passphrase in its
    environment and no terminal; ``signer status`` lists it; ``signer stop`` ends it, and the same command then
    has nothing to sign with."""
    runtime = tempfile.mkdtemp(prefix="mcag-")
    monkeypatch.setenv("XDG_RUNTIME_DIR", runtime)
    deployment = ("--deployment", str(op.manifest))
    env = {**op.env, "XDG_RUNTIME_DIR": runtime}
    without_passphrase = {k: v for k, v in env.items() if k != "APE_ACCOUNTS_deployer_PASSPHRASE"}
    socket = socket_path("deployer", op.data_folder)

    def start():
        process = op.start("signer start", "--account", "deployer", "--lifetime", "5m", *deployment, env=env)
        deadline = time.monotonic() + 60
        while not socket.exists() and process.poll() is None and time.monotonic() < deadline:
            time.sleep(0.1)
        assert socket.exists(), process.communicate(timeout=10)
        return process

    def run(*args, network=True):
        return op.run(*args, network=network, env=without_passphrase)

    agent = start()
    try:
        insurer = op.keys["insurer"].address
        minted = run("token mint", insurer, "2", "--account", "deployer", "--yes", *deployment)
        assert minted.returncode == 0 and f"minted 2.00 mUSD to {insurer}" in minted.stdout, minted.stderr
        status = run("signer status", network=False)
        listed = f"deployer  {op.keys['deployer'].address}  chain {CONSORTIUM_CHAIN_ID}  7 contracts of {op.manifest}"
        assert listed in status.stdout, status.stdout + status.stderr
        stopped = run("signer stop", "--account", "deployer", network=False)
        assert f"the signing agent of deployer ({op.keys['deployer'].address}) stopped" in stopped.stdout
        _out, log = agent.communicate(timeout=30)
        assert agent.returncode == 0, log
        assert "signed a call to TestStableToken" in log and "stopped by request" in log
        assert "no signing agent runs for this user" in run("signer status", network=False).stdout
        one_line(
            run("token mint", insurer, "2", "--account", "deployer", "--yes", *deployment),
            "--account deployer: no passphrase and no terminal to ask for it on: set APE_ACCOUNTS_deployer_PASSPHRASE",
            "start a signing agent (ape run signer start --account deployer)",
        )
        agent = start()  # a service manager stops it with SIGTERM: it removes its socket and exits cleanly
        agent.terminate()
        _out, log = agent.communicate(timeout=30)
        assert agent.returncode == 0 and "stopped: commands given this account unlock its keyfile again" in log
        assert not socket.exists()
    finally:
        if agent.poll() is None:
            agent.kill()
            agent.wait()
        shutil.rmtree(runtime, ignore_errors=True)
