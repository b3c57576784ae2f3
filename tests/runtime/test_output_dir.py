"""The job's output directory and the `.hydra/*.yaml` files saved in it, as Hydra 1.3 makes them."""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from omegaconf import DictConfig, OmegaConf
from omegaconf.errors import MissingMandatoryValue

from hydria.errors import ConfigContentError
from hydria.runtime import HydraConfig, JobReturn, JobSpec, run_job
from hydria.version import __version__

RunTask = Callable[..., JobReturn]
DATE_TIME = r"\d{4}-\d{2}-\d{2}/\d{2}-\d{2}-\d{2}"


def _nothing(cfg: DictConfig) -> None:
    return None


@pytest.mark.parametrize(
    ("overrides", "spec", "expected"),
    [
        pytest.param([], {}, rf"outputs/{DATE_TIME}", id="default_run_dir"),
        pytest.param(["hydra.run.dir=custom"], {}, "custom", id="custom_run_dir"),
        pytest.param(
            ["hydra.run.dir=runs/${hydra.job.name}"], {}, "runs/my_app", id="run_dir_job_name"
        ),
        pytest.param(
            ["hydra.run.dir=runs/${hydra.job.override_dirname}", "db.port=1", "+x=2"],
            {},
            r"runs/\+x=2,db\.port=1",
            id="run_dir_override_dirname",
        ),
        pytest.param(
            ["hydra.run.dir=runs/${hydra:job.name}"], {}, "runs/my_app", id="run_dir_hydra_resolver"
        ),
        pytest.param(
            ["hydra.run.dir=runs/${db.driver}"], {}, "runs/mysql", id="run_dir_from_app_config"
        ),
        pytest.param(
            ["hydra.job.num=3"],
            {"dir_key": "hydra.sweep.dir", "subdir_key": "hydra.sweep.subdir"},
            rf"multirun/{DATE_TIME}/3",
            id="default_sweep_dir_and_subdir",
        ),
        pytest.param(
            [
                "hydra.sweep.dir=sweeps",
                "hydra.sweep.subdir=${hydra.job.override_dirname}",
                "db.port=7",
            ],
            {"dir_key": "hydra.sweep.dir", "subdir_key": "hydra.sweep.subdir"},
            r"sweeps/db\.port=7",
            id="custom_sweep_subdir",
        ),
    ],
)
def test_output_dir_naming(
    run_task: RunTask, tmp_path: Path, overrides: list[str], spec: dict[str, Any], expected: str
) -> None:
    seen: list[str] = []
    ret = run_task(
        lambda cfg: seen.append(HydraConfig.get().runtime.output_dir),
        overrides,
        configure_logging=False,
        **spec,
    )
    relative = os.path.relpath(ret.output_dir, tmp_path)
    assert re.fullmatch(expected, relative), relative
    assert os.path.isabs(ret.output_dir) and os.path.isdir(ret.output_dir)
    assert seen == [ret.output_dir]
    assert ret.hydra_config is not None
    assert ret.hydra_config.runtime.output_dir == ret.output_dir


def test_saved_files_are_hydras(run_task: RunTask, tmp_path: Path, data_dir: Path) -> None:
    # data/expected holds what Hydra 1.3.8 wrote for this command line; in hydra.yaml only
    # hydria's own names (launcher, sweeper, version, config source) and paths differ.
    overrides = ["db.port=3307", "+extra=[1,2]", "hydra.job.chdir=false"]
    overrides += ["hydra.job.name=my_app", "hydra.mode=RUN"]
    ret = run_task(_nothing, overrides, configure_logging=False)
    saved = Path(ret.output_dir, ".hydra")
    assert sorted(p.name for p in saved.iterdir()) == [
        "config.yaml",
        "hydra.yaml",
        "overrides.yaml",
    ]
    expected = data_dir / "expected"
    for name in ("config.yaml", "overrides.yaml"):
        assert (saved / name).read_bytes() == (expected / name).read_bytes(), name
    hydra_yaml = (expected / "hydra.yaml").read_text(encoding="utf-8")
    for placeholder, value in {
        "{version}": __version__,
        "{cwd}": str(tmp_path),
        "{conf_dir}": str(data_dir / "app"),
        "{output_dir}": ret.output_dir,
    }.items():
        hydra_yaml = hydra_yaml.replace(placeholder, value)
    assert (saved / "hydra.yaml").read_text(encoding="utf-8") == hydra_yaml


@pytest.mark.parametrize(
    ("task_overrides", "text"),
    [
        pytest.param((), "[]\n", id="none"),
        pytest.param(("a=1", "+b='x y'"), "- a=1\n- +b='x y'\n", id="quoted"),
    ],
)
def test_overrides_yaml(
    compose_job: Callable[..., DictConfig], task_overrides: tuple[str, ...], text: str
) -> None:
    spec = JobSpec(
        config=compose_job(), task=_nothing, task_overrides=task_overrides, configure_logging=False
    )
    ret = run_job(spec)
    assert Path(ret.output_dir, ".hydra", "overrides.yaml").read_text(encoding="utf-8") == text


@pytest.mark.parametrize(
    ("overrides", "saved_in"),
    [
        pytest.param(["hydra.output_subdir=null"], None, id="null_saves_nothing"),
        pytest.param(["hydra.output_subdir=meta"], "meta", id="custom_subdir"),
    ],
)
def test_output_subdir(run_task: RunTask, overrides: list[str], saved_in: str | None) -> None:
    ret = run_task(_nothing, overrides, configure_logging=False)
    contents = sorted(str(p.relative_to(ret.output_dir)) for p in Path(ret.output_dir).rglob("*"))
    if saved_in is None:
        assert contents == []
    else:
        names = ["config.yaml", "hydra.yaml", "overrides.yaml"]
        assert contents == [saved_in] + [os.path.join(saved_in, n) for n in names]


def test_now_gives_the_output_dirs_timestamp_to_the_task(run_task: RunTask) -> None:
    # `now` is cached per config, and the task's config is a copy made after the
    # output dir was named: one timestamp for both, as in Hydra.
    ret = run_task(
        lambda cfg: cfg.stamp,
        ["hydra.run.dir=out/${now:%H-%M-%S-%f}", "+stamp=${now:%H-%M-%S-%f}"],
        configure_logging=False,
    )
    assert ret.error is None
    assert os.path.basename(ret.output_dir) == ret.return_value


def test_spec_config_is_left_unchanged(compose_job: Callable[..., DictConfig]) -> None:
    cfg = compose_job()
    ret = run_job(JobSpec(config=cfg, task=_nothing, configure_logging=False))
    assert ret.output_dir
    assert OmegaConf.is_missing(cfg.hydra.runtime, "output_dir")
    assert not OmegaConf.is_readonly(cfg.hydra)


@pytest.mark.parametrize(
    ("overrides", "dir_key", "error", "message"),
    [
        pytest.param(
            [],
            "hydra.run.nowhere",
            ConfigContentError,
            "'hydra.run.nowhere' is null or absent, so the job has no output directory. "
            "Set it in the config or on the command line (hydra.run.nowhere=...).",
            id="absent",
        ),
        pytest.param(
            ["hydra.run.dir=???"],
            "hydra.run.dir",
            MissingMandatoryValue,
            "Missing mandatory value: hydra.run.dir",
            id="missing",
        ),
    ],
)
def test_output_dir_errors(
    run_task: RunTask, overrides: list[str], dir_key: str, error: type[Exception], message: str
) -> None:
    with pytest.raises(error) as info:
        run_task(_nothing, overrides, dir_key=dir_key, configure_logging=False)
    assert str(info.value).startswith(message)
    assert not HydraConfig.initialized()


@pytest.mark.parametrize(
    "overrides",
    [
        [],
        # strings YAML would read as other types, an escaped `???`, a missing value, unicode,
        # a long line the dumper folds, a list and a nested dict in the hydra node
        [
            "+hydra.job.env_set.A='true'",
            "+hydra.job.env_set.B='1.5'",
            "+hydra.job.env_set.D='\\???'",
            "+hydra.job.env_set.E='héllo wörld'",
            "+hydra.job.env_set.F='" + "word " * 30 + "'",
            "hydra.job.config.override_dirname.exclude_keys=[a,b]",
            "+hydra.job_logging.extra={x: {y: [1, null]}, c: ???}",
        ],
    ],
)
def test_hydra_yaml_is_what_to_yaml_of_a_masked_copy_gives(
    run_task: RunTask, compose_job: Callable[..., DictConfig], overrides: list[str]
) -> None:
    overrides = [*overrides, "hydra.output_subdir=.meta"]
    done = run_task(_nothing, overrides)
    saved = Path(done.output_dir, ".meta", "hydra.yaml").read_text(encoding="utf-8")
    # the same job config, its runtime fields as the job recorded them
    expected = OmegaConf.masked_copy(compose_job(overrides), "hydra")
    expected.hydra.runtime.output_dir = done.output_dir
    assert saved == OmegaConf.to_yaml(expected)
