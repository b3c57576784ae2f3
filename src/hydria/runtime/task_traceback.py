"""A task's exception as the user should read it: their own frames, not hydria's.

It lives with the job (not with the app's reporting) because a job in a worker
process formats its error there, where the traceback still exists, and sends
the text back with its result.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

import omegaconf

if TYPE_CHECKING:
    import traceback

__all__ = ["format_task_error", "is_full_error_requested"]

_HYDRIA_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__))) + os.sep
_OMEGACONF_DIR = os.path.dirname(os.path.abspath(omegaconf.__file__)) + os.sep


def is_full_error_requested() -> bool:
    """Whether `HYDRA_FULL_ERROR=1` or `HYDRIA_FULL_ERROR=1` is set (exactly "1", as Hydra)."""
    return "1" in (os.environ.get("HYDRA_FULL_ERROR"), os.environ.get("HYDRIA_FULL_ERROR"))


def format_task_error(exc: BaseException, *, full: bool | None = None) -> tuple[str, bool]:
    """The traceback of `exc` without hydria's frames (nor the OmegaConf frames it ends
    in, when the task read a `???` or a broken interpolation), chained exceptions
    filtered the same way.

    Args:
        exc: the exception the task raised.
        full: keep every frame; None reads `HYDRA_FULL_ERROR` / `HYDRIA_FULL_ERROR`.

    Returns:
        The text, and whether frames were left out (then a hint is worth printing).
    """
    import traceback  # only a failed task needs it (~1 ms at start-up)

    if full is None:
        full = is_full_error_requested()
    te = traceback.TracebackException(type(exc), exc, exc.__traceback__)
    # Without a frame of the user's own (the task never started), show them all.
    filtered = not full and _keep_user_frames(te)
    return "".join(te.format()), filtered


def _keep_user_frames(te: traceback.TracebackException) -> bool:
    """Drop hydria's frames, and trailing OmegaConf ones, from `te` and its chain.

    Returns False, changing nothing, when no frame of the top exception would remain.
    """
    chain: list[traceback.TracebackException] = []
    seen: set[int] = set()
    pending = [te]
    while pending:
        current = pending.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        chain.append(current)
        pending += [e for e in (current.__cause__, current.__context__) if e is not None]
    filtered = [_user_frames(t.stack) for t in chain]
    if not filtered[0]:
        return False
    from traceback import StackSummary

    for current, frames in zip(chain, filtered, strict=True):
        if frames or not current.stack:
            current.stack = StackSummary.from_list(frames)
    return True


def _user_frames(stack: traceback.StackSummary) -> list[traceback.FrameSummary]:
    frames = [f for f in stack if not _is_in(f.filename, _HYDRIA_DIR)]
    while frames and _is_in(frames[-1].filename, _OMEGACONF_DIR):
        frames.pop()
    return frames


def _is_in(filename: str, directory: str) -> bool:
    return os.path.abspath(filename).startswith(directory)
