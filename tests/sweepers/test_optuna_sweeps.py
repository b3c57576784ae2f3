"""`hydra/sweeper=optuna` on real apps in real processes: trials on joblib workers with no
batch barrier, resume (also after the sweep was killed), pruning reported from a worker
process and from a submitit job, and what the sweep leaves in its directory."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

optuna = pytest.importorskip("optuna")
pytest.importorskip("joblib")

from hydria.sweepers.optuna_storage import JOURNAL_FILE, journal_storage  # noqa: E402

CONFIG = """
defaults:
  - override hydra/sweeper: optuna
  - override hydra/launcher: joblib
x: 0.0
kind: a
hydra:
  sweeper:
    n_trials: 8
    n_jobs: 2
    sampler:
      seed: 1
    params:
      x: interval(-5, 5)
      kind: choice(a, b)
  launcher:
    n_jobs: 2
"""

APP = """
import os, time
import hydria
from hydria import HydraConfig

@hydria.main(config_path="conf", config_name="config", version_base=None)
def app(cfg):
    num = HydraConfig.get().job.num
    start = time.time()
    if os.environ.get("SLOW_JOB") == str(num):
        open(f"started-{num}", "w").close()
        time.sleep(float(os.environ.get("SLOW_FOR", "3")))
    if os.environ.get("PRUNE"):
        for step in range(4):
            if hydria.report(cfg.x * (step + 1), step):
                raise hydria.TrialPruned(f"at step {step}")
    value = (cfg.x - 2) ** 2 + (0 if cfg.kind == "a" else 1)
    with open(f"trial-{num}.json", "w") as f:
        f.write(__import__("json").dumps({"start": start, "end": time.time(), "pid": os.getpid()}))
    return value

if __name__ == "__main__":
    app()
"""


@pytest.fixture
def app(tmp_path: Path) -> Path:
    (tmp_path / "conf").mkdir()
    (tmp_path / "conf" / "config.yaml").write_text(CONFIG)
    (tmp_path / "app.py").write_text(APP)
    return tmp_path


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HYDRA", "HYDRIA"))}
    env.update(extra)
    return env


def _run(root: Path, *argv: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "app.py", "-m", "hydra.sweep.dir=sw", *argv],
        cwd=root,
        env=_env(**env),
        capture_output=True,
        text=True,
        timeout=300,
    )


def _records(root: Path) -> list[dict[str, Any]]:
    lines = (root / "sw" / "results.jsonl").read_text().splitlines()
    return [json.loads(line) for line in lines]


def _study(root: Path) -> Any:
    storage = journal_storage(optuna, root / "sw" / JOURNAL_FILE)
    (summary,) = optuna.get_all_study_summaries(storage)
    return optuna.load_study(study_name=summary.study_name, storage=storage)


def test_eight_trials_then_a_resume_to_twelve_runs_exactly_four_more(app: Path) -> None:
    done = _run(app)
    assert done.returncode == 0, done.stderr
    records = _records(app)
    assert sorted(r["num"] for r in records) == list(range(8))
    assert all(r["status"] == "completed" for r in records)
    results = (app / "sw" / "optimization_results.yaml").read_text()
    study = _study(app)
    assert f"best_value: {study.best_value}" in results
    assert f"output_dir: {app / 'sw' / str(study.best_trial.number)}" in results
    # the summary (stderr) lists the best trial first
    table = done.stderr.split("return value\n", 1)[1].splitlines()
    assert table[0].split()[0] == str(study.best_trial.number)

    done = _run(app, "--resume", "hydra.sweeper.n_trials=12")
    assert done.returncode == 0, done.stderr
    assert "8 of 12 trials of study" in done.stderr
    records = _records(app)
    assert sorted(r["num"] for r in records) == list(range(12))
    assert len(_study(app).trials) == 12
    # a third run with the same n_trials has nothing left to do
    done = _run(app, "--resume", "hydra.sweeper.n_trials=12")
    assert done.returncode == 0 and len(_records(app)) == 12


def test_a_slow_trial_does_not_keep_a_worker_idle(app: Path) -> None:
    done = _run(app, "hydra.sweeper.n_trials=6", SLOW_JOB="0", SLOW_FOR="2.5")
    assert done.returncode == 0, done.stderr
    spans = {n: json.loads((app / f"trial-{n}.json").read_text()) for n in range(6)}
    # while trial 0 slept, the other worker ran every other trial, one after another
    assert all(spans[n]["end"] < spans[0]["end"] for n in range(1, 6))
    assert len({spans[n]["pid"] for n in range(1, 6)}) == 1 != spans[0]["pid"]


def test_trials_are_pruned_from_the_worker_processes(app: Path) -> None:
    done = _run(
        app,
        "hydra.sweeper.n_trials=14",
        "+hydra.sweeper.pruner._target_=optuna.pruners.MedianPruner",
        "+hydra.sweeper.pruner.n_startup_trials=3",
        PRUNE="1",
    )
    assert done.returncode == 0, done.stderr
    statuses = [r["status"] for r in _records(app)]
    assert "pruned" in statuses and set(statuses) == {"completed", "pruned"}
    study = _study(app)
    pruned = [t for t in study.trials if t.state.name == "PRUNED"]
    assert len(pruned) == statuses.count("pruned")
    assert all(t.intermediate_values for t in pruned)  # reported from the worker
    assert "pruned, 0 not" in done.stderr


def test_a_trial_is_pruned_from_a_submitit_job(app: Path) -> None:
    pytest.importorskip("submitit")
    done = _run(
        app,
        "hydra/launcher=submitit_local",
        "~hydra.launcher.n_jobs",  # the joblib option the primary config sets
        "hydra.sweeper.n_trials=6",
        "+hydra.sweeper.pruner._target_=optuna.pruners.ThresholdPruner",
        "+hydra.sweeper.pruner.upper=0.0",
        "hydra.sweeper.params.x='interval(1, 5)'",
        PRUNE="1",
    )
    assert done.returncode == 0, done.stderr
    # every x is above the threshold: each trial is pruned at its first report
    assert [r["status"] for r in _records(app)] == ["pruned"] * 6
    assert all(
        t.state.name == "PRUNED" and list(t.intermediate_values) == [0] for t in _study(app).trials
    )


def test_resume_after_the_sweep_was_killed_replaces_the_trials_it_ran(app: Path) -> None:
    proc = subprocess.Popen(
        [sys.executable, "app.py", "-m", "hydra.sweep.dir=sw", "hydra.sweeper.n_trials=6"],
        cwd=app,
        env=_env(SLOW_JOB="2", SLOW_FOR="120"),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    deadline = time.monotonic() + 120
    while not (app / "started-2").exists():
        assert proc.poll() is None and time.monotonic() < deadline
        time.sleep(0.05)
    os.killpg(proc.pid, signal.SIGKILL)  # the sweep and its workers, as a node failure
    proc.wait()
    before = _study(app)
    running = [t.number for t in before.trials if t.state.name == "RUNNING"]
    assert 2 in running
    recorded = {r["num"]: r for r in _records(app)}
    dirs = {int(p.name) for p in (app / "sw").iterdir() if p.name.isdigit()}

    done = _run(app, "--resume", "hydra.sweeper.n_trials=6")
    assert done.returncode == 0, done.stderr
    study = _study(app)
    # a trial whose job recorded its end is told it; the others failed, and replaced
    abandoned = [n for n in running if n not in recorded]
    assert 2 in abandoned
    assert study.user_attrs["hydria.replaced"] == abandoned
    assert all(study.trials[n].state.name == "FAIL" for n in abandoned)
    counted = [t for t in study.trials if t.number not in abandoned]
    assert len(counted) == 6 and all(t.state.name == "COMPLETE" for t in counted)
    # no finished trial ran again, and no job directory was used twice
    records = _records(app)
    new = [r["num"] for r in records if r["num"] not in recorded]
    assert len(new) == len(set(new)) == 6 - len(recorded)
    assert not set(new) & dirs


def test_a_second_sweep_on_a_busy_directory_leaves_the_study_alone(app: Path) -> None:
    first = subprocess.Popen(
        [sys.executable, "app.py", "-m", "hydra.sweep.dir=sw", "hydra.sweeper.n_trials=4"],
        cwd=app,
        env=_env(SLOW_JOB="0", SLOW_FOR="2.5"),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 120
    while not (app / "started-0").exists():
        assert first.poll() is None and time.monotonic() < deadline
        time.sleep(0.05)
    second = _run(app, "hydra.sweeper.n_trials=4")
    assert second.returncode != 0
    assert "is in use by another sweep" in second.stderr
    _, err = first.communicate(timeout=120)
    assert first.returncode == 0, err
    assert not (app / "sw" / "optuna.1.journal").exists()  # the running study was not moved
    assert len(_study(app).trials) == 4 and len(_records(app)) == 4


def test_a_trial_is_pruned_in_the_sweep_process_on_the_basic_launcher(app: Path) -> None:
    config = app / "conf" / "config.yaml"
    config.write_text(
        config.read_text()
        .replace("override hydra/launcher: joblib", "override hydra/launcher: basic")
        .replace("  launcher:\n    n_jobs: 2\n", "")
    )
    done = _run(
        app,
        "hydra.sweeper.n_trials=3",
        "+hydra.sweeper.pruner._target_=optuna.pruners.ThresholdPruner",
        "+hydra.sweeper.pruner.upper=0.0",
        "hydra.sweeper.params.x='interval(1, 5)'",
        PRUNE="1",
    )
    assert done.returncode == 0, done.stderr
    assert [r["status"] for r in _records(app)] == ["pruned"] * 3
    assert "Job failed" not in done.stdout + done.stderr  # pruning is not a failure
