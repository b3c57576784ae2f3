"""`hydria.report`: a trial's intermediate values, sent to its study from wherever its job
runs, and the pruner's answer.

The Optuna sweeper exports `HYDRIA_TRIAL` for each trial's job (`trial_environment`):
where the study is kept (the journal file's path, or a storage URL), the study's name,
the trial's id and the pruner's config node. The job's process, a worker, a cluster node
or a Ray task alike, opens the study itself (once per trial), records the value at its
step (`Trial.report`) and asks the pruner (`Trial.should_prune`): no message has to
travel back through the launcher, which may be minutes behind. A node must see the
sweep directory (or reach the storage URL), as it must to write its job's results.

The pruner is built in the job's process from the sweep's `hydra.sweeper.pruner` node,
through the target policy in force there, as the sampler is in the sweep's.

Outside an Optuna sweep `report` does nothing and returns False, so a task calls it
unconditionally and runs the same on its own.
"""

from __future__ import annotations

import functools
import json
import math
import os
from collections.abc import Mapping
from typing import Any

__all__ = ["TRIAL_ENV", "report", "trial_environment"]

TRIAL_ENV = "HYDRIA_TRIAL"
PRUNER_KEY = "hydra.sweeper.pruner"
_PRUNERS = "optuna.pruners"


def trial_environment(
    *, journal: str | None, url: str | None, study: str, trial_id: int, pruner: Any
) -> dict[str, str]:
    """What the sweeper exports for a trial's job: `HYDRIA_TRIAL` as JSON."""
    data = {"journal": journal, "url": url, "study": study, "trial": trial_id, "pruner": pruner}
    return {TRIAL_ENV: json.dumps(data)}


def report(value: float, step: int) -> bool:
    """Report the current trial's objective `value` at `step` (an epoch, an iteration) to
    its study; True when the study's pruner says the trial should stop now. The task then
    raises `hydria.TrialPruned` (or Optuna's `TrialPruned`), and the trial is recorded as
    pruned with the last value it reported.

    Outside an Optuna sweep (no trial to report to) it does nothing and returns False.

    Raises:
        ValueError: `value` is not a finite number, or `step` not a non-negative integer.
        hydria.errors.PluginError: the study cannot be opened from this process.
    """
    raw = os.environ.get(TRIAL_ENV)
    if not raw:
        return False
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise ValueError(f"hydria.report: the value must be a finite number; got {value!r}")
    if isinstance(step, bool) or not isinstance(step, int) or step < 0:
        raise ValueError(f"hydria.report: the step must be an integer >= 0; got {step!r}")
    trial = _trial(raw)
    trial.report(float(value), step)
    return bool(trial.should_prune())


@functools.lru_cache(maxsize=1)  # a worker runs one trial at a time
def _trial(raw: str) -> Any:
    from hydria.errors import PluginError

    try:
        import optuna
    except ImportError:
        raise PluginError(
            "hydria.report: this job belongs to an Optuna sweep, but optuna cannot be "
            "imported here: install hydria[optuna] where the jobs run"
        ) from None
    data = json.loads(raw)
    pruner = _pruner(data.get("pruner"))  # its refusals are the target policy's own
    try:
        study = optuna.load_study(
            study_name=data["study"], storage=_storage(optuna, data), pruner=pruner
        )
    except (KeyError, ValueError, OSError) as exc:
        where = data.get("journal") or data.get("url")
        raise PluginError(
            f"hydria.report: cannot open the study {data.get('study')!r} in {where} from "
            f"this process: {exc}. The job must see the sweep directory (or the storage)."
        ) from None
    return optuna.trial.Trial(study, int(data["trial"]))


def _storage(optuna: Any, data: Mapping[str, Any]) -> Any:
    if data.get("url"):
        return data["url"]
    from hydria.sweepers.optuna_storage import journal_storage

    return journal_storage(optuna, data["journal"])


def _pruner(node: Any) -> Any:
    """The pruner `hydra.sweeper.pruner` names (Optuna's default, the median pruner, when
    null), through the target policy: names under `optuna.pruners` need no allow-list."""
    import optuna

    if node is None:
        return optuna.pruners.MedianPruner()
    from hydria.errors import PluginError
    from hydria.instantiation import TargetPolicy, instantiate_under

    built = instantiate_under(TargetPolicy.from_environment().trusting(_PRUNERS), dict(node))
    if not isinstance(built, optuna.pruners.BasePruner):
        raise PluginError(
            f"{PRUNER_KEY} made a {type(built).__name__}, not an Optuna pruner "
            "(a subclass of optuna.pruners.BasePruner)"
        )
    return built
