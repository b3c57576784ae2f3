"""Search path plugins: installed `hydra_plugins` packages that add config sources.

Hydra plugin packages such as hydra-colorlog ship a `SearchPathPlugin` subclass in a
module of the `hydra_plugins` namespace package; Hydra imports every such module at
start-up and lets each plugin edit the search path before the ConfigStore entry is
added. hydria does the same, through `ConfigSearchPath` (Hydra's editing API), for
plugins written against hydra-core's base class or hydria's.

Discovery imports third-party modules, so its result is kept for the process, keyed by
the `hydra_plugins` directories and their modification times: a package installed or
removed since shows up in the next search path. With no `hydra_plugins` package on
`sys.path`, `search_path.apply_search_path_plugins` does not import this module at all.
"""

from __future__ import annotations

import importlib
import importlib.util
import os
import sys
import threading
import warnings
from abc import ABC, abstractmethod
from collections.abc import Iterator, MutableSequence, Sequence
from typing import Any

from hydria.errors import ConfigLoadError, PluginError
from hydria.record_class import record
from hydria.repository.search_path import SearchPathEntry, as_url
from hydria.repository.unsupported_plugins import SKIPPED_PACKAGES

__all__ = [
    "ConfigSearchPath",
    "SearchPathElement",
    "SearchPathPlugin",
    "SearchPathQuery",
    "reset_search_path_plugins",
    "run_search_path_plugins",
    "search_path_plugins",
]

NAMESPACE = "hydra_plugins"

# Served for `import hydra...` in plugin modules when hydra-core is not installed: the
# compat shim re-exports hydria's classes under Hydra's module paths. A directory, not
# an import, so this layer does not depend on `hydria.compat`.
_SHIM_DIR = os.path.join(
    os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "compat", "shim"
)


@record(frozen=False)
class SearchPathElement:
    """One entry of a `ConfigSearchPath`, as Hydra's plugins see it: who added it and
    where it points (`pkg://a.b`, `file:///dir`, or a plain directory)."""

    provider: str
    path: str

    def __str__(self) -> str:
        return f"provider={self.provider}, path={self.path}"


@record
class SearchPathQuery:
    """Selects entries by provider, path, or both (`append`/`prepend` anchors)."""

    provider: str | None = None
    path: str | None = None


def _as_query(anchor: Any) -> tuple[str | None, str | None]:
    """A plain string anchors on a provider, as in Hydra; any object with `provider` and
    `path` attributes (hydra-core's own `SearchPathQuery`) is accepted."""
    if isinstance(anchor, str):
        return anchor, None
    return getattr(anchor, "provider", None), getattr(anchor, "path", None)


def _same_path(a: str, b: str) -> bool:
    # Hydra writes a file directory with or without `file://`; either spelling matches.
    return a == b or a.removeprefix("file://") == b.removeprefix("file://")


class ConfigSearchPath:
    """The search path handed to `SearchPathPlugin.manipulate_search_path`, with
    Hydra's API. Edits only take effect before the config repository is built."""

    def __init__(self, entries: Sequence[SearchPathEntry] = ()) -> None:
        self._elements: list[SearchPathElement] = [
            SearchPathElement(e.provider, e.url) for e in entries
        ]

    def get_path(self) -> MutableSequence[SearchPathElement]:
        """The entries in search order; plugins may edit this list in place."""
        return self._elements

    def find_match(self, reference: Any, reverse: bool) -> int:
        """The index of the first (or, with `reverse`, last) entry matching `reference`,
        or -1.

        Raises:
            hydria.errors.PluginError: the query names neither a provider nor a path.
        """
        provider, path = _as_query(reference)
        if provider is None and path is None:
            raise PluginError("A SearchPathQuery needs a provider, a path, or both")
        indexes = range(len(self._elements))
        for idx in reversed(indexes) if reverse else indexes:
            element = self._elements[idx]
            if provider is not None and element.provider != provider:
                continue
            if path is not None and not _same_path(str(element.path), path):
                continue
            return idx
        return -1

    def find_first_match(self, reference: Any) -> int:
        return self.find_match(reference, reverse=False)

    def find_last_match(self, reference: Any) -> int:
        return self.find_match(reference, reverse=True)

    def append(self, provider: str, path: str, anchor: Any = None) -> None:
        """Add an entry at the end, or right after the last entry matching `anchor`
        (a `SearchPathQuery` or a provider name); at the end when nothing matches."""
        idx = -1 if anchor is None else self.find_last_match(anchor)
        element = SearchPathElement(provider, path)
        if idx == -1:
            self._elements.append(element)
        else:
            self._elements.insert(idx + 1, element)

    def prepend(self, provider: str, path: str, anchor: Any = None) -> None:
        """Add an entry first, or right before the first entry matching `anchor`; first
        when nothing matches."""
        idx = -1 if anchor is None else self.find_first_match(anchor)
        self._elements.insert(max(idx, 0), SearchPathElement(provider, path))

    def entries(self) -> tuple[SearchPathEntry, ...]:
        """The entries as hydria's search path.

        Raises:
            hydria.errors.ConfigLoadError: an entry's URL has a scheme hydria has no
                config source for.
        """
        return tuple(SearchPathEntry(str(e.provider), as_url(str(e.path))) for e in self._elements)

    def __str__(self) -> str:
        return str([str(e) for e in self._elements])


class SearchPathPlugin(ABC):
    """What a plugin package implements to add its configs to every app's search path.

    hydria instantiates each concrete subclass found in a module of the `hydra_plugins`
    namespace package (without arguments) and calls `manipulate_search_path` while it
    builds an app's or `compose`'s search path: after the primary config source, before
    `--config-dir`, `hydra.searchpath` and the ConfigStore. Subclasses of hydra-core's
    class of the same name are treated the same way.
    """

    @abstractmethod
    def manipulate_search_path(self, search_path: ConfigSearchPath) -> None:
        """Add, move or remove entries of `search_path` (see `ConfigSearchPath`)."""


def _is_search_path_plugin(obj: object) -> bool:
    # Matched by name along the MRO, so that a plugin built on hydra-core's class is
    # found whether hydra-core or hydria's compat shim served that import.
    return (
        isinstance(obj, type)
        and not getattr(obj, "__abstractmethods__", None)
        and any(base.__name__ == "SearchPathPlugin" for base in obj.__mro__[1:])
        and callable(getattr(obj, "manipulate_search_path", None))
    )


def _plugin_dirs() -> tuple[str, ...]:
    try:
        spec = importlib.util.find_spec(NAMESPACE)
    except (ImportError, ValueError):
        return ()
    if spec is None or spec.submodule_search_locations is None:
        return ()
    return tuple(spec.submodule_search_locations)


def _mtime(path: str) -> int:
    try:
        return os.stat(path).st_mtime_ns
    except OSError:
        return -1


def _is_skipped(name: str) -> bool:
    leaf = name.rpartition(".")[2]
    if leaf.startswith("_") and not leaf.startswith("__"):  # private, as Hydra skips them
        return True
    return any(name == p or name.startswith(p + ".") for p in SKIPPED_PACKAGES)


def _import(name: str) -> Any:
    """The module, or None with a warning naming it: one broken plugin package must not
    stop apps that do not use it."""
    try:
        return importlib.import_module(name)
    except Exception as exc:  # any failure of third-party code at import time
        # Attributed to the plugin module, not to the hydria line that imported it.
        warnings.warn_explicit(
            f"Could not import the Hydra plugin module '{name}' "
            f"({type(exc).__name__}: {exc}); the config groups and search path entries "
            "it adds are not available. Upgrade or uninstall the plugin package.",
            UserWarning,
            filename=name,
            lineno=0,
            module=name,
        )
        return None


def _walk(path: Sequence[str], prefix: str) -> Iterator[Any]:
    """Every importable module under `path`, depth first, in name order (as Hydra)."""
    import pkgutil  # only paid when a hydra_plugins directory exists

    for info in pkgutil.iter_modules(list(path), prefix):
        if _is_skipped(info.name):
            continue
        module = _import(info.name)
        if module is None:
            continue
        yield module
        sub = getattr(module, "__path__", None)
        if info.ispkg and sub is not None:
            yield from _walk(list(sub), info.name + ".")


def _discover(dirs: Sequence[str]) -> tuple[type, ...]:
    needs_shim = "hydra" not in sys.modules and importlib.util.find_spec("hydra") is None
    if needs_shim:
        sys.path.append(_SHIM_DIR)
    try:
        found: list[type] = []
        for module in _walk(dirs, NAMESPACE + "."):
            for _, obj in sorted(vars(module).items()):
                if _is_search_path_plugin(obj) and obj not in found:
                    found.append(obj)
        return tuple(found)
    finally:
        if needs_shim and _SHIM_DIR in sys.path:
            sys.path.remove(_SHIM_DIR)


_LOCK = threading.RLock()  # a plugin module may compose while it is imported
_FOUND: dict[tuple[tuple[str, int], ...], tuple[type, ...]] = {}


def search_path_plugins() -> tuple[type, ...]:
    """The concrete `SearchPathPlugin` classes in the installed `hydra_plugins` packages,
    in Hydra's order (module name, then class name); a module that fails to import is a
    warning naming it."""
    dirs = _plugin_dirs()
    if not dirs:
        return ()
    key = tuple((d, _mtime(d)) for d in dirs)
    with _LOCK:
        found = _FOUND.get(key)
        if found is None:
            found = _FOUND[key] = _discover(dirs)
    return found


def reset_search_path_plugins() -> None:
    """Forget the plugin classes found so far (a new key is made per change of the
    plugin directories anyway; this gives the memory back, and tests a clean start)."""
    with _LOCK:
        _FOUND.clear()


def run_search_path_plugins(entries: Sequence[SearchPathEntry]) -> tuple[SearchPathEntry, ...]:
    """`entries` as every installed search path plugin leaves them, one after another.

    Raises:
        hydria.errors.PluginError: a plugin fails, or adds an entry hydria cannot read.
    """
    plugins = search_path_plugins()
    if not plugins:
        return tuple(entries)
    search_path = ConfigSearchPath(entries)
    for cls in plugins:
        name = f"{cls.__module__}.{cls.__qualname__}"
        try:
            cls().manipulate_search_path(search_path)
            search_path.entries()
        except ConfigLoadError as exc:
            raise PluginError(
                f"Search path plugin {name} added an entry hydria cannot read: {exc}"
            ) from exc
        except Exception as exc:  # third-party code: say which plugin failed
            raise PluginError(
                f"Search path plugin {name} failed: {type(exc).__name__}: {exc}"
            ) from exc
    return search_path.entries()
