"""What a Tab needs from the config tree, kept between Tabs: a warm Tab answers without
OmegaConf, YAML or a composition (a Tab must answer within 100 ms; importing OmegaConf
alone costs about that).

One entry per config source (the script, its primary source, `--config-path`,
`--config-dir`s), in the user's authenticated disk cache, holds:

* the config groups and their options, and the primary configs;
* the *shapes* of the composed config (`config_keys.shape_of`), one per combination of
  the overrides that change which keys exist: group choices, and `+`, `++`, `~`
  overrides (a value override only changes a value; the newest few combinations kept);
* a stamp of everything the answers were read from: every file and directory under
  the search path's directories (path, mtime, size), hydria's own configs, and the
  `hydra_plugins` directories that search path plugins come from.

An entry whose stamp no longer matches, that does not authenticate or does not parse
is a miss: the tree is composed again and the entry rewritten. A search path with a
source that is not a directory (a `pkg://` package other than hydria's) is not kept.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from hydria.completion.candidates import Tree
from hydria.completion.config_keys import key_candidates, leaf_value, value_candidates
from hydria.version import __version__

__all__ = ["CachedTree", "composition_key", "load", "save", "source_key"]

_SHAPES_KEPT = 8
_FORMAT = 1


def source_key(*parts: object) -> str:
    """The entry's key: hydria's version and what decides the search path."""
    return json.dumps([_FORMAT, __version__, sys.version, *parts], default=str)


def composition_key(overrides: Sequence[str], groups: Mapping[str, Any]) -> str:
    """The overrides on the line that can change which keys the config has: a choice of
    a group the tree knows, and any `+`, `++` or `~` override (a sweep is not composed)."""
    kept = []
    for text in overrides:
        key, equals, value = text.partition("=")
        if equals and "," in value:  # a sweep: composition takes none of its values
            continue
        bare = key.lstrip("+~").partition("@")[0]
        if key[:1] in "+~" or bare in groups:
            kept.append(text)
    return json.dumps(kept)


def _hydria_configs() -> str:
    return os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "builtin")


def _plugin_dirs() -> list[str]:
    return [
        os.path.join(entry, "hydra_plugins")
        for entry in sys.path
        if entry and os.path.isdir(os.path.join(entry, "hydra_plugins"))
    ]


def stamp(roots: Iterable[str]) -> list[list[Any]]:
    """Path, mtime and size of every directory and file under `roots` (and of hydria's
    own configs, and of the search path plugins' directories): what a warm answer
    depends on."""
    found: list[list[Any]] = []
    for root in [*roots, _hydria_configs(), *_plugin_dirs()]:
        for folder, dirs, files in os.walk(root):
            dirs.sort()
            for name in [folder, *(os.path.join(folder, f) for f in sorted(files))]:
                try:
                    st = os.stat(name)
                except OSError:
                    continue
                found.append([name, st.st_mtime_ns, st.st_size])
    return found


def _store() -> Any:
    from hydria.app.app_setup import disk_cache_dir
    from hydria.compose.disk_cache import DiskCache

    folder = disk_cache_dir()
    return None if folder is None else DiskCache(folder)


def _name(key: str) -> str:
    from hydria.compose.disk_cache import entry_name

    return "complete-" + entry_name(key.encode())


def load(key: str) -> dict[str, Any] | None:
    """The entry for `key` if it is still true of the files; else None."""
    store = _store()
    if store is None:
        return None
    blob = store.read(_name(key), key.encode())
    if blob is None:
        return None
    try:
        entry = json.loads(blob)
    except (ValueError, RecursionError):
        return None
    if not _well_formed(entry) or entry["stamp"] != stamp(entry["roots"]):
        return None
    return dict(entry)


def _well_formed(entry: Any) -> bool:
    return (
        isinstance(entry, dict)
        and isinstance(entry.get("roots"), list)
        and all(isinstance(r, str) for r in entry["roots"])
        and isinstance(entry.get("stamp"), list)
        and isinstance(entry.get("groups"), dict)
        and all(
            isinstance(g, list) and len(g) == 2 and all(isinstance(x, list) for x in g)
            for g in entry["groups"].values()
        )
        and isinstance(entry.get("primaries"), list)
        and isinstance(entry.get("shapes"), dict)
    )


def save(
    key: str,
    *,
    entry: Mapping[str, Any] | None,
    roots: Sequence[str],
    groups: Mapping[str, tuple[list[str], list[str]]],
    primaries: Sequence[str],
    composition: str,
    shape: Mapping[str, Any] | None,
) -> None:
    """Keep what this Tab composed, with the shapes kept before (`entry`, when still true)."""
    store = _store()
    if store is None:
        return
    shapes = dict(entry["shapes"]) if entry is not None else {}
    shapes.pop(composition, None)
    shapes[composition] = shape
    while len(shapes) > _SHAPES_KEPT:
        shapes.pop(next(iter(shapes)))
    data = {
        "roots": list(roots),
        "stamp": stamp(roots),
        "groups": {g: [list(o), list(s)] for g, (o, s) in groups.items()},
        "primaries": list(primaries),
        "shapes": shapes,
    }
    store.write(_name(key), key.encode(), json.dumps(data).encode())


class CachedTree:
    """A `Tree` answered from an entry and one of its shapes."""

    def __init__(self, entry: Mapping[str, Any], shape: Mapping[str, Any] | None, cwd: str):
        self._groups = entry["groups"]
        self._primaries = list(entry["primaries"])
        self._shape = dict(shape) if isinstance(shape, dict) else None
        self._cwd = cwd

    def groups(self, group: str) -> tuple[list[str], list[str]]:
        found = self._groups.get(group)
        return (list(found[0]), list(found[1])) if found else ([], [])

    def answers(self) -> Tree:
        shape = self._shape
        return Tree(
            groups=self.groups,
            keys=lambda dotted: [] if shape is None else key_candidates(shape, dotted),
            values=lambda key: [] if shape is None else value_candidates(shape, key),
            leaf=lambda key: None if shape is None else leaf_value(shape, key),
            primaries=lambda: list(self._primaries),
            cwd=self._cwd,
        )
