"""The basic sweeper: the cartesian product of sweep overrides, in Hydra's job order.

Each override becomes a list of overrides (one per value for a sweep, the override
itself otherwise); the jobs are the product of those lists, in order, split into
batches of at most `max_batch_size` jobs.
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
    parse_overrides,
    render_override,
    render_value,
    sweep_values,
)
from hydria.plugin_contracts import Sweeper, SweepSession

__all__ = ["BasicSweeper", "job_batches"]


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


def job_batches(
    overrides: Sequence[Override],
    *,
    options_of: Callable[[str], list[str]],
    max_batch_size: int | None = None,
) -> list[list[list[Override]]]:
    """The jobs of a sweep, as batches of per-job override lists.

    Args:
        overrides: the sweep's overrides (`hydra.sweeper.params` first, then the command
            line's task overrides); a later override of the same key replaces an earlier one.
        options_of: a config group's options, for `glob()`.
        max_batch_size: jobs per batch; None or -1 for one batch.

    Raises:
        OverrideValueError: an override cannot be enumerated (an interval, a bad glob), or
            stands for no values (`range(0)`, a glob that matches no option).
    """
    per_key: dict[str, list[Override]] = {}
    for o in overrides:
        per_key[f"{o.type.value}{o.key_with_package}"] = _choices(o, options_of)
    jobs = [list(job) for job in itertools.product(*per_key.values())]
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
