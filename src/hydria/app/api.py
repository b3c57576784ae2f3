"""compose() and initialize*(): composition for notebooks, tests and scripts.

`compose` given a config source (`config_dir`, `config_module`) is a pure function of
its arguments plus the files it reads. Without one it uses what Hydra would: the
`initialize*()` in effect (see `hydria.app.initialization`), else, inside a running
job, that job's search path, else only hydria's own configs and the ConfigStore.

`initialize*()` work as Hydra's: as a plain call they stay in effect until
`GlobalHydra.instance().clear()`; as a `with` block, until it ends.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from types import TracebackType

from omegaconf import DictConfig, OmegaConf

from hydria.app import initialization
from hydria.app.initialization import Initialized
from hydria.app.process_caches import compose_api_memos, parsed_files
from hydria.builtin import BUILTIN_CONF_PACKAGE
from hydria.compose import compose_config
from hydria.errors import ConfigLoadError, MissingConfigError, VersionBaseError
from hydria.overrides import parse_overrides
from hydria.repository import (
    ConfigRepository,
    ConfigStore,
    SearchPathEntry,
    build_search_path,
    package_directory,
)
from hydria.version import __version__
from hydria.version_base import (
    CURRENT_VERSION,
    INITIALIZE_CONFIG_PATH_NOT_SPECIFIED,
    STRICT_DEPRECATED,
    UNSPECIFIED,
    at_least,
    default_config_path,
    deprecation_warning,
    read_version_base,
    remember_base,
)

__all__ = [
    "InitializeBlock",
    "compose",
    "initialize",
    "initialize_config_dir",
    "initialize_config_module",
]


def _primary_repository(
    config_dir: str | None, config_module: str | None, extra_dirs: Sequence[str], store: ConfigStore
) -> ConfigRepository:
    if config_dir is not None and not os.path.isdir(config_dir):
        raise MissingConfigError(
            f"Primary config directory not found: '{os.path.abspath(config_dir)}'. "
            "Check that it exists and is readable."
        )
    _check_extra_dirs(extra_dirs)
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
    return ConfigRepository(entries, store=store, cache=parsed_files())


def _check_extra_dirs(extra_dirs: Sequence[str]) -> None:
    for extra in extra_dirs:
        if not os.path.isdir(extra):
            raise MissingConfigError(
                f"Additional config directory not found: '{os.path.abspath(extra)}'. "
                "Check that it exists and is readable."
            )


def _whole_path_repository(
    entries: Sequence[SearchPathEntry], extra_dirs: Sequence[str], store: ConfigStore
) -> ConfigRepository:
    """A running app's search path, with the caller's extra directories before the store."""
    _check_extra_dirs(extra_dirs)
    added = [SearchPathEntry("command-line", f"file://{os.path.abspath(d)}") for d in extra_dirs]
    rest = [e for e in entries if e.scheme != "structured"]
    schema = [e for e in entries if e.scheme == "structured"]
    return ConfigRepository([*rest, *added, *schema], store=store, cache=parsed_files())


def _running_job_source() -> Initialized | None:
    """Inside a running job with nothing initialized (a worker process, or the task
    cleared GlobalHydra): the job's own search path, as its `hydra` node records it."""
    from hydria.runtime.context import HydraConfig

    if not HydraConfig.initialized():
        return None
    hydra = HydraConfig.get()
    sources = OmegaConf.select(hydra, "runtime.config_sources")
    if not sources:
        return None
    entries = tuple(SearchPathEntry(str(s.provider), f"{s.schema}://{s.path}") for s in sources)
    recorded = OmegaConf.select(hydra, "runtime.version_base")
    return Initialized(
        search_path=entries,
        job_name=str(OmegaConf.select(hydra, "job.name") or "app"),
        version_base=str(recorded) if recorded is not None else CURRENT_VERSION,
        origin="the running job",
    )


def compose(
    config_name: str | None = None,
    overrides: Sequence[str] | None = None,
    return_hydra_config: bool = False,
    strict: bool | None = None,
    *,
    config_dir: str | None = None,
    config_module: str | None = None,
    extra_config_dirs: Sequence[str] = (),
    store: ConfigStore | None = None,
    job_name: str | None = None,
) -> DictConfig:
    """Compose a config from a config tree and command-line style overrides.

    Args:
        config_name: the primary config (`config`, `db/mysql`, `config.yaml`), or None.
        overrides: overrides in Hydra's grammar (`db=postgresql`, `db.port=3307`, `+x=1`);
            None for none.
        return_hydra_config: keep the `hydra` node (runtime choices, overrides, job...).
        strict: Hydra's deprecated flag: with a version_base before 1.2 in effect, it sets
            struct mode on the result (with Hydra's warning); from 1.2 on it is refused.
        config_dir: the primary config directory. With it (or `config_module`), compose
            reads nothing that `initialize*` or a running job put in effect.
        config_module: the primary config package (`my_app.conf`), instead of a directory.
        extra_config_dirs: more directories searched after the primary source (the
            command line's `--config-dir`).
        store: the ConfigStore to read structured configs from (default: the process's).
        job_name: `hydra.job.name`; defaults to the `initialize*`'s or the running app's,
            else "app".

    Returns:
        The composed config, in struct mode (unless `strict=False`, see above).

    Raises:
        hydria.errors.HydriaError: any problem with the tree or the overrides; the message
            says what to fix.
        hydria.errors.VersionBaseError: `strict` given with a version_base from 1.2 on.
    """
    if config_dir is not None and config_module is not None:
        raise ConfigLoadError("Pass config_dir or config_module, not both")
    store = store or ConfigStore.instance()
    source = None
    if config_dir is None and config_module is None:
        source = initialization.active() or _running_job_source()
    if source is None:
        repo = _primary_repository(config_dir, config_module, extra_config_dirs, store)
    elif source.search_path is not None:
        repo = _whole_path_repository(source.search_path, extra_config_dirs, store)
    else:
        repo = _primary_repository(
            source.config_dir, source.config_module, extra_config_dirs, store
        )
    version_base = source.version_base if source is not None else CURRENT_VERSION
    composition = compose_config(
        repo,
        config_name,
        parse_overrides(list(overrides or ())),
        return_hydra_config=return_hydra_config,
        job_name=job_name or (source.job_name if source is not None else "app"),
        version=__version__,
        version_base=version_base,
        memos=compose_api_memos(),
    )
    if "pydantic" in sys.modules:  # without it no config can have a pydantic schema
        from hydria.validation import validate_composition

        validate_composition(composition)
    cfg = composition.config
    if strict is not None:
        if at_least(version_base, "1.2"):
            raise VersionBaseError(
                "got an unexpected 'strict' argument: compose(strict=...) was removed in "
                f"Hydra 1.2 and the version_base in effect is {version_base}. To turn struct "
                "mode off, call OmegaConf.set_struct(cfg, False) on the result."
            )
        deprecation_warning(STRICT_DEPRECATED, stacklevel=2)
        OmegaConf.set_struct(cfg, strict)
    return cfg


class InitializeBlock:
    """What `initialize*()` returns: already in effect; usable as a `with` block, whose
    end puts back what was in effect before the call (nothing, normally)."""

    def __init__(self, record: Initialized, previous: Initialized | None, name: str) -> None:
        self._record = record
        self._previous = previous
        self._name = name

    def __enter__(self) -> None:
        return None

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        initialization.restore(self._previous)

    def __repr__(self) -> str:
        return f"hydria.{self._name}()"


def _put_in_effect(record: Initialized, name: str) -> InitializeBlock:
    previous = initialization.active()
    initialization.activate(record)
    return InitializeBlock(record, previous, name)


def _initialize_from(
    name: str,
    where: str,
    job_name: str | None,
    base: str,
    *,
    config_dir: str | None = None,
    config_module: str | None = None,
) -> InitializeBlock:
    """Put in effect configs from one directory or one package; `base` is the
    version_base already read (its warning points at the user's call)."""
    remember_base(base)
    record = Initialized(
        config_dir=config_dir,
        config_module=config_module,
        job_name=job_name or "app",
        version_base=base,
        origin=f"{name}({where!r})",
    )
    return _put_in_effect(record, name)


def initialize_config_dir(
    config_dir: str, job_name: str | None = None, version_base: str | None = UNSPECIFIED
) -> InitializeBlock:
    """From now on (or inside the `with` block), `compose()` reads configs from `config_dir`.

    Args:
        config_dir: the config directory (a relative one is made absolute now).
        job_name: `hydra.job.name` of the configs composed; default "app".
        version_base: as for `hydria.main`; left out, "1.1" with Hydra's warning.

    Raises:
        hydria.errors.AlreadyInitializedError: another `initialize*()` is in effect.
        hydria.errors.VersionBaseError: a `version_base` that is not a version from 1.1 on.
    """
    base = read_version_base(version_base, stacklevel=2)
    path = os.path.abspath(config_dir)
    return _initialize_from("initialize_config_dir", path, job_name, base, config_dir=path)


def initialize_config_module(
    config_module: str, job_name: str | None = None, version_base: str | None = UNSPECIFIED
) -> InitializeBlock:
    """From now on (or inside the `with` block), `compose()` reads configs from the
    package `config_module`.

    Args:
        config_module: an importable package (`my_app.conf`).
        job_name: `hydra.job.name` of the configs composed; default "app".
        version_base: as for `hydria.main`; left out, "1.1" with Hydra's warning.

    Raises:
        hydria.errors.AlreadyInitializedError: another `initialize*()` is in effect.
        hydria.errors.VersionBaseError: a `version_base` that is not a version from 1.1 on.
    """
    base = read_version_base(version_base, stacklevel=2)
    return _initialize_from(
        "initialize_config_module", config_module, job_name, base, config_module=config_module
    )


def initialize(
    config_path: str | None = UNSPECIFIED,
    job_name: str | None = None,
    caller_stack_depth: int = 1,
    version_base: str | None = UNSPECIFIED,
) -> InitializeBlock:
    """From now on (or inside the `with` block), `compose()` reads configs from
    `config_path`, relative to the file of the caller.

    Args:
        config_path: the config directory relative to the caller's file (an absolute
            path is taken as it is); None for none. Left out, None with a version_base
            from 1.2 on, else "." (with Hydra's warning when version_base is left out too).
        job_name: `hydra.job.name`; default: the caller's file name without `.py`.
        caller_stack_depth: which caller's file `config_path` is relative to (1: the
            direct caller).
        version_base: as for `hydria.main`; left out, "1.1" with Hydra's warning.

    Raises:
        hydria.errors.AlreadyInitializedError: another `initialize*()` is in effect.
        hydria.errors.VersionBaseError: a `version_base` that is not a version from 1.1 on.
    """
    base = read_version_base(version_base, stacklevel=2)
    remember_base(base)
    path = default_config_path(
        config_path,
        version_base,
        base,
        warning=INITIALIZE_CONFIG_PATH_NOT_SPECIFIED,
        stacklevel=2,
    )
    # sys._getframe, unlike inspect.stack(), does not read every caller's source file
    caller_file = sys._getframe(caller_stack_depth).f_code.co_filename
    caller_dir = os.path.dirname(os.path.abspath(caller_file))
    if path is None:
        config_dir = None
    elif os.path.isabs(path):
        config_dir = path
    else:
        config_dir = os.path.normpath(os.path.join(caller_dir, path))
    record = Initialized(
        config_dir=config_dir,
        job_name=job_name or os.path.splitext(os.path.basename(caller_file))[0],
        version_base=base,
        origin=f"initialize(config_path={path!r}) in {caller_file}",
    )
    return _put_in_effect(record, "initialize")
