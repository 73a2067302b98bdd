"""The package's version: pyproject.toml's ``version`` (the one place it is written), as installed."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("medchain")
except PackageNotFoundError:  # imported from a source tree that was never installed
    __version__ = "0+unknown"
