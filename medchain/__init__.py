"""medchain: client logic for the medchain consortium contracts.

Scripts (``scripts/``) and tests (``tests/``) share everything here. Import submodules directly
(``medchain.access``, ``medchain.deployment``); this top-level module stays light because the
virtualenv's start-up hook imports nothing from it.
"""

__version__ = "0.1.0"
