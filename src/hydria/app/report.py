"""Exceptions → what the user reads on stderr, and the exit code; the only place that decides.

`report` handles errors from hydria itself (the command line, the config tree,
composition); `report_task_error` handles an exception from the user's task,
showing the user's own frames only.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from typing import TextIO

from omegaconf.errors import OmegaConfBaseException

from hydria.app.cli import usage_text
from hydria.errors import HydriaError, UsageError
from hydria.runtime.task_traceback import format_task_error, is_full_error_requested
from hydria.terminal_text import printable

__all__ = [
    "FULL_ERROR_HINT",
    "is_full_error_requested",
    "report",
    "report_command_error",
    "report_task_error",
    "report_task_traceback",
]

FULL_ERROR_HINT = "Set the environment variable HYDRA_FULL_ERROR=1 for a complete stack trace."
EXIT_USAGE = 2
EXIT_FAILURE = 1


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
    prints its full traceback. Control characters in the text (an override's ANSI
    escapes) are shown escaped, `\\x1b`, so no message can rewrite the terminal.

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
        out.write(f"{usage_text(name)}\n{name}: error: {printable(str(exc), multiline=True)}\n")
        return EXIT_USAGE
    if full is None:
        full = is_full_error_requested()
    if full or not isinstance(exc, (HydriaError, OmegaConfBaseException)):
        import traceback  # only an error needs it (~1 ms at start-up)

        text = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
        out.write(printable(text, multiline=True))
        return EXIT_FAILURE
    out.write(f"{printable(_message(exc), multiline=True)}\n\n{FULL_ERROR_HINT}\n")
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
    text, filtered = format_task_error(exc, full=full)
    return report_task_traceback(text, filtered, overrides=overrides, stream=stream)


def report_task_traceback(
    text: str,
    filtered: bool,
    *,
    overrides: Sequence[str] | None = None,
    stream: TextIO | None = None,
) -> int:
    """`report_task_error` for a traceback already formatted (by a job in a worker)."""
    out = sys.stderr if stream is None else stream
    if overrides is not None:
        out.write(f"Error executing job with overrides: {list(overrides)}\n")
    out.write(printable(text, multiline=True))
    if filtered:
        out.write(f"\n{FULL_ERROR_HINT}\n")
    return EXIT_FAILURE


def report_command_error(
    exc: BaseException, command: str, *, exit_code: int | None = None, stream: TextIO | None = None
) -> int:
    """Tell the user why a `python -m hydria <command>` failed, and return the exit code.

    Writes `hydria <command>: <message>`, without usage lines or hints: the commands
    are scripted, and their errors name the argument to fix.
    The exit code is 2 for a `UsageError`, else 1, unless the command's documented
    contract says otherwise (`diff` exits 2 on any error, 1 meaning "they differ").

    Args:
        exc: the error.
        command: the command's name, for the prefix.
        exit_code: the command's own code for errors, when it has one.
        stream: where to write (default: `sys.stderr` at call time).

    Returns:
        The exit code for `sys.exit`.
    """
    out = sys.stderr if stream is None else stream
    out.write(printable(f"hydria {command}: {exc}", multiline=True) + "\n")
    if exit_code is not None:
        return exit_code
    return EXIT_USAGE if isinstance(exc, UsageError) else EXIT_FAILURE
