"""The disk cache's key names the code that built a config, not only hydria's version."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from hydria.compose import config_memo


def test_an_edit_of_the_building_code_changes_the_key(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    package = tmp_path / "hydria"
    (package / "compose").mkdir(parents=True)
    module = package / "compose" / "merge.py"
    module.write_text("RULES = 1\n", encoding="utf-8")
    monkeypatch.setattr(config_memo, "_PACKAGE", str(package))
    config_memo.code_stamp.cache_clear()  # the stamp is read once per process
    try:
        before = config_memo._disk_key(("config", "k"))
        assert config_memo._disk_key(("config", "k")) == before
        module.write_text("RULES = 22\n", encoding="utf-8")  # a development edit, same version
        config_memo.code_stamp.cache_clear()  # the next process
        assert config_memo._disk_key(("config", "k")) != before
    finally:
        config_memo.code_stamp.cache_clear()


def test_the_real_stamp_covers_the_stages_that_build_configs() -> None:
    names = {name for name, _, _ in config_memo.code_stamp()}
    assert {"builtin/schema.py", "compose/merge.py", "defaults/resolver.py"} <= names


def _compose(conf: Path, memos: Any, overrides: list[str]) -> Any:
    from hydria.app.app_setup import app_repository, app_search_path
    from hydria.compose import compose_config
    from hydria.overrides import parse_overrides
    from hydria.repository import ConfigStore, ParsedFileCache

    entries = app_search_path(f"file://{conf}", [])
    repo = app_repository(entries, store=ConfigStore(), cache=ParsedFileCache())
    return compose_config(
        repo, "config", parse_overrides(overrides), return_hydra_config=True, memos=memos
    ).config


def test_a_config_built_from_files_is_read_back_by_the_next_process(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from omegaconf import OmegaConf

    from hydria.compose import Memos, composer

    conf = tmp_path / "conf"
    (conf / "db").mkdir(parents=True)
    (conf / "config.yaml").write_text("defaults:\n  - db: a\n  - _self_\nx: 1\n", "utf-8")
    (conf / "db" / "a.yaml").write_text("port: 1\n", encoding="utf-8")
    cache = str(tmp_path / "cache")
    builds: list[int] = []
    real_build = composer._build_config

    def counted(*args: Any, **kwargs: Any) -> Any:
        builds.append(1)
        return real_build(*args, **kwargs)

    monkeypatch.setattr(composer, "_build_config", counted)
    first = _compose(conf, Memos.create(disk_dir=cache), ["x=2"])
    assert len(builds) == 1
    again = _compose(conf, Memos.create(disk_dir=cache), ["x=2"])  # a new process's memos
    assert len(builds) == 1, "the built config was not read back from the disk cache"
    assert OmegaConf.to_yaml(again) == OmegaConf.to_yaml(first)
    (conf / "db" / "a.yaml").write_text("port: 22\n", encoding="utf-8")  # edited since
    edited = _compose(conf, Memos.create(disk_dir=cache), ["x=2"])
    assert len(builds) == 2 and edited.db.port == 22
