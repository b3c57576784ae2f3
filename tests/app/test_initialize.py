"""The initialize* context managers: inside, compose() needs no config source."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest
from omegaconf import OmegaConf

import hydria
from hydria.errors import MissingConfigError, MissingPrimaryConfigError

DATA = Path(__file__).parent / "data"
CONF = DATA / "conf"
OTHER = DATA / "other_conf"
MYSQL = {"db": {"driver": "mysql", "port": 3306}, "source": "conf"}

PACKAGE_FILES = {
    "__init__.py": "",
    "conf/__init__.py": "",
    "conf/config.yaml": "source: package\n",
    "conf/db/memory.yaml": "driver: memory\n",
}


def _plain(cfg: Any) -> Any:
    return OmegaConf.to_container(cfg, resolve=False)


@pytest.fixture
def package(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    for name, text in PACKAGE_FILES.items():
        path = tmp_path / "hydria_t_init_pkg" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    monkeypatch.syspath_prepend(str(tmp_path))
    return "hydria_t_init_pkg.conf"


def _outside_is_clean() -> None:
    """Outside every block, compose() without a source finds no primary config."""
    with pytest.raises(MissingPrimaryConfigError, match="^Cannot find primary config 'config'"):
        hydria.compose("config")


def test_initialize_config_dir() -> None:
    with hydria.initialize_config_dir(str(CONF)):
        assert _plain(hydria.compose("config")) == MYSQL
        assert _plain(hydria.compose("config", ["db=sqlite", "+x=1"])) == {
            "db": {"driver": "sqlite"},
            "source": "conf",
            "x": 1,
        }
    _outside_is_clean()


def test_initialize_config_dir_relative_is_made_absolute_on_entry(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(DATA)
    with hydria.initialize_config_dir("conf"):
        monkeypatch.chdir(OTHER)
        assert _plain(hydria.compose("config")) == MYSQL


def test_initialize_config_module(package: str) -> None:
    with hydria.initialize_config_module(package):
        assert _plain(hydria.compose("config", ["+db=memory"])) == {
            "source": "package",
            "db": {"driver": "memory"},
        }
    _outside_is_clean()


def test_initialize_relative_to_the_calling_file() -> None:
    with hydria.initialize(config_path="data/conf"):
        assert _plain(hydria.compose("config")) == MYSQL
    _outside_is_clean()


def test_initialize_absolute_path() -> None:
    with hydria.initialize(config_path=str(OTHER)):
        assert _plain(hydria.compose("config")) == {"source": "other_conf"}


def test_initialize_without_a_path_uses_only_the_store() -> None:
    store = hydria.ConfigStore()
    store.store(name="init_store_only", node={"source": "store"})
    with hydria.initialize():
        assert _plain(hydria.compose("init_store_only", store=store)) == {"source": "store"}
        cfg = hydria.compose("init_store_only", store=store, return_hydra_config=True)
        assert [s.provider for s in cfg.hydra.runtime.config_sources] == ["hydra", "schema"]


def test_initialize_with_a_missing_directory_fails_on_compose(tmp_path: Path) -> None:
    with (
        hydria.initialize_config_dir(str(tmp_path / "nope")),
        pytest.raises(MissingConfigError, match="^Primary config directory not found: "),
    ):
        hydria.compose("config")


@pytest.mark.parametrize(
    ("enter", "expected"),
    [
        pytest.param(lambda: hydria.initialize_config_dir(str(CONF)), "app", id="config_dir"),
        pytest.param(
            lambda: hydria.initialize_config_dir(str(CONF), job_name="dirjob"),
            "dirjob",
            id="config_dir-job_name",
        ),
        pytest.param(
            lambda: hydria.initialize(config_path="data/conf", caller_stack_depth=2),
            "test_initialize",
            id="initialize-calling-file",
        ),
        pytest.param(
            lambda: hydria.initialize(config_path=str(CONF), job_name="initjob"),
            "initjob",
            id="initialize-job_name",
        ),
    ],
)
def test_job_name(enter: Any, expected: str) -> None:
    with enter():
        cfg = hydria.compose("config", return_hydra_config=True)
    assert cfg.hydra.job.name == expected


def test_job_name_of_initialize_config_module(package: str) -> None:
    with hydria.initialize_config_module(package, job_name="modjob"):
        assert hydria.compose("config", return_hydra_config=True).hydra.job.name == "modjob"
    with hydria.initialize_config_module(package):
        assert hydria.compose("config", return_hydra_config=True).hydra.job.name == "app"


def test_job_name_argument_wins_over_initialize() -> None:
    with hydria.initialize_config_dir(str(CONF), job_name="dirjob"):
        cfg = hydria.compose("config", return_hydra_config=True, job_name="explicit")
    assert cfg.hydra.job.name == "explicit"


def test_explicit_source_wins_over_initialize() -> None:
    with hydria.initialize_config_dir(str(CONF)):
        assert _plain(hydria.compose("config", config_dir=str(OTHER))) == {"source": "other_conf"}


def test_nesting_restores_the_outer_block(package: str) -> None:
    with hydria.initialize_config_dir(str(CONF), job_name="outer"):
        with hydria.initialize_config_dir(str(OTHER), job_name="inner"):
            cfg = hydria.compose("config", return_hydra_config=True)
            assert cfg.source == "other_conf"
            assert cfg.hydra.job.name == "inner"
            with hydria.initialize_config_module(package):
                assert hydria.compose("config").source == "package"
            assert hydria.compose("config").source == "other_conf"
        cfg = hydria.compose("config", return_hydra_config=True)
        assert cfg.source == "conf"
        assert cfg.hydra.job.name == "outer"
    _outside_is_clean()


def test_block_is_left_on_an_exception() -> None:
    with pytest.raises(RuntimeError), hydria.initialize_config_dir(str(CONF)):
        raise RuntimeError("boom")
    _outside_is_clean()


def test_block_does_not_leak_into_other_threads() -> None:
    seen: list[str] = []

    def other_thread() -> None:
        try:
            hydria.compose("config")
            seen.append("found")
        except MissingPrimaryConfigError:
            seen.append("missing")

    with hydria.initialize_config_dir(str(CONF)):
        thread = threading.Thread(target=other_thread)
        thread.start()
        thread.join()
        assert hydria.compose("config").source == "conf"
    assert seen == ["missing"]
