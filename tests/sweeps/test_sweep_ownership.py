"""A sweep directory has one owner (its lock), and every job that ended is recorded once:
the lock's rules on their own, and the racy cases of real sweeps, repeated."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from hydria.errors import SweepDirInUseError
from hydria.multirun.ownership import LOCK_FILE, STALE_AFTER, SweepLock
from hydria.multirun.records import ResultsFile

APP = textwrap.dedent(
    """
    import os, signal, time
    import hydria

    @hydria.main(config_path="conf", config_name="config", version_base=None)
    def app(cfg):
        with open("runs.log", "a") as f:
            f.write(f"{cfg.a}\\n")
        if str(cfg.a).startswith("kill"):
            time.sleep(0.2)
            os.kill(os.getpid(), signal.SIGKILL)
        time.sleep(float(os.environ.get("JOB_SLEEP", "0")))
        with open("ends.log", "a") as f:
            f.write(f"{cfg.a}\\n")
        return cfg.a

    if __name__ == "__main__":
        app()
    """
)
JOBLIB = ["hydra/launcher=joblib", "hydra.launcher.n_jobs=2"]


def _write_app(root: Path) -> None:
    (root / "conf").mkdir(parents=True, exist_ok=True)
    (root / "conf" / "config.yaml").write_text("a: 0\n")
    (root / "app.py").write_text(APP)


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HYDRA", "HYDRIA"))}
    return {**env, "XDG_CACHE_HOME": "cache", **extra}


def _holder(host: str, pid: int, token: str = "t") -> str:
    return json.dumps(
        {"host": host, "pid": pid, "start": None, "command": "python app.py -m", "since": 0.0}
        | {"token": token}
    )


def test_a_held_lock_refuses_naming_its_holder_and_is_released(tmp_path: Path) -> None:
    with SweepLock(tmp_path / "sweep"):
        with pytest.raises(SweepDirInUseError) as refused:
            SweepLock(tmp_path / "sweep").acquire()
        text = str(refused.value)
        assert f"is in use by another sweep: host {socket.gethostname()}, pid {os.getpid()}" in text
        assert "give this sweep another directory (hydra.sweep.dir=...)" in text
        assert f"delete {tmp_path / 'sweep' / LOCK_FILE}" in text
    assert not (tmp_path / "sweep" / LOCK_FILE).exists()
    with SweepLock(tmp_path / "sweep"):  # free again
        pass


def test_a_lock_of_another_host_is_judged_by_its_heartbeat(tmp_path: Path) -> None:
    lock = tmp_path / LOCK_FILE
    lock.write_text(_holder("node-17", 4242))
    with pytest.raises(SweepDirInUseError, match="host node-17, pid 4242"):
        SweepLock(tmp_path).acquire()  # fresh mtime: alive
    old = time.time() - STALE_AFTER - 30
    os.utime(lock, (old, old))
    taker = SweepLock(tmp_path)
    taker.acquire()  # silent too long: taken over
    try:
        assert json.loads(lock.read_text())["pid"] == os.getpid()
    finally:
        taker.release()


def test_a_torn_lock_file_is_not_a_holder(tmp_path: Path) -> None:
    (tmp_path / LOCK_FILE).write_text("{not json")
    old = time.time() - STALE_AFTER - 30
    os.utime(tmp_path / LOCK_FILE, (old, old))
    with SweepLock(tmp_path):
        assert json.loads((tmp_path / LOCK_FILE).read_text())["pid"] == os.getpid()


def _take(folder: Path, start: float, said: object) -> None:
    """One taker, in a forked process: tries the lock at `start`, holds it a moment."""
    lock = SweepLock(folder)
    while time.time() < start:
        time.sleep(0.001)
    try:
        lock.acquire()
    except SweepDirInUseError:
        said.put("refused")  # type: ignore[attr-defined]
    else:
        said.put("took")  # type: ignore[attr-defined]
        time.sleep(0.5)
        lock.release()


def test_a_stale_lock_has_one_taker_among_many(tmp_path: Path) -> None:
    import multiprocessing

    context = multiprocessing.get_context("fork")
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()
    for _ in range(5):
        (tmp_path / LOCK_FILE).write_text(_holder(socket.gethostname(), gone.pid, "dead"))
        said = context.Queue()
        start = time.time() + 0.3
        takers = [context.Process(target=_take, args=(tmp_path, start, said)) for _ in range(5)]
        for taker in takers:
            taker.start()
        for taker in takers:
            taker.join(timeout=60)
        assert sorted(said.get(timeout=5) for _ in takers) == ["refused"] * 4 + ["took"]
        assert not (tmp_path / LOCK_FILE).exists()
        assert not list(tmp_path.glob(f"{LOCK_FILE}.*"))  # no leftovers


def _results(sweep: Path) -> dict[int, list[str]]:
    statuses: dict[int, list[str]] = {}
    for record in ResultsFile(sweep).read():
        statuses.setdefault(record.num, []).append(record.status)
    return statuses


def test_ctrl_c_never_records_a_finished_job_as_interrupted(tmp_path: Path) -> None:
    """The race: a job ends and records itself while Ctrl-C reaches the sweep process
    before its result does. Interrupted just as the first job ends, five times."""
    for attempt in range(5):
        root = tmp_path / str(attempt)
        _write_app(root)
        sweep = subprocess.Popen(
            [sys.executable, "app.py", "-m", *JOBLIB, "a=1,2,3,4,5,6", "hydra.sweep.dir=sw"],
            cwd=root,
            env=_env(JOB_SLEEP=str(0.3 + 0.05 * attempt)),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
            # a test run in the background of a shell inherits SIGINT ignored
            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),  # noqa: PLW1509
        )
        deadline = time.monotonic() + 60
        ends = root / "ends.log"  # written when a job's task returns: wait for its line
        while not (ends.exists() and ends.stat().st_size) and time.monotonic() < deadline:
            time.sleep(0.002)
        sweep.send_signal(signal.SIGINT)
        err = sweep.communicate(timeout=60)[1]
        assert sweep.returncode == 130, err
        for num, statuses in _results(root / "sw").items():
            if "completed" in statuses:  # recorded once, and never undone
                assert statuses == ["completed"], (attempt, num, statuses)
        ended = (root / "ends.log").read_text().split()
        latest = {n: s[-1] for n, s in _results(root / "sw").items()}
        assert len(ended) >= 1 and set(latest.values()) <= {"completed", "interrupted"}


def test_a_dying_worker_costs_only_its_job_and_no_job_runs_twice(tmp_path: Path) -> None:
    """Three jobs kill their own worker while the job on the other worker runs: each of
    them is failed (WorkerDied), none runs again, and every other job runs once."""
    _write_app(tmp_path)
    values = ["1", "kill1", "2", "kill2", "3", "4", "kill3", "5"]
    done = subprocess.run(
        [sys.executable, "app.py", "-m", *JOBLIB, f"a={','.join(values)}", "hydra.sweep.dir=sw"],
        cwd=tmp_path,
        env=_env(JOB_SLEEP="0.5"),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 1, done.stderr
    assert sorted((tmp_path / "runs.log").read_text().split()) == sorted(values)
    assert sorted((tmp_path / "ends.log").read_text().split()) == ["1", "2", "3", "4", "5"]
    statuses = _results(tmp_path / "sw")
    for num, value in enumerate(values):
        expected = ["failed"] if value.startswith("kill") else ["completed"]
        assert statuses[num] == expected, (num, value, statuses[num])
    died = [r for r in ResultsFile(tmp_path / "sw").read() if r.status == "failed"]
    assert {r.error for r in died} == {
        "WorkerDied: the worker process running the job died: killed by SIGKILL"
    }


def test_resume_after_a_kill_before_any_job_ended_says_what_it_resumes(tmp_path: Path) -> None:
    _write_app(tmp_path)
    argv = [sys.executable, "app.py", "-m", "a=1,2", "hydra.sweep.dir=sw"]
    sweep = subprocess.Popen(argv, cwd=tmp_path, env=_env(JOB_SLEEP="30"))
    deadline = time.monotonic() + 60
    while not (tmp_path / "runs.log").exists() and time.monotonic() < deadline:
        time.sleep(0.01)
    sweep.kill()
    sweep.wait()
    assert (tmp_path / "sw" / "results.jsonl").read_text() == ""
    again = subprocess.run(
        [*argv, "--resume"], cwd=tmp_path, env=_env(), capture_output=True, text=True, timeout=60
    )
    assert again.returncode == 0, again.stderr
    assert "--resume: 0 of 2 jobs of the sweep in sw completed before; running the other 2" in (
        again.stderr
    )
    assert {n: s[-1] for n, s in _results(tmp_path / "sw").items()} == {
        0: "completed",
        1: "completed",
    }


@pytest.mark.parametrize("value", ["abc", "0", "-99", "1.5", "true"])
def test_n_jobs_that_is_not_a_count_is_a_clear_error(tmp_path: Path, value: str) -> None:
    from hydria.errors import PluginError
    from hydria.launchers.joblib import JoblibLauncher

    typed: object = {"abc": "abc", "0": 0, "-99": -99, "1.5": 1.5, "true": True}[value]
    with pytest.raises(PluginError) as refused:
        JoblibLauncher(n_jobs=typed)  # type: ignore[arg-type]
    assert str(refused.value).startswith(f"hydra.launcher.n_jobs={typed!r}: expected how many ")
    assert "a positive integer, or -1 for one per CPU" in str(refused.value)


def test_n_jobs_abc_on_the_command_line_exits_1_with_the_message(tmp_path: Path) -> None:
    _write_app(tmp_path)
    done = subprocess.run(
        [sys.executable, "app.py", "-m", "hydra/launcher=joblib", "hydra.launcher.n_jobs=abc"]
        + ["a=1,2", "hydra.sweep.dir=sw"],
        cwd=tmp_path,
        env=_env(),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 1
    assert "hydra.launcher.n_jobs='abc': expected how many jobs run at once" in done.stderr
    assert "Traceback" not in done.stderr


def _marker(folder: Path, num: int, host: str, pid: int) -> Path:
    path = folder / ".hydria-jobs" / f"{num}.running"
    path.parent.mkdir(parents=True, exist_ok=True)
    data = {"num": num, "host": host, "pid": pid, "start": None, "started": 0.0, "run": "r"}
    path.write_text(json.dumps(data))
    return path


def test_resume_waits_only_for_jobs_whose_process_lives(tmp_path: Path) -> None:
    from hydria.multirun.job_journal import running_jobs, wait_for_jobs

    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()
    dead = _marker(tmp_path, 0, socket.gethostname(), gone.pid)
    silent = _marker(tmp_path, 1, "node-9", 1)
    old = time.time() - STALE_AFTER - 30
    os.utime(silent, (old, old))
    beating = _marker(tmp_path, 2, "node-9", 1)
    jobs = running_jobs(tmp_path)
    assert [jobs[n].alive() for n in (0, 1, 2)] == [False, False, True]
    said: list[str] = []
    wait_for_jobs(tmp_path, {0, 1}, said.append)  # nothing alive among them: no wait
    assert said == [] and not dead.exists() and not silent.exists()
    start = time.monotonic()
    sleeper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(1)"])
    _marker(tmp_path, 3, socket.gethostname(), sleeper.pid)
    wait_for_jobs(tmp_path, {3}, said.append, poll=0.05)
    assert time.monotonic() - start >= 0.5  # waited for the process to end
    assert said == [
        f"--resume: job #3 (host {socket.gethostname()}, pid {sleeper.pid}, since 00:00:00 UTC) "
        "still runs, started by an earlier run of this sweep; waiting for it to end (it is not "
        "run twice)"
    ]
    sleeper.wait()
    assert beating.exists()


def test_hostile_job_markers_are_skipped_and_never_waited_on(tmp_path: Path) -> None:
    # A received sweep dir can hold anything in `.hydria-jobs`: a FIFO (reading it would
    # block forever), a link to a device, JSON nested past the recursion limit.
    from hydria.multirun.job_journal import JOBS_DIR, running_jobs, wait_for_jobs

    folder = tmp_path / JOBS_DIR
    folder.mkdir()
    os.mkfifo(folder / "0.running")
    os.symlink("/dev/zero", folder / "1.running")
    (folder / "2.running").write_text("[" * 100_000 + "]" * 100_000)
    os.mkfifo(folder / "3.queued")
    started = time.monotonic()
    assert running_jobs(tmp_path) == {}
    wait_for_jobs(tmp_path, {0, 1, 2, 3}, say=lambda _: None)
    assert time.monotonic() - started < 5
