"""What differs between two runs, or between a run and what its config tree composes today.

Configs are compared as plain values, leaf by leaf. A key whose value turns from a
mapping into a list or a scalar (or back) is reported once, at that key, because
listing the leaves of one side would hide that the shape itself changed.
"""

from __future__ import annotations

import enum
import math
from collections.abc import Iterator, Mapping, Sequence
from pathlib import PurePath
from typing import Any, Literal

from omegaconf import Container, DictConfig, ListConfig, OmegaConf

from hydria.record_class import record
from hydria.runs.recompose import recompose
from hydria.runs.saved import SavedRun
from hydria.runtime import pop_job, push_job, register_resolvers

__all__ = [
    "ABSENT",
    "Absent",
    "RunDiff",
    "ValueChange",
    "diff_against_config",
    "diff_against_tree",
    "diff_configs",
    "diff_runs",
]

TREE_TODAY = "config tree today"

_Kind = Literal["changed", "added", "removed"]


class Absent(enum.Enum):
    """The type of `ABSENT`; an enum so the marker survives pickling as itself."""

    ABSENT = "absent"

    def __repr__(self) -> str:
        return "ABSENT"


ABSENT = Absent.ABSENT
"""A side of a `ValueChange` where the key (or config group) does not exist.

`None` cannot mark it: `null` is a value a config can hold."""


@record(kw_only=True)
class ValueChange:
    """One key (or config group) whose value differs.

    Attributes:
        key: the dotted path of the value (`db.port`, `model.layers[1]`), or the group.
        before: the value on the first side, or `ABSENT`.
        after: the value on the second side, or `ABSENT`.
    """

    key: str
    before: Any
    after: Any


@record(kw_only=True)
class RunDiff:
    """The differences between two configs, and between the runs that made them.

    Attributes:
        first_label: what the first side is (a run's directory, ...).
        second_label: what the second side is.
        changed: keys on both sides with different values.
        added: keys only on the second side (`before` is `ABSENT`).
        removed: keys only on the first side (`after` is `ABSENT`).
        overrides_only_first: the first run's task overrides the second lacks, in order.
        overrides_only_second: the second run's task overrides the first lacks, in order.
        choices: config groups whose chosen option differs (Hydra's own groups left out).
    """

    first_label: str
    second_label: str
    changed: tuple[ValueChange, ...] = ()
    added: tuple[ValueChange, ...] = ()
    removed: tuple[ValueChange, ...] = ()
    overrides_only_first: tuple[str, ...] = ()
    overrides_only_second: tuple[str, ...] = ()
    choices: tuple[ValueChange, ...] = ()

    @property
    def same(self) -> bool:
        """Whether nothing differs."""
        return not (
            self.changed
            or self.added
            or self.removed
            or self.overrides_only_first
            or self.overrides_only_second
            or self.choices
        )


def diff_configs(
    first: DictConfig,
    second: DictConfig,
    *,
    first_label: str = "first",
    second_label: str = "second",
) -> RunDiff:
    """Compare two configs as they are: interpolations and `???` compared as written.

    Args:
        first: the first config.
        second: the second config.
        first_label: what to call the first side in reports.
        second_label: what to call the second side in reports.

    Returns:
        The differences in values; the overrides and choices are empty.
    """
    changed, added, removed = _compare_values(_plain(first), _plain(second))
    return RunDiff(
        first_label=first_label,
        second_label=second_label,
        changed=changed,
        added=added,
        removed=removed,
    )


def diff_runs(first: SavedRun, second: SavedRun, *, resolve: bool = False) -> RunDiff:
    """Compare two runs: their saved configs, task overrides and group choices.

    Args:
        first: the first run.
        second: the second run.
        resolve: compare interpolations by their values, each resolved in its own run
            (`${hydra:...}` reads that run's `hydra` node). A value that does not resolve
            is compared as written.

    Returns:
        The differences, labelled with the runs' directories.
    """
    changed, added, removed = _compare_values(
        _task_values(first.config, first.hydra, resolve=resolve),
        _task_values(second.config, second.hydra, resolve=resolve),
    )
    only_first, only_second = _compare_overrides(first.task_overrides, second.task_overrides)
    return RunDiff(
        first_label=str(first.directory),
        second_label=str(second.directory),
        changed=changed,
        added=added,
        removed=removed,
        overrides_only_first=only_first,
        overrides_only_second=only_second,
        choices=_compare_choices(first.choices, second.choices),
    )


def diff_against_config(
    run: SavedRun,
    composed: DictConfig,
    *,
    resolve: bool = False,
    second_label: str = TREE_TODAY,
) -> RunDiff:
    """Compare a run's saved config with a config composed for it again.

    Only the task's part of `composed` is compared (its `hydra` key is dropped), and its
    group choices are read from `composed.hydra.runtime.choices`. With `resolve`, both
    sides resolve in the context of the run's own `hydra` node: the composition's node
    lacks what only running set (the output dir, the job's id), which would show as
    differences the config tree did not make.

    Args:
        run: the run.
        composed: the full config composed with the run's overrides (`hydra` key included).
        resolve: compare interpolations by their values; see `diff_runs`.
        second_label: what to call the composed side in reports.
    """
    task = OmegaConf.masked_copy(composed, [str(k) for k in composed if k != "hydra"])
    changed, added, removed = _compare_values(
        _task_values(run.config, run.hydra, resolve=resolve),
        _task_values(task, run.hydra, resolve=resolve),
    )
    choices = OmegaConf.select(composed, "hydra.runtime.choices", default=None)
    composed_choices = (
        {str(k): None if v is None else str(v) for k, v in choices.items()}
        if isinstance(choices, DictConfig)
        else {}
    )
    return RunDiff(
        first_label=str(run.directory),
        second_label=second_label,
        changed=changed,
        added=added,
        removed=removed,
        choices=_compare_choices(run.choices, composed_choices),
    )


def diff_against_tree(run: SavedRun, *, resolve: bool = False) -> RunDiff:
    """Compare a run's saved config with what its config tree composes today for the same
    overrides: did the config files change since the run?

    Args:
        run: the run.
        resolve: compare interpolations by their values; see `diff_against_config`.

    Raises:
        SavedRunError: the run's `hydra` node lacks what composing needs.
        HydriaError: the config tree no longer composes (a file gone, an option renamed).
    """
    return diff_against_config(run, recompose(run.hydra).config, resolve=resolve)


# -- plain values -----------------------------------------------------------------------


def _plain(cfg: Container) -> Any:
    """Plain Python values, enums by name as a saved YAML file holds them."""
    return _normalized(OmegaConf.to_container(cfg, resolve=False, enum_to_str=True))


def _normalized(value: Any) -> Any:
    # A path is saved to YAML as its text; compared as an object it would always differ.
    if isinstance(value, dict):
        return {k: _normalized(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_normalized(v) for v in value]
    if isinstance(value, PurePath):
        return str(value)
    return value


def _task_values(task: DictConfig, hydra: DictConfig, *, resolve: bool) -> Any:
    if not resolve:
        return _plain(task)
    register_resolvers()
    token = push_job(hydra)
    try:
        return _resolved(task, _plain(task))
    finally:
        pop_job(token)


def _resolved(cfg: Container, raw: Any) -> Any:
    """`raw` (the plain form of `cfg`) with each interpolation replaced by its value where
    it resolves; one that does not (`???` behind it, a resolver error) stays as written."""
    if isinstance(cfg, DictConfig) and isinstance(raw, dict):
        return {k: _resolved_item(cfg, k, v) for k, v in raw.items()}
    if isinstance(cfg, ListConfig) and isinstance(raw, list):
        return [_resolved_item(cfg, i, v) for i, v in enumerate(raw)]
    return raw


def _resolved_item(parent: Container, key: Any, raw: Any) -> Any:
    if OmegaConf.is_interpolation(parent, key):
        try:
            value = parent[key]
            if isinstance(value, Container):
                value = OmegaConf.to_container(value, resolve=True, enum_to_str=True)
        # Anything a resolver raises lands here, and a diff must not fail on it.
        except Exception:  # noqa: BLE001 - kept as written, as the docstring promises
            return raw
        return _normalized(value)
    if isinstance(raw, (dict, list)):
        child = parent[key]
        return _resolved(child, raw) if isinstance(child, Container) else raw
    return raw


# -- comparison -------------------------------------------------------------------------


def _same(a: Any, b: Any) -> bool:
    # `1 == True == 1.0` in Python; a config that swaps one for another did change.
    if type(a) is not type(b):
        return False
    if isinstance(a, float) and math.isnan(a) and math.isnan(b):
        return True
    return bool(a == b)


def _child_key(prefix: str, key: Any) -> str:
    return f"{prefix}.{key}" if prefix else str(key)


def _walk(key: str, a: Any, b: Any) -> Iterator[tuple[_Kind, ValueChange]]:
    if isinstance(a, dict) and isinstance(b, dict):
        for k, v in a.items():
            sub = _child_key(key, k)
            if k in b:
                yield from _walk(sub, v, b[k])
            else:
                yield from (("removed", c) for c in _leaves(sub, v, removed=True))
        for k, v in b.items():
            if k not in a:
                yield from (("added", c) for c in _leaves(_child_key(key, k), v, removed=False))
    elif isinstance(a, list) and isinstance(b, list):
        for i in range(max(len(a), len(b))):
            sub = f"{key}[{i}]"
            if i < len(a) and i < len(b):
                yield from _walk(sub, a[i], b[i])
            elif i < len(a):
                yield from (("removed", c) for c in _leaves(sub, a[i], removed=True))
            else:
                yield from (("added", c) for c in _leaves(sub, b[i], removed=False))
    elif not _same(a, b):
        yield "changed", ValueChange(key=key, before=a, after=b)


def _leaves(key: str, value: Any, *, removed: bool) -> Iterator[ValueChange]:
    """A value only one side has, one entry per leaf; an empty mapping or list is a leaf."""
    if isinstance(value, dict) and value:
        for k, v in value.items():
            yield from _leaves(_child_key(key, k), v, removed=removed)
    elif isinstance(value, list) and value:
        for i, v in enumerate(value):
            yield from _leaves(f"{key}[{i}]", v, removed=removed)
    elif removed:
        yield ValueChange(key=key, before=value, after=ABSENT)
    else:
        yield ValueChange(key=key, before=ABSENT, after=value)


def _compare_values(
    first: Any, second: Any
) -> tuple[tuple[ValueChange, ...], tuple[ValueChange, ...], tuple[ValueChange, ...]]:
    found: dict[_Kind, list[ValueChange]] = {"changed": [], "added": [], "removed": []}
    for kind, change in _walk("", first, second):
        found[kind].append(change)
    return tuple(found["changed"]), tuple(found["added"]), tuple(found["removed"])


def _compare_overrides(
    first: Sequence[str], second: Sequence[str]
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    in_first, in_second = set(first), set(second)
    return (
        tuple(o for o in first if o not in in_second),
        tuple(o for o in second if o not in in_first),
    )


def _is_hydra_group(group: str) -> bool:
    return group == "hydra" or group.startswith("hydra/")


def _compare_choices(
    first: Mapping[str, str | None], second: Mapping[str, str | None]
) -> tuple[ValueChange, ...]:
    groups = [*first, *(g for g in second if g not in first)]
    return tuple(
        ValueChange(key=g, before=first.get(g, ABSENT), after=second.get(g, ABSENT))
        for g in groups
        if not _is_hydra_group(g) and first.get(g, ABSENT) != second.get(g, ABSENT)
    )
