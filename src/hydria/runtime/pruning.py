"""A trial stopped early: what a task raises when the sweeper's pruner says its trial will
not beat the best ones (`hydria.report` returned True), and how a job's end is known to
be that rather than a failure.

Optuna's own `optuna.TrialPruned` means the same and is recognised too, so a task
written for Optuna's `optimize` loop needs no change. Recognising it by name keeps
Optuna out of every process that does not run an Optuna sweep.
"""

from __future__ import annotations

__all__ = ["TrialPruned", "is_pruned"]


class TrialPruned(Exception):
    """Raised by a task to end its trial as pruned (not failed): the sweeper records the
    trial as pruned, with the last value it reported."""


def is_pruned(error: BaseException | None) -> bool:
    """Whether a job's error means its trial was pruned: hydria's `TrialPruned`, or
    Optuna's (`optuna.exceptions.TrialPruned`, also `optuna.TrialPruned`)."""
    if error is None:
        return False
    if isinstance(error, TrialPruned):
        return True
    return any(
        cls.__name__ == "TrialPruned" and cls.__module__.split(".")[0] == "optuna"
        for cls in type(error).__mro__
    )
