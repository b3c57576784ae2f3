"""Turns a sweep into the concrete values of its jobs, as Hydra's basic sweeper enumerates them."""

from __future__ import annotations

import fnmatch
import math
import random
from collections.abc import Sequence
from dataclasses import replace
from decimal import Decimal

from hydria.errors import OverrideValueError
from hydria.overrides.model import (
    ChoiceSweep,
    Glob,
    IntervalSweep,
    ParsedValue,
    RangeSweep,
    ZipSweep,
)


def sweep_values(value: ParsedValue, options: Sequence[str] | None = None) -> list[ParsedValue]:
    """The values a sweep stands for, one per job, in job order.

    A shuffled choice or range comes back in a fresh random order on every call (from the
    `random` module, so `random.seed` makes it repeatable). A `zip()` gives its values in
    order: pairing them with the other zips of the sweep is the sweeper's work. A value
    that is not a sweep stands for itself.

    Args:
        value: an override's parsed value.
        options: the option names of the config group, which a `glob()` selects from.

    Returns:
        The concrete values.

    Raises:
        OverrideValueError: the value is an `interval()`, which has no discrete values; a
            `glob()` was given no options; or a range cannot be enumerated.
    """
    if isinstance(value, ChoiceSweep):
        return _maybe_shuffled(list(value.values), value.shuffle)
    if isinstance(value, ZipSweep):
        return list(value.values)
    if isinstance(value, RangeSweep):
        return _maybe_shuffled(list(range_items(value)), value.shuffle)
    if isinstance(value, Glob):
        if options is None:
            raise OverrideValueError("glob() needs the config group's options to select from")
        return [name for name in options if _glob_selects(value, name)]
    if isinstance(value, IntervalSweep):
        raise OverrideValueError(
            "interval() is a continuous range: only a sweeper that samples (such as an "
            "optimizer) can use it"
        )
    return [value]


def _maybe_shuffled(values: list[ParsedValue], shuffle: bool) -> list[ParsedValue]:
    if shuffle:
        random.shuffle(values)
    return values


def _glob_selects(glob: Glob, name: str) -> bool:
    def matches(patterns: tuple[str, ...]) -> bool:
        return any(fnmatch.fnmatch(name, pattern) for pattern in patterns)

    return matches(glob.include) and not matches(glob.exclude)


def range_items(sweep: RangeSweep) -> Sequence[int | float]:
    """The elements of a range: Python's `range` for ints, else decimal steps as Hydra takes them.

    Raises:
        OverrideValueError: the step is 0, or a bound is infinite or nan.
    """
    start, stop, step = sweep.start, sweep.stop, sweep.step
    if step == 0:
        raise OverrideValueError("range() step cannot be 0")
    if isinstance(start, int) and isinstance(stop, int) and isinstance(step, int):
        return range(start, stop, step)
    if not all(math.isfinite(bound) for bound in (start, stop, step)):
        raise OverrideValueError(
            f"range({start}, {stop}, {step}) has no end: bounds must be finite"
        )
    # Hydra adds the step in Decimal arithmetic, which keeps 0.1 + 0.2 from drifting to
    # 0.30000000000000004; doing the same gives the same job values.
    current, end, increment = Decimal(start), Decimal(stop), Decimal(step)
    items: list[int | float] = []
    while (current < end) if increment > 0 else (current > end):
        items.append(float(current))
        current += increment
    return items


def sorted_range(sweep: RangeSweep, reverse: bool) -> RangeSweep:
    """The range with the same elements, ascending, or descending when `reverse`.

    Hydra 1.3 computed the flipped bounds from `stop`, which is wrong when the range does
    not land on it (`sort(range(0,5,2),reverse=true)` gave 3,1,-1); this follows the fix
    made after 1.3 and gives 4,2,0.
    """
    if (sweep.step > 0) != reverse:
        return sweep
    items = range_items(sweep)
    if len(items) < 2:
        return sweep
    return replace(sweep, start=items[-1], stop=sweep.start - sweep.step, step=-sweep.step)
