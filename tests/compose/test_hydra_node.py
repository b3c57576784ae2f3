"""The `hydra` node kept by `return_hydra_config=True`: choices, overrides, job, sources.

Expected values are Hydra 1.3.8's for `data/hydra_node`, except where hydria names its
own modules (the built-in config package, the launcher and sweeper targets).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from omegaconf import DictConfig, OmegaConf

import hydria
from hydria.builtin import RunMode
from hydria.errors import CompositionError, MissingOptionError

DATA = Path(__file__).parent / "data" / "hydra_node"

DEFAULT_CHOICES = {
    "db": "mysql",
    "hydra/env": "default",
    "hydra/callbacks": None,
    "hydra/job_logging": "default",
    "hydra/hydra_logging": "default",
    "hydra/hydra_help": "default",
    "hydra/help": "default",
    "hydra/sweeper": "basic",
    "hydra/launcher": "basic",
    "hydra/output": "default",
}


def _compose(overrides: list[str] | None = None, name: str = "config", **kwargs: Any) -> DictConfig:
    kwargs.setdefault("return_hydra_config", True)
    return hydria.compose(name, overrides or [], config_dir=str(DATA), **kwargs)


def _select(cfg: DictConfig, key: str) -> Any:
    node = OmegaConf.select(cfg, key, throw_on_missing=False)
    return OmegaConf.to_container(node) if OmegaConf.is_config(node) else node


def test_without_return_hydra_config_there_is_no_hydra_key() -> None:
    cfg = hydria.compose("config", config_dir=str(DATA))
    assert OmegaConf.to_container(cfg) == {
        "db": {"driver": "mysql", "port": 3306},
        "app": {"name": "demo"},
    }


def test_hydra_overrides_do_not_bring_the_hydra_node_back() -> None:
    cfg = hydria.compose(
        "config", ["hydra.verbose=true", "hydra.job.chdir=true"], config_dir=str(DATA)
    )
    assert "hydra" not in cfg
    assert list(cfg) == ["db", "app"]


def test_hydra_node_comes_first() -> None:
    assert list(_compose()) == ["hydra", "db", "app"]


@pytest.mark.parametrize(
    ("overrides", "changed"),
    [
        pytest.param([], {}, id="defaults"),
        pytest.param(["db=sqlite"], {"db": "sqlite"}, id="app-group"),
        pytest.param(["hydra/launcher=basic"], {}, id="launcher"),
        pytest.param(
            ["hydra/job_logging=disabled", "hydra/hydra_logging=disabled"],
            {"hydra/job_logging": "disabled", "hydra/hydra_logging": "disabled"},
            id="logging-disabled",
        ),
        pytest.param(["hydra/job_logging=none"], {"hydra/job_logging": "none"}, id="logging-none"),
        pytest.param(
            ["hydra/job_logging=stdout"], {"hydra/job_logging": "stdout"}, id="logging-stdout"
        ),
    ],
)
def test_runtime_choices(overrides: list[str], changed: dict[str, str]) -> None:
    choices = _select(_compose(overrides), "hydra.runtime.choices")
    assert choices == DEFAULT_CHOICES | changed
    assert list(choices) == list(DEFAULT_CHOICES)  # Hydra's order


def test_deleted_builtin_group_leaves_the_choices_and_its_node_missing() -> None:
    cfg = _compose(["~hydra/job_logging"])
    expected = {k: v for k, v in DEFAULT_CHOICES.items() if k != "hydra/job_logging"}
    assert _select(cfg, "hydra.runtime.choices") == expected
    assert OmegaConf.is_missing(cfg.hydra, "job_logging")


@pytest.mark.parametrize(
    ("overrides", "key", "expected"),
    [
        pytest.param(
            ["hydra/job_logging=disabled"],
            "hydra.job_logging",
            {"version": 1, "root": {"level": "ERROR"}, "disable_existing_loggers": True},
            id="job_logging=disabled",
        ),
        pytest.param(
            ["hydra/job_logging=none"],
            "hydra.job_logging",
            {"version": 1, "root": None, "disable_existing_loggers": False},
            id="job_logging=none",
        ),
        pytest.param(
            ["hydra/job_logging=stdout"],
            "hydra.job_logging",
            {
                "version": 1,
                "formatters": {"simple": {"format": "%(message)s"}},
                "handlers": {
                    "console": {
                        "class": "logging.StreamHandler",
                        "formatter": "simple",
                        "stream": "ext://sys.stdout",
                    }
                },
                "root": {"level": "INFO", "handlers": ["console"]},
                "disable_existing_loggers": False,
            },
            id="job_logging=stdout",
        ),
        pytest.param(
            ["hydra/hydra_logging=disabled"],
            "hydra.hydra_logging",
            {"version": 1, "root": {"level": "ERROR"}, "disable_existing_loggers": True},
            id="hydra_logging=disabled",
        ),
        pytest.param(["hydra.run.dir=out"], "hydra.run", {"dir": "out"}, id="run.dir"),
        pytest.param(["+hydra.job.nope=1"], "hydra.job.nope", 1, id="added-key"),
        pytest.param(["hydra.job.chdir=true"], "hydra.job.chdir", True, id="chdir"),
        pytest.param([], "hydra.mode", None, id="mode-unset"),
        pytest.param([], "hydra.job.env_set", {}, id="env_set"),
        pytest.param(
            [],
            "hydra.sweeper",
            {
                "_target_": "hydria.sweepers.basic.BasicSweeper",
                "max_batch_size": None,
                "params": None,
            },
            id="sweeper (hydria's target)",
        ),
        pytest.param(
            [],
            "hydra.launcher",
            {"_target_": "hydria.launchers.basic.BasicLauncher"},
            id="launcher (hydria's target)",
        ),
    ],
)
def test_hydra_node_value(overrides: list[str], key: str, expected: Any) -> None:
    assert _select(_compose(overrides), key) == expected


def test_mode_is_an_enum() -> None:
    assert _compose(["hydra.mode=MULTIRUN"]).hydra.mode is RunMode.MULTIRUN


def test_overrides_are_split_into_task_and_hydra() -> None:
    overrides = ["db=sqlite", "app.name=x", "hydra.job.name=foo", "+extra=1", "hydra.verbose=true"]
    cfg = _compose(overrides)
    assert _select(cfg, "hydra.overrides") == {
        "hydra": ["hydra.job.name=foo", "hydra.verbose=true"],
        "task": ["db=sqlite", "app.name=x", "+extra=1"],
    }
    assert cfg.extra == 1


def test_overrides_are_recorded_as_written() -> None:
    cfg = _compose(["app.name='a b'", "+x={a: 1}", "hydra/job_logging=none"])
    assert list(cfg.hydra.overrides.task) == ["app.name='a b'", "+x={a: 1}"]
    assert list(cfg.hydra.overrides.hydra) == ["hydra/job_logging=none"]


def test_job_defaults() -> None:
    assert _select(_compose(), "hydra.job") == {
        "name": "app",
        "chdir": None,
        "override_dirname": "",
        "id": "???",
        "num": "???",
        "config_name": "config",
        "env_set": {},
        "env_copy": [],
        "config": {"override_dirname": {"kv_sep": "=", "item_sep": ",", "exclude_keys": []}},
    }


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        pytest.param([], "", id="none"),
        pytest.param(
            ["db=sqlite", "app.name=x", "hydra.job.name=foo", "+extra=1"],
            "+extra=1,app.name=x,db=sqlite",
            id="sorted-task-only",
        ),
        pytest.param(
            ["db=sqlite", "app.name=x", "+extra=1", "~app"],
            "+extra=1,app.name=x,db=sqlite,~app",
            id="with-delete",
        ),
        pytest.param(
            [
                "db=sqlite",
                "app.name=x",
                "hydra.job.config.override_dirname.kv_sep=_",
                "hydra.job.config.override_dirname.item_sep=/",
                "hydra.job.config.override_dirname.exclude_keys=[db]",
            ],
            "app.name_x",
            id="custom-separators-and-excluded-key",
        ),
        pytest.param(
            [
                "db=sqlite",
                "app.name=x",
                "hydra.job.config.override_dirname.item_sep=/",
            ],
            "app.name=x/db=sqlite",
            id="custom-item-sep",
        ),
    ],
)
def test_override_dirname(overrides: list[str], expected: str) -> None:
    assert _compose(overrides).hydra.job.override_dirname == expected


@pytest.mark.parametrize(
    ("kwargs", "overrides", "expected"),
    [
        pytest.param({}, [], "app", id="default"),
        pytest.param({"job_name": "myjob"}, [], "myjob", id="argument"),
        pytest.param({}, ["hydra.job.name=x"], "x", id="override"),
        pytest.param({"job_name": "myjob"}, ["hydra.job.name=x"], "x", id="override-wins"),
        pytest.param({"name": "named_job"}, [], "from_yaml", id="from-config"),
        pytest.param({"name": "named_job", "job_name": "myjob"}, [], "from_yaml", id="config-wins"),
    ],
)
def test_job_name(kwargs: dict[str, Any], overrides: list[str], expected: str) -> None:
    assert _compose(overrides, **kwargs).hydra.job.name == expected


def test_hydra_values_written_by_a_config_are_kept() -> None:
    job = _compose(name="named_job").hydra.job
    assert (job.name, job.chdir, job.config_name) == ("from_yaml", True, "named_job")


@pytest.mark.parametrize(
    "name",
    [
        pytest.param("config", id="config"),
        pytest.param("db/mysql", id="in-a-group"),
        pytest.param("config.yaml", id="with-suffix"),
    ],
)
def test_config_name(name: str) -> None:
    assert _compose(name=name).hydra.job.config_name == name


def test_config_name_is_none_without_a_primary_config() -> None:
    cfg = hydria.compose(None, ["+db=mysql"], config_dir=str(DATA), return_hydra_config=True)
    assert cfg.hydra.job.config_name is None
    assert cfg.db.driver == "mysql"


def test_runtime_records_sources_and_version() -> None:
    runtime = _compose().hydra.runtime
    assert OmegaConf.to_container(runtime.config_sources) == [
        {"path": "hydria.builtin.conf", "schema": "pkg", "provider": "hydra"},
        {"path": str(DATA), "schema": "file", "provider": "main"},
        {"path": "", "schema": "structured", "provider": "schema"},
    ]
    assert runtime.version == hydria.__version__
    assert runtime.version_base == "1.3"
    assert OmegaConf.is_missing(runtime, "output_dir")


def test_bad_type_written_by_a_config_names_it() -> None:
    with pytest.raises(CompositionError) as info:
        _compose(name="bad_chdir")
    assert str(info.value) == (
        f"In 'bad_chdir' ({DATA / 'bad_chdir.yaml'}): invalid value for 'hydra.job.chdir': "
        "Value 'notabool' is not a valid bool (type str)"
    )


def test_bad_type_written_by_a_config_fails_without_the_hydra_node_too() -> None:
    with pytest.raises(CompositionError, match="^In 'bad_chdir' "):
        _compose(name="bad_chdir", return_hydra_config=False)


@pytest.mark.parametrize("return_hydra_config", [True, False])
def test_bad_type_in_a_hydra_override_fails(return_hydra_config: bool) -> None:
    with pytest.raises(CompositionError) as info:
        _compose(["hydra.job.chdir=abc"], return_hydra_config=return_hydra_config)
    assert str(info.value) == (
        "Error merging override hydra.job.chdir=abc\n"
        "Value 'abc' is not a valid bool (type str)\n"
        "    full_key: hydra.job.chdir\n"
        "    reference_type=JobConf\n"
        "    object_type=JobConf"
    )


@pytest.mark.parametrize(
    ("override", "message"),
    [
        pytest.param(
            "hydra.mode=bad",
            "Error merging override hydra.mode=bad\nInvalid value 'bad', expected one "
            "of [RUN, MULTIRUN]\n    full_key: hydra.mode\n    object_type=HydraConf",
            id="enum",
        ),
        pytest.param(
            "hydra.job.name=null",
            "Error merging override hydra.job.name=null\nfield 'hydra.job.name' is not "
            "Optional\n    full_key: hydra.job.name\n    reference_type=JobConf\n"
            "    object_type=JobConf",
            id="not-optional",
        ),
        pytest.param(
            "hydra.job.nope=1",
            "Override 'hydra.job.nope=1': 'hydra.job.nope' is not in the config.\n"
            "  To add it use '+hydra.job.nope=1'",
            id="unknown-key",
        ),
        pytest.param(
            "hydra.launcher.foo=1",
            "Override 'hydra.launcher.foo=1': 'hydra.launcher.foo' is not in the config.\n"
            "  To add it use '+hydra.launcher.foo=1'",
            id="unknown-launcher-key",
        ),
    ],
)
def test_hydra_node_is_typed(override: str, message: str) -> None:
    with pytest.raises(CompositionError) as info:
        _compose([override])
    assert str(info.value) == message


def test_unknown_builtin_option() -> None:
    with pytest.raises(MissingOptionError) as info:
        _compose(["hydra/launcher=nope"])
    assert str(info.value) == (
        "In 'hydra/config': Could not find 'hydra/launcher/nope'\n\n"
        "Available options in 'hydra/launcher':\n"
        "\tbasic\n\tjoblib\n\tray\n\tsubmitit_local\n\tsubmitit_slurm\n"
        "Config search path:\n"
        "\tprovider=hydra, path=pkg://hydria.builtin.conf\n"
        f"\tprovider=main, path=file://{DATA}\n"
        "\tprovider=schema, path=structured://\n"
        "The option was chosen by the override 'hydra/launcher=nope'."
    )


def test_hydra_node_is_writable_and_struct() -> None:
    cfg = _compose()
    cfg.hydra.job.name = "changed"
    assert cfg.hydra.job.name == "changed"
    assert OmegaConf.is_struct(cfg.hydra)
