"""The runner's promises: a command line is parsed once and a plain run composed once; a
sweep composes its base config once and each job once, from override records; a sweeper
written against `hydria.plugins.Sweeper` runs without any change to the runner."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest
from omegaconf import DictConfig
from tests.in_process import RunApp

import hydria
import hydria.overrides as overrides_package
from hydria.app import application
from hydria.overrides import Override, is_hydra_override, parse_overrides
from hydria.plugins import Sweeper, SweepSession

CONF = Path(__file__).parent / "data" / "conf"
SEEN: list[tuple[Any, Any]] = []


@hydria.main(config_path=str(CONF), config_name="config", version_base=None)
def my_app(cfg: DictConfig) -> Any:
    SEEN.append((cfg.a, cfg.db.host))
    return cfg.a


@pytest.fixture(autouse=True)
def _forget() -> None:
    SEEN.clear()


@pytest.fixture
def counted(monkeypatch: pytest.MonkeyPatch) -> dict[str, int]:
    """How many times the command line was parsed and the config composed."""
    counts = {"parse": 0, "compose": 0}
    real_parse, real_compose = overrides_package.parse_overrides, application.compose_config

    def parse(texts: Sequence[str]) -> list[Override]:
        counts["parse"] += 1
        return real_parse(texts)

    def compose(*args: Any, **kwargs: Any) -> Any:
        counts["compose"] += 1
        return real_compose(*args, **kwargs)

    monkeypatch.setattr(overrides_package, "parse_overrides", parse)
    monkeypatch.setattr(application, "compose_config", compose)
    return counts


def test_a_plain_run_parses_and_composes_once(run_app: RunApp, counted: dict[str, int]) -> None:
    done = run_app(my_app, "a=5", "db=postgresql", "hydra.job.chdir=false")
    assert (done.code, done.value) == (0, 5), done.err
    assert SEEN == [(5, "pg")]
    assert counted == {"parse": 1, "compose": 1}


def test_a_sweep_composes_its_base_once_then_each_job_once(
    run_app: RunApp, counted: dict[str, int]
) -> None:
    done = run_app(my_app, "-m", "a=1,2,3", "db=mysql,postgresql")
    assert done.code == 0, done.err
    assert len(SEEN) == 6
    assert counted == {"parse": 1, "compose": 1 + 6}


def test_the_cfg_mode_composes_once(run_app: RunApp, counted: dict[str, int]) -> None:
    done = run_app(my_app, "--cfg", "job", "a=7")
    assert done.code == 0, done.err
    assert "a: 7" in done.out
    assert counted == {"parse": 1, "compose": 1}


def test_a_version_request_parses_no_override(run_app: RunApp, counted: dict[str, int]) -> None:
    done = run_app(my_app, "--version", "a=[unclosed")
    assert done.code == 0, done.err
    assert done.out.startswith("hydria ")
    assert counted == {"parse": 0, "compose": 0}


class PairsSweeper(Sweeper):
    """A sweeper outside hydria: each job sets two keys from one value, in two batches."""

    calls: list[int] = []  # noqa: RUF012 - what the test reads back

    def __init__(
        self,
        values: Sequence[int] = (1, 2, 3),
        twice: bool = False,
        max_batch_size: int | None = None,  # the basic sweeper's keys, left in hydra.sweeper
        params: Any = None,
    ) -> None:
        self.values = list(values)
        self.twice = twice

    def sweep(self, overrides: Sequence[Override], session: SweepSession) -> None:
        assert all(isinstance(o, Override) for o in overrides)
        PairsSweeper.calls.append(len(overrides))
        jobs = [[*overrides, *parse_overrides([f"a={v}", f"b=b{v}"])] for v in self.values]
        session.run_batches([jobs[:1], jobs[1:]])
        if self.twice:
            session.run_batches([jobs[:1]])


SWEEPER = f"{__name__}.PairsSweeper"


def test_a_sweeper_of_its_own_runs_through_the_runner_unchanged(
    run_app: RunApp, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HYDRIA_ALLOWED_TARGETS", __name__)
    PairsSweeper.calls.clear()
    done = run_app(
        my_app,
        "-m",
        f"hydra.sweeper._target_={SWEEPER}",
        "hydra.sweep.dir=sweep",
        "db=postgresql",
    )
    assert done.code == 0, done.err
    assert PairsSweeper.calls == [1]  # the task override db=postgresql; no hydra override
    assert sorted(SEEN) == [(1, "pg"), (2, "pg"), (3, "pg")]
    text = (tmp_path / "sweep" / "results.jsonl").read_text(encoding="utf-8")
    records = [json.loads(line) for line in text.splitlines()]
    assert [(r["num"], r["overrides"]) for r in records] == [
        (0, ["db=postgresql", "a=1", "b=b1"]),
        (1, ["db=postgresql", "a=2", "b=b2"]),
        (2, ["db=postgresql", "a=3", "b=b3"]),
    ]


def test_a_planned_sweep_runs_once(run_app: RunApp, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HYDRIA_ALLOWED_TARGETS", __name__)
    done = run_app(
        my_app,
        "-m",
        f"hydra.sweeper._target_={SWEEPER}",
        "+hydra.sweeper.twice=true",
        "hydra.sweep.dir=sweep",
    )
    assert done.code == 1
    assert "run_batches runs a whole planned sweep: call it once" in done.err


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("hydra.run.dir=x", True),
        ("+hydra.foo=1", True),
        ("++hydra.job.chdir=true", True),
        ("~hydra.callbacks", True),
        ("hydra/launcher=joblib", True),
        ("hydra/launcher@hydra.launcher=joblib", True),
        ("a=1", False),
        ("+hydrax=1", False),
        ("hydra=1", False),
        ("db=mysql", False),
        ("~db", False),
        ("+group@pkg=opt", False),
        ("a=hydra.x", False),
    ],
)
def test_one_rule_tells_hydra_overrides_from_records_and_texts(text: str, expected: bool) -> None:
    (record,) = parse_overrides([text])
    assert is_hydra_override(record) is expected
    assert is_hydra_override(text) is expected
