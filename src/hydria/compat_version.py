"""Hydra's `hydra.version` functions (a compatibility facade): `base_at_least`, `getbase`,
`setbase`, and the versions Hydra exposes there.

They answer from the version_base that `main` or `initialize*` was last given in this
process, as Hydra's do; hydria's own composition never reads it (it is passed along as a
value, see `hydria.version_base`, where the real code is).
"""

from typing import Any

from hydria.version_base import COMPAT_VERSION
from hydria.version_base import base_at_least as base_at_least
from hydria.version_base import getbase as getbase
from hydria.version_base import setbase as setbase

__all__ = ["__compat_version__", "__version__", "base_at_least", "getbase", "setbase"]

__version__ = "1.3.2"
"""The Hydra release whose behaviour hydria reproduces (what `hydra.__version__` says)."""


def _as_version(text: str) -> Any:
    # Hydra's attribute is a packaging Version; a plain string without packaging installed
    try:
        from packaging.version import Version
    except ImportError:
        return text
    return Version(text)


__compat_version__: Any = _as_version(COMPAT_VERSION)
"""What an omitted `version_base` means ("1.1")."""
