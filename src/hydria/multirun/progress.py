"""What a running sweep shows: a live display on a terminal, a line per job elsewhere.

The live display (done / failed / running, elapsed, ETA) comes from rich, an
optional extra (`pip install hydria[progress]`); without it, or when stderr is not
a terminal (CI logs, files), each finished job is one line instead.

Both write to stderr, never to stdout: stdout belongs to the task (a job's prints,
output a user pipes into another program). The launcher's own lines (`Launching 4
jobs locally`, `#0 : a=1`) are Hydra's log records and stay where `hydra_logging`
sends them, as in Hydra.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Sequence
from typing import Any, Protocol, TextIO

from hydria.multirun.records import COMPLETED, JobRecord
from hydria.overrides.model import is_hydra_override
from hydria.terminal_text import printable

__all__ = ["LineProgress", "LiveProgress", "Progress", "make_progress"]


class Progress(Protocol):
    def started(self, num: int, overrides: Sequence[str]) -> None: ...

    def finished(self, record: JobRecord) -> None: ...

    def close(self) -> None: ...


def _shown(overrides: Sequence[str]) -> str:
    return " ".join(o for o in overrides if not is_hydra_override(o)) or "(no overrides)"


def _line(record: JobRecord) -> str:
    # control characters escaped; the overrides on one line, an error's lines kept
    shown = printable(_shown(record.overrides))
    return f"#{record.num} {shown}: {printable(_outcome(record), multiline=True)}"


def _outcome(record: JobRecord) -> str:
    if record.status == COMPLETED:
        value = record.return_value if record.return_repr is None else record.return_repr
        return f"completed in {record.duration:.2f} s" + (
            "" if value is None else f", returned {value}"
        )
    return f"{record.status.upper()} after {record.duration:.2f} s: {record.error}"


class _Counts:
    def __init__(self, total: int, already_done: int) -> None:
        self.total = total
        self.done = already_done
        self.failed = 0
        self.running = 0
        self.start = time.monotonic()
        self.first_done = already_done

    def count(self, record: JobRecord) -> None:
        self.running = max(self.running - 1, 0)
        self.done += 1
        if record.status != COMPLETED:
            self.failed += 1

    def eta(self) -> float | None:
        finished_here = self.done - self.first_done
        if finished_here == 0:
            return None
        elapsed = time.monotonic() - self.start
        return elapsed / finished_here * (self.total - self.done)


def _timestamp() -> str:
    """Now, as the `[%(asctime)s]` of the launcher's log lines shows it."""
    now = time.time()
    return (
        time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(now)) + f",{int(now * 1000) % 1000:03d}"
    )


class LineProgress:
    """One line per finished job on stderr, timestamped like the launcher's log lines:
    `[2026-11-28 10:00:01,250][HYDRA] [3/16, 1 failed] #2 db=mysql: completed in 1.20 s`.

    Args:
        stream: where the lines go; None for `sys.stderr` as it is at each line (so a
            redirection made after the sweep started is followed).
    """

    def __init__(self, total: int, already_done: int = 0, *, stream: TextIO | None = None) -> None:
        self.counts = _Counts(total, already_done)
        self.stream = stream

    def started(self, num: int, overrides: Sequence[str]) -> None:
        self.counts.running += 1

    def finished(self, record: JobRecord) -> None:
        self.counts.count(record)
        failed = f", {self.counts.failed} failed" if self.counts.failed else ""
        stream = self.stream or sys.stderr
        stream.write(
            f"[{_timestamp()}][HYDRA] [{self.counts.done}/{self.counts.total}{failed}] "
            f"{_line(record)}\n"
        )
        stream.flush()

    def close(self) -> None:
        pass


class LiveProgress:
    """A live display: a bar, done / failed / running counts, elapsed time and ETA."""

    def __init__(self, total: int, already_done: int = 0, *, stream: TextIO | None = None) -> None:
        from rich.console import Console
        from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

        self.counts = _Counts(total, already_done)
        self.console = Console(file=stream or sys.stderr)
        self.display = Progress(
            TextColumn("sweep"),
            BarColumn(),
            TextColumn("{task.completed}/{task.total} done"),
            TextColumn("{task.fields[failed]} failed, {task.fields[running]} running"),
            TimeElapsedColumn(),
            TextColumn("ETA {task.fields[eta]}"),
            console=self.console,
            transient=False,
        )
        self.task = self.display.add_task(
            "sweep", total=total, completed=already_done, failed=0, running=0, eta="?"
        )
        self.display.start()

    def _refresh(self) -> None:
        eta = self.counts.eta()
        self.display.update(
            self.task,
            completed=self.counts.done,
            failed=self.counts.failed,
            running=self.counts.running,
            eta="?" if eta is None else f"{eta:.0f}s",
        )

    def started(self, num: int, overrides: Sequence[str]) -> None:
        self.counts.running += 1
        self._refresh()

    def finished(self, record: JobRecord) -> None:
        self.counts.count(record)
        if record.status != COMPLETED:
            self.console.print(_line(record), markup=False)  # `[red]` in an override stays text
        self._refresh()

    def close(self) -> None:
        self._refresh()
        self.display.stop()


def make_progress(total: int, already_done: int = 0, *, live: bool | None = None) -> Any:
    """A live display when stderr is a terminal and rich is installed; else log lines.

    Args:
        live: force one or the other (None: decide as above).
    """
    if live is None:
        live = sys.stderr.isatty()
    if live:
        try:
            return LiveProgress(total, already_done)
        except ImportError:
            pass
    return LineProgress(total, already_done)
