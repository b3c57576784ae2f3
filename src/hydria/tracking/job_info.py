"""What a tracker is told about a job: the same facts for wandb and MLflow.

Read from the job's own config where the job runs (a worker process or a cluster
node), so nothing needs to travel from the sweep but the callback's settings.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from omegaconf import DictConfig, OmegaConf

from hydria.record_class import record

__all__ = ["JobInfo", "flatten", "job_info", "numbers_in"]


@record(kw_only=True)
class JobInfo:
    """One job, as trackers record it.

    Attributes:
        name: the run's name: `hydra.job.override_dirname` (`db=pg,lr=0.1`), else the
            job name.
        group: the sweep the job belongs to (its `hydra.sweep.dir`), None for a single run.
        params: the resolved task config, flattened to dotted keys (`db.port`).
        choices: the group choices of the app's own groups (`db: mysql`).
        overrides: the job's task overrides.
        output_dir: where the job writes.
        job_num: `hydra.job.num` in a sweep, else None.
        hydra_files: the job's `.hydra` folder (None with `hydra.output_subdir=null`).
    """

    name: str
    group: str | None
    params: Mapping[str, Any]
    choices: Mapping[str, str]
    overrides: tuple[str, ...]
    output_dir: str
    job_num: int | None
    hydra_files: Path | None


def flatten(value: Any, prefix: str = "") -> dict[str, Any]:
    """{'db': {'port': 1}, 'xs': [1, 2]} → {'db.port': 1, 'xs.0': 1, 'xs.1': 2}."""
    out: dict[str, Any] = {}
    if isinstance(value, Mapping) and value:
        for key, child in value.items():
            out.update(flatten(child, f"{prefix}{key}."))
    elif isinstance(value, (list, tuple)) and value:
        for index, child in enumerate(value):
            out.update(flatten(child, f"{prefix}{index}."))
    elif prefix:
        out[prefix[:-1]] = value
    return out


def _resolved_task_config(config: DictConfig) -> Any:
    """The task's part of the config, resolved; a value that cannot be resolved (a
    `???` the task never set) is kept as written."""
    task = {k: v for k, v in config.items_ex(resolve=False) if k != "hydra"}
    try:
        return OmegaConf.to_container(OmegaConf.create(task), resolve=True)
    except Exception:  # noqa: BLE001 - an unresolvable value: record the config as written
        return OmegaConf.to_container(OmegaConf.create(task), resolve=False)


def job_info(config: DictConfig) -> JobInfo:
    """The job's facts, from its full config (`hydra` node included), inside the job."""
    hydra = config.hydra
    dirname = str(hydra.job.get("override_dirname") or "")
    multirun = str(getattr(hydra.mode, "name", hydra.mode)) == "MULTIRUN"
    choices = {
        str(k): str(v)
        for k, v in (hydra.runtime.get("choices") or {}).items()
        if v is not None and not str(k).startswith("hydra/")
    }
    subdir = hydra.get("output_subdir")
    output_dir = str(hydra.runtime.output_dir)
    return JobInfo(
        name=dirname or str(hydra.job.name),
        group=str(hydra.sweep.dir) if multirun else None,
        params=flatten(_resolved_task_config(config)),
        choices=choices,
        overrides=tuple(str(o) for o in hydra.overrides.task),
        output_dir=output_dir,
        job_num=int(hydra.job.num) if multirun and hydra.job.get("num") is not None else None,
        hydra_files=None if subdir is None else Path(output_dir) / str(subdir),
    )


def numbers_in(value: Any, key: str | None = None) -> dict[str, float]:
    """The numbers of a task's return value, as metrics: a number is `return_value`; a
    mapping gives its numeric leaves by dotted key (`acc.top1`). Anything else: none."""
    if isinstance(value, bool):
        return {}
    if isinstance(value, (int, float)):
        return {key or "return_value": float(value)} if math.isfinite(value) else {}
    item = getattr(value, "item", None)  # numpy and torch scalars
    if callable(item) and getattr(value, "shape", None) == ():
        return numbers_in(item(), key)
    if OmegaConf.is_config(value):
        value = OmegaConf.to_container(value, resolve=True)
    out: dict[str, float] = {}
    if isinstance(value, Mapping):
        for name, child in value.items():
            out.update(numbers_in(child, f"{key}.{name}" if key else str(name)))
    return out
