"""Names a package exports but imports only on first use (PEP 562), so that importing the package stays
cheap: the command-line scripts and the virtualenv's start-up hook import ``medchain`` on every run."""

from __future__ import annotations

from collections.abc import Callable, Mapping, MutableMapping
from importlib import import_module
from typing import Any


def lazy_exports(
    namespace: MutableMapping[str, Any], where: Mapping[str, str], extra: tuple[str, ...] = ()
) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """The ``__getattr__`` and ``__dir__`` of a package whose ``globals()`` is ``namespace``: ``where``
    maps each exported name to the submodule (relative, e.g. ``"chain.rpc"``) that defines it. A name is
    imported on first use and then kept in ``namespace``; ``extra`` are names ``__dir__`` also lists."""
    package = namespace["__name__"]

    def __getattr__(name: str) -> Any:
        try:
            module = where[name]
        except KeyError:
            raise AttributeError(f"module {package!r} has no attribute {name!r}") from None
        value = getattr(import_module(f".{module}", package), name)
        namespace[name] = value
        return value

    def __dir__() -> list[str]:
        return [*sorted(where), *extra]

    return __getattr__, __dir__
