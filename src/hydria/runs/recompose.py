"""Compose a run's config again from what its `hydra` node recorded.

The search path is the recorded `runtime.config_sources`, except two kinds of
entry: Hydra's own configs (`pkg://hydra.conf`, in a run made by Hydra) become
hydria's, and the entries added by `hydra.searchpath` are dropped because
composing adds them again from the same config or override.
"""

from __future__ import annotations

from collections.abc import Sequence

from omegaconf import DictConfig, ListConfig, OmegaConf

from hydria.builtin import BUILTIN_CONF_PACKAGE
from hydria.compose import Composition, compose_config
from hydria.errors import SavedRunError
from hydria.overrides import parse_overrides
from hydria.repository import ConfigRepository, ConfigStore, ParsedFileCache, SearchPathEntry
from hydria.runs.saved import written_strings
from hydria.version import __version__

__all__ = ["recompose", "recorded_overrides", "recorded_search_path"]

_HYDRA_BUILTIN_PACKAGES = ("hydra.conf", BUILTIN_CONF_PACKAGE)


def recorded_search_path(hydra: DictConfig) -> tuple[SearchPathEntry, ...]:
    """The search path a run used, from `hydra.runtime.config_sources`.

    Raises:
        SavedRunError: the node does not record its config sources.
    """
    sources = OmegaConf.select(hydra, "runtime.config_sources", default=None)
    if sources is None:
        raise SavedRunError("The run's hydra node has no runtime.config_sources to compose from")
    if not isinstance(sources, ListConfig) or not all(
        isinstance(s, DictConfig) and "provider" in s and "schema" in s for s in sources
    ):
        raise SavedRunError(
            "The run's hydra.runtime.config_sources is not a list of sources (each with "
            "`provider`, `schema` and `path`), as a run records it; it cannot be composed again"
        )
    entries: list[SearchPathEntry] = []
    for source in sources:
        provider, schema = str(source.provider), str(source.schema)
        path = "" if source.path is None else str(source.path)
        if provider.startswith("hydra.searchpath"):
            continue
        if schema == "pkg" and provider == "hydra" and path in _HYDRA_BUILTIN_PACKAGES:
            path = BUILTIN_CONF_PACKAGE
        entries.append(SearchPathEntry(provider, f"{schema}://{path}"))
    return tuple(entries)


def recorded_overrides(hydra: DictConfig) -> list[str]:
    """The run's overrides, hydra's first, as composing them again needs them.

    `hydra.mode=RUN` (or MULTIRUN) is left out: the runner adds it when it runs a job,
    it does not come from the user.
    """
    hydra_overrides = written_strings(hydra, "overrides.hydra")
    task = written_strings(hydra, "overrides.task")
    return [o for o in hydra_overrides if not o.startswith("hydra.mode=")] + list(task)


def recompose(
    hydra: DictConfig,
    *,
    overrides: Sequence[str] | None = None,
    store: ConfigStore | None = None,
) -> Composition:
    """Compose again, with today's files, the config a run with this `hydra` node had.

    Args:
        hydra: the run's `hydra` node (from `.hydra/hydra.yaml`, or a composed config's).
        overrides: the overrides to use instead of the recorded ones.
        store: the ConfigStore for `structured://` configs (default: the process's).

    Raises:
        SavedRunError: the node lacks what composing needs.
        HydriaError: the composition fails today (a config file gone, an option renamed).
    """
    entries = recorded_search_path(hydra)
    repo = ConfigRepository(entries, store=store or ConfigStore.instance(), cache=ParsedFileCache())
    name = OmegaConf.select(hydra, "job.config_name", default=None)
    job_name = OmegaConf.select(hydra, "job.name", default=None) or "app"
    given = recorded_overrides(hydra) if overrides is None else list(overrides)
    return compose_config(
        repo,
        None if name is None else str(name),
        parse_overrides(given),
        return_hydra_config=True,
        job_name=str(job_name),
        version=__version__,
    )
