"""The virtualenv start-up hook: `ape ...` run outside make still uses the project's solc and anvil."""

from __future__ import annotations

import os
import subprocess
import sys

from medchain_dev.toolchain import NODE_BIN_DIR, PTH_NAME, SOLC_BIN_DIR, environment, pth_line

PROBE = "import os, shutil; print(os.environ.get('SOLCX_BINARY_PATH')); print(shutil.which('anvil'))"


def _clean_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "SOLCX_BINARY_PATH"}
    env["PATH"] = os.pathsep.join(p for p in env.get("PATH", "").split(os.pathsep) if p != str(NODE_BIN_DIR))
    return env


def test_the_virtualenv_hook_is_installed():
    purelib = subprocess.run(
        [sys.executable, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    hook = os.path.join(purelib, PTH_NAME)
    assert open(hook, encoding="utf-8").read() == pth_line()


def test_a_fresh_interpreter_gets_the_toolchain_environment():
    env = _clean_env()
    env["SOLCX_BINARY_PATH"] = "/somewhere/else"  # another project's setting must not win
    out = subprocess.run([sys.executable, "-c", PROBE], env=env, capture_output=True, text=True, check=True)
    solcx_path, anvil = out.stdout.splitlines()
    assert solcx_path == str(SOLC_BIN_DIR)
    assert anvil == str(NODE_BIN_DIR / "anvil")


def test_environment_adds_node_bin_once():
    env = environment({"PATH": "/usr/bin"})
    assert env["PATH"].split(os.pathsep) == [str(NODE_BIN_DIR), "/usr/bin"]
    assert environment(env)["PATH"] == env["PATH"]


def test_ape_run_scripts_import_the_development_side_from_any_folder(tmp_path):
    # ape runs scripts with its own sys.path: the hook puts the checkout on it, so medchain_dev imports.
    out = subprocess.run(
        [sys.executable, "-c", "import medchain_dev.toolchain as t; print(t.PROJECT_ROOT)"],
        env=_clean_env(),
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=True,
    )
    assert out.stdout.strip() == str(SOLC_BIN_DIR.parent.parent)
