"""The launcher conformance suite: what every launcher promises, checked on real sweeps.

Each launcher's tests subclass `LauncherSuite` and give the overrides that select it
(and start whatever engine it needs), for instance::

    class TestJoblib(LauncherSuite):
        @pytest.fixture
        def launcher_overrides(self) -> list[str]:
            return ["hydra/launcher=joblib", "hydra.launcher.n_jobs=2"]

Every test runs a real app in a fresh process (`python app.py -m ...`) in its own
directory and checks what a user would: job numbers and output dirs, the `.hydra`
files, return values in `results.jsonl`, a failing job isolated and explained,
and `--resume` running only the jobs that did not complete. The ownership tests
(`test_ownership_*`) kill the sweep process (SIGKILL, SIGTERM) or a job's process
from outside, and check that each job ran once, was recorded once, and that a sweep
directory has one owner at a time (a second sweep refused, a dead one's lock taken
over by the resume).

A launcher for which a promise cannot hold says so in a class attribute, with the
reason: `jobs_outlive_the_sweep` (None when they do; else the jobs in flight die
with a killed sweep process and a resume runs them again, which the test then
allows), `dead_sweeps_jobs_stop_late` (None when a killed sweep's jobs in flight
stop with it; else the engine stops them only once it notices, so one may still end,
or a queued one start, and then run again on resume) and `job_process_killable`
(None when it is; else killing a job's process is killing the sweep, and the test
leaves that part out).

Needs pytest (a test dependency, not one of hydria's).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

from hydria.multirun.ownership import LOCK_FILE
from hydria.multirun.records import JobRecord, ResultsFile, load_sweep

__all__ = ["APP", "LauncherSuite", "run_sweep_app", "start_sweep_app"]

# The app every test runs. It records each run it makes in `runs.log` (one line per
# job execution), fails when its `fail` value is in $FAIL_ON, and returns a dict.
# For the ownership tests: each job sleeps $SUITE_SLEEP seconds, writes its pid to
# `pids/<num>`, a job whose x is in $SUITE_HANG_ON sleeps until killed, and every job
# that reaches its end appends a line to `ends.log`.
APP = textwrap.dedent(
    """
    import logging, os, time
    import hydria
    log = logging.getLogger(__name__)

    @hydria.main(config_path="conf", config_name="config", version_base=None)
    def app(cfg):
        hc = hydria.HydraConfig.get()
        suite = os.environ["SUITE_DIR"]
        log.info("job %s x=%s", hc.job.num, cfg.x)
        with open(os.path.join(suite, "runs.log"), "a") as f:
            f.write(f"{hc.job.num} {cfg.x}\\n")
        if os.environ.get("SUITE_SLEEP"):
            os.makedirs(os.path.join(suite, "pids"), exist_ok=True)
            with open(os.path.join(suite, "pids", str(hc.job.num)), "w") as f:
                f.write(str(os.getpid()))
            hang = str(cfg.x) in os.environ.get("SUITE_HANG_ON", "").split(",")
            time.sleep(600 if hang else float(os.environ["SUITE_SLEEP"]))
        if str(cfg.x) in os.environ.get("FAIL_ON", "").split(","):
            raise ValueError(f"x={cfg.x} is not accepted")
        with open(os.path.join(suite, "ends.log"), "a") as f:
            f.write(f"{hc.job.num} {cfg.x}\\n")
        return {"x": cfg.x, "num": hc.job.num, "square": cfg.x * cfg.x, "has_hydra": "hydra" in cfg}

    if __name__ == "__main__":
        app()
    """
)
CONFIG = "x: 0\nname: suite\n"


def _app_command(
    root: Path, argv: list[str], env: dict[str, str] | None
) -> tuple[list[str], dict[str, str]]:
    if not (root / "app.py").exists():
        (root / "conf").mkdir(parents=True, exist_ok=True)
        (root / "conf" / "config.yaml").write_text(CONFIG)
        (root / "app.py").write_text(APP)
    base = {k: v for k, v in os.environ.items() if not k.startswith(("HYDRA_", "HYDRIA_"))}
    base.update({"SUITE_DIR": str(root), "XDG_CACHE_HOME": str(root / ".cache")})
    base.update(env or {})
    return [sys.executable, str(root / "app.py"), *argv], base


def run_sweep_app(
    root: Path, argv: list[str], *, env: dict[str, str] | None = None, timeout: float = 600
) -> subprocess.CompletedProcess[str]:
    """Run the suite's app (written into `root` on first use) with `argv`, in `root`."""
    command, base = _app_command(root, argv, env)
    return subprocess.run(
        command, cwd=root, env=base, capture_output=True, text=True, timeout=timeout
    )


def start_sweep_app(
    root: Path, argv: list[str], *, env: dict[str, str] | None = None
) -> subprocess.Popen[str]:
    """Start the suite's app with `argv` in `root` and return at once (its output goes
    to `root/sweep.out` and `root/sweep.err`)."""
    command, base = _app_command(root, argv, env)
    with (root / "sweep.out").open("w") as out, (root / "sweep.err").open("w") as err:
        return subprocess.Popen(command, cwd=root, env=base, stdout=out, stderr=err, text=True)


def _wait_until(what: str, check: Callable[[], bool], timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:g} s waiting until {what}")
        time.sleep(0.05)


def _lines(path: Path) -> list[str]:
    return sorted(path.read_text().splitlines()) if path.exists() else []


def _pid_of_job(root: Path, num: int) -> int | None:
    try:
        return int((root / "pids" / str(num)).read_text())
    except (OSError, ValueError):
        return None


def _records(sweep_dir: Path) -> dict[int, JobRecord]:
    return {r.num: r for r in load_sweep(sweep_dir)}


def _runs(root: Path) -> list[tuple[int, int]]:
    path = root / "runs.log"
    if not path.exists():
        return []
    pairs = [line.split() for line in path.read_text().splitlines() if line.strip()]
    return sorted((int(num), int(x)) for num, x in pairs)


class LauncherSuite:
    """The promises every launcher keeps. Subclasses give `launcher_overrides`."""

    # Why a promise does not apply to a launcher (None: it does); see the module doc.
    jobs_outlive_the_sweep: str | None = None
    dead_sweeps_jobs_stop_late: str | None = None
    job_process_killable: str | None = None

    @pytest.fixture
    def launcher_overrides(self) -> list[str]:
        raise NotImplementedError("a launcher's suite gives the overrides that select it")

    def env_overrides(self, root: Path, env: dict[str, str]) -> list[str]:
        """Overrides that hand the test's variables to the jobs, for engines whose
        workers do not inherit the sweep process's environment (default: none)."""
        return []

    def sweep_argv(
        self, root: Path, overrides: list[str], extra: tuple[str, ...], env: dict[str, str] | None
    ) -> list[str]:
        passed = self.env_overrides(root, {"SUITE_DIR": str(root), **(env or {})})
        return ["-m", *overrides, *passed, "hydra.sweep.dir=sweep", *extra]

    def sweep(
        self, root: Path, overrides: list[str], *extra: str, env: dict[str, str] | None = None
    ) -> subprocess.CompletedProcess[str]:
        return run_sweep_app(root, self.sweep_argv(root, overrides, extra, env), env=env)

    def start_sweep(
        self, root: Path, overrides: list[str], *extra: str, env: dict[str, str] | None = None
    ) -> subprocess.Popen[str]:
        return start_sweep_app(root, self.sweep_argv(root, overrides, extra, env), env=env)

    def test_jobs_are_numbered_with_their_own_dirs_and_records(
        self, tmp_path: Path, launcher_overrides: list[str]
    ) -> None:
        done = self.sweep(tmp_path, launcher_overrides, "x=1,2,3,4")
        assert done.returncode == 0, done.stderr
        sweep = tmp_path / "sweep"
        records = _records(sweep)
        assert sorted(records) == [0, 1, 2, 3]
        for num, record in records.items():
            x = num + 1
            assert (record.overrides, record.status) == ((f"x={x}",), "completed")
            assert record.return_value == {"x": x, "num": num, "square": x * x, "has_hydra": False}
            assert record.output_dir == str(sweep / str(num))
            assert record.duration > 0 and record.started > 0
            hydra_files = sweep / str(num) / ".hydra"
            assert yaml.safe_load((hydra_files / "overrides.yaml").read_text()) == [f"x={x}"]
            assert yaml.safe_load((hydra_files / "config.yaml").read_text()) == {
                "x": x,
                "name": "suite",
            }
            hydra = yaml.safe_load((hydra_files / "hydra.yaml").read_text())["hydra"]
            assert (hydra["job"]["num"], hydra["mode"]) == (num, "MULTIRUN")
            assert hydra["runtime"]["output_dir"] == str(sweep / str(num))
            log = (sweep / str(num) / "app.log").read_text()
            assert f"job {num} x={x}" in log
        assert _runs(tmp_path) == [(0, 1), (1, 2), (2, 3), (3, 4)]  # each job ran once
        assert yaml.safe_load((sweep / "multirun.yaml").read_text())["hydra"]["mode"] == "MULTIRUN"

    def test_a_failing_job_is_isolated_and_explained(
        self, tmp_path: Path, launcher_overrides: list[str]
    ) -> None:
        done = self.sweep(tmp_path, launcher_overrides, "x=1,2,3", env={"FAIL_ON": "2"})
        assert done.returncode == 1
        records = _records(tmp_path / "sweep")
        assert [records[n].status for n in (0, 1, 2)] == ["completed", "failed", "completed"]
        failed = records[1]
        assert failed.error == "ValueError: x=2 is not accepted"
        assert failed.traceback is not None and "raise ValueError" in failed.traceback
        assert "1 of 3 jobs failed" in done.stderr
        assert "ValueError: x=2 is not accepted" in done.stderr

    def test_resume_runs_only_the_jobs_that_did_not_complete(
        self, tmp_path: Path, launcher_overrides: list[str]
    ) -> None:
        first = self.sweep(tmp_path, launcher_overrides, "x=1,2,3", env={"FAIL_ON": "1,3"})
        assert first.returncode == 1
        again = self.sweep(tmp_path, launcher_overrides, "x=1,2,3", "--resume")
        assert again.returncode == 0, again.stderr
        records = _records(tmp_path / "sweep")
        assert [records[n].status for n in (0, 1, 2)] == ["completed"] * 3
        assert [records[n].return_value["x"] for n in (0, 1, 2)] == [1, 2, 3]
        # x=2 completed the first time and was not run again
        assert _runs(tmp_path) == [(0, 1), (0, 1), (1, 2), (2, 3), (2, 3)]

    def test_every_job_sees_its_own_config_and_hydra_node(
        self, tmp_path: Path, launcher_overrides: list[str]
    ) -> None:
        done = self.sweep(tmp_path, launcher_overrides, "x=5,6", "+name2=${hydra:job.num}")
        assert done.returncode == 0, done.stderr
        for num in (0, 1):
            saved = yaml.safe_load(
                (tmp_path / "sweep" / str(num) / ".hydra" / "config.yaml").read_text()
            )
            assert saved == {"x": 5 + num, "name": "suite", "name2": "${hydra:job.num}"}
        records = _records(tmp_path / "sweep")
        assert [records[n].return_value["num"] for n in (0, 1)] == [0, 1]

    # ---- a sweep directory has one owner; every job that ended is recorded, once ----

    def test_ownership_a_killed_sweep_resumes_without_losing_or_doubling_a_job(
        self, tmp_path: Path, launcher_overrides: list[str]
    ) -> None:
        env = {"SUITE_SLEEP": "0.6"}
        first = self.start_sweep(tmp_path, launcher_overrides, "x=1,2,3,4", env=env)
        try:
            _wait_until("a job runs", lambda: bool(_lines(tmp_path / "runs.log")))
            time.sleep(0.2)
        finally:
            first.kill()  # SIGKILL: nothing of the sweep process runs after this
            first.wait()
        in_flight = len(_lines(tmp_path / "runs.log")) - len(_lines(tmp_path / "ends.log"))
        lock = tmp_path / "sweep" / LOCK_FILE
        assert json.loads(lock.read_text())["pid"] == first.pid  # left by the dead sweep
        again = self.sweep(tmp_path, launcher_overrides, "x=1,2,3,4", "--resume", env=env)
        assert again.returncode == 0, again.stderr  # the dead sweep's lock was taken over
        assert not lock.exists()  # and released at the end
        assert "--resume: " in again.stderr and " of 4 jobs of the sweep in " in again.stderr
        records = _records(tmp_path / "sweep")
        assert [records[n].status for n in range(4)] == ["completed"] * 4
        assert [records[n].return_value["x"] for n in range(4)] == [1, 2, 3, 4]
        every = [r.num for r in ResultsFile(tmp_path / "sweep").read()]
        assert sorted(every) == [0, 1, 2, 3]  # one record each: none written twice
        runs, ends = _lines(tmp_path / "runs.log"), _lines(tmp_path / "ends.log")
        every_job = ["0 1", "1 2", "2 3", "3 4"]
        if self.jobs_outlive_the_sweep is None:
            assert runs == every_job  # started once each
        else:  # the jobs in flight may die with the sweep process; then they ran again
            assert sorted(set(runs)) == every_job, runs
            if self.dead_sweeps_jobs_stop_late is None:
                assert len(runs) <= 4 + in_flight, (runs, in_flight)
        if self.dead_sweeps_jobs_stop_late is None:
            assert ends == every_job  # ended once each
        else:
            # A job of the dead sweep may end, or a queued one start, before the engine
            # stops them; the resume, finding no record, runs it again. Each still ran
            # at most twice, and was recorded once (above).
            assert sorted(set(ends)) == every_job, ends
            assert max(runs.count(r) for r in every_job) <= 2, runs
            assert max(ends.count(r) for r in every_job) <= 2, ends

    def test_ownership_one_owner_a_killed_job_fails_and_sigterm_records_what_ended(
        self, tmp_path: Path, launcher_overrides: list[str]
    ) -> None:
        """While a sweep runs: a second sweep or resume on its directory is refused; a
        job whose process is killed from outside is failed, not run again, and the job
        beside it runs on (once). Then SIGTERM stops the sweep as Ctrl-C would."""
        env = {"SUITE_SLEEP": "0.5", "SUITE_HANG_ON": "3,4,5,6"}
        first = self.start_sweep(tmp_path, launcher_overrides, "x=1,2,3,4,5,6", env=env)
        killable = self.job_process_killable is None
        try:
            _wait_until("a job runs", lambda: bool(_lines(tmp_path / "runs.log")))
            for extra in (("x=1,2,3,4,5,6",), ("x=1,2,3,4,5,6", "--resume")):
                argv = self.sweep_argv(tmp_path, launcher_overrides, extra, None)
                second = run_sweep_app(tmp_path, argv)
                assert second.returncode == 1, second.stderr
                assert "is in use by another sweep: host " in second.stderr
                assert f", pid {first.pid}, since " in second.stderr
                assert "command: " in second.stderr and "app.py -m" in second.stderr
                assert "Wait for it to end, or give this sweep another directory" in (second.stderr)
            _wait_until("two jobs ended", lambda: len(_lines(tmp_path / "ends.log")) == 2)
            # a task's end is logged before its job records it: SIGTERM in between would
            # (rightly) record that job as interrupted, so wait for both records
            recorded = ResultsFile(tmp_path / "sweep")
            _wait_until("two jobs recorded", lambda: {0, 1} <= set(recorded.latest()))
            if killable:  # job #2 (x=3) hangs beside job #3 (x=4)
                _wait_until("job #2 runs", lambda: _pid_of_job(tmp_path, 2) is not None)
                pid = _pid_of_job(tmp_path, 2)
                assert pid is not None and pid != first.pid
                os.kill(pid, signal.SIGKILL)
                results = ResultsFile(tmp_path / "sweep")
                _wait_until("job #2 is recorded", lambda: 2 in results.latest())
                _wait_until("job #4 runs", lambda: _pid_of_job(tmp_path, 4) is not None)
            first.terminate()  # SIGTERM: as Ctrl-C
            code = first.wait(timeout=120)
            assert code == 143, f"exit {code}: {(tmp_path / 'sweep.err').read_text()}"
        finally:
            if first.poll() is None:
                first.kill()
                first.wait()
        err = (tmp_path / "sweep.err").read_text()
        assert "Terminated (SIGTERM). Finished jobs are recorded in " in err
        lines = ResultsFile(tmp_path / "sweep").read()
        ended = [r.num for r in lines if r.status in ("completed", "failed")]
        assert len(ended) == len(set(ended)), lines  # none recorded twice
        latest = _records(tmp_path / "sweep")
        assert [latest[n].status for n in (0, 1)] == ["completed"] * 2  # the jobs that ended
        rest = set(latest) - {0, 1}
        if killable:
            assert latest[2].status == "failed", latest[2]
            assert (latest[2].error or "").startswith("WorkerDied: "), latest[2].error
            rest -= {2}
        assert all(latest[n].status == "interrupted" for n in rest), latest
        runs = [line.split()[0] for line in _lines(tmp_path / "runs.log")]
        assert len(runs) == len(set(runs)), runs  # no job ran twice, the killed one neither
        assert _lines(tmp_path / "ends.log") == ["0 1", "1 2"]
        assert not (tmp_path / "sweep" / LOCK_FILE).exists()  # the lock went with the sweep
