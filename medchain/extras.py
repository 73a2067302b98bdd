"""The optional parts of medchain and the extra that installs each (``pip install 'medchain[<extra>]'``).

A module that needs an extra imports its packages through :func:`missing_extra`, so that without them
the error is one line saying what to install rather than a bare ``No module named ...``.
"""

from __future__ import annotations


def missing_extra(extra: str, err: ImportError) -> ImportError:
    """The ImportError to raise when ``err`` (a failed import) means the extra ``extra`` is not installed."""
    missing = err.name or str(err)
    return ImportError(
        f"{missing} is not installed: this part of medchain needs the [{extra}] extra "
        f"(pip install 'medchain[{extra}]')",
        name=err.name,
    )
