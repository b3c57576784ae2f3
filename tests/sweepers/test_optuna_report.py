"""`hydria.report` outside and inside an Optuna trial (the job side of pruning)."""

from __future__ import annotations

from pathlib import Path

import pytest

import hydria

optuna = pytest.importorskip("optuna")

from hydria.sweepers import optuna_report  # noqa: E402
from hydria.sweepers.optuna_storage import journal_storage  # noqa: E402


def test_outside_a_sweep_it_does_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(optuna_report.TRIAL_ENV, raising=False)
    assert hydria.report(1.0, 0) is False


def test_inside_a_trial_it_reports_and_asks_the_pruner(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "optuna.journal"
    study = optuna.create_study(study_name="s", storage=journal_storage(optuna, path))
    trial = study.ask()
    env = optuna_report.trial_environment(
        journal=str(path),
        url=None,
        study="s",
        trial_id=trial._trial_id,
        pruner={"_target_": "optuna.pruners.ThresholdPruner", "upper": 1.0},
    )
    monkeypatch.setenv(optuna_report.TRIAL_ENV, env[optuna_report.TRIAL_ENV])
    assert hydria.report(0.5, 0) is False
    assert hydria.report(2.0, 1) is True  # above the threshold: prune
    assert study.trials[0].intermediate_values == {0: 0.5, 1: 2.0}
    with pytest.raises(ValueError, match="finite number"):
        hydria.report(float("nan"), 2)
    with pytest.raises(ValueError, match="integer >= 0"):
        hydria.report(1.0, -1)


def test_a_pruner_outside_optuna_pruners_goes_through_the_target_policy(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "optuna.journal"
    study = optuna.create_study(study_name="s", storage=journal_storage(optuna, path))
    env = optuna_report.trial_environment(
        journal=str(path),
        url=None,
        study="s",
        trial_id=study.ask()._trial_id,
        pruner={"_target_": "os.system", "command": "true"},
    )
    monkeypatch.setenv(optuna_report.TRIAL_ENV, env[optuna_report.TRIAL_ENV])
    with pytest.raises(hydria.errors.TargetRefusedError):
        hydria.report(1.0, 0)
