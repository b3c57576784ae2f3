"""The search path: the ordered config sources a config name is looked up in."""

from __future__ import annotations

import importlib.util
import os
from collections.abc import Iterable, Sequence

from hydria.errors import ConfigLoadError
from hydria.record_class import record

SCHEMES = ("file", "pkg", "structured")


@record
class SearchPathEntry:
    """One place configs come from: `file:///abs/dir`, `pkg://package.name` or `structured://`."""

    provider: str
    url: str

    @property
    def scheme(self) -> str:
        head, sep, _ = self.url.partition("://")
        return head if sep else "file"

    @property
    def location(self) -> str:
        """The URL without its scheme: a directory, a package name, or ''."""
        _, sep, tail = self.url.partition("://")
        return tail if sep else self.url

    def __str__(self) -> str:
        return f"provider={self.provider}, path={self.scheme}://{self.location}"


def as_url(path: str) -> str:
    """`/abs/dir` and `rel/dir` become `file://...`; URLs with a known scheme stay as they are.

    Raises:
        ConfigLoadError: the URL names a scheme hydria has no source for.
    """
    head, sep, _ = path.partition("://")
    if not sep:
        return f"file://{path}"
    if head not in SCHEMES:
        raise ConfigLoadError(
            f"Unknown config source scheme {head!r} in {path!r}; "
            f"expected one of {', '.join(s + '://' for s in SCHEMES)}"
        )
    return path


def build_search_path(
    *,
    config_dir: str | None = None,
    config_module: str | None = None,
    extra_dirs: Sequence[str] = (),
    searchpath: Iterable[str] = (),
    searchpath_provider: str = "hydra.searchpath in main",
    builtin_module: str,
) -> tuple[SearchPathEntry, ...]:
    """The search path in Hydra's order: hydria's own configs, the primary source, what
    installed search path plugins add (see `plugin_search_path`), the caller's extra
    directories, `hydra.searchpath` entries, then the ConfigStore.

    Args:
        config_dir: the primary config directory (made absolute).
        config_module: the primary config package, instead of a directory.
        extra_dirs: further directories (the command line's `--config-dir`), searched
            after the primary source, as Hydra does.
        searchpath: `hydra.searchpath` entries from the primary config or an override.
        searchpath_provider: how to label those entries in messages.
        builtin_module: the package holding hydria's built-in `hydra/` configs.

    Raises:
        hydria.errors.PluginError: a search path plugin fails.
    """
    entries = [SearchPathEntry("hydra", f"pkg://{builtin_module}")]
    if config_dir is not None:
        entries.append(SearchPathEntry("main", f"file://{os.path.abspath(config_dir)}"))
    elif config_module is not None:
        entries.append(SearchPathEntry("main", f"pkg://{config_module}"))
    entries = list(apply_search_path_plugins(entries))
    entries += [SearchPathEntry("command-line", f"file://{os.path.abspath(d)}") for d in extra_dirs]
    entries += [SearchPathEntry(searchpath_provider, as_url(p)) for p in searchpath]
    entries.append(SearchPathEntry("schema", "structured://"))
    return tuple(entries)


def apply_search_path_plugins(entries: Sequence[SearchPathEntry]) -> tuple[SearchPathEntry, ...]:
    """`entries` as the installed search path plugins leave them (see `plugin_search_path`).

    Without a `hydra_plugins` package on `sys.path`, the usual case, this costs one
    `find_spec` and imports nothing.

    Raises:
        hydria.errors.PluginError: a plugin fails, or adds an entry hydria cannot read.
    """
    try:
        if importlib.util.find_spec("hydra_plugins") is None:
            return tuple(entries)
    except (ImportError, ValueError):  # a broken `hydra_plugins` module: nothing to use
        return tuple(entries)
    # plugin_search_path builds on this module's records, hence the late import
    from hydria.repository.plugin_search_path import run_search_path_plugins

    return run_search_path_plugins(entries)
