"""The records a job is described and reported by: what to run, and how it went.

A `JobSpec` holds everything a job needs (no global state), so a launcher can
send it to another process; a `JobReturn` is what comes back.
"""

from __future__ import annotations

import enum
import os
import sys
from collections.abc import Callable, Mapping
from dataclasses import field
from typing import Any

from omegaconf import DictConfig, OmegaConf

from hydria.record_class import record


class JobStatus(enum.Enum):
    UNKNOWN = "UNKNOWN"  # Hydra's: a JobReturn not filled in yet
    COMPLETED = "COMPLETED"
    FAILED = "FAILED"


@record(kw_only=True)
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
        journal: for a sweep's job, what records it where it runs (picklable, handed
            down by the sweep): `begin()` marks it running and returns what unmarks it,
            `end(result, environment)` writes its record and says whether it did. None: nothing.
        launch_dir: the directory the job starts from, when it runs in a process that
            did not start there (a Ray worker started where its node was); ignored where
            that directory does not exist. None: where the process is.
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
    journal: Any = None
    launch_dir: str | None = None


@record(kw_only=True)
class JobReturn:
    """How a job went; it also answers to Hydra's attribute names (`return_value`,
    `overrides`, `cfg`, `hydra_cfg`, `task_name`), which callbacks written for Hydra read.

    Attributes:
        status: COMPLETED, or FAILED when the task raised.
        value: what the task returned (None when it failed). `return_value` is Hydra's
            name for it, which raises the task's error for a failed job.
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
        recorded: the job wrote its own record (`JobSpec.journal`), so whoever
            receives this must not write another.
    """

    status: JobStatus
    value: Any = None
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
    recorded: bool = False

    @property
    def return_value(self) -> Any:
        """What the task returned; for a failed job, as in Hydra, the line
        "Error executing job with overrides: [...]" goes to stderr and the task's
        error is raised."""
        if self.status is JobStatus.FAILED:
            sys.stderr.write(
                f"Error executing job with overrides: {list(self.task_overrides)}{os.linesep}"
            )
            assert self.error is not None, "a failed JobReturn carries its error"
            raise self.error
        return self.value

    @property
    def _return_value(self) -> Any:
        # Hydra's private field, which some callbacks read to avoid the raise above.
        return self.error if self.status is JobStatus.FAILED else self.value

    @property
    def overrides(self) -> list[str]:
        """The task overrides (Hydra's name for `task_overrides`)."""
        return list(self.task_overrides)

    @property
    def cfg(self) -> DictConfig | None:
        """The task config (Hydra's name for `config`)."""
        return self.config

    @property
    def hydra_cfg(self) -> DictConfig | None:
        """A config holding only the job's `hydra` node, as Hydra's `hydra_cfg`
        (`job_return.hydra_cfg.hydra.runtime.output_dir`)."""
        if self.hydra_config is None:
            return None
        parent = self.hydra_config._get_parent()
        if isinstance(parent, DictConfig) and "hydra" in parent:
            return OmegaConf.masked_copy(parent, "hydra")
        return OmegaConf.create({"hydra": self.hydra_config})

    @property
    def task_name(self) -> str | None:
        """`hydra.job.name` (Hydra's attribute)."""
        if self.hydra_config is None:
            return None
        name = OmegaConf.select(self.hydra_config, "job.name")
        return None if name is None else str(name)
