"""Where an Optuna sweep keeps its study by default: Optuna's journal file storage in the
sweep directory.

The journal is an append-only log written under a lock (a symbolic link next to it), which
processes on this machine and cluster nodes sharing the directory can all use; SQLite is
not the default because its locking is not reliable on the network file systems clusters
keep sweeps on. Optuna is passed in: this module is imported only by an Optuna sweep and
by a trial's job (`hydria.report`).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

__all__ = ["JOURNAL_FILE", "journal_storage", "set_aside"]

JOURNAL_FILE = "optuna.journal"


def journal_storage(optuna: Any, path: str | Path) -> Any:
    """Optuna's journal file storage (`JournalFileBackend` from Optuna 4 on), by absolute
    path: its lock is a symbolic link to the journal, and one made from a relative path
    dangles, so a lock left by a killed process would never be found stale (Optuna then
    waits forever)."""
    path = os.path.abspath(path)
    journal = optuna.storages.journal
    backend = getattr(journal, "JournalFileBackend", None)
    if backend is None:  # Optuna 3
        return optuna.storages.JournalStorage(optuna.storages.JournalFileStorage(str(path)))
    return journal.JournalStorage(backend(str(path)))


def set_aside(path: Path) -> None:
    """Keep an older sweep's journal under the next free `optuna.N.journal` name."""
    index = 1
    while (kept := path.with_name(f"{path.stem}.{index}{path.suffix}")).exists():
        index += 1
    path.rename(kept)
