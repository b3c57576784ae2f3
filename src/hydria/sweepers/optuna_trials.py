"""One run of an Optuna sweep's trials: asked as the session wants jobs, told as they end.

A trial's job number, overrides and output directory are kept as its user attributes, so a
resumed sweep knows which job each trial was; the trials a killed run left running and that
never ended are listed on the study (`REPLACED_ATTR`): they failed, and do not count
towards `n_trials`.
"""

from __future__ import annotations

import math
import numbers
import sys
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from hydria.errors import SweepFailureRateError
from hydria.overrides import parse_overrides
from hydria.plugin_contracts import StreamedJob
from hydria.runtime import JobReturn, JobStatus
from hydria.runtime.pruning import is_pruned

__all__ = [
    "JOB_ATTR",
    "OUTPUT_DIR_ATTR",
    "OVERRIDES_ATTR",
    "REPLACED_ATTR",
    "TrialRun",
    "objective_values",
]

# user attributes hydria keeps on each trial, so a resumed sweep knows its jobs
JOB_ATTR = "hydria.job"
OVERRIDES_ATTR = "hydria.overrides"
OUTPUT_DIR_ATTR = "hydria.output_dir"
# on the study: the numbers of trials a killed run left running (failed, and replaced)
REPLACED_ATTR = "hydria.replaced"


def objective_values(value: Any, count: int) -> list[float] | str:
    """The task's return value as `count` finite floats, or why it cannot be one."""
    values = list(value) if isinstance(value, (list, tuple)) else [value]
    if hasattr(value, "items") or len(values) != count:
        want = "a number" if count == 1 else f"a list of {count} numbers (one per direction)"
        return f"the task returned {value!r}; the objective must be {want}"
    floats = []
    for item in values:
        if isinstance(item, bool) or not isinstance(item, numbers.Real):
            return f"the task returned {value!r}; {item!r} is not a number"
        number = float(item)
        if not math.isfinite(number):
            return f"the task returned {value!r}; {number} is not a finite number"
        floats.append(number)
    return floats


class TrialRun:
    """The trials of one run of the sweep: asked as the session wants jobs, told as
    they end."""

    def __init__(
        self,
        *,
        optuna: Any,
        open_study: Callable[[], Any],
        environment: Callable[[Any, Any], dict[str, str]],
        space: Any,
        to_overrides: Callable[[Any, Mapping[str, Any]], list[str]],
        custom: Callable[[Any, Any], Any] | None,
        config: Any,
        n_trials: int,
        max_failure_rate: float,
        resume: bool,
        sweep_dir: Path,
    ) -> None:
        self.optuna = optuna
        self.open_study = open_study
        self.study: Any = None
        self.environment = environment
        self.resume = resume
        self.sweep_dir = sweep_dir
        self.space = space
        self.to_overrides = to_overrides
        self.custom = custom
        self.config = config
        self.n_trials = n_trials
        self.max_failure_rate = max_failure_rate
        self.trials: dict[int, Any] = {}
        self.asked: list[int] = []  # job numbers of this run's trials
        self.failed = 0
        self.ended = 0
        self.stopped = False
        self.stopped_by_sampler = False
        self.directions = 1
        self.remaining = n_trials

    def begin(self) -> int:
        """Open the study (the sweep directory is the session's now), settle what a killed
        run left running, and say how many trials this run makes."""
        self.study = self.open_study()
        self.directions = len(self.study.directions)
        records: Mapping[int, Any] = {}
        if self.resume:
            from hydria.multirun.records import ResultsFile

            records = ResultsFile(self.sweep_dir).latest()
        self.replace_abandoned(records)
        if self.resume:
            sys.stderr.write(
                f"--resume: {self.n_trials - self.remaining} of {self.n_trials} trials of "
                f"study {self.study.study_name!r} ended before; running the other "
                f"{self.remaining}\n"
            )
        return self.remaining

    def replace_abandoned(self, records: Mapping[int, Any]) -> None:
        """Settle the trials a killed run left running, then count what is left to run.

        A trial whose job recorded its end (`records`, by job number: the job outlived
        the sweep process, or ended just before it died) is told that end, so it does not
        run again. One without a record never ended: it is marked failed, and replaced
        (it does not count towards `n_trials`)."""
        state = self.optuna.trial.TrialState
        replaced = set(self.study.user_attrs.get(REPLACED_ATTR) or [])
        for trial in self.study.get_trials(deepcopy=False, states=(state.RUNNING,)):
            ended = records.get(trial.user_attrs.get(JOB_ATTR, -1))
            if ended is not None and ended.status == "completed":
                values = objective_values(ended.return_value, self.directions)
                if not isinstance(values, str):
                    self.study.tell(trial.number, values, skip_if_finished=True)
                    continue
            if ended is not None and ended.status in ("completed", "failed", "pruned"):
                pruned = ended.status == "pruned"
                self.study.tell(
                    trial.number,
                    state=state.PRUNED if pruned else state.FAIL,
                    skip_if_finished=True,
                )
                continue
            self.study.tell(trial.number, state=state.FAIL, skip_if_finished=True)
            replaced.add(trial.number)
        self.study.set_user_attr(REPLACED_ATTR, sorted(replaced))
        counted = [
            t
            for t in self.study.get_trials(deepcopy=False)
            if t.state.is_finished() and t.number not in replaced
        ]
        self.remaining = max(0, self.n_trials - len(counted))

    def next_job(self, num: int) -> StreamedJob | None:
        if self.stopped or self.stopped_by_sampler:
            return None
        if len(self.trials) + self.ended >= self.remaining:
            return None
        trial = self.study.ask(dict(self.space.distributions))
        for name, text in self.space.fixed_values.items():  # as the plugin: a custom
            trial.set_user_attr(name, text)  # search space can see them
        if self.custom is not None:
            self.custom(self.config, trial)
        texts = self.to_overrides(self.space, trial.params)
        trial.set_user_attr(JOB_ATTR, num)
        trial.set_user_attr(OVERRIDES_ATTR, texts)
        self.trials[num] = trial
        self.asked.append(num)
        return StreamedJob(
            overrides=tuple(parse_overrides(texts)),
            environment=self.environment(self.study, trial),
        )

    def job_ended(self, num: int, result: JobReturn) -> None:
        trial = self.trials.pop(num, None)
        if trial is None:
            return
        self.ended += 1
        if result.output_dir:
            trial.set_user_attr(OUTPUT_DIR_ATTR, result.output_dir)
        state = self.optuna.trial.TrialState
        if is_pruned(result.error):  # the pruner stopped it: its last report is its value
            self.study.tell(trial, state=state.PRUNED)
            return
        if result.status is JobStatus.COMPLETED:
            values = objective_values(result.value, self.directions)
            if not isinstance(values, str):
                self._tell(trial, values)
                return
            sys.stderr.write(f"Optuna trial {trial.number} (job #{num}) failed: {values}\n")
        self.failed += 1
        self.study.tell(trial, state=state.FAIL)
        if self.failed / max(self.ended, 1) > self.max_failure_rate:
            self.stopped = True  # the trials in flight end; no new one starts

    def _tell(self, trial: Any, values: list[float]) -> None:
        try:
            self.study.tell(trial, values)
        except RuntimeError as exc:
            # the grid sampler stops the study once its last point is told, with a call
            # Optuna allows only inside `optimize`: the trial is told all the same
            if "Study.stop" not in str(exc):
                raise
            self.stopped_by_sampler = True

    def check_failure_rate(self) -> None:
        if self.stopped:
            raise SweepFailureRateError(
                f"{self.failed} of {self.ended} trials failed, more than "
                f"hydra.sweeper.max_failure_rate={self.max_failure_rate} allows; the sweep "
                "stopped asking for trials. See each failed job in results.jsonl."
            )
