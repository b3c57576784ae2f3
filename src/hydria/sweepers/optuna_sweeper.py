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

import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from hydria.errors import PluginError
from hydria.overrides import Override
from hydria.plugin_contracts import Sweeper, SweepSession
from hydria.sweepers.optuna_results import RESULTS_FILE, best_first, write_results
from hydria.sweepers.optuna_storage import JOURNAL_FILE, journal_storage, set_aside
from hydria.sweepers.optuna_trials import TrialRun

if TYPE_CHECKING:
    import optuna

__all__ = ["OptunaSweeper"]


def _import_optuna() -> Any:
    try:
        import optuna
    except ImportError:
        raise PluginError(
            "hydra/sweeper=optuna needs optuna, an optional extra: pip install hydria[optuna]"
        ) from None
    return optuna


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
                    {**samplers.sampler_options(node), "seed": seed + len(study.trials)}, space
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

        run = TrialRun(
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
                set_aside(journal)  # a new sweep in an old one's directory
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
