"""`--multirun` (or `hydra.mode: MULTIRUN`): compose the sweep's base config once, build
the sweeper and the launcher it names, let them run the sweep (`hydria.multirun`),
then tell the user how it went: a summary on stderr and the exit code."""

from __future__ import annotations

import shlex
import sys
import warnings
from collections.abc import Sequence
from typing import Any

from omegaconf import OmegaConf

from hydria.app.application import AppExit, Invocation, mode_of
from hydria.app.modes.info import log_debug_info
from hydria.app.report import report_task_traceback
from hydria.builtin import RunMode
from hydria.compose.hydra_node import set_job_number
from hydria.multirun import summary_table
from hydria.multirun.session import SweepRun, SweepSetup, run_sweep
from hydria.overrides import Override, is_hydra_override, parse_override
from hydria.plugin_registry import load_callbacks, load_launcher, load_sweeper
from hydria.runtime import (
    JobSpec,
    configure_logging,
    pop_job,
    push_job,
    restore_logging,
    snapshot_logging,
)
from hydria.terminal_text import printable

__all__ = ["multirun"]

_MULTIRUN_OVERRIDE = "hydra.mode=MULTIRUN"


def multirun(invocation: Invocation, *, from_flag: bool) -> list[Any]:
    """Run the sweep; return the jobs' values in job order (None for a failed job).

    Args:
        invocation: the command line.
        from_flag: `--multirun` was given (else the config asked for it): the mode is
            then set to MULTIRUN as Hydra's `hydra.mode=MULTIRUN` override does.

    Raises:
        AppExit: 1 when a job failed, 130 after Ctrl-C, 143 after SIGTERM.
        hydria.errors.HydriaError: the sweep cannot start (each error names what to fix).
    """
    app = invocation.app
    master = invocation.compose(skip_missing=True, sweeps_allowed=True)
    cfg = master.config
    hydra_overrides = [o for o in invocation.overrides if is_hydra_override(o)]
    task_overrides = [o for o in invocation.overrides if not is_hydra_override(o)]
    if from_flag:
        mode = mode_of(cfg)
        if mode == "RUN":
            warnings.warn(  # Hydra's wording, which users' tests match on
                "\n\tRunning Hydra app with --multirun, overriding with `hydra.mode=MULTIRUN`.",
                UserWarning,
                stacklevel=1,
            )
        if mode != "MULTIRUN":  # what composing with the override would give
            cfg.hydra.mode = RunMode.MULTIRUN
            cfg.hydra.overrides.hydra.append(_MULTIRUN_OVERRIDE)
            hydra_overrides.append(parse_override(_MULTIRUN_OVERRIDE))
    sweeper = load_sweeper(cfg.hydra.sweeper)
    launcher = load_launcher(cfg.hydra.launcher)
    config_name = invocation.config_name

    snapshot = snapshot_logging()
    configured: frozenset[str] | None = None
    token = push_job(cfg.hydra)
    try:
        if app.configure_logging:
            configured = configure_logging(cfg.hydra.hydra_logging, cfg.hydra.verbose)
            log_debug_info(master)
        callbacks = load_callbacks(cfg)  # a missing tracking library stops it here

        def compose_job(num: int, job: Sequence[Override]) -> JobSpec:
            job_overrides = [*hydra_overrides, *job]
            composition = invocation.compose(job_overrides)
            app.validate(composition)
            job_cfg = composition.config
            # the sweep's ${now:...} etc. once resolved stay the same in every job, as in Hydra
            OmegaConf.copy_cache(from_config=cfg, to_config=job_cfg)
            set_job_number(job_cfg, num)
            callbacks.notify(
                "on_compose_config",
                config=job_cfg,
                config_name=config_name,
                overrides=[o.text for o in job_overrides],
            )
            return JobSpec(
                config=job_cfg,
                task=app.job_task,
                task_overrides=tuple(o.text for o in job if not is_hydra_override(o)),
                dir_key="hydra.sweep.dir",
                subdir_key="hydra.sweep.subdir",
                configure_logging=app.configure_logging,
                callbacks=callbacks,
                log_errors=True,
                owned=True,
            )

        setup = SweepSetup(
            config=cfg,
            config_name=config_name,
            launcher=launcher,
            compose_job=compose_job,
            group_options=master.repository.group_options,
            callbacks=callbacks,
            resume=invocation.request.resume,
        )
        with run_sweep(sweeper, task_overrides, setup) as session:
            pass
    finally:
        pop_job(token)
        restore_logging(snapshot, configured)
    return _report(session)


def _report(session: SweepRun) -> list[Any]:
    """The end of a sweep, for the user: what was submitted, the summary table, how to
    resume after an interrupt, the first failure's traceback; the exit code."""
    outcome = session.outcome
    assert outcome is not None
    sweep_dir, results, total = session.sweep_dir, session.results, session.total
    records = list(outcome.records.values())
    if outcome.submitted and not outcome.failures and not outcome.interrupted:
        print(_submitted_text(str(sweep_dir), outcome.submitted))
        return []
    if records:  # on stderr, as the progress lines: stdout is the task's
        done = sum(r.status == "completed" for r in records)
        pruned = sum(r.status == "pruned" for r in records)
        sys.stderr.write(
            f"Sweep {printable(str(sweep_dir))}: {total} jobs, {done} completed, "
            + (f"{pruned} pruned, " if pruned else "")
            + f"{len(outcome.failed)} not\n"
            f"{summary_table(records, first=session.ranking)}\n"
        )
    if outcome.interrupted:
        kept = [a for a in sys.argv[1:] if not a.startswith(("hydra.sweep.dir=", "--resume"))]
        again = [shlex.quote(a) for a in [*kept, "--resume", f"hydra.sweep.dir={sweep_dir}"]]
        stopped = "Terminated (SIGTERM)" if outcome.terminated else "Interrupted"
        sys.stderr.write(
            f"{stopped}. Finished jobs are recorded in {results.path}; to run the rest:\n"
            f"  python {printable(' '.join([sys.argv[0], *again]))}\n"
        )
        raise AppExit(143 if outcome.terminated else 130)
    if outcome.failures:
        num, first = min(outcome.failures.items())
        if first.error_traceback is not None:
            report_task_traceback(
                first.error_traceback,
                first.error_filtered,
                overrides=list(outcome.records[num].overrides),
            )
        where = printable(str(results.path))
        count = len(outcome.failures)
        sys.stderr.write(f"{count} of {total} jobs failed; every failure is in {where}\n")
        raise AppExit(1)
    return [outcome.return_values.get(n) for n in range(total)]


def _submitted_text(sweep_dir: str, submitted: Sequence[Any]) -> str:
    engines = sorted({str(r.extra.get("engine", "the launcher")) for r in submitted})
    ids = [str(r.extra["job_id"]) for r in submitted if "job_id" in r.extra]
    shown = ", ".join(ids[:8]) + (f", ... ({len(ids)} in all)" if len(ids) > 8 else "")
    return (
        f"Submitted {len(submitted)} jobs to {', '.join(engines)}"
        + (f" (job ids {shown})" if ids else "")
        + f"; not waiting for them.\nSweep dir: {printable(sweep_dir)}\n"
        f"Their state and results as they end: python -m hydria results " + printable(sweep_dir)
    )
