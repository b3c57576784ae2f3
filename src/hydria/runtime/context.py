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

Hydra also lets code set the node by hand (`HydraConfig().set_config(cfg)`), which test
suites use to fake a running job; that node is kept in a slot of its own, answered
when no job is running, and cleared by `HydraConfig.instance().cfg = None` or `reset`.
"""

from __future__ import annotations

import threading
from contextlib import suppress
from contextvars import ContextVar, Token
from typing import Any

from omegaconf import DictConfig, OmegaConf

from hydria.errors import JobContextError
from hydria.record_class import record

__all__ = ["HydraConfig", "JobToken", "pop_job", "push_job", "reset"]


@record(eq=False)
class _Job:
    """One entry of the stack; compared by identity so equal nodes stay distinct jobs."""

    hydra: DictConfig


@record(eq=False)
class JobToken:
    """What `push_job` returns and `pop_job` takes back; opaque to callers."""

    job: _Job
    var_token: Token[_Job | None]


_LOCK = threading.Lock()
_STACK: list[_Job] = []
_CURRENT: ContextVar[_Job | None] = ContextVar("hydria_current_job", default=None)
# the config given to HydraConfig().set_config(), with its `hydra` node; None for none
_SET_BY_HAND: DictConfig | None = None

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
    """Forget every job, and the node set by hand (tests only)."""
    global _SET_BY_HAND
    with _LOCK:
        _STACK.clear()
        _SET_BY_HAND = None
    _CURRENT.set(None)


def _current_node() -> DictConfig | None:
    mine = _CURRENT.get()
    with _LOCK:
        if mine is not None and any(job is mine for job in _STACK):
            return mine.hydra
        if _STACK:
            return _STACK[-1].hydra
        return _SET_BY_HAND.hydra if _SET_BY_HAND is not None else None


class HydraConfig:
    """Read access to the running job's `hydra` node, as in Hydra (`HydraConfig.get().job.name`).

    Every instance reads the same process-wide state, so `HydraConfig()` and
    `HydraConfig.instance()` are interchangeable, as in Hydra.
    """

    @staticmethod
    def instance() -> HydraConfig:
        """An instance (Hydra's singleton accessor), for `set_config` and `cfg`."""
        return _INSTANCE

    def set_config(self, cfg: DictConfig) -> None:
        """Make `cfg.hydra` what `get()` returns while no job runs, as Hydra's
        `HydraConfig().set_config(cfg)` does (test suites fake a running job with it);
        `cfg.hydra` becomes read-only.

        Raises:
            hydria.errors.JobContextError: `cfg` has no `hydra` node (compose it with
                `return_hydra_config=True`).
        """
        global _SET_BY_HAND
        if not isinstance(cfg, DictConfig) or "hydra" not in cfg:
            raise JobContextError(
                "HydraConfig().set_config(cfg) needs a config with its hydra node: compose "
                "it with return_hydra_config=True"
            )
        OmegaConf.set_readonly(cfg.hydra, True)
        with _LOCK:
            _SET_BY_HAND = cfg

    @property
    def cfg(self) -> DictConfig | None:
        """The config whose `hydra` node `get()` returns (Hydra's attribute), or None:
        the running job's full config, else the one given to `set_config`."""
        node = _current_node()
        if node is None:
            return None
        parent = node._get_parent()
        return parent if isinstance(parent, DictConfig) else OmegaConf.create({"hydra": node})

    @cfg.setter
    def cfg(self, value: Any) -> None:
        # Hydra's way to unset it (`HydraConfig.instance().cfg = None`) or to put back
        # a config saved from `cfg` earlier.
        global _SET_BY_HAND
        if value is None:
            with _LOCK:
                _SET_BY_HAND = None
        else:
            self.set_config(value)

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


_INSTANCE = HydraConfig()
