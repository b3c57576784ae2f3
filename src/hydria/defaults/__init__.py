"""The defaults list: which configs a composition merges, in which order, at which package."""

from typing import TYPE_CHECKING

from hydria.lazy_exports import lazy_exports

if TYPE_CHECKING:
    from hydria.defaults.memo import DefaultsMemo as DefaultsMemo
    from hydria.defaults.model import ConfigDefault as ConfigDefault
    from hydria.defaults.model import DefaultsList as DefaultsList
    from hydria.defaults.model import DefaultsTreeNode as DefaultsTreeNode
    from hydria.defaults.model import GroupDefault as GroupDefault
    from hydria.defaults.model import ResultDefault as ResultDefault
    from hydria.defaults.parse import split_body as split_body
    from hydria.defaults.resolver import resolve_defaults as resolve_defaults
    from hydria.defaults.tree import EMPTY_PRIMARY as EMPTY_PRIMARY

__all__ = [
    "EMPTY_PRIMARY",
    "ConfigDefault",
    "DefaultsList",
    "DefaultsMemo",
    "DefaultsTreeNode",
    "GroupDefault",
    "ResultDefault",
    "resolve_defaults",
    "split_body",
]


# Where each name lives: a name loads its own module on first use, so importing one
# piece of this package does not import the others (see `hydria.lazy_exports`).
_HOMES = {
    "ConfigDefault": "hydria.defaults.model",
    "DefaultsList": "hydria.defaults.model",
    "DefaultsMemo": "hydria.defaults.memo",
    "DefaultsTreeNode": "hydria.defaults.model",
    "EMPTY_PRIMARY": "hydria.defaults.tree",
    "GroupDefault": "hydria.defaults.model",
    "ResultDefault": "hydria.defaults.model",
    "resolve_defaults": "hydria.defaults.resolver",
    "split_body": "hydria.defaults.parse",
}

__getattr__ = lazy_exports(globals(), _HOMES)
