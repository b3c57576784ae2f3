"""Distributed training ranks: every process of one launch shares the first process's run.

torchrun, Lightning's DDP launcher and SLURM `srun` start the script once per rank.
Left alone, each rank would resolve `hydra.run.dir` itself and get its own timestamped
output dir (Lightning#2727, hydra#2070). Instead:

**Which rank a process is**: `rank_detection`.

**Children re-executed by a job** (Lightning re-runs `sys.argv` with `LOCAL_RANK` set).
While any job runs, its process exports `HYDRIA_SHARED_RUN` (a small JSON record: output
dir, the directory keys' values, task overrides, pid), set and restored with the job's
other environment variables. A process that is a rank above 0 adopts that record when
the process that wrote it is its parent and its own task overrides are the same (so a
child re-running a sweep shares only its own job's dir).

**Siblings started together** (torchrun, srun) inherit nothing from rank 0, so they meet
in a rendezvous directory: `HYDRIA_RENDEZVOUS_DIR` if set (a directory every node sees;
then global rank 0 leads the whole launch), else `<tmp>/hydria-ranks-<uid>` (one per
user and machine; then each machine's local rank 0 leads that machine's ranks, and a
multi-node launch gets one run dir per node). The launch is named by
`TORCHELASTIC_RUN_ID`, `TORCHELASTIC_RESTART_COUNT`, `MASTER_ADDR` and `MASTER_PORT`
(or, for `SLURM_PROCID` ranks, `SLURM_JOB_ID` and `SLURM_STEP_ID`), plus the job (a run,
or a sweep job's number). The leader writes its record there atomically once its dir
exists, and removes it when its job ends; the others wait for it up to
`HYDRIA_RANK_TIMEOUT` seconds (default 60). A record is only taken if its writer started
within a minute of the reader and, on the same machine, is still running, so a file left
by a killed launch is never picked up by a later one. On timeout a rank warns, naming
what it waited for, and uses its own output dir, as Hydra would.

**What a rank above 0 then does.** It sets its directory keys (`hydra.run.dir`, or
`hydra.sweep.dir` and `hydra.sweep.subdir`) to the leader's values, so
`hydra.runtime.output_dir` is the shared dir and the working directory changes as the
leader's did; it writes no `.hydra` files; its job log file is `<name>_rank<N>.log`
(each `filename` of `hydra.job_logging` gets `_rank<N>` before its extension). The
`hydra.job` fields are left as Hydra gives them.

The module runs to ~430 lines on purpose: it is one concept, a launch's ranks sharing one
run, and its three routes (children, siblings, what a follower then does) share the
record, its checks and the waiting; split, each part would need the others' internals.
"""

from __future__ import annotations

import math
import os
import time
import warnings
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from dataclasses import fields

from omegaconf import DictConfig, OmegaConf, open_dict, read_write

from hydria.config_storage import stored_value
from hydria.record_class import record
from hydria.runtime.rank_detection import LAUNCH_KEYS, Rank, detect_rank

__all__ = [
    "ENV_RENDEZVOUS_DIR",
    "ENV_SHARED_RUN",
    "ENV_TIMEOUT",
    "Rank",
    "RunShare",
    "SharedRun",
    "detect_rank",
    "join_run",
]

ENV_SHARED_RUN = "HYDRIA_SHARED_RUN"
ENV_RENDEZVOUS_DIR = "HYDRIA_RENDEZVOUS_DIR"
ENV_TIMEOUT = "HYDRIA_RANK_TIMEOUT"

_DEFAULT_TIMEOUT = 60.0
#: Ranks of one launch are started within this many seconds of each other.
_SAME_LAUNCH = 60.0
_POLL = 0.05
#: Before any job runs: the fallback for a process's start time where /proc is absent.
_IMPORTED = time.time()
_STARTED: list[float] = []  # this process's start time, once known (it never changes)


@record
class SharedRun:
    """What a leader hands the other ranks: where its job's output went, and who it is."""

    output_dir: str
    dir: str
    subdir: str | None
    task_overrides: tuple[str, ...]
    job: str
    launch: str
    pid: int
    host: str
    started: float

    def to_json(self) -> str:
        """`json.dumps(asdict(self))`, byte for byte, written without the `json` package:
        every job sets this in its environment, and importing `json` would add ~1.5 ms
        to a run's start-up (`from_json`, in a rank of a distributed launch, imports it)."""
        return (
            "{"
            + ", ".join(f"{_json_text(k)}: {_json_text(getattr(self, k))}" for k in _SHARED_FIELDS)
            + "}"
        )

    @staticmethod
    def from_json(text: str) -> SharedRun | None:
        import json

        try:
            data = json.loads(text)
            data["task_overrides"] = tuple(data["task_overrides"])
            return SharedRun(**data)
        except (ValueError, TypeError, KeyError):
            return None


#: `SharedRun`'s fields in order (`asdict` would deep-copy each value, once per job)
_SHARED_FIELDS = tuple(f.name for f in fields(SharedRun))


def _host() -> str:
    uname = getattr(os, "uname", None)
    return uname().nodename if uname is not None else os.environ.get("COMPUTERNAME", "")


def _process_started(pid: int) -> float | None:
    """When `pid` started (Unix time), from /proc on Linux; None if unknown or not running."""
    try:
        # read as bytes: a command name (in parentheses) may be any bytes
        with open(f"/proc/{pid}/stat", "rb") as file:
            fields = file.read().rpartition(b")")[2].split()
        if fields[0] in (b"Z", b"X"):  # a zombie has finished: its job is over
            return None
        with open("/proc/stat", "rb") as file:
            boot = next(int(line.split()[1]) for line in file if line.startswith(b"btime "))
        return boot + int(fields[19]) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError, StopIteration):
        return None


def _my_start() -> float:
    if not _STARTED:
        started = _process_started(os.getpid())
        _STARTED.append(_IMPORTED if started is None else started)
    return _STARTED[0]


def _is_running(record: SharedRun) -> bool:
    if record.host != _host():
        return True  # another machine: nothing to check
    if os.path.isdir("/proc"):
        started = _process_started(record.pid)
        return started is not None and abs(started - record.started) < 1.0
    if os.name != "posix":
        return True  # os.kill(pid, 0) would not be a probe there
    try:
        os.kill(record.pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # another user's process: it exists
    return True


def _rendezvous_dir(environ: Mapping[str, str]) -> tuple[str | None, str]:
    """The directory ranks meet in, or None and why not."""
    import tempfile  # here: it costs ~30 ms of start-up, and only ranks need it

    shared = environ.get(ENV_RENDEZVOUS_DIR)
    getuid = getattr(os, "getuid", None)
    uid = getuid() if getuid is not None else os.environ.get("USERNAME", "user")
    path = shared or os.path.join(tempfile.gettempdir(), f"hydria-ranks-{uid}")
    try:
        os.makedirs(path, mode=0o700, exist_ok=True)
        # one made by someone else in the shared /tmp could feed us their records
        if not shared and getuid is not None and os.stat(path).st_uid != uid:
            return None, f"the rendezvous directory {path} belongs to another user"
    except OSError as error:
        return None, f"the rendezvous directory {path} cannot be created ({error})"
    return path, ""


def _timeout(environ: Mapping[str, str]) -> float:
    try:
        return max(0.0, float(environ[ENV_TIMEOUT]))
    except (KeyError, ValueError):
        return _DEFAULT_TIMEOUT


@record
class RunShare:
    """How one job takes part in its launch; from `join_run`.

    Attributes:
        rank: this process's rank, or None for a plain run.
        adopted: the leader's run this job shares, or None when it has its own.
        rendezvous: the file a leader publishes its run in for its siblings, or None.
        launch: the launch's name in the rendezvous (empty without one).
        job: which job of the launch (`run`, or `job<num>` in a sweep).
    """

    rank: Rank | None
    adopted: SharedRun | None
    rendezvous: str | None
    launch: str
    job: str

    @property
    def log_file_suffix(self) -> str:
        """`_rank<N>` for a rank above 0, inserted in its job log file names."""
        return f"_rank{self.rank.rank}" if self.rank is not None and self.rank.rank > 0 else ""

    @property
    def writes_run_files(self) -> bool:
        """Whether this job saves the `.hydra` files (not when it shares a leader's dir)."""
        return self.adopted is None

    @contextmanager
    def publish(
        self,
        output_dir: str,
        directory: str,
        subdir: str | None,
        task_overrides: Sequence[str],
    ) -> Iterator[dict[str, str]]:
        """While the job runs: its record in the rendezvous (a leader's), and the environment
        variable its children inherit (yielded, for the job's environment).

        Args:
            output_dir: the job's absolute output directory.
            directory, subdir: what its directory keys resolved to (`prepare_output_dir`).
            task_overrides: the job's task overrides.
        """
        record = SharedRun(
            output_dir=output_dir,
            dir=directory,
            subdir=subdir,
            task_overrides=tuple(task_overrides),
            job=self.job,
            launch=self.launch,
            pid=os.getpid(),
            host=_host(),
            started=_my_start(),
        )
        written = self.rendezvous is not None and _write_record(self.rendezvous, record)
        try:
            yield {ENV_SHARED_RUN: record.to_json()}
        finally:
            if written and self.rendezvous is not None:
                _remove_record(self.rendezvous, record)


def _json_text(value: object) -> str:
    """A `SharedRun` field as `json.dumps` writes it: strings through the C escaper `json`
    itself uses, numbers as `float.__repr__`/`int.__repr__`, tuples as arrays."""
    from _json import encode_basestring_ascii

    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return str(encode_basestring_ascii(value))
    if isinstance(value, (int, float)) and math.isfinite(value):
        return repr(value)
    if isinstance(value, (tuple, list)):
        return "[" + ", ".join(_json_text(item) for item in value) + "]"
    raise TypeError(f"a shared run's field cannot be {type(value).__name__}: {value!r}")


def _write_record(path: str, record: SharedRun) -> bool:
    import tempfile

    directory = os.path.dirname(path)
    try:
        handle, temporary = tempfile.mkstemp(dir=directory, prefix=".", suffix=".tmp")
        with os.fdopen(handle, "w", encoding="utf-8") as file:
            file.write(record.to_json())
        os.replace(temporary, path)  # atomic: a reader sees all of it or nothing
    except OSError as error:
        warnings.warn(
            f"hydria: rank 0 could not publish its output directory for the other ranks "
            f"in {path} ({error}); they will each use their own. Set {ENV_RENDEZVOUS_DIR} "
            "to a writable directory.",
            UserWarning,
            stacklevel=4,
        )
        return False
    return True


def _read_record(path: str) -> SharedRun | None:
    try:
        with open(path, encoding="utf-8") as file:
            return SharedRun.from_json(file.read())
    except OSError:
        return None


def _remove_record(path: str, record: SharedRun) -> None:
    # only our own: a later launch may have replaced it
    if _read_record(path) == record:
        with suppress(OSError):
            os.remove(path)


def _job_name(config: DictConfig, subdir_key: str | None) -> str:
    if subdir_key is None:
        return "run"
    num = stored_value(config, "hydra.job.num")  # read from storage: once per sweep job
    return f"job{num if type(num) is int else OmegaConf.select(config, 'hydra.job.num')}"


def _inherited(
    environ: Mapping[str, str], task_overrides: Sequence[str]
) -> tuple[SharedRun | None, str | None]:
    """The parent job's record, if this process is its re-executed child; else why not."""
    text = environ.get(ENV_SHARED_RUN)
    if not text:
        return None, None
    record = SharedRun.from_json(text)
    if record is None or record.pid != os.getppid() or record.host != _host():
        return None, None  # set by an ancestor further up: not ours to share
    if record.task_overrides != tuple(task_overrides):
        return None, (
            f"its parent (pid {record.pid}) runs another job "
            f"(overrides {list(record.task_overrides)}, this one {list(task_overrides)})"
        )
    return record, None


def _wait_for(path: str, launch: str, job: str, timeout: float) -> SharedRun | None:
    mine = _my_start()
    deadline = time.monotonic() + timeout
    while True:
        record = _read_record(path)
        if (
            record is not None
            and record.launch == launch
            and record.job == job
            and abs(record.started - mine) <= _SAME_LAUNCH
            and _is_running(record)
        ):
            return record
        if time.monotonic() >= deadline:
            return None
        time.sleep(_POLL)


def _adopt(config: DictConfig, record: SharedRun, dir_key: str, subdir_key: str | None) -> None:
    """Point this job's directory keys at the leader's, so prepare_output_dir lands there."""
    # The leader's values as it wrote them (often relative to the launch dir), if they
    # name the same directory from here; else the absolute dir.
    parts = [record.dir] if record.subdir is None else [record.dir, record.subdir]
    same = os.path.abspath(os.path.join(*parts)) == record.output_dir
    values = {dir_key: record.dir if same else record.output_dir}
    if subdir_key is not None:
        # a leader that was a run has no subdir: "." keeps the whole dir in the first key
        values[subdir_key] = record.subdir if same and record.subdir is not None else "."
    hydra = config.hydra
    with read_write(hydra), open_dict(hydra):
        for key, value in values.items():
            OmegaConf.update(config, key, value, merge=False)


def _warn(rank: Rank, what: str) -> None:
    warnings.warn(
        f"hydria: rank {rank.rank} (from {rank.source}) is not sharing rank 0's run: {what}. "
        "It uses its own output directory.",
        UserWarning,
        stacklevel=3,
    )


def join_run(
    config: DictConfig,
    dir_key: str,
    subdir_key: str | None,
    task_overrides: Sequence[str],
    environ: Mapping[str, str] | None = None,
) -> RunShare:
    """Find out whether this job shares a leader's run, and if so point its dir keys there.

    Called before the output dir is prepared; a rank above 0 may wait here for its
    leader (see the module docstring). Never raises for a missing leader: it warns and
    leaves the job its own output dir.

    Args:
        config: the job's full config, with its `hydra` node; a follower's directory keys
            are updated in place.
        dir_key: `hydra.run.dir`, or `hydra.sweep.dir` for a sweep job.
        subdir_key: `hydra.sweep.subdir` for a sweep job, else None.
        task_overrides: the job's task overrides (a re-executed child must run the same job).
        environ: the environment to read (default `os.environ`).

    Returns:
        The job's `RunShare`: its log file suffix, whether it writes `.hydra`, and the
        `publish` context for the leader's record and its children's variable.
    """
    env = os.environ if environ is None else environ
    rank = detect_rank(env)
    job = _job_name(config, subdir_key)
    if rank is None:
        return RunShare(rank=None, adopted=None, rendezvous=None, launch="", job=job)
    shared_dir = bool(env.get(ENV_RENDEZVOUS_DIR))
    launch = " ".join(f"{name}={value}" for name, value in rank.launch)
    if launch and not shared_dir:
        launch += f" host={_host()}"
    leads = rank.rank == 0 or (not shared_dir and rank.local_rank == 0)
    inherited, why_not = (None, None) if leads else _inherited(env, task_overrides)
    if inherited is not None:
        _adopt(config, inherited, dir_key, subdir_key)
        return RunShare(rank=rank, adopted=inherited, rendezvous=None, launch=launch, job=job)
    directory, why_no_dir = _rendezvous_dir(env) if launch else (None, "")
    path = None
    if directory is not None:
        import hashlib

        digest = hashlib.sha256(f"{launch}\n{job}".encode()).hexdigest()[:32]
        path = os.path.join(directory, f"{digest}.json")
    if leads:
        return RunShare(rank=rank, adopted=None, rendezvous=path, launch=launch, job=job)
    if why_not is not None:
        _warn(rank, why_not)
    elif not launch:
        names = ", ".join(LAUNCH_KEYS)
        _warn(rank, f"none of {names} names its launch, and no parent set {ENV_SHARED_RUN}")
    elif path is None:
        _warn(rank, f"{why_no_dir}; set {ENV_RENDEZVOUS_DIR} to a directory of yours")
    else:
        timeout = _timeout(env)
        record = _wait_for(path, launch, job, timeout)
        if record is not None:
            _adopt(config, record, dir_key, subdir_key)
            return RunShare(rank=rank, adopted=record, rendezvous=None, launch=launch, job=job)
        _warn(
            rank,
            f"no output directory from the leader of launch [{launch}] ({job}) appeared in "
            f"{path} within {timeout:g} s ({ENV_TIMEOUT}). Rank 0 may have failed before its "
            f"job started or run on another machine (set {ENV_RENDEZVOUS_DIR} to a directory "
            "every node shares)",
        )
    return RunShare(rank=rank, adopted=None, rendezvous=None, launch=launch, job=job)
