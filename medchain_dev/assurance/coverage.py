"""Coverage gate: every gated contract file meets the line and branch thresholds of assurance.toml.

``forge coverage`` runs the Solidity unit and fuzz tests (``forge/unit/``) and writes an LCOV report;
this module reads it, keeps the files under ``contracts/`` outside the excluded folders, and checks
each one on its own (a well-tested file never hides a poorly tested one).
"""

from __future__ import annotations

import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from medchain_dev.assurance import FORGE_OUT, Config, GateError, forge_environment
from medchain_dev.toolchain import PROJECT_ROOT

LCOV = FORGE_OUT / "lcov.info"
UNIT_TESTS = "forge/unit/**"


@dataclass(frozen=True)
class FileCoverage:
    path: str
    lines_found: int
    lines_hit: int
    branches_found: int
    branches_hit: int

    @property
    def lines(self) -> float:
        return 100.0 if self.lines_found == 0 else 100.0 * self.lines_hit / self.lines_found

    @property
    def branches(self) -> float:
        return 100.0 if self.branches_found == 0 else 100.0 * self.branches_hit / self.branches_found


def parse_lcov(text: str) -> dict[str, FileCoverage]:
    """Per-file totals (LF/LH/BRF/BRH) of an LCOV report, keyed by the source path as written."""
    files: dict[str, FileCoverage] = {}
    current: dict[str, int | str] = {}
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if line.startswith("SF:"):
            current = {"path": line[3:], "LF": 0, "LH": 0, "BRF": 0, "BRH": 0}
        elif line == "end_of_record":
            if not current:
                raise GateError(f"LCOV line {number}: end_of_record without SF")
            path = str(current["path"])
            files[path] = FileCoverage(path, *(int(current[k]) for k in ("LF", "LH", "BRF", "BRH")))
            current = {}
        elif current and ":" in line:
            key, _, value = line.partition(":")
            if key in ("LF", "LH", "BRF", "BRH"):
                current[key] = int(value)
    return files


@dataclass(frozen=True)
class Verdict:
    coverage: FileCoverage
    min_lines: float
    min_branches: float
    reason: str | None  # set when the file has its own thresholds

    @property
    def ok(self) -> bool:
        return self.coverage.lines >= self.min_lines and self.coverage.branches >= self.min_branches


def judge(files: dict[str, FileCoverage], config: Config) -> tuple[list[Verdict], list[str]]:
    """Verdicts for every gated file in the report, and the gated sources the report does not cover."""
    relative = {_relative(path): cov for path, cov in files.items()}
    verdicts = []
    for path in sorted(p for p in relative if config.in_scope(p)):
        own = config.file_thresholds.get(path, {})
        verdicts.append(
            Verdict(
                relative[path],
                float(own.get("lines", config.lines)),
                float(own.get("branches", config.branches)),
                own.get("reason"),
            )
        )
    unmeasured = [p for p in config.sources() if p not in relative and _has_code(PROJECT_ROOT / p)]
    return verdicts, unmeasured


def render(verdicts: list[Verdict], unmeasured: list[str]) -> str:
    width = max([len(v.coverage.path) for v in verdicts] + [len(p) for p in unmeasured] + [4])
    out = [f"{'file':<{width}}  {'lines':>16}  {'branches':>16}  verdict"]
    for v in verdicts:
        c = v.coverage
        lines = f"{c.lines:6.2f}% {c.lines_hit:>4}/{c.lines_found:<4}"
        branches = f"{c.branches:6.2f}% {c.branches_hit:>4}/{c.branches_found:<4}"
        verdict = "ok" if v.ok else f"FAIL (needs {v.min_lines:g}% lines, {v.min_branches:g}% branches)"
        if v.reason:
            verdict += f"  [own thresholds: {v.reason}]"
        out.append(f"{c.path:<{width}}  {lines:>16}  {branches:>16}  {verdict}")
    for path in unmeasured:
        out.append(f"{path:<{width}}  {'not in the report':>35}  FAIL (compiled by no test?)")
    return "\n".join(out) + "\n"


def run_forge_coverage(lcov: Path = LCOV) -> None:
    """Runs the unit and fuzz tests under forge coverage, writing the LCOV report to ``lcov``."""
    lcov.parent.mkdir(parents=True, exist_ok=True)
    command = [
        "forge",
        "coverage",
        "--match-path",
        UNIT_TESTS,
        "--report",
        "lcov",
        "--report-file",
        str(lcov),
        "--report",
        "summary",
        "--no-match-coverage",
        "^(forge/|contracts/test/)",
    ]
    done = subprocess.run(command, cwd=PROJECT_ROOT, env=forge_environment())
    if done.returncode != 0:
        raise GateError(f"forge coverage failed (exit {done.returncode})")


def main(lcov: Path | None = None) -> int:
    config = Config.load()
    if lcov is None:
        lcov = LCOV
        run_forge_coverage(lcov)
    if not lcov.is_file():
        raise GateError(f"no LCOV report at {lcov}")
    verdicts, unmeasured = judge(parse_lcov(lcov.read_text()), config)
    if not verdicts and not unmeasured:
        raise GateError(f"{lcov} covers none of the gated contracts")
    print(f"\ncoverage per file (needs {config.lines:g}% of lines and {config.branches:g}% of branches)")
    print(render(verdicts, unmeasured), end="")
    failed = [v.coverage.path for v in verdicts if not v.ok] + unmeasured
    if failed:
        print(f"coverage gate FAILED for {len(failed)} file(s): {', '.join(failed)}", file=sys.stderr)
        return 1
    print(f"coverage gate passed: {len(verdicts)} file(s)")
    return 0


def _relative(path: str) -> str:
    p = Path(path)
    if p.is_absolute():
        try:
            return p.resolve().relative_to(PROJECT_ROOT).as_posix()
        except ValueError:
            return p.as_posix()
    return p.as_posix()


def _has_code(path: Path) -> bool:
    """Whether a Solidity file declares anything with a body to execute (not only interfaces)."""

    text = path.read_text()
    return bool(re.search(r"^\s*(abstract\s+contract|contract|library)\s+\w+", text, re.MULTILINE))
