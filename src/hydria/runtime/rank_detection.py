"""Which rank of a multi-process launch (torchrun, Lightning DDP, SLURM `srun`) this
process is, read from the launchers' environment variables (see `ranks` for what a rank
then does).

**Which rank a process is.** The first of these that is set, and is an integer, wins:
`RANK` (torchrun, `torch.distributed.launch --use_env`, accelerate, deepspeed), then
`SLURM_PROCID` but only when the SLURM step runs several tasks (`SLURM_STEP_NUM_TASKS`,
else `SLURM_NTASKS`, above 1: a single-task `sbatch` job also has `SLURM_PROCID=0` and is
a plain run), then `LOCAL_RANK` (Lightning's children). A rank 0 whose world size
(`WORLD_SIZE`, or SLURM's task count) is 1 is a plain run too. The local rank is
`LOCAL_RANK`, else `SLURM_LOCALID`, else the rank.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from hydria.record_class import record

__all__ = ["LAUNCH_KEYS", "Rank", "detect_rank"]

_TORCH_KEYS = ("TORCHELASTIC_RUN_ID", "TORCHELASTIC_RESTART_COUNT", "MASTER_ADDR", "MASTER_PORT")
_SLURM_KEYS = ("SLURM_JOB_ID", "SLURM_STEP_ID")
#: Every variable that can name a launch, for messages.
LAUNCH_KEYS = (*_TORCH_KEYS, *_SLURM_KEYS)


@record
class Rank:
    """This process's place in a multi-process launch.

    Attributes:
        rank: the global rank (0 leads).
        local_rank: the rank on this machine.
        source: the variable `rank` was read from (`RANK`, `SLURM_PROCID`, `LOCAL_RANK`).
        launch: the variables that name the launch, as `(name, value)` pairs; empty when
            none is set (siblings then cannot meet).
    """

    rank: int
    local_rank: int
    source: str
    launch: tuple[tuple[str, str], ...]


def _int(environ: Mapping[str, str], name: str) -> int | None:
    try:
        return int(environ[name])
    except (KeyError, ValueError):
        return None


def _launch(environ: Mapping[str, str], names: Sequence[str]) -> tuple[tuple[str, str], ...]:
    return tuple((name, environ[name]) for name in names if environ.get(name))


def detect_rank(environ: Mapping[str, str]) -> Rank | None:
    """The rank this process is, from the launchers' variables; None for a plain run.

    See the module docstring for which variable wins.
    """
    rank = _int(environ, "RANK")
    slurm_tasks = _int(environ, "SLURM_STEP_NUM_TASKS") or _int(environ, "SLURM_NTASKS")
    world = _int(environ, "WORLD_SIZE")
    if rank is not None:
        source = "RANK"
    elif (rank := _int(environ, "SLURM_PROCID")) is not None and (slurm_tasks or 1) > 1:
        source, world = "SLURM_PROCID", slurm_tasks
    elif (rank := _int(environ, "LOCAL_RANK")) is not None:
        source = "LOCAL_RANK"
    else:
        return None
    if rank == 0 and world is not None and world <= 1:
        return None
    local = _int(environ, "LOCAL_RANK")
    if local is None:
        local = _int(environ, "SLURM_LOCALID") if source == "SLURM_PROCID" else None
    launch = _launch(environ, _SLURM_KEYS if source == "SLURM_PROCID" else _TORCH_KEYS)
    if not launch and "SLURM_STEP_ID" in environ:
        launch = _launch(environ, _SLURM_KEYS)
    return Rank(
        rank=rank, local_rank=rank if local is None else local, source=source, launch=launch
    )
