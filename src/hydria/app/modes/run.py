"""A plain run: compose once, run the task in its output directory, report how it went.

A config that asks for a sweep itself (`hydra.mode: MULTIRUN`) runs as a multirun."""

from __future__ import annotations

from typing import Any

from omegaconf import DictConfig, OmegaConf

from hydria.app.application import AppExit, Invocation, mode_of
from hydria.app.modes.info import log_debug_info
from hydria.builtin import RunMode
from hydria.errors import HydriaError
from hydria.overrides import is_hydra_override
from hydria.runtime import (
    JobSpec,
    JobStatus,
    configure_logging,
    restore_logging,
    run_job,
    snapshot_logging,
)
from hydria.runtime.callbacks import Callbacks

__all__ = ["mode_from_config", "run"]


def mode_from_config(invocation: Invocation) -> str | None:
    """`hydra.mode` as the config sets it ("RUN", "MULTIRUN"), or None (the flags decide).
    Sweeps are left out and unset groups skipped: they do not change the mode."""
    try:
        composition = invocation.compose(
            [o for o in invocation.overrides if not o.is_sweep], skip_missing=True
        )
    except Exception:  # noqa: BLE001 - the caller's own composition reports the error
        return None
    return mode_of(composition.config)


def run(invocation: Invocation) -> Any:
    """Run the task once; return its value.

    Raises:
        AppExit: the task failed (reported, with its traceback), exit code 1.
        hydria.errors.HydriaError: the config does not compose.
    """
    app = invocation.app
    try:
        # one composition for the common case; Hydra composes twice (to read hydra.mode)
        composition = invocation.compose()
    except HydriaError:
        # a sweep, or a `???` group: fine if the config itself asks for a multirun
        if mode_from_config(invocation) == "MULTIRUN":
            return _multirun(invocation)
        raise
    cfg = composition.config
    mode = mode_of(cfg)
    if mode == "MULTIRUN":
        return _multirun(invocation)
    app.validate(composition)
    if mode is None:  # what Hydra's `hydra.mode=RUN` override does, recorded the same way
        cfg.hydra.mode = RunMode.RUN
        cfg.hydra.overrides.hydra.append("hydra.mode=RUN")
    texts = [o.text for o in invocation.overrides]
    snapshot = snapshot_logging()
    configured: frozenset[str] | None = None
    try:
        if app.configure_logging:
            configured = configure_logging(cfg.hydra.hydra_logging, cfg.hydra.verbose)
            log_debug_info(composition)
        task_overrides = tuple(o.text for o in invocation.overrides if not is_hydra_override(o))
        config_name = invocation.config_name
        callbacks = _callbacks(cfg)
        callbacks.notify("on_compose_config", config=cfg, config_name=config_name, overrides=texts)
        callbacks.notify("on_run_start", config=cfg, config_name=config_name)
        result = run_job(
            JobSpec(
                config=cfg,
                task=app.job_task,
                task_overrides=task_overrides,
                configure_logging=app.configure_logging,
                callbacks=callbacks,
                # without callbacks nothing reads `cfg` after the job: it may be the
                # job's own (a copy of the whole config saved)
                owned=not callbacks,
            )
        )
        callbacks.notify(
            "on_run_end", reverse=True, config=cfg, config_name=config_name, job_return=result
        )
    finally:
        restore_logging(snapshot, configured)
    if result.status is JobStatus.FAILED:
        assert result.error is not None
        from hydria.app.report import report_task_error  # loads when a task failed

        raise AppExit(report_task_error(result.error, overrides=list(task_overrides)))
    return result.return_value


def _callbacks(cfg: DictConfig) -> Callbacks:
    """`hydra.callbacks`, built; a run without any skips importing the plugin machinery."""
    if not OmegaConf.select(cfg, "hydra.callbacks", default=None):
        return Callbacks()
    from hydria.plugin_registry import load_callbacks

    return load_callbacks(cfg)


def _multirun(invocation: Invocation) -> Any:
    """The config asks for a sweep: run it (only sweeps load the sweep code)."""
    from hydria.app.modes.multirun import multirun

    return multirun(invocation, from_flag=False)
