"""Sweeps in real processes: the parallel launcher, failures and dead workers, Ctrl-C,
resume, GPU assignment, and the results file and command."""

from __future__ import annotations

import json
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

from hydria import load_sweep
from hydria.multirun.records import JobRecord

Done = Any  # conftest's record of a run: code, out, err


def app_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HYDRA", "HYDRIA"))}
    return {**env, **extra}


JOBLIB = ["hydra/launcher=joblib", "hydra.launcher.n_jobs=2"]


def _records(sweep_dir: Path) -> dict[int, JobRecord]:
    return {r.num: r for r in load_sweep(sweep_dir)}


def test_parallel_jobs_run_in_worker_processes_in_job_order(
    sweep_app: Callable[..., Done], tmp_path: Path
) -> None:
    done = sweep_app("-m", *JOBLIB, "a=1,2,3,4", "hydra.sweep.dir=sw")
    assert done.code == 0, done.err
    records = _records(tmp_path / "sw")
    assert [r.overrides for r in records.values()] == [("a=1",), ("a=2",), ("a=3",), ("a=4",)]
    assert all(r.status == "completed" for r in records.values())
    pids = {r.return_value["pid"] for r in records.values()}
    assert os.getpid() not in pids and len(pids) <= 2
    for num, record in records.items():
        assert record.output_dir == str(tmp_path / "sw" / str(num))
        assert record.return_value["a"] == num + 1
        saved = (tmp_path / "sw" / str(num) / ".hydra" / "overrides.yaml").read_text()
        assert saved == f"- a={num + 1}\n"
    assert "Joblib launcher: 4 jobs on 2 worker processes" in done.out
    assert done.err.count("completed in") == 4 and "completed in" not in done.out


def test_progress_and_summary_go_to_stderr_leaving_stdout_to_the_jobs(
    sweep_app: Callable[..., Done],
) -> None:
    done = sweep_app("-m", "a=1,2", "hydra.sweep.dir=sw")
    assert done.code == 0, done.err
    stamp = r"\[\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3}\]\[HYDRA\] "
    # stdout: the launcher's lines, where Hydra 1.3 logs them (hydra_logging: stdout)
    assert re.fullmatch(
        f"{stamp}Launching 2 jobs locally\n{stamp}\t#0 : a=1\n{stamp}\t#1 : a=2\n", done.out
    ), done.out
    lines = done.err.splitlines()
    assert re.fullmatch(f"{stamp}\\[1/2\\] #0 a=1: completed in [\\d.]+ s, returned .*", lines[0])
    assert re.fullmatch(f"{stamp}\\[2/2\\] #1 a=2: completed in [\\d.]+ s, returned .*", lines[1])
    assert lines[2] == "Sweep sw: 2 jobs, 2 completed, 0 not"
    assert lines[3].split() == ["#", "overrides", "status", "return", "value"]
    assert [line.split()[:3] for line in lines[4:]] == [
        ["0", "a=1", "completed"],
        ["1", "a=2", "completed"],
    ]


def test_a_failing_job_does_not_stop_the_others(
    sweep_app: Callable[..., Done], tmp_path: Path
) -> None:
    done = sweep_app("-m", *JOBLIB, "a=1,boom,3", "hydra.sweep.dir=sw")
    assert done.code == 1
    records = _records(tmp_path / "sw")
    assert [r.status for r in records.values()] == ["completed", "failed", "completed"]
    failed = records[1]
    assert failed.error == "ValueError: boom in the task"
    assert failed.traceback is not None and 'File "' in failed.traceback
    assert "app.py" in failed.traceback and "hydria" not in failed.traceback
    assert "ValueError: boom in the task" in (tmp_path / "sw" / "1" / "app.log").read_text()
    assert "Error executing job with overrides: ['a=boom']" in done.err
    assert done.err.endswith(
        f"1 of 3 jobs failed; every failure is in {Path('sw', 'results.jsonl')}\n"
    )
    assert re.search(r"^1  a=boom +FAILED +ValueError: boom in the task$", done.err, re.MULTILINE)


@pytest.mark.parametrize(
    ("value", "reason"),
    [("exit", "exited with code 3"), ("kill", "killed by SIGKILL")],
)
def test_a_worker_that_dies_fails_only_its_job(
    sweep_app: Callable[..., Done], tmp_path: Path, value: str, reason: str
) -> None:
    done = sweep_app("-m", *JOBLIB, f"a=1,{value},3,4", "hydra.sweep.dir=sw")
    assert done.code == 1
    records = _records(tmp_path / "sw")
    assert [r.status for r in records.values()] == ["completed", "failed", "completed", "completed"]
    assert records[1].error == f"WorkerDied: the worker process running the job died: {reason}"


def test_two_dying_jobs_in_flight_are_each_found(
    sweep_app: Callable[..., Done], tmp_path: Path
) -> None:
    done = sweep_app("-m", *JOBLIB, "a=exit,kill,3", "hydra.sweep.dir=sw")
    assert done.code == 1
    records = _records(tmp_path / "sw")
    assert [r.status for r in records.values()] == ["failed", "failed", "completed"]
    assert records[0].error is not None and records[0].error.endswith("exited with code 3")
    assert records[1].error is not None and records[1].error.endswith("killed by SIGKILL")


def test_a_job_past_its_timeout_fails_and_the_others_go_on(
    sweep_app: Callable[..., Done], tmp_path: Path
) -> None:
    done = sweep_app(
        "-m", *JOBLIB, "+hydra.launcher.timeout=2", "a=sleep,2,3", "hydra.sweep.dir=sw"
    )
    assert done.code == 1
    records = _records(tmp_path / "sw")
    assert [r.status for r in records.values()] == ["failed", "completed", "completed"]
    assert records[0].error == "TimeoutError: the job ran longer than timeout=2s"


def _start(tmp_path: Path, *argv: str, **env: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "app.py", *argv],
        cwd=tmp_path,
        env=app_env(**env),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _wait_for(path: Path, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not path.exists():
        assert time.monotonic() < deadline, f"{path} never appeared"
        time.sleep(0.05)


@pytest.mark.parametrize("launcher", [[], JOBLIB], ids=["basic", "joblib"])
def test_ctrl_c_records_the_jobs_in_flight_and_resume_runs_the_rest(
    tmp_path: Path, launcher: list[str], sweep_app: Callable[..., Done]
) -> None:
    trace = tmp_path / "trace"
    trace.mkdir()
    go = tmp_path / "go"
    argv = ["-m", *launcher, "a=1,wait,3,4", "hydra.sweep.dir=sw"]
    if launcher:
        argv.append("hydra.launcher.n_jobs=1")  # job order is then the run order
    proc = _start(tmp_path, *argv, TRACE_DIR=str(trace), GO_FILE=str(go))
    _wait_for(trace / "wait.start")
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    assert "Interrupted. Finished jobs are recorded in" in err
    assert "--resume hydra.sweep.dir=sw" in err
    records = _records(tmp_path / "sw")
    assert {n: r.status for n, r in records.items()} == {0: "completed", 1: "interrupted"}
    first_job = (tmp_path / "sw" / "0" / ".hydra" / "config.yaml").stat().st_mtime_ns
    lines_before = (tmp_path / "sw" / "results.jsonl").read_text().splitlines()

    go.write_text("")
    done = sweep_app(*argv, "--resume", env=app_env(TRACE_DIR=str(trace), GO_FILE=str(go)))
    assert done.code == 0, done.err
    records = _records(tmp_path / "sw")
    assert {n: r.status for n, r in records.items()} == {
        0: "completed",
        1: "completed",
        2: "completed",
        3: "completed",
    }
    lines = (tmp_path / "sw" / "results.jsonl").read_text().splitlines()
    assert lines[: len(lines_before)] == lines_before  # appended, never rewritten
    assert [json.loads(line)["num"] for line in lines[len(lines_before) :]] == [1, 2, 3]
    assert (tmp_path / "sw" / "0" / ".hydra" / "config.yaml").stat().st_mtime_ns == first_job
    assert records[1].output_dir == str(tmp_path / "sw" / "1")


def test_a_sweep_killed_in_a_job_it_runs_itself_resumes_at_that_job(
    sweep_app: Callable[..., Done], tmp_path: Path
) -> None:
    """The basic launcher runs jobs in the sweep process, which marks them by its lock
    alone: once SIGKILL took the process, `--resume` finds the lock stale and runs the
    killed job again, without waiting for it."""
    killed = sweep_app("-m", "a=1,kill,3", "hydra.sweep.dir=sw")
    assert killed.code == -signal.SIGKILL
    assert {n: r.status for n, r in _records(tmp_path / "sw").items()} == {0: "completed"}
    assert not (tmp_path / "sw" / ".hydria-jobs" / "1.running").exists()
    trace = tmp_path / "trace"
    trace.mkdir()
    app = (tmp_path / "app.py").read_text()
    # the same sweep, whose job #1 now survives: it runs again, then the rest
    (tmp_path / "app.py").write_text(app.replace('if a == "kill":', 'if a == "kill" and False:'))
    done = sweep_app(
        "-m", "a=1,kill,3", "hydra.sweep.dir=sw", "--resume", env=app_env(TRACE_DIR=str(trace))
    )
    assert done.code == 0, done.err
    assert "waiting for it" not in done.err
    records = _records(tmp_path / "sw")
    assert {n: r.status for n, r in records.items()} == {
        0: "completed",
        1: "completed",
        2: "completed",
    }
    assert sorted(p.name for p in trace.iterdir()) == ["3.end", "3.start", "kill.end", "kill.start"]
    assert not (tmp_path / "sw" / ".hydria-jobs").exists()


def test_resume_refuses_a_different_sweep(sweep_app: Callable[..., Done], tmp_path: Path) -> None:
    assert sweep_app("-m", "a=1,2", "hydra.sweep.dir=sw").code == 0
    done = sweep_app("-m", "a=1,5", "hydra.sweep.dir=sw", "--resume")
    assert done.code == 2
    assert "job #1 of the sweep in sw ran with ['a=2'], but this command line makes it ['a=5']" in (
        done.err
    )
    missing = sweep_app("-m", "a=1", "hydra.sweep.dir=elsewhere", "hydra.sweep.resume=true")
    assert missing.code == 2
    assert "--resume: elsewhere/results.jsonl does not exist" in missing.err


def test_resume_after_everything_completed_runs_nothing(
    sweep_app: Callable[..., Done], tmp_path: Path
) -> None:
    assert sweep_app("-m", "a=1,2", "hydra.sweep.dir=sw").code == 0
    before = (tmp_path / "sw" / "results.jsonl").read_text()
    done = sweep_app("-m", "a=1,2", "hydra.sweep.dir=sw", "--resume")
    assert done.code == 0 and "Launching" not in done.out
    assert (tmp_path / "sw" / "results.jsonl").read_text() == before


def test_a_new_sweep_in_the_same_directory_keeps_the_old_results(
    sweep_app: Callable[..., Done], tmp_path: Path
) -> None:
    assert sweep_app("-m", "a=1", "hydra.sweep.dir=sw").code == 0
    assert sweep_app("-m", "a=2", "hydra.sweep.dir=sw").code == 0
    assert [r.overrides for r in load_sweep(tmp_path / "sw")] == [("a=2",)]
    kept = (tmp_path / "sw" / "results.1.jsonl").read_text()
    assert json.loads(kept)["overrides"] == ["a=1"]


def test_each_running_job_gets_its_own_gpus(sweep_app: Callable[..., Done], tmp_path: Path) -> None:
    trace = tmp_path / "trace"
    trace.mkdir()
    done = sweep_app(
        "-m",
        "hydra/launcher=joblib",
        "hydra.launcher.n_jobs=4",
        "hydra.launcher.gpus_per_job=2",
        "a=cpu1,cpu2,cpu3,cpu4,cpu5",
        "hydra.sweep.dir=sw",
        env=app_env(CUDA_VISIBLE_DEVICES="0,1,2,3", TRACE_DIR=str(trace), CPU_WORK="2000000"),
    )
    assert done.code == 0, done.err
    assert "5 jobs on 2 worker processes, 2 GPU(s) each" in done.out
    records = list(_records(tmp_path / "sw").values())
    for record in records:
        assert record.return_value["gpus"] in ("0,1", "2,3")
        assert record.extra["gpus"] == record.return_value["gpus"]
    # jobs that overlapped in time never shared a device
    spans = {
        r.return_value["a"]: (
            float((trace / f"{r.return_value['a']}.start").read_text()),
            float((trace / f"{r.return_value['a']}.end").read_text()),
            r.return_value["gpus"],
        )
        for r in records
    }
    for a, (start, end, gpus) in spans.items():
        for b, (start2, end2, gpus2) in spans.items():
            if a < b and start < end2 and start2 < end:
                assert gpus != gpus2


def test_too_few_gpus_is_a_clear_error(sweep_app: Callable[..., Done]) -> None:
    done = sweep_app(
        "-m",
        "hydra/launcher=joblib",
        "hydra.launcher.gpus_per_job=2",
        "a=1,2",
        env=app_env(CUDA_VISIBLE_DEVICES="0"),
    )
    assert done.code == 1
    assert "hydra.launcher.gpus_per_job=2, but 1 GPU(s) are visible (CUDA_VISIBLE_DEVICES='0')" in (
        done.err
    )


def _results_command(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "hydria", "results", *args],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_the_results_command(sweep_app: Callable[..., Done], tmp_path: Path) -> None:
    sweep_app("-m", "a=1,boom", "hydra.sweep.dir=sw")
    table = _results_command(tmp_path, "sw")
    assert table.returncode == 0, table.stderr
    lines = table.stdout.splitlines()
    assert lines[0] == "sw: 2 jobs, 1 completed, 1 not"
    assert lines[1].split() == ["#", "overrides", "status", "return", "value"]
    assert lines[2].startswith('0  a=1        completed  {"a": 1, "pid": ')
    assert lines[3] == "1  a=boom     FAILED     ValueError: boom in the task"
    as_csv = _results_command(tmp_path, "sw", "--format", "csv").stdout.splitlines()
    assert as_csv[0] == "num,overrides,status,return_value,duration,output_dir,error"
    assert as_csv[2].startswith("1,a=boom,failed,null,")
    as_json: list[dict[str, Any]] = json.loads(
        _results_command(tmp_path, "sw", "--format", "json").stdout
    )
    assert [(r["num"], r["status"]) for r in as_json] == [(0, "completed"), (1, "failed")]
    missing = _results_command(tmp_path, "nowhere")
    assert missing.returncode == 1
    assert "No results.jsonl in nowhere: is it a sweep directory?" in missing.stderr


def test_load_sweep_as_a_dataframe(sweep_app: Callable[..., Done], tmp_path: Path) -> None:
    sweep_app("-m", "a=1,2", "hydra.sweep.dir=sw")
    frame = load_sweep(tmp_path / "sw", dataframe=True)
    assert list(frame["num"]) == [0, 1]
    assert list(frame["overrides"]) == ["a=1", "a=2"]
    assert list(frame["status"]) == ["completed", "completed"]


CALLBACK = """
import os
from hydria import Callback

class Marks(Callback):
    def on_job_start(self, config, **kwargs):
        path = os.path.join(config.hydra.runtime.output_dir, "started")
        open(path, "w").write(str(os.getpid()))

    def on_job_end(self, config, job_return, **kwargs):
        path = os.path.join(config.hydra.runtime.output_dir, "ended")
        open(path, "w").write(job_return.status.name)
"""


def test_callbacks_run_in_the_worker_processes(
    sweep_app: Callable[..., Done], tmp_path: Path
) -> None:
    (tmp_path / "marks.py").write_text(CALLBACK)
    done = sweep_app(
        "-m",
        *JOBLIB,
        "a=1,boom",
        "hydra.sweep.dir=sw",
        "+hydra.callbacks.marks._target_=marks.Marks",
    )
    assert done.code == 1
    records = _records(tmp_path / "sw")
    for num, status in ((0, "COMPLETED"), (1, "FAILED")):
        job_dir = tmp_path / "sw" / str(num)
        assert (job_dir / "ended").read_text() == status
        assert int((job_dir / "started").read_text()) != os.getpid()
    assert records[0].return_value["pid"] == int((tmp_path / "sw" / "0" / "started").read_text())


def test_the_seed_sweep_over_every_experiment(tmp_path: Path) -> None:
    example = Path(__file__).parents[2] / "examples" / "configuring_experiments"
    done = subprocess.run(
        [
            sys.executable,
            str(example / "my_app.py"),
            "-m",
            "+experiment=glob(*)",
            f"hydra.sweep.dir={tmp_path / 'sw'}",
            *JOBLIB,
        ],
        cwd=tmp_path,
        env=app_env(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    records = load_sweep(tmp_path / "sw")
    assert [r.overrides for r in records] == [("+experiment=aplite",), ("+experiment=nglite",)]
    assert all(r.status == "completed" for r in records)
