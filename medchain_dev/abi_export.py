"""Write the suite's ABIs from ape's build into the package (``medchain/abi/<Name>.json``).

``python -m medchain_dev.abi_export`` writes them (``make compile`` runs it); ``--check`` exits 1
when a shipped ABI differs from the build's, naming it.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from medchain.abi import SUITE_CONTRACTS

from .toolchain import PROJECT_ROOT

BUILD_MANIFEST = PROJECT_ROOT / ".build" / "__local__.json"
ABI_DIR = PROJECT_ROOT / "medchain" / "abi"


def rendered(build: Path = BUILD_MANIFEST) -> dict[str, str]:
    """Each suite contract's ABI as the text shipped for it."""
    types = json.loads(build.read_text(encoding="utf-8"))["contractTypes"]
    return {name: json.dumps(types[name]["abi"], indent=1, sort_keys=True) + "\n" for name in SUITE_CONTRACTS}


def stale(build: Path = BUILD_MANIFEST, target: Path = ABI_DIR) -> list[str]:
    """The contracts whose shipped ABI is missing or differs from the build's."""
    path = target
    return [
        name
        for name, text in rendered(build).items()
        if not (path / f"{name}.json").exists() or (path / f"{name}.json").read_text(encoding="utf-8") != text
    ]


def main(argv: list[str]) -> int:
    if "--check" in argv:
        out = stale()
        for name in out:
            print(f"medchain/abi/{name}.json differs from the build: run `make compile` and commit it")
        return 1 if out else 0
    for name, text in rendered().items():
        (ABI_DIR / f"{name}.json").write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
