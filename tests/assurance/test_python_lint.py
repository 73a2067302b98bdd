"""The Python side's cheapest gate: pyflakes over the package, the scripts and the tests. It finds
names used but never defined (a crash waiting on a rarely taken path) and imports left unused."""

from __future__ import annotations

import subprocess
import sys

from medchain_dev.toolchain import PROJECT_ROOT


def test_pyflakes_finds_nothing():
    result = subprocess.run([sys.executable, "-m", "pyflakes", "medchain", "medchain_dev", "scripts", "tests"], cwd=PROJECT_ROOT,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
