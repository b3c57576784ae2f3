"""`hydra/callbacks=mlflow`: every job is an MLflow run; a sweep is a parent run.

The sweep's parent run is created where the sweep starts; its id travels with the
callback (pickled with each job's spec) and every job's run is created as its
child where the job runs, then made the active run, so the task logs to it with
`mlflow.log_metric` / `mlflow.active_run()`. mlflow is imported only when used.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from omegaconf import DictConfig

from hydria.plugin_contracts import Callback
from hydria.tracking.job_info import job_info, numbers_in
from hydria.tracking.library import require_library

__all__ = ["MlflowCallback"]

LOG = logging.getLogger(__name__)
_PARAM_VALUE_LIMIT = 6000  # MLflow rejects longer parameter values
_PARAM_BATCH = 100  # and more than 100 parameters per call


def _param_text(value: Any) -> str:
    text = "None" if value is None else str(value)
    return text if len(text) <= _PARAM_VALUE_LIMIT else text[: _PARAM_VALUE_LIMIT - 3] + "..."


class MlflowCallback(Callback):
    """Records each job as an MLflow run.

    Args:
        tracking_uri: where runs are stored (`sqlite:////abs/mlflow.db`, `http://...`).
        experiment_name: the MLflow experiment (default in the config: the job name).
        tags: tags set on every run (and on a sweep's parent run).
        log_hydra_files: log the job's `.hydra` folder as artifacts under `hydra/`.
    """

    def __init__(
        self,
        tracking_uri: str | None = None,
        experiment_name: str | None = None,
        tags: Mapping[str, Any] | None = None,
        log_hydra_files: bool = True,
    ) -> None:
        require_library("mlflow", extra="mlflow", callback="hydra/callbacks=mlflow")
        self.tracking_uri = tracking_uri
        self.experiment_name = experiment_name
        self.tags = {str(k): str(v) for k, v in (tags or {}).items()}
        self.log_hydra_files = log_hydra_files
        self.parent_run_id: str | None = None

    def _connect(self) -> tuple[Any, str]:
        """Point mlflow at the store and experiment; the client and the experiment id."""
        import mlflow
        from mlflow.tracking import MlflowClient

        if self.tracking_uri:
            mlflow.set_tracking_uri(self.tracking_uri)
        experiment_id = "0"
        if self.experiment_name:
            experiment_id = mlflow.set_experiment(self.experiment_name).experiment_id
        return MlflowClient(tracking_uri=self.tracking_uri), experiment_id

    def on_multirun_start(self, config: DictConfig, **kwargs: Any) -> None:
        client, experiment_id = self._connect()
        sweep_dir = str(config.hydra.sweep.dir)
        run = client.create_run(
            experiment_id,
            run_name=f"sweep {sweep_dir}",
            tags={**self.tags, "hydria.sweep_dir": sweep_dir},
        )
        self.parent_run_id = run.info.run_id

    def on_multirun_end(self, config: DictConfig, **kwargs: Any) -> None:
        if self.parent_run_id is not None:
            self._connect()[0].set_terminated(self.parent_run_id, status="FINISHED")

    def on_job_start(self, config: DictConfig, **kwargs: Any) -> None:
        import mlflow

        self._connect()
        info = job_info(config)
        tags = {
            **self.tags,
            "hydria.overrides": " ".join(info.overrides),
            "hydria.output_dir": info.output_dir,
            **{f"hydria.choice.{group}": option for group, option in info.choices.items()},
        }
        if info.job_num is not None:
            tags["hydria.job_num"] = str(info.job_num)
        if self.parent_run_id is not None:
            tags["mlflow.parentRunId"] = self.parent_run_id
        if mlflow.active_run() is not None:
            mlflow.end_run()  # a run the previous job of this process left open
        mlflow.start_run(run_name=info.name, tags=tags)
        params = [(k, _param_text(v)) for k, v in info.params.items()]
        for start in range(0, len(params), _PARAM_BATCH):
            mlflow.log_params(dict(params[start : start + _PARAM_BATCH]))

    def on_job_end(self, config: DictConfig, job_return: Any, **kwargs: Any) -> None:
        import mlflow

        if mlflow.active_run() is None:
            return
        failed = getattr(job_return, "error", None) is not None
        try:
            metrics = {} if failed else numbers_in(getattr(job_return, "return_value", None))
            if metrics:
                mlflow.log_metrics(metrics)
            files = job_info(config).hydra_files
            if self.log_hydra_files and files is not None and files.is_dir():
                mlflow.log_artifacts(str(files), artifact_path="hydra")
        finally:
            mlflow.end_run(status="FAILED" if failed else "FINISHED")
