"""`hydra/launcher=submitit_slurm` on a real SLURM cluster (started by conftest.py)."""

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

# one xdist worker runs every test of the group, so its engine starts once
pytestmark = pytest.mark.xdist_group("slurm")

SLURM = ["hydra/launcher=submitit_slurm", "hydra.sweep.dir=sweep"]


def _attempts(root: Path, x: int) -> int:
    path = root / f"attempts-{x}"
    return len(path.read_text().split()) if path.exists() else 0


class TestSubmititSlurmLauncher(LauncherSuite):
    @pytest.fixture
    def launcher_overrides(self, slurm: Any) -> list[str]:
        return ["hydra/launcher=submitit_slurm"]


@pytest.mark.usefixtures("slurm")
def test_each_batch_is_one_job_array(app_dir: Path) -> None:
    done = run_sweep_app(app_dir, ["-m", *SLURM, "x=1,2,3,4,5", "hydra.sweeper.max_batch_size=3"])
    assert done.returncode == 0, done.stderr
    arrays = re.findall(r"Submitit 'slurm' launcher: (\d) jobs in array (\d+)", done.stdout)
    assert [count for count, _ in arrays] == ["3", "2"]
    first, second = (array for _, array in arrays)
    expected = [f"{first}_0", f"{first}_1", f"{first}_2", f"{second}_0", f"{second}_1"]
    records = load_sweep(app_dir / "sweep")
    assert [r.return_value["job_id"] for r in records] == expected  # hydra.job.id in the job
    for num, job_id in enumerate(expected):
        assert f"#{num} : x={num + 1} (job {job_id})" in done.stdout


@pytest.mark.usefixtures("slurm")
def test_a_job_killed_on_the_cluster_is_failed_with_its_stderr_tail(app_dir: Path) -> None:
    done = run_sweep_app(app_dir, ["-m", *SLURM, "x=1,2,3"], env={"KILL_ON": "2", "EXIT_ON": "3"})
    assert done.returncode == 1
    records = {r.num: r for r in load_sweep(app_dir / "sweep")}
    assert [records[n].status for n in (0, 1, 2)] == ["completed", "failed", "failed"]
    array = records[0].return_value["job_id"].split("_")[0]
    for num, said in ((1, "x=2 is about to be killed"), (2, "x=3 leaves without a result")):
        record = records[num]
        assert record.error == (
            f"WorkerDied: SLURM job {array}_{num} ended FAILED without a result: its process "
            "was killed or exited before the task returned"
        )
        assert record.traceback is not None
        assert f".submitit/{array}_{num}/{array}_{num}_0_log.err:\n" in record.traceback
        assert said in record.traceback
    assert "srun: error" in records[1].traceback
    assert "2 of 3 jobs failed" in done.stderr


def test_a_job_warned_of_its_time_limit_is_requeued_and_completes(
    app_dir: Path, slurm: Any
) -> None:
    # SLURM's time-limit check runs every 30 s: with signal_delay_s past the whole limit,
    # the warning (USR2) comes at the first check, and the job is requeued (max_num_timeout)
    limits = [
        "hydra.launcher.timeout_min=1",
        "hydra.launcher.signal_delay_s=90",
        "hydra.launcher.max_num_timeout=1",
    ]
    done = run_sweep_app(app_dir, ["-m", *SLURM, *limits, "x=1,2"], env={"SLOW_ONCE_ON": "1"})
    assert done.returncode == 0, done.stderr
    records = load_sweep(app_dir / "sweep")
    assert [r.status for r in records] == ["completed", "completed"]
    assert _attempts(app_dir, 1) == 2
    job_id = records[0].return_value["job_id"]
    log = (app_dir / "sweep" / ".submitit" / job_id / f"{job_id}_0_log.out").read_text()
    assert f"Requeued job {job_id} (0 remaining timeouts)" in log


def test_a_preempted_job_is_requeued_and_completes(app_dir: Path, slurm: Any) -> None:
    # preemption warns a job with the same signal (USR2); not timed out, it is requeued
    # whatever max_num_timeout says
    env = {**os.environ, "SUITE_DIR": str(app_dir), "SLOW_ONCE_ON": "1"}
    argv = [sys.executable, "app.py", "-m", *SLURM, "x=1", "hydra.job.name=preempted"]
    with subprocess.Popen(argv, cwd=app_dir, env=env, stdout=subprocess.PIPE, text=True) as sweep:
        try:
            wait_for(lambda: _attempts(app_dir, 1) == 1, "the job to run")
            job_id = slurm.run("squeue", "-h", "--name=preempted", "-o", "%i").stdout.strip()
            assert slurm.run("scancel", "--signal=USR2", job_id).returncode == 0
            out, _ = sweep.communicate(timeout=90)
        finally:
            sweep.kill()
    assert sweep.returncode == 0, out
    assert _attempts(app_dir, 1) == 2
    assert load_sweep(app_dir / "sweep")[0].status == "completed"
    log = (app_dir / "sweep" / ".submitit" / job_id / f"{job_id}_0_log.out").read_text()
    assert "this job is preempted" in log


def test_no_wait_returns_at_once_and_results_shows_the_live_state(
    app_dir: Path, sweep_results: Callable[[Path], list[dict[str, Any]]], slurm: Any
) -> None:
    started = time.monotonic()
    done = run_sweep_app(
        app_dir,
        ["-m", *SLURM, "x=1,2,3", "hydra.launcher.array_parallelism=1", "--no-wait"],
        env={"HOLD_ON": "1"},
    )
    assert done.returncode == 0, done.stderr
    assert time.monotonic() - started < 30
    shown = re.search(r"Submitted 3 jobs to slurm \(job ids (\d+)_0, \1_1, \1_2\)", done.stdout)
    assert shown is not None, done.stdout
    array = shown.group(1)
    assert "Sweep dir: sweep\n" in done.stdout
    assert "python -m hydria results sweep" in done.stdout
    sweep = app_dir / "sweep"
    wait_for(lambda: _attempts(app_dir, 1) == 1, "the first job to run")
    records = sweep_results(sweep)
    # one at a time (array_parallelism=1): the first holds on, the others wait their turn
    assert [r["status"] for r in records] == ["submitted: RUNNING"] + ["submitted: PENDING"] * 2
    assert [r["extra"]["job_id"] for r in records] == [f"{array}_{i}" for i in range(3)]
    table = subprocess.run(
        [sys.executable, "-m", "hydria", "results", str(sweep)], capture_output=True, text=True
    )
    assert "3 jobs, 0 completed, 0 not, 3 submitted" in table.stdout
    assert "SUBMITTED: RUNNING" in table.stdout and "SUBMITTED: PENDING" in table.stdout
    (app_dir / "go").touch()
    wait_for(lambda: all(r["status"] == "completed" for r in sweep_results(sweep)), "the jobs")
    records = sweep_results(sweep)
    assert [r["return_value"]["job_id"] for r in records] == [f"{array}_{i}" for i in range(3)]
    # each job wrote its own record, after the sweep's: no engine info, its run's id only
    assert set(records[0].get("extra", {})) == {"sweep_run"}


def test_a_task_that_cannot_be_pickled_fails_before_anything_is_submitted(
    locked_app_dir: Path, slurm: Any
) -> None:
    done = run_sweep_app(locked_app_dir, ["-m", *SLURM, "x=1,2", "hydra.job.name=locked"])
    assert done.returncode == 1
    assert (
        "the task function cannot be sent to SLURM: TypeError: cannot pickle '_thread.lock' "
        "object. Jobs travel pickled (cloudpickle)" in done.stderr
    )
    assert not (locked_app_dir / "sweep" / ".submitit").exists()
    listed = slurm.run("squeue", "--noheader", "--states=all", "--name=locked")
    assert listed.returncode == 0 and listed.stdout == ""


def test_ctrl_c_cancels_the_jobs_on_the_cluster(app_dir: Path, slurm: Any) -> None:
    env = {**os.environ, "SUITE_DIR": str(app_dir), "HOLD_ON": "1,2"}
    sweep = subprocess.Popen(
        [sys.executable, "app.py", "-m", *SLURM, "x=1,2", "hydra.job.name=interrupted"],
        cwd=app_dir,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        wait_for(lambda: _attempts(app_dir, 1) + _attempts(app_dir, 2) == 2, "the jobs to run")
        sweep.send_signal(signal.SIGINT)
        _, err = sweep.communicate(timeout=60)
    finally:
        if sweep.poll() is None:
            sweep.kill()
    assert sweep.returncode == 130, err

    def states() -> list[str]:
        listed = slurm.run("squeue", "-h", "--states=all", "--name=interrupted", "-o", "%T")
        return listed.stdout.split()

    # the jobs' processes ignore SIGTERM (submitit's handler): SLURM kills them after KillWait
    wait_for(lambda: states() == ["CANCELLED", "CANCELLED"], "the jobs to be cancelled", 30)


@pytest.mark.usefixtures("slurm")
def test_optuna_trials_run_as_slurm_jobs_and_are_pruned_on_their_nodes(tmp_path: Path) -> None:
    """Each trial its own SLURM job, started as a slot frees up; the trial's job opens
    the study from its node and is pruned there."""
    pytest.importorskip("optuna")
    import json

    from tests.sweepers.test_optuna_sweeps import APP as OPTUNA_APP
    from tests.sweepers.test_optuna_sweeps import CONFIG as OPTUNA_CONFIG

    (tmp_path / "conf").mkdir()
    config = OPTUNA_CONFIG.replace(
        "override hydra/launcher: joblib", "override hydra/launcher: submitit_slurm"
    )
    (tmp_path / "conf" / "config.yaml").write_text(
        config.replace("  launcher:\n    n_jobs: 2\n", "")
    )
    (tmp_path / "app.py").write_text(OPTUNA_APP)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HYDRA_", "HYDRIA_"))}
    done = subprocess.run(
        [
            sys.executable,
            "app.py",
            "-m",
            "hydra.sweep.dir=sweep",
            "hydra.sweeper.n_trials=4",
            "+hydra.sweeper.pruner._target_=optuna.pruners.ThresholdPruner",
            "+hydra.sweeper.pruner.upper=0.0",
            "hydra.sweeper.params.x='interval(1, 5)'",
            "+hydra.job.env_set.PRUNE=1",
        ],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr
    lines = (tmp_path / "sweep" / "results.jsonl").read_text().splitlines()
    assert [json.loads(line)["status"] for line in lines] == ["pruned"] * 4
    # one job per trial (no array of a batch): four distinct SLURM job ids
    ids = re.findall(r"\(job (\d+)\)", done.stdout)
    assert len(set(ids)) == 4 and all("_" not in i for i in ids)
