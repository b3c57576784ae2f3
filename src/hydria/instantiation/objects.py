"""`get_object`, `get_class`, `get_method`: Hydra's helpers for naming Python objects in
configs (`_target_: hydria.get_class`, `path: torch.nn.ReLU`), under the target policy."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from hydria.errors import InstantiationError
from hydria.instantiation.policy import current_policy

__all__ = ["get_class", "get_method", "get_object"]


def get_object(path: str) -> Any:
    """The object at the dotted `path`, subject to the target policy in force.

    Raises:
        hydria.errors.TargetNotFoundError: nothing importable has that path.
        hydria.errors.TargetRefusedError: the policy refuses it (see `instantiate`).
    """
    return current_policy().locate(path, None)


def get_class(path: str) -> type:
    """The class at `path`.

    Raises:
        hydria.errors.InstantiationError: `path` names something that is not a class.
    """
    obj = get_object(path)
    if not isinstance(obj, type):
        raise InstantiationError(f"'{path}' is a {type(obj).__name__}, not a class")
    return obj


def get_method(path: str) -> Callable[..., Any]:
    """The callable (function, method or class) at `path`.

    Raises:
        hydria.errors.InstantiationError: `path` names something that is not callable.
    """
    obj = get_object(path)
    if not callable(obj):
        raise InstantiationError(f"'{path}' is a {type(obj).__name__}, which is not callable")
    method: Callable[..., Any] = obj
    return method
