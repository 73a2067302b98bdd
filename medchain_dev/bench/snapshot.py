"""The gas snapshot: the figure of every benchmark operation, committed in ``gas-snapshot.json``.

The figures come from the benchmarks' own measuring code -- each benchmark module's
``measure_figures`` -- on fresh anvil chains with fixed accounts, keys and block times, so a run
gives the same figures as the last one unless a contract (or the compiler) changed. What is left
out: the EAS and Etherisc GIF figures (references, not medchain's; EAS needs ``bench/eas``), the
records benchmark's 100,000-record history and the bulk-claim throughput (minutes, not seconds).

The file holds one ``"name": figure`` per line, sorted by name. A name is
``Contract.function[batch size]/case`` (``ClaimSettlement.submitClaims[50]/claim``); a batch's figure
is per item, to 2 decimals. ``make gas-snapshot`` writes it; the ``gas`` gate of ``make check``
(:mod:`medchain_dev.assurance.gas`) compares a fresh measurement with it.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from pathlib import Path

from medchain_dev.bench import claims, consent_gas, exchange_gas, provenance_gas, records_gas
from medchain_dev.bench.common import BenchmarkError, Figures

#: One snapshot figure: gas, or gas per item of a batch.
Value = int | float

#: The benchmark modules' measuring functions, each on its own fresh anvil.
MEASURES: tuple[Callable[[Callable[[str], None]], Figures], ...] = (
    consent_gas.measure_figures,
    records_gas.measure_figures,
    claims.measure_figures,
    provenance_gas.measure_figures,
    exchange_gas.measure_figures,
)


def measure_snapshot(progress: Callable[[str], None] = lambda _line: None) -> dict[str, Value]:
    """Measure every benchmark operation; its snapshot figures by name, sorted."""
    values: dict[str, Value] = {}
    for measure in MEASURES:
        for name, measured in measure(progress).items():
            if name in values:
                raise BenchmarkError(f"two benchmarks measure {name}")
            values[name] = measured.snapshot_value
    return dict(sorted(values.items()))


def dumps(values: Mapping[str, Value]) -> str:
    """The snapshot file's text: a JSON object, one figure per line, sorted by name."""
    return json.dumps(dict(sorted(values.items())), indent=2) + "\n"


def read_snapshot(path: Path) -> dict[str, Value]:
    """The figures committed in ``path``."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise BenchmarkError(f"{path.name} is missing: run `make gas-snapshot` and commit it") from None
    except json.JSONDecodeError as err:
        raise BenchmarkError(f"{path.name} is not valid JSON (line {err.lineno}): {err.msg}") from None
    if not isinstance(data, dict):
        raise BenchmarkError(f"{path.name} must hold a JSON object of operation name -> gas")
    for name, value in data.items():
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
            raise BenchmarkError(f"{path.name}: {name!r} must be a non-negative number of gas, not {value!r}")
    return data


def write_snapshot(values: Mapping[str, Value], path: Path) -> None:
    """Write ``values`` to ``path`` (see :func:`dumps`)."""
    path.write_text(dumps(values), encoding="utf-8")
