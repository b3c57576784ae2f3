"""Provenance of a composition, computed when asked for by replaying it.

Composing records nothing, so plain `compose` pays nothing for this feature.
Asked for the origins, `trace` merges the same configs again, in the same
order and with composition's own merge rules (`hydria.compose.merge`, which
tells it of every key it adds, replaces or deletes), then applies the same
value overrides, noting for every key each value it takes and who wrote it. What the replay
cannot see — the `hydra` node's schema defaults and what a run records there —
is found by comparing with the composed config and credited to hydria.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import Any

from omegaconf import DictConfig, ListConfig, OmegaConf

from hydria.compose import Composition
from hydria.compose.merge import (
    MISSING,
    delete_plain,
    embed,
    extend_plain,
    merge_plain,
    set_plain,
)
from hydria.defaults import split_body
from hydria.defaults.model import ResultDefault
from hydria.overrides import ListExtension, Override, OverrideType, parse_overrides, plain_value
from hydria.provenance.lines import key_lines
from hydria.provenance.model import (
    Action,
    KeyHistory,
    KeyPath,
    Origin,
    OriginKind,
    Provenance,
    Step,
    format_key,
    key_parts,
)
from hydria.repository import RawConfig

__all__ = ["trace"]

HYDRIA = Origin(kind=OriginKind.HYDRIA, name="hydria", location="hydria")


def _plain(value: Any) -> Any:
    if isinstance(value, (DictConfig, ListConfig)):
        return OmegaConf.to_container(value, resolve=False)
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


class _Replay:
    """The config as composition's merge rules rebuild it, and the steps of every key so
    far: it hears each change as `MergeEvents` and credits it to the current source."""

    def __init__(self) -> None:
        self.root: dict[Any, Any] = {}
        self.origin = HYDRIA  # the source being merged or the override being applied
        self.steps: dict[KeyPath, list[Step]] = {}
        self.creator: dict[KeyPath, Origin] = {}
        self._lines: dict[str, dict[KeyPath, int]] = {}

    # -- recording ---------------------------------------------------------------------

    def _line(self, origin: Origin, path: KeyPath) -> int | None:
        if origin.filename is None:
            return None
        lines = self._lines.get(origin.filename)
        if lines is None:
            lines = self._lines[origin.filename] = key_lines(origin.filename)
        depth = len(origin.package.split(".")) if origin.package else 0
        return lines.get(path[depth:])

    def _record(self, path: KeyPath, action: Action, value: Any, origin: Origin) -> None:
        step = Step(
            action=action, value=_plain(value), origin=origin, line=self._line(origin, path)
        )
        self.steps.setdefault(path, []).append(step)

    def _first_value(self, parent: KeyPath, origin: Origin) -> Action:
        """SET when this source made the parent (or writes a config's top level), else ADD."""
        if not parent:
            return Action.SET if origin.kind is OriginKind.CONFIG else Action.ADD
        return Action.SET if self.creator.get(parent) is origin else Action.ADD

    def _created(self, path: KeyPath, value: Any, origin: Origin, action: Action) -> None:
        """A value lands where nothing was: it and everything inside it are new."""
        self._record(path, action, value, origin)
        self._created_inside(path, value, origin)

    def _removed_below(self, path: KeyPath, old: Any, origin: Origin) -> None:
        """Everything inside a replaced or deleted value is gone."""
        children: list[tuple[Any, Any]] = []
        if isinstance(old, dict):
            children = list(old.items())
        elif isinstance(old, list):
            children = list(enumerate(old))
        for key, child in children:
            child_path = (*path, key)
            self._removed_below(child_path, child, origin)
            self._record(child_path, Action.DELETE, None, origin)

    # -- merge events (see hydria.compose.merge.MergeEvents) ----------------------------

    def added(self, parent: KeyPath, key: Any, value: Any) -> None:
        self._created((*parent, key), value, self.origin, self._first_value(parent, self.origin))

    def replaced(self, parent: KeyPath, key: Any, old: Any, value: Any) -> None:
        here, origin = (*parent, key), self.origin
        action = Action.POPULATE if isinstance(old, str) and old == MISSING else Action.OVERRIDE
        if isinstance(old, list) and isinstance(value, list):
            self._record(here, action, value, origin)
            self.creator[here] = origin
            for index, item in enumerate(value):
                if index < len(old):
                    self._removed_below((*here, index), old[index], origin)
                    was = old[index]
                    step = Action.POPULATE if isinstance(was, str) and was == MISSING else None
                    self._record((*here, index), step or Action.OVERRIDE, item, origin)
                    self._created_inside((*here, index), item, origin)
                else:
                    self._created((*here, index), item, origin, Action.SET)
            for index in range(len(value), len(old)):
                self._removed_below((*here, index), old[index], origin)
                self._record((*here, index), Action.DELETE, None, origin)
            return
        self._removed_below(here, old, origin)
        self._record(here, action, value, origin)
        self._created_inside(here, value, origin)

    def deleted(self, parent: KeyPath, key: Any, old: Any) -> None:
        here = (*parent, key)
        self._removed_below(here, old, self.origin)
        self._record(here, Action.DELETE, None, self.origin)

    def _created_inside(self, path: KeyPath, value: Any, origin: Origin) -> None:
        """What is inside a new mapping or list comes with it, from the same source."""
        if isinstance(value, dict):
            self.creator[path] = origin
            for key, child in value.items():
                self._created((*path, key), child, origin, Action.SET)
        elif isinstance(value, list):
            self.creator[path] = origin
            for index, child in enumerate(value):
                self._created((*path, index), child, origin, Action.SET)


def _config_origin(raw: RawConfig | None, d: ResultDefault, chosen_by: str | None) -> Origin:
    filename = raw.filename if raw is not None else None
    if filename is None:
        location = f"structured://{d.config_path}"
    else:
        location = d.config_path + os.path.splitext(filename)[1]
    return Origin(
        kind=OriginKind.CONFIG,
        name=d.config_path,
        location=location,
        filename=filename,
        package=d.package,
        chosen_by=chosen_by,
    )


def _body(raw: RawConfig | None, d: ResultDefault) -> dict[Any, Any]:
    """The config's content as plain data, at its package (as composition merges it)."""
    if raw is None:
        return {}
    body = split_body(raw)[1]
    if isinstance(body, DictConfig):
        body = OmegaConf.to_container(body, resolve=False)
        assert isinstance(body, dict)
        body.pop("defaults", None)
    wrapped = embed(body, d.package)
    return wrapped if isinstance(wrapped, dict) else {}


def _group_choosers(overrides: Sequence[Override]) -> dict[str, str]:
    """{'db': 'db=mysql', 'db@backup': '+db@backup=pg'}: the last override per group key."""
    found: dict[str, str] = {}
    for o in overrides:
        if o.type is not OverrideType.DELETE and isinstance(plain_value(o.value), str | None):
            found[o.key_with_package] = o.text
    return found


def _positions(given: Sequence[str]) -> dict[str, int]:
    positions: dict[str, int] = {}
    for index, text in enumerate(given, start=1):
        positions.setdefault(text, index)
    return positions


def _apply_override(replay: _Replay, o: Override) -> None:
    path = key_parts(o.key)
    if not path:
        return
    if o.type is OverrideType.DELETE:
        delete_plain(replay.root, path, replay)
    elif isinstance(o.value, ListExtension):
        extend_plain(replay.root, path, [plain_value(v) for v in o.value.values], replay)
    else:
        set_plain(replay.root, path, plain_value(o.value) if o.has_value else None, replay)


def _final_paths(node: Any, path: KeyPath, out: dict[KeyPath, Any]) -> None:
    out[path] = node
    if isinstance(node, dict):
        for key, child in node.items():
            _final_paths(child, (*path, key), out)
    elif isinstance(node, list):
        for index, child in enumerate(node):
            _final_paths(child, (*path, index), out)


def _reconcile(replay: _Replay, config: DictConfig) -> None:
    """Credit hydria with what the `hydra` node holds that no source wrote."""
    final: dict[KeyPath, Any] = {}
    _final_paths(OmegaConf.to_container(config, resolve=False), (), final)
    for path, value in final.items():
        if not path:
            continue
        steps = replay.steps.get(path)
        if path[0] != "hydra":
            continue
        if not steps or steps[-1].action is Action.DELETE:
            action = Action.SET if not steps else Action.ADD
            replay.steps.setdefault(path, []).append(
                Step(action=action, value=value, origin=HYDRIA)
            )
        elif not isinstance(value, (dict, list)) and steps[-1].value != value:
            was = steps[-1].value
            action = Action.POPULATE if isinstance(was, str) and was == MISSING else Action.OVERRIDE
            steps.append(Step(action=action, value=value, origin=HYDRIA))
    for path, steps in replay.steps.items():
        gone = path and path not in final and steps[-1].action is not Action.DELETE
        if gone and (path[0] == "hydra" or path == ("defaults",)):
            steps.append(Step(action=Action.DELETE, value=None, origin=HYDRIA))


def trace(composition: Composition, overrides: Sequence[str] | None = None) -> Provenance:
    """The history of every key of `composition.config`.

    Args:
        composition: what `compose_config` returned.
        overrides: the overrides as given (command line order), to number them and to
            tell which override chose each config from its group; by default the records
            the composition was made with (`Composition.overrides`), not parsed again.
    """
    parsed = list(composition.overrides) if overrides is None else parse_overrides(list(overrides))
    choosers = _group_choosers(
        [o for o in parsed if o not in composition.defaults.config_overrides]
    )
    positions = _positions([o.text for o in parsed])
    replay = _Replay()
    for d in composition.defaults.defaults:
        raw = composition.repository.load(d.config_path)
        chosen_by = choosers.get(d.override_key) if d.override_key else None
        replay.origin = _config_origin(raw, d, chosen_by)
        merge_plain(replay.root, _body(raw, d), events=replay)
    for o in composition.defaults.config_overrides:
        replay.origin = Origin(
            kind=OriginKind.OVERRIDE,
            name=o.text,
            location="command line",
            position=positions.get(o.text),
        )
        _apply_override(replay, o)
    has_hydra = "hydra" in composition.config
    _reconcile(replay, composition.config)
    histories = {
        format_key(path): KeyHistory(key=format_key(path), steps=tuple(steps))
        for path, steps in replay.steps.items()
        if path and (has_hydra or path[0] != "hydra")
    }
    return Provenance(histories)
