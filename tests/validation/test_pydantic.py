"""Pydantic models as schemas: of a group, of the whole config, or asked for by the task.

Interpolations are resolved before validation, all `???` values are reported in one
error, and each problem names its key and the file or override that set it.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from omegaconf import DictConfig
from pydantic import BaseModel, Field

import hydria
from hydria import ConfigStore
from hydria.errors import ConfigValidationError, MissingValuesError


class DB(BaseModel):
    host: str = "localhost"
    port: int = Field(default=3306, gt=0)
    user: str
    password: str


class Server(BaseModel):
    workers: int = 2
    tags: list[str] = Field(default_factory=lambda: ["a"])


class AppConfig(BaseModel):
    db: DB
    server: Server = Field(default_factory=Server)
    name: str


def _tree(root: Path, files: dict[str, str]) -> str:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return str(root)


PRIMARY = "defaults:\n  - db: mysql\n  - _self_\n\nname: app\n"


@pytest.fixture
def store() -> ConfigStore:
    store = ConfigStore()
    store.store(name="base_db", group="db", node=DB)
    return store


def test_a_group_model_contributes_defaults_and_validates(
    store: ConfigStore, tmp_path: Path
) -> None:
    conf = _tree(
        tmp_path,
        {
            "config.yaml": PRIMARY,
            "db/mysql.yaml": "defaults:\n  - base_db\n\nuser: u\npassword: p\n",
        },
    )
    cfg = hydria.compose("config", config_dir=conf, store=store)
    assert isinstance(cfg, DictConfig)
    assert cfg.db == {"host": "localhost", "port": 3306, "user": "u", "password": "p"}


def test_rejected_values_name_key_reason_value_and_source(
    store: ConfigStore, tmp_path: Path
) -> None:
    conf = _tree(
        tmp_path,
        {
            "config.yaml": PRIMARY,
            "db/mysql.yaml": "defaults:\n  - base_db\n\nuser: u\npassword: p\nport: abc\n",
        },
    )
    mysql = tmp_path / "db" / "mysql.yaml"
    with pytest.raises(ConfigValidationError) as info:
        hydria.compose("config", config_dir=conf, store=store)
    assert not isinstance(info.value, MissingValuesError)
    assert str(info.value) == (
        "Values the schema rejects:\n"
        "  db.port: Input should be a valid integer, unable to parse string as an integer "
        f"(got 'abc') [db/mysql ({mysql})]"
    )
    with pytest.raises(ConfigValidationError) as info:
        hydria.compose("config", ["db.port=-1"], config_dir=conf, store=store)
    assert str(info.value) == (
        "Values the schema rejects:\n"
        "  db.port: Input should be greater than 0 (got -1) [override 'db.port=-1']"
    )


def test_every_missing_value_is_reported_at_once_with_other_problems(
    store: ConfigStore, tmp_path: Path
) -> None:
    conf = _tree(
        tmp_path,
        {"config.yaml": PRIMARY, "db/mysql.yaml": "defaults:\n  - base_db\n\nport: x\n"},
    )
    with pytest.raises(MissingValuesError) as info:
        hydria.compose("config", config_dir=conf, store=store)
    mysql = tmp_path / "db" / "mysql.yaml"
    assert str(info.value) == (
        "Mandatory values are missing (???); set them in a config or on the command line:\n"
        "  db.password [db/base_db (structured://db/base_db)]\n"
        "  db.user [db/base_db (structured://db/base_db)]\n"
        "Values the schema rejects:\n"
        "  db.port: Input should be a valid integer, unable to parse string as an integer "
        f"(got 'x') [db/mysql ({mysql})]"
    )


def test_interpolations_are_resolved_before_validation(
    store: ConfigStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DB_PORT", "5432")
    conf = _tree(
        tmp_path,
        {
            "config.yaml": PRIMARY + "secret: s3\n",
            "db/mysql.yaml": (
                "defaults:\n  - base_db\n\nport: ${oc.env:DB_PORT}\nuser: ${name}\n"
                "password: ${secret}\n"
            ),
        },
    )
    cfg = hydria.compose("config", config_dir=conf, store=store)
    assert cfg.db.port == "5432"  # the config keeps its value; pydantic checked it converts
    with pytest.raises(ConfigValidationError) as info:
        hydria.compose("config", ["db.port=${nope}"], config_dir=conf, store=store)
    assert str(info.value).startswith(
        "Values the schema rejects:\n  db.port: Interpolation key 'nope' not found"
    )


def test_a_value_that_needs_the_running_job_is_checked_by_the_job(
    store: ConfigStore, tmp_path: Path
) -> None:
    conf = _tree(
        tmp_path,
        {
            "config.yaml": PRIMARY,
            "db/mysql.yaml": "defaults:\n  - base_db\n\nuser: ${hydra:job.name}\npassword: p\n",
        },
    )
    cfg = hydria.compose("config", config_dir=conf, store=store)  # no job: not an error
    assert cfg.db.password == "p"


def test_a_model_instance_gives_its_values(tmp_path: Path) -> None:
    store = ConfigStore()
    store.store(name="base_db", group="db", node=DB(user="me", password="pw", port=1))
    conf = _tree(tmp_path, {"config.yaml": PRIMARY, "db/mysql.yaml": "defaults:\n  - base_db\n"})
    cfg = hydria.compose("config", config_dir=conf, store=store)
    assert cfg.db == {"host": "localhost", "port": 1, "user": "me", "password": "pw"}


def test_a_model_of_the_whole_config_with_nested_models(tmp_path: Path) -> None:
    store = ConfigStore()
    store.store(name="base_config", node=AppConfig)
    conf = _tree(
        tmp_path,
        {"config.yaml": "defaults:\n  - base_config\n  - _self_\n\nname: app\ndb:\n  user: u\n"},
    )
    with pytest.raises(MissingValuesError) as info:
        hydria.compose("config", config_dir=conf, store=store)
    assert str(info.value) == (
        "Mandatory values are missing (???); set them in a config or on the command line:\n"
        "  db.password [base_config (structured://base_config)]"
    )
    cfg = hydria.compose(
        "config", ["db.password=p", "server.workers=3"], config_dir=conf, store=store
    )
    assert cfg.server == {"workers": 3, "tags": ["a"]}
    with pytest.raises(
        ConfigValidationError, match=r"server\.tags\[1\]: Input should be a valid string"
    ):
        hydria.compose(
            "config", ["db.password=p", "server.tags=[a,[b]]"], config_dir=conf, store=store
        )
