"""The disk cache's key names the code that built a config, not only hydria's version."""

from __future__ import annotations

from pathlib import Path

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
    before = config_memo._disk_key(("config", "k"))
    assert config_memo._disk_key(("config", "k")) == before
    module.write_text("RULES = 22\n", encoding="utf-8")  # a development edit, same version
    assert config_memo._disk_key(("config", "k")) != before


def test_the_real_stamp_covers_the_stages_that_build_configs() -> None:
    names = {name for name, _, _ in config_memo._code_stamp()}
    assert {"builtin/schema.py", "compose/merge.py", "defaults/resolver.py"} <= names
