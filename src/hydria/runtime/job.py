"""run_job(): one job run as Hydra 1.3's `run_job` runs it, with everything it changed put back.

The order of the steps is Hydra's: the job becomes current, its output dir is
named, created and recorded, the working directory changes (when
`hydra.job.chdir`), job logging is configured, the `.hydra` files are saved,
`hydra.job.env_set` is exported, and the task runs. Each step registers its undo
as it happens, so whatever fails, the process gets back its working directory,
environment, logging and job context.
"""

from __future__ import annotations

import logging
import os
import time
import warnings
from collections.abc import Iterator, Mapping
from contextlib import ExitStack, contextmanager
from dataclasses import replace
from typing import Any

from omegaconf import DictConfig, OmegaConf, open_dict, read_write

from hydria.config_copy import copy_config
from hydria.runtime.callbacks import Callbacks
from hydria.runtime.context import pop_job, push_job
from hydria.runtime.job_model import JobReturn, JobSpec, JobStatus
from hydria.runtime.logging_setup import (
    configure_logging,
    flush_log_handlers,
    restore_logging,
    snapshot_logging,
)
from hydria.runtime.output_dir import prepare_output_dir, save_job_configs
from hydria.runtime.resolvers import register_resolvers
from hydria.runtime.task_traceback import format_task_error

__all__ = ["run_job"]

LOG = logging.getLogger("hydria.job")

_CHDIR_WARNING = (
    "Future Hydra versions will no longer change working directory at job runtime by default.\n"
    "See https://hydra.cc/docs/1.2/upgrades/1.1_to_1.2/changes_to_job_working_dir/ "
    "for more information."
)


def _task_config(config: DictConfig) -> DictConfig:
    """A copy without `hydra` (see `copy_config`).

    The `hydra` node is most of a small app's config; it is set aside while the rest
    is copied (through `DictConfig._content`, OmegaConf's storage of a node's children
    in 2.1-2.4) instead of being copied and then deleted.
    """
    content = getattr(config, "_content", None)
    if isinstance(content, dict) and "hydra" in content:
        children = list(content.items())
        del content["hydra"]
        try:
            return copy_config(config)
        finally:
            content.clear()
            content.update(children)  # in their order: `hydra` first, as composed
    task = copy_config(config)
    with read_write(task), open_dict(task):
        del task["hydra"]
    return task


def _version_before_1_2(version_base: Any) -> bool:
    try:
        major, minor = (int(part) for part in str(version_base).split(".")[:2])
    except ValueError:
        return False
    return (major, minor) < (1, 2)


def _should_chdir(hydra: DictConfig) -> bool:
    """`hydra.job.chdir`; when null, only a `version_base` before 1.2 changes directory."""
    chdir = hydra.job.chdir
    if chdir is not None:
        return bool(chdir)
    if _version_before_1_2(OmegaConf.select(hydra, "runtime.version_base")):
        warnings.warn(_CHDIR_WARNING, UserWarning, stacklevel=3)
        return True
    return False


@contextmanager
def _environment(env_set: Mapping[Any, Any]) -> Iterator[None]:
    """Export `env_set`; afterwards each variable gets back its old value, or is removed."""
    values = {str(key): str(value) for key, value in env_set.items()}
    previous = {key: os.environ.get(key) for key in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for key, old in previous.items():
            if old is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = old


def run_job(spec: JobSpec) -> JobReturn:
    """Run one job: set up its output dir, logging and environment, call the task, restore.

    `spec.config` is not modified (unless `spec.owned`): the job works on a copy, whose
    `hydra` node is made read-only and current (`HydraConfig.get()`, `${hydra:...}`) while it runs.
    The built-in resolvers are registered first if they are not already.

    Args:
        spec: the composed config (with `hydra`), the task and how to run it.

    Returns:
        COMPLETED with the task's return value, or FAILED with the exception the task
        raised (an `Exception`; KeyboardInterrupt and SystemExit propagate, as in Hydra).

    Raises:
        Exception: a failure before the task ran (an output dir that does not resolve,
            a logging config that dictConfig rejects, an unwritable directory). The
            process state is restored first.
    """
    # A worker process that received a pickled spec may not have them yet.
    register_resolvers()
    started = time.time()
    config = spec.config if spec.owned else copy_config(spec.config)
    with ExitStack() as undo:
        undo.callback(pop_job, push_job(config.hydra))
        output_dir = prepare_output_dir(config, spec.dir_key, spec.subdir_key)
        OmegaConf.set_readonly(config.hydra, True)
        task_config = _task_config(config)
        if _should_chdir(config.hydra):
            undo.callback(os.chdir, os.getcwd())
            os.chdir(output_dir)
        if spec.configure_logging:
            before = snapshot_logging()
            try:
                configured = configure_logging(config.hydra.job_logging, config.hydra.verbose)
            except BaseException:
                restore_logging(before)
                raise
            undo.callback(restore_logging, before, configured)
        save_job_configs(config, task_config, spec.task_overrides)
        undo.enter_context(_environment({**config.hydra.job.env_set, **spec.environment}))
        done = JobReturn(
            started=started,
            status=JobStatus.COMPLETED,
            output_dir=output_dir,
            working_dir=os.getcwd(),
            task_overrides=tuple(spec.task_overrides),
            config=task_config,
            hydra_config=config.hydra,
        )
        callbacks = spec.callbacks if spec.callbacks is not None else Callbacks()
        callbacks.notify("on_job_start", config=config, task_function=spec.task)
        try:
            done = replace(done, return_value=spec.task(task_config))
        except Exception as exc:  # the caller decides what a failed job means
            text, filtered = format_task_error(exc)
            done = replace(
                done,
                status=JobStatus.FAILED,
                error=exc,
                error_traceback=text,
                error_filtered=filtered,
            )
            if spec.log_errors:
                LOG.error("Job failed with overrides %s:\n%s", list(spec.task_overrides), text)
        finally:
            flush_log_handlers()
        done = replace(done, duration=time.time() - started)
        callbacks.notify("on_job_end", reverse=True, config=config, job_return=done)
        flush_log_handlers()
        return done
