"""run_job(): one job run as Hydra 1.3's `run_job` runs it, with everything it changed put back.

The order of the steps is Hydra's: the job becomes current, its output dir is
named (a rank of a distributed launch takes its leader's: `ranks`), created and
recorded, the working directory changes (when `hydra.job.chdir`), job logging is
configured, the `.hydra` files are saved (not by a rank sharing its leader's
dir), `hydra.job.env_set` is exported, and the task runs. Each step registers its undo
as it happens, so whatever fails, the process gets back its working directory,
environment, logging and job context.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Iterator, Mapping
from contextlib import ExitStack, contextmanager
from dataclasses import replace
from typing import Any

from omegaconf import DictConfig, OmegaConf, open_dict, read_write

from hydria.config_copy import copy_config
from hydria.config_storage import (
    NOT_PLAIN,
    make_read_only,
    plain_leaf,
    stored_node,
    stored_value,
)
from hydria.errors import VersionBaseError
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
from hydria.terminal_text import printable
from hydria.version_base import CHDIR_NOT_SPECIFIED, at_least, deprecation_warning

__all__ = ["run_job"]

LOG = logging.getLogger("hydria.job")


def _task_config(config: DictConfig) -> DictConfig:
    """A copy without `hydra` (see `copy_config`).

    The `hydra` node is most of a small app's config; it is set aside while the rest
    is copied (through `DictConfig._content`, OmegaConf's storage of a node's children
    in 2.1-2.4) instead of being copied and then deleted. There is no public route that
    costs as little: `OmegaConf.masked_copy` keeps neither the root's flags, its type
    nor its resolver cache (`${now:}` would change), and copy-then-delete copies the
    `hydra` node once per job (`benchmarks/sweep_speed.py`). An OmegaConf without a
    dict `_content` falls back to the latter; `tests/internals/test_private_routes.py`
    fails when `_content` stops being that dict.
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


def _hydra_of(config: DictConfig) -> DictConfig:
    """`config.hydra`, read from storage when it can be (see `hydria.config_storage`)."""
    hydra = stored_node(config, "hydra")
    return hydra if isinstance(hydra, DictConfig) else config.hydra


def _leaf(node: DictConfig, key: str) -> Any:
    """`node[key]` for a plain leaf, read from storage when it can be."""
    value = plain_leaf(node, key)
    return node[key] if value is NOT_PLAIN else value


def _should_chdir(hydra: DictConfig) -> bool:
    """`hydra.job.chdir`; when null, as Hydra 1.3 decides it from the app's version_base
    (recorded in `hydra.runtime.version_base`): from 1.2 on the job stays in the launch
    directory; before, it changes into the output dir, with Hydra's warning."""
    chdir = plain_leaf(hydra, "job.chdir")
    if chdir is NOT_PLAIN:
        chdir = hydra.job.chdir
    if chdir is not None:
        return bool(chdir)
    recorded = stored_value(hydra, "runtime.version_base")
    if recorded is NOT_PLAIN:
        recorded = OmegaConf.select(hydra, "runtime.version_base")
    try:
        modern = at_least(str(recorded), "1.2")
    except VersionBaseError:  # not recorded (a node built by hand): today's behaviour
        modern = True
    if modern:
        return False
    deprecation_warning(CHDIR_NOT_SPECIFIED, stacklevel=3)
    return True


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

    A sweep's job (`spec.journal` set) is marked running while it runs and writes its
    own record before returning (`recorded=True` then), wherever it runs.

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
    with _in_launch_dir(spec.launch_dir):
        if spec.journal is None:
            return _run_job(spec)
        unmark = spec.journal.begin()
        try:
            done = _run_job(spec)
            if spec.journal.end(done, spec.environment):
                done = replace(done, recorded=True)
            return done
        finally:
            unmark()


@contextmanager
def _in_launch_dir(launch_dir: str | None) -> Iterator[None]:
    """Run from `launch_dir` (when this machine has it), so relative output dirs and
    paths mean what they mean where the job was launched; the directory is given back,
    as a worker process runs other jobs after this one."""
    if launch_dir is None or not os.path.isdir(launch_dir):
        yield
        return
    previous = os.getcwd()
    os.chdir(launch_dir)
    try:
        yield
    finally:
        os.chdir(previous)


def _run_job(spec: JobSpec) -> JobReturn:
    # A worker process that received a pickled spec may not have them yet.
    register_resolvers()
    started = time.time()
    config = spec.config if spec.owned else copy_config(spec.config)
    with ExitStack() as undo:
        hydra = _hydra_of(config)
        undo.callback(pop_job, push_job(hydra))
        # a rank of a distributed launch shares its leader's dir; imported here, as
        # only running a job needs it (`import hydria` stays light for compose)
        from hydria.runtime.ranks import join_run

        share = join_run(config, spec.dir_key, spec.subdir_key, spec.task_overrides)
        output_dir, directory, subdir = prepare_output_dir(config, spec.dir_key, spec.subdir_key)
        shared_env = undo.enter_context(
            share.publish(output_dir, directory, subdir, spec.task_overrides)
        )
        make_read_only(hydra)
        task_config = _task_config(config)
        if _should_chdir(hydra):
            undo.callback(os.chdir, os.getcwd())
            os.chdir(output_dir)
        if spec.configure_logging:
            before = snapshot_logging()
            try:
                configured = configure_logging(
                    hydra.job_logging,
                    _leaf(hydra, "verbose"),
                    log_file_suffix=share.log_file_suffix,
                )
            except BaseException:
                restore_logging(before)
                raise
            undo.callback(restore_logging, before, configured)
        if share.writes_run_files:
            save_job_configs(config, task_config, spec.task_overrides)
        stored = stored_node(hydra, "job.env_set")
        env_set: Mapping[Any, Any] = stored if isinstance(stored, DictConfig) else hydra.job.env_set
        if env_set:  # the target policy stays the launching process's (or narrower)
            from hydria.instantiation.job_environment import job_environment

            env_set = job_environment(env_set)
        env = {**shared_env, **env_set, **spec.environment}
        undo.enter_context(_environment(env))
        working_dir = os.getcwd()  # where the task starts (it may change directory)
        callbacks = spec.callbacks if spec.callbacks is not None else Callbacks()
        callbacks.notify("on_job_start", config=config, task_function=spec.task)
        value: Any = None
        failure: Exception | None = None
        text: str | None = None
        filtered = False
        try:
            value = spec.task(task_config)
        except Exception as exc:  # the caller decides what a failed job means
            # what an error needs loads with the first one (a run that succeeds never does)
            from hydria.runtime.pruning import is_pruned
            from hydria.runtime.task_traceback import format_task_error

            failure = exc
            text, filtered = format_task_error(exc)
            if spec.log_errors and is_pruned(exc):  # the pruner's call, not a failure
                LOG.info("Trial pruned: %s", printable(str(exc) or type(exc).__name__))
            elif spec.log_errors:
                shown = printable(text, multiline=True)  # what the task raised may quote a config
                LOG.error("Job failed with overrides %s:\n%s", list(spec.task_overrides), shown)
        finally:
            flush_log_handlers()
        done = JobReturn(
            started=started,
            status=JobStatus.COMPLETED if failure is None else JobStatus.FAILED,
            value=value,
            error=failure,
            output_dir=output_dir,
            working_dir=working_dir,
            task_overrides=tuple(spec.task_overrides),
            config=task_config,
            hydra_config=hydra,
            error_traceback=text,
            error_filtered=filtered,
            duration=time.time() - started,
        )
        callbacks.notify("on_job_end", reverse=True, config=config, job_return=done)
        flush_log_handlers()
        return done
