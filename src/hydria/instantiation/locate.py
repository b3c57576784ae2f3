"""Find the object a dotted path names (`torch.optim.Adam`), or say precisely why not.

Hydra's `_locate` semantics: import the first part, then walk attributes, importing
a submodule whenever an attribute of a module is missing. The errors add what a
user needs to fix a typo: the longest prefix that did import, and the closest
names that exist there.
"""

from __future__ import annotations

import difflib
import importlib
import pkgutil
import types
from typing import Any

from hydria.errors import TargetNotFoundError

__all__ = ["dotted_name", "locate"]


def dotted_name(obj: Any) -> str:
    """`module.qualname` of a class or function (what a `_target_` string would say)."""
    module = getattr(obj, "__module__", None)
    qualname = getattr(obj, "__qualname__", None) or getattr(obj, "__name__", None)
    if module and qualname:
        return f"{module}.{qualname}"
    return repr(obj)


def _suggest(word: str, candidates: list[str]) -> str:
    public = {c for c in candidates if word.startswith("_") or not c.startswith("_")}
    close = difflib.get_close_matches(word, sorted(public), n=3, cutoff=0.8)
    if not close:
        return ""
    return " Did you mean " + " or ".join(repr(c) for c in close) + "?"


def _names_in(obj: Any) -> list[str]:
    names = [n for n in dir(obj) if not n.startswith("__")]
    if isinstance(obj, types.ModuleType) and hasattr(obj, "__path__"):
        names += [m.name for m in pkgutil.iter_modules(obj.__path__)]
    return names


def _top_level_modules() -> list[str]:
    return [m.name for m in pkgutil.iter_modules()]


def _import(module: str, path: str) -> types.ModuleType:
    """Import `module`; a failure inside the module's own code is chained, not hidden."""
    try:
        return importlib.import_module(module)
    except ModuleNotFoundError as exc:
        if exc.name != module:  # the module exists but imports something missing
            raise TargetNotFoundError(
                f"'{path}': importing module '{module}' failed: {type(exc).__name__}: {exc}"
            ) from exc
        raise
    except Exception as exc:
        raise TargetNotFoundError(
            f"'{path}': importing module '{module}' failed: {type(exc).__name__}: {exc}"
        ) from exc


def locate(path: str) -> Any:
    """The object at `path`: a module attribute, a nested attribute, or a module.

    Raises:
        TargetNotFoundError: `path` is empty or relative, its first module is not
            installed, a submodule or attribute does not exist (the message names the
            longest importable prefix and close matches), or a module raised while
            importing (chained).
    """
    if not path:
        raise TargetNotFoundError("an empty path names no object")
    parts = path.split(".")
    if any(not part for part in parts):
        raise TargetNotFoundError(
            f"'{path}' is not a valid dotted path (empty part); relative paths are not supported"
        )
    try:
        obj: Any = _import(parts[0], path)
    except ModuleNotFoundError as exc:
        raise TargetNotFoundError(
            f"'{path}': no module named '{parts[0]}' is installed."
            + _suggest(parts[0], _top_level_modules())
        ) from exc
    for index in range(1, len(parts)):
        part, prefix = parts[index], ".".join(parts[:index])
        try:
            obj = getattr(obj, part)
            continue
        except AttributeError as exc:
            missing = exc
        if isinstance(obj, types.ModuleType):
            module = f"{prefix}.{part}"
            try:
                obj = _import(module, path)
                continue
            except ModuleNotFoundError as exc:
                raise TargetNotFoundError(
                    f"'{path}': module '{prefix}' has no attribute or submodule '{part}' "
                    f"('{prefix}' is the longest prefix that imports)."
                    + _suggest(part, _names_in(obj))
                ) from exc
        raise TargetNotFoundError(
            f"'{path}': {type(obj).__name__} '{prefix}' has no attribute '{part}'."
            + _suggest(part, _names_in(obj))
        ) from missing
    return obj
