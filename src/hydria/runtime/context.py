"""The current job's `hydra` node: the one piece of process-wide state `HydraConfig.get()` reads.

Jobs are kept on a stack shared by the whole process, guarded by a lock, and
each job is also remembered in a `ContextVar`. The stack is what makes
`HydraConfig.get()` work in a thread the user's task starts: a new thread
begins with an empty context, so a contextvar alone would say "no job" there,
while Hydra (a process-wide singleton) answers with the running job. The
contextvar is only a refinement: when jobs run concurrently in threads of one
process, each job's own thread (and asyncio tasks it spawns) sees its own job
rather than the most recent one. A thread started by a task while several jobs
run at once sees the most recently started job; nothing better is knowable.
"""

from __future__ import annotations

import threading
from contextlib import suppress
from contextvars import ContextVar, Token
from dataclasses import dataclass

from omegaconf import DictConfig

from hydria.errors import JobContextError

__all__ = ["HydraConfig", "JobToken", "pop_job", "push_job", "reset"]


@dataclass(frozen=True, slots=True, eq=False)
class _Job:
    """One entry of the stack; compared by identity so equal nodes stay distinct jobs."""

    hydra: DictConfig


@dataclass(frozen=True, slots=True, eq=False)
class JobToken:
    """What `push_job` returns and `pop_job` takes back; opaque to callers."""

    job: _Job
    var_token: Token[_Job | None]


_LOCK = threading.Lock()
_STACK: list[_Job] = []
_CURRENT: ContextVar[_Job | None] = ContextVar("hydria_current_job", default=None)

_OUTSIDE_JOB = (
    "HydraConfig.get() was called outside a running job: the hydra node exists only while "
    "a task started by hydria's main (or run_job) runs, including threads that task starts. "
    "Outside a job, compose with return_hydra_config=True and read cfg.hydra instead."
)


def push_job(hydra_node: DictConfig) -> JobToken:
    """Make `hydra_node` the current job's node until `pop_job` is called with the token.

    `hydra_node` should keep its parent (the job's full config) so interpolations in it
    that point into the app's config still resolve, as in Hydra.
    """
    job = _Job(hydra_node)
    with _LOCK:
        _STACK.append(job)
    return JobToken(job=job, var_token=_CURRENT.set(job))


def pop_job(token: JobToken) -> None:
    """End the job `token` stands for; jobs may end in any order (threads)."""
    with _LOCK:
        for i in range(len(_STACK) - 1, -1, -1):
            if _STACK[i] is token.job:
                del _STACK[i]
                break
    # Popped from another context, or twice: the stale value left behind is harmless,
    # because `_current_node` ignores jobs that are no longer on the stack.
    with suppress(ValueError, RuntimeError):
        _CURRENT.reset(token.var_token)


def reset() -> None:
    """Forget every job (tests only)."""
    with _LOCK:
        _STACK.clear()
    _CURRENT.set(None)


def _current_node() -> DictConfig | None:
    mine = _CURRENT.get()
    with _LOCK:
        if mine is not None and any(job is mine for job in _STACK):
            return mine.hydra
        return _STACK[-1].hydra if _STACK else None


class HydraConfig:
    """Read access to the running job's `hydra` node, as in Hydra (`HydraConfig.get().job.name`)."""

    @staticmethod
    def get() -> DictConfig:
        """The `hydra` node of the job currently running (read-only).

        Raises:
            hydria.errors.JobContextError: no job is running.
        """
        node = _current_node()
        if node is None:
            raise JobContextError(_OUTSIDE_JOB)
        return node

    @staticmethod
    def initialized() -> bool:
        """Whether a job is running, i.e. whether `get()` would succeed."""
        return _current_node() is not None
