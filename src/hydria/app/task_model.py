"""A task that asks for its config as a pydantic model (`def task(cfg: AppConfig)`).

The annotation is read once, when the app is made; pydantic is looked at only if the
user's code imported it already (no model can exist otherwise).
"""

from __future__ import annotations

import inspect
import sys
import typing
from collections.abc import Callable
from typing import Any

from omegaconf import DictConfig

__all__ = ["config_model_of", "with_config_model"]


def config_model_of(task: Callable[..., Any]) -> type | None:
    """The pydantic model the task's first parameter is annotated with, or None."""
    if "pydantic" not in sys.modules:
        return None
    from hydria.repository.pydantic_schema import is_pydantic_model

    try:
        parameters = list(inspect.signature(task).parameters)
        hints = typing.get_type_hints(task)
    except (TypeError, ValueError, NameError):  # no signature, or unresolvable annotations
        return None
    if not parameters:
        return None
    annotation = hints.get(parameters[0])
    if isinstance(annotation, type) and is_pydantic_model(annotation):
        return annotation
    return None


def with_config_model(task: Callable[..., Any], model: type | None) -> Callable[[DictConfig], Any]:
    """`task` taking a DictConfig: converted to `model` first when there is one."""
    if model is None:
        return task

    def task_with_model(cfg: DictConfig) -> Any:
        from hydria.validation import build_model

        return task(build_model(model, cfg))

    return task_with_model
