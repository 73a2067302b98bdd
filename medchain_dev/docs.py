"""What the documentation site generates instead of copying: gas tables from ``gas-snapshot.json``.

A page writes ``<!-- gas: ConsentRegistry. -->`` (one or more key prefixes, comma-separated) on a line of
its own; the site's hook (``docs/hooks/generated.py``) puts there the table of every snapshot entry
whose key starts with one of the prefixes, in the snapshot's order. ``make gas-snapshot`` rewrites the
snapshot, and the next build of the site shows it: no figure is typed twice.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from medchain_dev.toolchain import PROJECT_ROOT

SNAPSHOT = PROJECT_ROOT / "gas-snapshot.json"
MARKER = re.compile(r"^<!-- gas: ([^>]+?) -->$", re.M)


def load_snapshot(path: Path = SNAPSHOT) -> dict[str, float]:
    """Gas per benchmark operation, as ``make gas-snapshot`` wrote it."""
    return json.loads(path.read_text())


def gas_table(prefixes: list[str], snapshot: dict[str, float]) -> str:
    """A markdown table of the snapshot's entries under ``prefixes`` (``Contract.function/case``)."""
    rows = [(key, value) for key, value in snapshot.items() if key.startswith(tuple(prefixes))]
    if not rows:
        raise ValueError(f"no gas-snapshot.json entry starts with {', '.join(prefixes)}")
    lines = ["| operation | gas |", "|---|---:|"]
    for key, value in rows:
        shown = f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}"
        lines.append(f"| `{key}` | {shown} |")
    return "\n".join(lines)


def render_markers(markdown: str, snapshot: dict[str, float] | None = None) -> str:
    """``markdown`` with each gas marker replaced by its table."""
    figures = load_snapshot() if snapshot is None else snapshot

    def table(match: re.Match[str]) -> str:
        return gas_table([p.strip() for p in match.group(1).split(",") if p.strip()], figures)

    return MARKER.sub(table, markdown)
