"""The signing agent (``medchain.cli.agent``): a keyfile account unlocked once signs for its user's commands,
only what its deployment allows, only for its user, and only for its lifetime; the commands check every
answer it gives."""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import tempfile
import threading
import time
from pathlib import Path

import pytest
from eth_account import Account

from medchain.cli import agent as agent_module
from medchain.cli.account import AccountError, AccountRef
from medchain.cli.agent import AgentError, SigningAgent, find_agent, find_agent_at
from medchain.contracts.tx import raw_transaction

PASSPHRASE = "an agent passphrase"
KEY = Account.from_key(b"\x31" * 32)
OTHER = Account.from_key(b"\x32" * 32)
CLAIMS = "0x" + "c1" * 20
REGISTRY = "0x" + "c2" * 20
STRANGER = "0x" + "ee" * 20
CHAIN = 1337


def _checksum(address):
    from eth_utils import to_checksum_address

    return to_checksum_address(address)


def _tx(**changes):
    tx = {
        "type": 2,
        "chainId": CHAIN,
        "nonce": 7,
        "to": _checksum(CLAIMS),
        "value": 0,
        "data": bytes.fromhex("948260cd") + b"\x01" * 64,
        "gas": 900_000,
        "maxFeePerGas": 2_000_000_000,
        "maxPriorityFeePerGas": 1_000_000_000,
    }
    tx.update(changes)
    return tx


def _typed(verifying=CLAIMS, chain=CHAIN):
    domain = {"name": "medchain", "version": "1", "chainId": chain, "verifyingContract": verifying}
    types = {"Ping": [{"name": "n", "type": "uint256"}]}
    return domain, types, {"n": 5}


@pytest.fixture
def home(tmp_path, monkeypatch):
    """An ape data folder with the keyfile account ``insurer`` (a light scrypt cost), no passphrase in the
    environment, and a private runtime folder of a short path (a socket's path is limited)."""
    monkeypatch.setenv("APE_DATA_FOLDER", str(tmp_path))
    monkeypatch.delenv("APE_ACCOUNTS_insurer_PASSPHRASE", raising=False)
    (tmp_path / "accounts").mkdir()
    keyfile = Account.encrypt(KEY.key, PASSPHRASE, kdf="scrypt", iterations=2**10)
    (tmp_path / "accounts" / "insurer.json").write_text(json.dumps(keyfile))
    runtime = tempfile.mkdtemp(prefix="mcag-")
    monkeypatch.setenv("XDG_RUNTIME_DIR", runtime)
    yield tmp_path
    shutil.rmtree(runtime, ignore_errors=True)


class Running:
    """An agent serving in a thread of the test, and what it logged."""

    def __init__(self, agent: SigningAgent):
        self.agent, self.logs = agent, []
        agent.log = self.logs.append
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()
        deadline = time.monotonic() + 10
        while not agent.ready.is_set() and self.thread.is_alive() and time.monotonic() < deadline:
            time.sleep(0.01)

    def _serve(self):
        try:
            self.agent.serve()
        except BaseException as err:  # noqa: BLE001 - the test looks at it
            self.error = err

    def stop(self):
        self.agent.stop()
        self.thread.join(10)


def _agent(key=KEY, lifetime=60.0, cls=SigningAgent) -> SigningAgent:
    return cls(
        key,
        alias="insurer",
        chain_id=CHAIN,
        contracts={"ClaimSettlement": CLAIMS, "ConsortiumRegistry": REGISTRY},
        lifetime=lifetime,
        path=AccountRef("insurer").agent_path,
    )


@pytest.fixture
def running(home):
    served = Running(_agent())
    yield served
    served.stop()


def test_a_command_signs_through_the_agent_without_unlocking_the_keyfile(running):
    ref = AccountRef("insurer")
    ref.start_unlocking()
    assert ref.agent is not None and ref._unlocking is None  # no key derivation, no passphrase asked for

    raw = raw_transaction(ref.signer(yes=True).sign_transaction(_tx()))

    assert raw == bytes(KEY.sign_transaction(_tx()).raw_transaction)
    assert Account.recover_transaction(raw) == KEY.address
    assert len(running.logs) == 1
    assert f"signed a call to ClaimSettlement ({_checksum(CLAIMS)}), selector 0x948260cd, nonce 7" in running.logs[0]


def test_a_command_signs_typed_data_through_the_agent(running):
    domain, types, message = _typed()
    signature = AccountRef("insurer").sign_typed_data(domain, types, message, yes=True)
    assert signature == bytes(KEY.sign_typed_data(domain, types, message).signature)
    assert "signed an EIP-712 message for ClaimSettlement" in running.logs[-1]


def test_the_agent_tells_what_it_signs_for(running):
    client = find_agent(AccountRef("insurer").agent_path)
    assert client.info["alias"] == "insurer" and client.address == KEY.address and client.info["chainId"] == CHAIN
    assert client.info["contracts"] == {"ClaimSettlement": CLAIMS, "ConsortiumRegistry": REGISTRY}
    assert client.info["deployment"] == "its deployment"  # the manifest's path, when started by `signer start`
    assert client.info["pid"] == os.getpid() and client.info["expires"] > time.time() + 50
    client.close()


@pytest.mark.parametrize(
    "tx, message",
    [
        (_tx(to=STRANGER), f"signs only for the contracts of its deployment; the transaction's recipient {STRANGER}"),
        (_tx(to=None), "(a contract creation) is not one of them"),
        (_tx(value=1), "signs no transaction that moves ether"),
        (_tx(chainId=1), "signs for chain 1337 only, not for chain 1"),
        (_tx(chainId=None), "signs for chain 1337 only, not for chain None"),
    ],
)
def test_the_agent_signs_only_for_its_deployment_on_its_chain(running, tx, message):
    client = find_agent(AccountRef("insurer").agent_path)
    safe = {k: ("0x" + v.hex() if isinstance(v, bytes) else v) for k, v in tx.items()}
    with pytest.raises(AgentError, match="the signing agent refused: .*" + re.escape(message)):
        client.request("account_signTransaction", safe)
    assert "refused: " in running.logs[-1] and message in running.logs[-1]
    assert not any("signed" in line for line in running.logs)
    client.close()


@pytest.mark.parametrize(
    "verifying, chain, message",
    [
        (STRANGER, CHAIN, f"the message's verifying contract {STRANGER} is not one of them"),
        (CLAIMS, 5, "signs for chain 1337 only, not for chain 5"),
    ],
)
def test_the_agent_signs_typed_data_only_for_its_deployment(running, verifying, chain, message):
    with pytest.raises(AgentError, match=message):
        AccountRef("insurer").sign_typed_data(*_typed(verifying, chain), yes=True)
    assert not any("signed" in line for line in running.logs)


def test_malformed_requests_and_unknown_methods_are_answered_not_fatal(running):
    client = find_agent(AccountRef("insurer").agent_path)
    with pytest.raises(AgentError, match="unknown method 'eth_sign'"):
        client.request("eth_sign", "0x00")
    with pytest.raises(AgentError, match="malformed request"):
        client.request("account_signTransaction")
    with pytest.raises(AgentError, match="malformed request .AttributeError"):
        client.request("account_signTransaction", "not a transaction")
    assert client.request("agent_info")["address"] == KEY.address  # still answering
    client.close()


def test_the_agent_stops_when_its_lifetime_ends_and_commands_unlock_the_keyfile_again(home, monkeypatch):
    served = Running(_agent(lifetime=0.5))
    path = AccountRef("insurer").agent_path
    assert path.exists()
    served.thread.join(10)
    assert not served.thread.is_alive() and served.error is None
    assert not path.exists()
    monkeypatch.setenv("APE_ACCOUNTS_insurer_PASSPHRASE", PASSPHRASE)
    ref = AccountRef("insurer")
    ref.start_unlocking()
    assert ref.agent is None and ref._unlocking is not None
    assert Account.recover_transaction(raw_transaction(ref.signer(yes=True).sign_transaction(_tx()))) == KEY.address


def test_a_stopped_agent_is_one_line_for_the_command_that_used_it(running):
    ref = AccountRef("insurer")
    signer = ref.signer(yes=True)
    signer.sign_transaction(_tx())
    ref.agent.stop()
    running.thread.join(10)
    with pytest.raises(AgentError, match="the signing agent on .* stopped answering .*: start it again, then rerun"):
        signer.sign_transaction(_tx(nonce=8))


def test_a_second_agent_for_the_same_account_is_refused(running):
    with pytest.raises(AgentError, match="an agent already signs for insurer on .*: stop it first"):
        _agent().serve()
    assert find_agent(AccountRef("insurer").agent_path) is not None  # the first one still answers


def test_a_stale_socket_is_replaced(home):
    path = AccountRef("insurer").agent_path
    path.parent.mkdir(mode=0o700, parents=True)
    dead = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    dead.bind(str(path))
    dead.close()  # the file stays, nothing listens
    assert find_agent_at(path) is None
    served = Running(_agent())
    assert served.error is None and find_agent(path).address == KEY.address
    assert oct(os.stat(path).st_mode & 0o777) == "0o600"
    served.stop()


def test_a_socket_folder_others_can_open_is_not_used(home, monkeypatch, capsys):
    folder = AccountRef("insurer").agent_path.parent
    folder.mkdir(mode=0o755, parents=True)
    os.chmod(folder, 0o755)
    warnings = []
    assert find_agent(AccountRef("insurer").agent_path, warn=warnings.append) is None
    assert warnings == [
        f"no signing agent used: {folder}: not a folder of this user's alone (owner uid {os.getuid()}, mode "
        "drwxr-xr-x): remove it, or set XDG_RUNTIME_DIR to a private folder"
    ]
    served = Running(_agent())
    assert isinstance(served.error, AgentError) and "not a folder of this user's alone" in str(served.error)
    with pytest.raises(AgentError, match="not a folder of this user's alone"):
        list(agent_module.running_agents())
    # a command goes on without an agent: it unlocks the keyfile
    monkeypatch.setenv("APE_ACCOUNTS_insurer_PASSPHRASE", PASSPHRASE)
    ref = AccountRef("insurer")
    ref.start_unlocking()
    assert (
        ref.agent is None
        and Account.recover_transaction(raw_transaction(ref.signer(yes=True).sign_transaction(_tx()))) == KEY.address
    )
    assert "warning: no signing agent used" in capsys.readouterr().err


def test_a_connection_from_another_user_is_closed_unread(running, monkeypatch):
    monkeypatch.setattr(agent_module, "_peer_uid", lambda _sock: os.getuid() + 1)
    assert find_agent(AccountRef("insurer").agent_path) is None
    assert f"refused a connection from uid {os.getuid() + 1}" in running.logs[-1]


def test_an_agent_of_another_key_is_refused_by_the_command(home):
    served = Running(_agent(key=OTHER))
    with pytest.raises(AccountError, match=f"signs for {OTHER.address}, not for this account's {KEY.address}: stop it"):
        AccountRef("insurer").signer(yes=True).sign_transaction(_tx())
    served.stop()


class _Lying(SigningAgent):
    """Signs another transaction than the one asked for (a later nonce)."""

    def _sign_transaction(self, tx):
        return super()._sign_transaction({**tx, "nonce": int(tx["nonce"]) + 1})


def test_an_answer_that_is_not_the_transaction_asked_for_is_refused(home):
    served = Running(_agent(cls=_Lying))
    with pytest.raises(AgentError, match="returned a transaction other than the one asked for.*nothing was sent"):
        AccountRef("insurer").signer(yes=True).sign_transaction(_tx())
    served.stop()


def test_socket_paths_are_short_and_differ_by_data_folder_and_alias(tmp_path):
    a = agent_module.socket_path("insurer", tmp_path / ("x" * 150))
    assert len(str(a)) < 108
    assert a != agent_module.socket_path("insurer", tmp_path) != agent_module.socket_path("other", tmp_path)
    assert a.parent == agent_module.agent_folder()


def test_without_xdg_runtime_dir_the_folder_is_the_users_own_in_tmp(monkeypatch):
    monkeypatch.delenv("XDG_RUNTIME_DIR", raising=False)
    assert agent_module.agent_folder() == Path(tempfile.gettempdir()) / f"medchain-{os.getuid()}"


def test_a_socket_that_answers_what_an_agent_does_not_is_no_agent(home):
    path = AccountRef("insurer").agent_path
    path.parent.mkdir(mode=0o700, parents=True)
    impostor = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    impostor.bind(str(path))
    impostor.listen(1)

    def answer_garbage():
        conn, _ = impostor.accept()
        conn.recv(1 << 16)
        conn.sendall(b"HTTP/1.1 400 Bad Request\r\n")
        conn.close()

    threading.Thread(target=answer_garbage, daemon=True).start()
    assert find_agent_at(path) is None  # and the command unlocks its keyfile
    impostor.close()
