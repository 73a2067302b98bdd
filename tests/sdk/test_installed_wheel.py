"""The SDK as a user gets it: the wheel built from this checkout, installed with its core dependencies
only into a fresh virtualenv outside the checkout, drives a suite deployed on anvil (tests/sdk/conftest.py)
with nothing else: no ape, no web3, no file of the checkout."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

import pytest

from medchain_dev.toolchain import PROJECT_ROOT

HERE = Path(__file__).resolve().parent


def _uv() -> str:
    found = PROJECT_ROOT / ".tools" / "bin" / "uv"
    if found.exists():
        return str(found)
    which = shutil.which("uv")
    if which is None:
        pytest.fail("uv not found: run `make setup`")
    return which


def _run(args: list[str], **kwargs) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "VIRTUAL_ENV", "UV_PROJECT"))}
    env["UV_PYTHON_DOWNLOADS"] = "never"
    result = subprocess.run(args, env=env, capture_output=True, text=True, timeout=600, **kwargs)
    assert result.returncode == 0, f"{' '.join(args)}\n{result.stdout}\n{result.stderr}"
    return result


@pytest.fixture(scope="module")
def installed():
    """(python of a fresh virtualenv with the wheel installed, the wheel's file names, the folder)."""
    with tempfile.TemporaryDirectory(prefix="medchain-wheel-") as tmp:
        root = Path(tmp)
        assert not root.resolve().is_relative_to(PROJECT_ROOT.resolve())
        # build from a copy of what the wheel is made of, so the checkout gets no build/ folder
        source = root / "source"
        shutil.copytree(PROJECT_ROOT / "medchain", source / "medchain", ignore=shutil.ignore_patterns("__pycache__"))
        for name in ("pyproject.toml", "README.md"):
            shutil.copy(PROJECT_ROOT / name, source / name)
        _run([_uv(), "build", "--wheel", "--out-dir", str(root / "dist"), str(source)])
        (wheel,) = (root / "dist").glob("medchain-*.whl")
        _run([_uv(), "venv", "--python", sys.executable, "-q", str(root / "venv")])
        python = root / "venv" / "bin" / "python"
        _run([_uv(), "pip", "install", "-q", "--python", str(python), str(wheel)])
        with zipfile.ZipFile(wheel) as archive:
            names = archive.namelist()
        yield python, names, root


def test_the_wheel_is_the_sdk_with_its_abis_and_no_development_code(installed):
    _python, names, _root = installed
    assert "medchain/py.typed" in names and "medchain/contracts/generated.py" in names
    assert {
        f"medchain/abi/{n}.json"
        for n in (
            "ConsortiumRegistry",
            "ConsentRegistry",
            "RecordAnchor",
            "ClaimSettlement",
            "DrugProvenance",
            "RecordExchange",
        )
    } <= set(names)
    assert not [n for n in names if n.startswith(("medchain_dev/", "tests/", "scripts/"))]


def test_the_installed_sdk_alone_drives_a_deployed_suite(installed, consortium):
    python, _names, root = installed
    op, manifest = consortium
    program = root / "drive_suite.py"
    shutil.copy(HERE / "drive_suite.py", program)
    result = _run(
        [
            str(python),
            str(program),
            op.node.url,
            str(manifest),
            op.keys["hospital"].key.hex(),
            op.keys["patient"].key.hex(),
        ],
        cwd=root,
    )
    seen = json.loads(result.stdout.splitlines()[-1])
    assert Path(seen["medchain"]).is_relative_to(root / "venv"), "the installed package, not the checkout's"
    assert seen["ape"] is False and seen["web3"] is False
    assert seen["revert"]["contract"] == "RecordAnchor" and seen["revert"]["function"] == "anchor"
    assert seen["events"] == ["ConsentGranted", "RecordAnchored"]


def test_a_part_that_needs_an_extra_says_which_to_install(installed):
    python, _names, root = installed
    result = subprocess.run(
        [str(python), "-c", "import medchain.provenance"], capture_output=True, text=True, cwd=root, timeout=60
    )
    assert result.returncode == 1
    assert result.stderr.strip().splitlines()[-1] == (
        "ImportError: biip is not installed: this part of medchain needs the [provenance] extra "
        "(pip install 'medchain[provenance]')"
    )
