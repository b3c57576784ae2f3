"""What runs where a job is sent: in a worker process, on a cluster node, in a Ray task.

The job arrives pickled (cloudpickle for a task defined in `__main__`), runs through
`run_job` as it would locally, and what comes back must pickle too: an exception or
return value that does not is replaced by a stand-in that says what it was.
"""

from __future__ import annotations

import pickle
import types
from dataclasses import replace
from typing import Any

from hydria.errors import PluginError
from hydria.runtime import JobReturn, JobSpec, run_job

__all__ = ["SourcedTask", "check_sendable", "import_cloudpickle", "run_in_worker", "sendable"]


def sendable(result: JobReturn) -> JobReturn:
    """`result` as it can cross back to the parent: an error or return value that does
    not pickle is replaced by a stand-in that says what it was."""
    try:
        pickle.dumps(result)
        return result
    except Exception:  # noqa: BLE001 - any pickling failure: fall back field by field
        pass
    error = result.error
    try:
        pickle.dumps(error)
    except Exception:  # noqa: BLE001
        error = RuntimeError(f"{type(error).__name__}: {error}")
    value = result.value
    try:
        pickle.dumps(value)
    except Exception:  # noqa: BLE001
        value = f"<not picklable: {value!r}>"
    return replace(result, error=error, value=value, config=None, hydra_config=None)


def _functions_of(task: Any) -> list[types.FunctionType]:
    """The task and the functions it closes over (a wrapper's wrapped task)."""
    found = [task] if isinstance(task, types.FunctionType) else []
    for cell in getattr(task, "__closure__", None) or ():
        try:
            content = cell.cell_contents
        except ValueError:  # an empty cell
            continue
        if isinstance(content, types.FunctionType):
            found.append(content)
    return found


def _with_filename(code: types.CodeType, filename: str) -> types.CodeType:
    consts = tuple(
        _with_filename(c, filename) if isinstance(c, types.CodeType) else c for c in code.co_consts
    )
    return code.replace(co_filename=filename, co_consts=consts)


class SourcedTask:
    """The task, with the file its code came from. cloudpickle sends a `__main__`
    function's code as `<dynamic-code>`; put back in the worker, the file name gives
    a failing job's traceback its file, line numbers and source lines.

    Writing `__code__` (a documented, writable function attribute) with
    `CodeType.replace` is the only way: a traceback takes its file name from the code
    object, and `linecache` cannot tell one `<dynamic-code>` function from another.
    `tests/internals/test_private_routes.py` checks both that cloudpickle still names
    such code `<dynamic-code>` and that the rewrite still reaches tracebacks."""

    def __init__(self, task: Any) -> None:
        self.task = task
        self.filename = next(
            (
                f.__code__.co_filename
                for f in _functions_of(task)
                if f.__module__ == "__main__" and not f.__code__.co_filename.startswith("<")
            ),
            None,
        )

    def _restore(self) -> None:
        if self.filename is None:
            return
        for func in _functions_of(self.task):
            for value in [func, *func.__globals__.values()]:
                if isinstance(value, types.FunctionType) and (
                    value.__code__.co_filename == "<dynamic-code>"
                ):
                    value.__code__ = _with_filename(value.__code__, self.filename)
        self.filename = None

    def __call__(self, cfg: Any) -> Any:
        self._restore()
        return self.task(cfg)


def run_in_worker(spec: JobSpec) -> JobReturn:
    """What a worker runs for one job."""
    return sendable(run_job(spec))


def import_cloudpickle(extra: str) -> Any:
    """cloudpickle, which sends the task (even one defined in `__main__`) to another
    machine or process.

    Args:
        extra: the optional extra of the launcher that needs it (`ray`, `submitit`).

    Raises:
        PluginError: cloudpickle is not installed; the message says which extra has it.
    """
    try:
        import cloudpickle
    except ImportError:
        raise PluginError(
            "sending jobs to other processes needs cloudpickle, which the "
            f"'{extra}' extra installs: pip install hydria[{extra}]"
        ) from None
    return cloudpickle


def check_sendable(spec: JobSpec, where: str, *, extra: str) -> None:
    """Fail before anything is submitted when a job cannot travel to `where`.

    Args:
        extra: the optional extra of the launcher (for the hint if cloudpickle is missing).

    Raises:
        PluginError: naming what does not pickle (the task, a closure, the config), or
            cloudpickle is not installed.
    """
    cloudpickle = import_cloudpickle(extra)
    for what, value in (("the task function", spec.task), ("the job's config", spec.config)):
        try:
            cloudpickle.dumps(value)
        except Exception as exc:  # noqa: BLE001 - any pickling failure is the answer
            raise PluginError(
                f"{what} cannot be sent to {where}: {type(exc).__name__}: {exc}. Jobs travel "
                "pickled (cloudpickle): define the task at module level, and keep objects "
                "that cannot be pickled (open files, locks, connections) out of its closure"
            ) from None
