"""A running job's marker is kept fresh by the process's one heartbeat thread, and
removed when the job ends; the thread ends once no job of the process runs."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from hydria.multirun import job_journal
from hydria.multirun.job_journal import JobJournal, running_jobs


def _wait_for(condition: object, seconds: float = 20.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if callable(condition) and condition():
            return True
        time.sleep(0.01)
    return False


def test_markers_are_refreshed_while_their_jobs_run_and_removed_after(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    beat = job_journal._Heartbeat()
    monkeypatch.setattr(job_journal, "_HEARTBEAT", beat)
    monkeypatch.setattr(job_journal, "HEARTBEAT", 0.02)
    finishes = [JobJournal(str(tmp_path), num, (f"x={num}",), "run").begin() for num in (0, 1)]
    markers = [tmp_path / job_journal.JOBS_DIR / f"{num}.running" for num in (0, 1)]
    running = running_jobs(tmp_path)
    assert sorted(running) == [0, 1]
    assert running[0].pid == os.getpid() and running[0].alive()
    for marker in markers:
        os.utime(marker, (1.0, 1.0))  # as if written long ago
    assert _wait_for(lambda: all(m.stat().st_mtime > 1.0 for m in markers))
    finishes[0]()
    assert not markers[0].exists() and markers[1].exists()
    os.utime(markers[1], (1.0, 1.0))
    assert _wait_for(lambda: markers[1].stat().st_mtime > 1.0)  # the other still beats
    finishes[1]()
    assert running_jobs(tmp_path) == {}
    assert _wait_for(lambda: beat._thread is None)  # no job left: the thread ended
