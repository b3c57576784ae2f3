"""A sweeper that makes each job from the results of earlier ones (`run_stream`): the
launcher starts a job whenever a slot frees up, so a slow job holds back no other, and
the sweeper hears every end before it is asked for the next job. Real apps in real
processes: the basic launcher, the joblib launcher's workers, and a third-party
launcher without `launch_stream` (batches, Hydra's way)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("joblib")

SWEEPER = '''
import json, os
from hydria.overrides import parse_overrides
from hydria.plugin_contracts import Sweeper

class StreamSweeper(Sweeper):
    """Job i sets `a` to a plan's i-th value; logs what it was told before each ask."""

    def __init__(self, plan, n_jobs=2, log="stream.log", **basic_keys):
        self.plan = list(plan)
        self.n_jobs = n_jobs
        self.log = log

    def sweep(self, overrides, session):
        told = []
        def next_job(num):
            if num >= len(self.plan):
                with open(self.log, "a") as f:
                    f.write(json.dumps({"none": num}) + "\\n")
                return None
            with open(self.log, "a") as f:
                f.write(json.dumps({"ask": num, "told": sorted(told)}) + "\\n")
            return parse_overrides([f"a={self.plan[num]}"])
        def job_ended(num, result):
            told.append(num)
            with open(self.log, "a") as f:
                f.write(json.dumps({"end": num, "value": result.value}) + "\\n")
        session.run_stream(next_job, job_ended, max_in_flight=self.n_jobs, total=len(self.plan))

class BatchOnlyLauncher:
    """A launcher written before streams: `launch` only."""

    def launch(self, jobs, events):
        from hydria.runtime import run_job
        for index, spec in enumerate(jobs):
            events.started(index, {})
            events.finished(index, run_job(spec))
'''

APP = """
import os, time
import hydria

@hydria.main(config_path="conf", config_name="config", version_base=None)
def app(cfg):
    start = time.time()
    time.sleep(float(cfg.a))
    return {"a": cfg.a, "start": start, "end": time.time(), "pid": os.getpid()}

if __name__ == "__main__":
    app()
"""


def _run(root: Path, *argv: str, **extra: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HYDRA", "HYDRIA"))}
    env["PYTHONPATH"] = str(root)
    env["HYDRIA_ALLOWED_TARGETS"] = "streams"
    env.update(extra)
    return subprocess.run(
        [sys.executable, "app.py", "-m", *argv],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )


@pytest.fixture
def root(tmp_path: Path) -> Path:
    (tmp_path / "conf").mkdir()
    (tmp_path / "conf" / "config.yaml").write_text("a: 0\n")
    (tmp_path / "app.py").write_text(APP)
    (tmp_path / "streams.py").write_text(SWEEPER)
    return tmp_path


def _log(root: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in (root / "stream.log").read_text().splitlines()]


def _values(root: Path) -> dict[int, dict[str, float]]:
    lines = (root / "sw" / "results.jsonl").read_text().splitlines()
    return {r["num"]: r["return_value"] for r in map(json.loads, lines)}


def test_a_slow_job_does_not_hold_back_the_others_on_the_joblib_launcher(root: Path) -> None:
    # job 0 sleeps 2 s; the 5 short ones run one after another on the other worker
    plan = "[2.0,0.1,0.1,0.1,0.1,0.1]"
    done = _run(
        root,
        "hydra/launcher=joblib",
        "hydra.launcher.n_jobs=2",
        f"+hydra.sweeper.plan={plan}",
        "hydra.sweeper._target_=streams.StreamSweeper",
        "hydra.sweep.dir=sw",
    )
    assert done.returncode == 0, done.stderr
    values = _values(root)
    assert sorted(values) == [0, 1, 2, 3, 4, 5]
    slow_end = values[0]["end"]
    # every short job started and ended while the slow one still ran, in the same worker
    assert all(values[n]["end"] < slow_end for n in range(1, 6))
    assert len({values[n]["pid"] for n in range(1, 6)}) == 1
    assert values[0]["pid"] != values[1]["pid"]
    # each ask came after every job that ended before it was told (2 in flight at most)
    events = _log(root)
    asks = [e for e in events if "ask" in e]
    assert [e["ask"] for e in asks] == [0, 1, 2, 3, 4, 5]
    for e in asks[2:]:
        index = events.index(e)
        ended = sorted(x["end"] for x in events[:index] if "end" in x)
        assert e["told"] == ended and len(ended) >= int(e["ask"]) - 1  # type: ignore[call-overload]


def test_the_basic_launcher_asks_for_each_job_once_the_last_was_told(root: Path) -> None:
    done = _run(
        root,
        "+hydra.sweeper.plan=[0,0,0]",
        "hydra.sweeper._target_=streams.StreamSweeper",
        "hydra.sweep.dir=sw",
    )
    assert done.returncode == 0, done.stderr
    events = _log(root)
    assert [next(iter(e)) for e in events] == ["ask", "end"] * 3 + ["none"]
    assert [e["told"] for e in events if "ask" in e] == [[], [0], [0, 1]]
    assert sorted(_values(root)) == [0, 1, 2]
    assert "3 jobs, 3 completed" in done.stderr


def test_a_launcher_without_streams_runs_them_in_batches(root: Path) -> None:
    done = _run(
        root,
        "+hydra.sweeper.plan=[0,0,0,0,0]",
        "+hydra.sweeper.n_jobs=2",
        "hydra.sweeper._target_=streams.StreamSweeper",
        "hydra.launcher._target_=streams.BatchOnlyLauncher",
        "hydra.sweep.dir=sw",
    )
    assert done.returncode == 0, done.stderr
    asks = [e["told"] for e in _log(root) if "ask" in e]
    # two jobs asked per batch, each batch after the previous one ended
    assert asks == [[], [], [0, 1], [0, 1], [0, 1, 2, 3]]
    assert sorted(_values(root)) == [0, 1, 2, 3, 4]


def test_a_resumed_stream_numbers_its_jobs_after_the_earlier_ones(root: Path) -> None:
    argv = ["+hydra.sweeper.plan=[0,0]", "hydra.sweeper._target_=streams.StreamSweeper"]
    assert _run(root, *argv, "hydra.sweep.dir=sw").returncode == 0
    (root / "stream.log").unlink()
    done = _run(root, *argv, "hydra.sweep.dir=sw", "--resume")
    assert done.returncode == 0, done.stderr
    # the sweeper is asked from job #2 on: the plan has only two jobs, so none runs
    assert _log(root) == [{"none": 2}]
    assert sorted(_values(root)) == [0, 1]


def test_a_slow_job_does_not_hold_back_the_others_on_submitit_local(root: Path) -> None:
    pytest.importorskip("submitit")
    done = _run(
        root,
        "hydra/launcher=submitit_local",
        "+hydra.sweeper.plan=[6.0,0.1,0.1,0.1]",
        "+hydra.sweeper.n_jobs=2",
        "hydra.sweeper._target_=streams.StreamSweeper",
        "hydra.sweep.dir=sw",
    )
    assert done.returncode == 0, done.stderr
    values = _values(root)
    assert sorted(values) == [0, 1, 2, 3]
    # in batches of two, job #2 would start only once job #0 ended; each job is its own
    # submitit process, whose start takes a second or two on a loaded machine
    assert values[1]["end"] < values[0]["end"] and values[2]["start"] < values[0]["end"]
    asks = [e for e in _log(root) if "ask" in e]
    assert all(len(e["told"]) >= int(e["ask"]) - 1 for e in asks)  # type: ignore[call-overload]
