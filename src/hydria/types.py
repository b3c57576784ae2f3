"""Hydra's `hydra.types` import path (a compatibility facade): `TaskFunction`, `RunMode`,
`ConvertMode`, `HydraContext`, `TargetConf`.

The real `RunMode` is in `hydria.builtin`, `ConvertMode` in `hydria.instantiation`;
`TaskFunction`, `HydraContext` and `TargetConf` are the few lines Hydra's names need.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from omegaconf import MISSING

from hydria.builtin import RunMode as RunMode
from hydria.errors import VersionBaseError
from hydria.instantiation import ConvertMode as ConvertMode
from hydria.version_base import base_at_least, deprecation_warning

__all__ = ["ConvertMode", "HydraContext", "RunMode", "TargetConf", "TaskFunction"]

TaskFunction = Callable[[Any], Any]
"""What `@main` decorates: a function taking the config."""


@dataclass
class HydraContext:
    """Hydra's record of what a launcher needs besides the config (its config loader
    and callbacks); hydria's launchers get a `LaunchContext` instead."""

    config_loader: Any
    callbacks: Any


@dataclass
class TargetConf:
    """Hydra 1.0's base for configs with a `_target_`: deprecated under version_base 1.1
    (a warning), refused from 1.2 on, as in Hydra. Any dataclass with a `_target_`
    field works with `instantiate`."""

    _target_: str = MISSING

    def __post_init__(self) -> None:
        if base_at_least("1.2"):
            raise VersionBaseError("TargetConf is unsupported since Hydra 1.2")
        deprecation_warning(
            "\nTargetConf is deprecated since Hydra 1.1 and will be removed in Hydra 1.2."
        )
