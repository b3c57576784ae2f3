"""hydria memoises parsed files, defaults lists and built configs; results must not show it.

Each test composes a tree it writes under tmp_path, changes it, and composes again.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from omegaconf import OmegaConf

import hydria
from hydria.errors import MissingOptionError, MissingPrimaryConfigError


def _write(path: Path, text: str) -> None:
    """Write a file and move its mtime forward, so a same-size rewrite is still seen."""
    path.parent.mkdir(parents=True, exist_ok=True)
    old = path.stat().st_mtime_ns if path.exists() else 0
    path.write_text(text)
    stamp = max(old + 1_000_000_000, path.stat().st_mtime_ns)
    os.utime(path, ns=(stamp, stamp))


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    _write(
        tmp_path / "config.yaml",
        "defaults:\n  - db: mysql\n  - _self_\nname: first\nlist: [1, 2]\n",
    )
    _write(tmp_path / "db" / "mysql.yaml", "driver: mysql\nport: 3306\n")
    _write(tmp_path / "db" / "postgresql.yaml", "driver: postgresql\nport: 5432\n")
    return tmp_path


def _compose(tree: Path, overrides: list[str] | None = None, **kwargs: Any) -> Any:
    cfg = hydria.compose("config", overrides or [], config_dir=str(tree), **kwargs)
    return OmegaConf.to_container(cfg)


@pytest.mark.parametrize("return_hydra_config", [False, True])
def test_composing_twice_gives_equal_independent_configs(
    tree: Path, return_hydra_config: bool
) -> None:
    def unresolved(cfg: object) -> object:
        # `==` resolves `${now:...}` in each config when it compares: two configs composed
        # a second apart would differ by their clocks, not their content
        return OmegaConf.to_container(cfg, resolve=False)  # type: ignore[arg-type]

    first = hydria.compose("config", config_dir=str(tree), return_hydra_config=return_hydra_config)
    second = hydria.compose("config", config_dir=str(tree), return_hydra_config=return_hydra_config)
    assert unresolved(first) == unresolved(second)
    assert first is not second
    first.db.port = 1
    first.list.append(3)
    if return_hydra_config:
        first.hydra.job.name = "mutated"
        first.hydra.runtime.choices.db = "mutated"
    third = hydria.compose("config", config_dir=str(tree), return_hydra_config=return_hydra_config)
    assert unresolved(third) == unresolved(second)
    assert (third.db.port, list(third.list)) == (3306, [1, 2])
    if return_hydra_config:
        assert third.hydra.job.name == "app"
        assert third.hydra.runtime.choices.db == "mysql"


def test_mutating_a_result_does_not_reach_an_overridden_compose(tree: Path) -> None:
    first = hydria.compose("config", ["db.port=1"], config_dir=str(tree))
    first.db.driver = "mutated"
    assert _compose(tree, ["db.port=1"]) == {
        "db": {"driver": "mysql", "port": 1},
        "name": "first",
        "list": [1, 2],
    }


def test_edited_primary_config_is_picked_up(tree: Path) -> None:
    assert _compose(tree)["name"] == "first"
    _write(
        tree / "config.yaml", "defaults:\n  - db: mysql\n  - _self_\nname: other\nlist: [1, 2]\n"
    )
    assert _compose(tree)["name"] == "other"


def test_same_size_edit_is_picked_up(tree: Path) -> None:
    assert _compose(tree)["db"] == {"driver": "mysql", "port": 3306}
    _write(tree / "db" / "mysql.yaml", "driver: mysql\nport: 3307\n")
    assert _compose(tree)["db"] == {"driver": "mysql", "port": 3307}


def test_edited_primary_defaults_list_is_picked_up(tree: Path) -> None:
    assert _compose(tree)["db"]["driver"] == "mysql"
    _write(tree / "config.yaml", "defaults:\n  - db: postgresql\n  - _self_\nname: first\n")
    cfg = hydria.compose("config", config_dir=str(tree), return_hydra_config=True)
    assert cfg.db.driver == "postgresql"
    assert cfg.hydra.runtime.choices.db == "postgresql"


def test_edited_defaults_list_of_an_option_is_picked_up(tree: Path) -> None:
    _write(tree / "db" / "pool" / "small.yaml", "size: 1\n")
    assert _compose(tree)["db"] == {"driver": "mysql", "port": 3306}
    _write(
        tree / "db" / "mysql.yaml",
        "defaults:\n  - pool: small\n  - _self_\ndriver: mysql\nport: 3306\n",
    )
    assert _compose(tree)["db"] == {
        "pool": {"size": 1},
        "driver": "mysql",
        "port": 3306,
    }


def test_new_option_file_is_picked_up(tree: Path) -> None:
    with pytest.raises(MissingOptionError):
        _compose(tree, ["db=sqlite"])
    _write(tree / "db" / "sqlite.yaml", "driver: sqlite\n")
    assert _compose(tree, ["db=sqlite"])["db"] == {"driver": "sqlite"}


def test_new_option_shadowing_a_later_source_is_picked_up(
    tree: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    extra = tmp_path_factory.mktemp("extra")
    with pytest.raises(MissingOptionError):
        _compose(tree, ["db=oracle"], extra_config_dirs=[str(extra)])
    _write(extra / "db" / "oracle.yaml", "driver: oracle\nport: 1\n")
    assert _compose(tree, ["db=oracle"], extra_config_dirs=[str(extra)])["db"]["port"] == 1


def test_deleted_option_file_gives_the_missing_option_error(tree: Path) -> None:
    assert _compose(tree, ["db=postgresql"])["db"]["port"] == 5432
    (tree / "db" / "postgresql.yaml").unlink()
    with pytest.raises(MissingOptionError) as info:
        _compose(tree, ["db=postgresql"])
    assert str(info.value).startswith(
        "In 'config': Could not find 'db/postgresql'\n\n"
        "Available options in 'db':\n\tmysql\nConfig search path:\n"
    )


def test_deleted_default_option_gives_the_missing_option_error(tree: Path) -> None:
    _compose(tree)
    (tree / "db" / "mysql.yaml").unlink()
    with pytest.raises(MissingOptionError, match="^In 'config': Could not find 'db/mysql'\n"):
        _compose(tree)


def test_stored_config_added_later_is_picked_up(tree: Path) -> None:
    store = hydria.ConfigStore()
    with pytest.raises(MissingOptionError):
        _compose(tree, ["db=memory"], store=store)
    store.store(name="memory", node={"driver": "memory"}, group="db")
    assert _compose(tree, ["db=memory"], store=store)["db"] == {"driver": "memory"}
    store.store(name="memory", node={"driver": "memory2"}, group="db")
    assert _compose(tree, ["db=memory"], store=store)["db"] == {"driver": "memory2"}


def test_two_stores_do_not_share_memos(tree: Path) -> None:
    one, two = hydria.ConfigStore(), hydria.ConfigStore()
    one.store(name="memory", node={"driver": "one"}, group="db")
    two.store(name="memory", node={"driver": "two"}, group="db")
    assert _compose(tree, ["db=memory"], store=one)["db"] == {"driver": "one"}
    assert _compose(tree, ["db=memory"], store=two)["db"] == {"driver": "two"}


def test_deleted_primary_config_gives_the_missing_primary_error(tree: Path) -> None:
    _compose(tree)
    (tree / "config.yaml").unlink()
    with pytest.raises(MissingPrimaryConfigError, match="^Cannot find primary config 'config'"):
        _compose(tree)


def test_primary_config_missing_from_a_second_store() -> None:
    name = "memo_test_primary_missing_from_second_store"
    first = hydria.ConfigStore()
    first.store(name=name, node={"x": 1})
    assert OmegaConf.to_container(hydria.compose(name, store=first)) == {"x": 1}
    with pytest.raises(MissingPrimaryConfigError, match=f"^Cannot find primary config '{name}'"):
        hydria.compose(name, store=hydria.ConfigStore())


def test_primary_config_from_a_second_store() -> None:
    name = "memo_test_primary_from_second_store"
    first, second = hydria.ConfigStore(), hydria.ConfigStore()
    first.store(name=name, node={"x": 1})
    second.store(name=name, node={"x": 2})
    assert OmegaConf.to_container(hydria.compose(name, store=first)) == {"x": 1}
    assert OmegaConf.to_container(hydria.compose(name, store=second)) == {"x": 2}


def test_value_overrides_share_a_defaults_list_yet_each_call_gets_its_own(tree: Path) -> None:
    from hydria.app.api import _primary_repository
    from hydria.defaults.memo import DefaultsMemo
    from hydria.overrides import parse_overrides
    from hydria.repository import ConfigStore

    repo = _primary_repository(str(tree), None, (), ConfigStore())
    memo = DefaultsMemo()
    first = memo.resolve(repo, "config", parse_overrides(["db.port=1", "name=x"]))
    second = memo.resolve(repo, "config", parse_overrides(["name=y", "+extra=2"]))
    assert [o.text for o in first.config_overrides] == ["db.port=1", "name=x"]
    assert [o.text for o in second.config_overrides] == ["name=y", "+extra=2"]
    assert second.defaults is first.defaults  # one resolution served both
    other = memo.resolve(repo, "config", parse_overrides(["db=postgresql", "name=z"]))
    assert other.defaults is not first.defaults
    assert [d.config_path for d in other.defaults if d.package == "db"] == ["db/postgresql"]
    # a new group named like a value override changes what the override is
    _write(tree / "name" / "x.yaml", "n: 1\n")
    repo = _primary_repository(str(tree), None, (), ConfigStore())  # one per composition
    regrouped = memo.resolve(repo, "config", parse_overrides(["+name=x"]))
    assert [o.text for o in regrouped.config_overrides] == []
    assert "name/x" in [d.config_path for d in regrouped.defaults]


def test_sweeping_values_composes_each_job_with_its_values(tree: Path) -> None:
    for port in (1, 2, 3):
        assert _compose(tree, [f"db.port={port}"])["db"]["port"] == port
