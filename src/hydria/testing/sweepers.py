"""The sweeper test double and conformance suite: what every sweeper promises its session.

`RecordingSession` stands in for hydria's sweep session: it keeps the batches a sweeper
hands over instead of running them, and answers `group_options` from a mapping. A
sweeper package tests itself by subclassing `SweeperSuite` and giving the sweeper to
check, for instance::

    class TestMySweeper(SweeperSuite):
        @pytest.fixture
        def sweeper(self) -> Sweeper:
            return MySweeper(max_batch_size=2)

The suite checks the promises of `hydria.plugins.Sweeper`: the jobs are handed over
as override records (never texts), through the session only, and run once; a plain
override (no sweep) is part of every job; a command line without overrides is one job;
and what the sweeper cannot sweep is an `OverrideError` raised before any job runs.

Needs pytest (a test dependency, not one of hydria's).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import pytest
from omegaconf import DictConfig, OmegaConf

from hydria.errors import OverrideError
from hydria.overrides import Override, parse_overrides
from hydria.plugin_contracts import StreamedJob, Sweeper
from hydria.runtime import JobReturn, JobStatus

__all__ = ["RecordingSession", "SweeperSuite"]


class RecordingSession:
    """A `SweepSession` that records the jobs it is given instead of running them.

    Args:
        groups: config group → its options, for `group_options` (`glob()`).
        value_of: for a streamed sweep (`run_stream`), what the task returns for a job
            given its override texts (default: None); a job whose call raises failed.
        sweep_dir: the sweep directory a sweeper may keep its state in.
        resume: whether the sweep is resumed.
        config: the sweep's base config.
    """

    def __init__(
        self,
        groups: Mapping[str, Sequence[str]] | None = None,
        *,
        value_of: Callable[[list[str]], Any] | None = None,
        sweep_dir: str | Path = ".",
        resume: bool = False,
        config: DictConfig | None = None,
    ) -> None:
        self.groups = {k: list(v) for k, v in (groups or {}).items()}
        self.calls: list[list[list[list[Override]]]] = []
        self.streamed: list[list[Override]] = []
        self.ranking: list[int] = []
        self.value_of = value_of
        self.sweep_dir = Path(sweep_dir)
        self.resume = resume
        self.config = config if config is not None else OmegaConf.create({"hydra": {}})

    def rank(self, nums: Sequence[int]) -> None:
        self.ranking = list(nums)

    def run_stream(
        self,
        next_job: Callable[[int], Sequence[Override] | StreamedJob | None],
        job_ended: Callable[[int, JobReturn], None],
        *,
        max_in_flight: int,
        total: int = 0,
        begin: Callable[[], int] | None = None,
    ) -> None:
        """Run the stream one job at a time (a launcher with one slot), each job's value
        from `value_of`."""
        if begin is not None:
            begin()
        while (job := next_job(len(self.streamed))) is not None:
            num = len(self.streamed)
            job = job.overrides if isinstance(job, StreamedJob) else job
            self.streamed.append(list(job))
            texts = [o.text for o in job]
            try:
                value = None if self.value_of is None else self.value_of(texts)
            except Exception as exc:  # noqa: BLE001 - the job failed, as a task's error would
                job_ended(num, JobReturn(status=JobStatus.FAILED, error=exc))
                continue
            job_ended(num, JobReturn(status=JobStatus.COMPLETED, value=value))

    def group_options(self, group: str) -> list[str]:
        return list(self.groups.get(group, []))

    def run_batches(self, batches: Sequence[Sequence[Sequence[Override]]]) -> None:
        self.calls.append([[list(job) for job in batch] for batch in batches])

    @property
    def jobs(self) -> list[list[str]]:
        """Every job handed over, in order, as its override texts."""
        return [[o.text for o in job] for call in self.calls for batch in call for job in batch]


class SweeperSuite:
    """What every sweeper promises; subclass it and give the `sweeper` fixture."""

    @pytest.fixture
    def sweeper(self) -> Sweeper:
        raise NotImplementedError("give the sweeper to check: override the `sweeper` fixture")

    def sweep(
        self, sweeper: Sweeper, *texts: str, groups: Mapping[str, Sequence[str]] | None = None
    ) -> RecordingSession:
        """Let `sweeper` sweep the overrides `texts` into a `RecordingSession`."""
        session = RecordingSession(groups)
        sweeper.sweep(parse_overrides(list(texts)), session)
        return session

    def test_jobs_are_override_records(self, sweeper: Sweeper) -> None:
        session = self.sweep(sweeper, "a=1,2", "b=x")
        handed = [o for call in session.calls for batch in call for job in batch for o in job]
        assert handed and all(isinstance(o, Override) for o in handed)

    def test_a_plain_override_is_in_every_job(self, sweeper: Sweeper) -> None:
        session = self.sweep(sweeper, "a=1,2,3", "b=x")
        assert session.jobs, "the sweeper handed no job to the session"
        assert all("b=x" in job for job in session.jobs)

    def test_each_swept_value_runs(self, sweeper: Sweeper) -> None:
        session = self.sweep(sweeper, "a=1,2,3")
        seen = {text for job in session.jobs for text in job if text.startswith("a=")}
        assert seen == {"a=1", "a=2", "a=3"}

    def test_no_override_is_one_job(self, sweeper: Sweeper) -> None:
        session = self.sweep(sweeper)
        assert session.jobs == [[]]

    def test_a_glob_reads_the_group_options_from_the_session(self, sweeper: Sweeper) -> None:
        session = self.sweep(sweeper, "db=glob(m*)", groups={"db": ["mysql", "mongo", "pg"]})
        assert sorted(t for job in session.jobs for t in job) == ["db=mongo", "db=mysql"]

    def test_what_cannot_be_swept_fails_before_any_job(self, sweeper: Sweeper) -> None:
        session = RecordingSession()
        with pytest.raises(OverrideError):
            sweeper.sweep(parse_overrides(["a=1,2", "db=glob(nothing*)"]), session)
        assert session.calls == []
