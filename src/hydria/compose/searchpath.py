"""`hydra.searchpath`: the directories a composition adds to the search path, read from
the command line or from the primary config before the defaults list is resolved."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from omegaconf import DictConfig, OmegaConf
from omegaconf.errors import OmegaConfBaseException

from hydria.errors import CompositionError, ConfigContentError
from hydria.overrides import Override, plain_value
from hydria.repository import ConfigRepository, SearchPathEntry, as_url

__all__ = ["with_searchpath"]


def _searchpath_from(
    repo: ConfigRepository, config_name: str | None, overrides: Sequence[Override]
) -> tuple[list[str] | None, str]:
    for o in overrides:
        if o.key == "hydra.searchpath" and o.package is None and o.has_value:
            return _checked_searchpath(plain_value(o.value)), "hydra.searchpath in command-line"
    if config_name is None:
        return None, ""
    raw = repo.load(config_name)
    if raw is None:
        return None, ""
    content = raw.content
    if not isinstance(content, (dict, DictConfig)):
        raise ConfigContentError(
            f"The primary config '{config_name}' must be a mapping, "
            f"got {type(content).__name__} ({raw.filename or raw.source})"
        )
    hydra = content.get("hydra") if isinstance(content, dict) else None
    try:
        if isinstance(content, DictConfig):
            value = OmegaConf.select(content, "hydra.searchpath")
        elif isinstance(hydra, dict) and "searchpath" in hydra:
            value = hydra["searchpath"]
            if "${" in repr(value):
                value = OmegaConf.select(OmegaConf.create(content), "hydra.searchpath")
        else:
            value = None
    except OmegaConfBaseException as exc:
        raise CompositionError(
            f"In '{config_name}': cannot read hydra.searchpath: {str(exc).splitlines()[0]}"
        ) from None
    if value is None:
        return None, ""
    if not isinstance(value, list):
        value = OmegaConf.to_container(value) if OmegaConf.is_list(value) else value
    return _checked_searchpath(value), "hydra.searchpath in main"


def _checked_searchpath(value: Any) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise CompositionError(f"hydra.searchpath must be a list of strings, got {value!r}")
    return list(value)


def with_searchpath(
    repo: ConfigRepository, config_name: str | None, overrides: Sequence[Override]
) -> ConfigRepository:
    """`repo` with the directories `hydra.searchpath` adds (from the command line, else
    from the primary config), before the structured configs, as Hydra orders them."""
    extra, provider = _searchpath_from(repo, config_name, overrides)
    if not extra:
        return repo
    entries = list(repo.search_path)
    schema = [e for e in entries if e.scheme == "structured"]
    rest = [e for e in entries if e.scheme != "structured"]
    added = [SearchPathEntry(provider, as_url(p)) for p in extra]
    return repo.with_search_path([*rest, *added, *schema])
