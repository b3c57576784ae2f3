"""The process-wide composition caches: one home, a getter each, one reset."""

from __future__ import annotations

from pathlib import Path

from omegaconf import OmegaConf

from hydria.app import process_caches
from hydria.repository import plugin_search_path
from hydria.runtime import config_yaml


def test_the_getters_give_one_cache_until_the_reset_drops_them(tmp_path: Path) -> None:
    files = process_caches.parsed_files()
    memos = process_caches.app_memos()
    api = process_caches.compose_api_memos()
    assert process_caches.parsed_files() is files
    assert process_caches.app_memos() is memos
    assert process_caches.compose_api_memos() is api
    conf = tmp_path / "config.yaml"
    conf.write_text("a: 1\n", encoding="utf-8")
    assert files.load(str(conf))[1] == {"a": 1}
    plugin_search_path._FOUND[(("nowhere", 0),)] = ()
    config_yaml.config_yaml(OmegaConf.create({"a": {"b": 1}}))
    assert config_yaml._texts
    process_caches.reset_process_caches()
    assert not config_yaml._texts and not config_yaml._keys
    assert process_caches.parsed_files() is not files
    assert process_caches.app_memos() is not memos
    assert process_caches.compose_api_memos() is not api
    assert plugin_search_path._FOUND == {}


def test_the_compose_api_reads_files_through_the_process_cache() -> None:
    from hydria.app import api
    from hydria.repository import ConfigStore

    repository = api._primary_repository(None, None, (), ConfigStore.instance())
    assert repository._cache is process_caches.parsed_files()
