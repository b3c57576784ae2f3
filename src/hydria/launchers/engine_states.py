"""What a cluster says of jobs a sweep submitted: SLURM's squeue and sacct, and submitit's
local jobs.

Kept apart from the launcher so that `python -m hydria results`, asking about the jobs
of a sweep that did not wait, needs neither submitit nor the launcher.
"""

from __future__ import annotations

import os
import pickle
import re
import subprocess
from collections.abc import Collection, Mapping
from pathlib import Path
from typing import Any

__all__ = [
    "LOCAL_ENGINE",
    "controller_alive",
    "job_state",
    "local_state",
    "parse_states",
    "slurm_states",
]

LOCAL_ENGINE = "submitit-local"


def job_state(info: Mapping[str, Any]) -> str:
    """The state of a job submitted by a sweep that did not wait (`status_from` of its
    `submitted` record): SLURM's word (`PENDING`, `RUNNING`, `COMPLETED`, `FAILED`, ...)
    from squeue, else sacct; for a local job, from its process and result file."""
    job_id = str(info["job_id"])
    if info.get("engine") == LOCAL_ENGINE:
        return local_state(Path(str(info["folder"])), job_id)
    states = slurm_states([job_id])
    if states is None:
        return "UNKNOWN (neither squeue nor sacct answered)"
    return states.get(job_id) or "UNKNOWN"


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
    if result.exists():
        with result.open("rb") as file:
            outcome = pickle.load(file)[0]
        return "COMPLETED" if outcome == "success" else "FAILED"
    return "RUNNING" if controller_alive(int(job_id)) else "FAILED"


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
