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
from collections.abc import Callable
from typing import Any

from hydria.errors import TargetNotFoundError

__all__ = ["check_dotted_name", "dotted_name", "locate"]

#: Called after each step of the walk: (the path so far, its object, the parent, the part).
Visit = Callable[[str, Any, Any, str], None]


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


def _is_plain_identifier(part: str) -> bool:
    if not part.isidentifier():
        return False
    if part.isascii():
        return True
    import unicodedata  # only for non-ASCII names, which are rare

    # Python folds identifiers to NFKC when it parses source, import and getattr do not:
    # `ｏｓ` would name another module than the one a reader sees.
    return unicodedata.normalize("NFKC", part) == part


def check_dotted_name(path: object) -> str:
    """`path` if it is a dotted Python name (`pkg.mod.Class`), checked before any import.

    Raises:
        TargetNotFoundError: `path` is not a string, is empty or relative, or a part of it
            is not a Python identifier (spaces, NUL bytes, `..`, `:`, look-alike Unicode).
    """
    if not isinstance(path, str):
        raise TargetNotFoundError(f"{path!r} is a {type(path).__name__}, not a dotted name")
    if not path:
        raise TargetNotFoundError("an empty path names no object")
    for part in path.split("."):
        if not part:
            raise TargetNotFoundError(
                f"{path!r} is not a valid dotted path (empty part); relative paths are not "
                "supported"
            )
        if not _is_plain_identifier(part):
            raise TargetNotFoundError(
                f"{path!r} is not a dotted Python name: {part!r} is not an identifier "
                "(letters, digits and underscores, in NFKC form); nothing was imported"
            )
    return path


def locate(path: str, visit: Visit | None = None) -> Any:
    """The object at `path`: a module attribute, a nested attribute, or a module.

    Args:
        path: a dotted name (`check_dotted_name`).
        visit: called after each step with the path so far, its object, the parent
            object (None for the first module) and the last part; it may raise to stop
            the walk before the next import (the target policy does).

    Raises:
        TargetNotFoundError: `path` is not a dotted name, its first module is not
            installed, a submodule or attribute does not exist (the message names the
            longest importable prefix and close matches), or a module raised while
            importing (chained).
    """
    parts = check_dotted_name(path).split(".")
    try:
        obj: Any = _import(parts[0], path)
    except ModuleNotFoundError as exc:
        raise TargetNotFoundError(
            f"'{path}': no module named '{parts[0]}' is installed."
            + _suggest(parts[0], _top_level_modules())
        ) from exc
    if visit is not None:
        visit(parts[0], obj, None, parts[0])
    for index in range(1, len(parts)):
        part, prefix = parts[index], ".".join(parts[:index])
        parent = obj
        try:
            obj = getattr(obj, part)
        except AttributeError as exc:
            missing = exc
        else:
            if visit is not None:
                visit(f"{prefix}.{part}", obj, parent, part)
            continue
        if isinstance(obj, types.ModuleType):
            module = f"{prefix}.{part}"
            try:
                obj = _import(module, path)
            except ModuleNotFoundError as exc:
                raise TargetNotFoundError(
                    f"'{path}': module '{prefix}' has no attribute or submodule '{part}' "
                    f"('{prefix}' is the longest prefix that imports)."
                    + _suggest(part, _names_in(obj))
                ) from exc
            if visit is not None:
                visit(module, obj, parent, part)
            continue
        raise TargetNotFoundError(
            f"'{path}': {type(obj).__name__} '{prefix}' has no attribute '{part}'."
            + _suggest(part, _names_in(obj))
        ) from missing
    return obj
