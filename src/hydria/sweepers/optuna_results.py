"""What an Optuna sweep leaves for the user: `optimization_results.yaml`, and the order in
which the end-of-sweep table lists its trials (best first)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from hydria.sweepers.optuna_trials import JOB_ATTR, OUTPUT_DIR_ATTR, OVERRIDES_ATTR

__all__ = ["RESULTS_FILE", "best_first", "write_results"]

RESULTS_FILE = "optimization_results.yaml"


def best_first(study: Any, nums: set[int]) -> list[int]:
    """The job numbers (among `nums`) of the study's completed trials, best first: by
    value for one direction; the Pareto-optimal trials first for several."""
    done = [
        t
        for t in study.get_trials(deepcopy=False)
        if t.state == t.state.COMPLETE and t.user_attrs.get(JOB_ATTR) in nums
    ]
    if len(study.directions) == 1:
        sign = 1 if study.direction == study.direction.MINIMIZE else -1
        done.sort(key=lambda t: (sign * t.value, t.number))
    else:
        front = {t.number for t in study.best_trials}
        done.sort(key=lambda t: (t.number not in front, t.number))
    return [int(t.user_attrs[JOB_ATTR]) for t in done]


def write_results(study: Any, path: Path) -> None:
    """`optimization_results.yaml`: what Hydra's plugin writes (`name`, `best_params`
    and `best_value`; for several directions, `solutions` with each Pareto-optimal
    trial's `params` and `values`), plus each best trial's number, job number, job
    directory and overrides."""
    import yaml

    done = [t for t in study.trials if t.state == t.state.COMPLETE]
    if not done:
        return
    content: dict[str, Any] = {"name": "optuna"}
    if len(study.directions) == 1:
        best = study.best_trial
        content["best_params"] = dict(best.params)
        content["best_value"] = best.value
        content["best_trial"] = _described(best)
    else:
        content["solutions"] = [
            {"params": dict(t.params), "values": list(t.values), **_described(t)}
            for t in study.best_trials
        ]
    path.write_text(yaml.safe_dump(content, sort_keys=False), encoding="utf-8")


def _described(trial: Any) -> dict[str, Any]:
    attrs = trial.user_attrs
    return {
        "number": trial.number,
        "job": attrs.get(JOB_ATTR),
        "output_dir": attrs.get(OUTPUT_DIR_ATTR),
        "overrides": list(attrs.get(OVERRIDES_ATTR) or []),
    }
