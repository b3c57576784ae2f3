"""Fixtures for the runtime tests: compose a job config from `data/app`, run it in `tmp_path`.

Every test runs in its own `tmp_path` and is checked afterwards for leaks: no job
left current, and the working directory as it was. (Logging is checked inside the
tests: pytest gives each test phase its own root handlers.)
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest
from omegaconf import DictConfig, OmegaConf

import hydria
from hydria.runtime import HydraConfig, JobReturn, JobSpec, register_resolvers, run_job
from hydria.runtime import context as job_context

DATA = Path(__file__).parent / "data"
JOB_NAME = "my_app"


def _compose_job(overrides: Sequence[str] = ()) -> DictConfig:
    return hydria.compose(
        "config",
        list(overrides),
        config_dir=str(DATA / "app"),
        return_hydra_config=True,
        job_name=JOB_NAME,
    )


def _run_task(
    task: Callable[[DictConfig], Any], overrides: Sequence[str] = (), **spec: Any
) -> JobReturn:
    cfg = _compose_job(overrides)
    # Unresolved: an override's text may itself contain `${...}`.
    overrides_text = OmegaConf.to_container(cfg.hydra.overrides.task)
    assert isinstance(overrides_text, list)
    spec.setdefault("task_overrides", tuple(overrides_text))
    return run_job(JobSpec(config=cfg, task=task, **spec))


@pytest.fixture
def compose_job() -> Callable[..., DictConfig]:
    """`compose_job(overrides)`: the config a run of `data/app` gets, `hydra` node included."""
    return _compose_job


@pytest.fixture
def run_task() -> Callable[..., JobReturn]:
    """`run_task(task, overrides, **spec_fields)`: compose `data/app`, run `task` as one job."""
    return _run_task


@pytest.fixture
def data_dir() -> Path:
    return DATA


@pytest.fixture(autouse=True)
def _isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    register_resolvers()
    monkeypatch.chdir(tmp_path)
    yield
    leaked_job = HydraConfig.initialized()
    job_context.reset()
    assert not leaked_job, "a job context was left behind"
    assert os.getcwd() == str(tmp_path)
