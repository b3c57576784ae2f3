"""The `hydra` node a task reads through `hydria.HydraConfig.get()`, and what the job
does with it: output dir, saved files, working directory and environment."""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Any

import pytest
from omegaconf import DictConfig, OmegaConf
from omegaconf.errors import ReadonlyConfigError

import hydria
from hydria.errors import JobContextError

CONF = Path(__file__).parent / "data" / "conf"
JOB_NAME = Path(__file__).stem
SEEN: dict[str, Any] = {}


@hydria.main(config_path=str(CONF), config_name="config", version_base=None)
def my_app(cfg: DictConfig) -> None:
    hydra = hydria.HydraConfig.get()
    SEEN.clear()
    SEEN.update(
        hydra=OmegaConf.to_container(hydra, enum_to_str=True),
        task_config=cfg,
        cwd=os.getcwd(),
        env=os.environ.get("MY_VAR"),
        root_level=logging.getLogger().level,
        x_level=logging.getLogger("x").level,
    )
    try:
        hydra.job.name = "changed"
    except ReadonlyConfigError:
        SEEN["readonly"] = True


def _seen(done: Any, key: str) -> Any:
    assert (done.code, done.err) == (0, ""), done.err
    value = SEEN["hydra"]
    for part in key.split("."):
        value = value[part]
    return value


@pytest.mark.parametrize(
    ("argv", "key", "expected"),
    [
        pytest.param([], "job.name", JOB_NAME, id="job-name"),
        pytest.param(["hydra.job.name=custom"], "job.name", "custom", id="job-name-set"),
        pytest.param([], "job.config_name", "config", id="config-name"),
        pytest.param(["-cn", "missing", "a=1"], "job.config_name", "missing", id="config-name-cn"),
        pytest.param([], "job.num", "???", id="no-num-in-a-run"),
        pytest.param([], "job.id", "???", id="no-id-in-a-run"),
        pytest.param([], "job.override_dirname", "", id="override-dirname-empty"),
        pytest.param(
            ["b=w", "a=1", "db=postgresql", "hydra.job.chdir=false"],
            "job.override_dirname",
            "a=1,b=w,db=postgresql",
            id="override-dirname-sorted",
        ),
        pytest.param(
            [
                "b=w",
                "a=1",
                "db=postgresql",
                "hydra.job.config.override_dirname.kv_sep=_",
                "hydra.job.config.override_dirname.item_sep=/",
                "hydra.job.config.override_dirname.exclude_keys=[b]",
            ],
            "job.override_dirname",
            "a_1/db_postgresql",
            id="override-dirname-config",
        ),
        pytest.param([], "job.chdir", None, id="chdir-default"),
        pytest.param([], "job.env_set", {}, id="env-set-default"),
        pytest.param([], "mode", "RUN", id="mode"),
        pytest.param([], "output_subdir", ".hydra", id="output-subdir"),
        pytest.param([], "verbose", False, id="verbose"),
        pytest.param(["hydra.verbose=[x]"], "verbose", ["x"], id="verbose-list"),
        pytest.param([], "run.dir", "outputs/${now:%Y-%m-%d}/${now:%H-%M-%S}", id="run-dir"),
        pytest.param([], "sweep.dir", "multirun/${now:%Y-%m-%d}/${now:%H-%M-%S}", id="sweep-dir"),
        pytest.param([], "sweep.subdir", "${hydra.job.num}", id="sweep-subdir"),
        pytest.param([], "runtime.version", hydria.__version__, id="version"),
        pytest.param(
            ["db=postgresql"],
            "runtime.choices",
            {
                "db": "postgresql",
                "hydra/env": "default",
                "hydra/callbacks": None,
                "hydra/job_logging": "default",
                "hydra/hydra_logging": "default",
                "hydra/hydra_help": "default",
                "hydra/help": "default",
                "hydra/sweeper": "basic",
                "hydra/launcher": "basic",
                "hydra/output": "default",
            },
            id="choices",
        ),
        pytest.param([], "overrides.task", [], id="no-overrides"),
        pytest.param([], "overrides.hydra", ["hydra.mode=RUN"], id="mode-is-a-hydra-override"),
        pytest.param(
            ["a=1", "hydra.job.chdir=false", "+c=${hydra:job.name}", "hydra/job_logging=none"],
            "overrides",
            {
                "task": ["a=1", "+c=${hydra:job.name}"],
                "hydra": ["hydra.job.chdir=false", "hydra/job_logging=none", "hydra.mode=RUN"],
            },
            id="task-and-hydra-overrides",
        ),
    ],
)
def test_hydra_node_in_the_task(run_app: Any, argv: list[str], key: str, expected: Any) -> None:
    assert _seen(run_app(my_app, *argv), key) == expected


def test_runtime_dirs(run_app: Any, tmp_path: Path) -> None:
    done = run_app(my_app)
    [output_dir] = tmp_path.glob("outputs/*/*")
    assert _seen(done, "runtime.output_dir") == str(output_dir)
    assert _seen(done, "runtime.cwd") == str(tmp_path)
    assert SEEN["cwd"] == str(tmp_path)  # hydra.job.chdir is null: no change of directory


def test_run_dir_from_the_command_line(run_app: Any, tmp_path: Path) -> None:
    done = run_app(my_app, "hydra.run.dir=runs/${hydra.job.override_dirname}", "a=1")
    assert _seen(done, "runtime.output_dir") == str(tmp_path / "runs" / "a=1")
    assert (tmp_path / "runs" / "a=1" / ".hydra" / "overrides.yaml").read_text() == "- a=1\n"


@pytest.mark.parametrize(
    ("chdir", "into_output_dir"),
    [
        pytest.param("true", True, id="true"),
        pytest.param("false", False, id="false"),
        pytest.param("null", False, id="null"),
    ],
)
def test_job_chdir(run_app: Any, tmp_path: Path, chdir: str, into_output_dir: bool) -> None:
    done = run_app(my_app, f"hydra.job.chdir={chdir}")
    output_dir = _seen(done, "runtime.output_dir")
    assert SEEN["cwd"] == (output_dir if into_output_dir else str(tmp_path))
    assert _seen(done, "runtime.cwd") == str(tmp_path)


def test_env_set_is_applied_during_the_task_and_removed_after(run_app: Any) -> None:
    assert "MY_VAR" not in os.environ
    done = run_app(my_app, "+hydra.job.env_set.MY_VAR=hello")
    assert _seen(done, "job.env_set") == {"MY_VAR": "hello"}
    assert SEEN["env"] == "hello"
    assert "MY_VAR" not in os.environ


def test_env_copy_copies_into_env_set(run_app: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MY_COPIED", "yes")
    done = run_app(my_app, "hydra.job.env_copy=[MY_COPIED]", "+hydra.job.env_set.MY_VAR=x")
    assert _seen(done, "job.env_copy") == ["MY_COPIED"]
    assert _seen(done, "job.env_set") == {"MY_VAR": "x", "MY_COPIED": "yes"}


def test_env_set_restores_the_previous_value(run_app: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MY_VAR", "before")
    run_app(my_app, "+hydra.job.env_set.MY_VAR=during")
    assert SEEN["env"] == "during"
    assert os.environ["MY_VAR"] == "before"


@pytest.mark.parametrize(
    ("argv", "root_level", "x_level"),
    [
        pytest.param([], logging.INFO, logging.NOTSET, id="default"),
        pytest.param(["hydra.verbose=true"], logging.DEBUG, logging.NOTSET, id="true"),
        pytest.param(["hydra.verbose=x"], logging.INFO, logging.DEBUG, id="one-logger"),
        pytest.param(["hydra.verbose=[x,y]"], logging.INFO, logging.DEBUG, id="loggers"),
    ],
)
def test_verbose_sets_log_levels_during_the_task(
    run_app: Any, argv: list[str], root_level: int, x_level: int
) -> None:
    before = logging.getLogger("x").level
    run_app(my_app, *argv)
    assert (SEEN["root_level"], SEEN["x_level"]) == (root_level, x_level)
    assert logging.getLogger("x").level == before


def test_the_hydra_node_is_read_only_and_gone_after_the_task(run_app: Any) -> None:
    run_app(my_app)
    assert SEEN["readonly"]
    with pytest.raises(JobContextError, match="outside a running job"):
        hydria.HydraConfig.get()


def test_the_task_config_has_no_hydra_node(run_app: Any) -> None:
    run_app(my_app, "+c=${hydra:job.name}")
    cfg = SEEN["task_config"]
    assert "hydra" not in cfg
    assert OmegaConf.is_struct(cfg)
    assert list(cfg) == ["db", "a", "b", "url", "c"]


@pytest.mark.parametrize(
    ("argv", "files"),
    [
        pytest.param(
            [],
            [".hydra", ".hydra/config.yaml", ".hydra/hydra.yaml", ".hydra/overrides.yaml", "LOG"],
            id="default",
        ),
        pytest.param(
            ["hydra.output_subdir=meta"],
            ["LOG", "meta", "meta/config.yaml", "meta/hydra.yaml", "meta/overrides.yaml"],
            id="custom",
        ),
        pytest.param(["hydra.output_subdir=null"], ["LOG"], id="null"),
    ],
)
def test_output_subdir(run_app: Any, tmp_path: Path, argv: list[str], files: list[str]) -> None:
    run_app(my_app, *argv)
    [output_dir] = tmp_path.glob("outputs/*/*")
    found = sorted(p.relative_to(output_dir).as_posix() for p in output_dir.rglob("*"))
    assert found == sorted(f.replace("LOG", f"{JOB_NAME}.log") for f in files)


def test_saved_files(run_app: Any, tmp_path: Path) -> None:
    run_app(my_app, "a=1", "+c=${a}", "hydra.job.chdir=false")
    [output_dir] = tmp_path.glob("outputs/*/*")
    saved = output_dir / ".hydra"
    assert (saved / "config.yaml").read_text() == (
        "db:\n  host: localhost\n  port: 3306\na: 1\nb: z\nurl: ${db.host}:${db.port}\nc: ${a}\n"
    )
    assert (saved / "overrides.yaml").read_text() == "- a=1\n- +c=${a}\n"
    hydra = OmegaConf.load(saved / "hydra.yaml").hydra
    assert hydra.job.name == JOB_NAME
    assert hydra.runtime.output_dir == str(output_dir)
    assert list(hydra.overrides.hydra) == ["hydra.job.chdir=false", "hydra.mode=RUN"]
