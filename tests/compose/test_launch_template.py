"""The launch template (`hydria.compose.launch_template`): what every job of a sweep shares is
filled once, and a composition through it is the one that applying everything in order
gives, for every mix of overrides, including those the shortcut must not take."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from omegaconf import OmegaConf

from hydria.app.api import _primary_repository
from hydria.compose import launch_template
from hydria.compose.composer import Memos, compose_config
from hydria.errors import CompositionError
from hydria.overrides import parse_overrides
from hydria.repository import ConfigStore


@pytest.fixture
def conf(tmp_path: Path) -> Path:
    root = tmp_path / "conf"
    (root / "db").mkdir(parents=True)
    (root / "config.yaml").write_text(
        "defaults:\n  - db: mysql\n  - _self_\nlink: ${db.port}\nname_seen: ${hydra:job.name}\n"
    )
    (root / "db" / "mysql.yaml").write_text("port: 3306\nhost: h\n")
    (root / "db" / "pg.yaml").write_text("port: 5432\nhost: p\n")
    return root


def _yaml(conf: Path, overrides: list[str], memos: Memos | None) -> str:
    repo = _primary_repository(str(conf), None, (), ConfigStore())
    composed = compose_config(
        repo,
        "config",
        parse_overrides(overrides),
        return_hydra_config=True,
        job_name="my_app",
        memos=memos,
    )
    return OmegaConf.to_yaml(composed.config)


CASES = [
    [],
    ["db.port=1"],
    ["hydra.mode=MULTIRUN", "db.port=2"],
    ["hydra.mode=MULTIRUN", "hydra.sweep.dir=out", "db=pg", "db.port=3", "+extra=1"],
    ["db.port=4", "hydra.mode=MULTIRUN"],  # a hydra override after a task one
    ["hydra.job.name=renamed", "db.port=5"],  # writes where the launch part writes
    ["+hydra.job.env_set.HYDRIA_T_X=1", "db.port=6"],
    ["hydra.runtime.cwd=/elsewhere"],
    ["hydra.job.config.override_dirname.kv_sep=:", "db.port=7", "db.host=x"],
    ["hydra.job.config.override_dirname.exclude_keys=[db.port]", "db.port=8"],
    ["++hydra.overrides.task=[a]", "db.port=9"],
    ["hydra.job.chdir=true", "db.port=10"],
]


@pytest.mark.parametrize("overrides", CASES, ids=lambda o: " ".join(o) or "none")
def test_a_composition_through_the_template_is_the_one_in_order(
    conf: Path, overrides: list[str]
) -> None:
    expected = _yaml(conf, overrides, None)
    memos = Memos.create()
    assert _yaml(conf, overrides, memos) == expected  # builds the template
    assert _yaml(conf, overrides, memos) == expected  # from the template
    assert _yaml(conf, ["db.port=99"], memos) == _yaml(conf, ["db.port=99"], None)


def test_a_sweeps_jobs_share_one_template(conf: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fills: list[str] = []
    real = launch_template.fill_launch

    def counting(*args: object, **kwargs: object) -> object:
        fills.append("launch")
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(launch_template, "fill_launch", counting)
    memos = Memos.create()
    texts = [_yaml(conf, ["hydra.mode=MULTIRUN", f"db.port={n}"], memos) for n in range(5)]
    assert fills == ["launch"]
    assert all(f"port: {n}" in text for n, text in enumerate(texts))
    assert all(f"override_dirname: db.port={n}" in text for n, text in enumerate(texts))
    assert all(f"- db.port={n}\n" in text for n, text in enumerate(texts))


def test_each_job_gets_its_own_copy(conf: Path) -> None:
    memos = Memos.create()
    repo = _primary_repository(str(conf), None, (), ConfigStore())
    first = compose_config(
        repo, "config", parse_overrides(["db.port=1"]), return_hydra_config=True, memos=memos
    ).config
    first.hydra.job.num = 7
    first.hydra.overrides.task.append("mutated")
    second = compose_config(
        repo, "config", parse_overrides(["db.port=2"]), return_hydra_config=True, memos=memos
    ).config
    assert second.hydra.overrides.task == ["db.port=2"]
    assert OmegaConf.is_missing(second.hydra.job, "num")


def test_a_config_copying_the_environment_reads_it_at_each_composition(
    conf: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    memos = Memos.create()
    overrides = ["hydra.job.env_copy=[HYDRIA_T_COPIED]", "db.port=1"]
    monkeypatch.setenv("HYDRIA_T_COPIED", "one")
    assert "HYDRIA_T_COPIED: one" in _yaml(conf, overrides, memos)
    monkeypatch.setenv("HYDRIA_T_COPIED", "two")
    assert "HYDRIA_T_COPIED: two" in _yaml(conf, overrides, memos)
    monkeypatch.delenv("HYDRIA_T_COPIED")
    with pytest.raises(CompositionError, match="HYDRIA_T_COPIED"):
        _yaml(conf, overrides, memos)


def test_the_working_directory_is_part_of_the_template(
    conf: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    memos = Memos.create()
    first = _yaml(conf, ["db.port=1"], memos)
    (tmp_path / "elsewhere").mkdir()
    monkeypatch.chdir(tmp_path / "elsewhere")
    second = _yaml(conf, ["db.port=1"], memos)
    assert f"cwd: {os.getcwd()}" in second and f"cwd: {os.getcwd()}" not in first


def test_a_bad_hydra_override_is_reported_as_without_the_template(conf: Path) -> None:
    overrides = ["hydra.job.chdir=maybe", "db.port=1"]
    with pytest.raises(CompositionError) as plain:
        _yaml(conf, overrides, None)
    with pytest.raises(CompositionError) as memoised:
        _yaml(conf, overrides, Memos.create())
    assert str(memoised.value) == str(plain.value)
