"""Test support: run `ape run ...` exactly as an operator would, against a standalone anvil reached
as the `consortium` custom network, with keyfile accounts in a fresh ape data folder."""

from __future__ import annotations

import os
import subprocess
import sys
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from eth_account import Account
from eth_account.signers.local import LocalAccount

from medchain.access import Role
from medchain_dev.consortium import Node
from medchain_dev.devchain import Anvil
from medchain_dev.toolchain import PROJECT_ROOT

CONSORTIUM_CHAIN_ID = 1337  # networks.custom[consortium].chain_id in ape-config.yaml
NETWORK = "ethereum:consortium:node"
PASSPHRASE = "correct horse battery staple"
APE = str(PROJECT_ROOT / ".venv" / "bin" / "ape")


@dataclass
class Operator:
    node: Anvil | Node
    data_folder: Path
    keys: dict[str, LocalAccount] = field(default_factory=dict)

    @property
    def claims_home(self) -> Path:
        """Where the insurer's codes keys and ledgers go (MEDCHAIN_CLAIMS_HOME)."""
        return self.data_folder / "medchain"

    @property
    def env(self) -> dict[str, str]:
        env = {
            **os.environ,
            "APE_DATA_FOLDER": str(self.data_folder),
            "MEDCHAIN_RPC_URL": self.node.url,
            "MEDCHAIN_CLAIMS_HOME": str(self.claims_home),
        }
        env.update({f"APE_ACCOUNTS_{alias}_PASSPHRASE": PASSPHRASE for alias in self.keys})
        return env

    def add_account(self, alias: str) -> LocalAccount:
        """Create a key, import it as an ape keyfile account and fund it on the node."""
        return self.add_accounts(alias)[0]

    def add_accounts(self, *aliases: str) -> list[LocalAccount]:
        """:meth:`add_account` for several aliases, in one import process."""
        keys = [Account.create() for _ in aliases]
        self.keys.update(zip(aliases, keys))
        pairs = [part for alias, key in zip(aliases, keys) for part in (alias, key.key.hex())]
        subprocess.run(
            [
                sys.executable,
                "-c",
                "import sys; from ape_accounts import import_account_from_private_key as imp; a = sys.argv[2:]; "
                "[imp(a[i], sys.argv[1], a[i + 1]) for i in range(0, len(a), 2)]",
                PASSPHRASE,
                *pairs,
            ],
            env=self.env,
            check=True,
            capture_output=True,
            cwd=PROJECT_ROOT,
        )
        self.node.fund(*(key.address for key in keys))
        return keys

    def command(self, script: str, *args: str, network: bool = True) -> list[str]:
        return [APE, "run", *script.split(), *args, *(["--network", NETWORK] if network else [])]

    def run(
        self, script: str, *args: str, network: bool = True, env: dict[str, str] | None = None
    ) -> subprocess.CompletedProcess:
        """``ape run`` as the operator (``env``: another environment than :attr:`env`)."""
        return subprocess.run(
            self.command(script, *args, network=network),
            env=self.env if env is None else env,
            capture_output=True,
            text=True,
            cwd=PROJECT_ROOT,
            timeout=600,
            stdin=subprocess.DEVNULL,
        )

    def start(self, script: str, *args: str, env: dict[str, str] | None = None) -> subprocess.Popen:
        """Like :meth:`run`, in the background: the test acts on the node meanwhile, then ``communicate()``."""
        return subprocess.Popen(
            self.command(script, *args),
            env=self.env if env is None else env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            cwd=PROJECT_ROOT,
            stdin=subprocess.DEVNULL,
        )


def web3_contract(w3, project, manifest: Path, name: str):
    """A web3 contract object for ``name`` of the deployment recorded in ``manifest``."""
    import json

    abi = [item.model_dump(by_alias=True, mode="json") for item in getattr(project, name).contract_type.abi]
    return w3.eth.contract(json.loads(Path(manifest).read_text())["contracts"][name]["address"], abi=abi)


def send(w3, account: LocalAccount, call):
    """Sign ``call`` (a web3.py contract function call) locally with ``account``, send it and return its
    (successful) receipt."""
    tx = call.build_transaction({"from": account.address, "nonce": w3.eth.get_transaction_count(account.address)})
    receipt = w3.eth.wait_for_transaction_receipt(
        w3.eth.send_raw_transaction(account.sign_transaction(tx).raw_transaction)
    )
    assert receipt["status"] == 1
    return receipt


@contextmanager
def deployed_consortium(tmp_path_factory, project, aliases=("deployer", "hospital", "patient")):
    """A consortium node with the suite deployed by `deployer` and `hospital` registered as a provider.

    Yields (operator, manifest path).
    """
    from medchain_dev.devchain import anvil

    with anvil(CONSORTIUM_CHAIN_ID) as node:
        op = Operator(node=node, data_folder=tmp_path_factory.mktemp("ape-data"))
        op.add_accounts(*aliases)
        manifest = tmp_path_factory.mktemp("deployments") / "consortium.json"
        result = op.run("deploy", "--account", "deployer", "--yes", "--test-token", "--deployment", str(manifest))
        assert result.returncode == 0, result.stdout + result.stderr

        register(op, manifest, project, {"hospital": (op.keys["hospital"].address, Role.PROVIDER)})
        yield op, manifest


def register(op: Operator, manifest: Path, project, members: dict[str, tuple[str, Role]]) -> None:
    """Register each ``label: (address, role)`` on the deployment's registry, signed by `deployer`
    (set-up the scripts under test do not do themselves). The credential hash is salted per label."""
    from web3 import Web3

    from medchain.access import credential_hash

    w3 = Web3(Web3.HTTPProvider(op.node.url))
    registry = web3_contract(w3, project, manifest, "ConsortiumRegistry")
    for label, (address, role) in members.items():
        send(
            w3,
            op.keys["deployer"],
            registry.functions.registerMember(
                address, role.id, credential_hash(f"{label} licence".encode(), b"\x01" * 32)
            ),
        )
