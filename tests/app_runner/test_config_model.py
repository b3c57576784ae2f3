"""A task annotated with a pydantic model receives the validated model; an app whose
config does not fit its models exits 1 naming every problem, before anything runs."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel, Field

import hydria
from hydria import ConfigStore


class DB(BaseModel):
    host: str = "localhost"
    port: int = Field(default=3306, gt=0)
    user: str
    password: str


class Server(BaseModel):
    workers: int = 2


class AppConfig(BaseModel):
    db: DB
    server: Server = Field(default_factory=Server)
    name: str


PRIMARY = "defaults:\n  - db: mysql\n  - _self_\n\nname: app\n"


def _tree(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


@pytest.fixture
def app_tree(tmp_path: Path) -> Iterator[Path]:
    _tree(
        tmp_path / "conf",
        {"config.yaml": PRIMARY, "db/mysql.yaml": "defaults:\n  - base_db\n\nuser: u\n"},
    )
    ConfigStore.reset_instance()
    ConfigStore.instance().store(name="base_db", group="db", node=DB)
    yield tmp_path / "conf"
    ConfigStore.reset_instance()


def _app(conf: Path) -> Any:
    @hydria.main(config_path=str(conf), config_name="config", version_base=None)
    def task(cfg: AppConfig) -> Any:
        return cfg

    return task


def test_a_task_annotated_with_a_model_receives_the_model(app_tree: Path, run_app: Any) -> None:
    done = run_app(_app(app_tree), "db.password=p", "hydra.run.dir=out")
    assert done.code == 0
    assert isinstance(done.value, AppConfig)
    assert done.value.db == DB(user="u", password="p")
    assert done.value.server.workers == 2


def test_an_app_whose_config_does_not_fit_exits_1_naming_every_problem(
    app_tree: Path, run_app: Any
) -> None:
    done = run_app(_app(app_tree), "db.port=zero", "hydra.run.dir=out")
    assert done.code == 1
    assert done.err.startswith(
        "Mandatory values are missing (???); set them in a config or on the command line:\n"
        "  db.password [db/base_db (structured://db/base_db)]\n"
        "Values the schema rejects:\n"
        "  db.port: Input should be a valid integer, unable to parse string as an integer "
        "(got 'zero') [override 'db.port=zero']\n"
    )
    assert not Path("out").exists()  # nothing ran


def test_every_job_of_a_sweep_is_validated_before_any_runs(app_tree: Path, run_app: Any) -> None:
    done = run_app(_app(app_tree), "-m", "db.password=p", "db.port=1,x", "hydra.sweep.dir=sw")
    assert done.code == 1
    assert "db.port: Input should be a valid integer" in done.err
    assert not Path("sw", "0").exists()


def test_calling_the_task_with_a_config_converts_it(app_tree: Path) -> None:
    cfg = hydria.compose("config", ["db.password=p"], config_dir=str(app_tree))
    built = _app(app_tree)(cfg)
    assert isinstance(built, AppConfig) and built.db.password == "p"
