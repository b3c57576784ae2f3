"""`hydria.utils`: Hydra's `hydra.utils` names, including the original working directory."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from omegaconf import DictConfig

import hydria
from hydria import utils
from hydria.errors import JobContextError

CONF = Path(__file__).parent / "data" / "conf"


@hydria.main(config_path=str(CONF), config_name="config", version_base=None)
def my_app(cfg: DictConfig) -> Any:
    return os.getcwd(), utils.get_original_cwd(), utils.to_absolute_path("data/x.csv")


def test_inside_a_job_paths_are_relative_to_where_the_app_started(
    run_app: Any, tmp_path: Path
) -> None:
    done = run_app(my_app, "hydra.run.dir=out", "hydra.job.chdir=true")
    cwd, original, absolute = done.value
    assert cwd == str(tmp_path / "out")
    assert original == str(tmp_path)
    assert absolute == str(tmp_path / "data" / "x.csv")


def test_outside_a_job(tmp_path: Path) -> None:
    assert utils.to_absolute_path("a/b") == str(tmp_path / "a" / "b")
    assert utils.to_absolute_path("/abs/p") == "/abs/p"
    with pytest.raises(JobContextError, match="only available inside a running job"):
        utils.get_original_cwd()


def test_the_object_helpers_are_hydrias() -> None:
    assert utils.instantiate is hydria.instantiate and utils.call is hydria.call
    assert utils.get_class("collections.OrderedDict").__name__ == "OrderedDict"
    assert (utils.get_object, utils.get_method) == (hydria.get_object, hydria.get_method)


@hydria.main(config_path=str(CONF), config_name="config", version_base=None)
def building_app(cfg: DictConfig) -> Any:
    return hydria.instantiate({"_target_": "collections.OrderedDict", "a": cfg.a})


def test_an_app_turns_the_allow_list_on_for_its_task_with_env_set(
    run_app: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("HYDRIA_ALLOWED_TARGETS", raising=False)
    assert run_app(building_app, "a=1").value == {"a": 1}
    done = run_app(building_app, "a=1", "+hydra.job.env_set.HYDRIA_ALLOWED_TARGETS=my_project")
    assert done.code == 1
    assert "TargetRefusedError: Target 'collections.OrderedDict'" in done.err
    assert "is not in the allowed targets (my_project; from HYDRIA_ALLOWED_TARGETS)" in done.err
