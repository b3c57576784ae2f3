"""What a cluster says of jobs a sweep submitted: SLURM's squeue and sacct, and submitit's
local jobs.

Kept apart from the launcher so that `python -m hydria results`, asking about the jobs
of a sweep that did not wait, needs neither submitit nor the launcher. `ENGINE_STATES`
is the fixed table of engines hydria knows how to ask: a record in `results.jsonl`
names its engine, never code to run (see `hydria.multirun.live`).
"""

from __future__ import annotations

import os
import pickletools
import re
import subprocess
from collections.abc import Callable, Collection, Mapping
from pathlib import Path
from types import MappingProxyType
from typing import Any

__all__ = [
    "ENGINE_STATES",
    "LOCAL_ENGINE",
    "SLURM_ENGINE",
    "controller_alive",
    "local_job_state",
    "local_state",
    "parse_states",
    "pickled_outcome",
    "slurm_job_state",
    "slurm_states",
]

SLURM_ENGINE = "slurm"
LOCAL_ENGINE = "submitit-local"
# SLURM's job ids, `123` or an array task's `123_4`; a local job's id is its controller's pid
_SLURM_JOB_ID = re.compile(r"[0-9]{1,20}(_[0-9]{1,10})?")
_LOCAL_JOB_ID = re.compile(r"[0-9]{1,10}")
_RESULT_HEAD = 4096  # bytes of a result file read to find its outcome word


def slurm_job_state(info: Mapping[str, Any]) -> str:
    """SLURM's word for a submitted job (`PENDING`, `RUNNING`, `COMPLETED`, `FAILED`,
    ...) from squeue, else sacct. `info`: the `extra` of its `submitted` record."""
    job_id = str(info.get("job_id"))
    if not _SLURM_JOB_ID.fullmatch(job_id):
        return f"UNKNOWN (the record's job id {job_id!r} is not a SLURM job id)"
    states = slurm_states([job_id])
    if states is None:
        return "UNKNOWN (neither squeue nor sacct answered)"
    return states.get(job_id) or "UNKNOWN"


def local_job_state(info: Mapping[str, Any]) -> str:
    """The state of a job submitit runs on this machine, from its controller process and
    its result file. `info`: the `extra` of its `submitted` record."""
    job_id, folder = str(info.get("job_id")), info.get("folder")
    if not _LOCAL_JOB_ID.fullmatch(job_id) or not isinstance(folder, str):
        return "UNKNOWN (the record lacks a local job id and folder)"
    return local_state(Path(folder), job_id)


# Engine name (the `engine` of a `submitted` record) -> how to ask it about a job.
ENGINE_STATES: Mapping[str, Callable[[Mapping[str, Any]], str]] = MappingProxyType(
    {SLURM_ENGINE: slurm_job_state, LOCAL_ENGINE: local_job_state}
)


def ask(command: list[str]) -> str | None:
    """A SLURM command's output, or None when it failed."""
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout if done.returncode == 0 else None


def slurm_states(job_ids: Collection[str]) -> dict[str, str] | None:
    """SLURM's state per job id (`12_3`): squeue first (it sees a change at once, and
    lists an ended job for MinJobAge), sacct for what squeue no longer lists. None when
    neither answered."""
    arrays = sorted({job_id.split("_")[0] for job_id in job_ids})
    listed = ask(
        ["squeue", "--noheader", "--array", "--states=all", "--format=%i|%T"]
        + [f"--jobs={','.join(arrays)}"]
    )
    states = parse_states(listed or "")
    missing = sorted({j.split("_")[0] for j in job_ids if j not in states})
    if not missing:
        return states
    accounted = ask(
        ["sacct", "--noheader", "--parsable2", "--allocations", "--format=JobID,State"]
        + [f"--jobs={','.join(missing)}"]
    )
    if listed is None and accounted is None:
        return None
    return {**parse_states(accounted or ""), **states}


def parse_states(text: str) -> dict[str, str]:
    """`12_3|RUNNING` lines; `12_[4-6%2]|PENDING` (array tasks not started) expanded;
    `CANCELLED by 0` shortened to its first word."""
    states = {}
    for line in text.splitlines():
        job_id, _, state = line.strip().partition("|")
        if not state:
            continue
        word = state.split()[0]
        ranges = re.fullmatch(r"(\d+)_\[([\d,\-]+)(%\d+)?\]", job_id)
        if ranges is None:
            states[job_id] = word
            continue
        for part in ranges.group(2).split(","):
            low, _, high = part.partition("-")
            for task in range(int(low), int(high or low) + 1):
                states[f"{ranges.group(1)}_{task}"] = word
    return states


def local_state(folder: Path, job_id: str) -> str:
    """A local submitit job's state, from its result file and its controller process."""
    try:
        from submitit.core.utils import JobPaths
    except ImportError:
        return "UNKNOWN (asking needs submitit: pip install hydria[submitit])"

    result = JobPaths(folder, job_id=job_id, task_id=0).result_pickle
    if result.is_file():  # not a FIFO or a device planted in its place
        return "COMPLETED" if pickled_outcome(result) == "success" else "FAILED"
    return "RUNNING" if controller_alive(int(job_id)) else "FAILED"


def pickled_outcome(result: Path) -> str | None:
    """The first word of submitit's result pickle, `("success", value)` or `("error",
    traceback)`, read from its opcodes without unpickling: a pickle is code, and this
    one's folder was named by a record that may come from anyone. None when unreadable."""
    try:
        with result.open("rb") as file:
            head = file.read(_RESULT_HEAD)
        for opcode, arg, _ in pickletools.genops(head):
            if isinstance(arg, str) and "UNICODE" in opcode.name:
                return arg
            if opcode.name not in ("PROTO", "FRAME", "MARK", "EMPTY_TUPLE"):
                return None
    except (OSError, ValueError):  # unreadable, or not a pickle
        return None
    return None


def controller_alive(pid: int) -> bool:
    """Whether submitit's local controller process `pid` still runs (not just any
    process that reused its pid)."""
    proc = Path("/proc")
    if not proc.is_dir():  # no procfs: trust the pid
        try:
            os.kill(pid, 0)
        except OSError:
            return False
        return True
    try:
        return b"submitit.local._local" in (proc / str(pid) / "cmdline").read_bytes()
    except OSError:
        return False
