"""Hydra's built-in resolvers (`hydra:`, `now:`, `python_version:`) and their registration.

Their behaviour is Hydra 1.3's `setup_globals`, fact for fact: `now` is cached
(`use_cache=True`), so within one config and every copy made of it a pattern
gives one timestamp; `python_version` answers `None` for an unknown level.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from datetime import datetime
from typing import Any

import omegaconf
from omegaconf import Container, OmegaConf
from omegaconf.basecontainer import BaseContainer

from hydria.runtime.context import HydraConfig

__all__ = ["cached_now", "register_resolvers"]

_VERSIONS = {
    "major": f"{sys.version_info[0]}",
    "minor": f"{sys.version_info[0]}.{sys.version_info[1]}",
    "micro": f"{sys.version_info[0]}.{sys.version_info[1]}.{sys.version_info[2]}",
}


def _hydra(path: str) -> Any:
    # Like Hydra: OmegaConf.select, so a missing key reads as None rather than failing.
    return OmegaConf.select(HydraConfig.get(), path)


def _now(pattern: str) -> str:
    return datetime.now().strftime(pattern)


def _python_version(level: Any = "minor") -> str | None:
    # `Any`, not `str`: Hydra looks any argument up and answers None when it is unknown,
    # and OmegaConf 2.4 would otherwise warn about a non-string argument.
    return _VERSIONS.get(level)


_RESOLVERS: tuple[tuple[str, Callable[..., Any], bool], ...] = (
    ("now", _now, True),
    ("hydra", _hydra, False),
    ("python_version", _python_version, False),
)


def _omegaconf_at_least_2_4() -> bool:
    major, minor = (int(part) for part in omegaconf.__version__.split(".")[:2])
    return (major, minor) >= (2, 4)


def _register(name: str, resolver: Callable[..., Any], use_cache: bool) -> None:
    # OmegaConf 2.4 deprecates register_new_resolver; in 2.3, register_resolver is the
    # older, string-only API. Each version gets the call it expects.
    # Looked up by name so the call type-checks against either version's stubs.
    method = "register_resolver" if _omegaconf_at_least_2_4() else "register_new_resolver"
    register: Callable[..., None] = getattr(OmegaConf, method)
    register(name, resolver, replace=True, use_cache=use_cache)
    if name == "now":
        _registered_now[:] = [_resolver_table().get("now")]


_registered = False

#: the wrapper OmegaConf made of `_now` when hydria last registered it
_registered_now: list[Any] = []


def _resolver_table() -> dict[str, Any]:
    # Private: OmegaConf has no public way to tell which function a name resolves to,
    # and `cached_now` must know the `now` in the table is still hydria's. Pinned in
    # tests/internals/test_private_routes.py.
    table: dict[str, Any] = BaseContainer._resolvers
    return table


def cached_now(root: Container, pattern: str) -> str | None:
    """`${now:<pattern>}` as OmegaConf resolves it in the config `root`: the timestamp
    this pattern already has in the root's resolver cache (`use_cache=True`), else the
    current time, stored there, so later resolutions through OmegaConf agree with it.

    It saves a run its only use of OmegaConf's interpolation grammar (~10 ms the first
    time) for the default `hydra.run.dir`. None when the table's `now` is no longer
    hydria's (someone registered their own): then OmegaConf must call theirs.
    `pattern` must be the argument's exact text, and plain (no quote, escape, space
    or comma), as OmegaConf keys its cache by that text.
    """
    if not isinstance(root, BaseContainer):
        return None
    if not _registered_now or _resolver_table().get("now") is not _registered_now[0]:
        return None
    cache = OmegaConf.get_cache(root)
    per_pattern = cache.get("now")
    if per_pattern is None:
        per_pattern = cache["now"] = {}
    key = (pattern,)
    value = per_pattern.get(key)
    if value is None:
        value = per_pattern[key] = _now(pattern)
    return value if type(value) is str else None


def register_resolvers() -> None:
    """Register `hydra`, `now` and `python_version` with OmegaConf.

    The first call replaces any resolver of the same name, as Hydra does when an app
    starts. Later calls only put back resolvers that went missing (a test that called
    `OmegaConf.clear_resolvers()`), so calling this before every job costs three lookups.
    """
    global _registered
    for name, resolver, use_cache in _RESOLVERS:
        if not _registered or not OmegaConf.has_resolver(name):
            _register(name, resolver, use_cache)
    _registered = True
