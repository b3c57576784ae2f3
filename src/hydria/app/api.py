"""compose() and the initialize*() context managers: composition for notebooks, tests and scripts.

`compose` is a pure function of its arguments plus the files it reads. The
`initialize*` context managers exist for code migrating from Hydra: inside
one, `compose(name, overrides)` finds its config source without being told.
"""

from __future__ import annotations

import contextvars
import os
import sys
from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass

from omegaconf import DictConfig

from hydria.builtin import BUILTIN_CONF_PACKAGE
from hydria.compose import Memos, compose_config
from hydria.errors import ConfigLoadError, MissingConfigError
from hydria.overrides import parse_overrides
from hydria.repository import (
    ConfigRepository,
    ConfigStore,
    ParsedFileCache,
    build_search_path,
    package_directory,
)
from hydria.version import __version__

# A memo of parsed YAML files keyed by path and (inode, size, mtime): it never
# changes a result, only skips re-parsing files that did not change.
_PARSED_FILES = ParsedFileCache()
# Likewise for resolved defaults lists and built configs: each entry is re-checked
# against the files on every use (see hydria.defaults.memo).
_MEMOS = Memos.create()


@dataclass(frozen=True, slots=True)
class _Initialized:
    config_dir: str | None
    config_module: str | None
    job_name: str


_CURRENT: contextvars.ContextVar[_Initialized | None] = contextvars.ContextVar(
    "hydria_initialized", default=None
)


def _primary_repository(
    config_dir: str | None, config_module: str | None, extra_dirs: Sequence[str], store: ConfigStore
) -> ConfigRepository:
    if config_dir is not None and not os.path.isdir(config_dir):
        raise MissingConfigError(
            f"Primary config directory not found: '{os.path.abspath(config_dir)}'. "
            "Check that it exists and is readable."
        )
    for extra in extra_dirs:
        if not os.path.isdir(extra):
            raise MissingConfigError(
                f"Additional config directory not found: '{os.path.abspath(extra)}'. "
                "Check that it exists and is readable."
            )
    if config_module is not None and package_directory(config_module) is None:
        raise MissingConfigError(
            f"Primary config module '{config_module}' not found. Check that it is importable "
            "and is a package (a folder with __init__.py)."
        )
    entries = build_search_path(
        config_dir=config_dir,
        config_module=config_module,
        extra_dirs=extra_dirs,
        builtin_module=BUILTIN_CONF_PACKAGE,
    )
    return ConfigRepository(entries, store=store, cache=_PARSED_FILES)


def compose(
    config_name: str | None = None,
    overrides: Sequence[str] = (),
    *,
    config_dir: str | None = None,
    config_module: str | None = None,
    return_hydra_config: bool = False,
    extra_config_dirs: Sequence[str] = (),
    store: ConfigStore | None = None,
    job_name: str | None = None,
) -> DictConfig:
    """Compose a config from a config tree and command-line style overrides.

    Args:
        config_name: the primary config (`config`, `db/mysql`, `config.yaml`), or None.
        overrides: overrides in Hydra's grammar (`db=postgresql`, `db.port=3307`, `+x=1`).
        config_dir: the primary config directory.
        config_module: the primary config package (`my_app.conf`), instead of a directory.
        return_hydra_config: keep the `hydra` node (runtime choices, overrides, job...).
        extra_config_dirs: more directories searched first (the command line's `--config-dir`).
        store: the ConfigStore to read structured configs from (default: the process's).
        job_name: `hydra.job.name`; defaults to the enclosing `initialize*`'s, else "app".

    Returns:
        The composed config, in struct mode.

    Raises:
        hydria.errors.HydriaError: any problem with the tree or the overrides; the message
            says what to fix.
    """
    if config_dir is not None and config_module is not None:
        raise ConfigLoadError("Pass config_dir or config_module, not both")
    current = _CURRENT.get()
    if config_dir is None and config_module is None and current is not None:
        config_dir, config_module = current.config_dir, current.config_module
    name = job_name or (current.job_name if current is not None else "app")
    parsed = parse_overrides(list(overrides))
    repo = _primary_repository(
        config_dir, config_module, extra_config_dirs, store or ConfigStore.instance()
    )
    composition = compose_config(
        repo,
        config_name,
        parsed,
        return_hydra_config=return_hydra_config,
        job_name=name,
        version=__version__,
        memos=_MEMOS,
    )
    if "pydantic" in sys.modules:  # without it no config can have a pydantic schema
        from hydria.validation import validate_composition

        validate_composition(composition)
    return composition.config


@contextmanager
def _initialized(state: _Initialized) -> Iterator[None]:
    token = _CURRENT.set(state)
    try:
        yield
    finally:
        _CURRENT.reset(token)


def initialize_config_dir(
    config_dir: str, job_name: str | None = None
) -> AbstractContextManager[None]:
    """Inside this block, `compose()` reads configs from `config_dir`."""
    return _initialized(_Initialized(os.path.abspath(config_dir), None, job_name or "app"))


def initialize_config_module(
    config_module: str, job_name: str | None = None
) -> AbstractContextManager[None]:
    """Inside this block, `compose()` reads configs from the package `config_module`."""
    return _initialized(_Initialized(None, config_module, job_name or "app"))


def initialize(
    config_path: str | None = None, job_name: str | None = None, caller_stack_depth: int = 1
) -> AbstractContextManager[None]:
    """Inside this block, `compose()` reads configs from `config_path` (relative to the caller)."""
    # sys._getframe, unlike inspect.stack(), does not read every caller's source file
    caller_file = sys._getframe(caller_stack_depth).f_code.co_filename
    caller_dir = os.path.dirname(os.path.abspath(caller_file))
    if config_path is None:
        config_dir = None
    elif os.path.isabs(config_path):
        config_dir = config_path
    else:
        config_dir = os.path.normpath(os.path.join(caller_dir, config_path))
    name = job_name or os.path.splitext(os.path.basename(caller_file))[0]
    return _initialized(_Initialized(config_dir, None, name))
