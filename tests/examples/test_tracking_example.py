"""The tracking example, run as a user runs it: each job of its sweep is a wandb run
(offline) and an MLflow run (SQLite), with what the task logged."""

from __future__ import annotations

import os
import subprocess
import sys
import warnings
from pathlib import Path

from tests.tracking.wandb_file import read_run

EXAMPLE = Path(__file__).parents[2] / "examples" / "tracking" / "my_app.py"


def test_the_tracking_example_records_every_job(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HYDRA_", "HYDRIA_", "WANDB"))}
    env.update({"HOME": str(tmp_path / "home"), "XDG_CACHE_HOME": str(tmp_path / ".cache")})
    env.pop("MLFLOW_TRACKING_URI", None)
    done = subprocess.run(
        [sys.executable, str(EXAMPLE), "-m", "lr=0.05,0.2", "hydra.sweep.dir=tracked"],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "lr=0.05: final loss 0.2231" in done.stdout
    assert "wandb: Tracking run" not in done.stdout + done.stderr  # silent, as configured
    runs = sorted(
        (read_run(d) for d in tmp_path.glob("tracked/*/wandb/offline-run-*")),
        key=lambda r: r["run"]["name"],
    )
    assert [(r["run"]["name"], r["run"]["group"]) for r in runs] == [
        ("lr=0.05", "tracked"),
        ("lr=0.2", "tracked"),
    ]
    assert [r["summary"]["loss"] for r in runs] == [0.2231, 0.0025]
    assert [len(r["history"]) for r in runs] == [3, 3]  # the task's own wandb.log calls
    from mlflow.tracking import MlflowClient

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # MLflow's own SQLAlchemy use
        client = MlflowClient(tracking_uri=f"sqlite:///{tmp_path / 'mlflow.db'}")
        experiment = client.get_experiment_by_name("my_app")
        assert experiment is not None
        jobs = [
            r
            for r in client.search_runs([experiment.experiment_id])
            if "mlflow.parentRunId" in r.data.tags
        ]
        history = {
            r.info.run_name: [m.value for m in client.get_metric_history(r.info.run_id, "loss")]
            for r in jobs
        }
    # the task's three epochs, then the returned loss, logged by the callback
    assert history == {
        "lr=0.05": [0.6065, 0.3679, 0.2231, 0.2231],
        "lr=0.2": [0.1353, 0.0183, 0.0025, 0.0025],
    }
