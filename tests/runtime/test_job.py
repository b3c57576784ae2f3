"""run_job(): the task's view (config, cwd, environment, HydraConfig) and the restore after it."""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from omegaconf import DictConfig, OmegaConf
from omegaconf.errors import ConfigAttributeError, ReadonlyConfigError

from hydria.errors import JobContextError, TargetNotFoundError
from hydria.runtime import HydraConfig, JobReturn, JobSpec, JobStatus, run_job

RunTask = Callable[..., JobReturn]
OUTSIDE = (
    "HydraConfig.get() was called outside a running job: the hydra node exists only while "
    "a task started by hydria's main (or run_job) runs, including threads that task starts. "
    "Outside a job, compose with return_hydra_config=True and read cfg.hydra instead."
)


def test_task_gets_the_config_without_hydra(run_task: RunTask) -> None:
    def task(cfg: DictConfig) -> dict[str, Any]:
        assert "hydra" not in cfg
        assert OmegaConf.is_struct(cfg)
        with pytest.raises(ConfigAttributeError):
            cfg.not_a_key = 1
        return {"port": cfg.db.port, "job": cfg.job}

    ret = run_task(task, ["db.port=1"], configure_logging=False)
    assert (ret.status, ret.error) == (JobStatus.COMPLETED, None)
    assert ret.return_value == {"port": 1, "job": "my_app"}
    assert ret.task_overrides == ("db.port=1",)
    assert ret.config is not None and "hydra" not in ret.config
    assert ret.hydra_config is not None and ret.hydra_config.job.name == "my_app"


def test_hydra_config_inside_outside_and_in_threads(run_task: RunTask) -> None:
    seen: dict[str, Any] = {}

    def from_thread() -> None:
        seen["thread"] = HydraConfig.get().job.name

    def task(cfg: DictConfig) -> None:
        seen["initialized"] = HydraConfig.initialized()
        node = HydraConfig.get()
        seen["name"] = node.job.name
        with pytest.raises(ReadonlyConfigError):
            node.job.name = "changed"
        thread = threading.Thread(target=from_thread)
        thread.start()
        thread.join()

    run_task(task, configure_logging=False)
    assert seen == {"initialized": True, "name": "my_app", "thread": "my_app"}
    assert not HydraConfig.initialized()
    with pytest.raises(JobContextError) as info:
        HydraConfig.get()
    assert str(info.value) == OUTSIDE


@pytest.mark.parametrize(
    ("overrides", "in_output_dir"),
    [
        pytest.param([], False, id="default_stays"),
        pytest.param(["hydra.job.chdir=false"], False, id="false_stays"),
        pytest.param(["hydra.job.chdir=true"], True, id="true_moves"),
    ],
)
def test_chdir(
    run_task: RunTask, tmp_path: Path, overrides: list[str], in_output_dir: bool
) -> None:
    ret = run_task(lambda cfg: os.getcwd(), overrides, configure_logging=False)
    assert ret.return_value == ret.working_dir
    assert ret.working_dir == (ret.output_dir if in_output_dir else str(tmp_path))
    assert os.getcwd() == str(tmp_path)


def test_chdir_for_version_base_before_1_2_warns(compose_job: Callable[..., DictConfig]) -> None:
    cfg = compose_job()
    cfg.hydra.runtime.version_base = "1.1"
    with pytest.warns(UserWarning, match="no longer change working directory"):
        ret = run_job(JobSpec(config=cfg, task=lambda c: os.getcwd(), configure_logging=False))
    assert ret.return_value == ret.output_dir


@pytest.mark.parametrize(
    "before",
    [
        pytest.param(None, id="unset_before"),
        pytest.param("old", id="set_before"),
    ],
)
def test_env_set_applied_then_restored(
    run_task: RunTask, monkeypatch: pytest.MonkeyPatch, before: str | None
) -> None:
    if before is None:
        monkeypatch.delenv("HYDRIA_T_VAR", raising=False)
    else:
        monkeypatch.setenv("HYDRIA_T_VAR", before)
    overrides = [
        "+hydra.job.env_set.HYDRIA_T_VAR=new",
        "+hydra.job.env_set.HYDRIA_T_DIR=${hydra.job.name}",
    ]
    ret = run_task(
        lambda cfg: (os.environ["HYDRIA_T_VAR"], os.environ["HYDRIA_T_DIR"]),
        overrides,
        configure_logging=False,
    )
    assert ret.return_value == ("new", "my_app")
    assert os.environ.get("HYDRIA_T_VAR") == before
    assert "HYDRIA_T_DIR" not in os.environ


def test_failed_task_is_reported_and_everything_restored(
    run_task: RunTask, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("HYDRIA_T_VAR", raising=False)
    root = logging.getLogger()
    handlers = list(root.handlers)

    def task(cfg: DictConfig) -> None:
        logging.getLogger("hydria_t_job").warning("about to fail")
        raise ValueError("task failed")

    ret = run_task(task, ["hydra.job.chdir=true", "+hydra.job.env_set.HYDRIA_T_VAR=1"])
    assert ret.status is JobStatus.FAILED
    assert isinstance(ret.error, ValueError) and str(ret.error) == "task failed"
    assert ret.error.__traceback__ is not None
    assert ret.value is None
    with pytest.raises(ValueError, match="^task failed$"):
        ret.return_value  # noqa: B018 - Hydra's JobReturn raises the task's error here
    assert os.getcwd() == str(tmp_path)
    assert "HYDRIA_T_VAR" not in os.environ
    assert root.handlers == handlers
    assert not HydraConfig.initialized()
    assert "about to fail" in Path(ret.output_dir, "my_app.log").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    "raised",
    [
        pytest.param(KeyboardInterrupt, id="keyboard_interrupt"),
        pytest.param(SystemExit, id="system_exit"),
    ],
)
def test_base_exceptions_propagate_after_restoring(
    run_task: RunTask, tmp_path: Path, raised: type[BaseException]
) -> None:
    def task(cfg: DictConfig) -> None:
        raise raised

    root = logging.getLogger()
    handlers = list(root.handlers)
    with pytest.raises(raised):
        run_task(task, ["hydra.job.chdir=true"])
    assert os.getcwd() == str(tmp_path)
    assert root.handlers == handlers
    assert not HydraConfig.initialized()


def test_setup_failure_raises_after_restoring(
    run_task: RunTask, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("HYDRIA_T_VAR", raising=False)
    root = logging.getLogger()
    handlers = list(root.handlers)
    called: list[bool] = []
    overrides = ["hydra/job_logging=broken", "hydra.job.chdir=true"]
    with pytest.raises(TargetNotFoundError, match=r"hydra.job_logging.handlers.bad.class names"):
        run_task(lambda cfg: called.append(True), overrides)
    assert called == []
    assert os.getcwd() == str(tmp_path)
    assert root.handlers == handlers
    assert not HydraConfig.initialized()


def test_a_task_can_run_a_nested_job(run_task: RunTask) -> None:
    def inner(cfg: DictConfig) -> str:
        return str(HydraConfig.get().run.dir)

    def outer(cfg: DictConfig) -> tuple[str, str, str]:
        nested = run_task(inner, ["hydra.run.dir=inner"], configure_logging=False)
        return str(HydraConfig.get().run.dir), nested.return_value, cfg.job

    ret = run_task(outer, ["hydra.run.dir=outer"], configure_logging=False)
    assert ret.return_value == ("outer", "inner", "my_app")


def test_run_job_registers_the_resolvers_it_needs(run_task: RunTask) -> None:
    # As in a worker process that just unpickled a JobSpec.
    assert OmegaConf.clear_resolver("now")
    ret = run_task(lambda cfg: None, configure_logging=False)
    assert ret.error is None
    assert OmegaConf.has_resolver("now")


def test_the_job_config_keeps_hydra_first_and_the_task_config_has_no_hydra(
    run_task: RunTask,
) -> None:
    seen: list[DictConfig] = []
    done = run_task(lambda cfg: seen.append(cfg))
    assert done.status is JobStatus.COMPLETED
    assert "hydra" not in seen[0]
    full = done.hydra_config._get_parent()  # type: ignore[union-attr]
    assert list(full.keys())[0] == "hydra"
    assert list(full.keys())[1:] == list(seen[0].keys())
