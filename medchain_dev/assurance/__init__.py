"""The assurance gates of ``make check``: static analysis, coverage, invariant fuzzing and gas.

Each gate runs its tool over every contract under ``contracts/`` (found by directory, so a new
contract is in the gates as soon as it exists), compares the result with the thresholds in
``assurance.toml`` (and, for slither, the justified findings in ``slither.triage.json``; for gas, the
committed ``gas-snapshot.json``) and exits non-zero when anything falls short. See ``docs/assurance.md``.

    python -m medchain_dev.assurance slither
    python -m medchain_dev.assurance coverage [--lcov .forge/lcov.info]
    python -m medchain_dev.assurance invariants [--log forge-output.txt]
    python -m medchain_dev.assurance gas [--update]
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from medchain_dev.toolchain import PROJECT_ROOT, environment

CONFIG_FILE = PROJECT_ROOT / "assurance.toml"
FORGE_CONFIG = PROJECT_ROOT / "forge" / "foundry.toml"
FORGE_OUT = PROJECT_ROOT / ".forge"


class GateError(Exception):
    """A gate could not run (a tool missing or failing), as opposed to a gate that ran and failed."""


@dataclass(frozen=True)
class Config:
    """assurance.toml, read."""

    contracts_root: str = "contracts"
    exclude: tuple[str, ...] = ("contracts/test/",)
    lines: float = 95.0
    branches: float = 90.0
    file_thresholds: dict[str, dict] = field(default_factory=dict)
    min_calls: int = 100_000
    pending_invariants: dict[str, str] = field(default_factory=dict)
    triage_file: str = "slither.triage.json"
    gas_snapshot: str = "gas-snapshot.json"
    gas_tolerance: float = 1.0  # percent

    @classmethod
    def load(cls, path: Path = CONFIG_FILE) -> Config:
        data = tomllib.loads(path.read_text())
        contracts, coverage = data.get("contracts", {}), data.get("coverage", {})
        invariants, slither, gas = data.get("invariants", {}), data.get("slither", {}), data.get("gas", {})
        files = coverage.get("files", {})
        for name, entry in files.items():
            if not entry.get("reason"):
                raise GateError(f"{path.name}: coverage.files.{name!r} needs a reason")
        pending = invariants.get("pending", {})
        for name, reason in pending.items():
            if not reason:
                raise GateError(f"{path.name}: invariants.pending.{name!r} needs a reason")
        return cls(
            contracts_root=contracts.get("root", "contracts"),
            exclude=tuple(contracts.get("exclude", ["contracts/test/"])),
            lines=float(coverage.get("lines", 95.0)),
            branches=float(coverage.get("branches", 90.0)),
            file_thresholds=files,
            min_calls=int(invariants.get("min_calls", 100_000)),
            pending_invariants=pending,
            triage_file=slither.get("triage", "slither.triage.json"),
            gas_snapshot=gas.get("snapshot", "gas-snapshot.json"),
            gas_tolerance=float(gas.get("tolerance", 1.0)),
        )

    def in_scope(self, relative: str) -> bool:
        """Whether a project-relative source path is one of the gated contracts."""
        relative = relative.replace(os.sep, "/")
        root = self.contracts_root.rstrip("/") + "/"
        return (
            relative.startswith(root)
            and relative.endswith(".sol")
            and "/.cache/" not in relative
            and not any(relative.startswith(e) for e in self.exclude)
        )

    def sources(self) -> list[str]:
        """Every gated Solidity file, project-relative, sorted."""
        found = (p.relative_to(PROJECT_ROOT).as_posix() for p in (PROJECT_ROOT / self.contracts_root).rglob("*.sol"))
        return sorted(p for p in found if self.in_scope(p))


def forge_environment(profile: str | None = None) -> dict[str, str]:
    """The environment forge runs in: the project toolchain, forge/foundry.toml, a profile."""
    env = environment()
    env["FOUNDRY_CONFIG"] = str(FORGE_CONFIG)
    if profile:
        env["FOUNDRY_PROFILE"] = profile
    return env
