"""Hydra 1.1's defaults-list leniencies, kept for a version_base before 1.2 (with Hydra's
warnings) and refused from 1.2 on, as Hydra 1.3.2 does (observed with hydra-core)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from omegaconf import OmegaConf

import hydria
from hydria.app import initialization
from hydria.errors import ConfigCompositionException, DefaultsListError

LEGACY_OVERRIDE_WARNING = (
    "In config: Invalid overriding of hydra/job_logging:\n"
    "Default list overrides requires 'override' keyword.\n"
    "See https://hydra.cc/docs/1.2/upgrades/1.0_to_1.1/defaults_list_override "
    "for more information.\n"
)
GROUP_HEADER_WARNING = (
    "In 'db/pg': Usage of deprecated keyword in package header '# @package _group_'.\n"
    "See https://hydra.cc/docs/1.2/upgrades/1.0_to_1.1/changes_to_package_header "
    "for more information"
)


@pytest.fixture(autouse=True)
def _nothing_in_effect() -> Iterator[None]:
    initialization.reset()
    yield
    initialization.reset()


@pytest.fixture
def conf(tmp_path: Path) -> Path:
    (tmp_path / "db").mkdir()
    (tmp_path / "db" / "mysql.yaml").write_text("port: 1\n")
    (tmp_path / "db" / "pg.yaml").write_text("# @package _group_\nport: 2\n")
    (tmp_path / "config.yaml").write_text(
        "defaults:\n  - db: mysql\n  - hydra/job_logging: disabled\n  - _self_\nx: 1\n"
    )
    (tmp_path / "plain.yaml").write_text("defaults:\n  - db: mysql\n  - _self_\n")
    return tmp_path


def _compose(conf: Path, version_base: Any, name: str, overrides: list[str]) -> Any:
    with hydria.initialize_config_dir(str(conf), version_base=version_base):
        return hydria.compose(name, overrides, return_hydra_config=True)


def test_hydra_group_without_override_keyword_under_1_1(conf: Path) -> None:
    with pytest.warns(UserWarning) as caught:
        cfg = _compose(conf, "1.1", "config", [])
    assert [str(w.message) for w in caught] == [LEGACY_OVERRIDE_WARNING]
    assert cfg.hydra.job_logging.root.level == "ERROR"  # `disabled` replaced `default`
    assert cfg.hydra.runtime.choices["hydra/job_logging"] == "disabled"


@pytest.mark.parametrize("version_base", ["1.2", "1.3", None])
def test_hydra_group_without_override_keyword_from_1_2(conf: Path, version_base: Any) -> None:
    with pytest.raises(DefaultsListError, match="selected twice") as info:
        _compose(conf, version_base, "config", [])
    assert isinstance(info.value, ConfigCompositionException)


def test_group_package_header_under_1_1(conf: Path) -> None:
    with pytest.warns(UserWarning) as caught:
        cfg = _compose(conf, "1.1", "plain", ["db=pg"])
    assert [str(w.message) for w in caught] == [GROUP_HEADER_WARNING]
    assert OmegaConf.to_container(cfg, resolve=False).get("db") == {"port": 2}


@pytest.mark.parametrize("version_base", ["1.2", None])
def test_group_package_header_from_1_2_is_a_literal_package(conf: Path, version_base: Any) -> None:
    cfg = _compose(conf, version_base, "plain", ["db=pg"])
    assert "db" not in cfg and cfg._group_ == {"port": 2}
