"""hydria's process-wide state, saved and put back: what `hydra_restore_singletons` undoes.

Compatibility forces a few pieces of state on hydria (STYLE principle 4): the
default ConfigStore, the running-job context and what Hydra's API keeps between
calls. A test that changes them should not leak into the next one.
"""

from __future__ import annotations

from typing import Any

from hydria import version_base
from hydria.app import initialization
from hydria.record_class import record
from hydria.repository import ConfigStore
from hydria.runtime import HydraConfig
from hydria.runtime import context as job_context

__all__ = ["ProcessState", "restore_state", "snapshot_state"]


@record(kw_only=True)
class ProcessState:
    """What `snapshot_state` saw: the default store and its contents, whether a job ran,
    what `initialize*()` had in effect and the process's `version_base`."""

    store: ConfigStore
    store_contents: dict[str, Any]
    in_job: bool
    initialized: initialization.Initialized | None
    base: str | None


def snapshot_state() -> ProcessState:
    """Save hydria's process-wide state (a deep copy where it can change in place)."""
    store = ConfigStore.instance()
    return ProcessState(
        store=store,
        store_contents=store.contents(),
        in_job=HydraConfig.initialized(),
        initialized=initialization.active(),
        base=None if (base := version_base.getbase()) is None else str(base),
    )


def restore_state(state: ProcessState) -> None:
    """Put back what `snapshot_state` saved.

    The default ConfigStore gets its contents back in place: modules keep references
    to it, taken when they were imported. A default made anew since (after
    `ConfigStore.reset_instance()`) gets them too.
    """
    state.store.restore_contents(state.store_contents)
    current = ConfigStore.instance()
    if current is not state.store:
        current.restore_contents(state.store_contents)
    if not state.in_job:
        job_context.reset()
    initialization.restore(state.initialized)
    if state.base is None:
        version_base.reset()
    else:
        version_base.remember_base(state.base)
