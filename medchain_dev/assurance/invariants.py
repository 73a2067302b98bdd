"""Invariant-fuzzing gate: every deployable contract has an invariant suite, and every suite made at
least ``min_calls`` handler calls (assurance.toml) without breaking an invariant.

It runs ``forge test`` under the ``ci`` profile of forge/foundry.toml (runs x depth handler calls per
invariant), which also runs the unit and fuzz tests in the same compilation, streams forge's own
report (call tables, counterexamples) and then reads the runs and calls of every invariant test
from it.
"""

from __future__ import annotations

import re
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from medchain_dev.assurance import Config, GateError, forge_environment
from medchain_dev.toolchain import PROJECT_ROOT

PROFILE = "ci"
SUITE_SUFFIX = "Invariants"
# "Ran 1 test for <path>:<Suite>" opens a suite's report; forge's closing summary repeats failures
# under "Encountered 1 failing test in <path>:<Suite>".
_SUITE = re.compile(r"^(?:Ran \d+ tests? for|Encountered \d+ failing tests? in) (?P<path>[^:\s]+):(?P<name>\w+)")
_RESULT = re.compile(r"^\[(?P<status>PASS|FAIL)")
_INVARIANT = re.compile(
    r"(?P<test>invariant\w*)\(\) \(runs: (?P<runs>\d+), calls: (?P<calls>\d+), reverts: (?P<reverts>\d+)\)"
)
_CONTRACT = re.compile(r"^\s*contract\s+(?P<name>\w+)", re.MULTILINE)


@dataclass(frozen=True)
class InvariantRun:
    suite: str  # e.g. ClaimSettlementInvariants
    path: str
    test: str  # e.g. invariant_money
    passed: bool
    runs: int
    calls: int
    reverts: int


def parse_forge_output(text: str) -> list[InvariantRun]:
    """The invariant tests in a ``forge test`` report, with their runs and calls."""
    found: dict[tuple[str, str], InvariantRun] = {}
    suite = path = ""
    status: str | None = None
    for line in text.splitlines():
        if m := _SUITE.match(line):
            suite, path, status = m["name"], m["path"], None
            continue
        if m := _RESULT.match(line):
            status = m["status"]
        if (m := _INVARIANT.search(line)) and status is not None:
            run = InvariantRun(
                suite, path, m["test"], status == "PASS", int(m["runs"]), int(m["calls"]), int(m["reverts"])
            )
            found.setdefault((suite, run.test), run)
            status = None
    return list(found.values())


def deployable_contracts(config: Config) -> dict[str, str]:
    """Every non-abstract contract declared in the gated sources: name -> file."""
    found: dict[str, str] = {}
    for source in config.sources():
        for m in _CONTRACT.finditer((PROJECT_ROOT / source).read_text()):
            found[m["name"]] = source
    return found


def judge(runs: list[InvariantRun], config: Config) -> list[str]:
    """Everything wrong, one line each (empty: the gate passes)."""
    problems = []
    suites = {r.suite for r in runs}
    for name, source in sorted(deployable_contracts(config).items()):
        if f"{name}{SUITE_SUFFIX}" in suites:
            continue
        if name in config.pending_invariants:
            print(f"note: {name} ({source}) has no invariant suite yet: {config.pending_invariants[name]}")
            continue
        problems.append(f"{name} ({source}) has no invariant suite {name}{SUITE_SUFFIX} under forge/invariant/")
    for r in runs:
        if not r.passed:
            problems.append(f"{r.suite}.{r.test} broke an invariant (see forge's report above)")
        elif r.calls < config.min_calls:
            problems.append(f"{r.suite}.{r.test} made {r.calls:,} handler calls, fewer than {config.min_calls:,}")
    return problems


def render(runs: list[InvariantRun]) -> str:
    out = [f"{'suite':<32} {'invariant':<22} {'runs':>6} {'calls':>9} {'reverts':>8}  result"]
    for r in sorted(runs, key=lambda r: (r.suite, r.test)):
        verdict = "pass" if r.passed else "FAIL"
        out.append(f"{r.suite:<32} {r.test:<22} {r.runs:>6} {r.calls:>9,} {r.reverts:>8}  {verdict}")
    return "\n".join(out) + "\n"


def run_forge(log: Path | None = None) -> tuple[int, str]:
    """Runs every forge test under the ci profile, echoing forge's report; its exit code and text."""
    command = ["forge", "test", "--no-match-path", "forge/script/**"]
    started = time.monotonic()
    with subprocess.Popen(
        command,
        cwd=PROJECT_ROOT,
        env=forge_environment(PROFILE),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    ) as proc:
        lines = []
        assert proc.stdout is not None
        for line in proc.stdout:
            sys.stdout.write(line)
            lines.append(line)
    text = "".join(lines)
    if log is not None:
        log.write_text(text)
    print(f"forge test (profile {PROFILE}) took {time.monotonic() - started:.0f} s")
    return proc.returncode, text


def main(log: Path | None = None, replay: Path | None = None) -> int:
    config = Config.load()
    if replay is not None:
        code, text = 0, replay.read_text()
    else:
        code, text = run_forge(log)
    runs = parse_forge_output(text)
    if not runs and code == 0:
        raise GateError("forge ran no invariant test")
    print(f"\ninvariant campaigns (each needs {config.min_calls:,} handler calls)")
    print(render(runs), end="")
    problems = judge(runs, config)
    if code != 0 and not problems:
        problems.append(f"forge test failed (exit {code}): see its report above")
    for p in problems:
        print(f"invariant gate: {p}", file=sys.stderr)
    if problems:
        return 1
    print(f"invariant gate passed: {len(runs)} campaign(s), {sum(r.calls for r in runs):,} handler calls")
    return 0
