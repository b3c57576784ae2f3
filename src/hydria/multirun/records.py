"""`<sweep dir>/results.jsonl`: one line per finished job, written as each job finishes.

The file is append-only: a resumed sweep adds lines for the jobs it reruns, and the
last line of a job number is its current state. A line is written whole and flushed
at once, so a sweep that dies leaves every finished job recorded and no half line
(a torn last line from a crash is skipped when reading).
"""

from __future__ import annotations

import contextlib
import importlib
import json
import math
import os
import stat
import warnings
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, field, fields
from pathlib import Path
from typing import Any

from hydria.errors import SweepRecordsError
from hydria.multirun.record_fields import parse_record_line
from hydria.record_class import record

__all__ = [
    "COMPLETED",
    "FAILED",
    "INTERRUPTED",
    "PRUNED",
    "RESULTS_FILE",
    "SUBMITTED",
    "JobRecord",
    "ResultsFile",
    "jsonable",
    "load_sweep",
]

RESULTS_FILE = "results.jsonl"
COMPLETED, FAILED, INTERRUPTED = "completed", "failed", "interrupted"
# handed to a cluster that runs it after the sweep process returned; its end is a later line
SUBMITTED = "submitted"
# an optimiser's trial its pruner stopped early (`hydria.TrialPruned`): ended, not failed
PRUNED = "pruned"


@record(kw_only=True)
class JobRecord:
    """How one job of a sweep ended.

    Attributes:
        num: `hydra.job.num`.
        overrides: the job's own overrides (its part of the sweep).
        status: `completed`, `failed`, `interrupted`, `pruned` (an optimiser's trial
            stopped early by its pruner), or `submitted` (sent to an engine that runs
            it later; `extra` says where).
        return_value: what the task returned, when JSON can hold it (numbers, strings,
            booleans, None, and lists and dicts of them); else None.
        return_repr: `repr()` of a return value JSON cannot hold, else None.
        duration: seconds from the job's start to its end.
        output_dir: the job's output directory.
        error: `ExceptionType: message` of a failure, else None.
        traceback: the failure's traceback (the task's frames), else None.
        started: when the job started (Unix time).
        extra: what else is known: the GPUs it had, the engine and job id it ran under.
    """

    num: int
    overrides: tuple[str, ...]
    status: str
    return_value: Any = None
    return_repr: str | None = None
    duration: float = 0.0
    output_dir: str | None = None
    error: str | None = None
    traceback: str | None = None
    started: float = 0.0
    extra: Mapping[str, Any] = field(default_factory=dict)

    def to_json(self) -> str:
        # the fields read as they are (`asdict` would deep-copy each value, once per job)
        data = {name: getattr(self, name) for name in _FIELD_ORDER}
        data["overrides"] = list(self.overrides)
        if self.extra:
            data["extra"] = dict(self.extra)
        else:
            del data["extra"]
        return json.dumps(data, ensure_ascii=False, allow_nan=False)

    @classmethod
    def from_json(cls, line: str) -> JobRecord:
        """One line of `results.jsonl` as a record, each field's type checked
        (`hydria.multirun.record_fields`); keys a record does not have are ignored.

        Raises:
            SweepRecordsError: the line is not a job record; the message says why.
        """
        data = parse_record_line(line, _FIELD_NAMES)
        try:
            return cls(**data)
        except TypeError as exc:  # a field this hydria requires that the checks do not know
            raise SweepRecordsError(str(exc)) from None


_FIELD_ORDER = tuple(f.name for f in fields(JobRecord))
_FIELD_NAMES = frozenset(_FIELD_ORDER)


def _is_plain(value: Any) -> bool:
    if value is None or isinstance(value, (bool, int, str)):
        return True
    if isinstance(value, float):
        return math.isfinite(value)
    if isinstance(value, (list, tuple)):
        return all(_is_plain(v) for v in value)
    if isinstance(value, Mapping):
        return all(isinstance(k, str) and _is_plain(v) for k, v in value.items())
    return False


def jsonable(value: Any) -> tuple[Any, str | None]:
    """(value, None) when JSON holds `value` as it is; else (None, repr(value)).

    OmegaConf containers are turned into plain ones first; numpy-like scalars
    (anything with `.item()`) into Python numbers.
    """
    from omegaconf import OmegaConf

    if OmegaConf.is_config(value):
        value = OmegaConf.to_container(value, resolve=True)
    item = getattr(value, "item", None)
    if callable(item) and getattr(value, "shape", None) == ():
        value = item()
    if _is_plain(value):
        return (list(value) if isinstance(value, tuple) else value), None
    return None, repr(value)


def _lock(fd: int) -> None:
    """An exclusive `fcntl.lockf` lock on `fd` (released when it is closed), where the
    platform and file system have one; else nothing."""
    try:
        import fcntl
    except ImportError:  # not on this platform
        return
    with contextlib.suppress(OSError):  # no locks there: a single O_APPEND write still
        fcntl.lockf(fd, fcntl.LOCK_EX)


class ResultsFile:
    """Appends records to `<sweep dir>/results.jsonl` and reads them back."""

    def __init__(self, sweep_dir: str | Path) -> None:
        self.path = Path(sweep_dir) / RESULTS_FILE

    def append(self, record: JobRecord) -> None:
        """Add one line in a single `write` (Ctrl-C cannot land halfway through it). After
        a crash left a torn last line, the new line starts on its own.

        The line is not `fsync`ed: once written it survives the death of any process
        (the kernel holds it), and on NFS closing the file sends it to the server. Only
        a crash of the machine itself could lose it, and that loses the job's outputs
        with it (nothing syncs those): a record that outlived them would make `--resume`
        skip a job whose results are gone.

        Jobs append their own records from other processes and hosts: the write is
        made under an `fcntl.lockf` lock of the file where the file system has one
        (on NFS, taking it also refreshes the client's view of the file's end, which
        `O_APPEND` alone does not across hosts)."""
        data = (record.to_json() + "\n").encode("utf-8")
        fd = os.open(self.path, os.O_RDWR | os.O_APPEND | os.O_CREAT, 0o644)
        try:
            _lock(fd)
            size = os.fstat(fd).st_size
            if size and os.pread(fd, 1, size - 1) != b"\n":
                data = b"\n" + data
            os.write(fd, data)
        finally:
            os.close(fd)

    def latest(self) -> dict[int, JobRecord]:
        """The current record of each job number (the last line written for it)."""
        records: dict[int, JobRecord] = {}
        for entry in self.read():
            records[entry.num] = entry
        return records

    def read(self) -> list[JobRecord]:
        """Every record, in the order written. A torn line (a crash mid-write) is
        skipped; so is any other line that is not a job record, with a `UserWarning`
        naming the file, the line and what is wrong with it.

        Raises:
            SweepRecordsError: the file is there but cannot be read (a directory or a
                FIFO in its place, no permission).
        """
        records, skipped = self.scan()
        for problem in skipped:
            warnings.warn(problem, UserWarning, stacklevel=2)
        return records

    def scan(self) -> tuple[list[JobRecord], list[str]]:
        """Every record in the order written, and a message for each line skipped
        because it is not a job record (a torn line is skipped without one).

        Raises:
            SweepRecordsError: the file is there but cannot be read.
        """
        lines = self._lines()
        out, skipped = [], []
        for index, raw in enumerate(lines):
            if not raw.strip():
                continue
            try:
                out.append(JobRecord.from_json(raw.decode("utf-8")))
            except (SweepRecordsError, UnicodeDecodeError) as exc:
                if _is_torn(raw, last=index == len(lines) - 1):
                    continue  # a crash mid-write; that job was not recorded as finished
                why = "not UTF-8 text" if isinstance(exc, UnicodeDecodeError) else str(exc)
                skipped.append(
                    f"{self.path}, line {index + 1}, is not a job record ({why}); skipped"
                )
        return out, skipped

    def _lines(self) -> list[bytes]:
        try:
            # not opened before it is known to be a file: a FIFO would block the read
            mode = os.stat(self.path).st_mode
            if not stat.S_ISREG(mode):
                kind = "a directory" if stat.S_ISDIR(mode) else "not a regular file"
                raise SweepRecordsError(
                    f"Cannot read {self.path}: it is {kind}, not a sweep's records"
                )
            return self.path.read_bytes().splitlines()
        except FileNotFoundError:
            if not self.path.is_symlink():
                return []  # no job has ended yet
            raise SweepRecordsError(
                f"Cannot read {self.path}: it is a link to a file that does not exist"
            ) from None
        except OSError as exc:
            reason = exc.strerror or type(exc).__name__
            raise SweepRecordsError(f"Cannot read {self.path}: {reason}") from exc


def _is_torn(line: bytes, *, last: bool) -> bool:
    """Whether a line that is not a record is the start of one cut by a crash: after a
    torn line, the next record starts on a line of its own (see `append`)."""
    text = line.strip()
    if not text.startswith(b"{") or (text.endswith(b"}") and not last):
        return False
    try:
        json.loads(text)
    except (ValueError, RecursionError):
        return True
    return False


def _as_rows(records: Iterable[JobRecord]) -> list[dict[str, Any]]:
    rows = []
    for r in records:
        row = asdict(r)
        row["overrides"] = " ".join(r.overrides)
        row.pop("extra", None)
        rows.append(row)
    return rows


def load_sweep(path: str | Path, *, dataframe: bool = False) -> Any:
    """The records of a sweep: its current record per job, in job order.

    Args:
        path: the sweep directory (or its `results.jsonl`).
        dataframe: return a pandas DataFrame (one row per job) instead of the list.

    Lines that are not job records are skipped, each with a `UserWarning` naming
    the file and the line (see `ResultsFile.read`).

    Raises:
        FileNotFoundError: no `results.jsonl` there.
        SweepRecordsError: `results.jsonl` is there but cannot be read.
        ImportError: `dataframe=True` without pandas installed.
    """
    folder = Path(path)
    if folder.name == RESULTS_FILE:
        folder = folder.parent
    results = ResultsFile(folder)
    if not os.path.lexists(results.path):
        raise FileNotFoundError(f"No {RESULTS_FILE} in {folder}: is it a sweep directory?")
    records: Sequence[JobRecord] = [r for _, r in sorted(results.latest().items())]
    if not dataframe:
        return list(records)
    try:
        pandas = importlib.import_module("pandas")
    except ImportError as exc:
        raise ImportError("load_sweep(dataframe=True) needs pandas: pip install pandas") from exc
    return pandas.DataFrame(_as_rows(records))
