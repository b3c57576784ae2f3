"""The state of jobs a sweep handed to an engine and did not wait for.

A `submitted` record names, in `extra["status_from"]`, a `module:function` of the
launcher that sent it; given the record's `extra`, the function asks the engine
(SLURM's accounting, ...) and answers with the engine's word for the job's state.
Nothing is imported unless a record asks for it.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterable
from dataclasses import replace

from hydria.sweep.records import SUBMITTED, JobRecord

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


def live_state(record: JobRecord) -> str | None:
    """The engine's state of a submitted job (`RUNNING`, `COMPLETED`, `FAILED`, ...),
    None when the record names no way to ask, or `UNKNOWN (why)` when asking fails."""
    target = record.extra.get("status_from") if record.status == SUBMITTED else None
    if not isinstance(target, str) or ":" not in target:
        return None
    module, _, name = target.partition(":")
    try:
        ask = getattr(importlib.import_module(module), name)
        return str(ask(dict(record.extra)))
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
