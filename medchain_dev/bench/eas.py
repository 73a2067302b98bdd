"""The Ethereum Attestation Service (EAS), compiled from its npm sources with the project's toolchain.

``bench/eas`` is a separate npm project (installed by ``make bench``, not ``make setup``) holding
``@ethereum-attestation-service/eas-contracts``, the OpenZeppelin release EAS is built against and the
npm alias ``solc-0.8.29`` (EAS pins ``pragma solidity 0.8.29``). We compile EAS ourselves -- through
``toolchain/solc.js`` invoked as ``solc-v0.8.29`` -- rather than trusting the package's prebuilt
artifacts, so both sides of a gas comparison come from the same compiler front end.

The optimizer settings are EAS's published ones (1,000,000 runs, as in its deployment metadata); the
EVM version is the one medchain compiles for, so both run the same opcodes on the same chain.
"""

from __future__ import annotations

import json
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from medchain_dev.toolchain import LAUNCHER, PROJECT_ROOT

#: The benchmark-only npm project that holds the EAS sources and their compiler.
EAS_PROJECT = PROJECT_ROOT / "bench" / "eas"
EAS_PACKAGE = "@ethereum-attestation-service/eas-contracts"
EAS_SOLC_VERSION = "0.8.29"
#: EAS's own optimizer setting (see the metadata of its deployments).
EAS_OPTIMIZER_RUNS = 1_000_000
#: medchain's target EVM (ape-config.yaml), used for EAS too.
EVM_VERSION = "cancun"

#: Contract name -> source unit (resolved by the launcher under bench/eas/node_modules).
EAS_SOURCES = {
    "SchemaRegistry": f"{EAS_PACKAGE}/contracts/SchemaRegistry.sol",
    "EAS": f"{EAS_PACKAGE}/contracts/EAS.sol",
}


class CompileError(RuntimeError):
    """The compiler could not be run or reported errors."""


@dataclass(frozen=True)
class Artifact:
    """A compiled contract: what it takes to deploy it and talk to it."""

    name: str
    abi: list[dict[str, Any]]
    bytecode: str  # creation bytecode, 0x-prefixed hex


def installed_version(package: str) -> str | None:
    """The version of ``package`` installed under bench/eas/node_modules (None if it is not)."""
    manifest = EAS_PROJECT / "node_modules" / package / "package.json"
    return json.loads(manifest.read_text(encoding="utf-8"))["version"] if manifest.is_file() else None


def require_installed() -> None:
    """Check that bench/eas's packages are installed at the versions its package.json pins.

    The launcher falls back to the project's own node_modules for imports it cannot find under
    bench/eas: without this check a missing install would build EAS against another OpenZeppelin.
    """
    pinned = json.loads((EAS_PROJECT / "package.json").read_text(encoding="utf-8"))["dependencies"]
    for package, wanted in pinned.items():
        installed = installed_version(package)
        if wanted != installed and not wanted.endswith(f"@{installed}"):  # "npm:solc@0.8.29" aliases
            raise CompileError(
                f"{package} {wanted} is not installed in {EAS_PROJECT} (found {installed}): run `make bench`"
            )


def standard_json_input() -> dict[str, Any]:
    """The solc standard-JSON input for SchemaRegistry and EAS; imports are left to the launcher."""
    node_modules = EAS_PROJECT / "node_modules"
    sources = {unit: {"content": (node_modules / unit).read_text(encoding="utf-8")} for unit in EAS_SOURCES.values()}
    return {
        "language": "Solidity",
        "sources": sources,
        "settings": {
            "optimizer": {"enabled": True, "runs": EAS_OPTIMIZER_RUNS},
            "evmVersion": EVM_VERSION,
            "outputSelection": {unit: {name: ["abi", "evm.bytecode.object"]} for name, unit in EAS_SOURCES.items()},
        },
    }


def run_solc(standard_input: dict[str, Any], version: str = EAS_SOLC_VERSION) -> dict[str, Any]:
    """Run the launcher as ``solc-v<version>`` on ``standard_input`` inside bench/eas; the parsed output.

    The launcher serves the version named by the name it is invoked under, loading the npm alias
    ``solc-<version>`` from the working directory's node_modules; imports resolve under bench/eas
    (its own OpenZeppelin, not the project's).
    """
    with tempfile.TemporaryDirectory(prefix="medchain-solc-") as tmp:
        solc = Path(tmp) / f"solc-v{version}"
        solc.symlink_to(LAUNCHER)
        try:
            completed = subprocess.run(
                [str(solc), "--standard-json", "--base-path", str(EAS_PROJECT)],
                input=json.dumps(standard_input),
                capture_output=True,
                text=True,
                cwd=EAS_PROJECT,
                check=False,
            )
        except OSError as err:
            raise CompileError(f"could not run the solc launcher: {err}") from err
    if completed.returncode != 0:
        raise CompileError(f"solc-v{version} failed: {completed.stderr.strip()}")
    output = json.loads(completed.stdout)
    errors = [e for e in output.get("errors", []) if e.get("severity") == "error"]
    if errors:
        raise CompileError("\n".join(e.get("formattedMessage") or e["message"] for e in errors))
    return output


def compile_eas() -> dict[str, Artifact]:
    """Compile SchemaRegistry and EAS from bench/eas; ``{"SchemaRegistry": ..., "EAS": ...}``."""
    require_installed()
    output = run_solc(standard_json_input())
    artifacts = {}
    for name, unit in EAS_SOURCES.items():
        contract = output["contracts"][unit][name]
        bytecode = "0x" + contract["evm"]["bytecode"]["object"]
        artifacts[name] = Artifact(name=name, abi=contract["abi"], bytecode=bytecode)
    return artifacts
