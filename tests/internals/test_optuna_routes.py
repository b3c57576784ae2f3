"""The one private part of Optuna hydria relies on, pinned: a trial's storage id.

`hydria.report` runs in the trial's job process, which must open the very trial the
sweep asked for. Optuna has no public name for the id its storage keys trials by: the
sweeper reads `Trial._trial_id` when it asks the trial and exports it, and the job
builds `optuna.trial.Trial(study, trial_id)` from it (as Optuna's own integrations do).
If an Optuna release renames either, this fails by name instead of in a user's sweep.
"""

from __future__ import annotations

import inspect
from pathlib import Path

import pytest

optuna = pytest.importorskip("optuna")


def test_a_trial_reopened_by_its_storage_id_is_the_same_trial(tmp_path: Path) -> None:
    from hydria.sweepers.optuna_storage import journal_storage

    storage = journal_storage(optuna, tmp_path / "study.journal")
    study = optuna.create_study(study_name="s", storage=storage)
    asked = study.ask({"x": optuna.distributions.FloatDistribution(0, 1)})
    trial_id = asked._trial_id
    assert isinstance(trial_id, int)
    assert list(inspect.signature(optuna.trial.Trial).parameters) == ["study", "trial_id"]
    other = optuna.load_study(
        study_name="s", storage=journal_storage(optuna, tmp_path / "study.journal")
    )
    reopened = optuna.trial.Trial(other, trial_id)
    assert reopened.number == asked.number and reopened.params == asked.params
    reopened.report(0.5, 3)
    assert study.trials[asked.number].intermediate_values == {3: 0.5}
