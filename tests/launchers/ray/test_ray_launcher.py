"""The Ray launcher on real Ray clusters: the conformance suite, dead workers, options.

Sweeps run as real apps in fresh processes (`python app.py -m ...`); the session's
head node (see conftest) is joined through `ray.init.address`, and one suite lets
the launcher start a local cluster of its own (`test_ray_local_cluster.py`).
"""

from __future__ import annotations

import json
import logging
import signal
import socket
import subprocess
import sys
import textwrap
from pathlib import Path
from types import SimpleNamespace

import pytest
from tests.waiting import wait_for

from hydria.launchers.ray import RayLauncher
from hydria.multirun.records import JobRecord, load_sweep
from hydria.testing.launchers import LauncherSuite, run_sweep_app

# one xdist worker runs every test of the group, so its engine starts once
pytestmark = pytest.mark.xdist_group("ray")

# Why two of the launcher suite's promises do not hold on Ray (see LauncherSuite).
JOBS_DIE_WITH_THE_DRIVER = (
    "Ray tasks belong to the driver that submitted them: a killed sweep process "
    "takes its jobs in flight with it, and a resume runs them again"
)
DEAD_DRIVERS_TASKS_STOP_LATE = (
    "Ray stops a dead driver's tasks once the raylet notices the driver is gone: "
    "on a loaded machine a task may end, or a queued one start, meanwhile"
)


class TestRayJoiningAHeadNode(LauncherSuite):
    @pytest.fixture
    def launcher_overrides(self, ray_head: str) -> list[str]:
        return ["hydra/launcher=ray", f"hydra.launcher.ray.init.address={ray_head}"]

    jobs_outlive_the_sweep = JOBS_DIE_WITH_THE_DRIVER
    dead_sweeps_jobs_stop_late = DEAD_DRIVERS_TASKS_STOP_LATE

    def env_overrides(self, root: Path, env: dict[str, str]) -> list[str]:
        # A cluster's workers have their node's environment, not the driver's: the
        # suite's variables travel in Ray's runtime env, as a user's would.
        return [
            f'+hydra.launcher.ray.init.runtime_env.env_vars.{key}="{value}"'
            for key, value in env.items()
        ]

    def test_the_driver_keeps_its_environment_and_working_directory(
        self, tmp_path: Path, ray_head: str
    ) -> None:
        # Ray's settings (RAY_AUTH_MODE, RAY_DEDUP_LOGS) are set for the launch only
        root = _write_app(tmp_path, DRIVER_STATE_APP)
        code, output, records = _sweep(root, f"hydra.launcher.ray.init.address={ray_head}", "x=1,2")
        assert code == 0, output
        assert [records[n].return_value for n in (0, 1)] == [1, 2]
        state = json.loads((root / "driver.json").read_text())
        assert state["after"]["cwd"] == state["before"]["cwd"] == str(root)
        assert state["after"]["env"] == state["before"]["env"]
        assert "RAY_AUTH_MODE" not in state["after"]["env"]


# Imports a module next to it and one from `lib/`, a directory it adds to sys.path
# (workers do not see the driver's sys.path unless the launcher passes it on).
# `x` equal to `die` kills the job's worker; equal to `fail`, the job raises; from
# `hold` on, the job writes its pid to `held-<x>` and sleeps.
APP = textwrap.dedent(
    """
    import os, signal, sys, time
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
    import hydria
    import helper
    import extra

    @hydria.main(config_path="conf", config_name="config", version_base=None)
    def app(cfg):
        began = time.time()
        if cfg.x == cfg.die:
            os.kill(os.getpid(), signal.SIGKILL)
        if cfg.x == cfg.fail:
            raise ValueError(f"x={cfg.x} is not accepted")
        if 0 < cfg.hold <= cfg.x:  # relative: the job runs in the launch directory
            with open(f"held-{cfg.x}", "w") as f:
                f.write(str(os.getpid()))
            time.sleep(120)
        time.sleep(cfg.sleep)
        return {
            "x": cfg.x, "began": began, "ended": time.time(), "pid": os.getpid(),
            "cwd": os.getcwd(), "helper": helper.double(cfg.x), "extra": extra.NAME,
        }

    if __name__ == "__main__":
        app()
    """
)

# Writes the driver's environment and working directory before and after its sweep.
DRIVER_STATE_APP = textwrap.dedent(
    """
    import json, os
    import hydria
    for name in ("RAY_AUTH_MODE", "RAY_DEDUP_LOGS"):  # unset: the launcher sets them
        os.environ.pop(name, None)

    def state():
        return {"env": dict(os.environ), "cwd": os.getcwd()}

    @hydria.main(config_path="conf", config_name="config", version_base=None)
    def app(cfg):
        return cfg.x

    if __name__ == "__main__":
        before = state()
        try:
            app()
        except SystemExit as stop:
            assert not stop.code, stop.code
        with open(os.path.join(before["cwd"], "driver.json"), "w") as f:
            json.dump({"before": before, "after": state()}, f)
    """
)

# The task closes over a lock: it cannot be pickled.
LOCKED_APP = textwrap.dedent(
    """
    import threading
    import hydria
    lock = threading.Lock()

    @hydria.main(config_path="conf", config_name="config", version_base=None)
    def app(cfg):
        with lock:
            return cfg.x

    if __name__ == "__main__":
        app()
    """
)


def _write_app(root: Path, app: str = APP) -> Path:
    (root / "conf").mkdir(parents=True)
    (root / "conf" / "config.yaml").write_text("x: 0\ndie: -1\nfail: -1\nhold: -1\nsleep: 0.0\n")
    (root / "app.py").write_text(app)
    (root / "helper.py").write_text("def double(x):\n    return 2 * x\n")
    (root / "lib").mkdir()
    (root / "lib" / "extra.py").write_text("NAME = 'from lib'\n")
    return root


def _records(root: Path) -> dict[int, JobRecord]:
    return {r.num: r for r in load_sweep(root / "sweep")}


def _sweep(root: Path, *argv: str) -> tuple[int, str, dict[int, JobRecord]]:
    done = run_sweep_app(root, ["-m", "hydra/launcher=ray", "hydra.sweep.dir=sweep", *argv])
    output = done.stdout + done.stderr
    records = _records(root) if (root / "sweep" / "results.jsonl").exists() else {}
    return done.returncode, output, records


def test_each_failure_stays_with_its_job(tmp_path: Path, ray_head: str) -> None:
    # x=2 raises, x=3 kills its worker, x=4 cannot create its output dir (a file is in
    # the way): run_job fails on the worker before the task runs
    root = _write_app(tmp_path)
    (root / "sweep").mkdir()
    (root / "sweep" / "4").write_text("in the way")
    code, output, records = _sweep(
        root,
        f"hydra.launcher.ray.init.address={ray_head}",
        "hydra.sweep.subdir=${x}",
        "x=1,2,3,4,5",
        "die=3",
        "fail=2",
    )
    assert code == 1, output
    statuses = [records[n].status for n in range(5)]
    assert statuses == ["completed", "failed", "failed", "failed", "completed"]
    assert [records[n].return_value["x"] for n in (0, 4)] == [1, 5]
    assert records[1].error == "ValueError: x=2 is not accepted"
    died = records[2].error or ""
    assert died.startswith(
        "WorkerDied: the Ray worker running job #2 (x=3 die=3 fail=2) died: "
        "The worker died unexpectedly"  # Ray's reason
    ), died
    assert died.endswith(
        "It was not run again: task retries are off (hydra.launcher.ray.remote.max_retries=0)."
    ), died
    assert (records[3].error or "").startswith("OutputDirError: Cannot use "), records[3].error
    assert "ray::job #3" in (records[3].traceback or "")  # Ray's remote traceback
    assert "3 of 5 jobs failed" in output


def test_modules_of_the_app_import_on_workers_that_run_in_the_launch_dir(
    tmp_path: Path, ray_head: str
) -> None:
    root = _write_app(tmp_path)
    code, output, records = _sweep(root, f"hydra.launcher.ray.init.address={ray_head}", "x=1,2")
    assert code == 0, output
    for num in (0, 1):
        value = records[num].return_value
        assert (value["helper"], value["extra"]) == (2 * (num + 1), "from lib")
        # the head node was started elsewhere; the job runs where the sweep was launched
        assert value["cwd"] == str(root)
    port = ray_head.rpartition(":")[2]
    assert f":{port} (2 CPUs)" in output and "Ray launcher: 2 jobs on the Ray cluster at " in output
    assert "\t#0 : x=1" in output and "\t#1 : x=2" in output


def test_remote_options_reach_ray(tmp_path: Path, ray_head: str) -> None:
    # two CPUs per job on a two-CPU cluster: one job at a time; one job per worker
    root = _write_app(tmp_path)
    code, output, records = _sweep(
        root,
        f"hydra.launcher.ray.init.address={ray_head}",
        "+hydra.launcher.ray.remote.num_cpus=2",
        "+hydra.launcher.ray.remote.max_calls=1",
        "x=1,2,3",
        "sleep=0.3",
    )
    assert code == 0, output
    runs = sorted((r.return_value["began"], r.return_value["ended"]) for r in records.values())
    assert len(runs) == 3
    for (_, ended), (began, _) in zip(runs, runs[1:], strict=False):
        assert ended <= began, runs
    assert len({r.return_value["pid"] for r in records.values()}) == 3


def _alive(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rpartition(")")[2].split()[0] != "Z"  # a zombie has stopped


def test_ctrl_c_stops_the_jobs_in_flight(tmp_path: Path, ray_head: str) -> None:
    root = _write_app(tmp_path)
    sweep = subprocess.Popen(
        [sys.executable, "app.py", "-m", "hydra/launcher=ray", "hydra.sweep.dir=sweep"]
        + [f"hydra.launcher.ray.init.address={ray_head}", "x=1,2,3", "hold=2"],
        cwd=root,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        held = [root / "held-2", root / "held-3"]
        wait_for(lambda: all(p.exists() and p.read_text() for p in held), "the held jobs")
        pids = [int(p.read_text()) for p in held]
        sweep.send_signal(signal.SIGINT)
        _, err = sweep.communicate(timeout=60)
    finally:
        if sweep.poll() is None:
            sweep.kill()
    assert sweep.returncode == 130, err
    assert "Interrupted. Finished jobs are recorded in" in err
    records = _records(root)
    assert {n: r.status for n, r in records.items()} == {
        0: "completed",
        1: "interrupted",
        2: "interrupted",
    }
    wait_for(lambda: not any(_alive(pid) for pid in pids), "the jobs' workers to stop", 20)


@pytest.mark.parametrize(
    ("app", "argv", "message"),
    [
        pytest.param(
            LOCKED_APP,
            ["x=1,2"],
            "the task function cannot be sent to Ray workers: TypeError: cannot pickle "
            "'_thread.lock' object. Jobs travel pickled (cloudpickle)",
            id="unpicklable-task",
        ),
        pytest.param(
            APP,
            ["x=1", "hydra.launcher.ray.init.address=127.0.0.1:{closed_port}"],
            "no Ray cluster answers at hydra.launcher.ray.init.address=127.0.0.1:",
            id="nobody-at-the-address",
        ),
        pytest.param(
            APP,
            ["x=1", "--no-wait"],
            "the Ray launcher needs the driver: Ray tasks belong to the process that "
            "submitted them",
            id="no-wait",
        ),
        pytest.param(
            APP,
            ["x=1", "+hydra.launcher.ray.remote.bogus=1"],
            "hydra.launcher.ray.remote: ray.remote() refuses it: Invalid option keyword bogus",
            id="bad-remote-option",
        ),
    ],
)
def test_refused_before_any_job_starts(
    tmp_path: Path, app: str, argv: list[str], message: str
) -> None:
    root = _write_app(tmp_path, app)
    with socket.socket() as closed:  # bound, not listening: connections are refused
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
        code, output, records = _sweep(root, *(a.format(closed_port=port) for a in argv))
    assert code == 1, output
    assert message in output
    assert records == {}
    assert "Ray instance" not in output  # Ray was not even started


def test_jobs_no_node_can_hold_are_a_warning_on_a_joined_cluster(
    caplog: pytest.LogCaptureFixture,
) -> None:
    # a joined cluster may yet gain a node that has them (an autoscaler): Ray waits
    cluster = SimpleNamespace(nodes=lambda: [{"Alive": True, "Resources": {"CPU": 2.0}}])
    launcher = RayLauncher(ray={"init": {"address": "auto"}, "remote": {"num_gpus": 1}})
    with caplog.at_level(logging.WARNING, logger="hydria.launchers.ray"):
        launcher._check_fits(cluster, own_cluster=False)
    assert caplog.messages == [
        "each job asks Ray for CPU=1, GPU=1 (hydra.launcher.ray.remote), but no node of the "
        "cluster has that much (nodes: CPU=2, GPU=0); the jobs wait until a node that has it "
        "joins"
    ]
