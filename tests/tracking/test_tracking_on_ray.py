"""The tracking callbacks on a Ray sweep: each job is tracked in the Ray worker it runs in."""

from __future__ import annotations

from pathlib import Path

import pytest

from .conftest import RunApp
from .test_tracking import mlflow_runs, wandb_runs

# With the Ray launcher's own local clusters, one after another: Ray clusters started
# side by side on a 2-core machine slowed each other several times over.
pytestmark = [
    pytest.mark.filterwarnings("ignore::DeprecationWarning"),
    pytest.mark.xdist_group("ray-local"),
]


def test_a_sweep_on_ray_is_tracked_where_the_jobs_run(tracked_app: RunApp, tmp_path: Path) -> None:
    # address=local: a cluster of its own. Without an address `ray.init` joins any
    # cluster running on the machine, such as the Ray group's head node.
    done = tracked_app(
        "-m", "hydra/callbacks=tracking", "hydra/launcher=ray",
        "+hydra.launcher.ray.init.num_cpus=2", "+hydra.launcher.ray.init.address=local",
        "lr=0.1,0.2", "hydra.sweep.dir=sweep",
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    runs = wandb_runs(tmp_path)
    assert [(r["run"]["name"], r["run"]["group"]) for r in runs] == [
        ("lr=0.1", "sweep"),
        ("lr=0.2", "sweep"),
    ]
    mlflow = mlflow_runs(tmp_path)
    [parent] = [r for r in mlflow if "mlflow.parentRunId" not in r.data.tags]
    children = [r for r in mlflow if r is not parent]
    assert [(r.info.run_name, r.info.status) for r in children] == [
        ("lr=0.1", "FINISHED"),
        ("lr=0.2", "FINISHED"),
    ]
    assert {r.data.tags["mlflow.parentRunId"] for r in children} == {parent.info.run_id}
