"""The SLURM launcher, and its local twin, on submitit: each batch of a sweep as one job array.

Configured like Hydra's submitit launcher plugin (`hydra/launcher=submitit_slurm` or
`submitit_local`, with the same keys), so existing configs work. What it adds:

* each job is reported as it ends, in the order jobs end;
* a job that ends on the cluster without a result (killed, out of memory, past its
  time limit, its node lost) is recorded as failed, with its SLURM state and the tail
  of its stderr, never as completed;
* `wait=false` (`--no-wait`) submits and returns: each job records its own end in the
  sweep's `results.jsonl`, and `python -m hydria results` asks SLURM about the others;
* a task that cannot be pickled fails before anything is submitted.

This module is imported only when a config names one of its launchers, so submitit is
imported at the top; what `python -m hydria results` asks of the engine is in
`engine_states`, which needs no submitit. It is longer than hydria's modules usually are
(~500 lines) on purpose: the SLURM and local launchers are one submission-and-watch loop
whose engine-specific steps are overridden methods, readable only together.
"""

from __future__ import annotations

import difflib
import inspect
import logging
import os
import pickle
import shutil
import sys
import time
import traceback
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import replace
from pathlib import Path
from typing import Any, ClassVar, NoReturn

from omegaconf import open_dict, read_write

from hydria.errors import PluginError
from hydria.launchers.base import WorkerDied, failed_job, job_line
from hydria.launchers.engine_states import LOCAL_ENGINE, SLURM_ENGINE, ask, slurm_states
from hydria.launchers.remote import (
    SourcedTask,
    check_sendable,
    import_cloudpickle,
    run_in_worker,
)
from hydria.plugin_contracts import JobEvents, JobStream, Launcher
from hydria.record_class import record
from hydria.runtime import JobReturn, JobSpec

try:
    import submitit
    from submitit.core.utils import JobPaths, UncompletedJobError
    from submitit.helpers import Checkpointable, DelayedSubmission
except ImportError as exc:  # an optional extra
    raise PluginError(
        "hydra/launcher=submitit_slurm and submitit_local need submitit, an optional extra: "
        "pip install hydria[submitit]"
    ) from exc

__all__ = ["LocalLauncher", "SlurmLauncher"]

LOG = logging.getLogger("hydria.launchers.submitit")
_POLL = 0.25  # seconds between looks for result files
_GRACE = 3.0  # a job the engine says ended gets this long for its result file to appear
_LOST_AFTER = 120.0  # a job no longer listed anywhere for this long has ended unseen
_TAIL_LINES = 30
# SLURM's states of a job that will not run again (PREEMPTED: unless it is requeued)
_ENDED = frozenset(
    {"COMPLETED", "FAILED", "CANCELLED", "TIMEOUT", "OUT_OF_MEMORY", "NODE_FAIL", "BOOT_FAIL"}
    | {"DEADLINE", "PREEMPTED", "REVOKED", "SPECIAL_EXIT"}
)
_RUNNING = frozenset({"RUNNING", "COMPLETING", "SUSPENDED", "STOPPED", "SIGNALING", "STAGE_OUT"})
_WHY = {
    "TIMEOUT": "it ran past its time limit (hydra.launcher.timeout_min)",
    "OUT_OF_MEMORY": "it ran out of memory (hydra.launcher.mem_gb, mem_per_cpu)",
    "CANCELLED": "it was cancelled (scancel, or the cluster's administrators)",
    "NODE_FAIL": "its node failed",
    "PREEMPTED": "it was preempted and not requeued",
}
_DEFAULT_WHY = "its process was killed or exited before the task returned"


class _ClusterJob(Checkpointable):
    """What runs on the cluster for one job: the pickled spec through `run_in_worker`,
    and, for a sweep that did not wait, the job recording its own end.

    The spec travels pickled (cloudpickle) inside this object, so the launcher holds
    bytes, not configs, for a large array. When SLURM warns of the time limit (or of
    preemption), submitit calls `checkpoint`: the same job is requeued and runs again
    from its start, up to `max_num_timeout` times.
    """

    def __init__(self, payload: bytes, record: Callable[[JobReturn], None] | None) -> None:
        self.payload = payload
        self.record = record

    def __call__(self) -> JobReturn:
        environment = submitit.JobEnvironment()
        record = self.record if environment.global_rank == 0 else None
        try:
            spec: JobSpec = pickle.loads(self.payload)
            if environment.global_rank != 0:  # one record per job: its first task's
                spec = replace(spec, journal=None)
            with read_write(spec.config), open_dict(spec.config):
                spec.config.hydra.job.id = environment.job_id  # as Hydra's plugin sets it
            result = run_in_worker(spec)
        except Exception as exc:  # outside the task (no output dir, ...): failed all the same
            if record is not None:
                record(failed_job(exc, text=traceback.format_exc()))
            raise
        if record is not None and not result.recorded:  # else the job recorded itself
            record(result)
        return result

    def checkpoint(self) -> DelayedSubmission:
        """Requeue this job unchanged (it restarts from the beginning)."""
        return DelayedSubmission(self)


@record(frozen=False)
class _Watched:
    """What the launcher knows of one submitted job while it waits for it."""

    job: submitit.Job[JobReturn]
    last_listed: float
    started: bool = False
    ended_since: float | None = None


class _SubmititLauncher(Launcher):
    """The options and behaviour the SLURM and local launchers share."""

    _cluster: ClassVar[str]
    _engine: ClassVar[str]
    _where: ClassVar[str]

    def __init__(
        self,
        *,
        submitit_folder: str = ".submitit/%j",
        timeout_min: int = 60,
        cpus_per_task: int | None = None,
        gpus_per_node: int | None = None,
        tasks_per_node: int = 1,
        mem_gb: int | None = None,
        nodes: int = 1,
        name: str = "submitit",
        stderr_to_stdout: bool = False,
        wait: bool = True,
        **unknown: Any,
    ) -> None:
        if unknown:
            self._refuse(sorted(unknown))
        if not isinstance(wait, bool):
            raise PluginError(f"hydra.launcher.wait must be true or false; got {wait!r}")
        for key, value in (("timeout_min", timeout_min), ("tasks_per_node", tasks_per_node)):
            _check_count(key, value, 1)
        _check_count("nodes", nodes, 1)
        self.folder = submitit_folder
        self.wait = wait
        self.generic: dict[str, Any] = {
            "timeout_min": timeout_min,
            "cpus_per_task": cpus_per_task,
            "gpus_per_node": gpus_per_node,
            "tasks_per_node": tasks_per_node,
            "mem_gb": mem_gb,
            "nodes": nodes,
            "name": name,
            "stderr_to_stdout": stderr_to_stdout,
        }
        self.specific: dict[str, Any] = {}  # `<cluster>_<key>` options of submitit
        self.init: dict[str, Any] = {}  # the executor's own arguments

    def _refuse(self, keys: list[str]) -> NoReturn:
        """An unknown key: name it, with the closest known one and the list of them."""
        known = {
            param.name
            for cls in type(self).__mro__
            if issubclass(cls, _SubmititLauncher) and "__init__" in vars(cls)
            for param in inspect.signature(vars(cls)["__init__"]).parameters.values()
            if param.kind is param.KEYWORD_ONLY
        }
        close = difflib.get_close_matches(keys[0], known, n=1)
        raise PluginError(
            f"hydra.launcher: {type(self).__name__} has no option {', '.join(map(repr, keys))}."
            + (f" Did you mean {close[0]!r}?" if close else "")
            + f" Its options: {', '.join(sorted(known))}"
        )

    def launch(self, jobs: Sequence[JobSpec], events: JobEvents) -> None:
        """Submit the batch (one job array), then report each job as it ends; with
        `wait=False`, report each as submitted and return."""
        if not jobs:
            return
        check_sendable(jobs[0], self._where, extra="submitit")
        self._check_engine()
        calls, lines, journals = [], [], []
        for index in range(len(jobs)):
            spec = jobs[index]  # each access unpickles the config: once each
            lines.append(job_line(spec))
            journals.append(spec.journal)
            record = None if self.wait else events.recorder(index)
            calls.append(_ClusterJob(self._payload(spec), record))
        submitted = self._submit(calls)
        self._log(submitted, lines)
        if not self.wait:
            for index, job in enumerate(submitted):
                events.submitted(index, self._info(job))
            return
        for journal, job in zip(journals, submitted, strict=True):
            if journal is not None:  # a resume after this process died waits for it
                journal.queued(self._info(job))
        try:
            self._wait_for(submitted, events)
        except BaseException:  # KeyboardInterrupt above all: leave no job behind
            self._cancel([j for j in submitted if not j.paths.result_pickle.exists()])
            raise

    # ---- submitting ----

    def _check_engine(self) -> None:
        """Fail with a hint before submitting when the engine is not there."""

    def _payload(self, spec: JobSpec) -> bytes:
        cloudpickle = import_cloudpickle("submitit")  # a dependency of submitit
        task = spec.task if isinstance(spec.task, SourcedTask) else SourcedTask(spec.task)
        try:
            return bytes(cloudpickle.dumps(replace(spec, task=task)))
        except Exception as exc:  # noqa: BLE001 - any pickling failure: say what and where
            check_sendable(spec, self._where, extra="submitit")  # names the task or config
            raise PluginError(
                f"job #{job_line(spec)[0]} cannot be sent to {self._where}: "
                f"{type(exc).__name__}: {exc}"
            ) from None

    def _executor(self) -> submitit.AutoExecutor:
        try:
            executor = submitit.AutoExecutor(folder=self.folder, cluster=self._cluster, **self.init)
            executor.update_parameters(**self.generic, **self.specific)
        except (AssertionError, NameError, ValueError, TypeError) as exc:
            raise PluginError(f"hydra.launcher: submitit rejects the options: {exc}") from None
        return executor

    def _submit(self, calls: list[_ClusterJob]) -> list[submitit.Job[JobReturn]]:
        executor = self._executor()
        try:
            with self._submitting():
                return list(executor.submit_array(calls))
        except UncompletedJobError as exc:  # the submission command failed
            raise PluginError(
                f"{self._where} refused the jobs: {str(exc).strip()}. Check the "
                "hydra.launcher options (partition, account, qos, additional_parameters)"
            ) from None

    def _submitting(self) -> AbstractContextManager[None]:
        return nullcontext()

    def _log(self, submitted: Sequence[submitit.Job[JobReturn]], lines: list[Any]) -> None:
        ids = [job.job_id for job in submitted]
        arrays = sorted({i.split("_")[0] for i in ids if "_" in i})
        LOG.info(
            "Submitit '%s' launcher: %d job%s%s, logs in %s",
            self._cluster,
            len(ids),
            "" if len(ids) == 1 else "s",
            f" in array {arrays[0]}" if len(arrays) == 1 else "",
            JobPaths.get_first_id_independent_folder(self.folder),
        )
        for (num, overrides), job_id in zip(lines, ids, strict=True):
            LOG.info("\t#%s : %s (job %s)", num, overrides, job_id)

    def _info(self, job: submitit.Job[JobReturn]) -> dict[str, Any]:
        return {
            "engine": self._engine,
            "job_id": job.job_id,
            "folder": str(job.paths.folder),
        }

    # ---- waiting ----

    def _states(self, jobs: Collection[submitit.Job[JobReturn]]) -> dict[str, str] | None:
        """The engine's state word per job id ("" for a job it does not list), or None
        when the engine did not answer."""
        raise NotImplementedError

    def _cancel(self, jobs: Sequence[submitit.Job[JobReturn]]) -> None:
        raise NotImplementedError

    def _name(self, job: submitit.Job[JobReturn]) -> str:
        raise NotImplementedError

    def _ask_every(self, waited: float) -> float:
        return _POLL

    def _wait_for(self, submitted: Sequence[submitit.Job[JobReturn]], events: JobEvents) -> None:
        """Report each job as it starts and as it ends, in the order they end."""
        begun = time.monotonic()
        watched = {i: _Watched(job, last_listed=begun) for i, job in enumerate(submitted)}
        next_ask = begun
        while watched:
            next_ask = self._look(watched, events, begun, next_ask)
            if watched:
                time.sleep(_POLL)

    def _look(
        self, watched: dict[int, _Watched], events: JobEvents, begun: float, next_ask: float
    ) -> float:
        """One look at the jobs `watched` (by index): report those that started or ended
        (the ended ones leave `watched`); the engine is asked when `next_ask` has come.
        Returns when to ask it next."""
        now, states, asked = time.monotonic(), None, False
        if now >= next_ask:
            states = self._states([entry.job for entry in watched.values()])
            next_ask, asked = now + self._ask_every(now - begun), True
        for index, entry in list(watched.items()):
            state = None if states is None else states.get(entry.job.job_id, "")
            result = self._outcome(entry, state, now)
            # a job is running once the engine says so (or as soon as it was asked, if
            # it cannot tell)
            seen = state in _RUNNING or state in _ENDED or (asked and states is None)
            if not entry.started and (seen or result is not None):
                entry.started = True
                events.started(index, {})
            if result is not None:
                del watched[index]
                events.finished(index, result)
        return next_ask

    def launch_stream(self, jobs: JobStream, events: JobEvents) -> None:
        """Submit each job on its own whenever fewer than `jobs.max_in_flight` run (no
        array: a job is made only once a slot is free), and report each as it ends.

        Raises:
            hydria.errors.PluginError: `wait=false`: a streamed sweep learns from each
                job's result, which a launcher that does not wait never brings back.
        """
        if not self.wait:
            raise PluginError(
                "hydra.launcher.wait=false cannot run this sweep: its sweeper (an optimiser) "
                "makes each job from the results of earlier ones, which it must wait for"
            )
        first = jobs.next()
        if first is None:
            return
        check_sendable(first, self._where, extra="submitit")
        self._check_engine()
        pending = [first]
        watched: dict[int, _Watched] = {}
        taken, exhausted = 0, False
        begun = next_ask = time.monotonic()
        try:
            while not exhausted or watched:
                while not exhausted and len(watched) < jobs.max_in_flight:
                    spec = pending.pop() if pending else jobs.next()
                    if spec is None:
                        exhausted = True
                        break
                    (job,) = self._submit([_ClusterJob(self._payload(spec), None)])
                    self._log([job], [job_line(spec)])
                    if spec.journal is not None:  # a resume after this process died waits
                        spec.journal.queued(self._info(job))
                    watched[taken] = _Watched(job, last_listed=time.monotonic())
                    taken += 1
                next_ask = self._look(watched, events, begun, next_ask)
                if watched:
                    time.sleep(_POLL)
        except BaseException:  # KeyboardInterrupt above all: leave no job behind
            self._cancel(
                [e.job for e in watched.values() if not e.job.paths.result_pickle.exists()]
            )
            raise

    def _outcome(self, entry: _Watched, state: str | None, now: float) -> JobReturn | None:
        """The job's result once it has ended, else None. `state`: the engine's word,
        "" when the engine does not list the job, None when it was not asked."""
        if entry.job.paths.result_pickle.exists():
            return self._result(entry.job)
        if state is None:
            return None
        if not state:
            if now - entry.last_listed < _LOST_AFTER:
                return None
            return self._lost(entry.job, "UNKNOWN", "the engine no longer lists it")
        entry.last_listed = now
        if state not in _ENDED:
            entry.ended_since = None
            return None
        if entry.ended_since is None:
            entry.ended_since = now
        if now - entry.ended_since < _GRACE:  # its result file may still be on its way
            return None
        return self._lost(entry.job, state, _WHY.get(state, _DEFAULT_WHY))

    def _result(self, job: submitit.Job[JobReturn]) -> JobReturn:
        try:
            result: JobReturn = job.task(0).result()
            return result
        except UncompletedJobError as exc:  # hydria's wrapper failed around the task
            lines = [line for line in str(exc).splitlines() if line.strip(" -")]
            message = f"{self._name(job)} ended without a result: {lines[-1] if lines else exc}"
            return failed_job(WorkerDied(message), text=f"{message}\n{exc}\n")
        except Exception as exc:  # noqa: BLE001 - e.g. a result that does not unpickle here
            message = f"{self._name(job)}: its result cannot be read: {type(exc).__name__}: {exc}"
            return failed_job(WorkerDied(message), text=f"{message}\n")

    def _lost(self, job: submitit.Job[JobReturn], state: str, why: str) -> JobReturn:
        message = f"{self._name(job)} ended {state} without a result: {why}"
        log = job.paths.stdout if self.generic["stderr_to_stdout"] else job.paths.stderr
        return failed_job(WorkerDied(message), text=f"{message}\n{_tail(log)}")


class SlurmLauncher(_SubmititLauncher):
    """Each batch as one SLURM job array; options as Hydra's submitit plugin, plus `wait`.

    `wait=False` submits and returns; the jobs record their own ends in the sweep's
    `results.jsonl`. `max_num_timeout` > 0 requeues a job SLURM warns of its time limit
    (`signal_delay_s` seconds before it) or of preemption; it then runs from the start.
    """

    _cluster = "slurm"
    _engine = SLURM_ENGINE
    _where = "SLURM"

    def __init__(
        self,
        *,
        partition: str | None = None,
        qos: str | None = None,
        comment: str | None = None,
        constraint: str | None = None,
        exclude: str | None = None,
        gres: str | None = None,
        cpus_per_gpu: int | None = None,
        gpus_per_task: int | None = None,
        mem_per_gpu: str | None = None,
        mem_per_cpu: str | None = None,
        account: str | None = None,
        signal_delay_s: int = 120,
        max_num_timeout: int = 0,
        additional_parameters: Mapping[str, Any] | None = None,
        array_parallelism: int = 256,
        setup: Sequence[str] | None = None,
        srun_args: Sequence[str] | None = None,
        **common: Any,
    ) -> None:
        super().__init__(**common)
        _check_count("signal_delay_s", signal_delay_s, 0)
        _check_count("max_num_timeout", max_num_timeout, 0)
        _check_count("array_parallelism", array_parallelism, 1)
        self.init = {"slurm_max_num_timeout": max_num_timeout}
        specific = {
            "partition": partition,
            "qos": qos,
            "comment": comment,
            "constraint": constraint,
            "exclude": exclude,
            "gres": gres,
            "cpus_per_gpu": cpus_per_gpu,
            "gpus_per_task": gpus_per_task,
            "mem_per_gpu": mem_per_gpu,
            "mem_per_cpu": mem_per_cpu,
            "account": account,
            "signal_delay_s": signal_delay_s,
            "additional_parameters": dict(additional_parameters or {}),
            "array_parallelism": array_parallelism,
            "setup": None if setup is None else list(setup),
            "srun_args": None if srun_args is None else list(srun_args),
        }
        self.specific = {f"slurm_{key}": value for key, value in specific.items()}

    def _check_engine(self) -> None:
        if shutil.which("sbatch") is None or shutil.which("srun") is None:
            raise PluginError(
                "hydra/launcher=submitit_slurm submits jobs to SLURM, but sbatch and srun are "
                "not on PATH here: run the sweep where SLURM's commands are (a login node), "
                "or run the jobs on this machine with hydra/launcher=submitit_local"
            )

    def _states(self, jobs: Collection[submitit.Job[JobReturn]]) -> dict[str, str] | None:
        return slurm_states([job.job_id for job in jobs])

    def _ask_every(self, waited: float) -> float:
        # often at first, when failures come fast; then spare the controller
        return min(15.0, max(1.0, waited / 10))

    def _cancel(self, jobs: Sequence[submitit.Job[JobReturn]]) -> None:
        if jobs:
            ask(["scancel", *[job.job_id for job in jobs]])

    def _name(self, job: submitit.Job[JobReturn]) -> str:
        return f"SLURM job {job.job_id}"


class LocalLauncher(_SubmititLauncher):
    """Each job in its own process on this machine, through submitit (all at once);
    options as Hydra's submitit plugin, plus `wait`."""

    _cluster = "local"
    _engine = LOCAL_ENGINE
    _where = "submitit's local jobs"

    def _submitting(self) -> AbstractContextManager[None]:
        return nullcontext() if self.wait else _output_detached()

    def _states(self, jobs: Collection[submitit.Job[JobReturn]]) -> dict[str, str] | None:
        # a process that ended without leaving a result failed, whatever its exit code
        words = {"RUNNING": "RUNNING", "INTERRUPTED": "CANCELLED"}
        return {job.job_id: words.get(job.state, "FAILED") for job in jobs}

    def _cancel(self, jobs: Sequence[submitit.Job[JobReturn]]) -> None:
        for job in jobs:
            job.cancel(check=False)  # SIGINT: submitit's controller stops the job's processes
        for job in jobs:
            deadline = time.monotonic() + 10
            while job.state == "RUNNING" and time.monotonic() < deadline:
                time.sleep(0.05)

    def _name(self, job: submitit.Job[JobReturn]) -> str:
        return f"submitit's local job {job.job_id}"


@contextmanager
def _output_detached() -> Iterator[None]:
    """Local jobs started in here get /dev/null, not this process's stdout and stderr: a
    job that outlives the sweep must not hold its caller's pipes open (a caller reading
    them to the end would wait for every job)."""
    sys.stdout.flush()
    sys.stderr.flush()
    saved = [os.dup(1), os.dup(2)]
    null = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(null, 1)
        os.dup2(null, 2)
        yield
    finally:
        os.dup2(saved[0], 1)
        os.dup2(saved[1], 2)
        for fd in (*saved, null):
            os.close(fd)


def _tail(path: Path) -> str:
    """The last lines of a job's log, read from its end (a log can be large)."""
    try:
        with path.open("rb") as file:
            file.seek(max(file.seek(0, os.SEEK_END) - 64 * 1024, 0))
            lines = file.read().decode(errors="replace").splitlines()[-_TAIL_LINES:]
    except OSError as exc:
        return f"(its log {path} cannot be read: {exc.strerror})\n"
    return f"The last {len(lines)} lines of {path}:\n" + "".join(f"{line}\n" for line in lines)


def _check_count(key: str, value: Any, minimum: int) -> None:
    if not isinstance(value, int) or isinstance(value, bool) or value < minimum:
        raise PluginError(f"hydra.launcher.{key} must be an integer >= {minimum}; got {value!r}")
