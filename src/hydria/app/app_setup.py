"""Where an app's configs come from: its file or module, `config_path`, and the job name.

Hydra derives these from the decorated function: `config_path` is relative to
the file that defines it (or to its package when run with `python -m`), and the
job is named after that file.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from hydria.errors import MissingConfigError
from hydria.record_class import record

if TYPE_CHECKING:  # loaded when used: shell completion reads an app's source without them
    from hydria.repository import ConfigRepository, ConfigStore, ParsedFileCache, SearchPathEntry


@record(kw_only=True)
class AppSource:
    """Where the task function lives: a file (`python app.py`) or a module (`python -m`)."""

    calling_file: str | None
    calling_module: str | None

    @property
    def job_name(self) -> str:
        if self.calling_file is not None:
            stem = os.path.splitext(os.path.basename(self.calling_file))[0]
            return re.sub(r"(?u)[^-\w.]", "", stem.strip().replace(" ", "_"))
        assert self.calling_module is not None
        return self.calling_module.rpartition(".")[2]


def disk_cache_dir() -> str | None:
    """Where apps keep what they can reuse across runs; None when `HYDRIA_NO_CACHE` is set."""
    if os.environ.get("HYDRIA_NO_CACHE"):
        return None
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "hydria", "configs")


_MAIN_MODULE_VARIABLES = ("HYDRA_MAIN_MODULE", "FB_PAR_MAIN_MODULE", "FB_XAR_MAIN_MODULE")


def app_source(task: Callable[..., Any]) -> AppSource:
    """Find the file or module that defines `task` (unwrapping decorators)."""
    while hasattr(task, "__wrapped__"):
        task = task.__wrapped__
    module = getattr(task, "__module__", None)
    # Hydra's names for "this app runs as that module" (the FB_* ones come from
    # packagers that run apps from an archive, where no file path exists)
    for variable in _MAIN_MODULE_VARIABLES:
        if os.environ.get(variable):
            module = os.environ[variable]
            break
    if module not in (None, "__main__"):
        return AppSource(calling_file=None, calling_module=module)
    code = getattr(task, "__code__", None)
    filename = code.co_filename if code is not None else None
    if filename is None:
        main = sys.modules.get("__main__")
        filename = getattr(main, "__file__", None)
    return AppSource(calling_file=filename, calling_module=None)


def primary_source_url(source: AppSource, config_path: str | None) -> str | None:
    """The primary config source for `config_path`, as Hydra resolves it; None for none."""
    if config_path is not None and (os.path.isabs(config_path) or config_path.startswith("pkg://")):
        return config_path if config_path.startswith("pkg://") else f"file://{config_path}"
    if config_path is None:
        # Run as a module, an app without config_path still reads its own package (Hydra).
        package = (source.calling_module or "").rpartition(".")[0]
        return f"pkg://{package}" if source.calling_file is None and package else None
    if source.calling_file is not None:
        base = os.path.realpath(os.path.dirname(os.path.abspath(source.calling_file)))
        return "file://" + os.path.normpath(os.path.join(base, config_path))
    assert source.calling_module is not None
    package = source.calling_module.rpartition(".")[0]
    path = config_path.replace(os.path.sep, "/")
    while path.startswith("../"):
        path = path[3:]
        package = package.rpartition(".")[0]
    if not package and path.strip("./") == "":
        return "pkg://"  # a top-level module has no package to be relative to
    return f"pkg://{package}/{path}" if package else f"pkg://{path}"


def app_search_path(
    primary_url: str | None, extra_dirs: Sequence[str]
) -> tuple[SearchPathEntry, ...]:
    """Hydra's search path for an app: hydria's own configs, the primary source, what
    installed search path plugins add, the `--config-dir`s, then the ConfigStore.

    Raises:
        MissingConfigError: a `--config-dir` does not exist.
        PluginError: a search path plugin fails.
    """
    from hydria.builtin import BUILTIN_CONF_PACKAGE
    from hydria.repository import SearchPathEntry, apply_search_path_plugins

    entries = [SearchPathEntry("hydra", f"pkg://{BUILTIN_CONF_PACKAGE}")]
    if primary_url is not None:
        entries.append(SearchPathEntry("main", primary_url))
    entries = list(apply_search_path_plugins(entries))
    for extra in extra_dirs:
        path = os.path.abspath(extra)
        if not os.path.isdir(path):
            raise MissingConfigError(f"Additional config directory '{path}' not found")
        entries.append(SearchPathEntry("command-line", f"file://{path}"))
    entries.append(SearchPathEntry("schema", "structured://"))
    return tuple(entries)


def app_repository(
    entries: Sequence[SearchPathEntry], *, store: ConfigStore, cache: ParsedFileCache
) -> ConfigRepository:
    """The repository over `entries`; a missing primary source is an error naming it."""
    from hydria.repository import ConfigRepository, package_directory

    for entry in entries:
        if entry.provider != "main":
            continue
        if entry.scheme == "file" and not os.path.isdir(entry.location):
            raise MissingConfigError(
                f"Primary config directory not found: '{entry.location}'. Check that "
                "config_path (or --config-path) points to an existing directory."
            )
        if entry.scheme == "pkg" and not entry.location.strip("/"):
            raise MissingConfigError(  # Hydra's phrase first: users' tests match on it
                "Primary config module is empty. The app runs as a top-level module, so "
                "config_path is relative to no package: run it from a package, or give "
                "config_path as an absolute path or pkg://package"
            )
        if entry.scheme == "pkg" and package_directory(entry.location) is None:
            raise MissingConfigError(
                f"Primary config module '{entry.location}' not found. Check that it is "
                "an importable package with an __init__.py."
            )
    return ConfigRepository(entries, store=store, cache=cache)
