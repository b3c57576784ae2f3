"""`--experimental-rerun PATH`: run the task again on the config a finished job saved."""

from __future__ import annotations

from typing import Any

from omegaconf import OmegaConf

from hydria.app.application import App, AppExit
from hydria.app.cli import RunRequest
from hydria.app.report import report_task_error
from hydria.runtime import configure_logging, pop_job, push_job, restore_logging, snapshot_logging

__all__ = ["rerun"]


def rerun(app: App, request: RunRequest) -> Any:
    """Run the task on the config saved in a job's `.hydra` folder; return its value.

    The path may name the job's output dir, the folder or any file in it. The job's own
    output directory and `hydra` node are reused as they were; overrides on the command
    line are ignored (and not even parsed). A warning tells when the config tree
    composes differently today.
    """
    # Imported here: only reruns pay for reading runs back and comparing them.
    from hydria.app.rerun import load_rerun

    assert request.experimental_rerun is not None
    saved = load_rerun(request.experimental_rerun, request.overrides)
    task_cfg = saved.config
    full = OmegaConf.create({"hydra": saved.hydra})
    OmegaConf.set_struct(task_cfg, True)
    token = push_job(full.hydra)
    snapshot = snapshot_logging()
    try:
        configure_logging(full.hydra.get("job_logging"), full.hydra.get("verbose", False))
        return app.job_task(task_cfg)
    except Exception as exc:  # noqa: BLE001 - the user's task: reported with its traceback
        raise AppExit(report_task_error(exc)) from None
    finally:
        restore_logging(snapshot)
        pop_job(token)
