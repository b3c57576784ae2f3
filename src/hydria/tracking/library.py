"""Checking, when a tracking callback is built, that its library is installed.

A callback is built before any job runs (from `hydra.callbacks`), so a missing
library stops the run there, with the install hint, instead of every job running
untracked. The check only looks the module up: the library itself is imported where
each job runs, when the job starts.
"""

from __future__ import annotations

import importlib.util

from hydria.errors import PluginError

__all__ = ["require_library"]


def require_library(module: str, *, extra: str, callback: str) -> None:
    """Raise unless `module` can be imported.

    Args:
        module: the library's top-level module (`wandb`, `mlflow`).
        extra: hydria's optional extra that installs it.
        callback: the config group option that asked for it (`hydra/callbacks=wandb`).

    Raises:
        PluginError: the module is not installed; the message says how to install it.
    """
    try:
        found = importlib.util.find_spec(module) is not None
    except (ImportError, ValueError):  # a broken parent package, or a half-imported one
        found = False
    if not found:
        raise PluginError(
            f"{callback} tracks runs with {module}, which is not installed: "
            f"pip install hydria[{extra}] (or remove {callback})"
        )
