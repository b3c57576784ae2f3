"""The records a job is described and reported by: what to run, and how it went.

A `JobSpec` holds everything a job needs (no global state), so a launcher can
send it to another process; a `JobReturn` is what comes back.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from omegaconf import DictConfig


class JobStatus(enum.Enum):
    COMPLETED = "COMPLETED"
    FAILED = "FAILED"


@dataclass(frozen=True, slots=True, kw_only=True)
class JobSpec:
    """One job to run.

    Attributes:
        config: the composed config *with* its filled `hydra` node (`return_hydra_config`).
        task: the user's function; it receives the config without the `hydra` node.
        task_overrides: the overrides that shaped the task config (`.hydra/overrides.yaml`).
        dir_key: which config key names the output directory: `hydra.run.dir` for a run;
            for a sweep job `hydra.sweep.dir`, with `subdir_key` `hydra.sweep.subdir`.
        subdir_key: see `dir_key`; None for a single run.
        configure_logging: apply `hydra.job_logging` around the task.
        callbacks: the run's or sweep's `hydra.callbacks` (a `Callbacks`), whose
            `on_job_start` / `on_job_end` run around the task; None for none.
        environment: variables exported for the job on top of `hydra.job.env_set`
            (a launcher's device assignment, `CUDA_VISIBLE_DEVICES`).
        log_errors: log a failing task's traceback to the job's log (sweep jobs, whose
            errors are not printed one by one).
        owned: the config was composed for this job alone, so the job may work on it
            instead of a copy (a sweep's jobs; saves a copy of the whole config each).
    """

    config: DictConfig
    task: Callable[[DictConfig], Any]
    task_overrides: tuple[str, ...] = ()
    dir_key: str = "hydra.run.dir"
    subdir_key: str | None = None
    configure_logging: bool = True
    callbacks: Any = None
    environment: Mapping[str, str] = field(default_factory=dict)
    log_errors: bool = False
    owned: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class JobReturn:
    """How a job went.

    Attributes:
        status: COMPLETED, or FAILED when the task raised.
        return_value: what the task returned (None when it failed).
        error: the exception the task raised, with its traceback, or None.
        output_dir: the job's absolute output directory.
        working_dir: the working directory the task ran in (the output dir when
            `hydra.job.chdir` is true, else the launch directory).
        task_overrides: the job's task overrides, as in its `.hydra/overrides.yaml`.
        config: the task config the job received (without `hydra`).
        hydra_config: the job's `hydra` node as it was while the task ran (read-only; its
            parent is the job's full config, so its interpolations still resolve).
        error_traceback: the failure's traceback, the user's frames only, formatted
            where it happened (it survives being sent from a worker process).
        error_filtered: frames were left out of `error_traceback`.
        started: when the job started (Unix time); duration: seconds it took.
    """

    status: JobStatus
    return_value: Any = None
    error: BaseException | None = None
    output_dir: str = ""
    working_dir: str = ""
    task_overrides: tuple[str, ...] = ()
    config: DictConfig | None = None
    hydra_config: DictConfig | None = None
    error_traceback: str | None = None
    error_filtered: bool = False
    started: float = 0.0
    duration: float = 0.0
