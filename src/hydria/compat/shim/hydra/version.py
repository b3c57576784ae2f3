"""`hydra.version`: the `version_base` in effect, served by hydria."""

from hydria.compat_version import __compat_version__ as __compat_version__
from hydria.compat_version import __version__ as __version__
from hydria.compat_version import base_at_least as base_at_least
from hydria.compat_version import getbase as getbase
from hydria.compat_version import setbase as setbase

__all__ = ["__compat_version__", "__version__", "base_at_least", "getbase", "setbase"]
