"""`hydra/callbacks=wandb|mlflow|tracking` on real runs and sweeps, read back from wandb's
offline files and through MLflow's own client."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from .conftest import RunApp
from .wandb_file import read_run

JOBLIB = ["hydra/launcher=joblib", "hydra.launcher.n_jobs=2"]

# MLflow's SQLAlchemy use warns about its own deprecated calls when the tests read runs back
# one xdist worker runs every test of the group, so its engine starts once
pytestmark = [
    pytest.mark.filterwarnings("ignore::DeprecationWarning"),
    pytest.mark.xdist_group("tracking"),
]


def wandb_runs(root: Path) -> list[dict[str, Any]]:
    runs = [read_run(d) for d in sorted(root.glob("**/wandb/offline-run-*"))]
    return sorted(runs, key=lambda r: r["run"]["name"])


def mlflow_runs(root: Path, experiment: str = "app") -> list[Any]:
    from mlflow.tracking import MlflowClient

    client = MlflowClient(tracking_uri=f"sqlite:///{root / 'mlflow.db'}")
    found = client.get_experiment_by_name(experiment)
    assert found is not None, f"no MLflow experiment {experiment!r}"
    runs = client.search_runs([found.experiment_id])
    return sorted(runs, key=lambda r: r.info.run_name)


def mlflow_artifacts(root: Path, run_id: str) -> list[str]:
    from mlflow.tracking import MlflowClient

    client = MlflowClient(tracking_uri=f"sqlite:///{root / 'mlflow.db'}")
    return sorted(a.path for a in client.list_artifacts(run_id, "hydra"))


def test_a_wandb_run_gets_config_choices_overrides_and_results(
    tracked_app: RunApp, tmp_path: Path
) -> None:
    done = tracked_app("hydra/callbacks=wandb", "db=postgresql", "lr=0.3")
    assert done.returncode == 0, done.stderr
    [run] = wandb_runs(tmp_path)
    [output_dir] = list((tmp_path / "outputs").glob("*/*"))
    assert run["run"]["name"] == "db=postgresql,lr=0.3"  # hydra.job.override_dirname
    assert run["run"]["project"] == "app"  # ${hydra.job.name}
    assert run["run"]["group"] == ""  # a single run is in no sweep
    assert "db=postgresql" in run["run"]["tags"]
    config = run["config"]
    assert (config["db.host"], config["db.port"], config["lr"], config["name"]) == (
        "pg",
        5432,
        0.3,
        "demo",
    )
    assert config["hydria/choices"] == {"db": "postgresql"}
    assert config["hydria/overrides"] == ["db=postgresql", "lr=0.3"]
    assert config["hydria/output_dir"] == str(output_dir)
    summary = run["summary"]
    assert (summary["score"], summary["nested.depth"], summary["loss"]) == (0.6, 3.0, 0.25)
    assert "label" not in summary  # only numbers become metrics
    assert run["exit_code"] == 0
    assert run["artifacts"] == [f"hydra-config-{_run_id(tmp_path)}"]


def _run_id(root: Path) -> str:
    [run_dir] = list(root.glob("**/wandb/offline-run-*"))
    return run_dir.name.rsplit("-", 1)[1]


def test_an_mlflow_run_gets_params_tags_metrics_and_the_hydra_files(
    tracked_app: RunApp, tmp_path: Path
) -> None:
    done = tracked_app("hydra/callbacks=mlflow", "lr=0.3")
    assert done.returncode == 0, done.stderr
    [run] = mlflow_runs(tmp_path)
    assert (run.info.run_name, run.info.status) == ("lr=0.3", "FINISHED")
    params = run.data.params
    assert params == {"db.host": "localhost", "db.port": "3306", "lr": "0.3", "name": "demo"}
    assert run.data.metrics == {"score": 0.6, "nested.depth": 3.0, "loss": 0.25}
    tags = run.data.tags
    assert tags["hydria.choice.db"] == "mysql"
    assert tags["hydria.overrides"] == "lr=0.3"
    assert "mlflow.parentRunId" not in tags
    assert mlflow_artifacts(tmp_path, run.info.run_id) == [
        "hydra/config.yaml",
        "hydra/hydra.yaml",
        "hydra/overrides.yaml",
    ]


def test_a_parallel_sweep_is_grouped(tracked_app: RunApp, tmp_path: Path) -> None:
    done = tracked_app(
        "-m", "hydra/callbacks=tracking", *JOBLIB, "lr=0.1,0.2", "db=mysql,postgresql",
        "hydra.sweep.dir=sweep",
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    names = ["db=mysql,lr=0.1", "db=mysql,lr=0.2", "db=postgresql,lr=0.1", "db=postgresql,lr=0.2"]
    runs = wandb_runs(tmp_path)
    assert [r["run"]["name"] for r in runs] == names
    assert {r["run"]["group"] for r in runs} == {"sweep"}
    assert sorted(r["config"]["hydria/job_num"] for r in runs) == [0, 1, 2, 3]
    assert all(r["exit_code"] == 0 for r in runs)
    mlflow = mlflow_runs(tmp_path)
    [parent] = [r for r in mlflow if "mlflow.parentRunId" not in r.data.tags]
    children = [r for r in mlflow if r is not parent]
    assert parent.info.run_name == "sweep sweep"
    assert parent.info.status == "FINISHED"
    assert [r.info.run_name for r in children] == names
    assert {r.data.tags["mlflow.parentRunId"] for r in children} == {parent.info.run_id}
    assert sorted(r.data.tags["hydria.job_num"] for r in children) == ["0", "1", "2", "3"]
    assert [r.data.metrics["score"] for r in children] == pytest.approx([0.2, 0.4, 0.2, 0.4])


def test_a_failing_job_is_marked_failed(tracked_app: RunApp, tmp_path: Path) -> None:
    done = tracked_app(
        "-m", "hydra/callbacks=tracking", *JOBLIB, "lr=0.5,5", "hydra.sweep.dir=sweep"
    )
    assert done.returncode == 1
    runs = wandb_runs(tmp_path)
    assert [(r["run"]["name"], r["exit_code"]) for r in runs] == [("lr=0.5", 0), ("lr=5", 1)]
    assert "score" not in runs[1]["summary"] and runs[1]["summary"]["loss"] == 0.25
    children = [r for r in mlflow_runs(tmp_path) if "mlflow.parentRunId" in r.data.tags]
    assert [(r.info.run_name, r.info.status) for r in children] == [
        ("lr=0.5", "FINISHED"),
        ("lr=5", "FAILED"),
    ]
    assert children[1].data.metrics == {"loss": 0.25}  # what the task logged before failing


def test_callback_settings_come_from_the_config_with_interpolation(
    tracked_app: RunApp, tmp_path: Path
) -> None:
    done = tracked_app(
        "hydra/callbacks=tracking",
        "hydra.callbacks.wandb.project=proj_${name}",
        "hydra.callbacks.wandb.tags=[nightly]",
        "hydra.callbacks.mlflow.experiment_name=exp_${db.host}",
        "+hydra.callbacks.mlflow.tags.team=vision",
    )
    assert done.returncode == 0, done.stderr
    [run] = wandb_runs(tmp_path)
    assert run["run"]["project"] == "proj_demo"
    assert run["run"]["tags"] == ["nightly", "db=mysql"]
    [mlrun] = mlflow_runs(tmp_path, "exp_localhost")
    assert mlrun.data.tags["team"] == "vision"


def test_the_libraries_are_imported_only_by_the_callbacks_that_use_them(
    tracked_app: RunApp, tmp_path: Path
) -> None:
    probe = (
        "import atexit, sys\n"
        "atexit.register(lambda: print('imported:', "
        "sorted(m for m in ('wandb', 'mlflow') if m in sys.modules)))\n"
        "import hydria\n"
        "@hydria.main(config_path='conf', config_name='config', version_base=None)\n"
        "def app(cfg):\n    return 1\n"
        "app()\n"
    )
    (tmp_path / "app.py").write_text(probe)
    assert tracked_app().stdout.strip() == "imported: []"
    assert tracked_app("hydra/callbacks=mlflow").stdout.strip() == "imported: ['mlflow']"


@pytest.mark.parametrize(
    ("argv", "missing", "extra"),
    [
        pytest.param(["hydra/callbacks=wandb"], "wandb", "wandb", id="wandb"),
        pytest.param(["hydra/callbacks=mlflow"], "mlflow", "mlflow", id="mlflow"),
        pytest.param(["hydra/callbacks=tracking"], "wandb", "wandb", id="tracking-no-wandb"),
        pytest.param(["hydra/callbacks=tracking"], "mlflow", "mlflow", id="tracking-no-mlflow"),
        pytest.param(["-m", "hydra/callbacks=wandb", "lr=1,2"], "wandb", "wandb", id="sweep"),
    ],
)
def test_a_missing_tracking_library_stops_the_app_before_any_job(
    tracked_app: RunApp, tmp_path: Path, argv: list[str], missing: str, extra: str
) -> None:
    from .conftest import APP

    # the library cannot be imported in the app's process (as if not installed)
    blocked = f"import sys\nsys.modules[{missing!r}] = None\n"
    (tmp_path / "app.py").write_text(blocked + APP)
    done = tracked_app(*argv)
    assert done.returncode == 1, done.stderr
    assert f"tracks runs with {missing}, which is not installed" in done.stderr
    assert f"pip install hydria[{extra}]" in done.stderr
    assert "ModuleNotFoundError" not in done.stderr and "Traceback" not in done.stderr
    assert not (tmp_path / "outputs").exists() and not (tmp_path / "multirun").exists()


@pytest.mark.parametrize(
    ("wandb_dir", "argv"),
    [
        pytest.param("wandb_files", [], id="relative"),
        pytest.param("wandb_files", ["hydra.job.chdir=true"], id="relative-after-chdir"),
        pytest.param("ABSOLUTE", [], id="absolute"),
    ],
)
def test_wandb_writes_into_WANDB_DIR_when_it_is_set(
    tracked_app: RunApp, tmp_path: Path, wandb_dir: str, argv: list[str]
) -> None:
    if wandb_dir == "ABSOLUTE":
        wandb_dir = str(tmp_path / "elsewhere" / "wandb_files")
    done = tracked_app("hydra/callbacks=wandb", *argv, WANDB_DIR=wandb_dir)
    assert done.returncode == 0, done.stderr
    where = tmp_path / wandb_dir  # relative: from where the app was started
    [run_dir] = list(where.glob("wandb/offline-run-*"))
    assert read_run(run_dir)["run"]["project"] == "app"
    assert not list((tmp_path / "outputs").glob("**/wandb"))


def test_without_WANDB_DIR_wandb_writes_into_the_jobs_output_dir(
    tracked_app: RunApp, tmp_path: Path
) -> None:
    done = tracked_app("hydra/callbacks=wandb")
    assert done.returncode == 0, done.stderr
    [output_dir] = list((tmp_path / "outputs").glob("*/*"))
    assert len(list(output_dir.glob("wandb/offline-run-*"))) == 1
