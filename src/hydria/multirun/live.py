"""The state of jobs a sweep handed to an engine and did not wait for.

A `submitted` record names its engine (`slurm`, `submitit-local`) and the job's id in
its `extra`. How to ask an engine is hydria's own code, looked up by the engine's name
in a fixed table (`ENGINE_STATES`); a record is data and never names code to run. An
engine hydria does not know gets the state `UNKNOWN`, and nothing is imported.

Records written before this rule also carry `status_from`, a `module:function`: it is
never imported. The engine's name decides, as for any record.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

from hydria.multirun.records import SUBMITTED, JobRecord

__all__ = ["IN_FLIGHT", "live_state", "with_live_states"]

# engine states of a job that has not ended yet
IN_FLIGHT = frozenset(
    {
        "PENDING",
        "RUNNING",
        "REQUEUED",
        "REQUEUE_HOLD",
        "REQUEUE_FED",
        "RESIZING",
        "SUSPENDED",
        "CONFIGURING",
        "COMPLETING",
        "STAGE_OUT",
        "SIGNALING",
        "UNKNOWN",
    }
)
# what records written by hydria before the engine table named: the SLURM and local
# engines' reader, which told the two apart by `engine`
_OLD_STATUS_FROM = "hydria.launchers.engine_states:job_state"


def live_state(record: JobRecord) -> str | None:
    """The engine's state of a submitted job (`RUNNING`, `COMPLETED`, `FAILED`, ...),
    None for a record that is not `submitted`, or `UNKNOWN (why)` when the engine is
    not one hydria knows or asking it fails."""
    if record.status != SUBMITTED:
        return None
    from hydria.launchers.engine_states import ENGINE_STATES, SLURM_ENGINE

    engine = record.extra.get("engine")
    ask = ENGINE_STATES.get(engine) if isinstance(engine, str) else None
    if ask is None and record.extra.get("status_from") == _OLD_STATUS_FROM:
        ask = ENGINE_STATES[SLURM_ENGINE]  # what that reader did for any other engine
    if ask is None:
        known = ", ".join(sorted(ENGINE_STATES))
        if engine is None:
            return f"UNKNOWN (the record names no engine; hydria can ask {known})"
        return f"UNKNOWN (hydria cannot ask the engine {engine!r}, only {known})"
    try:
        return ask(record.extra)
    except Exception as exc:  # noqa: BLE001 - the engine may be gone; say so, do not fail
        return f"UNKNOWN ({type(exc).__name__}: {exc})"


def with_live_states(records: Iterable[JobRecord]) -> list[JobRecord]:
    """The records, each still `submitted` one with the engine's state in its status
    (`submitted: RUNNING`)."""
    out = []
    for record in records:
        state = live_state(record)
        out.append(record if state is None else replace(record, status=f"{SUBMITTED}: {state}"))
    return out
