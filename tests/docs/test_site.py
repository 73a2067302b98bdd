"""The documentation site builds with --strict, and its gas tables are gas-snapshot.json's figures."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys

import pytest

from medchain_dev.docs import MARKER, gas_table, render_markers
from medchain_dev.toolchain import PROJECT_ROOT

SNAPSHOT = json.loads((PROJECT_ROOT / "gas-snapshot.json").read_text())


def test_a_marker_becomes_the_table_of_the_snapshot_entries_under_its_prefixes():
    snapshot = {"A.f": 100, "A.g/cold": 1234.5, "B.h": 7}
    page = "intro\n<!-- gas: A. -->\nafter\n<!-- gas: B., A.g -->\n"
    assert render_markers(page, snapshot) == (
        "intro\n| operation | gas |\n|---|---:|\n| `A.f` | 100 |\n| `A.g/cold` | 1,234.50 |\nafter\n"
        "| operation | gas |\n|---|---:|\n| `A.g/cold` | 1,234.50 |\n| `B.h` | 7 |\n"
    )


def test_a_marker_that_matches_nothing_fails_the_build():
    with pytest.raises(ValueError, match="no gas-snapshot.json entry starts with Nothing."):
        gas_table(["Nothing."], SNAPSHOT)


def test_the_site_builds_strict_and_its_gas_tables_show_the_snapshot(tmp_path):
    done = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--quiet", "-d", str(tmp_path)],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
    )
    assert done.returncode == 0, done.stdout + done.stderr
    pages = [p for p in (PROJECT_ROOT / "docs").rglob("*.md") if MARKER.search(p.read_text())]
    assert pages, "no page shows a gas table"
    shown = 0
    for page in pages:
        html = tmp_path / page.relative_to(PROJECT_ROOT / "docs").with_suffix("") / "index.html"
        if page.name == "index.md":
            html = tmp_path / page.relative_to(PROJECT_ROOT / "docs").with_name("index.html")
        text = html.read_text()
        for match in MARKER.finditer(page.read_text()):
            prefixes = tuple(p.strip() for p in match.group(1).split(","))
            for key, value in SNAPSHOT.items():
                if key.startswith(prefixes):
                    figure = f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}"
                    assert re.search(
                        rf"<code>{re.escape(key)}</code></td>\s*<td[^>]*>{re.escape(figure)}</td>", text
                    ), (page, key, figure)
                    shown += 1
    assert shown >= 10
