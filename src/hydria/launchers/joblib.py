"""The parallel local launcher: jobs in worker processes, configured as Hydra's joblib plugin.

Its keys are those of Hydra's joblib launcher plugin (`hydra/launcher=joblib`, with
`n_jobs`, `backend`, `prefer`, `timeout`, ...), so existing configs work; the workers
are hydria's own (`worker_pool`), not loky's executor, whose pool dies whole when one
worker does. What it adds:

* results stream back as jobs finish, each reported at once;
* a worker that dies (killed, segfault, `os._exit`) costs only its own job, recorded
  as failed with how the worker died (`WorkerDied`) and not run again; the jobs on
  the other workers run on (`worker_pool`: loky would kill them with the pool);
* `timeout` is per job: a job running longer is recorded as failed and its worker
  stopped;
* `gpus_per_job` gives each running job its own devices (`CUDA_VISIBLE_DEVICES`)
  out of the visible set, so jobs share a multi-GPU machine without collisions.

joblib is imported only when a job is launched with this launcher (its
`effective_n_jobs`, and its cloudpickle to send jobs).
"""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
import time
from collections import deque
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from typing import Any

from hydria.errors import PluginError
from hydria.launchers.base import WorkerDied, failed_job, job_line
from hydria.launchers.remote import SourcedTask, run_in_worker
from hydria.launchers.worker_pool import Died, Finished, Raised, WorkerPool
from hydria.plugin_contracts import JobEvents, JobStream, Launcher
from hydria.runtime import JobReturn, JobSpec

__all__ = ["JoblibLauncher", "visible_devices"]

LOG = logging.getLogger("hydria.launchers.joblib")
_PROCESS_BACKENDS = (None, "loky", "multiprocessing")
_POLL = 0.05


def visible_devices() -> list[str]:
    """The GPUs jobs may use: `CUDA_VISIBLE_DEVICES` if set, else what `nvidia-smi`
    lists, else none."""
    listed = os.environ.get("CUDA_VISIBLE_DEVICES")
    if listed is not None:
        return [d.strip() for d in listed.split(",") if d.strip() and d.strip() != "-1"]
    if shutil.which("nvidia-smi") is None:
        return []
    try:
        out = subprocess.run(
            ["nvidia-smi", "--query-gpu=index", "--format=csv,noheader"],
            capture_output=True,
            text=True,
            timeout=10,
            check=True,
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return []
    return [line.strip() for line in out.splitlines() if line.strip()]


def _check_n_jobs(n_jobs: Any) -> int | None:
    """`n_jobs` as joblib takes it: a positive count, -1 for one worker per CPU, -2
    for all CPUs but one, and so on; null for 1 (joblib's default)."""
    if n_jobs is None:
        return None
    cpus = os.cpu_count() or 1
    counts = isinstance(n_jobs, int) and not isinstance(n_jobs, bool)
    if counts and (n_jobs > 0 or (n_jobs < 0 and cpus + 1 + n_jobs >= 1)):
        return int(n_jobs)
    raise PluginError(
        f"hydra.launcher.n_jobs={n_jobs!r}: expected how many jobs run at once: a positive "
        f"integer, or -1 for one per CPU ({cpus} here), -2 for all CPUs but one, and so on "
        f"down to -{cpus}"
    )


class _Slots:
    """Which jobs run where: at most `size` at once, each with its own devices."""

    def __init__(self, size: int, devices: list[str], per_job: int) -> None:
        self.size = size
        self.free = list(devices)
        self.per_job = per_job

    def take(self) -> list[str] | None:
        if self.per_job == 0:
            return []
        if len(self.free) < self.per_job:
            return None
        taken, self.free = self.free[: self.per_job], self.free[self.per_job :]
        return taken

    def give_back(self, devices: list[str]) -> None:
        self.free.extend(devices)


class JoblibLauncher(Launcher):
    """Jobs in worker processes; options as Hydra's joblib launcher plugin, plus
    `gpus_per_job`. `batch_size`, `pre_dispatch`, `temp_folder`, `max_nbytes`,
    `mmap_mode` and `verbose` are accepted for compatibility: jobs are dispatched one
    by one, as workers free up, so they change nothing."""

    def __init__(
        self,
        n_jobs: int | None = -1,
        backend: str | None = None,
        prefer: str | None = "processes",
        require: str | None = None,
        verbose: int = 0,
        timeout: float | None = None,
        pre_dispatch: str | int | None = "2*n_jobs",
        batch_size: str | int | None = "auto",
        temp_folder: str | None = None,
        max_nbytes: str | int | None = None,
        mmap_mode: str | None = "r",
        gpus_per_job: int | None = None,
        wait: bool = True,
    ) -> None:
        if not wait:
            raise PluginError(
                "the joblib launcher runs jobs on this machine and always waits for them; "
                "--no-wait (hydra.launcher.wait=false) is for cluster launchers (submitit_slurm)"
            )
        if backend not in _PROCESS_BACKENDS:
            raise PluginError(
                f"hydra.launcher.backend={backend!r}: jobs change their working directory, "
                "environment and logging, so they need processes; use loky (the default)"
            )
        if prefer == "threads" or require == "sharedmem":
            raise PluginError(
                "hydra.launcher: jobs cannot share one process (prefer=threads or "
                "require=sharedmem); they change their working directory and environment"
            )
        if timeout is not None and (
            isinstance(timeout, bool) or not isinstance(timeout, (int, float)) or timeout <= 0
        ):
            raise PluginError(
                f"hydra.launcher.timeout must be positive; got {timeout!r} "
                "(a number of seconds, or null for no limit)"
            )
        if gpus_per_job is not None and (not isinstance(gpus_per_job, int) or gpus_per_job < 0):
            raise PluginError(f"hydra.launcher.gpus_per_job must be a count; got {gpus_per_job!r}")
        self.n_jobs = _check_n_jobs(n_jobs)
        self.timeout = timeout
        self.gpus_per_job = gpus_per_job or 0
        self._pool: WorkerPool | None = None

    def _slots(self, job_count: int) -> _Slots:
        try:
            from joblib import effective_n_jobs
        except ImportError:
            raise PluginError(
                "hydra/launcher=joblib needs joblib, an optional extra: pip install hydria[joblib]"
            ) from None
        size = min(effective_n_jobs(self.n_jobs), max(job_count, 1))
        devices: list[str] = []
        if self.gpus_per_job:
            devices = visible_devices()
            if len(devices) < self.gpus_per_job:
                raise PluginError(
                    f"hydra.launcher.gpus_per_job={self.gpus_per_job}, but "
                    f"{len(devices)} GPU(s) are visible "
                    f"(CUDA_VISIBLE_DEVICES={os.environ.get('CUDA_VISIBLE_DEVICES')!r})"
                )
            size = min(size, len(devices) // self.gpus_per_job)
        return _Slots(size, devices, self.gpus_per_job)

    def prepare(self, job_count: int) -> None:
        """Start the worker processes (and their imports) while the parent composes the
        jobs: the pool's start-up then overlaps work instead of adding to it."""
        slots = self._slots(job_count)
        self._pool = _new_pool(slots.size)
        self._pool.start()

    def launch(self, jobs: Sequence[JobSpec], events: JobEvents) -> None:
        slots = self._slots(len(jobs))
        LOG.info(
            "Joblib launcher: %d jobs on %d worker processes%s",
            len(jobs),
            slots.size,
            f", {self.gpus_per_job} GPU(s) each" if self.gpus_per_job else "",
        )
        queue: deque[int] = deque(range(len(jobs)))

        def take() -> tuple[int, JobSpec] | None:
            if not queue:
                return None
            index = queue.popleft()
            return index, jobs[index]

        self._run(take, slots, events)

    def launch_stream(self, jobs: JobStream, events: JobEvents) -> None:
        """Start each job as soon as a worker is free and fewer than `jobs.max_in_flight`
        run: no job waits for another batch's slowest."""
        slots = self._slots(jobs.max_in_flight)
        LOG.info(
            "Joblib launcher: jobs as the sweep makes them, on %d worker processes%s",
            slots.size,
            f", {self.gpus_per_job} GPU(s) each" if self.gpus_per_job else "",
        )
        taken = 0

        def take() -> tuple[int, JobSpec] | None:
            nonlocal taken
            spec = jobs.next()
            if spec is None:
                return None
            taken += 1
            return taken - 1, spec

        self._run(take, slots, events)

    def _run(
        self,
        take: Callable[[], tuple[int, JobSpec] | None],
        slots: _Slots,
        events: JobEvents,
    ) -> None:
        """Run what `take` gives (the next job and its index, or None: no more) on the
        pool, a job as soon as a worker and its devices are free, reporting each."""
        pool, self._pool = self._pool, None
        if pool is None or pool.size != slots.size:
            if pool is not None:
                pool.close()
            pool = _new_pool(slots.size)
        devices_of: dict[int, list[str]] = {}
        exhausted = False
        try:
            while not exhausted or devices_of:
                while not exhausted and pool.free > 0:
                    devices = slots.take()
                    if devices is None:
                        break
                    taken = take()
                    if taken is None:
                        slots.give_back(devices)
                        exhausted = True
                        break
                    index, job = taken
                    env = {"CUDA_VISIBLE_DEVICES": ",".join(devices)} if self.gpus_per_job else {}
                    spec = self._prepared(job, env)
                    pool.submit(index, spec)
                    LOG.info("\t#%s : %s", *job_line(spec))
                    events.started(index, env)
                    devices_of[index] = devices
                since = pool.running_since()
                for index, answer in pool.collect(_POLL):
                    slots.give_back(devices_of.pop(index))
                    events.finished(index, _result(answer, since[index]))
                for index in self._overdue(pool.running_since()):
                    pool.stop(index)
                    slots.give_back(devices_of.pop(index))
                    events.finished(
                        index,
                        failed_job(
                            TimeoutError(f"the job ran longer than timeout={self.timeout}s"),
                            started=since[index],
                        ),
                    )
        except BaseException:
            pool.close(kill=True)  # Ctrl-C above all: no job left behind
            raise
        pool.close()

    @staticmethod
    def _prepared(spec: JobSpec, env: Mapping[str, str]) -> JobSpec:
        task = spec.task if isinstance(spec.task, SourcedTask) else SourcedTask(spec.task)
        return replace(spec, task=task, environment={**spec.environment, **env})

    def _overdue(self, running: Mapping[int, float]) -> list[int]:
        if self.timeout is None:
            return []
        now = time.time()
        return [index for index, started in running.items() if now - started > self.timeout]


def _new_pool(size: int) -> WorkerPool:
    try:  # joblib's own dependency from joblib 1.5 on; vendored before
        import cloudpickle
    except ImportError:
        from joblib.externals import cloudpickle
    return WorkerPool(size, run_in_worker, cloudpickle.dumps)


def _result(answer: Finished | Raised | Died, started: float) -> JobReturn:
    if isinstance(answer, Finished):
        result: JobReturn = answer.value
        return result
    if isinstance(answer, Raised):  # e.g. an output dir that could not be made
        return failed_job(answer.error, started=started)
    died = WorkerDied(f"the worker process running the job died: {answer.reason}")
    return failed_job(died, started=started)
