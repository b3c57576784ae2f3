"""A sweep from its base config to its last record: the session a sweeper drives.

`run_sweep` hands the sweeper a `SweepRun` (hydria's `SweepSession`). When the sweeper
gives it the sweep's jobs, the session takes the sweep directory (its lock, see
`ownership`), saves the sweep's config or, on `--resume`, waits for what a killed run
left running and skips what it completed, then runs the jobs through the launcher
(`execute_sweep`), recording each as it ends. Nothing is created before the sweeper
has produced its jobs, so a bad sweep override leaves no directory behind.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

from omegaconf import DictConfig

from hydria.multirun.execute import SweepOutcome, execute_sweep
from hydria.multirun.progress import make_progress
from hydria.multirun.records import ResultsFile
from hydria.multirun.resume import completed_jobs, resumable_jobs, set_aside
from hydria.multirun.stream import execute_stream
from hydria.overrides import Override
from hydria.plugin_contracts import Launcher, StreamedJob, Sweeper
from hydria.record_class import record
from hydria.runtime import JobReturn, JobSpec, make_dir, save_sweep_config
from hydria.runtime.callbacks import Callbacks

__all__ = ["SweepRun", "SweepSetup", "run_sweep"]


@record(kw_only=True)
class SweepSetup:
    """What a sweep needs besides its sweeper, from the app that runs it.

    Attributes:
        config: the sweep's base config, `hydra` node included.
        config_name: the primary config's name (for the callbacks).
        launcher: where the jobs run.
        compose_job: job number and its overrides (the sweeper's, after the command
            line's hydra overrides) → its composed, ready spec.
        group_options: a config group's options (for `glob()`).
        callbacks: the sweep's `hydra.callbacks`.
        resume: run only the jobs an earlier run of this sweep did not complete.
    """

    config: DictConfig
    config_name: str | None
    launcher: Launcher
    compose_job: Callable[[int, Sequence[Override]], JobSpec]
    group_options: Callable[[str], list[str]]
    callbacks: Callbacks
    resume: bool = False


class SweepRun:
    """hydria's `SweepSession`: runs the jobs a sweeper hands over, and keeps what became
    of them (`outcome`, `total`) for the end-of-sweep report."""

    def __init__(self, setup: SweepSetup) -> None:
        self.setup = setup
        self.sweep_dir = Path(str(setup.config.hydra.sweep.dir))
        self.results = ResultsFile(self.sweep_dir)
        self.outcome: SweepOutcome | None = None
        self.total = 0
        self._lock: Any = None
        self._started = False
        self.ranking: tuple[int, ...] = ()

    def group_options(self, group: str) -> list[str]:
        return self.setup.group_options(group)

    def rank(self, nums: Sequence[int]) -> None:
        self.ranking = tuple(nums)

    @property
    def resume(self) -> bool:
        return self.setup.resume

    @property
    def config(self) -> DictConfig:
        return self.setup.config

    def run_batches(self, batches: Sequence[Sequence[Sequence[Override]]]) -> None:
        """Run a sweep whose jobs are all known now (see `SweepSession.run_batches`).

        Raises:
            RuntimeError: called a second time (the whole planned sweep runs at once).
            hydria.errors.UsageError: `--resume` on a directory without this sweep.
            hydria.errors.SweepDirInUseError: another process holds the sweep directory.
        """
        if self.outcome is not None:
            raise RuntimeError("SweepSession.run_batches runs a whole planned sweep: call it once")
        setup = self.setup
        jobs = [[o.text for o in job] for batch in batches for job in batch]
        self.total = len(jobs)
        if setup.resume:  # a sweep to resume is there, with these jobs: checked first
            completed_jobs(self.results, jobs)
        self._start()
        completed = resumable_jobs(self.results, jobs) if setup.resume else {}
        if not setup.resume:
            set_aside(self.results)
            save_sweep_config(setup.config, str(self.sweep_dir))
        self.results.path.touch()  # a sweep killed before any job ended can be resumed
        setup.callbacks.notify(
            "on_multirun_start", config=setup.config, config_name=setup.config_name
        )
        self._started = True
        progress = make_progress(self.total, len(completed))
        try:
            self.outcome = execute_sweep(
                batches,
                make_spec=setup.compose_job,
                launcher=setup.launcher,
                results=self.results,
                progress=progress,
                completed=completed,
            )
        finally:
            progress.close()

    def run_stream(
        self,
        next_job: Callable[[int], Sequence[Override] | StreamedJob | None],
        job_ended: Callable[[int, JobReturn], None],
        *,
        max_in_flight: int,
        total: int = 0,
        begin: Callable[[], int] | None = None,
    ) -> None:
        """Run jobs the sweeper makes as earlier ones end (see `SweepSession.run_stream`);
        `total`: how many it expects to make, for the progress display; `begin`: called
        under the sweep's lock before the first job, returns that total.

        On `--resume` the jobs are numbered after every job the earlier runs numbered
        (recorded, marked running, or with a job directory named by its number), so no
        job directory is used twice; which jobs to run again is the sweeper's call.

        Raises:
            RuntimeError: called a second time.
            hydria.errors.UsageError: `--resume` on a directory without a sweep.
            hydria.errors.SweepDirInUseError: another process holds the sweep directory.
        """
        if self.outcome is not None:
            raise RuntimeError("SweepSession.run_stream runs a whole sweep: call it once")
        setup = self.setup
        if setup.resume and not self.results.path.exists():
            completed_jobs(self.results, [])  # raises: there is nothing to resume there
        self._start()
        first = 0
        if setup.resume:
            first = _numbered_before(self.sweep_dir, self.results)
        else:
            set_aside(self.results)
            save_sweep_config(setup.config, str(self.sweep_dir))
        self.results.path.touch()
        if begin is not None:
            total = begin()
        setup.callbacks.notify(
            "on_multirun_start", config=setup.config, config_name=setup.config_name
        )
        self._started = True
        self.total = total
        progress = make_progress(total)
        try:
            self.outcome = execute_stream(
                next_job,
                job_ended,
                make_spec=setup.compose_job,
                launcher=setup.launcher,
                results=self.results,
                progress=progress,
                max_in_flight=max_in_flight,
                first_num=first,
            )
        finally:
            progress.close()

    def _start(self) -> None:
        """Create the sweep directory and take its lock, held until the sweep returns."""
        from hydria.multirun.ownership import SweepLock

        make_dir(str(self.sweep_dir), "hydra.sweep.dir", "the sweep directory")
        lock = SweepLock(self.sweep_dir)
        lock.acquire()
        self._lock = lock

    def close(self) -> None:
        """Tell the callbacks the sweep ended (if its jobs ran, interrupted or not, as in
        Hydra), then release the sweep directory."""
        try:
            if self._started and self.outcome is not None:
                setup = self.setup
                setup.callbacks.notify(
                    "on_multirun_end",
                    reverse=True,
                    config=setup.config,
                    config_name=setup.config_name,
                )
        finally:
            if self._lock is not None:
                self._lock.release()
                self._lock = None


def _numbered_before(sweep_dir: Path, results: ResultsFile) -> int:
    """The first job number no earlier run of the sweep used, after waiting for the jobs
    a killed run left running in other processes (their records then count)."""
    import sys

    from hydria.multirun.job_journal import running_jobs, wait_for_jobs

    def say(text: str) -> None:  # stderr: stdout is the task's
        sys.stderr.write(text + "\n")

    marked = set(running_jobs(sweep_dir))
    wait_for_jobs(sweep_dir, marked, say)
    used = set(results.latest()) | marked
    with suppress(OSError):
        used.update(int(name) for name in os.listdir(sweep_dir) if name.isdigit())
    return max(used, default=-1) + 1


@contextmanager
def run_sweep(
    sweeper: Sweeper, overrides: Sequence[Override], setup: SweepSetup
) -> Iterator[SweepRun]:
    """Run the sweep `sweeper` makes of `overrides` (the command line's task overrides);
    yields the finished session, whose directory is released when the block ends.

    Raises:
        hydria.errors.HydriaError: the sweeper refused an override, or the sweep could not
            start (each error names what to fix).
    """
    session = SweepRun(setup)
    try:
        sweeper.sweep(overrides, session)
        yield session
    finally:
        session.close()
