"""The basic launcher: the jobs of a batch one after another, in this process.

Composition is handed in as a callable (launchers sit below the app layer and
never import it), so this module only sequences jobs and numbers them.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from typing import Any

from omegaconf import DictConfig, OmegaConf, open_dict

from hydria.runtime import JobReturn, JobSpec, run_job

LOG = logging.getLogger("hydria.launchers.basic")


def _shown(overrides: Sequence[str]) -> str:
    return " ".join(o for o in overrides if not o.startswith("hydra."))


def launch_in_process(
    batch: Sequence[Sequence[str]],
    *,
    initial_job_idx: int,
    compose: Callable[[Sequence[str]], DictConfig],
    task: Callable[[DictConfig], Any],
    callbacks: Any = None,
) -> list[JobReturn]:
    """Run each job of `batch` in turn; a failing job does not stop the others.

    Args:
        batch: each job's overrides.
        initial_job_idx: the number of the batch's first job (`hydra.job.num`).
        compose: the job's full config (with its `hydra` node) from its overrides.
        task: the user's function.
        callbacks: the sweep's `Callbacks`, for each job's `on_job_start`/`on_job_end`.
    """
    LOG.info("Launching %d jobs locally", len(batch))
    results = []
    for offset, overrides in enumerate(batch):
        num = initial_job_idx + offset
        LOG.info("\t#%d : %s", num, _shown(overrides))
        cfg = compose(overrides)
        with open_dict(cfg):
            cfg.hydra.job.id = str(num)
            cfg.hydra.job.num = num
        task_overrides = OmegaConf.to_container(cfg.hydra.overrides.task)
        assert isinstance(task_overrides, list)
        spec = JobSpec(
            config=cfg,
            task=task,
            task_overrides=tuple(str(t) for t in task_overrides),
            dir_key="hydra.sweep.dir",
            subdir_key="hydra.sweep.subdir",
            callbacks=callbacks,
        )
        results.append(run_job(spec))
    return results
