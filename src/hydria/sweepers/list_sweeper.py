"""The list sweeper: the config of the hydra-list-sweeper plugin, run by hydria.

Its `grid_params` are crossed like the basic sweeper's params, its `list_params` are
paired value by value (they are `zip()` overrides written in the config), and each of
its `ablative_params` repeats the whole sweep with some values replaced. Configs written
for that plugin (`hydra/sweeper=list`, or its `_target_`) run unchanged.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from typing import Any

from hydria.errors import OverrideValueError
from hydria.overrides import (
    ChoiceSweep,
    FrozenDict,
    Glob,
    IntervalSweep,
    Override,
    ParsedValue,
    ZipSweep,
    is_sweep_value,
    parse_override,
    render_override,
    render_value,
    sweep_values,
)
from hydria.plugin_contracts import Sweeper, SweepSession
from hydria.sweepers.basic import in_batches, sweep_jobs

__all__ = ["ListSweeper"]


class ListSweeper(Sweeper):
    """The jobs of hydra-list-sweeper, in its order: the command line's overrides first
    (each crossed, its `zip()`s paired), then `grid_params` (crossed), then the
    `list_params` (paired with each other, and with the command line's `zip()`s).

    A key the command line sets is taken from the command line: its `grid_params` or
    `list_params` entry is left out (with a warning for a list key, as the plugin warns).

    Args:
        list_params: key → values, paired: `"a, b"` (override grammar, so `range()` and
            `choice()` work too), or a list of values. Every key lists as many values.
        grid_params: key → values, crossed with everything else; same forms.
        ablative_params: a list of `{key: value}`; each runs every job again with those
            values set (replaced where the job has the key, added where it has not).
        max_batch_size: jobs handed to the launcher at once; None for the whole sweep
            (the plugin always sends one batch).
    """

    def __init__(
        self,
        list_params: Mapping[str, Any] | None = None,
        grid_params: Mapping[str, Any] | None = None,
        ablative_params: Sequence[Mapping[str, Any]] | None = None,
        max_batch_size: int | None = None,
    ) -> None:
        self.list_params = dict(list_params or {})
        self.grid_params = dict(grid_params or {})
        self.ablative_params = [dict(a) for a in ablative_params or ()]
        self.max_batch_size = max_batch_size

    def sweep(self, overrides: Sequence[Override], session: SweepSession) -> None:
        """Run the list sweep of `overrides` and the sweeper's params through `session`.

        Raises:
            hydria.errors.OverrideError: a param does not parse or cannot be swept, the
                `list_params` do not all list as many values, or an override cannot be
                swept (see `hydria.sweepers.basic.job_batches`).
        """
        session.run_batches(self.batches_of(overrides, options_of=session.group_options))

    def batches_of(
        self, overrides: Sequence[Override], *, options_of: Callable[[str], list[str]]
    ) -> list[list[list[Override]]]:
        """The batches `sweep` runs, each job as its overrides.

        Raises:
            hydria.errors.OverrideError: as `sweep`.
        """
        given = {o.key_with_package for o in overrides}
        grid = [
            o
            for o in (
                _param_override("grid_params", key, raw, ChoiceSweep, options_of)
                for key, raw in self.grid_params.items()
            )
            if o.key_with_package not in given
        ]
        listed = []
        for key, raw in self.list_params.items():
            o = _param_override("list_params", key, raw, ZipSweep, options_of)
            if o.key_with_package in given:
                warnings.warn(
                    f"hydra.sweeper.list_params.{key} is also set on the command line: "
                    "the command line's value is used in every job, the list is left out.",
                    UserWarning,
                    stacklevel=2,
                )
                continue
            listed.append(o)
        _check_list_lengths(listed)
        jobs = sweep_jobs([*overrides, *grid, *listed], options_of=options_of)
        jobs += [
            _ablated(job, ablation, index)
            for index, ablation in enumerate(self.ablative_params)
            for job in jobs
        ]
        return in_batches(jobs, self.max_batch_size)


def _param_override(
    section: str,
    key: str,
    raw: object,
    kind: type[ChoiceSweep] | type[ZipSweep],
    options_of: Callable[[str], list[str]],
) -> Override:
    """The override a `grid_params` or `list_params` entry stands for: `key=choice(...)`
    or `key=zip(...)` of the values it lists."""
    values = _param_values(section, key, raw, options_of)
    if not values:
        raise OverrideValueError(
            f"hydra.sweeper.{section}.{key} lists no values, so the sweep would have no "
            "jobs: give it at least one."
        )
    # Built, not parsed from text: zip() and choice() refuse a null item, a job may not.
    head = parse_override(f"{key}=_")
    return replace(head, value=kind(values=values), text=f"{key}={raw}")


def _param_values(
    section: str, key: str, raw: object, options_of: Callable[[str], list[str]]
) -> tuple[ParsedValue, ...]:
    if isinstance(raw, str):
        # Override grammar, as after `key=` on the command line: `a, b`, `range(3)`...
        value = parse_override(f"{key}={raw}").value
        if isinstance(value, IntervalSweep):
            raise OverrideValueError(
                f"hydra.sweeper.{section}.{key}: interval() has no values to list; the list "
                "sweeper needs values (a, b, a list, range() or choice())."
            )
        options = options_of(key) if isinstance(value, Glob) else None
        return tuple(sweep_values(value, options))
    if isinstance(raw, (list, tuple)):
        return tuple(_item(section, key, item) for item in raw)
    if isinstance(raw, Mapping):
        raise OverrideValueError(
            f"hydra.sweeper.{section}.{key} is a dict; it must list values: a string such as "
            "'a, b' or a list such as [a, b] (a dict value goes inside the list: [{x: 1}])."
        )
    return (_from_config(raw),)


def _item(section: str, key: str, item: object) -> ParsedValue:
    """One job's value from a listed item: a string is override grammar, as the plugin
    pastes it after `key=`; it must not be a sweep itself."""
    if not isinstance(item, str):
        return _from_config(item)
    value = parse_override(f"{key}={item}").value
    if is_sweep_value(value):
        raise OverrideValueError(
            f"hydra.sweeper.{section}.{key}: the item {item!r} is a sweep, but each item of "
            "the list is the value of one job. Quote it to keep it a string, or list its "
            "values as items."
        )
    return value


def _from_config(value: object) -> ParsedValue:
    """A config value (from YAML: no quoting, no sweeps) as a parsed override value."""
    if isinstance(value, (list, tuple)):
        return tuple(_from_config(item) for item in value)
    if isinstance(value, Mapping):
        return FrozenDict(tuple((k, _from_config(v)) for k, v in value.items()))
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    raise OverrideValueError(f"{value!r} cannot be a value of an override")


def _check_list_lengths(listed: Sequence[Override]) -> None:
    lengths = {o.key_with_package: len(_zip_values(o)) for o in listed}
    if len(set(lengths.values())) <= 1:
        return
    rows = "\n".join(f"    {key}: {n} value{'s' if n != 1 else ''}" for key, n in lengths.items())
    raise OverrideValueError(
        "hydra.sweeper.list_params are paired value by value (job i takes value i of "
        f"each), so every key must list as many values:\n{rows}\n  Make the lists the same "
        "length, or move a key to grid_params to cross it with the others."
    )


def _zip_values(o: Override) -> tuple[ParsedValue, ...]:
    assert isinstance(o.value, ZipSweep)  # built by `_param_override`
    return o.value.values


def _ablated(job: list[Override], ablation: Mapping[str, Any], index: int) -> list[Override]:
    """`job` with the values of one `ablative_params` entry: a key the job has keeps its
    place and prefix (`+key`), a new key is added at the end."""
    result = list(job)
    for key, raw in ablation.items():
        text = raw if isinstance(raw, str) else render_value(_from_config(raw))
        new = parse_override(f"{key}={text}")
        if new.is_sweep:
            raise OverrideValueError(
                f"hydra.sweeper.ablative_params[{index}].{key}: {new.text!r} is a sweep; an "
                "ablation sets one value in every job."
            )
        place = next(
            (i for i, o in enumerate(result) if o.key_with_package == new.key_with_package),
            None,
        )
        if place is None:
            result.append(new)
        else:
            kept = replace(new, type=result[place].type)
            result[place] = parse_override(render_override(kept))
    return result
