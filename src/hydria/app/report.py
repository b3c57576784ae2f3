"""Exceptions → what the user reads on stderr, and the exit code; the only place that decides.

`report` handles errors from hydria itself (the command line, the config tree,
composition); `report_task_error` handles an exception from the user's task,
showing the user's own frames only.
"""

from __future__ import annotations

import os
import sys
import traceback
from collections.abc import Sequence
from typing import TextIO

import omegaconf
from omegaconf.errors import OmegaConfBaseException

import hydria
from hydria.app.cli import usage_text
from hydria.errors import HydriaError, UsageError

__all__ = ["FULL_ERROR_HINT", "is_full_error_requested", "report", "report_task_error"]

FULL_ERROR_HINT = "Set the environment variable HYDRA_FULL_ERROR=1 for a complete stack trace."
EXIT_USAGE = 2
EXIT_FAILURE = 1

_HYDRIA_DIR = os.path.dirname(os.path.abspath(hydria.__file__)) + os.sep
_OMEGACONF_DIR = os.path.dirname(os.path.abspath(omegaconf.__file__)) + os.sep


def is_full_error_requested() -> bool:
    """Whether `HYDRA_FULL_ERROR=1` or `HYDRIA_FULL_ERROR=1` is set (exactly "1", as Hydra)."""
    return "1" in (os.environ.get("HYDRA_FULL_ERROR"), os.environ.get("HYDRIA_FULL_ERROR"))


def report(
    exc: BaseException,
    *,
    full: bool | None = None,
    stream: TextIO | None = None,
    prog: str | None = None,
) -> int:
    """Tell the user about an error hydria raised, and return the exit code.

    - `UsageError`: the usage lines and `<prog>: error: <message>`, as argparse; exit 2.
    - another `HydriaError`, or an OmegaConf error (a `???` or a broken interpolation
      met while showing a config): the message, with the one-line message of its
      explicit cause, and a hint about `HYDRA_FULL_ERROR`; exit 1.
    - anything else is a bug, not a message: its full traceback; exit 1.
    With `full` (default: `is_full_error_requested()`) every error but a usage error
    prints its full traceback.

    Args:
        exc: the exception.
        full: show the full traceback; None reads the environment.
        stream: where to write (default: `sys.stderr` at call time).
        prog: the program name for the usage lines (default: `sys.argv[0]`'s base name).

    Returns:
        The exit code for `sys.exit`.
    """
    out = sys.stderr if stream is None else stream
    if isinstance(exc, UsageError):
        name = prog if prog is not None else os.path.basename(sys.argv[0]) or "app"
        out.write(f"{usage_text(name)}\n{name}: error: {exc}\n")
        return EXIT_USAGE
    if full is None:
        full = is_full_error_requested()
    if full or not isinstance(exc, (HydriaError, OmegaConfBaseException)):
        out.write("".join(traceback.format_exception(type(exc), exc, exc.__traceback__)))
        return EXIT_FAILURE
    out.write(f"{_message(exc)}\n\n{FULL_ERROR_HINT}\n")
    return EXIT_FAILURE


def _message(exc: BaseException) -> str:
    text = _omegaconf_message(exc) if isinstance(exc, OmegaConfBaseException) else str(exc)
    cause = exc.__cause__
    if cause is not None:
        line = _one_line(cause)
        if line not in text:
            text += f"\n  caused by {type(cause).__name__}: {line}"
    return text


def _omegaconf_message(exc: OmegaConfBaseException) -> str:
    # OmegaConf appends `full_key:`, `reference_type=`, `object_type=` lines; keep the key.
    text = _one_line(exc)
    key = getattr(exc, "full_key", None)
    return f"{text}\n    full_key: {key}" if key else text


def _one_line(exc: BaseException) -> str:
    lines = [line for line in str(exc).splitlines() if line.strip()]
    return lines[0].strip() if lines else type(exc).__name__


def report_task_error(
    exc: BaseException,
    *,
    overrides: Sequence[str] | None = None,
    full: bool | None = None,
    stream: TextIO | None = None,
) -> int:
    """Tell the user about an exception from their task, and return the exit code (1).

    Prints, as Hydra: `Error executing job with overrides: [...]` (when `overrides` is
    given), the traceback without hydria's frames (nor the OmegaConf frames it ends
    in, when the task read a `???` or a broken interpolation), then a hint about
    `HYDRA_FULL_ERROR`. Chained exceptions are shown and filtered the same way. With
    `full` (default: `is_full_error_requested()`) the traceback is complete.

    Args:
        exc: the exception the task raised.
        overrides: the job's overrides, to say which job failed.
        full: show every frame; None reads the environment.
        stream: where to write (default: `sys.stderr` at call time).

    Returns:
        The exit code for `sys.exit`.
    """
    out = sys.stderr if stream is None else stream
    if overrides is not None:
        out.write(f"Error executing job with overrides: {list(overrides)}\n")
    if full is None:
        full = is_full_error_requested()
    te = traceback.TracebackException(type(exc), exc, exc.__traceback__)
    # Without a frame of the user's own (the task never started), show them all.
    filtered = not full and _keep_user_frames(te)
    out.write("".join(te.format()))
    if filtered:
        out.write(f"\n{FULL_ERROR_HINT}\n")
    return EXIT_FAILURE


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
    for current, frames in zip(chain, filtered, strict=True):
        if frames or not current.stack:
            current.stack = traceback.StackSummary.from_list(frames)
    return True


def _user_frames(stack: traceback.StackSummary) -> list[traceback.FrameSummary]:
    frames = [f for f in stack if not _is_in(f.filename, _HYDRIA_DIR)]
    while frames and _is_in(frames[-1].filename, _OMEGACONF_DIR):
        frames.pop()
    return frames


def _is_in(filename: str, directory: str) -> bool:
    return os.path.abspath(filename).startswith(directory)
