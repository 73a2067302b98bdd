"""What the gas benchmarks share: the chain, the deployments, measured figures and the report table.

Every benchmark starts its own anvil (:func:`bench_anvil`), deploys medchain's suite from ape's build
manifest (``ape compile``) as ``medchain.deployment.SUITE`` lays it out, and EAS from
:mod:`medchain_dev.bench.eas`, talks to the chain with web3.py, and prints one comparison table
(operation | medchain gas | target | reference equivalent | reference gas | reference/medchain |
physical floor | medchain/floor) followed by one verdict per gas target.

Each measured figure is a :class:`Measurement` under its snapshot name (``ConsentRegistry.grant``,
``ClaimSettlement.submitClaims[50]/claim``): the same figures make the benchmark's table and the
committed gas snapshot (:mod:`medchain_dev.bench.snapshot`).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from eth_account import Account
from eth_account.signers.local import LocalAccount
from eth_keys import keys
from eth_utils import keccak
from web3 import Web3
from web3.contract import Contract
from web3.contract.contract import ContractFunction
from web3.types import TxReceipt

from medchain.access import Role, credential_hash
from medchain.deployment.deploy import SUITE, DeployContext
from medchain_dev.bench.eas import (
    EAS_OPTIMIZER_RUNS,
    EAS_PACKAGE,
    EAS_SOLC_VERSION,
    EVM_VERSION,
    Artifact,
    installed_version,
)
from medchain_dev.devchain import Anvil, anvil
from medchain_dev.toolchain import PROJECT_ROOT

#: ape's compiled project (``ape compile``).
BUILD_MANIFEST = PROJECT_ROOT / ".build" / "__local__.json"

CHAIN_ID = 31337
#: Genesis time of the benchmark chains (2026-01-01T00:00:00Z).
GENESIS_TIME = 1_767_225_600


class BenchmarkError(RuntimeError):
    """A step of the benchmark failed (missing build, reverted transaction, unexpected answer)."""


#: The contracts of the deployed suite, in deployment order (``medchain.deployment.SUITE``).
SUITE_CONTRACTS = tuple(step.name for step in SUITE)


# ----------------------------------------------------------------------------------------------
# Artifacts and how they were compiled


def load_medchain_artifacts(names: Iterable[str], manifest: Path = BUILD_MANIFEST) -> dict[str, Artifact]:
    """ABI and creation bytecode of ``names`` from ape's build manifest."""
    if not manifest.is_file():
        raise BenchmarkError(f"{manifest} is missing: compile first (make compile)")
    built = json.loads(manifest.read_text(encoding="utf-8"))
    changed = stale_sources(built.get("sources", {}))
    if changed:
        raise BenchmarkError(f"{', '.join(changed)} changed since the last compile: compile first (make compile)")
    types = built.get("contractTypes", {})
    artifacts = {}
    for name in names:
        if name not in types:
            raise BenchmarkError(f"{name} is not in {manifest}: compile first (make compile)")
        contract_type = types[name]
        artifacts[name] = Artifact(
            name=name, abi=contract_type["abi"], bytecode=contract_type["deploymentBytecode"]["bytecode"]
        )
    return artifacts


def stale_sources(built: Mapping[str, Any], root: Path = PROJECT_ROOT) -> list[str]:
    """The Solidity files under ``contracts/`` whose text differs from what ape last compiled (``built``:
    the build manifest's ``sources``), including files added or deleted since; sorted."""
    on_disk = {
        path.relative_to(root).as_posix(): path
        for path in (root / "contracts").rglob("*.sol")
        if ".cache" not in path.relative_to(root).parts
    }
    changed = [name for name in on_disk.keys() - built.keys()]
    changed += [name for name in built.keys() - on_disk.keys() if name.startswith("contracts/")]
    changed += [
        name
        for name, path in on_disk.items()
        if name in built
        and built[name].get("content") is not None
        and built[name]["content"] != path.read_text(encoding="utf-8")
    ]
    return sorted(changed)


def medchain_compiler(contract: str, manifest: Path = BUILD_MANIFEST) -> str:
    """How ape compiled ``contract``, from the build manifest: ``solc 0.8.34, optimizer ...``."""
    for compiler in json.loads(manifest.read_text(encoding="utf-8")).get("compilers") or []:
        if contract in compiler.get("contractTypes", []):
            settings = compiler.get("settings", {})
            optimizer = settings.get("optimizer", {})
            runs = f"optimizer {optimizer['runs']:,} runs" if optimizer.get("enabled") else "optimizer off"
            return f"solc {compiler['version'].split('+')[0]}, {runs}, evm {settings.get('evmVersion', 'default')}"
    return "unknown compiler"


def eas_compiler() -> str:
    """The EAS release and how :mod:`medchain_dev.bench.eas` compiles it."""
    return (
        f"eas-contracts {installed_version(EAS_PACKAGE)}, solc {EAS_SOLC_VERSION}, "
        f"optimizer {EAS_OPTIMIZER_RUNS:,} runs, evm {EVM_VERSION}"
    )


def chain_description(node: Anvil, suites: str = "both suites on the same chain") -> str:
    """The ``chain`` line of a report: anvil's hardfork and what the figures are."""
    hardfork = node.call("anvil_nodeInfo")["hardFork"]
    return f"anvil (hardfork {hardfork}), {suites}, receipts' gasUsed"


@contextmanager
def bench_anvil(*args: str) -> Iterator[Anvil]:
    """A fresh anvil whose blocks are stamped GENESIS_TIME, then one second apart (not the wall clock).

    With fixed accounts and keys this makes every transaction -- and so every figure -- the same from
    run to run. Move time with ``evm_setNextBlockTimestamp`` (``evm_increaseTime`` does not apply once
    anvil steps block times by a fixed interval).
    """
    with anvil(CHAIN_ID, "--timestamp", str(GENESIS_TIME), *args) as node:
        node.call("anvil_setBlockTimestampInterval", [1])
        yield node


# ----------------------------------------------------------------------------------------------
# Measured figures and their physical floor

#: The physical floor of a transaction (gas): what any contract doing the job would pay at least.
TX_BASE = 21_000  # intrinsic cost of a transaction
CALLDATA_ZERO_BYTE, CALLDATA_NONZERO_BYTE = 4, 16  # EIP-2028
NEW_SLOT = 22_100  # one storage slot from zero to non-zero (20,000) + its cold access (EIP-2929: 2,100)
LOG_BASE, LOG_TOPIC, LOG_DATA_BYTE = 375, 375, 8  # LOGn: 375 + 375 per topic + 8 per data byte


def calldata_gas(data: bytes) -> int:
    """Calldata's share of a transaction's intrinsic gas: 4 per zero byte, 16 per other byte."""
    zeros = data.count(0)
    return CALLDATA_ZERO_BYTE * zeros + CALLDATA_NONZERO_BYTE * (len(data) - zeros)


def log_gas(logs: Iterable[Mapping[str, Any]]) -> int:
    """What emitting ``logs`` (a receipt's) costs: 375 + 375 per topic + 8 per data byte, each."""
    return sum(LOG_BASE + LOG_TOPIC * len(log["topics"]) + LOG_DATA_BYTE * len(bytes(log["data"])) for log in logs)


def physical_floor(calldata: bytes, logs: Iterable[Mapping[str, Any]], new_slots: int = 1) -> int:
    """21,000 + the calldata's gas + 22,100 per new slot + the logs' gas.

    The least a transaction can pay that carries this calldata, stores what it must store anew and emits
    these events, with no checks, reads or hashing. ``new_slots``: one for an operation that creates a
    record; one per item for a batch whose items each need their own record; none for an operation
    that only updates or clears existing state (revoke, settle, withdraw, recall), whose floor would
    otherwise exceed what it costs.
    """
    return TX_BASE + calldata_gas(calldata) + NEW_SLOT * new_slots + log_gas(logs)


@dataclass(frozen=True)
class Measurement:
    """One measured figure: a transaction's gasUsed with its physical floor, or a reading taken inside a
    transaction (``gasleft()`` around a call, a call's cost from a trace), which has no floor.

    A batch's figures are per item: ``gas`` and ``floor`` are the whole transaction's, divided by ``items``.
    """

    gas: int
    items: int = 1
    floor: int | None = None  # of the whole transaction

    @property
    def per_item(self) -> int | float:
        """The figure: gas, or gas per item (a float) for a batch."""
        return self.gas if self.items == 1 else self.gas / self.items

    @property
    def floor_per_item(self) -> int | float | None:
        """The physical floor, per item for a batch (None for an in-transaction reading)."""
        if self.floor is None:
            return None
        return self.floor if self.items == 1 else self.floor / self.items

    @property
    def snapshot_value(self) -> int | float:
        """The figure as the gas snapshot records it: an int, or per item to 2 decimals."""
        return self.gas if self.items == 1 else round(self.gas / self.items, 2)


#: Measured figures by snapshot name (``Contract.function[batch size]/case``).
Figures = dict[str, Measurement]


# ----------------------------------------------------------------------------------------------
# The chain


class Chain:
    """A benchmark chain through web3.py: deploy and transact from anvil's unlocked accounts.

    On a chain started with ``--no-mining`` pass ``automine=False``: each transaction sent through
    :meth:`deploy` or :meth:`send` is then mined on its own with ``evm_mine``.
    """

    def __init__(self, node: Anvil, automine: bool = True) -> None:
        self.node = node
        self.automine = automine
        self.w3 = Web3(Web3.HTTPProvider(node.url))
        self.accounts: list[str] = self.w3.eth.accounts

    def deploy(self, artifact: Artifact, *args: Any, sender: str) -> Contract:
        """Deploy ``artifact`` with constructor ``args`` from ``sender``; the deployed contract."""
        factory = self.w3.eth.contract(abi=artifact.abi, bytecode=artifact.bytecode)
        receipt = self._mined(f"deploy {artifact.name}", factory.constructor(*args).transact({"from": sender}))
        return self.w3.eth.contract(address=receipt["contractAddress"], abi=artifact.abi)

    def send(self, what: str, call: ContractFunction, sender: str) -> TxReceipt:
        """Send a contract function call as a transaction and return its (successful) receipt."""
        return self._mined(what, call.transact({"from": sender}))

    def _mined(self, what: str, tx_hash: bytes) -> TxReceipt:
        """The receipt of the sent transaction ``tx_hash`` (mining it first without automine)."""
        if not self.automine:
            self.node.call("evm_mine")
        receipt = self.w3.eth.wait_for_transaction_receipt(tx_hash, timeout=30)
        if receipt["status"] != 1:
            raise BenchmarkError(f"{what}: transaction reverted ({Web3.to_hex(tx_hash)})")
        return receipt

    def measurement(self, receipt: TxReceipt, *, items: int = 1, new_slots: int = 1) -> Measurement:
        """The figure of a mined transaction: its gasUsed and its physical floor (see :func:`physical_floor`),
        computed from the transaction's own input and the receipt's logs; ``items`` for a batch."""
        calldata = bytes(self.w3.eth.get_transaction(receipt["transactionHash"])["input"])
        floor = physical_floor(calldata, receipt["logs"], new_slots=new_slots)
        return Measurement(gas=receipt["gasUsed"], items=items, floor=floor)

    def measure(
        self, what: str, call: ContractFunction, sender: str, *, items: int = 1, new_slots: int = 1
    ) -> tuple[Measurement, TxReceipt]:
        """Send ``call`` (see :meth:`send`); its figure (see :meth:`measurement`) and receipt."""
        receipt = self.send(what, call, sender)
        return self.measurement(receipt, items=items, new_slots=new_slots), receipt

    def skip(self, seconds: int) -> None:
        """Mine an empty block ``seconds`` after the latest one (see :func:`bench_anvil`)."""
        latest = self.w3.eth.get_block("latest")["timestamp"]
        self.node.call("evm_setNextBlockTimestamp", [latest + seconds])
        self.node.call("evm_mine")

    def send_raw(self, raw_transactions: Sequence[str]) -> list[str]:
        """Submit signed transactions in one JSON-RPC batch, without waiting for them; their hashes."""
        if not raw_transactions:
            return []
        answers = self.w3.provider.make_batch_request([("eth_sendRawTransaction", [raw]) for raw in raw_transactions])
        if not isinstance(answers, list):  # the node refused the batch as a whole
            raise BenchmarkError(f"eth_sendRawTransaction batch refused: {answers.get('error')}")
        errors = [answer["error"] for answer in answers if "error" in answer]
        if errors:
            raise BenchmarkError(f"eth_sendRawTransaction: {len(errors)} of {len(answers)} refused, e.g. {errors[0]}")
        return [answer["result"] for answer in answers]

    def base_fee(self) -> int:
        """The latest block's base fee per gas."""
        return self.w3.eth.get_block("latest")["baseFeePerGas"]

    def pool_size(self) -> tuple[int, int]:
        """``(pending, queued)`` transactions in anvil's pool (queued: waiting behind a nonce gap)."""
        status = self.node.call("txpool_status")
        return int(status["pending"], 16), int(status["queued"], 16)


def signer(label: str) -> LocalAccount:
    """A fixed key for an account that signs locally (deterministic addresses and signatures)."""
    return Account.from_key(keccak(text=f"medchain bench: {label}"))


# ----------------------------------------------------------------------------------------------
# Locally signed transactions


@dataclass(frozen=True)
class SignJob:
    """Contract calls from one account at consecutive nonces, to be signed as EIP-1559 transactions."""

    key: bytes  # the sender's private key
    to: str
    calldata: tuple[bytes, ...]
    first_nonce: int
    gas: int  # gas limit of each transaction
    max_fee_per_gas: int
    chain_id: int = CHAIN_ID


def sign_job(job: SignJob) -> list[str]:
    """The signed raw transactions of ``job`` (0x-hex), in nonce order.

    A top-level function so that a process pool can run it (eth-keys signs with coincurve, about a tenth
    of a millisecond a signature; the pool still helps for hundreds of thousands). The key object is
    built once per job so that its public key is not derived again for every signature.
    """
    key = keys.PrivateKey(job.key)
    signed = []
    for offset, data in enumerate(job.calldata):
        transaction = {
            "type": 2,
            "chainId": job.chain_id,
            "nonce": job.first_nonce + offset,
            "to": job.to,
            "value": 0,
            "data": data,
            "gas": job.gas,
            "maxFeePerGas": job.max_fee_per_gas,
            "maxPriorityFeePerGas": 0,
        }
        signed.append(Web3.to_hex(Account.sign_transaction(transaction, key).raw_transaction))
    return signed


# ----------------------------------------------------------------------------------------------
# Deployments


def deploy_consortium(
    chain: Chain, artifacts: dict[str, Artifact], governance: str, members: Iterable[tuple[str, Role]]
) -> Contract:
    """Deploy ``ConsortiumRegistry(governance, 0)`` and register ``members`` (account, role) in it."""
    registry = chain.deploy(artifacts["ConsortiumRegistry"], governance, 0, sender=governance)
    register_members(chain, registry, governance, members)
    return registry


def deploy_suite(
    chain: Chain, artifacts: dict[str, Artifact], governance: str, members: Iterable[tuple[str, Role]]
) -> dict[str, Contract]:
    """Deploy medchain's suite as ``ape run deploy`` does on a local chain (``medchain.deployment.SUITE``:
    the same contracts, order and constructor arguments, the test token included, no admin delay), and
    register ``members`` (account, role) right after the registry; the contracts by name.

    ``artifacts`` must hold every contract of SUITE_CONTRACTS.
    """
    members = list(members)
    ctx = DeployContext(governance=governance, admin_delay=0, addresses={})
    contracts: dict[str, Contract] = {}
    for step in SUITE:
        if not step.when(ctx):
            continue
        contracts[step.name] = chain.deploy(artifacts[step.name], *step.args(ctx), sender=governance)
        ctx.addresses[step.name] = contracts[step.name].address
        if step.name == "ConsortiumRegistry":
            register_members(chain, contracts[step.name], governance, members)
    return contracts


def register_members(chain: Chain, registry: Contract, governance: str, members: Iterable[tuple[str, Role]]) -> None:
    """Register each (account, role) of ``members`` in ``registry`` with a made-up credential hash."""
    for account, role in members:
        credential = credential_hash(f"bench credential of {account}".encode(), keccak(text=account))
        chain.send("registerMember", registry.functions.registerMember(account, role.id, credential), governance)


def deploy_eas(chain: Chain, artifacts: dict[str, Artifact], deployer: str) -> tuple[Contract, Contract]:
    """Deploy EAS's SchemaRegistry and EAS on it; ``(schema_registry, eas)``."""
    schema_registry = chain.deploy(artifacts["SchemaRegistry"], sender=deployer)
    eas = chain.deploy(artifacts["EAS"], schema_registry.address, sender=deployer)
    return schema_registry, eas


# ----------------------------------------------------------------------------------------------
# The report


@dataclass(frozen=True)
class Target:
    """A gas target: what it covers and the most gas allowed."""

    label: str
    limit: int


@dataclass(frozen=True)
class GasRow:
    """One line of the comparison; either side may be absent (``None``)."""

    operation: str | None
    medchain_gas: int | float | None  # a float for an average (gas per record)
    eas_operation: str | None = None  # the reference's equivalent (EAS, Etherisc GIF)
    eas_gas: int | float | None = None
    target: Target | None = None
    floor: int | float | None = None  # the physical floor, per item like medchain_gas

    @classmethod
    def of(
        cls,
        operation: str,
        measured: Measurement,
        reference: str | None = None,
        reference_gas: int | float | None = None,
        target: Target | None = None,
    ) -> GasRow:
        """The row of a measured figure: its gas (per item) and floor, next to a reference."""
        return cls(operation, measured.per_item, reference, reference_gas, target, measured.floor_per_item)

    @property
    def over_floor(self) -> float | None:
        """medchain gas over the physical floor (how many times the floor), when both are known."""
        if self.medchain_gas and self.floor:
            return self.medchain_gas / self.floor
        return None

    @property
    def limit(self) -> int | None:
        """The target's gas limit, if the row has a target."""
        return self.target.limit if self.target else None

    @property
    def ratio(self) -> float | None:
        """EAS gas over medchain gas, when both were measured."""
        if self.medchain_gas and self.eas_gas:
            return self.eas_gas / self.medchain_gas
        return None

    @property
    def met(self) -> bool | None:
        """Whether medchain's gas is within the target (None without a target)."""
        if self.limit is None or self.medchain_gas is None:
            return None
        return self.medchain_gas <= self.limit


@dataclass
class BenchReport:
    """The measured rows, the targets they are held to and how they were measured."""

    title: str
    rows: list[GasRow]
    targets: tuple[Target, ...]  # in the order of the verdict lines
    setup: dict[str, str] = field(default_factory=dict)  # label -> what the figures were measured with
    notes: list[str] = field(default_factory=list)  # printed after the verdicts
    reference: str = "EAS"  # what medchain is compared with (column headers)


#: The table's footnote on the floor column.
FLOOR_NOTE = (
    f"  floor = {TX_BASE:,} + the transaction's calldata (16 a byte, 4 a zero byte) + {NEW_SLOT:,} a new slot"
    " (one if it creates a record,\n          one per item if each item is a record, none if it only updates or"
    " clears) + its logs (375 + 375 a topic + 8 a data byte);\n          per item for a batch"
)


def format_gas(value: int | float | None) -> str:
    """``53,954``; ``52.17`` for an average; ``-`` for nothing measured."""
    if value is None:
        return "-"
    return f"{value:,.2f}" if isinstance(value, float) else f"{value:,}"


def render(report: BenchReport) -> str:
    """The comparison table, then one verdict line per target, then the notes.

    Each figure stands next to its reference (EAS, Etherisc GIF; the columns are left out when no row
    has one) as reference/medchain, and next to its physical floor as medchain/floor.
    """
    ref = report.reference
    header = (
        "operation",
        "medchain gas",
        "target",
        f"{ref} equivalent",
        f"{ref} gas",
        f"{ref}/medchain",
        "floor",
        "medchain/floor",
    )
    body = [
        (
            row.operation or "-",
            format_gas(row.medchain_gas),
            f"<= {row.limit:,}" if row.limit else "-",
            row.eas_operation or "-",
            format_gas(row.eas_gas),
            f"{row.ratio:.2f}x" if row.ratio else "-",
            format_gas(row.floor),
            f"{row.over_floor:.2f}x" if row.over_floor else "-",
        )
        for row in report.rows
    ]
    columns = [i for i in range(len(header)) if i not in (3, 4, 5) or any(row.eas_gas for row in report.rows)]
    header = tuple(header[i] for i in columns)
    body = [tuple(cells[i] for i in columns) for cells in body]
    widths = [max(len(line[i]) for line in (header, *body)) for i in range(len(header))]
    numeric = {i for i, name in enumerate(header) if name not in ("operation", f"{ref} equivalent")}

    def line(cells: tuple[str, ...]) -> str:
        return " | ".join(c.rjust(w) if i in numeric else c.ljust(w) for i, (c, w) in enumerate(zip(cells, widths)))

    rule = "-+-".join("-" * w for w in widths)
    key_width = max((len(key) for key in report.setup), default=0)
    out = ["", report.title, ""]
    out += [f"  {key:<{key_width}} {value}" for key, value in report.setup.items()]
    out += ["", line(header), rule, *(line(cells) for cells in body)]
    out += ["", FLOOR_NOTE, "", "targets"]
    labels = {target: f"{target.label} <= {target.limit:,}" for target in report.targets}
    label_width = max((len(label) for label in labels.values()), default=0) + 1
    for target, label in labels.items():
        rows = [row for row in report.rows if row.target == target]
        verdict = "met" if all(row.met for row in rows) else "MISSED"
        detail = "; ".join(
            f"{row.operation} {format_gas(row.medchain_gas)} ({'met' if row.met else 'missed'})" for row in rows
        )
        out.append(f"  {label:<{label_width}} {verdict:<7} {detail}")
    if report.notes:
        out += ["", "notes", *(f"  {note}" for note in report.notes)]
    return "\n".join(out) + "\n"
