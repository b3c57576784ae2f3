"""The merge rules of composition, on plain data: one owner for what replaces what.

Plain YAML data is merged as plain dicts and lists, with OmegaConf's merge
rules for untyped configs, and turned into a `DictConfig` once at the end:
this is most of hydria's speed. Structured configs, and the few cases whose
outcome depends on resolving an interpolation mid-merge, are merged by
OmegaConf itself so their typing and validation are exactly OmegaConf's.

Provenance replays a composition with these same functions (`merge_plain`,
`set_plain`, `extend_plain`, `delete_plain`), passing `MergeEvents` that hear
every key added, replaced or deleted; composition passes none and pays nothing.
"""

from __future__ import annotations

import re
from collections.abc import Hashable, Sequence
from typing import Any, Protocol

from omegaconf import DictConfig, ListConfig, OmegaConf, flag_override
from omegaconf.errors import OmegaConfBaseException

from hydria.errors import CompositionError
from hydria.record_class import record

MISSING = "???"

# A key's place in the merged data: mapping keys and list indices from the root.
KeyPath = tuple[Any, ...]


@record
class MergeItem:
    """One config's content and where it goes."""

    config_path: str
    package: str
    content: Any  # plain YAML data, or an OmegaConf node for structured configs
    source: str  # file or provider, for messages
    is_builtin: bool = False  # one of hydria's own `hydra/` configs
    identity: Hashable = None  # equal identities mean equal content (see RawConfig.identity)


class MergeEvents(Protocol):
    """Hears what a merge does to each key, in the order it does it.

    Given events, a merge replays a composition that already succeeded, so it never
    stops where composition would hand over to OmegaConf or fail: a mapping meeting a
    list, or an interpolation that may resolve to a container, is simply replaced.
    `parent` is the key path of the container the key is in; `value` is the value
    now stored (a copy of the source's, safe to keep).
    """

    def added(self, parent: KeyPath, key: Any, value: Any) -> None: ...

    def replaced(self, parent: KeyPath, key: Any, old: Any, value: Any) -> None: ...

    def deleted(self, parent: KeyPath, key: Any, old: Any) -> None: ...


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


def _may_be_container(value: Any, parents: list[Any]) -> bool:
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


def _dotted(parent: KeyPath, key: Any) -> str:
    return ".".join(str(part) for part in (*parent, key))


def merge_plain(
    dest: dict[Any, Any] | list[Any],
    src: dict[Any, Any],
    parent: KeyPath = (),
    parents: list[Any] | None = None,
    *,
    events: MergeEvents | None = None,
    missing_replaces: bool = False,
) -> None:
    """Merge `src` into `dest` in place, as OmegaConf merges untyped configs.

    The rules: a new key is added (a copy); a mapping merges into a mapping key by
    key; `???` never replaces a value that is there (unless `missing_replaces`, as
    for an override's value); anything else, lists and null included, replaces.
    `dest` may be a list, `src` then maps indices to values (the next index appends).

    Args:
        dest: the config so far (at the top level: the root).
        src: what to merge in.
        parent: dest's key path, for messages and events.
        parents: the containers from the root down to `dest`, for relative interpolations.
        events: told of every change; given, the merge is a replay (see `MergeEvents`).
        missing_replaces: `???` replaces values too (an override writing `???`).

    Raises:
        NeedsOmegaConf: `dest` holds an interpolation that may point to a container
            where `src` merges a container or `???` (only OmegaConf can decide).
        CompositionError: a mapping meets a list.
    """
    strict = events is None
    chain = [dest] if parents is None else parents
    is_list = isinstance(dest, list)
    for key, new in src.items():
        if not (key < len(dest) if is_list else key in dest):
            value = copy_plain(new)
            if is_list:
                dest.append(value)  # type: ignore[union-attr]  # is_list says it is one
            else:
                dest[key] = value
            if events is not None:
                events.added(parent, key, value)
            continue
        old = dest[key]
        if (
            strict
            and isinstance(old, str)
            and (isinstance(new, (dict, list)) or new == MISSING)
            and _may_be_container(old, chain)
        ):
            raise NeedsOmegaConf(_dotted(parent, key))
        if isinstance(new, dict) and isinstance(old, dict):
            merge_plain(
                old,
                new,
                (*parent, key),
                [*chain, old],
                events=events,
                missing_replaces=missing_replaces,
            )
            continue
        if isinstance(new, str) and new == MISSING and not missing_replaces:
            continue  # `???` never replaces a value that is already there
        if (
            strict
            and isinstance(new, (dict, list))
            and isinstance(old, (dict, list))
            and not (isinstance(new, list) and isinstance(old, list))
        ):
            raise CompositionError(
                f"Cannot merge {_kind(new)} into '{_dotted(parent, key)}', which is {_kind(old)}"
            )
        value = copy_plain(new)
        dest[key] = value
        if events is not None:
            events.replaced(parent, key, old, value)


def _holds(container: Any, key: Any) -> bool:
    if isinstance(container, dict):
        return key in container
    return isinstance(container, list) and isinstance(key, int) and 0 <= key < len(container)


def lookup_plain(root: dict[Any, Any], path: KeyPath) -> Any:
    """The value at `path`, or None where there is none."""
    node: Any = root
    for part in path:
        if not _holds(node, part):
            return None
        node = node[part]
    return node


def set_plain(
    root: dict[Any, Any], path: KeyPath, value: Any, events: MergeEvents | None = None
) -> None:
    """An override's `key=value` (`+`, `++` alike) on plain data: the value merges in as
    `OmegaConf.update(cfg, key, value, merge=True)` merges it, making the mappings on
    the way where they are missing, and `???` replaces too."""
    node: Any = root
    for depth, part in enumerate(path[:-1]):
        here = path[: depth + 1]
        child = lookup_plain(root, here)
        if not isinstance(child, (dict, list)):
            merge_plain(node, {part: {}}, here[:-1], events=events, missing_replaces=True)
            child = lookup_plain(root, here)
        node = child
    if not isinstance(node, (dict, list)):
        return
    key = path[-1]
    if isinstance(node, list) and not isinstance(key, int):
        return
    merge_plain(node, {key: value}, path[:-1], events=events, missing_replaces=True)


def extend_plain(
    root: dict[Any, Any], path: KeyPath, values: Sequence[Any], events: MergeEvents | None = None
) -> None:
    """`key=extend_list(...)` on plain data: the values are appended to the list there."""
    current = lookup_plain(root, path)
    if isinstance(current, list):
        for item in values:
            merge_plain(current, {len(current): item}, path, events=events, missing_replaces=True)


def delete_plain(root: dict[Any, Any], path: KeyPath, events: MergeEvents | None = None) -> None:
    """`~key` on plain data: the key (or list item) goes, with all it holds."""
    parent = lookup_plain(root, path[:-1])
    key = path[-1]
    if not _holds(parent, key):
        return
    old = parent.pop(key)
    if events is not None:
        events.deleted(path[:-1], key, old)


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
