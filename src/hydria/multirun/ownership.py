"""Who owns a sweep directory: one sweep (or `--resume`) at a time, by a lock file.

`<sweep dir>/.hydria-sweep.lock` names its holder as JSON: host, pid, the process's
start time, its command line, and since when it holds the lock. It must work where
clusters keep sweeps, on network file systems (NFS, Lustre, GPFS), so it relies on
what they do atomically, not on `O_EXCL` (unreliable on old NFS) or `flock`:

* **Taking it.** The taker writes its holder record to a file of its own (a unique
  name), then `os.link`s it to the lock's name. A hard link is created atomically by
  the file server and fails when the name exists, so exactly one taker wins. A link
  whose reply was lost (NFS retries) is judged by the link count of the taker's own
  file, 2 when the link exists.
* **Alive, same host.** The holder's pid exists and the process has the recorded
  start time (so a pid reused by another process does not hold it).
* **Alive, other host.** The holder refreshes the lock's mtime every few seconds (a
  heartbeat thread). A lock whose mtime is older than `STALE_AFTER` seconds, measured
  against a file the checker just created in the same directory (the file server's
  clock, so clocks of the hosts may differ), is stale.
* **Also.** The holder keeps an `fcntl.lockf` lock on the file; where the file system
  supports it, a checker that cannot get it knows the holder is alive.
* **Taking over a stale lock.** Two checkers may both find the lock stale. Breaking
  it is done under a second lock, `.hydria-sweep.lock.break`, taken the same way;
  its holder reads the lock again and removes it only if it is still the same stale
  record, so a lock just taken by the other checker is never removed. Then it takes
  the lock as above, where again only one taker wins. A `.break` lock left by a
  process that died in those few milliseconds is removed after `STALE_AFTER`.

Jobs do not take this lock: wherever they run, they record through their own files
(`hydria.multirun.job_journal`).
"""

from __future__ import annotations

import contextlib
import json
import os
import socket
import sys
import threading
import time
import uuid
from pathlib import Path
from typing import Any

from hydria.errors import SweepDirInUseError
from hydria.record_class import record

__all__ = [
    "HEARTBEAT",
    "LOCK_FILE",
    "STALE_AFTER",
    "Holder",
    "SweepLock",
    "file_age",
    "held_here",
    "process_alive",
    "process_start",
]

LOCK_FILE = ".hydria-sweep.lock"
HEARTBEAT = 5.0  # seconds between refreshes of the lock's mtime
STALE_AFTER = 60.0  # a holder on another host silent this long is gone


#: the sweep directories (real paths) whose lock this process holds, with how many times
_held: dict[str, int] = {}
#: the absolute paths `held_here` was asked about, as given, that are held: each job of
#: a basic launcher's sweep asks, and `realpath` costs a system call per level of the
#: path (a relative one is not kept: a job may change the working directory). It is
#: part of the lock state, not a composition cache: entries go with their lock on
#: release and at fork, so `reset_process_caches` leaves it alone
_held_as: dict[str, str] = {}
_held_lock = threading.Lock()


def _forget_held() -> None:
    """A forked child holds none of its parent's locks."""
    global _held_lock
    _held_lock = threading.Lock()
    _held.clear()
    _held_as.clear()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_forget_held)


def held_here(sweep_dir: str | Path) -> bool:
    """Whether this process holds the lock on `sweep_dir`: then a job it runs itself
    lives exactly as long as the lock's holder, and needs no marker of its own."""
    if not _held:
        return False
    given = str(sweep_dir)
    with _held_lock:
        if _held_as.get(given) in _held:
            return True
    key = os.path.realpath(given)
    with _held_lock:
        held = _held.get(key, 0) > 0
        if held and len(_held_as) < 64 and os.path.isabs(given):
            _held_as[given] = key
        return held


def _stat_fields(pid: int) -> list[str]:
    """/proc/<pid>/stat from field 3 (the state) on; [] where there is none."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            stat = f.read().decode("ascii", "replace")
    except OSError:
        return []
    # the command name (field 2) is in parentheses and may hold spaces
    return stat[stat.rfind(")") + 2 :].split()


def process_start(pid: int) -> str | None:
    """When the process started, as the kernel counts it (Linux: clock ticks since
    boot, from /proc); None where that cannot be read."""
    fields = _stat_fields(pid)
    return fields[19] if len(fields) > 19 else None


def process_alive(pid: int, start: str | None) -> bool:
    """Whether process `pid` of this host is alive and is the one that started at
    `start` (None: not known, any process with that pid counts)."""
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass  # it exists, run by another user
    fields = _stat_fields(pid)
    if fields and fields[0] in ("Z", "X"):  # ended; its parent has not reaped it yet
        return False
    if start is None:
        return True
    now = fields[19] if len(fields) > 19 else None
    return now is None or now == start


@record(kw_only=True)
class Holder:
    """Who holds a lock: where, which process, its command line, since when."""

    host: str
    pid: int
    start: str | None
    command: str
    since: float
    token: str

    def to_json(self) -> str:
        return json.dumps(
            {
                "host": self.host,
                "pid": self.pid,
                "start": self.start,
                "command": self.command,
                "since": self.since,
                "token": self.token,
            }
        )

    @classmethod
    def from_file(cls, path: Path) -> Holder | None:
        """The holder recorded in `path`; None when it is gone or unreadable."""
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            return cls(
                host=str(data["host"]),
                pid=int(data["pid"]),
                start=None if data.get("start") is None else str(data["start"]),
                command=str(data.get("command", "")),
                since=float(data.get("since", 0.0)),
                token=str(data.get("token", "")),
            )
        except (OSError, ValueError, TypeError, KeyError, AttributeError):
            return None

    @classmethod
    def this_process(cls) -> Holder:
        pid = os.getpid()
        return cls(
            host=socket.gethostname(),
            pid=pid,
            start=process_start(pid),
            command=" ".join([os.path.basename(sys.executable), *sys.argv]),
            since=time.time(),
            token=uuid.uuid4().hex,
        )

    def describe(self) -> str:
        """One line for a message; what the file says is escaped (it may come from
        someone else's sweep directory)."""
        from hydria.terminal_text import printable

        try:
            since = time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime(self.since))
        except (OverflowError, OSError, ValueError):
            since = "an unknown time"
        minutes = max(0, int(time.time() - self.since)) // 60 if self.since < 1e12 else 0
        command = self.command if len(self.command) <= 200 else self.command[:197] + "..."
        return (
            f"host {printable(self.host[:100])}, pid {self.pid}, since {since} "
            f"({minutes} min ago), command: {printable(command)}"
        )


def _exclusive_link(record: str, target: Path) -> bool:
    """Create `target` holding `record`, atomically, only if it does not exist."""
    own = target.with_name(f"{target.name}.{socket.gethostname()}.{os.getpid()}.{uuid.uuid4().hex}")
    fd = os.open(own, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
    try:
        os.write(fd, record.encode("utf-8"))
        os.fsync(fd)
    finally:
        os.close(fd)
    try:
        os.link(own, target)
        return True
    except FileExistsError:
        return False
    except OSError:
        # NFS: the link may have been made though the reply was lost
        with contextlib.suppress(OSError):
            return os.stat(own).st_nlink == 2
        return False
    finally:
        with contextlib.suppress(OSError):
            os.unlink(own)


def file_age(path: Path) -> float | None:
    """Seconds since `path` was last modified, by the file server's clock (a fresh
    file in the same directory gives it); None when it is gone."""
    try:
        mtime = path.stat().st_mtime
    except OSError:
        return None
    probe = path.with_name(f".hydria-clock.{os.getpid()}.{uuid.uuid4().hex}")
    try:
        probe.touch()
        now = probe.stat().st_mtime
    except OSError:
        now = time.time()
    finally:
        with contextlib.suppress(OSError):
            probe.unlink()
    return now - mtime


def _locked_elsewhere(path: Path) -> bool:
    """Whether another process holds an fcntl lock on `path` (where supported)."""
    try:
        import fcntl
    except ImportError:  # not on this platform
        return False
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return False
    try:
        fcntl.lockf(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except OSError as exc:
        import errno

        return exc.errno in (errno.EACCES, errno.EAGAIN)
    finally:
        os.close(fd)  # closing releases a lock it got
    return False


def holder_alive(holder: Holder, path: Path) -> bool:
    """Whether the process named by `holder` (recorded in `path`) still holds it."""
    if holder.host == socket.gethostname():
        return process_alive(holder.pid, holder.start)
    if _locked_elsewhere(path):
        return True
    age = file_age(path)
    return age is not None and age < STALE_AFTER


class SweepLock:
    """The lock on one sweep directory; `with SweepLock(dir):` holds it for the block.

    Raises (on entry):
        SweepDirInUseError: another live process holds it; the message names it and what to do.
    """

    def __init__(self, sweep_dir: str | Path) -> None:
        self.path = Path(sweep_dir) / LOCK_FILE
        self.holder = Holder.this_process()
        self._fd: int | None = None
        self._stop = threading.Event()
        self._beat: threading.Thread | None = None
        self._held_key: str | None = None

    def __enter__(self) -> SweepLock:
        self.acquire()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()

    def acquire(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        for _ in range(20):
            if _exclusive_link(self.holder.to_json(), self.path):
                self._hold()
                return
            current = Holder.from_file(self.path)
            if current is None:  # being written, or just removed: look again
                if self.path.exists() and (file_age(self.path) or 0.0) > STALE_AFTER:
                    self._break(None)
                time.sleep(0.05)
                continue
            if holder_alive(current, self.path):
                raise SweepDirInUseError(self._refusal(current))
            self._break(current)
        raise SweepDirInUseError(
            f"Could not take the lock {self.path}: other processes kept taking it; "
            "check which sweeps run in that directory"
        )

    def _refusal(self, current: Holder) -> str:
        from hydria.terminal_text import printable

        return (
            f"The sweep directory {printable(str(self.path.parent))} is in use by another "
            f"sweep: {current.describe()}.\n"
            "  Wait for it to end, or give this sweep another directory "
            "(hydra.sweep.dir=...). If that process is gone for good (its host is down), "
            f"delete {printable(str(self.path))} and try again."
        )

    def _break(self, stale: Holder | None) -> None:
        """Remove the lock if it still is the stale one, under the `.break` lock."""
        breaker = self.path.with_name(self.path.name + ".break")
        if not _exclusive_link(self.holder.to_json(), breaker):
            age = file_age(breaker)
            if age is not None and age > STALE_AFTER:
                with contextlib.suppress(OSError):
                    breaker.unlink()
            time.sleep(0.05)
            return
        try:
            current = Holder.from_file(self.path)
            same = (current is None and stale is None) or (
                current is not None and stale is not None and current.token == stale.token
            )
            if same:
                with contextlib.suppress(FileNotFoundError):
                    self.path.unlink()
        finally:
            with contextlib.suppress(OSError):
                breaker.unlink()

    def _hold(self) -> None:
        try:
            import fcntl

            self._fd = os.open(self.path, os.O_RDWR)
            with contextlib.suppress(OSError):  # unsupported: link and heartbeat suffice
                fcntl.lockf(self._fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except (ImportError, OSError):
            self._fd = None
        self._stop.clear()
        self._beat = threading.Thread(target=self._heartbeat, name="hydria-sweep-lock", daemon=True)
        self._beat.start()
        self._held_key = os.path.realpath(self.path.parent)
        with _held_lock:
            _held[self._held_key] = _held.get(self._held_key, 0) + 1

    def _heartbeat(self) -> None:
        while not self._stop.wait(HEARTBEAT):
            with contextlib.suppress(OSError):
                os.utime(self.path)

    def release(self) -> None:
        """Give the lock up (only if it is still ours)."""
        key, self._held_key = self._held_key, None
        if key is not None:
            with _held_lock:
                count = _held.pop(key, 0) - 1
                if count > 0:
                    _held[key] = count
                else:
                    for given in [g for g, real in _held_as.items() if real == key]:
                        del _held_as[given]
        self._stop.set()
        if self._beat is not None:
            self._beat.join(timeout=1)
            self._beat = None
        current = Holder.from_file(self.path)
        if current is not None and current.token == self.holder.token:
            with contextlib.suppress(FileNotFoundError):
                self.path.unlink()
        if self._fd is not None:
            with contextlib.suppress(OSError):
                os.close(self._fd)
            self._fd = None


def read_holder(sweep_dir: str | Path) -> Any:
    """The holder of a sweep directory's lock, or None."""
    return Holder.from_file(Path(sweep_dir) / LOCK_FILE)
