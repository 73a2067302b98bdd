"""toolchain/solc.js: the solc-compatible launcher over solc-js that py-solc-x, ape and slither use."""

from __future__ import annotations

import json
import os
import re
import subprocess
from pathlib import Path

import pytest
import solcx
from packaging.version import Version
from solcx.exceptions import UnknownOption

from medchain_dev.toolchain import LAUNCHER, PROJECT_ROOT, SOLC_BIN_DIR, pinned_solc_version, solc_executable

SOLC = solc_executable()
VERSION = pinned_solc_version()

TOKEN_SOURCE = """// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;
import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
contract Token is ERC20, AccessControl {
    constructor() ERC20("Test", "TST") { _grantRole(DEFAULT_ADMIN_ROLE, msg.sender); }
}
"""

BROKEN_SOURCE = """// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

contract Broken {
    function f() external pure returns (uint256) { return "not a number"; }
}
"""


def run(args, stdin: str | None = None, cwd: Path | None = None, exe: Path = SOLC) -> subprocess.CompletedProcess:
    return subprocess.run([str(exe), *args], input=stdin, capture_output=True, text=True, cwd=cwd, timeout=120)


def standard_input(sources: dict[str, str], outputs=("abi", "evm.bytecode.object")) -> str:
    return json.dumps(
        {
            "language": "Solidity",
            "sources": {name: {"content": text} for name, text in sources.items()},
            "settings": {"evmVersion": "cancun", "outputSelection": {"*": {"*": list(outputs), "": ["ast"]}}},
        }
    )


# ---------------------------------------------------------------------------------------------
# Version


def test_version_line():
    result = run(["--version"])
    assert result.returncode == 0
    assert re.search(rf"^Version: {re.escape(VERSION)}\+commit\.[0-9a-f]{{8}}", result.stdout, re.M), result.stdout


def test_py_solc_x_finds_and_reads_the_launcher():
    assert os.environ["SOLCX_BINARY_PATH"] == str(SOLC_BIN_DIR)
    assert Version(VERSION) in solcx.get_installed_solc_versions()
    assert solcx.install.get_executable(VERSION) == SOLC
    assert solcx.wrapper.get_solc_version(SOLC) == Version(VERSION)


def test_launcher_name_matches_the_pinned_compiler():
    """toolchain/bin holds exactly one solc-v<version>, the one package.json pins, linked to the launcher."""
    names = sorted(p.name for p in SOLC_BIN_DIR.iterdir())
    assert names == [f"solc-v{VERSION}"]
    assert SOLC.resolve() == LAUNCHER.resolve()


# ---------------------------------------------------------------------------------------------
# --standard-json


def test_compiles_openzeppelin_import_with_output_over_64_kib():
    result = run(["--standard-json"], stdin=standard_input({"Token.sol": TOKEN_SOURCE}, outputs=["*"]))
    assert result.returncode == 0, result.stderr
    assert len(result.stdout.encode()) > 64 * 1024 * 4, "the whole output, not a 64 KiB pipe buffer"
    output = json.loads(result.stdout)  # parses: nothing was cut off
    assert not [e for e in output.get("errors", []) if e["severity"] == "error"]
    token = output["contracts"]["Token.sol"]["Token"]
    assert len(token["evm"]["bytecode"]["object"]) > 1000
    assert "@openzeppelin/contracts/token/ERC20/ERC20.sol" in output["sources"]


def test_compile_standard_through_py_solc_x():
    output = solcx.compile_standard(
        json.loads(standard_input({"Token.sol": TOKEN_SOURCE})), solc_version=VERSION, allow_paths=str(PROJECT_ROOT)
    )
    assert output["contracts"]["Token.sol"]["Token"]["evm"]["bytecode"]["object"]


def test_compile_error_names_the_file_and_line():
    result = run(["--standard-json"], stdin=standard_input({"contracts/Broken.sol": BROKEN_SOURCE}))
    assert result.returncode == 0, "like native solc, compile errors are reported inside the JSON"
    errors = [e for e in json.loads(result.stdout)["errors"] if e["severity"] == "error"]
    assert len(errors) == 1
    assert errors[0]["type"] == "TypeError"
    assert errors[0]["sourceLocation"]["file"] == "contracts/Broken.sol"
    assert "contracts/Broken.sol:5:" in errors[0]["formattedMessage"]


def test_reads_the_input_from_a_file_argument(tmp_path):
    path = tmp_path / "input.json"
    path.write_text(
        standard_input({"A.sol": "// SPDX-License-Identifier: MIT\npragma solidity ^0.8.0;\ncontract A {}\n"})
    )
    result = run(["--standard-json", str(path)])
    assert result.returncode == 0
    assert "A" in json.loads(result.stdout)["contracts"]["A.sol"]


def test_invalid_json_input_gets_a_json_error():
    result = run(["--standard-json"], stdin="{not json")
    assert result.returncode == 0
    (error,) = json.loads(result.stdout)["errors"]
    assert error["type"] == "JSONError" and "not valid JSON" in error["message"]


# ---------------------------------------------------------------------------------------------
# Import resolution


def _project_with_imports(tmp_path: Path) -> Path:
    (tmp_path / "src").mkdir()
    (tmp_path / "lib" / "shared").mkdir(parents=True)
    (tmp_path / "lib" / "shared" / "Lib.sol").write_text(
        "// SPDX-License-Identifier: MIT\npragma solidity ^0.8.0;\nlibrary Lib { function one() internal pure returns (uint256) { return 1; } }\n"
    )
    (tmp_path / "src" / "Base.sol").write_text(
        "// SPDX-License-Identifier: MIT\npragma solidity ^0.8.0;\ncontract Base {}\n"
    )
    return tmp_path


def test_resolves_imports_under_base_and_include_paths(tmp_path):
    root = _project_with_imports(tmp_path)
    main = (
        '// SPDX-License-Identifier: MIT\npragma solidity ^0.8.0;\nimport {Base} from "./Base.sol";\n'
        'import {Lib} from "shared/Lib.sol";\ncontract Main is Base { function f() external pure returns (uint256) '
        "{ return Lib.one(); } }\n"
    )
    result = run(
        ["--standard-json", "--base-path", str(root), "--include-path", str(root / "lib")],
        stdin=standard_input({"src/Main.sol": main}),
    )
    output = json.loads(result.stdout)
    assert not output.get("errors"), output.get("errors")
    assert set(output["sources"]) == {"src/Main.sol", "src/Base.sol", "shared/Lib.sol"}


def test_missing_import_is_reported_by_name(tmp_path):
    source = '// SPDX-License-Identifier: MIT\npragma solidity ^0.8.0;\nimport "missing/Nope.sol";\ncontract C {}\n'
    result = run(["--standard-json", "--base-path", str(tmp_path)], stdin=standard_input({"C.sol": source}))
    (error,) = json.loads(result.stdout)["errors"]
    assert error["severity"] == "error"
    assert "missing/Nope.sol" in error["message"]


def test_refuses_files_outside_the_allowed_directories(tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    secret = outside / "Secret.sol"
    secret.write_text("// SPDX-License-Identifier: MIT\npragma solidity ^0.8.0;\ncontract Secret {}\n")
    base = tmp_path / "base"
    base.mkdir()
    source = f'// SPDX-License-Identifier: MIT\npragma solidity ^0.8.0;\nimport "{secret}";\ncontract C {{}}\n'

    refused = run(["--standard-json", "--base-path", str(base)], stdin=standard_input({"C.sol": source}))
    (error,) = json.loads(refused.stdout)["errors"]
    assert "outside of allowed directories" in error["message"]

    allowed = run(
        ["--standard-json", "--base-path", str(base), "--allow-paths", str(outside)],
        stdin=standard_input({"C.sol": source}),
    )
    assert not json.loads(allowed.stdout).get("errors")


# ---------------------------------------------------------------------------------------------
# --combined-json (slither / crytic-compile)


def test_combined_json_output(tmp_path):
    (tmp_path / "Token.sol").write_text(TOKEN_SOURCE)
    result = run(
        [
            "--combined-json",
            "abi,bin,bin-runtime,srcmap,srcmap-runtime,hashes,userdoc,devdoc,ast",
            "--allow-paths",
            ".",
            "--evm-version",
            "cancun",
            "Token.sol",
        ],
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    output = json.loads(result.stdout)
    token = output["contracts"]["Token.sol:Token"]
    assert token["bin"] and token["bin-runtime"]
    assert token["hashes"]["transfer(address,uint256)"] == "a9059cbb"
    assert any(item.get("name") == "transfer" for item in token["abi"])
    assert output["sourceList"][0] == "Token.sol" or "Token.sol" in output["sourceList"]
    assert output["sources"]["Token.sol"]["AST"]["nodeType"] == "SourceUnit"
    assert output["version"].startswith(VERSION)


def test_combined_json_applies_remappings(tmp_path):
    vendor = tmp_path / "vendor" / "oz"
    vendor.mkdir(parents=True)
    (vendor / "Thing.sol").write_text("// SPDX-License-Identifier: MIT\npragma solidity ^0.8.0;\ncontract Thing {}\n")
    (tmp_path / "C.sol").write_text(
        '// SPDX-License-Identifier: MIT\npragma solidity ^0.8.0;\nimport "@oz/Thing.sol";\ncontract C is Thing {}\n'
    )
    result = run(["--combined-json", "abi", "C.sol", "@oz/=vendor/oz/"], cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "vendor/oz/Thing.sol:Thing" in json.loads(result.stdout)["contracts"]


def test_combined_json_compile_error_exits_non_zero_with_file_and_line(tmp_path):
    (tmp_path / "Broken.sol").write_text(BROKEN_SOURCE)
    result = run(["--combined-json", "abi,bin", "Broken.sol"], cwd=tmp_path)
    assert result.returncode != 0
    assert "Broken.sol:5:" in result.stderr
    assert result.stdout == ""


# ---------------------------------------------------------------------------------------------
# Bad invocations


@pytest.mark.parametrize(
    "args, message",
    [
        ([], "nothing to do"),
        (["--bogus"], "unrecognised option '--bogus'"),
        (["--version", "--standard-json"], "choose one of"),
        (["--combined-json", "abi,nonsense", "x.sol"], "Invalid option to --combined-json: nonsense"),
        (["--combined-json", "abi"], "needs at least one source file"),
        (["--combined-json", "abi", "does-not-exist.sol"], '"does-not-exist.sol" is not found'),
        (["--base-path"], "option '--base-path' needs a value"),
    ],
)
def test_bad_invocation_exits_non_zero_with_a_message(args, message, tmp_path):
    result = run(args, cwd=tmp_path)
    assert result.returncode != 0
    assert message in result.stderr


def test_py_solc_x_maps_unknown_options():
    with pytest.raises(UnknownOption, match="bogus"):
        solcx.wrapper.solc_wrapper(solc_binary=SOLC, bogus=True)


def test_a_version_not_installed_is_refused_with_advice(tmp_path):
    alias = tmp_path / "solc-v0.8.19"
    alias.symlink_to(LAUNCHER)
    result = run(["--version"], exe=alias)
    assert result.returncode != 0
    assert "solc 0.8.19 is not installed" in result.stderr
    assert '"solc-0.8.19": "npm:solc@0.8.19"' in result.stderr
