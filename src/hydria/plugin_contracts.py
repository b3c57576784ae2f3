"""What a launcher, a sweeper and a callback are: the typed contracts plugins implement.

Each contract is a small base class whose docstring says who calls it, what it gets,
what it returns and what it must not do. `hydria.plugin_registry` checks a plugin
against its contract when a config names it, and says exactly what is missing.

The order of a sweep: the runner composes the sweep's base config, builds the sweeper
and the launcher the `hydra` node names, and calls `Sweeper.sweep` with a
`SweepSession`. The sweeper decides which jobs run (their overrides) and hands them to
the session; the session composes each job, numbers it, records it in `results.jsonl`,
skips what an earlier run completed (`--resume`), and gives the specs to
`Launcher.launch`, which runs them wherever they run and reports each through
`JobEvents`. A sweeper that decides each job from the results of earlier ones (an
optimiser asking for its next trial as one ends) hands the session a source of jobs
instead (`SweepSession.run_stream`), and the launcher takes them one at a time
(`Launcher.launch_stream`), keeping a bounded number in flight: no batch waits for its
slowest job. A new sweeper needs only a new `Sweeper`, never a change to the runner.

Layer: beside `runtime` (uses its job records and the override records); everything
that loads or drives plugins sits above it.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping, Sequence
from dataclasses import field
from pathlib import Path
from typing import Any, Protocol

from omegaconf import DictConfig

from hydria.overrides.model import Override
from hydria.record_class import record
from hydria.runtime.job_model import JobReturn, JobSpec

__all__ = [
    "CALLBACK_HOOKS",
    "Callback",
    "JobEvents",
    "JobStream",
    "Launcher",
    "StreamedJob",
    "Sweeper",
    "SweepSession",
]


class JobEvents(Protocol):
    """How a launcher reports progress, by the job's index in the batch it was given.

    Implemented by hydria's sweep (`hydria.multirun`); a launcher only calls it.
    """

    def started(self, index: int, environment: Mapping[str, str]) -> None:
        """The job began (`environment`: what the launcher exported for it, e.g. GPUs)."""

    def finished(self, index: int, result: JobReturn) -> None:
        """The job ended: completed, failed, or lost with its worker (`WorkerDied`)."""

    def submitted(self, index: int, info: Mapping[str, Any]) -> None:
        """The job was handed to an engine that runs it after `launch` returns (a cluster
        sweep that does not wait). `info` says where, as JSON-able values: `engine`
        and `job_id`, and whatever else asking the engine needs. It is data only: how
        a job's live state is read is decided by hydria from the engine's name, in a
        fixed table (`hydria.launchers.engine_states.ENGINE_STATES`)."""

    def recorder(self, index: int) -> Callable[[JobReturn], None]:
        """A picklable callable recording the job's end from wherever it runs, for a job
        that ends after the sweep process is gone (see `submitted`)."""


@record(kw_only=True)
class StreamedJob:
    """A job a streaming sweeper makes (`SweepSession.run_stream`): its overrides, and
    variables exported while it runs, wherever it runs (how its task finds its trial to
    report to, `hydria.report`)."""

    overrides: tuple[Override, ...]
    environment: Mapping[str, str] = field(default_factory=dict)


class JobStream(Protocol):
    """Jobs made while the sweep runs, each from the results of those that ended before it.

    Implemented by hydria's sweep (`hydria.multirun`); a launcher only calls it. A job's
    index (for `JobEvents`) is its position in the order the launcher took it.
    """

    @property
    def max_in_flight(self) -> int:
        """How many jobs may run at once (at least 1)."""

    def next(self) -> JobSpec | None:
        """The next job, composed and numbered, or None when the sweep has no more: then
        the launcher lets the jobs in flight end, reports them, and returns."""


class _ShiftedEvents:
    """Reports a batch's jobs under the stream's indices (`Launcher.launch_stream`)."""

    def __init__(self, events: JobEvents, first: int) -> None:
        self._events = events
        self._first = first

    def started(self, index: int, environment: Mapping[str, str]) -> None:
        self._events.started(self._first + index, environment)

    def finished(self, index: int, result: JobReturn) -> None:
        self._events.finished(self._first + index, result)

    def submitted(self, index: int, info: Mapping[str, Any]) -> None:
        self._events.submitted(self._first + index, info)

    def recorder(self, index: int) -> Callable[[JobReturn], None]:
        return self._events.recorder(self._first + index)


class Launcher(ABC):
    """Runs jobs: built once per sweep from the `hydra.launcher` node's keys (all but
    `_target_`) as keyword arguments.

    Called by the sweep session, one batch at a time. A launcher never composes a
    config and never writes a record: each spec is composed and numbered, and carries
    its own journal (`JobSpec.journal`), so every launcher keeps the same promises
    (results as jobs end, failures isolated, resume).
    """

    def prepare(self, job_count: int) -> None:  # noqa: B027 - optional, empty by design
        """Start workers ahead, while the first `job_count` jobs are being composed.

        Optional: the default does nothing. Must not run any job.
        """

    @abstractmethod
    def launch(self, jobs: Sequence[JobSpec], events: JobEvents) -> None:
        """Run every job of `jobs`, reporting each through `events` as it starts and as
        it ends, in whatever order they end; a failing job must not stop the others.

        On KeyboardInterrupt, stop what runs (no job left behind) and let the
        interrupt propagate: the session records the jobs in flight as interrupted.
        """

    def launch_stream(self, jobs: JobStream, events: JobEvents) -> None:
        """Run the jobs of `jobs` as it makes them: take the next one whenever fewer than
        `jobs.max_in_flight` run, until it has no more, and report each as `launch` does.

        Optional: this default takes `max_in_flight` jobs, launches them as one batch
        and waits for all of them before taking more (Hydra's behaviour: a batch waits
        for its slowest job). hydria's own launchers override it to start each job as
        soon as a slot frees up.
        """
        first = 0
        while True:
            batch: list[JobSpec] = []
            while len(batch) < max(1, jobs.max_in_flight):
                spec = jobs.next()
                if spec is None:
                    break
                batch.append(spec)
            if not batch:
                return
            self.launch(batch, _ShiftedEvents(events, first))
            first += len(batch)


class SweepSession(Protocol):
    """What a sweeper drives a sweep through. Implemented by hydria (`hydria.multirun`);
    a sweeper only calls it.

    Jobs are numbered in the order the sweeper hands them over; on `--resume`, a job
    whose number an earlier run completed with the same overrides is not run again.
    """

    def group_options(self, group: str) -> list[str]:
        """A config group's options (for `glob()`), from the app's search path."""

    def run_batches(self, batches: Sequence[Sequence[Sequence[Override]]]) -> None:
        """Run a sweep whose every job is known now: batch after batch, each batch's
        jobs composed before any of them runs (a bad option fails early). Returns
        when every job has ended; the outcome is the session's to report."""

    def run_stream(
        self,
        next_job: Callable[[int], Sequence[Override] | StreamedJob | None],
        job_ended: Callable[[int, JobReturn], None],
        *,
        max_in_flight: int,
        total: int = 0,
        begin: Callable[[], int] | None = None,
    ) -> None:
        """Run jobs the sweeper makes as earlier ones end.

        `next_job(num)` gives the overrides of the job that gets number `num` (or a
        `StreamedJob`, to export variables for it; None: no more), asked whenever fewer
        than `max_in_flight` run; `job_ended(num, result)` tells the sweeper how job
        `num` ended, before the next is asked for. `total` is how many jobs the sweeper
        expects to make, for the progress display. `begin()`, if given, is called once
        the sweep directory is the session's (its lock held; on `--resume`, after the
        jobs an earlier run left running ended) and before the first job is asked for:
        where a sweeper opens the state it keeps in that directory; it returns `total`.

        Jobs are numbered in the order asked for, after those an earlier run of the
        sweep numbered (`--resume`). Returns when every job asked for has ended. The
        callables are called from the thread that called `run_stream`."""

    def rank(self, nums: Sequence[int]) -> None:
        """Show the jobs `nums` first, in this order, in the end-of-sweep summary (an
        optimiser's best trials); the others follow in job order."""

    @property
    def sweep_dir(self) -> Path:
        """The sweep's directory (where a sweeper keeps its own state and results)."""

    @property
    def resume(self) -> bool:
        """Whether this run continues an earlier run of the sweep (`--resume`)."""

    @property
    def config(self) -> DictConfig:
        """The sweep's base config, `hydra` node included (read only)."""


class Sweeper(ABC):
    """Decides which jobs a sweep runs: built once per sweep from the `hydra.sweeper`
    node's keys (all but `_target_`) as keyword arguments.

    Called by the runner with the command line's task overrides (hydra overrides
    apply to every job and are not the sweeper's). It must not compose, launch or
    record anything itself: it hands jobs to the session.
    """

    @abstractmethod
    def sweep(self, overrides: Sequence[Override], session: SweepSession) -> None:
        """Run the sweep of `overrides` through `session`.

        Raises:
            hydria.errors.OverrideError: an override cannot be swept by this sweeper.
        """


# The hooks hydria calls, in the order a run or a sweep sees them.
CALLBACK_HOOKS = (
    "on_run_start",
    "on_multirun_start",
    "on_compose_config",
    "on_job_start",
    "on_job_end",
    "on_run_end",
    "on_multirun_end",
)


class Callback:
    """Hooks around runs, sweeps and jobs (`hydra.callbacks`): override those you need;
    all of them do nothing here. Subclassing is optional: any object with some of
    these methods is a callback.

    `config` is the full config of the run, sweep or job, `hydra` node included. Each
    entry of `hydra.callbacks` is built once per run or sweep; the `*_end` hooks run in
    reverse config order. A hook that raises is reported as a warning and costs
    neither the run nor the other callbacks. A hook must not change `config`.
    """

    def on_run_start(self, config: DictConfig, **kwargs: Any) -> None:
        """Before the single job of a run."""

    def on_run_end(self, config: DictConfig, **kwargs: Any) -> None:
        """After the single job of a run (`job_return` in kwargs)."""

    def on_multirun_start(self, config: DictConfig, **kwargs: Any) -> None:
        """Before the first job of a sweep."""

    def on_multirun_end(self, config: DictConfig, **kwargs: Any) -> None:
        """After the last job of a sweep."""

    def on_job_start(self, config: DictConfig, **kwargs: Any) -> None:
        """In the job, just before the task (`task_function` in kwargs)."""

    def on_job_end(self, config: DictConfig, job_return: Any, **kwargs: Any) -> None:
        """In the job, just after the task, with how it went."""

    def on_compose_config(self, config: DictConfig, **kwargs: Any) -> None:
        """After each composition (`config_name`, `overrides` in kwargs)."""
