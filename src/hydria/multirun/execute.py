"""Running a sweep's jobs batch by batch through a launcher, recording each as it ends.

The sweep, not the launcher, owns the records: every job that ends is in
`results.jsonl` at once (so a sweep that dies loses nothing finished), a job that
fails does not stop the others, and on Ctrl-C (or SIGTERM, which is handled alike)
the jobs in flight are recorded as interrupted before the interrupt goes on. Jobs
already completed by an earlier run of the same sweep (resume) are not run again.

Each job writes its own record where it runs (`job_journal`), before it reports
back; the sweep process writes only what the job could not: its worker died, it
timed out, it was interrupted, it was handed to an engine. A job that recorded its
end during this run is never recorded again, not even as interrupted.
"""

from __future__ import annotations

import signal
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import field, replace
from typing import Any, overload

from omegaconf import DictConfig

from hydria.config_copy import dumps_config, loads_config
from hydria.config_release import HeldApart, ReleaseQueue
from hydria.multirun.job_journal import (
    RUN_KEY,
    JobJournal,
    new_run_id,
    recorded_by,
    remove_empty_folder,
)
from hydria.multirun.progress import Progress
from hydria.multirun.records import (
    COMPLETED,
    FAILED,
    INTERRUPTED,
    PRUNED,
    SUBMITTED,
    JobRecord,
    ResultsFile,
    jsonable,
)
from hydria.overrides import Override
from hydria.plugin_contracts import Launcher
from hydria.record_class import record
from hydria.runtime import JobReturn, JobSpec, JobStatus
from hydria.runtime.pruning import is_pruned

__all__ = [
    "RecordOnEnd",
    "SweepEvents",
    "SweepOutcome",
    "SweepTerminated",
    "execute_sweep",
    "job_record",
    "record_extra",
]


class SweepTerminated(KeyboardInterrupt):
    """SIGTERM reached the sweep process: it stops as on Ctrl-C (a KeyboardInterrupt,
    so every launcher stops its jobs the same way)."""


@record(frozen=False)
class SweepOutcome:
    """Every job's current record (earlier completed ones included), by job number, the
    failed jobs' results (with their tracebacks), and whether Ctrl-C ended the sweep."""

    records: dict[int, JobRecord] = field(default_factory=dict)
    failures: dict[int, JobReturn] = field(default_factory=dict)
    return_values: dict[int, Any] = field(default_factory=dict)
    interrupted: bool = False
    terminated: bool = False  # by SIGTERM (then `interrupted` too)

    @property
    def failed(self) -> list[JobRecord]:
        return [r for _, r in sorted(self.records.items()) if r.status in (FAILED, INTERRUPTED)]

    @property
    def submitted(self) -> list[JobRecord]:
        """Jobs an engine runs after the sweep returned (a sweep that does not wait)."""
        return [r for _, r in sorted(self.records.items()) if r.status == SUBMITTED]


def record_extra(environment: Mapping[str, str]) -> dict[str, Any]:
    """What a record keeps of a job's launcher-given environment: its GPUs."""
    gpus = environment.get("CUDA_VISIBLE_DEVICES")
    return {"gpus": gpus} if gpus is not None else {}


def job_record(
    num: int, overrides: Sequence[str], result: JobReturn, extra: Mapping[str, Any]
) -> JobRecord:
    """The record of a job that ended."""
    status = COMPLETED if result.status is JobStatus.COMPLETED else FAILED
    if status == FAILED and is_pruned(result.error):
        status = PRUNED
    value, value_repr = jsonable(result.return_value) if status == COMPLETED else (None, None)
    error = None
    if result.error is not None:
        error = f"{type(result.error).__name__}: {result.error}"
    return JobRecord(
        num=num,
        overrides=tuple(overrides),
        status=status,
        return_value=value,
        return_repr=value_repr,
        duration=round(result.duration, 6),
        output_dir=result.output_dir or None,
        error=error,
        traceback=result.error_traceback,
        started=result.started,
        extra=dict(extra),
    )


class _ComposedJobs(Sequence[JobSpec]):
    """A batch's job specs, composed up front; beyond the first `KEEP_ALIVE` jobs, kept
    pickled until a job runs.

    A composed config weighs ~100 KB in memory and ~10 KB pickled; holding a large
    sweep's configs alive would also slow every garbage collection down. A small batch
    is held as it is (pickling and unpickling a config costs about as much as
    composing it); in a large one each config past the first `KEEP_ALIVE` is
    unpickled when the launcher takes it. Either way the launcher gets the job's own
    (`owned`) config.
    """

    KEEP_ALIVE = 128

    def __init__(self, specs: Iterable[JobSpec], settle: Callable[[], None] = lambda: None) -> None:
        self._specs: list[JobSpec] = []
        self._configs: list[bytes | None] = []
        self._placeholder = placeholder = DictConfig({})
        for index, spec in enumerate(specs):  # past KEEP_ALIVE, one config alive at a time
            if index < self.KEEP_ALIVE:
                self._configs.append(None)
                self._specs.append(spec if spec.owned else replace(spec, owned=True))
                settle()  # kept alive until its job ends: out of the GC's walks
                continue
            self._configs.append(dumps_config(spec.config))
            self._specs.append(replace(spec, config=placeholder, owned=True))

    def __len__(self) -> int:
        return len(self._specs)

    @overload
    def __getitem__(self, index: int) -> JobSpec: ...

    @overload
    def __getitem__(self, index: slice) -> Sequence[JobSpec]: ...

    def __getitem__(self, index: int | slice) -> JobSpec | Sequence[JobSpec]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        pickled = self._configs[index]
        if pickled is None:  # held alive: the job's own config (each job runs once)
            return self._specs[index]
        return replace(self._specs[index], config=loads_config(pickled))

    def forget(self, index: int) -> DictConfig | None:
        """The config of a job that ended, no longer held here (None: it was not)."""
        if self._configs[index] is not None:
            return None  # kept pickled: the launcher had the only live copy
        spec = self._specs[index]
        if spec.config is self._placeholder:
            return None
        self._specs[index] = replace(spec, config=self._placeholder)
        return spec.config


@record
class RecordOnEnd:
    """Records one job's end in the sweep's `results.jsonl`, from wherever the job ran
    (a cluster node writing to the shared sweep directory); picklable."""

    sweep_dir: str
    num: int
    overrides: tuple[str, ...]
    extra: Mapping[str, Any] = field(default_factory=dict)

    def __call__(self, result: JobReturn) -> None:
        ResultsFile(self.sweep_dir).append(job_record(self.num, self.overrides, result, self.extra))


class SweepEvents:
    """Turns a launcher's reports on one batch (or on a stream's jobs: `entries` then
    grows as jobs are taken) into records and progress."""

    def __init__(
        self,
        entries: Sequence[tuple[int, list[str]]],
        results: ResultsFile,
        progress: Progress,
        outcome: SweepOutcome,
        run: str,
        forget: Callable[[int], DictConfig | None] | None = None,
    ) -> None:
        self.entries = entries
        self.results = results
        self.progress = progress
        self.outcome = outcome
        self.run = run
        self.running: dict[int, tuple[float, dict[str, str]]] = {}
        self._forget = forget
        self._released = ReleaseQueue()

    def started(self, index: int, environment: Mapping[str, str]) -> None:
        self.running[index] = (time.time(), dict(environment))
        self.progress.started(self.entries[index][0], self.entries[index][1])

    def finished(self, index: int, result: JobReturn) -> None:
        num, overrides = self.entries[index]
        started, environment = self.running.pop(index, (result.started, {}))
        if not result.started:
            result = JobReturn(
                status=result.status,
                error=result.error,
                error_traceback=result.error_traceback,
                started=started,
                duration=time.time() - started,
            )
        extra = {**record_extra(environment), RUN_KEY: self.run}
        record = job_record(num, overrides, result, extra)
        if not result.recorded:  # else the job wrote this record itself
            self.results.append(record)
        self.outcome.records[num] = record
        if record.status == COMPLETED:
            self.outcome.return_values[num] = result.return_value
        elif record.status != PRUNED:
            self.outcome.failures[num] = result
        self.progress.finished(record)
        # the job's configs, freed once the launcher lets go of them (`config_release`)
        self._released.add(result.config)
        if self._forget is not None:
            self._released.add(self._forget(index))
        self._released.release()

    def close(self) -> None:
        """The launcher returned: free the configs of ended jobs it no longer holds."""
        self._released.release()

    def submitted(self, index: int, info: Mapping[str, Any]) -> None:
        num, overrides = self.entries[index]
        started, _ = self.running.pop(index, (time.time(), {}))
        record = JobRecord(
            num=num, overrides=tuple(overrides), status=SUBMITTED, started=started, extra=info
        )
        self.results.append(record)
        self.outcome.records[num] = record
        self.progress.finished(record)

    def recorder(self, index: int) -> Callable[[JobReturn], None]:
        num, overrides = self.entries[index]
        # absolute: the job may run in another directory (a cluster node's)
        return RecordOnEnd(str(self.results.path.parent.resolve()), num, tuple(overrides))

    def interrupt(self) -> None:
        """Record the jobs in flight as interrupted, but for those that recorded their
        end themselves in the meantime (their result was on its way)."""
        latest = self.results.latest() if self.running else {}
        for index, (started, _) in sorted(self.running.items()):
            num, overrides = self.entries[index]
            if recorded_by(latest.get(num), self.run):
                ended = latest[num]
                self.outcome.records[num] = ended
                if ended.status != COMPLETED:
                    self.outcome.failures[num] = JobReturn(
                        status=JobStatus.FAILED,
                        error=RuntimeError(ended.error or "failed"),
                        error_traceback=ended.traceback,
                    )
                self.progress.finished(ended)
                continue
            record = JobRecord(
                num=num,
                overrides=tuple(overrides),
                status=INTERRUPTED,
                duration=round(time.time() - started, 6),
                error="KeyboardInterrupt: the sweep was interrupted while the job ran",
                started=started,
            )
            self.results.append(record)
            self.outcome.records[num] = record
            self.progress.finished(record)
        self.running.clear()


@contextmanager
def sigterm_interrupts() -> Iterator[list[int]]:  # also `hydria.multirun.stream`'s
    """While the sweep runs, the first SIGTERM raises `SweepTerminated` in the main
    thread; more of them are ignored while the jobs in flight are recorded. Yields
    the signals received (an engine may turn the exception into a KeyboardInterrupt)."""
    received: list[int] = []
    if threading.current_thread() is not threading.main_thread():
        yield received
        return

    def stop(signum: int, frame: object) -> None:
        if not received:
            received.append(signum)
            raise SweepTerminated("SIGTERM")

    previous = signal.signal(signal.SIGTERM, stop)
    try:
        yield received
    finally:
        signal.signal(signal.SIGTERM, previous)


def execute_sweep(
    batches: Sequence[Sequence[Sequence[Override]]],
    *,
    make_spec: Callable[[int, Sequence[Override]], JobSpec],
    launcher: Launcher,
    results: ResultsFile,
    progress: Progress,
    completed: Mapping[int, JobRecord] | None = None,
    run: str | None = None,
) -> SweepOutcome:
    """Run the sweep's jobs, batch after batch, and record each as it ends.

    Args:
        batches: each batch's jobs, as their override records; jobs are numbered in
            order, and recorded with the overrides' texts.
        make_spec: the job's spec from its number and overrides (composes it). Every job
            of a batch is composed before any of them runs, so a bad option fails early.
        launcher: where the jobs run.
        results: the sweep's results file.
        progress: told of each job's start and end.
        completed: records of jobs an earlier run completed: skipped (resume).
        run: this run's id, in the records it writes (default: a new one).

    Returns:
        The outcome; `interrupted` when Ctrl-C or SIGTERM stopped it (the jobs in
        flight are recorded as interrupted, the ones not started are not recorded).
    """
    run = run or new_run_id()
    with sigterm_interrupts() as sigterms:
        try:
            return _execute(
                batches, make_spec, launcher, results, progress, completed, run, sigterms
            )
        finally:
            remove_empty_folder(results.path.parent)


def _execute(
    batches: Sequence[Sequence[Sequence[Override]]],
    make_spec: Callable[[int, Sequence[Override]], JobSpec],
    launcher: Launcher,
    results: ResultsFile,
    progress: Progress,
    completed: Mapping[int, JobRecord] | None,
    run: str,
    sigterms: list[int],
) -> SweepOutcome:
    sweep_dir = str(results.path.parent.resolve())  # absolute: jobs may run elsewhere
    outcome = SweepOutcome(records=dict(completed or {}))
    remaining = sum(len(b) for b in batches) - len(outcome.records)
    if remaining > 0:
        launcher.prepare(min(remaining, max(len(b) for b in batches)))
    num = 0
    for batch in batches:
        jobs = [(num + i, job) for i, job in enumerate(batch) if num + i not in outcome.records]
        num += len(batch)
        if not jobs:
            continue
        entries = [(n, [o.text for o in job]) for n, job in jobs]
        with HeldApart() as apart:
            specs = _ComposedJobs(
                (
                    replace(
                        make_spec(n, job),
                        journal=JobJournal(sweep_dir, n, tuple(texts), run),
                        owned=True,  # composed for this job alone (`_ComposedJobs`)
                    )
                    for (n, job), (_, texts) in zip(jobs, entries, strict=True)
                ),
                apart.settle,
            )
            events = SweepEvents(entries, results, progress, outcome, run, specs.forget)
            try:
                launcher.launch(specs, events)
            except KeyboardInterrupt as stopped:
                events.interrupt()
                outcome.interrupted = True
                outcome.terminated = isinstance(stopped, SweepTerminated) or bool(sigterms)
                break
            events.close()
    return outcome
