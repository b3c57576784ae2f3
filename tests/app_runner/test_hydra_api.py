"""Hydra's API around a running app, as Hydra 1.3.2 behaves (observed with hydra-core):
the command line's return value, GlobalHydra while a task runs, `compose` inside a task,
`JobReturn`'s Hydra attributes, `HydraConfig().set_config`, a frozen primary config."""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from omegaconf import DictConfig, OmegaConf

import hydria
from hydria.core.config_store import ConfigStore
from hydria.core.global_hydra import GlobalHydra
from hydria.core.hydra_config import HydraConfig
from hydria.core.utils import JobStatus
from hydria.errors import AlreadyInitializedError, JobContextError
from hydria.experimental.callback import Callback

CONF = Path(__file__).parent / "data" / "conf"
SEEN: list[Any] = []


@pytest.fixture(autouse=True)
def _fresh() -> None:
    SEEN.clear()


def _inside(cfg: DictConfig) -> Any:
    """What a task sees of Hydra's global API."""
    found: dict[str, Any] = {"initialized": GlobalHydra.instance().is_initialized()}
    db = hydria.compose("db/postgresql")  # the app's search path, no initialize needed
    found["compose"] = OmegaConf.to_container(db)
    with_hydra = hydria.compose("config", ["db=postgresql"], return_hydra_config=True)
    found["job_name"] = with_hydra.hydra.job.name
    found["version_base"] = with_hydra.hydra.runtime.version_base
    try:
        hydria.initialize(config_path=None, version_base=None)
    except AlreadyInitializedError as exc:
        found["initialize"] = str(exc).split(" (")[0]
    GlobalHydra.instance().clear()
    # nothing initialized: the running job's own search path (as in a worker process)
    found["after_clear"] = hydria.compose("config").db.port
    with hydria.initialize_config_dir(str(CONF / "db"), version_base=None):
        found["own_initialize"] = OmegaConf.to_container(hydria.compose("mysql"))
    return found


inside_app = hydria.main(config_path=str(CONF), config_name="config", version_base="1.2")(_inside)


def test_inside_a_task(run_app: Any) -> None:
    done = run_app(inside_app, "hydra.run.dir=out")
    assert done.code == 0, done.err
    assert done.value == {
        "initialized": True,
        "compose": {"db": {"host": "pg", "port": 5432}},
        "job_name": "test_hydra_api",
        "version_base": "1.2",
        "initialize": (
            "GlobalHydra is already initialized, call GlobalHydra.instance().clear() if you "
            "want to re-initialize"
        ),
        "after_clear": 3306,
        "own_initialize": {"host": "localhost", "port": 3306},
    }
    assert not GlobalHydra.instance().is_initialized()  # cleared when the app ends


def test_inside_each_job_of_a_sweep(run_app: Any) -> None:
    done = run_app(inside_app, "-m", "+x=1,2", "hydra.sweep.dir=sw")
    assert done.code == 0, done.err
    assert [v["compose"] for v in done.value] == [{"db": {"host": "pg", "port": 5432}}] * 2
    assert not GlobalHydra.instance().is_initialized()


def test_an_app_started_while_initialize_is_in_effect_fails(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # Hydra reports the same ValueError and exits 1
    hydria.initialize(config_path=None, version_base=None)
    monkeypatch.setattr(sys, "argv", ["my_app.py", "hydra.run.dir=out"])
    with pytest.raises(SystemExit) as info:
        inside_app()
    assert info.value.code == 1
    assert "GlobalHydra is already initialized" in capsys.readouterr().err
    assert GlobalHydra.instance().is_initialized()  # the caller's initialize stays
    GlobalHydra.instance().clear()


def _returns_seven(cfg: DictConfig) -> int:
    return 7


seven_app = hydria.main(config_path=str(CONF), config_name="config", version_base=None)(
    _returns_seven
)


def test_the_command_line_returns_none(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "argv", ["my_app.py", "hydra.run.dir=out"])
    assert seven_app() is None
    # called with a config, the task's value comes back (tests, notebooks)
    assert seven_app(OmegaConf.create({})) == 7


# --- JobReturn as Hydra's callbacks read it ---------------------------------------------


class HydraStyleCallback(Callback):
    """Reads the attributes a callback written for Hydra reads."""

    def on_job_end(self, config: DictConfig, job_return: Any, **kwargs: Any) -> None:
        seen: dict[str, Any] = {
            "status": job_return.status,
            "overrides": job_return.overrides,
            "cfg": OmegaConf.to_container(job_return.cfg),
            "output_dir": job_return.hydra_cfg.hydra.runtime.output_dir,
            "hydra_keys": list(job_return.hydra_cfg),
            "working_dir": job_return.working_dir,
            "task_name": job_return.task_name,
        }
        try:
            seen["return_value"] = job_return.return_value
        except Exception as exc:  # noqa: BLE001 - Hydra raises the task's error here
            seen["raised"] = f"{type(exc).__name__}: {exc}"
        SEEN.append(seen)


def _maybe_fail(cfg: DictConfig) -> Any:
    if cfg.a == "fail":
        raise ValueError("task failed")
    return cfg.a


maybe_fail_app = hydria.main(config_path=str(CONF), config_name="config", version_base=None)(
    _maybe_fail
)
CALLBACK = f"+hydra.callbacks.h._target_={__name__}.HydraStyleCallback"


def test_job_return_of_a_completed_job(run_app: Any) -> None:
    done = run_app(maybe_fail_app, "a=5", "hydra.run.dir=out", CALLBACK)
    assert done.code == 0, done.err
    (seen,) = SEEN
    assert seen.pop("cfg")["a"] == 5
    assert seen == {
        "status": JobStatus.COMPLETED,
        "overrides": ["a=5"],
        "output_dir": str(Path("out").absolute()),
        "hydra_keys": ["hydra"],
        "working_dir": str(Path.cwd()),
        "task_name": "test_hydra_api",
        "return_value": 5,
    }


def test_job_return_of_a_failed_job_raises_its_error(run_app: Any) -> None:
    done = run_app(maybe_fail_app, "a=fail", "hydra.run.dir=out", CALLBACK)
    assert done.code == 1
    (seen,) = SEEN
    assert seen["status"] is JobStatus.FAILED
    assert seen["raised"] == "ValueError: task failed"
    assert "Error executing job with overrides: ['a=fail']" in done.err


# --- HydraConfig().set_config: a test suite faking a running job -------------------------


def test_set_config_fakes_a_running_job() -> None:
    cfg = hydria.compose("config", return_hydra_config=True, config_dir=str(CONF))
    assert not HydraConfig.initialized()
    HydraConfig().set_config(cfg)
    try:
        assert HydraConfig.initialized()
        assert HydraConfig.get().job.name == "app"
        assert HydraConfig.instance().cfg is cfg
        assert OmegaConf.is_readonly(cfg.hydra)
        resolved = OmegaConf.create({"dir": "${hydra:runtime.cwd}"})
        assert resolved.dir == str(Path.cwd())
    finally:
        HydraConfig.instance().cfg = None  # Hydra's way to unset it
    assert not HydraConfig.initialized()
    with pytest.raises(ValueError, match="outside a running job"):  # Hydra: a ValueError
        HydraConfig.get()


def test_set_config_needs_the_hydra_node() -> None:
    with pytest.raises(JobContextError, match="return_hydra_config=True"):
        HydraConfig().set_config(OmegaConf.create({"a": 1}))


# --- a frozen dataclass as the primary config ---------------------------------------------


@dataclass(frozen=True)
class FrozenSub:
    b: int = 2


@dataclass(frozen=True)
class FrozenConfig:
    a: int = 1
    sub: FrozenSub = field(default_factory=FrozenSub)


@pytest.fixture(autouse=True)
def _frozen_in_store() -> None:
    # stored per test: other tests may reset the process's ConfigStore
    ConfigStore.instance().store(name="hydria_t_frozen", node=FrozenConfig)


def _frozen_task(cfg: DictConfig) -> Any:
    return (
        OmegaConf.to_container(cfg),
        OmegaConf.is_readonly(cfg),
        OmegaConf.get_type(cfg).__name__,  # type: ignore[union-attr]
        HydraConfig.get().runtime.version_base,
    )


frozen_app = hydria.main(config_path=None, config_name="hydria_t_frozen", version_base=None)(
    _frozen_task
)


def test_a_frozen_dataclass_as_the_primary_config(run_app: Any) -> None:
    done = run_app(frozen_app, "hydra.run.dir=out")
    assert done.code == 0, done.err
    assert done.value == ({"a": 1, "sub": {"b": 2}}, True, "FrozenConfig", "1.3")


@pytest.mark.parametrize("override", ["a=5", "+c=1", "sub.b=3"])
def test_a_frozen_primary_config_refuses_overrides(run_app: Any, override: str) -> None:
    done = run_app(frozen_app, "hydra.run.dir=out", override)
    assert done.code == 1
    assert "Cannot change read-only config container" in done.err


def test_compose_a_frozen_primary_config() -> None:
    cfg = hydria.compose("hydria_t_frozen")
    assert OmegaConf.to_container(cfg) == {"a": 1, "sub": {"b": 2}}
    with_hydra = hydria.compose("hydria_t_frozen", return_hydra_config=True)
    assert with_hydra.hydra.runtime.version_base == "1.3"
