"""JSON files the tools read and write (manifests, receipts, signed messages, records, salt stores).

Reads raise the caller's error type with a message naming the file (and line and column for bad
JSON); writes are atomic (temp file + rename), so a crash never leaves half a file.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any


def load_json(path: Path | str, error: type[Exception], missing: str = "no such file") -> Any:
    """Parse the JSON file at ``path``; problems raise ``error`` naming the file."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise error(f"{path}: {missing}") from None
    except UnicodeDecodeError:
        raise error(f"{path}: not UTF-8 text") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as err:
        raise error(f"{path}: not JSON (line {err.lineno} column {err.colno}: {err.msg})") from None


def write_json_atomic(path: Path | str, data: Any) -> None:
    """Write ``data`` as indented JSON to ``path`` via a temporary file and an atomic rename."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(data, fh, indent=2)
            fh.write("\n")
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
