"""The basic sweeper: the cartesian product of sweep overrides, in Hydra's job order.

Each override becomes a list of overrides (one per value for a sweep, the override
itself otherwise); the jobs are the product of those lists, in order, split into
batches of at most `max_batch_size` jobs. The `zip()` overrides of a sweep are one
factor of that product, stepped through together, at the place of the first of them.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from typing import Any

from hydria.errors import OverrideValueError
from hydria.overrides import (
    Glob,
    IntervalSweep,
    Override,
    ZipSweep,
    parse_overrides,
    render_override,
    render_value,
    sweep_values,
)
from hydria.plugin_contracts import Sweeper, SweepSession

__all__ = ["BasicSweeper", "in_batches", "job_batches", "sweep_jobs"]


def _choices(o: Override, options_of: Callable[[str], list[str]]) -> list[Override]:
    """Each value `o` takes in the jobs, as the override a job gets (written as Hydra
    writes it in each job's overrides, and parsed back)."""
    head = f"{o.type.value}{o.key_with_package}"
    if not o.is_sweep:
        # Hydra writes a bare `~key` as `~key=null` in each job's overrides (same effect)
        return parse_overrides([render_override(o) if o.has_value else f"{head}=null"])
    if isinstance(o.value, IntervalSweep):
        raise OverrideValueError(
            f"Override '{o.text}': the basic sweeper cannot sweep an interval(); it needs a "
            "list of values (choice, range, glob or a,b,c). Use an optimising sweeper for "
            "intervals."
        )
    options = options_of(o.key) if isinstance(o.value, Glob) else None
    values = sweep_values(o.value, options)
    if not values:
        raise _no_jobs(o, options)
    return parse_overrides([f"{head}={render_value(v)}" for v in values])


def _no_jobs(o: Override, options: list[str] | None) -> OverrideValueError:
    """A sweep over no values would run nothing and report success: say so instead."""
    what = f"Override '{o.text}' sweeps over no values, so the sweep has no jobs."
    if options is None:
        return OverrideValueError(f"{what}\n  Give it at least one value.")
    if not options:
        return OverrideValueError(
            f"{what}\n  '{o.key}' is not a config group, or a group without options; "
            "glob() selects among a config group's options."
        )
    return OverrideValueError(
        f"{what}\n  The glob matches none of the options of config group '{o.key}'.\n"
        f"  Available options: {', '.join(options)}"
    )


def sweep_jobs(
    overrides: Sequence[Override], *, options_of: Callable[[str], list[str]]
) -> list[list[Override]]:
    """Every job of a sweep, as its override list, in job order (see `job_batches`).

    Raises:
        OverrideValueError: as `job_batches`.
    """
    per_key: dict[str, list[Override]] = {}
    zipped: dict[str, Override] = {}
    for o in overrides:
        key = f"{o.type.value}{o.key_with_package}"
        per_key[key] = _choices(o, options_of)
        # a later override of the key replaces a zip() as it replaces any value
        zipped.pop(key, None)
        if isinstance(o.value, ZipSweep):
            zipped[key] = o
    if not zipped:
        return [list(job) for job in itertools.product(*per_key.values())]
    _check_zip_lengths(list(zipped.values()), [len(per_key[key]) for key in zipped])
    # The factors of the product: one key each, but all the zipped keys in one factor,
    # at the place of the first of them in `per_key` (the order overrides came in).
    first_zipped = next(key for key in per_key if key in zipped)
    factors = [
        list(zipped) if key == first_zipped else [key]
        for key in per_key
        if key not in zipped or key == first_zipped
    ]
    jobs = []
    for picks in itertools.product(*(range(len(per_key[f[0]])) for f in factors)):
        chosen = {key: per_key[key][i] for f, i in zip(factors, picks, strict=True) for key in f}
        # a job lists its overrides in command-line order, whatever the product order
        jobs.append([chosen[key] for key in per_key])
    return jobs


def _check_zip_lengths(zips: list[Override], lengths: list[int]) -> None:
    if len(set(lengths)) <= 1:
        return
    listed = "\n".join(
        f"    '{o.text}': {n} value{'s' if n != 1 else ''}"
        for o, n in zip(zips, lengths, strict=True)
    )
    raise OverrideValueError(
        "The zip() overrides of a sweep are paired value by value, so they must have as "
        f"many values each:\n{listed}\n  Give every zip() the same number of values, or "
        "turn one into a plain sweep (a,b,c) to cross it with the others."
    )


def job_batches(
    overrides: Sequence[Override],
    *,
    options_of: Callable[[str], list[str]],
    max_batch_size: int | None = None,
) -> list[list[list[Override]]]:
    """The jobs of a sweep, as batches of per-job override lists.

    The jobs are the cartesian product of the overrides' values, the first override
    varying slowest; the `zip()` overrides count as one factor, at the place of the
    first of them, whose i-th value is the i-th value of each.

    Args:
        overrides: the sweep's overrides (`hydra.sweeper.params` first, then the command
            line's task overrides); a later override of the same key replaces an earlier one.
        options_of: a config group's options, for `glob()`.
        max_batch_size: jobs per batch; None or -1 for one batch.

    Raises:
        OverrideValueError: an override cannot be enumerated (an interval, a bad glob),
            stands for no values (`range(0)`, a glob that matches no option), or the
            `zip()` overrides do not all have the same number of values.
    """
    return in_batches(sweep_jobs(overrides, options_of=options_of), max_batch_size)


def in_batches(
    jobs: list[list[Override]], max_batch_size: int | None
) -> list[list[list[Override]]]:
    """`jobs` split into batches of `max_batch_size` (None or -1: one batch).

    Raises:
        OverrideValueError: `max_batch_size` is 0 or negative (other than -1).
    """
    size = len(jobs) if max_batch_size in (None, -1) else max_batch_size
    if size is None or size <= 0:
        if not jobs:
            return []
        raise OverrideValueError(f"hydra.sweeper.max_batch_size must be positive, got {size}")
    return [jobs[i : i + size] for i in range(0, len(jobs), size)]


class BasicSweeper(Sweeper):
    """Hydra's basic sweeper: the product of the sweep overrides, in batches, every
    job known before the first runs.

    Args:
        max_batch_size: jobs handed to the launcher at once; None for the whole sweep.
        params: sweep overrides kept in the config (`{"db": "mysql,postgresql"}`); the
            command line's overrides come after them, so they win.
    """

    def __init__(
        self, max_batch_size: int | None = None, params: dict[str, Any] | None = None
    ) -> None:
        self.max_batch_size = max_batch_size
        self.params = dict(params or {})

    def sweep(self, overrides: Sequence[Override], session: SweepSession) -> None:
        """Run the product of `hydra.sweeper.params` and `overrides` through `session`.

        Raises:
            hydria.errors.OverrideError: a param does not parse, or an override cannot
                be swept (see `job_batches`).
        """
        session.run_batches(self._batches(overrides, session.group_options))

    def batches(
        self, overrides: Sequence[str], *, options_of: Callable[[str], list[str]]
    ) -> list[list[list[str]]]:
        """Deprecated: `sweep`. Each batch's jobs, each job as its override texts, for
        the runner until it drives sweepers through `sweep`.

        Raises:
            hydria.errors.OverrideError: an override does not parse or cannot be swept.
        """
        batches = self._batches(parse_overrides(list(overrides)), options_of)
        return [[[o.text for o in job] for job in batch] for batch in batches]

    def _batches(
        self, overrides: Sequence[Override], options_of: Callable[[str], list[str]]
    ) -> list[list[list[Override]]]:
        params = parse_overrides([f"{k}={v}" for k, v in self.params.items()])
        return job_batches(
            [*params, *overrides], options_of=options_of, max_batch_size=self.max_batch_size
        )
