"""The defaults list: which configs a composition merges, in which order, at which package."""

from hydria.defaults.memo import DefaultsMemo as DefaultsMemo
from hydria.defaults.model import ConfigDefault as ConfigDefault
from hydria.defaults.model import DefaultsList as DefaultsList
from hydria.defaults.model import GroupDefault as GroupDefault
from hydria.defaults.model import ResultDefault as ResultDefault
from hydria.defaults.parse import split_body as split_body
from hydria.defaults.resolver import EMPTY_PRIMARY as EMPTY_PRIMARY
from hydria.defaults.resolver import resolve_defaults as resolve_defaults

__all__ = [
    "EMPTY_PRIMARY",
    "ConfigDefault",
    "DefaultsList",
    "DefaultsMemo",
    "GroupDefault",
    "ResultDefault",
    "resolve_defaults",
    "split_body",
]
