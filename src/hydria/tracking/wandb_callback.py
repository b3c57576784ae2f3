"""`hydra/callbacks=wandb`: every job is a Weights & Biases run.

The run is opened in the job's own process (worker, cluster node) just before the
task, so the task logs to it with `wandb.log` / `wandb.run` as usual; it is finished
right after the task with the job's status. The jobs of one sweep share a `group`.
wandb is imported only when a job starts.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping, Sequence
from typing import Any

from omegaconf import DictConfig, OmegaConf

from hydria.plugin_contracts import Callback
from hydria.tracking.job_info import job_info, numbers_in
from hydria.tracking.library import require_library

__all__ = ["WandbCallback"]

LOG = logging.getLogger(__name__)


def _wandb_dir(config: DictConfig) -> str | None:
    """`WANDB_DIR` (as the job sees it: `hydra.job.env_set` may set it), anchored at the
    launch directory: the job may have changed into its output dir by now."""
    value = os.environ.get("WANDB_DIR")
    if not value:
        return None
    return os.path.join(str(config.hydra.runtime.cwd), os.path.expanduser(value))


class WandbCallback(Callback):
    """Opens a wandb run per job.

    Args:
        project: the wandb project (default in the config: the job name).
        entity: the team or user, None for wandb's default.
        mode: `online`, `offline` or `disabled`; None leaves it to wandb (`WANDB_MODE`).
        tags: tags added to every run, besides the group choices (`db=mysql`).
        dir: where wandb writes its files; None for `WANDB_DIR` when that is set (a
            relative one from the directory the app was started in), else the job's
            output dir.
        job_type: wandb's `job_type`.
        notes: wandb's `notes`.
        upload_hydra_files: log the job's `.hydra` folder as an artifact.
        init: any other `wandb.init` arguments.
    """

    def __init__(
        self,
        project: str | None = None,
        entity: str | None = None,
        mode: str | None = None,
        tags: Sequence[str] = (),
        dir: str | None = None,  # noqa: A002 - wandb's own name for it
        job_type: str | None = None,
        notes: str | None = None,
        upload_hydra_files: bool = True,
        init: Mapping[str, Any] | None = None,
    ) -> None:
        require_library("wandb", extra="wandb", callback="hydra/callbacks=wandb")
        self.project = project
        self.entity = entity
        self.mode = mode
        self.dir = dir
        self.job_type = job_type
        self.notes = notes
        self.upload_hydra_files = upload_hydra_files
        # plain data: wandb takes `settings` as a dict, not as an OmegaConf node
        self.init: dict[str, Any] = (
            OmegaConf.to_container(init, resolve=True)  # type: ignore[assignment]
            if OmegaConf.is_config(init)
            else dict(init or {})
        )
        self.tags = [str(t) for t in tags]
        self._run: Any = None

    def on_job_start(self, config: DictConfig, **kwargs: Any) -> None:
        import wandb

        info = job_info(config)
        settings: dict[str, Any] = {
            "project": self.project,
            "entity": self.entity,
            "mode": self.mode,
            "group": info.group,
            "name": info.name,
            "job_type": self.job_type,
            "notes": self.notes,
            "dir": self.dir or _wandb_dir(config) or info.output_dir,
            "tags": [*self.tags, *(f"{g}={c}" for g, c in info.choices.items())][:64],
            "config": {
                **info.params,
                "hydria/choices": dict(info.choices),
                "hydria/overrides": list(info.overrides),
                "hydria/output_dir": info.output_dir,
                "hydria/job_num": info.job_num,
            },
            "reinit": "finish_previous",
            **self.init,
        }
        self._run = wandb.init(**{k: v for k, v in settings.items() if v is not None})

    def on_job_end(self, config: DictConfig, job_return: Any, **kwargs: Any) -> None:
        run, self._run = self._run, None
        if run is None:
            return
        failed = getattr(job_return, "error", None) is not None
        try:
            metrics = {} if failed else numbers_in(getattr(job_return, "return_value", None))
            if metrics:
                run.summary.update(metrics)
            files = job_info(config).hydra_files
            if self.upload_hydra_files and files is not None and files.is_dir():
                import wandb

                artifact = wandb.Artifact(f"hydra-config-{run.id}", type="hydra-config")
                artifact.add_dir(str(files))
                run.log_artifact(artifact)
        finally:
            run.finish(exit_code=1 if failed else 0)
