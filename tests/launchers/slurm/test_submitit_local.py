"""`hydra/launcher=submitit_local`: submitit's local processes, no SLURM needed."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from tests.waiting import wait_for

from hydria.multirun.records import load_sweep
from hydria.testing.launchers import LauncherSuite, run_sweep_app

LOCAL = ["hydra/launcher=submitit_local", "hydra.sweep.dir=sweep"]


def _alive(pid: int) -> bool:
    try:
        return b"submitit" in Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return False


class TestSubmititLocalLauncher(LauncherSuite):
    @pytest.fixture
    def launcher_overrides(self) -> list[str]:
        return ["hydra/launcher=submitit_local"]


def test_a_killed_job_is_failed_with_its_stderr_and_the_others_complete(app_dir: Path) -> None:
    done = run_sweep_app(app_dir, ["-m", *LOCAL, "x=1,2,3"], env={"KILL_ON": "2"})
    assert done.returncode == 1, done.stderr
    records = {r.num: r for r in load_sweep(app_dir / "sweep")}
    assert [records[n].status for n in (0, 1, 2)] == ["completed", "failed", "completed"]
    killed = records[1]
    assert killed.error is not None
    assert re.fullmatch(
        r"WorkerDied: submitit's local job \d+ ended FAILED without a result: its process was "
        r"killed or exited before the task returned",
        killed.error,
    )
    assert killed.traceback is not None and "x=2 is about to be killed" in killed.traceback
    assert "1 of 3 jobs failed" in done.stderr


def test_no_wait_returns_while_jobs_run_and_the_jobs_record_themselves(
    app_dir: Path, sweep_results: Callable[[Path], list[dict[str, Any]]]
) -> None:
    started = time.monotonic()
    done = run_sweep_app(app_dir, ["-m", *LOCAL, "x=1,2", "--no-wait"], env={"HOLD_ON": "1,2"})
    assert done.returncode == 0, done.stderr
    assert time.monotonic() - started < 30  # the held jobs did not keep it waiting
    assert "Submitted 2 jobs to submitit-local (job ids " in done.stdout
    assert "Sweep dir: sweep" in done.stdout
    sweep = app_dir / "sweep"
    assert [r["status"] for r in sweep_results(sweep)] == ["submitted: RUNNING"] * 2
    submitted = [r["extra"] for r in sweep_results(sweep)]
    assert {e["engine"] for e in submitted} == {"submitit-local"}
    (app_dir / "go").touch()
    wait_for(lambda: all(r["status"] == "completed" for r in sweep_results(sweep)), "records")
    values = [r["return_value"] for r in sweep_results(sweep)]
    assert [v["x"] for v in values] == [1, 2]
    assert [v["job_id"] for v in values] == [e["job_id"] for e in submitted]


def test_a_task_that_cannot_be_pickled_fails_before_any_job_starts(locked_app_dir: Path) -> None:
    done = run_sweep_app(locked_app_dir, ["-m", *LOCAL, "x=1,2"])
    assert done.returncode == 1
    assert (
        "the task function cannot be sent to submitit's local jobs: TypeError: cannot pickle "
        "'_thread.lock' object" in done.stderr
    )
    assert not (locked_app_dir / "sweep" / ".submitit").exists()


def test_ctrl_c_stops_the_jobs_it_started(app_dir: Path) -> None:
    env = {**os.environ, "SUITE_DIR": str(app_dir), "HOLD_ON": "1,2"}
    sweep = subprocess.Popen(
        [sys.executable, "app.py", "-m", *LOCAL, "x=1,2"],
        cwd=app_dir,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        wait_for(lambda: all((app_dir / f"attempts-{x}").exists() for x in (1, 2)), "jobs")
        pids = [int((app_dir / f"attempts-{x}").read_text()) for x in (1, 2)]
        assert all(_alive(pid) for pid in pids)
        sweep.send_signal(signal.SIGINT)
        _, err = sweep.communicate(timeout=60)
    finally:
        if sweep.poll() is None:
            sweep.kill()
    assert sweep.returncode == 130, err
    wait_for(lambda: not any(_alive(pid) for pid in pids), "the jobs to stop", timeout=20)
