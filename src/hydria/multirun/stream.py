"""Running a sweep whose jobs are made as earlier ones end: an optimiser's trials.

The sweeper hands the session two callables (`SweepSession.run_stream`): one that makes
the next job's overrides, one that hears how a job ended. Here they become a `JobStream`
the launcher takes jobs from whenever a slot is free (`Launcher.launch_stream`). Each
job is numbered, composed and given its journal as a planned sweep's jobs are
(`execute_sweep`), and recorded in `results.jsonl` as it ends; the sweeper hears of
the end after the record is written and before it is asked for another job, so every
decision it makes knows every result that came in.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from typing import Any

from hydria.multirun.execute import (
    SweepEvents,
    SweepOutcome,
    SweepTerminated,
    sigterm_interrupts,
)
from hydria.multirun.job_journal import JobJournal, new_run_id, remove_empty_folder
from hydria.multirun.progress import Progress
from hydria.multirun.records import ResultsFile
from hydria.overrides import Override
from hydria.plugin_contracts import Launcher, StreamedJob
from hydria.runtime import JobReturn, JobSpec, JobStatus

__all__ = ["execute_stream"]


class _Stream:
    """The `JobStream` a launcher takes a streamed sweep's jobs from."""

    def __init__(
        self,
        next_job: Callable[[int], Sequence[Override] | StreamedJob | None],
        make_spec: Callable[[int, Sequence[Override]], JobSpec],
        *,
        first_num: int,
        max_in_flight: int,
        sweep_dir: str,
        run: str,
        entries: list[tuple[int, list[str]]],
    ) -> None:
        self._next_job = next_job
        self._make_spec = make_spec
        self._num = first_num
        self._max_in_flight = max(1, max_in_flight)
        self._sweep_dir = sweep_dir
        self._run = run
        self._entries = entries
        self._done = False

    @property
    def max_in_flight(self) -> int:
        return self._max_in_flight

    def next(self) -> JobSpec | None:
        if self._done:
            return None
        num = self._num
        job = self._next_job(num)
        if job is None:
            self._done = True  # the sweeper is not asked again
            return None
        overrides = job.overrides if isinstance(job, StreamedJob) else tuple(job)
        texts = [o.text for o in overrides]
        spec = self._make_spec(num, overrides)
        if isinstance(job, StreamedJob) and job.environment:
            spec = replace(spec, environment={**spec.environment, **job.environment})
        self._num += 1
        self._entries.append((num, texts))
        journal = JobJournal(self._sweep_dir, num, tuple(texts), self._run)
        return replace(spec, journal=journal, owned=True)


class _StreamEvents(SweepEvents):
    """Records each job as `SweepEvents` does, then tells the sweeper how it ended."""

    def __init__(
        self,
        job_ended: Callable[[int, JobReturn], None],
        entries: list[tuple[int, list[str]]],
        results: ResultsFile,
        progress: Progress,
        outcome: SweepOutcome,
        run: str,
    ) -> None:
        super().__init__(entries, results, progress, outcome, run)
        self._job_ended = job_ended

    def finished(self, index: int, result: JobReturn) -> None:
        super().finished(index, result)
        self._job_ended(self.entries[index][0], result)

    def submitted(self, index: int, info: Mapping[str, Any]) -> None:
        super().submitted(index, info)
        # a launcher that does not wait (hydra.launcher.wait=false) never brings the
        # result back to this process: for the sweeper the job is lost
        lost = RuntimeError(
            "the job was handed to its engine without waiting for it "
            "(hydra.launcher.wait=false): a sweep that learns from results needs them"
        )
        self._job_ended(
            self.entries[index][0],
            JobReturn(status=JobStatus.FAILED, error=lost, error_traceback=f"{lost}\n"),
        )


def execute_stream(
    next_job: Callable[[int], Sequence[Override] | StreamedJob | None],
    job_ended: Callable[[int, JobReturn], None],
    *,
    make_spec: Callable[[int, Sequence[Override]], JobSpec],
    launcher: Launcher,
    results: ResultsFile,
    progress: Progress,
    max_in_flight: int,
    first_num: int = 0,
    run: str | None = None,
) -> SweepOutcome:
    """Run the jobs `next_job` makes, at most `max_in_flight` at once, and record each as
    it ends (see the module docstring).

    Args:
        next_job: the overrides of the job numbered as given, or None when the sweep
            has no more.
        job_ended: told `(num, result)` of each job, after its record is written.
        make_spec: the job's spec from its number and overrides (composes it).
        launcher: where the jobs run.
        results: the sweep's results file.
        progress: told of each job's start and end.
        max_in_flight: how many jobs may run at once.
        first_num: the first job's number (after an earlier run's jobs, on resume).
        run: this run's id, in the records it writes (default: a new one).

    Returns:
        The outcome; `interrupted` when Ctrl-C or SIGTERM stopped it (the jobs in
        flight are then recorded as interrupted, and not told to the sweeper).
    """
    run = run or new_run_id()
    sweep_dir = str(results.path.parent.resolve())  # absolute: jobs may run elsewhere
    outcome = SweepOutcome()
    entries: list[tuple[int, list[str]]] = []
    stream = _Stream(
        next_job,
        make_spec,
        first_num=first_num,
        max_in_flight=max_in_flight,
        sweep_dir=sweep_dir,
        run=run,
        entries=entries,
    )
    events = _StreamEvents(job_ended, entries, results, progress, outcome, run)
    with sigterm_interrupts() as sigterms:
        try:
            launcher.prepare(stream.max_in_flight)
            launcher.launch_stream(stream, events)
        except KeyboardInterrupt as stopped:
            events.interrupt()
            outcome.interrupted = True
            outcome.terminated = isinstance(stopped, SweepTerminated) or bool(sigterms)
        finally:
            remove_empty_folder(results.path.parent)
    return outcome
