"""What `initialize*()` or a running app puts in effect for `compose()`: Hydra's GlobalHydra.

Hydra keeps one process-wide "initialized" state: `initialize*()` sets it (as a plain
call, until `GlobalHydra.instance().clear()`; as a `with` block, until the block ends),
`@main` sets it while the app runs, and a second initialization while one is in
effect is an error. hydria keeps the same single record here, its getter and its
reset; `compose()` given a config source of its own never reads it.
"""

from __future__ import annotations

import threading

from hydria.errors import AlreadyInitializedError
from hydria.record_class import record
from hydria.repository import SearchPathEntry

__all__ = ["GlobalHydra", "Initialized", "activate", "active", "clear", "reset", "restore"]


@record(kw_only=True)
class Initialized:
    """Where `compose()` finds its configs when the caller names none.

    Attributes:
        config_dir: the primary config directory (`initialize_config_dir`, `initialize`).
        config_module: the primary config package (`initialize_config_module`).
        search_path: a running app's whole search path, used as it is (then the two
            above are None).
        job_name: `hydra.job.name` of what compose() returns.
        version_base: the version_base given to `initialize*` or `main`, already read.
        origin: what put it in effect, for messages (`initialize_config_dir('/x')`).
    """

    config_dir: str | None = None
    config_module: str | None = None
    search_path: tuple[SearchPathEntry, ...] | None = None
    job_name: str
    version_base: str
    origin: str


_LOCK = threading.Lock()
_ACTIVE: Initialized | None = None


def active() -> Initialized | None:
    """The record in effect, or None."""
    return _ACTIVE


def activate(record: Initialized) -> None:
    """Put `record` in effect.

    Raises:
        AlreadyInitializedError: another is in effect (Hydra raises a ValueError too).
    """
    global _ACTIVE
    with _LOCK:
        if _ACTIVE is not None:
            raise AlreadyInitializedError(
                "GlobalHydra is already initialized, call GlobalHydra.instance().clear() if "
                f"you want to re-initialize (in effect: {_ACTIVE.origin}; asked for: "
                f"{record.origin}). Use one `with initialize*(...)` block at a time, or call "
                "GlobalHydra.instance().clear() first."
            )
        _ACTIVE = record


def restore(record: Initialized | None) -> None:
    """Put back what was in effect before (what a `with initialize*()` block does on exit)."""
    global _ACTIVE
    with _LOCK:
        _ACTIVE = record


def clear() -> None:
    """Nothing in effect any more (`GlobalHydra.instance().clear()`)."""
    restore(None)


reset = clear
"""Tests: forget what any earlier test left in effect."""


class GlobalHydra:
    """Hydra's handle on the initialized state (`GlobalHydra.instance().clear()`).

    Every handle reads the same process-wide record, so `GlobalHydra()` and
    `GlobalHydra.instance()` are interchangeable, as in Hydra.
    """

    @staticmethod
    def instance() -> GlobalHydra:
        """The handle (Hydra's singleton accessor)."""
        return _HANDLE

    def is_initialized(self) -> bool:
        """Whether an `initialize*()` (or a running app) is in effect."""
        return _ACTIVE is not None

    def clear(self) -> None:
        """End what is in effect, so `initialize*()` may be called again."""
        clear()

    @property
    def hydra(self) -> Initialized | None:
        """What is in effect (Hydra's attribute is its Hydra object; None when not
        initialized, which is what code written for Hydra tests)."""
        return _ACTIVE


_HANDLE = GlobalHydra()
