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


def test_a_job_run_by_the_lock_holder_is_not_marked_but_one_in_a_forked_child_is(
    tmp_path: Path,
) -> None:
    """The sweep's lock already stands for the jobs its holder runs itself; a worker
    forked from it holds no lock and marks its job as before."""
    from hydria.multirun.ownership import SweepLock, held_here

    folder = tmp_path / job_journal.JOBS_DIR
    folder.mkdir()
    (folder / "0.queued").write_text("{}")  # left by an earlier run's engine
    with SweepLock(tmp_path):
        assert held_here(tmp_path) and held_here(str(tmp_path) + "/.")
        finish = JobJournal(str(tmp_path), 0, ("x=0",), "run").begin()
        assert not (folder / "0.running").exists()
        assert not (folder / "0.queued").exists()
        finish()
        read, write = os.pipe()
        pid = os.fork()
        if pid == 0:  # the child: not the holder
            os.close(read)
            marked = False
            try:
                done = JobJournal(str(tmp_path), 1, ("x=1",), "run").begin()
                marked = (folder / "1.running").exists() and not held_here(tmp_path)
                done()
            finally:
                os.write(write, b"1" if marked else b"0")
                os._exit(0)
        os.close(write)
        assert os.read(read, 1) == b"1"
        os.close(read)
        os.waitpid(pid, 0)
    assert not held_here(tmp_path)
    finish = JobJournal(str(tmp_path), 2, ("x=2",), "run").begin()  # lock released
    assert (folder / "2.running").exists()
    finish()


def test_held_here_knows_a_held_dir_by_any_name_until_it_is_released(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each job asks; the answer for an absolute name is remembered while the lock is
    held, never for a relative one (a job may change the working directory)."""
    from hydria.multirun.ownership import SweepLock, held_here

    sweep = tmp_path / "sweep"
    sweep.mkdir()
    link = tmp_path / "link"
    link.symlink_to(sweep)
    (tmp_path / "other" / "sweep").mkdir(parents=True)
    monkeypatch.chdir(tmp_path)
    with SweepLock(sweep):
        assert held_here(str(link)) and held_here(str(link))  # the second from memory
        assert held_here("sweep")
        monkeypatch.chdir(tmp_path / "other")  # the same relative name, another dir now
        assert not held_here("sweep")
    assert not held_here(str(link)) and not held_here(str(sweep))
