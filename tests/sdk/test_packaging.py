"""The package's shape: the generated classes are what the generator writes from the shipped ABIs,
every public name resolves, ``import medchain`` imports nothing else, and every package the wheel's
code imports is declared (deptry)."""

from __future__ import annotations

import subprocess
import sys

import pytest

import medchain
from medchain.contracts import generated
from medchain_dev import sdk_codegen
from medchain_dev.toolchain import PROJECT_ROOT


def test_the_generated_classes_are_what_the_generator_writes_from_the_shipped_abis():
    assert sdk_codegen.TARGET.read_text(encoding="utf-8") == sdk_codegen.render(), (
        "run `python -m medchain_dev.sdk_codegen` (or `make abi`) and commit medchain/contracts/generated.py"
    )


def test_every_exported_name_resolves_and_the_classes_are_all_exported():
    import medchain.contracts as contracts

    for module in (medchain, contracts):
        for name in module.__all__:
            assert getattr(module, name) is not None, f"{module.__name__}.{name}"
    assert set(generated.__all__) <= set(contracts.__all__)


def test_importing_medchain_imports_nothing_else():
    code = "import sys, medchain; print(sorted({m.split('.')[0] for m in sys.modules}))"
    loaded = eval(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout)
    assert not {"eth_abi", "eth_utils", "eth_account", "msgspec", "web3", "ape"} & set(loaded)


def test_every_package_the_wheel_imports_is_declared():
    result = subprocess.run(
        [sys.executable, "-m", "deptry", "medchain"], cwd=PROJECT_ROOT, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_generator_refuses_what_it_cannot_write_unambiguously():
    writer = sdk_codegen._Writer()
    fn = {"type": "function", "name": "f", "inputs": [], "outputs": [], "stateMutability": "view"}
    with pytest.raises(sdk_codegen.CodegenError, match="X: overloaded functions are not supported"):
        writer.contract("X", [fn, dict(fn, inputs=[{"name": "a", "type": "uint256"}])])
    event = {"type": "event", "name": "E", "inputs": [{"name": "address", "type": "address", "indexed": False}]}
    with pytest.raises(sdk_codegen.CodegenError, match="X.E: field 'address' would hide the log's own address"):
        writer.contract("X", [event])
    with pytest.raises(sdk_codegen.CodegenError, match="no Python type for ABI type 'fixed128x18'"):
        writer.contract("X", [dict(fn, inputs=[{"name": "a", "type": "fixed128x18"}])])


def test_python_keywords_in_the_abi_get_a_trailing_underscore():
    writer = sdk_codegen._Writer()
    fn = {
        "type": "function",
        "name": "move",
        "inputs": [{"name": "from", "type": "address"}],
        "outputs": [],
        "stateMutability": "nonpayable",
    }
    text = "\n".join(writer.contract("X", [fn]))
    assert "def move(self, from_: str, *, tx: TxOptions | None = None) -> Receipt:" in text
    assert 'return self._transact("move", (from_,), tx)' in text


def test_the_docstrings_are_the_contracts_natspec(tmp_path):
    docs = sdk_codegen.natspec("RecordAnchor")
    notice, details = docs["anchor(bytes32)"]
    text = " ".join(generated.RecordAnchor.anchor.__doc__.split())
    assert text.startswith(f"{notice} {details}") and text.endswith(
        "``anchor(bytes32)``: a transaction, signed and sent; its mined receipt."
    )
    with pytest.raises(sdk_codegen.CodegenError, match="no build at .*: run `make compile`"):
        sdk_codegen.natspec("RecordAnchor", build=tmp_path / "missing.json")


def test_the_version_is_written_once_in_pyproject_and_the_package_reports_it():
    import re
    import tomllib

    written = tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text())["project"]["version"]
    assert medchain.__version__ == written
    elsewhere = [
        p
        for p in [*(PROJECT_ROOT / "medchain").rglob("*.py"), PROJECT_ROOT / "package.json"]
        if re.search(rf"""["']{re.escape(written)}["']""", p.read_text())
    ]
    assert elsewhere == []
