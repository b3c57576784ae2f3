"""The Optuna sweeper's loop, with real Optuna: each trial one job, asked as a slot frees
up and told as it ends; samplers, directions, failures and the results file.

These drive `OptunaSweeper.sweep` through the `RecordingSession` test double (one job at
a time, values computed in the test); `test_optuna_sweeps.py` runs real apps."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import pytest
import yaml

optuna = pytest.importorskip("optuna")

from hydria.errors import PluginError, SweepFailureRateError  # noqa: E402
from hydria.overrides import parse_overrides  # noqa: E402
from hydria.sweepers.optuna_results import RESULTS_FILE  # noqa: E402
from hydria.sweepers.optuna_storage import JOURNAL_FILE, journal_storage  # noqa: E402
from hydria.sweepers.optuna_sweeper import OptunaSweeper  # noqa: E402
from hydria.sweepers.optuna_trials import objective_values  # noqa: E402
from hydria.testing.sweepers import RecordingSession  # noqa: E402


def _values(texts: list[str]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for text in texts:
        key, _, value = text.partition("=")
        try:
            out[key] = float(value)
        except ValueError:
            out[key] = value
    return out


def _parabola(texts: list[str]) -> float:
    v = _values(texts)
    return (float(v["x"]) - 2.0) ** 2 + (0.0 if v.get("kind", "a") == "a" else 1.0)


def _sweep(
    tmp_path: Path, value_of: Any = _parabola, *overrides: str, resume: bool = False, **kw: Any
) -> tuple[RecordingSession, OptunaSweeper]:
    kw.setdefault("sampler", {"_target_": "optuna.samplers.TPESampler", "seed": 1})
    sweeper = OptunaSweeper(**kw)
    session = RecordingSession(value_of=value_of, sweep_dir=tmp_path, resume=resume)
    sweeper.sweep(parse_overrides(list(overrides or ["x=interval(-5,5)"])), session)
    return session, sweeper


def _study(tmp_path: Path) -> Any:
    storage = journal_storage(optuna, tmp_path / JOURNAL_FILE)
    (summary,) = optuna.get_all_study_summaries(storage)
    return optuna.load_study(study_name=summary.study_name, storage=storage)


def test_n_trials_jobs_each_told_and_the_best_written(tmp_path: Path) -> None:
    session, _ = _sweep(tmp_path, _parabola, "x=interval(-5,5)", "kind=a,b", n_trials=12)
    assert len(session.streamed) == 12
    study = _study(tmp_path)
    assert [t.state.name for t in study.trials] == ["COMPLETE"] * 12
    results = yaml.safe_load((tmp_path / RESULTS_FILE).read_text())
    best = study.best_trial
    assert results["name"] == "optuna"
    assert results["best_value"] == best.value
    assert results["best_params"] == best.params
    assert results["best_trial"]["number"] == best.number
    assert results["best_trial"]["job"] == best.number  # job i asked trial i
    assert results["best_trial"]["overrides"] == [o.text for o in session.streamed[best.number]]
    # the summary shows the best trials first
    assert session.ranking[0] == best.number
    ordered = [study.trials[n].value for n in session.ranking]
    assert ordered == sorted(ordered)


@pytest.mark.parametrize(
    "sampler",
    [
        {"_target_": "optuna.samplers.TPESampler", "seed": 3},
        {"_target_": "optuna.samplers.RandomSampler", "seed": 3},
        {"_target_": "optuna.samplers.NSGAIISampler", "seed": 3, "population_size": 4},
        {"_target_": "optuna.samplers.QMCSampler", "seed": 3},
        {"_target_": "optuna.samplers.CmaEsSampler", "seed": 3, "n_startup_trials": 2},
        {"_target_": "hydra_plugins.hydra_optuna_sweeper.optuna_sweeper.MOTPESampler", "seed": 3},
    ],
    ids=["tpe", "random", "nsgaii", "qmc", "cmaes", "motpe-target"],
)
@pytest.mark.filterwarnings("ignore::optuna.exceptions.ExperimentalWarning")  # qmc
def test_each_sampler_drives_the_study(tmp_path: Path, sampler: dict[str, Any]) -> None:
    if sampler["_target_"].startswith("hydra_plugins"):
        sampler = {**sampler, "_target_": "optuna.samplers.MOTPESampler"}
    session, _ = _sweep(tmp_path, _parabola, "x=interval(-5,5)", n_trials=6, sampler=sampler)
    assert len(session.streamed) == 6
    assert all(t.state.name == "COMPLETE" for t in _study(tmp_path).trials)


def test_the_grid_sampler_runs_each_point_once_and_stops(tmp_path: Path) -> None:
    session, _ = _sweep(
        tmp_path,
        lambda texts: float(_values(texts)["x"]),
        "x=range(0,4)",
        "kind=a,b",
        n_trials=100,
        sampler={"_target_": "optuna.samplers.GridSampler", "_partial_": True},
    )
    points = sorted(tuple(o.text for o in job) for job in session.streamed)
    assert len(points) == 8 and len(set(points)) == 8


def test_two_directions_write_the_pareto_front(tmp_path: Path) -> None:
    def two(texts: list[str]) -> list[float]:
        x = float(_values(texts)["x"])
        return [x**2, (x - 2) ** 2]

    _sweep(tmp_path, two, "x=interval(-1,3)", n_trials=10, direction=["minimize", "minimize"])
    study = _study(tmp_path)
    results = yaml.safe_load((tmp_path / RESULTS_FILE).read_text())
    assert "best_value" not in results
    front = {t.number for t in study.best_trials}
    assert {s["number"] for s in results["solutions"]} == front
    assert all(len(s["values"]) == 2 for s in results["solutions"])


def test_a_wrong_objective_is_a_failed_trial_and_the_failure_rate_stops_the_sweep(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    def bad_above_zero(texts: list[str]) -> Any:
        x = float(_values(texts)["x"])
        return math.nan if x > 0 else x

    with pytest.raises(SweepFailureRateError, match="max_failure_rate=0.5"):
        _sweep(tmp_path, bad_above_zero, "x=interval(-1,9)", n_trials=40, max_failure_rate=0.5)
    study = _study(tmp_path)
    states = [t.state.name for t in study.trials]
    assert "FAIL" in states and len(states) < 40  # it stopped asking
    assert "nan is not a finite number" in capsys.readouterr().err


def test_a_failing_task_counts_against_the_failure_rate(tmp_path: Path) -> None:
    def boom(texts: list[str]) -> float:
        raise ValueError("no")

    with pytest.raises(SweepFailureRateError, match="1 of 1 trials failed"):
        _sweep(tmp_path, boom, n_trials=5)
    _sweep(tmp_path / "tolerant", boom, n_trials=3, max_failure_rate=1.0)  # allowed: no error


@pytest.mark.parametrize(
    ("value", "count", "expected"),
    [
        (1, 1, [1.0]),
        (2.5, 1, [2.5]),
        ((1, 2), 2, [1.0, 2.0]),
        ([1, 2], 1, "the objective must be a number"),
        (True, 1, "True is not a number"),
        ("1.0", 1, "'1.0' is not a number"),
        ({"a": 1}, 1, "the objective must be a number"),
        (math.inf, 1, "inf is not a finite number"),
        (None, 1, "None is not a number"),
    ],
)
def test_objective_values(value: Any, count: int, expected: Any) -> None:
    got = objective_values(value, count)
    if isinstance(expected, list):
        assert got == expected
    else:
        assert isinstance(got, str) and expected in got


def test_resume_runs_up_to_n_trials_and_replaces_abandoned_trials(tmp_path: Path) -> None:
    _sweep(tmp_path, _parabola, n_trials=5)
    study = _study(tmp_path)
    abandoned = study.ask()  # as if a killed run left this one running
    session, _ = _sweep(tmp_path, _parabola, n_trials=8, resume=True)
    assert len(session.streamed) == 3
    study = _study(tmp_path)
    assert study.trials[abandoned.number].state.name == "FAIL"
    assert study.user_attrs["hydria.replaced"] == [abandoned.number]
    counted = [t for t in study.trials if t.number != abandoned.number]
    assert len(counted) == 8 and all(t.state.name == "COMPLETE" for t in counted)
    # the resumed trials are new points, not the first run's again (same seed)
    first = {tuple(sorted(t.params.items())) for t in counted[:5]}
    assert not first & {tuple(sorted(t.params.items())) for t in counted[5:]}
    # nothing left: a second resume asks for no trial
    session, _ = _sweep(tmp_path, _parabola, n_trials=8, resume=True)
    assert session.streamed == []


def test_a_new_sweep_in_the_same_directory_keeps_the_old_study(tmp_path: Path) -> None:
    _sweep(tmp_path, _parabola, n_trials=2)
    _sweep(tmp_path, _parabola, n_trials=3)
    assert (tmp_path / "optuna.1.journal").exists()
    assert len(_study(tmp_path).trials) == 3


def test_options_are_checked(tmp_path: Path) -> None:
    with pytest.raises(PluginError, match="n_trials must be a positive integer"):
        OptunaSweeper(n_trials=0)
    with pytest.raises(PluginError, match="max_failure_rate must be between"):
        OptunaSweeper(max_failure_rate=2)
    with pytest.raises(PluginError, match="--resume: the storage holds 0 studies"):
        _sweep(tmp_path, _parabola, n_trials=2, resume=True)


def test_a_custom_search_space_adds_parameters_to_each_trial(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "my_space.py").write_text(
        "def extend(cfg, trial):\n"
        "    low = trial.params['x']\n"
        "    trial.suggest_float('y', low, low + 1)\n"
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setenv("HYDRIA_ALLOWED_TARGETS", "my_space")
    session, _ = _sweep(
        tmp_path / "sw",
        _parabola,
        "x=interval(-5,5)",
        n_trials=4,
        custom_search_space="my_space.extend",
    )
    for job in session.streamed:
        values = _values([o.text for o in job])
        assert values["x"] <= values["y"] <= values["x"] + 1
    assert all("y" in t.params for t in _study(tmp_path / "sw").trials)
