"""The consortium chain tests run only under ``make test-consortium`` (it builds the chain engine first):
``make test`` leaves them out."""

from __future__ import annotations

import os

import pytest

if not os.environ.get("MEDCHAIN_TEST_CONSORTIUM"):
    collect_ignore_glob = ["test_*.py"]

#: What the tests measured, printed side by side at the end of the run: (figure, value, note).
FIGURES: list[tuple[str, str, str]] = []


@pytest.fixture(scope="session")
def figures() -> list[tuple[str, str, str]]:
    return FIGURES


def pytest_terminal_summary(terminalreporter):
    if not FIGURES:
        return
    terminalreporter.section("the suite on four validators: figures")
    width = max(len(f) for f, _v, _n in FIGURES) + 2
    for figure, value, note in FIGURES:
        terminalreporter.write_line(f"{figure:<{width}}{value:>22}  {note}")
