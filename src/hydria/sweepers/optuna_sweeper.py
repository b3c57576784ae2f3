"""`hydra/sweeper=optuna`: hyperparameter search with Optuna, one trial per job, with no
batch barrier.

It reads hydra-optuna-sweeper's config unchanged (`optuna_space` turns the sweep's
params into Optuna's search space, `optuna_sampler` builds the sampler through the
target policy). What differs from Hydra's plugin is how trials run:

* **No batch barrier.** The trials are a stream (`SweepSession.run_stream`): up to
  `n_jobs` run at once, and as each ends its value is told to the study and the next
  trial is asked for, so no worker idles while the slowest trial of a batch finishes.
* **The study is kept.** Without `storage`, the study lives in the sweep directory,
  in Optuna's journal file storage (`optuna.journal`): an append-only log written
  under a lock file, which processes on this machine and cluster nodes sharing the
  directory can all use. SQLite is not the default because its locking is not
  reliable on network file systems, where clusters keep sweeps.
* **Resume.** `--resume` loads the same study and runs trials until `n_trials` have
  ended (completed, pruned or failed). A trial the killed run left running is
  marked failed and does not count: another trial replaces it.
* **Results.** `optimization_results.yaml` as Hydra's plugin writes it, plus the best
  trial's number, job number, job directory and overrides.

A task's return value is the objective: a number, or one per direction for a
multi-objective study. A failed task, a value that is not a finite number, or a
sequence of the wrong length is a failed trial, counted against `max_failure_rate`.
"""

from __future__ import annotations

import math
import numbers
import os
import sys
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from hydria.errors import PluginError, SweepFailureRateError
from hydria.overrides import Override, parse_overrides
from hydria.plugin_contracts import StreamedJob, Sweeper, SweepSession
from hydria.runtime import JobReturn, JobStatus
from hydria.runtime.pruning import is_pruned

if TYPE_CHECKING:
    import optuna

__all__ = ["OptunaSweeper"]

JOURNAL_FILE = "optuna.journal"
RESULTS_FILE = "optimization_results.yaml"
# user attributes hydria keeps on each trial, so a resumed sweep knows its jobs
JOB_ATTR = "hydria.job"
OVERRIDES_ATTR = "hydria.overrides"
OUTPUT_DIR_ATTR = "hydria.output_dir"
# on the study: the numbers of trials a killed run left running (failed, and replaced)
REPLACED_ATTR = "hydria.replaced"


def _import_optuna() -> Any:
    try:
        import optuna
    except ImportError:
        raise PluginError(
            "hydra/sweeper=optuna needs optuna, an optional extra: pip install hydria[optuna]"
        ) from None
    return optuna


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


class OptunaSweeper(Sweeper):
    """Optuna's ask-and-tell loop over hydria's sweep session (see the module docstring).

    Args: those of hydra-optuna-sweeper's config (`hydra.sweeper.*`): `sampler` (a node
    with a `_target_`), `direction` (one or a list), `storage` (an Optuna storage URL;
    default: a journal file in the sweep directory), `study_name`, `n_trials`,
    `n_jobs` (trials run at once), `max_failure_rate`, `params` (key → sweep grammar),
    `custom_search_space` (a `module.function` of `(cfg, trial)`), and the older
    `search_space` (distributions by name; read only when `params` is not set); and
    hydria's `pruner` (a node with a `_target_` under `optuna.pruners`; null: Optuna's
    median pruner), which decides in each job whether `hydria.report` says stop.
    """

    def __init__(
        self,
        sampler: Any = None,
        direction: Any = "minimize",
        storage: str | None = None,
        study_name: str | None = None,
        n_trials: int = 20,
        n_jobs: int = 2,
        max_failure_rate: float = 0.0,
        params: Mapping[str, Any] | None = None,
        custom_search_space: str | None = None,
        search_space: Any = None,
        pruner: Mapping[str, Any] | None = None,
    ) -> None:
        for name, count in (("n_trials", n_trials), ("n_jobs", n_jobs)):
            if isinstance(count, bool) or not isinstance(count, int) or count < 1:
                raise PluginError(f"hydra.sweeper.{name} must be a positive integer; got {count!r}")
        if not isinstance(max_failure_rate, (int, float)) or not 0.0 <= max_failure_rate <= 1.0:
            raise PluginError(
                f"hydra.sweeper.max_failure_rate must be between 0.0 and 1.0; got "
                f"{max_failure_rate!r}"
            )
        self.sampler = sampler
        self.direction = direction
        self.storage = storage
        self.study_name = study_name
        self.n_trials = n_trials
        self.n_jobs = n_jobs
        self.max_failure_rate = float(max_failure_rate)
        self.params = dict(params or {})
        self.custom_search_space = custom_search_space
        self.search_space = dict(search_space or {})  # the plugin's older form
        self.pruner = None if pruner is None else dict(pruner)

    def sweep(self, overrides: Sequence[Override], session: SweepSession) -> None:
        """Run the study's trials through `session`, then write the results.

        Raises:
            hydria.errors.OverrideError: an override cannot be part of the search space.
            hydria.errors.PluginError: the sampler, storage or study cannot be made.
            hydria.errors.SweepFailureRateError: more trials failed than allowed.
        """
        from hydria.sweepers import optuna_sampler as samplers
        from hydria.sweepers import optuna_space as spaces

        optuna = _import_optuna()
        legacy = () if self.params else spaces.legacy_search_space(self.search_space)
        space = spaces.search_space(overrides, self.params, legacy=legacy)
        directions = samplers.study_directions(self.direction)
        custom = (
            None
            if self.custom_search_space is None
            else spaces.custom_search_space_function(self.custom_search_space)
        )
        node = self.sampler or {"_target_": "optuna.samplers.TPESampler"}
        sampler = samplers.build_sampler(node, space)
        n_trials = self.n_trials
        if samplers.is_grid_sampler(node):  # the grid's every point, once at most
            n_trials = min(n_trials, samplers.grid_size(samplers.grid_search_space(space)))
        storage = self.storage
        journal = None
        if storage is None:  # absolute: a job may run in another directory
            journal = os.path.abspath(Path(session.sweep_dir) / JOURNAL_FILE)

        def open_study() -> Any:
            study = self._study(optuna, session, sampler, directions)
            seed = node.get("seed") if hasattr(node, "get") else None
            if session.resume and isinstance(seed, int) and not isinstance(seed, bool):
                # the same seed would draw the first run's trials again: continue the
                # sequence from the number of trials the study has, reproducibly
                study.sampler = samplers.build_sampler(
                    {**_plain(node), "seed": seed + len(study.trials)}, space
                )
            return study

        def environment(study: Any, trial: Any) -> dict[str, str]:
            from hydria.sweepers.optuna_report import trial_environment

            return trial_environment(
                journal=journal,
                url=storage,
                study=study.study_name,
                trial_id=trial._trial_id,  # no public route: pinned in tests/internals
                pruner=self.pruner,
            )

        run = _TrialRun(
            optuna=optuna,
            open_study=open_study,
            environment=environment,
            space=space,
            to_overrides=spaces.trial_overrides,
            custom=custom,
            config=session.config,
            n_trials=n_trials,
            max_failure_rate=self.max_failure_rate,
            resume=session.resume,
            sweep_dir=Path(session.sweep_dir),
        )
        try:
            session.run_stream(
                run.next_job, run.job_ended, max_in_flight=self.n_jobs, begin=run.begin
            )
        finally:
            if run.study is not None:
                write_results(run.study, Path(session.sweep_dir) / RESULTS_FILE)
        assert run.study is not None  # `begin` ran
        session.rank(best_first(run.study, set(run.asked)))
        run.check_failure_rate()

    def _study(
        self,
        module: Any,
        session: SweepSession,
        sampler: optuna.samplers.BaseSampler,
        directions: list[optuna.study.StudyDirection],
    ) -> optuna.Study:
        """The study: a new one, or on `--resume` the sweep's earlier one."""
        sweep_dir = Path(session.sweep_dir)
        storage: Any = self.storage
        if storage is None:
            sweep_dir.mkdir(parents=True, exist_ok=True)
            journal = sweep_dir / JOURNAL_FILE
            if not session.resume and journal.exists():
                _set_aside(journal)  # a new sweep in an old one's directory
            storage = journal_storage(module, journal)
        name = self.study_name
        if session.resume and name is None:
            names = [s.study_name for s in module.get_all_study_summaries(storage)]
            if len(names) != 1:
                raise PluginError(
                    f"--resume: the storage holds {len(names)} studies ({', '.join(names)}); "
                    "name the one to resume: hydra.sweeper.study_name=<name>"
                )
            name = names[0]
        study: optuna.Study
        try:
            if session.resume:
                study = module.load_study(study_name=name, storage=storage, sampler=sampler)
            else:
                study = module.create_study(
                    study_name=name,
                    pruner=module.pruners.NopPruner(),  # the jobs prune (`hydria.report`)
                    storage=storage,
                    sampler=sampler,
                    directions=directions,
                    load_if_exists=self.storage is not None and name is not None,
                )
        except (KeyError, ValueError, module.exceptions.DuplicatedStudyError) as exc:
            raise PluginError(
                f"Optuna cannot {'load' if session.resume else 'create'} the study "
                f"{name!r} in {self.storage or sweep_dir / JOURNAL_FILE}: {exc}"
            ) from None
        return study


def _plain(node: Any) -> dict[str, Any]:
    """A sampler node as a plain dict (a DictConfig from the registry, or a dict)."""
    from omegaconf import OmegaConf

    if OmegaConf.is_config(node):
        plain = OmegaConf.to_container(node, resolve=True)
        assert isinstance(plain, dict)
        return {str(k): v for k, v in plain.items()}
    return dict(node)


def journal_storage(optuna: Any, path: str | Path) -> Any:
    """Optuna's journal file storage (`JournalFileBackend` from Optuna 4 on), by absolute
    path: its lock is a symbolic link to the journal, and one made from a relative path
    dangles, so a lock left by a killed process would never be found stale (Optuna then
    waits forever)."""
    path = os.path.abspath(path)
    journal = optuna.storages.journal
    backend = getattr(journal, "JournalFileBackend", None)
    if backend is None:  # Optuna 3
        return optuna.storages.JournalStorage(optuna.storages.JournalFileStorage(str(path)))
    return journal.JournalStorage(backend(str(path)))


def _set_aside(path: Path) -> None:
    index = 1
    while (kept := path.with_name(f"{path.stem}.{index}{path.suffix}")).exists():
        index += 1
    path.rename(kept)


class _TrialRun:
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
