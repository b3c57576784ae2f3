"""`hydra.callbacks`: hooks around the run, the sweep and each job, in Hydra 1.3's order,
one set of instances per run, `*_end` hooks in reverse, a broken hook only warned about."""

from __future__ import annotations

import pickle
from pathlib import Path
from typing import Any

import pytest
from omegaconf import DictConfig

import hydria
from hydria.runtime import JobStatus

CONF = Path(__file__).parent / "data" / "conf"
EVENTS: list[tuple[Any, ...]] = []


class Recorder(hydria.Callback):
    """Records each hook with what it was given."""

    def __init__(self, name: str = "rec") -> None:
        self.name = name

    def on_compose_config(self, config: DictConfig, **kwargs: Any) -> None:
        EVENTS.append((self.name, "on_compose_config", kwargs["config_name"], id(self)))

    def on_run_start(self, config: DictConfig, **kwargs: Any) -> None:
        EVENTS.append((self.name, "on_run_start", config.hydra.job.name, id(self)))

    def on_run_end(self, config: DictConfig, **kwargs: Any) -> None:
        EVENTS.append((self.name, "on_run_end", kwargs["job_return"].status, id(self)))

    def on_multirun_start(self, config: DictConfig, **kwargs: Any) -> None:
        EVENTS.append((self.name, "on_multirun_start", id(self)))

    def on_multirun_end(self, config: DictConfig, **kwargs: Any) -> None:
        EVENTS.append((self.name, "on_multirun_end", id(self)))

    def on_job_start(self, config: DictConfig, **kwargs: Any) -> None:
        task = kwargs["task_function"]
        EVENTS.append((self.name, "on_job_start", config.a, callable(task), id(self)))

    def on_job_end(self, config: DictConfig, job_return: Any, **kwargs: Any) -> None:
        # as callbacks written for Hydra do: return_value raises for a failed job
        value = job_return.return_value if job_return.status is JobStatus.COMPLETED else None
        EVENTS.append((self.name, "on_job_end", job_return.status, value, id(self)))


class Broken(hydria.Callback):
    def on_job_start(self, config: DictConfig, **kwargs: Any) -> None:
        raise RuntimeError("callback bug")


@hydria.main(config_path=str(CONF), config_name="config", version_base=None)
def my_app(cfg: DictConfig) -> Any:
    EVENTS.append(("task", cfg.a))
    if cfg.a == "fail":
        raise ValueError("task failed")
    return cfg.a


REC = f"{__name__}.Recorder"


@pytest.fixture(autouse=True)
def _forget() -> None:
    EVENTS.clear()


def _names(events: list[tuple[Any, ...]]) -> list[str]:
    return [e[1] if e[0] != "task" else "task" for e in events]


def test_a_run_calls_each_hook_once_in_order(run_app: Any) -> None:
    done = run_app(my_app, "a=5", f"+hydra.callbacks.rec._target_={REC}")
    assert done.code == 0 and done.value == 5
    assert _names(EVENTS) == [
        "on_compose_config",
        "on_run_start",
        "on_job_start",
        "task",
        "on_job_end",
        "on_run_end",
    ]
    assert EVENTS[1][2] == "test_callbacks" and EVENTS[2][2:4] == (5, True)
    assert EVENTS[4][2:4] == (JobStatus.COMPLETED, 5)
    assert len({e[-1] for e in EVENTS if e[0] == "rec"}) == 1  # one instance throughout


def test_end_hooks_run_in_reverse_order(run_app: Any) -> None:
    done = run_app(
        my_app,
        f"+hydra.callbacks.first={{_target_: {REC}, name: first}}",
        f"+hydra.callbacks.second={{_target_: {REC}, name: second}}",
    )
    assert done.code == 0
    order = [(e[0], e[1]) for e in EVENTS if e[0] != "task"]
    assert order == [
        ("first", "on_compose_config"),
        ("second", "on_compose_config"),
        ("first", "on_run_start"),
        ("second", "on_run_start"),
        ("first", "on_job_start"),
        ("second", "on_job_start"),
        ("second", "on_job_end"),
        ("first", "on_job_end"),
        ("second", "on_run_end"),
        ("first", "on_run_end"),
    ]


def test_a_sweep_calls_the_sweep_hooks_around_every_jobs_hooks(run_app: Any) -> None:
    done = run_app(
        my_app, "-m", "a=1,2", "hydra.sweep.dir=sweep", f"+hydra.callbacks.rec._target_={REC}"
    )
    assert done.code == 0
    assert _names(EVENTS) == [
        "on_multirun_start",
        "on_compose_config",  # every job of the batch is composed before any runs
        "on_compose_config",
        "on_job_start",
        "task",
        "on_job_end",
        "on_job_start",
        "task",
        "on_job_end",
        "on_multirun_end",
    ]
    assert len({e[-1] for e in EVENTS if e[0] == "rec"}) == 1


def test_a_failing_job_is_reported_to_the_hooks_and_the_run_still_ends(run_app: Any) -> None:
    done = run_app(my_app, "a=fail", f"+hydra.callbacks.rec._target_={REC}")
    assert done.code == 1
    assert "ValueError: task failed" in done.err
    job_end = next(e for e in EVENTS if e[1] == "on_job_end")
    assert job_end[2] is JobStatus.FAILED
    assert EVENTS[-1][1:3] == ("on_run_end", JobStatus.FAILED)


def test_a_failing_sweep_job_still_ends_the_sweep(run_app: Any) -> None:
    done = run_app(
        my_app, "-m", "a=fail,2", "hydra.sweep.dir=sw", f"+hydra.callbacks.rec._target_={REC}"
    )
    assert done.code == 1
    assert EVENTS[-1][1] == "on_multirun_end"
    assert ("task", 2) in EVENTS  # the other job of the batch ran


def test_a_broken_hook_is_a_warning_not_a_lost_run(run_app: Any) -> None:
    with pytest.warns(RuntimeWarning, match="Callback Broken.on_job_start raised RuntimeError"):
        done = run_app(
            my_app,
            "a=3",
            f"+hydra.callbacks.bad._target_={__name__}.Broken",
            f"+hydra.callbacks.rec._target_={REC}",
        )
    assert done.code == 0 and done.value == 3
    assert "on_job_end" in _names(EVENTS)


def test_hydras_own_callbacks_by_their_hydra_paths(run_app: Any) -> None:
    done = run_app(
        my_app,
        "a=7",
        "hydra.run.dir=run",
        "+hydra.callbacks.pickle._target_="
        "hydra.experimental.pickle_job_info_callback.PickleJobInfoCallback",
        "+hydra.callbacks.log._target_=hydra.experimental.callbacks.LogJobReturnCallback",
    )
    assert done.code == 0
    with open("run/.hydra/config.pickle", "rb") as f:
        saved = pickle.load(f)
    assert saved.a == 7 and saved.hydra.job.name == "test_callbacks"
    with open("run/.hydra/job_return.pickle", "rb") as f:
        job_return = pickle.load(f)
    assert (job_return.status, job_return.return_value) == (JobStatus.COMPLETED, 7)
    assert "Succeeded with return value: 7" in done.out


def test_a_null_entry_switches_a_callback_off(run_app: Any) -> None:
    done = run_app(my_app, "+hydra.callbacks.rec=null")
    assert done.code == 0 and _names(EVENTS) == ["task"]


def test_a_callback_that_cannot_be_built_is_a_config_error(run_app: Any) -> None:
    done = run_app(my_app, "+hydra.callbacks.rec._target_=nowhere_pkg.Callback")
    assert done.code == 1
    assert done.err.startswith(
        "Cannot locate target (at key 'hydra.callbacks.rec'): 'nowhere_pkg.Callback': "
        "no module named 'nowhere_pkg' is installed."
    )
    assert EVENTS == []
