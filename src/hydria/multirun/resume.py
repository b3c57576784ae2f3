"""Resuming a sweep: which of its jobs an earlier run completed, checked against this run's
jobs, after waiting for the jobs a killed run left running; and keeping an older sweep's
results aside when a new sweep starts in its directory."""

from __future__ import annotations

import sys
from collections.abc import Sequence

from hydria.errors import UsageError
from hydria.multirun.records import JobRecord, ResultsFile
from hydria.terminal_text import printable

__all__ = ["completed_jobs", "resumable_jobs", "set_aside"]


def completed_jobs(results: ResultsFile, jobs: Sequence[Sequence[str]]) -> dict[int, JobRecord]:
    """The jobs an earlier run of this sweep completed, checked against this sweep's jobs
    (each job as its override texts, in job-number order).

    Raises:
        UsageError: nothing to resume there, or the sweep there had other jobs, or one of
            its jobs is still queued or running on its engine.
    """
    if not results.path.exists():
        raise UsageError(
            f"--resume: {results.path} does not exist; pass the directory of the sweep to "
            "resume: hydra.sweep.dir=<its directory>"
        )
    completed = {}
    for num, record in results.latest().items():
        if num >= len(jobs) or list(record.overrides) != list(jobs[num]):
            raise UsageError(
                f"--resume: job #{num} of the sweep in {results.path.parent} ran with "
                f"{list(record.overrides)}, but this command line makes it "
                f"{list(jobs[num]) if num < len(jobs) else 'no job'}; resume with the same "
                "overrides"
            )
        if record.status == "completed":
            completed[num] = record
        elif record.status == "submitted":
            _refuse_in_flight(num, record)
    return completed


def resumable_jobs(results: ResultsFile, jobs: Sequence[Sequence[str]]) -> dict[int, JobRecord]:
    """Under the sweep's lock: wait for the jobs an earlier, killed run of the sweep left
    running (their records decide), then the completed jobs; says what it resumes."""
    from hydria.multirun.job_journal import wait_for_jobs

    total = len(jobs)
    completed = completed_jobs(results, jobs)
    pending = set(range(total)) - set(completed)

    def say(text: str) -> None:  # stderr: stdout is the task's
        sys.stderr.write(text + "\n")

    wait_for_jobs(results.path.parent, pending, say)
    completed = completed_jobs(results, jobs)
    say(
        f"--resume: {len(completed)} of {total} jobs of the sweep in "
        f"{printable(str(results.path.parent))} completed before; running the other "
        f"{total - len(completed)}"
    )
    return completed


def _refuse_in_flight(num: int, record: JobRecord) -> None:
    """A job still queued or running on its engine would run twice if resumed."""
    from hydria.multirun.live import IN_FLIGHT, live_state

    state = live_state(record)
    if state is not None and state.split(" ")[0] in IN_FLIGHT:
        where = f"{record.extra.get('engine', 'its engine')} job {record.extra.get('job_id', '?')}"
        raise UsageError(
            f"--resume: job #{num} is still {state} ({where}); wait for it to end, or cancel "
            "it, before resuming"
        )


def set_aside(results: ResultsFile) -> None:
    """A new sweep in a directory that holds an older one's results: keep them, renamed."""
    if not results.path.exists():
        return
    index = 1
    while (kept := results.path.with_name(f"results.{index}.jsonl")).exists():
        index += 1
    results.path.rename(kept)
