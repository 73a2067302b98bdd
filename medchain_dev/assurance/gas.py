"""Gas gate: every benchmark operation costs what the committed gas snapshot says, within a tolerance.

The gate measures every operation afresh (:func:`medchain_dev.bench.snapshot.measure_snapshot`, on
fresh anvil chains) and compares each figure with the snapshot file of the same checkout
(``gas-snapshot.json``; ``assurance.toml`` ``[gas]`` names it and sets the tolerance). It fails when a
figure moved by more than the tolerance (1 %), when an operation of the snapshot is no longer
measured, or when a measured operation is not in the snapshot. A commit that changes gas on purpose
updates the snapshot with ``make gas-snapshot`` (``--update``), and so passes.
"""

from __future__ import annotations

import math
import sys
from collections.abc import Mapping
from dataclasses import dataclass

from medchain_dev.assurance import Config, GateError
from medchain_dev.bench.common import BenchmarkError
from medchain_dev.toolchain import PROJECT_ROOT

Value = int | float

UPDATE_HINT = "run `make gas-snapshot` and commit the file if the change is intended"


@dataclass(frozen=True)
class Change:
    """One operation whose figure differs between the snapshot (``old``) and the measurement (``new``)."""

    operation: str
    old: Value | None  # None: not in the snapshot (a new operation)
    new: Value | None  # None: no longer measured

    @property
    def percent(self) -> float | None:
        """The change in percent of the snapshot's figure (None for a new or missing operation)."""
        if self.old is None or self.new is None:
            return None
        if self.old == 0:
            return 0.0 if self.new == 0 else math.inf
        return 100.0 * (self.new - self.old) / self.old

    def drifted(self, tolerance: float) -> bool:
        """Whether this change fails the gate: new, missing, or moved by more than ``tolerance`` percent."""
        return self.percent is None or abs(self.percent) > tolerance

    def describe(self) -> str:
        if self.old is None:
            return f"{self.operation}: new, not in the snapshot (measured {_gas(self.new)})"
        if self.new is None:
            return f"{self.operation}: missing, no longer measured (snapshot {_gas(self.old)})"
        return f"{self.operation}: {_gas(self.old)} -> {_gas(self.new)} ({self.percent:+.2f} %)"


def _gas(value: Value | None) -> str:
    return f"{value:,.2f}" if isinstance(value, float) else f"{value:,}"


def compare(committed: Mapping[str, Value], measured: Mapping[str, Value]) -> list[Change]:
    """Every operation whose figure differs (or that only one side has), sorted by name."""
    changes = []
    for name in sorted(committed.keys() | measured.keys()):
        old, new = committed.get(name), measured.get(name)
        if old != new:
            changes.append(Change(name, old, new))
    return changes


def judge(changes: list[Change], tolerance: float) -> tuple[list[Change], list[Change]]:
    """``(drifted, within)``: the changes that fail the gate and those within the tolerance."""
    drifted = [c for c in changes if c.drifted(tolerance)]
    return drifted, [c for c in changes if not c.drifted(tolerance)]


def render(changes: list[Change], tolerance: float, snapshot: str, measured: int) -> str:
    """The gate's report: the drifted operations with old, new and percent, what to do; then the rest."""
    drifted, within = judge(changes, tolerance)
    if drifted:
        lines = [
            f"gas gate FAILED: {len(drifted)} operation(s) differ from {snapshot} by more than {tolerance:g} %"
            " or are new or missing:"
        ]
        lines += [f"  {c.describe()}" for c in drifted]
        lines.append(UPDATE_HINT)
    else:
        lines = [f"gas gate passed: {measured} operations within {tolerance:g} % of {snapshot}"]
    if within:
        lines.append(f"changed within {tolerance:g} %:")
        lines += [f"  {c.describe()}" for c in within]
    return "\n".join(lines) + "\n"


def main(update: bool = False) -> int:
    """Measure; compare with (or, with ``update``, write) the snapshot. 0 when the gate passes."""
    from medchain_dev.bench import snapshot as gas_snapshot  # web3 and the benchmarks: only when the gate runs

    config = Config.load()
    path = PROJECT_ROOT / config.gas_snapshot

    def progress(line: str) -> None:
        print(line, file=sys.stderr)

    try:
        measured = gas_snapshot.measure_snapshot(progress)
        committed = gas_snapshot.read_snapshot(path) if (path.exists() or not update) else {}
    except BenchmarkError as err:
        raise GateError(str(err)) from err
    changes = compare(committed, measured)
    if update:
        gas_snapshot.write_snapshot(measured, path)
        print(f"wrote {len(measured)} operations to {config.gas_snapshot}" + (":" if changes else "; nothing changed"))
        print("".join(f"  {c.describe()}\n" for c in changes), end="")
        return 0
    print(render(changes, config.gas_tolerance, config.gas_snapshot, len(measured)), end="")
    return 1 if judge(changes, config.gas_tolerance)[0] else 0
