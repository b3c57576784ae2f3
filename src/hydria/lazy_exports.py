"""Package front doors whose names load their own module on first use (PEP 562).

A package `__init__` re-exports the few names the next stage needs. Imported eagerly,
every name drags in its module, so reaching one piece of a stage (the context of a job,
the parser of overrides) would pay for the whole stage at start-up. Standard library
only: every layer may use it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, MutableMapping
from importlib import import_module
from typing import Any

__all__ = ["lazy_exports"]


def lazy_exports(
    namespace: MutableMapping[str, Any], homes: Mapping[str, str]
) -> Callable[[str], Any]:
    """A module `__getattr__` that imports `homes[name]` when `name` is first read.

    Args:
        namespace: the package's `globals()`; each loaded name is stored there, so the
            next read is a plain attribute read.
        homes: public name -> the module that defines it.

    Returns:
        The function to bind as the package's `__getattr__`.
    """
    package = namespace["__name__"]

    def __getattr__(name: str) -> Any:
        home = homes.get(name)
        if home is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(import_module(home), name)
        namespace[name] = value
        return value

    return __getattr__
