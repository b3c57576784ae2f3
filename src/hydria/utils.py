"""What `hydra.utils` offers, under the same names, so `from hydra.utils import ...`
becomes `from hydria.utils import ...` and nothing else changes."""

from __future__ import annotations

import os
from pathlib import Path

from hydria.errors import JobContextError
from hydria.instantiation import call, get_class, get_method, get_object, instantiate
from hydria.runtime.context import HydraConfig

__all__ = [
    "call",
    "get_class",
    "get_method",
    "get_object",
    "get_original_cwd",
    "instantiate",
    "to_absolute_path",
]


def get_original_cwd() -> str:
    """The directory the app was started from, even when the job changed directory
    (`hydra.job.chdir`).

    Raises:
        hydria.errors.JobContextError: called outside a running job.
    """
    if not HydraConfig.initialized():
        raise JobContextError(
            "get_original_cwd() is only available inside a running job (a @hydria.main task)"
        )
    cwd: str = HydraConfig.get().runtime.cwd
    return cwd


def to_absolute_path(path: str) -> str:
    """`path` made absolute against the original working directory inside a job, or the
    current one outside; an absolute path is returned as it is."""
    given = Path(path)
    if given.is_absolute():
        return str(given)
    base = get_original_cwd() if HydraConfig.initialized() else os.getcwd()
    return str(Path(base) / given)
