"""What a sweep's job writes about itself, wherever it runs: that it runs, and how it ended.

A `JobJournal` travels with the job's spec to the process that runs it (a worker, a
cluster node, a Ray task). There, around the job:

* **begin**: `<sweep dir>/.hydria-jobs/<num>.running` names the process (host, pid,
  its start time) and the sweep run; the process's heartbeat thread refreshes its mtime every
  few seconds, so a job on another host is known alive by time (as the sweep lock,
  `hydria.multirun.ownership`). A job run by the sweep process itself is not marked:
  the sweep's lock says all there is to say about it;
* **end**: the job appends its own record to `results.jsonl` (one `O_APPEND` write
  of a whole line, which file systems keep whole), then removes its marker, and
  only then reports back. Whatever kills the sweep process afterwards, the record is
  there, and the sweep process does not write a second one.

A cluster launcher that waits for its jobs also leaves `<num>.queued` (the engine
and job id) when it submits one, since the engine may start it after the sweep
process is gone.

A resumed sweep reads the markers: a job whose process is alive, or that its engine
still has queued or running, is waited for (its record then decides whether it runs
again); a marker whose process is gone is a job that never ended: it runs again.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import socket
import stat
import threading
import time
import uuid
from collections.abc import Callable, Mapping
from dataclasses import field
from pathlib import Path
from typing import Any

from hydria.multirun.ownership import (
    HEARTBEAT,
    STALE_AFTER,
    file_age,
    held_here,
    process_alive,
    process_start,
)
from hydria.multirun.records import JobRecord, ResultsFile
from hydria.record_class import record

__all__ = [
    "JOBS_DIR",
    "JobJournal",
    "RunningJob",
    "new_run_id",
    "remove_empty_folder",
    "running_jobs",
    "wait_for_jobs",
]

LOG = logging.getLogger("hydria.sweep")  # the name users configure; kept from before the rename
JOBS_DIR = ".hydria-jobs"
RUN_KEY = "sweep_run"  # the key in a record's `extra` naming the sweep run that wrote it


def new_run_id() -> str:
    """A fresh id for one run of a sweep (the first, or a `--resume`)."""
    return uuid.uuid4().hex[:12]


@record(kw_only=True)
class RunningJob:
    """A job's `.running` marker: which process runs it, since when."""

    num: int
    host: str
    pid: int
    start: str | None
    started: float
    run: str
    path: Path

    def alive(self) -> bool:
        if self.host == socket.gethostname():
            return process_alive(self.pid, self.start)
        age = file_age(self.path)
        return age is not None and age < STALE_AFTER

    def describe(self) -> str:
        try:
            since = time.strftime("%H:%M:%S UTC", time.gmtime(self.started))
        except (OverflowError, OSError, ValueError):  # a marker with an odd time
            since = "an unknown time"
        from hydria.terminal_text import printable

        return f"job #{self.num} (host {printable(self.host[:100])}, pid {self.pid}, since {since})"


class _Heartbeat:
    """One thread per process refreshes the mtime of every marker of a job running in
    it, every `HEARTBEAT` seconds: a thread per job would cost more than the rest of
    marking it. The thread ends once it finds no marker left, and is started again by
    the next job; a forked child starts afresh (`_reset`)."""

    def __init__(self) -> None:
        self._reset()

    def _reset(self) -> None:
        self._lock = threading.Lock()
        self._markers: dict[int, Path] = {}
        self._next = 0
        self._thread: threading.Thread | None = None

    def add(self, marker: Path) -> int:
        with self._lock:
            self._next += 1
            self._markers[self._next] = marker
            if self._thread is None:
                self._thread = threading.Thread(
                    target=self._beat, name="hydria-job-heartbeat", daemon=True
                )
                self._thread.start()
            return self._next

    def remove(self, token: int) -> None:
        with self._lock:
            self._markers.pop(token, None)

    def _beat(self) -> None:
        while True:
            time.sleep(HEARTBEAT)
            with self._lock:
                if not self._markers:
                    self._thread = None
                    return
                for marker in self._markers.values():
                    with contextlib.suppress(OSError):
                        os.utime(marker)


_HEARTBEAT = _Heartbeat()
if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_HEARTBEAT._reset)

_starts: dict[int, str | None] = {}


def _own_start(pid: int) -> str | None:
    """This process's start time (`process_start`), read once per process."""
    if pid not in _starts:
        _starts.clear()  # a forked child: its parent's entry is not its own
        _starts[pid] = process_start(pid)
    return _starts[pid]


@record
class JobJournal:
    """Picklable; `begin` and `end` are called where the job runs (by `run_job`)."""

    sweep_dir: str  # absolute: the job may run in another directory
    num: int
    overrides: tuple[str, ...]
    run: str
    extra: Mapping[str, Any] = field(default_factory=dict)

    @property
    def marker(self) -> Path:
        return Path(self.sweep_dir) / JOBS_DIR / f"{self.num}.running"

    def queued(self, info: Mapping[str, Any]) -> None:
        """The job was handed to an engine (`info`: `engine`, `job_id`, ... as for a
        `submitted` record), which may start it after the sweep process is gone."""
        path = self.marker.with_suffix(".queued")
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps(dict(info)), encoding="utf-8")
        except (OSError, TypeError, ValueError) as exc:
            LOG.warning("Could not note job #%s as queued (%s): %s", self.num, path, exc)

    def begin(self) -> Callable[[], None]:
        """Mark the job running, with a heartbeat; returns what stops both.

        A job run by the process holding the sweep's lock (the basic launcher's) is not
        marked: the lock already says that process is alive, a resume cannot start while
        it holds it, and the job cannot outlive it. That saves creating and renaming a
        file per job, which costs more than the rest of a small job's bookkeeping."""
        if held_here(self.sweep_dir):
            with contextlib.suppress(OSError):  # queued by an earlier run's engine
                os.unlink(os.path.join(self.sweep_dir, JOBS_DIR, f"{self.num}.queued"))
            return _nothing
        pid = os.getpid()
        data = {
            "num": self.num,
            "host": socket.gethostname(),
            "pid": pid,
            "start": _own_start(pid),
            "started": time.time(),
            "run": self.run,
        }
        marker = self.marker
        try:
            marker.parent.mkdir(parents=True, exist_ok=True)
            partial = marker.with_name(f"{marker.name}.{pid}.{uuid.uuid4().hex[:8]}")
            partial.write_text(json.dumps(data), encoding="utf-8")
            os.replace(partial, marker)
            with contextlib.suppress(OSError):
                marker.with_suffix(".queued").unlink()
        except OSError as exc:
            LOG.warning("Could not mark job #%s as running (%s): %s", self.num, marker, exc)
            return lambda: None
        token = _HEARTBEAT.add(marker)

        def finish() -> None:
            _HEARTBEAT.remove(token)
            with contextlib.suppress(OSError):
                marker.unlink()

        return finish

    def end(self, result: Any, environment: Mapping[str, str]) -> bool:
        """Append the job's record to `results.jsonl`; False if that failed (the sweep
        process then writes it). `environment`: what the launcher exported for it."""
        from hydria.multirun.execute import job_record, record_extra  # the record's one home

        extra = {**self.extra, **record_extra(environment), RUN_KEY: self.run}
        record = job_record(self.num, self.overrides, result, extra)
        try:
            ResultsFile(self.sweep_dir).append(record)
        except OSError as exc:
            LOG.warning("Job #%s could not record its end itself: %s", self.num, exc)
            return False
        return True


def _nothing() -> None:
    """What ends the marking of a job that was not marked."""


_MARKER_LIMIT = 64 * 1024  # a marker is a few hundred bytes


def _read_marker(path: Path) -> str:
    """A marker's text. The folder is in a sweep directory, which may come from someone
    else: a FIFO, a device or a link in a marker's place is refused, never waited on.

    Raises:
        OSError: the marker cannot be read, or is not a small regular file.
    """
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOFOLLOW", 0)
    fd = os.open(path, flags)
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode) or st.st_size > _MARKER_LIMIT:
            raise OSError(f"{path} is not a job marker")
        return os.read(fd, _MARKER_LIMIT).decode("utf-8")
    finally:
        os.close(fd)


def remove_empty_folder(sweep_dir: str | Path) -> None:
    """Remove the markers' folder once no marker is left (every job ended)."""
    with contextlib.suppress(OSError):
        (Path(sweep_dir) / JOBS_DIR).rmdir()


def running_jobs(sweep_dir: str | Path) -> dict[int, RunningJob]:
    """The jobs of the sweep in `sweep_dir` marked running (alive or not)."""
    found: dict[int, RunningJob] = {}
    folder = Path(sweep_dir) / JOBS_DIR
    if not folder.is_dir():
        return found
    for path in folder.glob("*.running"):
        try:
            data = json.loads(_read_marker(path))
            job = RunningJob(
                num=int(data["num"]),
                host=str(data["host"]),
                pid=int(data["pid"]),
                start=None if data.get("start") is None else str(data["start"]),
                started=float(data.get("started", 0.0)),
                run=str(data.get("run", "")),
                path=path,
            )
        except (OSError, ValueError, TypeError, KeyError, RecursionError):
            continue
        found[job.num] = job
    return found


def _queued_in_flight(folder: Path, num: int) -> str | None:
    """`slurm job 12_3 is PENDING` for a job its engine still holds, else None (the
    marker is then removed)."""
    from hydria.multirun.live import IN_FLIGHT, live_state

    path = folder / f"{num}.queued"
    try:
        info = json.loads(_read_marker(path))
    except (OSError, ValueError, RecursionError):
        return None
    if not isinstance(info, dict):
        return None
    record = JobRecord(num=num, overrides=(), status="submitted", extra=info)
    state = live_state(record) or "UNKNOWN"
    word = state.split(" ")[0]
    if word in IN_FLIGHT and word != "UNKNOWN":
        return f"{info.get('engine', 'its engine')} job {info.get('job_id', '?')} is {word}"
    if word == "UNKNOWN":
        LOG.warning("Job #%s was queued on its engine, which cannot say more: %s", num, state)
    with contextlib.suppress(OSError):
        path.unlink()
    return None


def wait_for_jobs(
    sweep_dir: str | Path,
    nums: set[int],
    say: Callable[[str], None],
    *,
    poll: float = 0.2,
) -> None:
    """Wait while any of the jobs `nums` still runs in a process of an earlier run of
    the sweep (one killed while its workers went on). Markers of dead processes are
    removed: those jobs never ended and are run again."""
    told: set[int] = set()
    folder = Path(sweep_dir) / JOBS_DIR
    queued = {num for num in nums if (folder / f"{num}.queued").exists()}
    while True:
        running = running_jobs(sweep_dir)
        for num in sorted(queued - set(running)):
            held = _queued_in_flight(folder, num)
            if held is None:
                queued.discard(num)
            elif num not in told:
                told.add(num)
                say(
                    f"--resume: job #{num} of an earlier run of this sweep: {held}; "
                    "waiting for it to end (it is not run twice)"
                )
        alive = []
        for num, job in sorted(running.items()):
            if num not in nums:
                continue
            if job.alive():
                alive.append(job)
            else:
                with contextlib.suppress(OSError):
                    job.path.unlink()
        if not alive and not queued:
            return
        for job in alive:
            if job.num not in told:
                told.add(job.num)
                say(
                    f"--resume: {job.describe()} still runs, started by an earlier run of "
                    "this sweep; waiting for it to end (it is not run twice)"
                )
        time.sleep(poll if not queued else max(poll, 1.0))


def recorded_by(record: JobRecord | None, run: str) -> bool:
    """Whether `record` is a job's end written during the sweep run `run`."""
    return (
        record is not None
        and record.status in ("completed", "failed", "pruned")
        and record.extra.get(RUN_KEY) == run
    )
