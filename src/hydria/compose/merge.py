"""Merges loaded configs in defaults-list order, each at its package.

Plain YAML data is merged as plain dicts and lists, with OmegaConf's merge
rules for untyped configs, and turned into a `DictConfig` once at the end:
this is most of hydria's speed. Structured configs, and the few cases whose
outcome depends on resolving an interpolation mid-merge, are merged by
OmegaConf itself so their typing and validation are exactly OmegaConf's.
"""

from __future__ import annotations

import re
from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from typing import Any

from omegaconf import DictConfig, ListConfig, OmegaConf, flag_override
from omegaconf.errors import OmegaConfBaseException

from hydria.errors import CompositionError

MISSING = "???"


@dataclass(frozen=True, slots=True)
class MergeItem:
    """One config's content and where it goes."""

    config_path: str
    package: str
    content: Any  # plain YAML data, or an OmegaConf node for structured configs
    source: str  # file or provider, for messages
    is_builtin: bool = False  # one of hydria's own `hydra/` configs
    identity: Hashable = None  # equal identities mean equal content (see RawConfig.identity)


class NeedsOmegaConf(Exception):
    """The plain merge met a case only OmegaConf can decide; merge with OmegaConf instead."""


def copy_plain(value: Any) -> Any:
    """Deep copy of YAML data (scalars are immutable and shared)."""
    if isinstance(value, dict):
        return {k: copy_plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [copy_plain(v) for v in value]
    return value


_SINGLE_INTERPOLATION = re.compile(r"^\$\{([^${}]*)\}$")
_KEY_PATH = re.compile(r"^(\.*)([\w\-/]+(?:\.[\w\-/]+)*)?$")
# Resolvers whose result is always a string, so merging over them never needs them resolved.
_STRING_RESOLVERS = frozenset({"now", "oc.env", "hydra"})


def _may_be_container(value: Any, parents: list[dict[Any, Any]]) -> bool:
    """Could this interpolation resolve to a dict or list right now (mid-merge)?

    OmegaConf resolves an interpolation it is about to merge over and, when it
    points to a container, merges into a copy of that container. Only a string
    made of one `${...}` can do that; a key path is looked up in the partly
    merged config, anything else answers "maybe".
    """
    if not isinstance(value, str) or "${" not in value:
        return False
    match = _SINGLE_INTERPOLATION.match(value)
    if match is None:
        return False  # text around or between interpolations: always a string
    inner = match.group(1).strip()
    head, colon, _ = inner.partition(":")
    if colon:
        return head not in _STRING_RESOLVERS
    path = _KEY_PATH.match(inner)
    if path is None:
        return True
    dots, keys = len(path.group(1)), path.group(2)
    if dots:
        if dots > len(parents):
            return False
        node: Any = parents[-dots]
    else:
        node = parents[0]
    for part in keys.split(".") if keys else []:
        if not isinstance(node, dict) or part not in node:
            return False  # unresolvable now: OmegaConf leaves the value as it is
        node = node[part]
    return isinstance(node, (dict, list)) or (isinstance(node, str) and "${" in node)


def _kind(value: Any) -> str:
    return "a mapping" if isinstance(value, dict) else "a list"


def merge_plain(
    dest: dict[Any, Any],
    src: dict[Any, Any],
    path: str = "",
    parents: list[dict[Any, Any]] | None = None,
) -> None:
    """Merge `src` into `dest` in place, as OmegaConf merges untyped configs.

    Args:
        dest: the config so far (at the top level: the root).
        src: what to merge in.
        path: dest's key path, for messages.
        parents: the dicts from the root down to `dest`, for relative interpolations.

    Raises:
        NeedsOmegaConf: `dest` holds an interpolation that may point to a container
            where `src` merges a container or `???` (only OmegaConf can decide).
        CompositionError: a mapping meets a list.
    """
    chain = [dest] if parents is None else parents
    for key, new in src.items():
        if key not in dest:
            dest[key] = copy_plain(new)
            continue
        old = dest[key]
        merges_over = isinstance(new, (dict, list)) or new == MISSING
        if merges_over and isinstance(old, str) and _may_be_container(old, chain):
            raise NeedsOmegaConf(f"{path}{key}")
        if isinstance(new, dict) and isinstance(old, dict):
            merge_plain(old, new, f"{path}{key}.", [*chain, old])
        elif isinstance(new, (dict, list)) and isinstance(old, (dict, list)):
            if isinstance(new, list) and isinstance(old, list):
                dest[key] = copy_plain(new)
            else:
                raise CompositionError(
                    f"Cannot merge {_kind(new)} into '{path}{key}', which is {_kind(old)}"
                )
        elif isinstance(new, str) and new == MISSING:
            continue  # `???` never replaces a value that is already there
        else:
            dest[key] = copy_plain(new)


def embed(content: Any, package: str) -> Any:
    """Content wrapped in dicts so it lands at `package` (`a.b` → {a: {b: content}})."""
    if content is None:
        content = {}
    if package:
        for part in reversed(package.split(".")):
            content = {part: content}
    return content


def _fail(item: MergeItem, exc: Exception) -> CompositionError:
    return CompositionError(
        f"In '{item.config_path}' ({item.source}): cannot merge it at "
        f"'{item.package or '<root>'}': {exc}"
    )


def merge_all_plain(items: Sequence[MergeItem]) -> dict[Any, Any]:
    """Merge plain items into one dict.

    Raises:
        NeedsOmegaConf: see `merge_plain`; also when an item is structured.
        CompositionError: an item cannot be merged (the message names it).
    """
    out: dict[Any, Any] = {}
    for item in items:
        if isinstance(item.content, (DictConfig, ListConfig)):
            raise NeedsOmegaConf(item.config_path)
        wrapped = embed(item.content, item.package)
        if not isinstance(wrapped, dict):
            raise _fail(
                item, CompositionError(f"its content is {type(wrapped).__name__}, not a mapping")
            )
        try:
            merge_plain(out, wrapped)
        except CompositionError as exc:
            raise _fail(item, exc) from None
    return out


def merge_all_omegaconf(items: Sequence[MergeItem]) -> DictConfig:
    """Merge items with OmegaConf: typed nodes stay typed and are validated.

    Raises:
        CompositionError: a merge failed (the message names the config).
    """
    cfg = OmegaConf.create()
    with flag_override(cfg, "no_deepcopy_set_nodes", True):
        for item in items:
            try:
                node = _as_node(item)
                cfg.merge_with(node)
            except OmegaConfBaseException as exc:
                raise _fail(item, exc) from None
    return cfg


def _as_node(item: MergeItem) -> Any:
    content = item.content
    if not isinstance(content, (DictConfig, ListConfig)):
        return OmegaConf.create(embed(content, item.package))
    if not item.package:
        return content
    root = OmegaConf.create()
    OmegaConf.update(root, item.package, content, merge=False)
    return root
