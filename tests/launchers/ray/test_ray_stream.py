"""The Ray launcher takes a streamed sweep's jobs one at a time: a job starts on the
real cluster whenever fewer than the sweeper's `max_in_flight` run, so one slow job
holds back no other."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from tests.sweeps.test_streamed_sweeps import APP, SWEEPER, _run

# on the Ray group's worker: its head node is started once, there
pytestmark = pytest.mark.xdist_group("ray")


def test_a_slow_job_does_not_hold_back_the_others_on_ray(tmp_path: Path, ray_head: str) -> None:
    (tmp_path / "conf").mkdir()
    (tmp_path / "conf" / "config.yaml").write_text("a: 0\n")
    (tmp_path / "app.py").write_text(APP)
    (tmp_path / "streams.py").write_text(SWEEPER)
    done = _run(
        tmp_path,
        "hydra/launcher=ray",
        f"hydra.launcher.ray.init.address={ray_head}",
        "+hydra.sweeper.plan=[2.5,0.1,0.1,0.1,0.1]",
        "+hydra.sweeper.n_jobs=2",
        "hydra.sweeper._target_=streams.StreamSweeper",
        "hydra.sweep.dir=sw",
    )
    assert done.returncode == 0, done.stderr
    lines = (tmp_path / "sw" / "results.jsonl").read_text().splitlines()
    values = {r["num"]: r["return_value"] for r in map(json.loads, lines)}
    assert sorted(values) == [0, 1, 2, 3, 4]
    assert all(values[n]["end"] < values[0]["end"] for n in range(1, 5))
    events = [json.loads(line) for line in (tmp_path / "stream.log").read_text().splitlines()]
    asks = [e for e in events if "ask" in e]
    assert [e["ask"] for e in asks] == [0, 1, 2, 3, 4]
    assert all(len(e["told"]) >= e["ask"] - 1 for e in asks)  # two in flight at most


def test_an_optuna_trial_is_pruned_from_a_ray_task(tmp_path: Path, ray_head: str) -> None:
    pytest.importorskip("optuna")
    from tests.sweepers.test_optuna_sweeps import APP as OPTUNA_APP
    from tests.sweepers.test_optuna_sweeps import CONFIG as OPTUNA_CONFIG

    (tmp_path / "conf").mkdir()
    (tmp_path / "conf" / "config.yaml").write_text(OPTUNA_CONFIG)
    (tmp_path / "app.py").write_text(OPTUNA_APP)
    done = _run(
        tmp_path,
        "hydra/launcher=ray",
        "~hydra.launcher.n_jobs",
        f"hydra.launcher.ray.init.address={ray_head}",
        "hydra.sweeper.n_trials=4",
        "+hydra.sweeper.pruner._target_=optuna.pruners.ThresholdPruner",
        "+hydra.sweeper.pruner.upper=0.0",
        "hydra.sweeper.params.x='interval(1, 5)'",
        "hydra.sweep.dir=sw",
        "+hydra.job.env_set.PRUNE=1",  # Ray workers have the head node's environment
    )
    assert done.returncode == 0, done.stderr
    lines = (tmp_path / "sw" / "results.jsonl").read_text().splitlines()
    assert [json.loads(line)["status"] for line in lines] == ["pruned"] * 4
