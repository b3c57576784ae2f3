"""Worker processes that run one job at a time each, where a dead worker costs only its job.

loky's executor (like `concurrent.futures`) breaks the whole pool when one worker
dies: every job in flight fails and the other workers are killed mid-job, so the
innocent jobs would have to run a second time. Here each worker has a pipe of its
own, and the parent watches each pipe and each process: it knows which job a dead
worker held and how it died (its exit code or signal), starts a new worker in its
place, and the other jobs run on untouched. A job past its timeout has its worker
stopped the same way.

Workers start with `spawn` (a fresh interpreter: no threads or held locks copied
from the parent), ignore SIGINT (the parent decides what Ctrl-C stops), and receive
jobs cloudpickled, so a task defined in `__main__` travels too. A worker whose
parent is gone (killed) finishes the job it holds, which records itself, and exits.

Stopping the pool (Ctrl-C, SIGTERM of the sweep) sends each busy worker SIGTERM: a
task still running gets a KeyboardInterrupt; a job whose task has returned goes on
to write its record and then exits, so a job that ran to its end is never lost to
the stop. A worker still there after a grace period is killed.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import signal
import time
import weakref
from collections.abc import Callable
from multiprocessing.connection import Connection, wait
from typing import Any

from hydria.record_class import record

__all__ = ["Died", "Finished", "Raised", "WorkerPool", "exit_reason"]

STOP_GRACE = 5.0  # seconds a stopped worker has to finish recording its job

# In a worker process only: what it is doing, for its SIGTERM handler (`_IN_TASK`:
# from receiving a job until its task returned).
_IDLE, _IN_TASK, _AFTER_TASK = "idle", "task", "after"
_worker_state = {"now": _IDLE, "stop": ""}


@record
class Finished:
    """The job returned this value."""

    value: Any


@record
class Raised:
    """Running the job raised this exception (outside the task: the task's own
    failures are in its result)."""

    error: BaseException


@record
class Died:
    """The worker ended without an answer; `reason` says how."""

    reason: str


def exit_reason(exitcode: int | None) -> str:
    """`killed by SIGKILL` or `exited with code 3` from a process's exit code."""
    if exitcode is None:
        return "it stopped answering"
    if exitcode < 0:
        try:
            return f"killed by {signal.Signals(-exitcode).name}"
        except ValueError:
            return f"killed by signal {-exitcode}"
    return f"exited with code {exitcode}"


def _on_sigterm(signum: int, frame: object) -> None:
    """A worker told to stop: a running task is interrupted; a job past its task
    finishes (it writes its record) and the worker exits after it; idle, it exits."""
    _worker_state["stop"] = "yes"
    if _worker_state["now"] == _IN_TASK:
        raise KeyboardInterrupt("the sweep was stopped")
    if _worker_state["now"] == _IDLE:
        os._exit(0)


class _TaskPhase:
    """The job's task, marking while it runs (see `_on_sigterm`)."""

    def __init__(self, task: Any) -> None:
        self.task = task

    def __call__(self, cfg: Any) -> Any:
        try:
            return self.task(cfg)
        finally:
            _worker_state["now"] = _AFTER_TASK


def _serve(conn: Connection, call: Callable[[Any], Any], dumps: Callable[[Any], bytes]) -> None:
    """A worker's loop: a job in, its answer out, until told to stop or orphaned."""
    from dataclasses import replace

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, _on_sigterm)
    while True:
        _worker_state["now"] = _IDLE
        if _worker_state["stop"]:
            return
        try:
            payload = conn.recv_bytes()
        except (EOFError, OSError):
            return
        if not payload:
            return
        answer: Finished | Raised
        try:
            _worker_state["now"] = _IN_TASK  # until the task returns, a stop interrupts
            job = pickle.loads(payload)
            if hasattr(job, "task"):
                job = replace(job, task=_TaskPhase(job.task))
            answer = Finished(call(job))
        except KeyboardInterrupt:  # stopped while the task ran: nothing to report
            return
        except Exception as exc:  # noqa: BLE001 - reported to the parent as the job's failure
            answer = Raised(exc)
        try:
            data = dumps(answer)
        except Exception as exc:  # noqa: BLE001 - an answer that does not pickle
            data = dumps(Raised(RuntimeError(f"{type(exc).__name__}: {exc}")))
        try:
            conn.send_bytes(data)
        except OSError:  # the parent is gone; the job recorded itself
            return


class _Worker:
    def __init__(self, context: Any, call: Callable[[Any], Any], dumps: Any) -> None:
        self.conn, child = context.Pipe(duplex=True)
        self.process = context.Process(
            target=_serve, args=(child, call, dumps), name="hydria-worker"
        )
        self.process.start()
        child.close()
        self.key: Any = None
        self.since = 0.0

    def kill(self, grace: float = 0.0) -> None:
        """Stop the worker: SIGTERM and up to `grace` seconds to end, then SIGKILL."""
        if grace > 0 and self.process.is_alive():
            with contextlib.suppress(OSError, ValueError):
                self.process.terminate()
            self.process.join(timeout=grace)
        with contextlib.suppress(OSError, ValueError):
            self.process.kill()
        self.process.join(timeout=5)
        with contextlib.suppress(OSError):
            self.conn.close()


class WorkerPool:
    """Up to `size` worker processes, each running `call(job)` for one job at a time.

    Args:
        size: how many workers.
        call: what a worker runs for a job (a module-level function).
        dumps: how a job and an answer are pickled (cloudpickle's `dumps`).
    """

    def __init__(self, size: int, call: Callable[[Any], Any], dumps: Callable[[Any], bytes]):
        import multiprocessing

        self._context = multiprocessing.get_context("spawn")
        self.size = size
        self._call = call
        self._dumps = dumps
        self._idle: list[_Worker] = []
        self._busy: dict[Any, _Worker] = {}
        # every worker started, for a pool dropped without `close` (a sweep that failed
        # before launching): stopped when the pool goes, or at exit at the latest (else
        # multiprocessing's exit handler would wait for them forever)
        self._started: list[_Worker] = []
        weakref.finalize(self, _stop_all, self._started)

    def _new_worker(self) -> _Worker:
        worker = _Worker(self._context, self._call, self._dumps)
        self._started[:] = [w for w in self._started if w.process.is_alive()]
        self._started.append(worker)
        return worker

    def start(self) -> None:
        """Start every worker now (their start-up overlaps the caller's work)."""
        while len(self._idle) + len(self._busy) < self.size:
            self._idle.append(self._new_worker())

    @property
    def free(self) -> int:
        return self.size - len(self._busy)

    def submit(self, key: Any, job: Any) -> None:
        """Send `job` to an idle worker (one is started if needed); `key` names it."""
        payload = self._dumps(job)
        while True:
            worker = self._idle.pop() if self._idle else None
            if worker is not None and not worker.process.is_alive():
                worker.kill()
                continue
            if worker is None:
                worker = self._new_worker()
            try:
                worker.conn.send_bytes(payload)
                break
            except OSError:  # it died while idle: use another
                worker.kill()
        worker.key, worker.since = key, time.time()
        self._busy[key] = worker

    def running_since(self) -> dict[Any, float]:
        return {key: worker.since for key, worker in self._busy.items()}

    def collect(self, timeout: float) -> list[tuple[Any, Finished | Raised | Died]]:
        """The jobs that ended within `timeout` seconds, with how."""
        if not self._busy:
            return []
        by_handle: dict[Any, _Worker] = {}
        for worker in self._busy.values():
            by_handle[worker.conn] = worker
            by_handle[worker.process.sentinel] = worker
        ready = wait(list(by_handle), timeout=timeout)
        ended: list[tuple[Any, Finished | Raised | Died]] = []
        for worker in {id(by_handle[h]): by_handle[h] for h in ready}.values():
            answer = self._answer(worker)
            if answer is None:
                continue
            del self._busy[worker.key]
            ended.append((worker.key, answer))
            if isinstance(answer, Died) or not worker.process.is_alive():
                worker.kill()
            else:
                worker.key = None
                self._idle.append(worker)
        return ended

    def _answer(self, worker: _Worker) -> Finished | Raised | Died | None:
        try:
            if worker.conn.poll():
                answer = pickle.loads(worker.conn.recv_bytes())
                assert isinstance(answer, (Finished, Raised))
                return answer
        except (EOFError, OSError):
            pass
        except Exception as exc:  # noqa: BLE001 - an answer that did not unpickle here
            return Raised(exc)
        if worker.process.is_alive():
            worker.process.join(timeout=0.5)  # the pipe closed as it exits
            if worker.process.is_alive():
                return None
        return Died(exit_reason(worker.process.exitcode))

    def stop(self, key: Any) -> None:
        """Kill the worker running `key` (its job is over: timed out)."""
        worker = self._busy.pop(key, None)
        if worker is not None:
            worker.kill()

    def close(self, *, kill: bool = False) -> None:
        """Stop every worker. Idle ones are told to exit. Busy ones (or all, with
        `kill`) get SIGTERM: a task still running is interrupted, a job past its task
        records its end first; after `STOP_GRACE` seconds what remains is killed."""
        for worker in self._idle:
            with contextlib.suppress(OSError):
                worker.conn.send_bytes(b"")
        everyone = [*self._idle, *self._busy.values()]
        self._idle, self._busy = [], {}
        for worker in everyone:
            if worker.key is not None or kill:
                with contextlib.suppress(OSError, ValueError):
                    worker.process.terminate()
        deadline = time.time() + STOP_GRACE
        for worker in everyone:
            worker.process.join(timeout=max(0.0, deadline - time.time()))
            worker.kill()


def _stop_all(workers: list[_Worker]) -> None:
    for worker in workers:
        with contextlib.suppress(OSError, ValueError):
            worker.conn.close()  # an idle worker sees the end of its pipe and exits
        worker.kill(grace=STOP_GRACE if worker.process.is_alive() else 0.0)
