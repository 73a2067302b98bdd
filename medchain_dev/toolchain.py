"""Where the project's offline toolchain lives, and the environment that makes ape use it.

solc comes from npm (solc-js) through ``toolchain/solc.js``; py-solc-x finds it as
``toolchain/bin/solc-v<version>`` when ``SOLCX_BINARY_PATH`` names that folder. anvil comes from npm
too (``node_modules/.bin``), where ape-foundry looks for it on ``PATH``.

``make setup`` writes a start-up hook (a ``.pth`` file) into the project's virtualenv so that every
Python process of that virtualenv -- ``ape compile``, ``ape test``, ``ape run``, pytest -- gets this
environment without anyone having to export it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sysconfig
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
SOLC_BIN_DIR = PROJECT_ROOT / "toolchain" / "bin"
LAUNCHER = PROJECT_ROOT / "toolchain" / "solc.js"
NODE_BIN_DIR = PROJECT_ROOT / "node_modules" / ".bin"
PTH_NAME = "_medchain_toolchain.pth"


def environment(base: dict[str, str] | None = None) -> dict[str, str]:
    """Return ``base`` (default: ``os.environ``) with the project toolchain added.

    ``SOLCX_BINARY_PATH`` is set outright: a value left over for another project would make
    ape-solidity try to download solc. ``node_modules/.bin`` goes first on ``PATH`` once.
    """
    env = dict(os.environ if base is None else base)
    env["SOLCX_BINARY_PATH"] = str(SOLC_BIN_DIR)
    path = env.get("PATH", "").split(os.pathsep)
    if str(NODE_BIN_DIR) not in path:
        env["PATH"] = os.pathsep.join([str(NODE_BIN_DIR), *filter(None, path)])
    return env


def activate() -> None:
    """Apply :func:`environment` to this process (idempotent)."""
    os.environ.update(environment())


def pth_line() -> str:
    """The start-up hook (a ``.pth`` line runs when it starts with ``import``). The first line sets the
    toolchain's environment; the second puts the checkout on ``sys.path``, so that ``medchain_dev`` (the
    repository's development side, never in the wheel) imports in ``ape run`` scripts as in the tests.

    It is self-contained (absolute paths, no import of medchain), so it works whatever order
    site-packages processes ``.pth`` files in.
    """
    node_bin = str(NODE_BIN_DIR)
    checkout = str(PROJECT_ROOT) + os.sep
    return (
        "import os; "
        f"os.environ['SOLCX_BINARY_PATH'] = {str(SOLC_BIN_DIR)!r}; "
        f"os.environ['PATH'] = os.environ.get('PATH', '') if {node_bin!r} in "
        f"os.environ.get('PATH', '').split(os.pathsep) else {node_bin!r} + os.pathsep + os.environ.get('PATH', '')"
        "\n"
        # With a trailing separator: `ape run` takes the project root off sys.path after loading the scripts
        # (it removes the exact string it added), and this entry must stay for the commands that run then.
        f"import sys; sys.path.append({checkout!r}) if {checkout!r} not in sys.path else None\n"
    )


def install_hook(site_packages: Path | None = None) -> Path:
    """Write the start-up hook into ``site_packages`` (default: this interpreter's) and return its path."""
    target = Path(site_packages or sysconfig.get_paths()["purelib"]) / PTH_NAME
    target.write_text(pth_line(), encoding="utf-8")
    return target


def pinned_solc_version() -> str:
    """The solc version pinned in package.json (e.g. ``"0.8.34"``)."""
    package = json.loads((PROJECT_ROOT / "package.json").read_text(encoding="utf-8"))
    return package["dependencies"]["solc"]


def solc_executable(version: str | None = None) -> Path:
    """The launcher under the name py-solc-x looks for."""
    return SOLC_BIN_DIR / f"solc-v{version or pinned_solc_version()}"


def solc_version_line(version: str | None = None) -> str:
    """The ``Version: ...`` line the launcher prints (runs node)."""
    out = subprocess.run(
        [str(solc_executable(version)), "--version"], capture_output=True, text=True, check=True
    ).stdout
    return next(line for line in out.splitlines() if line.startswith("Version: "))


if __name__ == "__main__":  # `python -m medchain_dev.toolchain` installs the hook (used by make setup)
    print(f"wrote {install_hook()}")
