"""`@hydria.main` itself: what the decorated function is, and what calling it does."""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from omegaconf import DictConfig, OmegaConf

import hydria
from hydria.errors import JobContextError

CONF = Path(__file__).parent / "data" / "conf"
JOB_NAME = Path(__file__).stem
CALLS: list[str] = []


def _undecorated(cfg: DictConfig) -> str:
    """Adds one to `a`."""
    return f"{hydria.HydraConfig.get().job.name}:{cfg.a + 1}"


my_app = hydria.main(config_path=str(CONF), config_name="config", version_base=None)(_undecorated)


def traced(function: Callable[..., Any]) -> Callable[..., Any]:
    """A user's decorator, as commonly written (functools.wraps)."""

    @functools.wraps(function)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        CALLS.append(function.__name__)
        return function(*args, **kwargs)

    return wrapper


@traced
@hydria.main(config_path="data/conf", config_name="config", version_base=None)
def outer_traced(cfg: DictConfig) -> str:
    return f"{hydria.HydraConfig.get().job.name}:{cfg.a + 1}"


@hydria.main(config_path="data/conf", config_name="config", version_base=None)
@traced
def inner_traced(cfg: DictConfig) -> str:
    return f"{hydria.HydraConfig.get().job.name}:{cfg.a + 1}"


@pytest.fixture(autouse=True)
def _forget_calls() -> None:
    CALLS.clear()


def test_wraps_the_task() -> None:
    assert my_app.__name__ == "_undecorated"
    assert my_app.__qualname__ == "_undecorated"
    assert my_app.__doc__ == "Adds one to `a`."
    assert my_app.__module__ == _undecorated.__module__
    assert my_app.__wrapped__ is _undecorated  # type: ignore[attr-defined]  # set by functools.wraps


def test_a_config_argument_runs_the_task_directly(tmp_path: Path) -> None:
    def task(cfg: DictConfig) -> Any:
        assert not hydria.HydraConfig.initialized()
        return cfg.a * 10

    app = hydria.main(config_path=str(CONF), config_name="config", version_base=None)(task)
    assert app(OmegaConf.create({"a": 4})) == 40
    assert list(tmp_path.iterdir()) == []


def test_a_config_argument_does_not_catch_the_task_errors() -> None:
    def task(cfg: DictConfig) -> None:
        raise KeyError(cfg.a)

    app = hydria.main(config_path=str(CONF), config_name="config", version_base=None)(task)
    with pytest.raises(KeyError, match="4"):
        app(OmegaConf.create({"a": 4}))


@pytest.mark.parametrize(
    ("app", "calls"),
    [
        pytest.param(my_app, [], id="plain"),
        pytest.param(outer_traced, ["outer_traced"], id="under-another-decorator"),
        pytest.param(inner_traced, ["inner_traced"], id="over-another-decorator"),
    ],
)
def test_runs_from_the_command_line(run_app: Any, app: Any, calls: list[str]) -> None:
    done = run_app(app, "a=4")
    assert (done.code, done.out, done.err) == (0, "", "")
    assert list(CALLS) == calls
    assert done.value == f"{JOB_NAME}:5"  # the job is named after this file in every case


def test_under_another_decorator_a_config_argument_runs_the_task_without_a_job() -> None:
    with pytest.raises(JobContextError, match="outside a running job"):
        outer_traced(OmegaConf.create({"a": 1}))
    assert CALLS == ["outer_traced"]


def test_returns_the_task_value(run_app: Any) -> None:
    """hydria returns what the task returned (Hydra returns None); `-m` gives one per job."""
    assert run_app(my_app, "a=1").value is not None
