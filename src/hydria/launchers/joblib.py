"""The parallel local launcher: jobs in worker processes, on joblib's loky executor.

Configured like Hydra's joblib launcher plugin (`hydra/launcher=joblib`, with
`n_jobs`, `backend`, `prefer`, `timeout`, ...), so existing configs work. What it
adds:

* results stream back as jobs finish, each reported at once;
* a worker that dies (killed, segfault, `os._exit`) costs only its own job: loky
  fails every job of a broken pool, so the jobs that were in flight are run again
  one at a time to find which one kills its worker, and the others get their result;
* `timeout` is per job: a job running longer is recorded as failed and its worker
  stopped;
* `gpus_per_job` gives each running job its own devices (`CUDA_VISIBLE_DEVICES`)
  out of the visible set, so jobs share a multi-GPU machine without collisions.

joblib is imported only when a job is launched with this launcher.
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import subprocess
import time
from collections import deque
from collections.abc import Mapping, Sequence
from concurrent.futures import ALL_COMPLETED, FIRST_COMPLETED, Future, wait
from dataclasses import replace
from typing import Any

from hydria.errors import PluginError
from hydria.launchers.base import JobEvents, WorkerDied, failed_job, job_line
from hydria.launchers.remote import SourcedTask, run_in_worker
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


def _warm_up() -> None:
    """Import in a worker what every job needs, before the first job arrives."""
    import hydria.runtime.job  # noqa: F401


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


class JoblibLauncher:
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
        if timeout is not None and timeout <= 0:
            raise PluginError(f"hydra.launcher.timeout must be positive; got {timeout}")
        if gpus_per_job is not None and (not isinstance(gpus_per_job, int) or gpus_per_job < 0):
            raise PluginError(f"hydra.launcher.gpus_per_job must be a count; got {gpus_per_job!r}")
        self.n_jobs = n_jobs
        self.timeout = timeout
        self.gpus_per_job = gpus_per_job or 0

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
        from joblib.externals.loky import get_reusable_executor

        executor = get_reusable_executor(max_workers=slots.size)
        for _ in range(slots.size):
            executor.submit(_warm_up)

    def launch(self, jobs: Sequence[JobSpec], events: JobEvents) -> None:
        slots = self._slots(len(jobs))
        from joblib.externals.loky import get_reusable_executor

        LOG.info(
            "Joblib launcher: %d jobs on %d worker processes%s",
            len(jobs),
            slots.size,
            f", {self.gpus_per_job} GPU(s) each" if self.gpus_per_job else "",
        )
        queue: deque[int] = deque(range(len(jobs)))
        running: dict[Future[JobReturn], tuple[int, list[str], float]] = {}
        executor = get_reusable_executor(max_workers=slots.size)
        try:
            while queue or running:
                broken = False
                while queue and len(running) < slots.size:
                    devices = slots.take()
                    if devices is None:
                        break
                    index = queue.popleft()
                    env = {"CUDA_VISIBLE_DEVICES": ",".join(devices)} if self.gpus_per_job else {}
                    spec = self._prepared(jobs[index], env)
                    try:
                        future = executor.submit(run_in_worker, spec)
                    except _broken_pool_errors():  # a worker died since the last look
                        slots.give_back(devices)
                        queue.appendleft(index)
                        broken = True
                        break
                    LOG.info("\t#%s : %s", *job_line(spec))
                    events.started(index, env)
                    running[future] = (index, devices, time.time())
                if broken:  # every job the pool still holds is failing: collect them all
                    done, _ = wait(list(running), timeout=60, return_when=ALL_COMPLETED)
                else:
                    done, _ = wait(list(running), timeout=_POLL, return_when=FIRST_COMPLETED)
                lost: list[tuple[int, list[str], float, BaseException]] = []
                for future in done:
                    index, devices, started = running.pop(future)
                    slots.give_back(devices)
                    try:
                        events.finished(index, future.result())
                    except _broken_pool_errors() as exc:
                        lost.append((index, devices, started, exc))
                    except Exception as exc:  # noqa: BLE001 - e.g. a result that did not unpickle
                        events.finished(index, failed_job(exc, started=started))
                overdue = self._overdue(running)
                if lost or overdue or broken:
                    executor = self._recover(
                        executor, running, lost, overdue, queue, jobs, events, slots
                    )
        except BaseException:
            executor.shutdown(wait=True, kill_workers=True)  # wait=False leaves them running
            raise

    @staticmethod
    def _prepared(spec: JobSpec, env: Mapping[str, str]) -> JobSpec:
        task = spec.task if isinstance(spec.task, SourcedTask) else SourcedTask(spec.task)
        return replace(spec, task=task, environment={**spec.environment, **env})

    def _overdue(
        self, running: Mapping[Future[JobReturn], tuple[int, list[str], float]]
    ) -> list[Future[JobReturn]]:
        if self.timeout is None:
            return []
        now = time.time()
        return [f for f, (_, _, started) in running.items() if now - started > self.timeout]

    def _recover(
        self,
        executor: Any,
        running: dict[Future[JobReturn], tuple[int, list[str], float]],
        lost: list[tuple[int, list[str], float, BaseException]],
        overdue: list[Future[JobReturn]],
        queue: deque[int],
        jobs: Sequence[JobSpec],
        events: JobEvents,
        slots: _Slots,
    ) -> Any:
        """After a worker died or a job ran out of time: stop the pool, settle the jobs
        it held, and put the innocent ones back at the head of the queue."""
        from joblib.externals.loky import get_reusable_executor

        for future in overdue:
            index, devices, started = running.pop(future)
            slots.give_back(devices)
            events.finished(
                index,
                failed_job(
                    TimeoutError(f"the job ran longer than timeout={self.timeout}s"),
                    started=started,
                ),
            )
        executor.shutdown(wait=True, kill_workers=True)  # wait=False leaves them running
        suspects = list(lost)
        if lost:  # a broken pool fails every job it held: they are suspects too
            for index, devices, started in list(running.values()):
                slots.give_back(devices)
                suspects.append((index, devices, started, WorkerDied("the pool broke")))
            running.clear()
        else:
            for index, devices, _ in list(running.values()):
                slots.give_back(devices)
                queue.appendleft(index)  # stopped with the pool: not their fault
            running.clear()
        if len(suspects) == 1:
            index, _, started, exc = suspects[0]
            events.finished(index, failed_job(WorkerDied(_death_reason(exc)), started=started))
        elif suspects:
            self._isolate(suspects, jobs, events, slots)
        return get_reusable_executor(max_workers=slots.size)

    def _isolate(
        self,
        suspects: list[tuple[int, list[str], float, BaseException]],
        jobs: Sequence[JobSpec],
        events: JobEvents,
        slots: _Slots,
    ) -> None:
        """Run each suspect alone: the ones whose worker dies again are the culprits."""
        from joblib.externals.loky import get_reusable_executor

        for index, _, _, _ in sorted(suspects):
            devices = slots.take() or []
            env = {"CUDA_VISIBLE_DEVICES": ",".join(devices)} if self.gpus_per_job else {}
            spec = self._prepared(jobs[index], env)
            events.started(index, env)
            started = time.time()
            executor = get_reusable_executor(max_workers=1)
            try:
                result = executor.submit(run_in_worker, spec).result(timeout=self.timeout)
            except _broken_pool_errors() as exc:
                result = failed_job(WorkerDied(_death_reason(exc)), started=started)
            except TimeoutError:
                executor.shutdown(wait=True, kill_workers=True)  # wait=False leaves them running
                result = failed_job(
                    TimeoutError(f"the job ran longer than timeout={self.timeout}s"),
                    started=started,
                )
            finally:
                slots.give_back(devices)
            events.finished(index, result)


def _broken_pool_errors() -> tuple[type[BaseException], ...]:
    # loky's TerminatedWorkerError and BrokenProcessPool both derive from this one
    from concurrent.futures.process import BrokenProcessPool

    return (BrokenProcessPool,)


def _death_reason(exc: BaseException) -> str:
    """`the worker process died: killed by SIGKILL` from loky's long message."""
    found = re.search(r"exit codes of the workers are \{([^}]*)\}", str(exc))
    if found is None:
        text = " ".join(str(exc).split())
        return f"the worker process running the job died ({text})"
    codes = []
    for code in found.group(1).split(","):
        code = code.strip()
        signal_name = re.fullmatch(r"(SIG[A-Z0-9]+)\(-?\d+\)", code)
        exit_code = re.fullmatch(r"EXIT\((-?\d+)\)", code)
        if signal_name:
            codes.append(f"killed by {signal_name.group(1)}")
        elif exit_code:
            codes.append(f"exited with code {exit_code.group(1)}")
        else:
            codes.append(code)
    return "the worker process running the job died: " + ", ".join(codes)
