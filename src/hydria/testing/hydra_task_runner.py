"""Hydra's in-process test runners: run an app's configs with a stand-in task, in a temp dir.

`TaskTestFunction` (one run) and `SweepTaskFunction` (a multirun) are what the
`hydra_task_runner` and `hydra_sweep_runner` fixtures hand out: context managers
that compose the config the app at `calling_file` / `calling_module` would, run
the job in a temporary output dir, and expose what Hydra's `JobReturn`s hold.
Errors in the configs or overrides come out as the exceptions they are.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from omegaconf import DictConfig, OmegaConf

if TYPE_CHECKING:
    from hydria.core.utils import JobReturn

__all__ = ["SweepTaskFunction", "TSweepRunner", "TTaskRunner", "TaskTestFunction"]

_CONFIG_NAME_IN_PATH = (
    "Using config_path to specify the config name is not supported, specify the config name "
    "via config_name.\nSee https://hydra.cc/docs/1.2/upgrades/0.11_to_1.0/config_path_changes\n"
)


def _check_config_path(config_path: str | None) -> None:
    """A `config_path` naming a YAML file is Hydra 0.11's style, refused since Hydra 1.0."""
    from hydria.errors import UsageError

    if config_path is not None and os.path.splitext(config_path)[1] in (".yaml", ".yml"):
        folder, name = os.path.split(config_path)
        raise UsageError(
            f"{_CONFIG_NAME_IN_PATH}(config_path={config_path!r}: pass "
            f"config_path={folder or '.'!r}, config_name={os.path.splitext(name)[0]!r})"
        )


def _job_return(cfg: DictConfig, value: Any) -> JobReturn:
    """What Hydra's `run_job` returns for a job that completed, built inside the job."""
    from hydria.core.utils import JobReturn, JobStatus
    from hydria.runtime import HydraConfig

    hydra = HydraConfig.get()
    overrides = OmegaConf.to_container(hydra.overrides.task)
    assert isinstance(overrides, list)
    return JobReturn(
        status=JobStatus.COMPLETED,
        value=value,
        output_dir=str(hydra.runtime.output_dir),
        working_dir=os.getcwd(),
        task_overrides=tuple(str(o) for o in overrides),
        config=cfg,
        hydra_config=hydra,
    )


class _StandIn:
    """The task the runners run: records each job's `JobReturn` (returned as the task's
    value, so it also travels back from a launcher's worker) and the first error."""

    def __init__(self, task: Callable[[DictConfig], Any]) -> None:
        self.task = task
        self.error: BaseException | None = None

    def __call__(self, cfg: DictConfig) -> Any:
        try:
            value = self.task(cfg)
        except Exception as exc:
            if self.error is None:
                self.error = exc
            raise
        return _job_return(cfg, value)


def _run_in_process(
    *,
    task: _StandIn,
    calling_file: str | None,
    calling_module: str | None,
    config_path: str | None,
    config_name: str | None,
    argv: Sequence[str],
    configure_logging: bool,
) -> Any:
    """Compose and run as the app would from `argv`; the task's failure is re-raised.

    The `version_base` is the process's (the last `main` or `initialize*` set), "1.1"
    when none was set, as Hydra's runners have it: a null `hydra.job.chdir` then
    changes into the job's output dir.
    """
    from hydria.app.app_setup import AppSource
    from hydria.app.runner import App, AppExit, dispatch
    from hydria.version_base import COMPAT_VERSION, getbase

    base = getbase()
    app = App(
        task=task,
        config_path=config_path,
        config_name=config_name,
        source=AppSource(calling_file=calling_file, calling_module=calling_module),
        version_base=COMPAT_VERSION if base is None else str(base),
        configure_logging=configure_logging,
    )
    try:
        return dispatch(app, argv)
    except AppExit:
        if task.error is not None:
            raise task.error from None
        raise


class TaskTestFunction:
    """One run of an app's configs, with a task that returns 100, as a context manager.

    Entering composes the config of the app at `calling_file` (or `calling_module`)
    with `config_path`, `config_name` and `overrides`, and runs the job in a new
    temporary directory (`hydra.run.dir`); `job_ret` is then its `JobReturn`. Leaving
    removes the directory.
    """

    def __init__(self) -> None:
        self.temp_dir: str | None = None
        self.overrides: list[str] | None = None
        self.calling_file: str | None = None
        self.calling_module: str | None = None
        self.config_path: str | None = None
        self.config_name: str | None = None
        self.job_ret: JobReturn | None = None
        self.configure_logging: bool = False

    def __call__(self, cfg: DictConfig) -> Any:
        """The task: Hydra's runner returns 100 from every job."""
        return 100

    def __enter__(self) -> TaskTestFunction:
        _check_config_path(self.config_path)
        self.temp_dir = tempfile.mkdtemp()
        returned = _run_in_process(
            task=_StandIn(self),
            calling_file=self.calling_file,
            calling_module=self.calling_module,
            config_path=self.config_path,
            config_name=self.config_name,
            argv=[*(self.overrides or []), f"hydra.run.dir={self.temp_dir}"],
            configure_logging=self.configure_logging,
        )
        self.job_ret = returned
        return self

    def __exit__(self, *exc_info: object) -> None:
        if self.temp_dir is not None:
            shutil.rmtree(self.temp_dir, ignore_errors=True)


class TTaskRunner(Protocol):
    """The `hydra_task_runner` fixture: makes a `TaskTestFunction`."""

    def __call__(
        self,
        calling_file: str | None,
        calling_module: str | None,
        config_path: str | None,
        config_name: str | None,
        overrides: list[str] | None = None,
        configure_logging: bool = False,
    ) -> TaskTestFunction: ...


def _in_batches(jobs: list[JobReturn]) -> list[list[JobReturn]]:
    """The jobs grouped as the basic sweeper launched them: `max_batch_size` at a time."""
    if not jobs:
        return []
    hydra_cfg = jobs[0].hydra_cfg or OmegaConf.create()  # None only for a job without one
    size = OmegaConf.select(hydra_cfg, "hydra.sweeper.max_batch_size", default=None)
    if not isinstance(size, int) or size <= 0:
        return [jobs]
    return [jobs[i : i + size] for i in range(0, len(jobs), size)]


class SweepTaskFunction:
    """A multirun of an app's configs, as a context manager.

    Entering runs the sweep `overrides` describe, each job calling `task_function`
    (or returning 100 without one), in `temp_dir` (`hydra.sweep.dir`, created if
    needed; a new temporary directory when None); `returns` then holds the jobs'
    `JobReturn`s, batch by batch. Leaving removes the directory.
    """

    def __init__(self) -> None:
        self.temp_dir: str | None = None
        self.overrides: list[str] | None = None
        self.calling_file: str | None = None
        self.calling_module: str | None = None
        self.task_function: Callable[[DictConfig], Any] | None = None
        self.config_path: str | None = None
        self.config_name: str | None = None
        self.sweeps: Any = None
        self.returns: list[list[JobReturn]] | None = None
        self.configure_logging: bool = False

    def __call__(self, cfg: DictConfig) -> Any:
        """The task: `task_function(cfg)`, or 100 without one."""
        if self.task_function is not None:
            return self.task_function(cfg)
        return 100

    def __enter__(self) -> SweepTaskFunction:
        if self.temp_dir:
            Path(self.temp_dir).mkdir(parents=True, exist_ok=True)
        else:
            self.temp_dir = tempfile.mkdtemp()
        _check_config_path(self.config_path)
        returned = _run_in_process(
            task=_StandIn(self),
            calling_file=self.calling_file,
            calling_module=self.calling_module,
            config_path=self.config_path,
            config_name=self.config_name,
            argv=["--multirun", *(self.overrides or []), f"hydra.sweep.dir={self.temp_dir}"],
            configure_logging=self.configure_logging,
        )
        self.returns = _in_batches(list(returned or []))
        return self

    def __exit__(self, *exc_info: object) -> None:
        if self.temp_dir is not None:
            shutil.rmtree(self.temp_dir, ignore_errors=True)


class TSweepRunner(Protocol):
    """The `hydra_sweep_runner` fixture: makes a `SweepTaskFunction`."""

    returns: list[list[JobReturn]]

    def __call__(
        self,
        calling_file: str | None,
        calling_module: str | None,
        task_function: Callable[[DictConfig], Any] | None,
        config_path: str | None,
        config_name: str | None,
        overrides: list[str] | None,
        temp_dir: Path | None = None,
    ) -> SweepTaskFunction: ...
