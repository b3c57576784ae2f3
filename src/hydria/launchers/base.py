"""What every launcher shares: the job's launch line, the result of a job that ended
without its task's own, and the error of a worker that died.

The contract a launcher implements (`Launcher`, `JobEvents`) is in
`hydria.plugin_contracts`, re-exported here for code written against this module.
"""

from __future__ import annotations

import time

from hydria.config_storage import NOT_PLAIN, plain_leaf
from hydria.overrides.model import is_hydra_override
from hydria.plugin_contracts import JobEvents as JobEvents
from hydria.plugin_contracts import Launcher as Launcher
from hydria.runtime import JobReturn, JobSpec, JobStatus
from hydria.terminal_text import printable

__all__ = ["JobEvents", "Launcher", "WorkerDied", "failed_job", "job_line"]


def job_line(spec: JobSpec) -> tuple[object, str]:
    """A job's number and its overrides as Hydra's launch lines show them (`#0 : a=1`),
    control characters escaped (`printable`)."""
    shown = printable(" ".join(o for o in spec.task_overrides if not is_hydra_override(o)))
    num = plain_leaf(spec.config, "hydra.job.num")  # from storage: a line per job
    return (spec.config.hydra.job.get("num") if num is NOT_PLAIN else num), shown


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
