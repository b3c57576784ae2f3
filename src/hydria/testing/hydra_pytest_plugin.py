"""The fixtures of Hydra's pytest plugin (`hydra.extra.pytest_plugin`), for hydria.

`hydra_task_runner` and `hydra_sweep_runner` make the in-process runners of
`hydria.testing.hydra_task_runner`; `hydra_restore_singletons` puts the process-wide
state a test may change (the default ConfigStore, `initialize*`, the `version_base`
in effect, the running-job context) back as it was before the test. Load it with
`-p hydra.extra.pytest_plugin` through the compat layer, or
`pytest_plugins = ["hydria.testing.hydra_pytest_plugin"]`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from omegaconf import DictConfig

from hydria.testing.hydra_task_runner import SweepTaskFunction, TaskTestFunction
from hydria.testing.process_state import restore_state, snapshot_state

__all__ = ["hydra_restore_singletons", "hydra_sweep_runner", "hydra_task_runner"]


@pytest.fixture
def hydra_restore_singletons() -> Iterator[None]:
    """Undo, after the test, what it did to hydria's process-wide state."""
    saved = snapshot_state()
    yield
    restore_state(saved)


@pytest.fixture
def hydra_task_runner() -> Callable[..., TaskTestFunction]:
    """`hydra_task_runner(calling_file, calling_module, config_path, config_name,
    overrides=None, configure_logging=False)`: a `TaskTestFunction` to enter."""

    def make(
        calling_file: str | None,
        calling_module: str | None,
        config_path: str | None,
        config_name: str | None,
        overrides: list[str] | None = None,
        configure_logging: bool = False,
    ) -> TaskTestFunction:
        task = TaskTestFunction()
        task.calling_file = calling_file
        task.calling_module = calling_module
        task.config_path = config_path
        task.config_name = config_name
        task.overrides = list(overrides or [])
        task.configure_logging = configure_logging
        return task

    return make


@pytest.fixture
def hydra_sweep_runner() -> Callable[..., SweepTaskFunction]:
    """`hydra_sweep_runner(calling_file, calling_module, task_function, config_path,
    config_name, overrides, temp_dir=None, configure_logging=False)`: a
    `SweepTaskFunction` to enter."""

    def make(
        calling_file: str | None,
        calling_module: str | None,
        task_function: Callable[[DictConfig], Any] | None,
        config_path: str | None,
        config_name: str | None,
        overrides: list[str] | None,
        temp_dir: Path | None = None,
        configure_logging: bool = False,
    ) -> SweepTaskFunction:
        sweep = SweepTaskFunction()
        sweep.calling_file = calling_file
        sweep.calling_module = calling_module
        sweep.task_function = task_function
        sweep.config_path = config_path
        sweep.config_name = config_name
        sweep.overrides = list(overrides or [])
        sweep.temp_dir = None if temp_dir is None else str(temp_dir)
        sweep.configure_logging = configure_logging
        return sweep

    return make
