"""Deploy the medchain suite and record it in a manifest.

The suite is an ordered list of steps; each step's constructor arguments may use the addresses of
earlier steps. The manifest is written after every contract, so an interrupted deployment is
resumed, not repeated, by running it again: contracts already recorded (and still present on the
chain) are kept, and the rest are deployed.
"""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from eth_utils import to_checksum_address

from .manifest import ChainMismatchError, ContractRecord, Manifest, ManifestError, read_manifest, write_manifest

#: Seconds before a new governance account may accept the admin role on a shared network. Two days
#: gives consortium members time to notice and react to a governance change they did not expect.
DEFAULT_ADMIN_DELAY = 2 * 24 * 3600

#: How long a provider's break-glass (emergency) access to a patient's data lasts.
DEFAULT_EMERGENCY_WINDOW = 24 * 3600

#: Claims: days the insurer may deny after adjudication, days a provider may appeal, and the
#: timely-filing limit (age of a service at submission).
DEFAULT_REVIEW_WINDOW = 3 * 24 * 3600
DEFAULT_APPEAL_WINDOW = 30 * 24 * 3600
DEFAULT_TIMELY_FILING = 365 * 24 * 3600


#: Creation code that runs only on a Cancun chain: MCOPY (0x5e) and TSTORE (0x5d) of zero bytes, then STOP.
#: ``eth_call`` of it (no ``to``: a creation) succeeds on Cancun and fails with an invalid opcode before.
CANCUN_PROBE = "0x" + "600060006000" + "5e" + "60006000" + "5d" + "00"


class ChainFeatureError(ManifestError):
    """The chain lacks an EVM feature the suite's bytecode needs (nothing was sent)."""


def require_cancun(web3: Any) -> None:
    """Refuse, before anything is sent, a chain whose EVM predates Cancun: the suite's bytecode (OpenZeppelin
    >= 5.5) uses MCOPY, and would deploy there and fail at its first call (``NotActivated``)."""
    from web3.exceptions import Web3Exception

    try:
        web3.eth.call({"data": CANCUN_PROBE})
    except (Web3Exception, ValueError) as err:
        raise ChainFeatureError(
            f"the chain does not run Cancun (a call using MCOPY/TSTORE failed: {err}); the contracts are compiled "
            "for Cancun: enable the Cancun fork in the chain's genesis (e.g. cancunTime / --hardfork cancun); "
            "nothing was deployed"
        ) from None


@dataclass(frozen=True)
class DeployContext:
    governance: str
    admin_delay: int
    addresses: dict[str, str]
    emergency_window: int = DEFAULT_EMERGENCY_WINDOW
    token: str | None = None  # the settlement stable token; None: deploy the test token (local chains)

    def address(self, name: str) -> str:
        return self.addresses[name]


@dataclass(frozen=True)
class Step:
    """One contract of the suite: its contract type and how to build its constructor arguments."""

    name: str
    args: Callable[[DeployContext], list[Any]]
    when: Callable[[DeployContext], bool] = lambda _ctx: True


#: The suite, in deployment order. Later contracts take earlier addresses (all take the registry).
SUITE: tuple[Step, ...] = (
    Step("ConsortiumRegistry", lambda ctx: [ctx.governance, ctx.admin_delay]),
    Step("ConsentRegistry", lambda ctx: [ctx.address("ConsortiumRegistry"), ctx.emergency_window]),
    Step("RecordAnchor", lambda ctx: [ctx.address("ConsortiumRegistry")]),
    Step("TestStableToken", lambda ctx: [], when=lambda ctx: ctx.token is None),
    # Drug provenance: takes only the registry; claims read it for pharmacy claims.
    Step("DrugProvenance", lambda ctx: [ctx.address("ConsortiumRegistry")]),
    Step(
        "ClaimSettlement",
        lambda ctx: [
            ctx.address("ConsortiumRegistry"),
            ctx.address("ConsentRegistry"),
            ctx.address("RecordAnchor"),
            ctx.address("DrugProvenance"),
            ctx.token or ctx.address("TestStableToken"),
            DEFAULT_REVIEW_WINDOW,
            DEFAULT_APPEAL_WINDOW,
            DEFAULT_TIMELY_FILING,
        ],
    ),
    # Record exchange: consent-gated disclosures of anchored records.
    Step(
        "RecordExchange",
        lambda ctx: [
            ctx.address("ConsortiumRegistry"),
            ctx.address("ConsentRegistry"),
            ctx.address("RecordAnchor"),
        ],
    ),
)


@dataclass
class DeployResult:
    manifest: Manifest
    deployed: list[str]  # contracts deployed by this run, in order
    reused: list[str]  # contracts kept from an earlier, interrupted run of the same deployment


def source_commit(root: Path | None = None) -> str | None:
    """The git commit of the sources in ``root`` (default: the working directory, the ape project's root),
    with ``-dirty`` if the work tree has changes; None outside git."""
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=root, capture_output=True, text=True, check=True
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=root,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return None
    return f"{commit}-dirty" if dirty else commit


def compiler_info(project: Any, contract_name: str) -> dict[str, Any]:
    """The compiler that built ``contract_name``, from ape's project manifest."""
    for compiler in project.manifest.compilers or []:
        if contract_name in (compiler.contractTypes or []):
            settings = compiler.settings or {}
            return {
                "name": "solc" if compiler.name == "solidity" else compiler.name,
                "version": compiler.version,
                "evmVersion": settings.get("evmVersion"),
                "optimizer": settings.get("optimizer"),
                "viaIR": bool(settings.get("viaIR", False)),
            }
    raise ManifestError(f"ape's project manifest names no compiler for {contract_name}: run `ape compile`")


def _has_code(provider: Any, address: str) -> bool:
    return len(provider.get_code(to_checksum_address(address))) > 0


def deploy_suite(
    *,
    project: Any,
    provider: Any,
    deployer: Any,
    governance: str,
    admin_delay: int,
    path: Path,
    network: str,
    fresh: bool = False,
    token: str | None = None,
    progress: Callable[[str], None] = lambda _msg: None,
) -> DeployResult:
    """Deploy the suite with ``deployer`` and record it in the manifest at ``path``.

    - A chain without Cancun is refused (:class:`ChainFeatureError`) before any gas is spent.
    - A manifest of another chain id at ``path`` is refused (:class:`ChainMismatchError`) before any gas is spent.
    - A complete manifest of this chain whose contracts are still there is left alone (nothing deployed)
      unless ``fresh``; an incomplete one is resumed; one whose contracts are gone (a reset dev chain)
      is replaced.
    """
    path = Path(path)
    chain_id = provider.chain_id
    require_cancun(provider.web3)
    existing = read_manifest(path) if path.exists() else None
    if existing is not None and existing.chain_id != chain_id:
        raise ChainMismatchError(path, existing.chain_id, chain_id, "deploy over it")

    kept: dict[str, ContractRecord] = {}
    if existing is not None and not fresh and all(_has_code(provider, r.address) for r in existing.contracts.values()):
        if existing.complete:
            progress(f"{path} already records a complete deployment on chain {chain_id}; nothing to do")
            return DeployResult(existing, deployed=[], reused=list(existing.contracts))
        if existing.governance.lower() != str(governance).lower():
            raise ManifestError(
                f"{path} records an interrupted deployment with governance {existing.governance}; resume it "
                f"with the same governance, or start over with --fresh"
            )
        kept = dict(existing.contracts)
        progress(f"resuming the deployment recorded in {path} ({len(kept)} contracts done)")

    manifest = Manifest(
        chain_id=chain_id,
        network=network,
        deployed_at=existing.deployed_at if kept and existing else datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        compiler=compiler_info(project, SUITE[0].name),
        commit=source_commit(),
        deployer=str(deployer.address),
        governance=str(governance),
        contracts={},
    )
    ctx = DeployContext(governance=str(governance), admin_delay=admin_delay, addresses={}, token=token)
    deployed: list[str] = []
    for step in SUITE:
        if not step.when(ctx):
            continue
        if step.name in kept:
            manifest.contracts[step.name] = kept[step.name]
        else:
            args = step.args(ctx)
            progress(f"deploying {step.name}...")
            instance = deployer.deploy(project.get_contract(step.name), *args)
            receipt = provider.get_receipt(instance.txn_hash)
            manifest.contracts[step.name] = ContractRecord(
                address=str(instance.address),
                block=receipt.block_number,
                tx=str(instance.txn_hash),
                args=[_jsonable(a) for a in args],
            )
            deployed.append(step.name)
            progress(f"  {step.name} at {instance.address} (block {receipt.block_number})")
        ctx.addresses[step.name] = manifest.contracts[step.name].address
        write_manifest(manifest, path)
    manifest.complete = True
    write_manifest(manifest, path)
    return DeployResult(manifest, deployed=deployed, reused=list(kept))


def _jsonable(value: Any) -> Any:
    if isinstance(value, (bytes, bytearray)):
        return "0x" + bytes(value).hex()
    if isinstance(value, (int, str, bool)) or value is None:
        return value
    return str(value)
