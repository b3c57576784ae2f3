"""Typed schemas from dataclasses and attrs classes, as in Hydra: the YAML merged onto a
stored schema is converted and checked, and a bad value names the key, the expected
type, the value and the file (or override) it came from."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import attr
import pytest

import hydria
from hydria import ConfigStore
from hydria.errors import CompositionError


@dataclass
class DBSchema:
    host: str = "localhost"
    port: int = 3306
    user: str = "???"


@attr.s(auto_attribs=True)
class DBAttrs:
    host: str = "localhost"
    port: int = 3306
    user: str = "???"


@dataclass
class AppSchema:
    db: DBSchema = field(default_factory=DBSchema)
    debug: bool = False


def _tree(root: Path, mysql: str, primary: str = "defaults:\n  - db: mysql\n  - _self_\n") -> str:
    (root / "db").mkdir(parents=True)
    (root / "config.yaml").write_text(primary)
    (root / "db" / "mysql.yaml").write_text(mysql)
    return str(root)


@pytest.fixture(params=[DBSchema, DBAttrs], ids=["dataclass", "attrs"])
def store(request: pytest.FixtureRequest) -> ConfigStore:
    store = ConfigStore()
    store.store(name="base_mysql", group="db", node=request.param)
    return store


def test_yaml_merged_onto_a_group_schema_takes_its_types(
    store: ConfigStore, tmp_path: Path
) -> None:
    conf = _tree(tmp_path, "defaults:\n  - base_mysql\n\nport: '3307'\nuser: omry\n")
    cfg = hydria.compose("config", config_dir=conf, store=store)
    assert cfg.db == {"host": "localhost", "port": 3307, "user": "omry"}
    assert isinstance(cfg.db.port, int)


def test_a_bad_value_in_a_file_names_file_key_type_and_value(
    store: ConfigStore, tmp_path: Path
) -> None:
    conf = _tree(tmp_path, "defaults:\n  - base_mysql\n\nport: abc\n")
    with pytest.raises(CompositionError) as info:
        hydria.compose("config", config_dir=conf, store=store)
    message = str(info.value)
    assert message.startswith(
        f"In 'db/mysql' ({tmp_path / 'db' / 'mysql.yaml'}): cannot merge it at 'db': "
        "Value 'abc' of type 'str' could not be converted to Integer"
    )
    assert "full_key: db.port" in message


def test_a_bad_value_from_an_override_names_the_override(
    store: ConfigStore, tmp_path: Path
) -> None:
    conf = _tree(tmp_path, "defaults:\n  - base_mysql\n")
    with pytest.raises(CompositionError) as info:
        hydria.compose("config", ["db.port=zz"], config_dir=conf, store=store)
    assert str(info.value).startswith(
        "Error merging override db.port=zz\nValue 'zz' of type 'str' could not be "
        "converted to Integer"
    )


def test_a_key_the_schema_does_not_have_is_refused(store: ConfigStore, tmp_path: Path) -> None:
    conf = _tree(tmp_path, "defaults:\n  - base_mysql\n\nprot: 1\n")
    with pytest.raises(CompositionError) as info:
        hydria.compose("config", config_dir=conf, store=store)
    message = str(info.value)
    assert f"In 'db/mysql' ({tmp_path / 'db' / 'mysql.yaml'})" in message
    assert "Key 'prot' not in" in message


def test_a_primary_config_schema(tmp_path: Path) -> None:
    store = ConfigStore()
    store.store(name="base_config", node=AppSchema)
    conf = _tree(
        tmp_path,
        "port: 1\n",
        primary="defaults:\n  - base_config\n  - _self_\n\ndebug: 'yes'\n",
    )
    cfg = hydria.compose("config", config_dir=conf, store=store)
    assert cfg.debug is True and cfg.db.port == 3306
    with pytest.raises(CompositionError, match="Value 'maybe' is not a valid bool"):
        hydria.compose("config", ["debug=maybe"], config_dir=conf, store=store)
