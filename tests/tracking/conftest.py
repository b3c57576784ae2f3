"""Real wandb (offline, no network) and real MLflow (SQLite) behind the tracking callbacks.

Each test runs a real app in a fresh process. The MLflow database is migrated once per
session (that takes seconds) and copied for each test.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
import warnings
from collections.abc import Callable
from pathlib import Path

import pytest

APP = textwrap.dedent(
    """
    import os
    import hydria

    @hydria.main(config_path="conf", config_name="config", version_base=None)
    def app(cfg):
        import sys
        # the task logs to the run the callback opened; a library no callback imported
        # has no run (and importing it here would cost each test seconds of CPU)
        wandb, mlflow = sys.modules.get("wandb"), sys.modules.get("mlflow")
        if wandb is not None and wandb.run is not None:
            wandb.log({"loss": 0.25})
        if mlflow is not None and mlflow.active_run() is not None:
            mlflow.log_metric("loss", 0.25)
        if cfg.lr > 1:
            raise ValueError(f"lr={cfg.lr} is too large")
        return {"score": cfg.lr * 2, "nested": {"depth": 3}, "label": "not a number"}

    if __name__ == "__main__":
        app()
    """
)

FILES = {
    "config.yaml": "defaults:\n  - db: mysql\n  - _self_\n\nlr: 0.1\nname: demo\n",
    "db/mysql.yaml": "host: localhost\nport: 3306\n",
    "db/postgresql.yaml": "host: pg\nport: 5432\n",
}


@pytest.fixture(scope="session")
def mlflow_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An MLflow SQLite database with its tables already created."""
    from mlflow.tracking import MlflowClient

    path = tmp_path_factory.mktemp("mlflow") / "template.db"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # MLflow's own SQLAlchemy use
        MlflowClient(tracking_uri=f"sqlite:///{path}").search_experiments()
    return path


RunApp = Callable[..., subprocess.CompletedProcess[str]]


@pytest.fixture
def tracked_app(tmp_path: Path, mlflow_template: Path) -> RunApp:
    """`tracked_app(*argv, **env)`: run the app in `tmp_path` with wandb offline and the
    MLflow store at `tmp_path/mlflow.db`, with `env` added to its environment."""
    for rel, text in FILES.items():
        (tmp_path / "conf" / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / "conf" / rel).write_text(text)
    (tmp_path / "app.py").write_text(APP)
    shutil.copy(mlflow_template, tmp_path / "mlflow.db")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HYDRA_", "HYDRIA_"))}
    env.update(
        {
            "WANDB_MODE": "offline",
            "WANDB_SILENT": "true",
            "WANDB_DISABLE_GIT": "true",
            "HOME": str(tmp_path / "home"),
            "XDG_CACHE_HOME": str(tmp_path / ".cache"),
            "MLFLOW_TRACKING_URI": f"sqlite:///{tmp_path / 'mlflow.db'}",
        }
    )

    def run(*argv: str, **extra_env: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "app.py", *argv],
            cwd=tmp_path,
            env={**env, **extra_env},
            capture_output=True,
            text=True,
            timeout=300,
        )

    return run
