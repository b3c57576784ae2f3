"""What a launcher is: a small interface between the sweep and where jobs run.

A launcher receives the specs of one batch (composed, numbered, ready) and runs
them, reporting each job as it starts and as it finishes, in whatever order they
finish. It never composes and never writes records: the sweep does both (each job
writes its own record where it runs, through its spec's `journal`, and the sweep
the rest), so every launcher keeps the same promises (results as jobs end, failures
isolated, resume).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Protocol

from hydria.runtime import JobReturn, JobSpec, JobStatus
from hydria.terminal_text import printable

__all__ = ["JobEvents", "Launcher", "WorkerDied", "failed_job", "job_line", "prepare"]


def job_line(spec: JobSpec) -> tuple[object, str]:
    """A job's number and its overrides as Hydra's launch lines show them (`#0 : a=1`),
    control characters escaped (`printable`)."""
    shown = printable(" ".join(o for o in spec.task_overrides if not o.startswith("hydra.")))
    return spec.config.hydra.job.get("num"), shown


def failed_job(exc: BaseException, *, started: float = 0.0, text: str | None = None) -> JobReturn:
    """The result of a job that ended without the task's own result (its worker died, it
    timed out, the engine lost it): `exc` is the reason, `text` what stands for a
    traceback (default: `Type: message`)."""
    return JobReturn(
        status=JobStatus.FAILED,
        error=exc,
        error_traceback=f"{type(exc).__name__}: {exc}\n" if text is None else text,
        started=started,
        duration=time.time() - started if started else 0.0,
    )


class WorkerDied(RuntimeError):
    """The process running a job ended without a result (killed, crashed, `os._exit`)."""


class JobEvents(Protocol):
    """How a launcher reports progress: by the job's index in the batch."""

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


class Launcher(Protocol):
    """Runs jobs. Built from the `hydra.launcher` node's keys (without `_target_`)."""

    def launch(self, jobs: Sequence[JobSpec], events: JobEvents) -> None:
        """Run every job, reporting each through `events`. On KeyboardInterrupt, stop
        what runs (no job left behind) and let the interrupt propagate."""


def prepare(launcher: object, job_count: int) -> None:
    """Let a launcher start its workers while the jobs are being composed (optional:
    a launcher with a `prepare(job_count)` method gets the call)."""
    method = getattr(launcher, "prepare", None)
    if callable(method):
        method(job_count)
