"""The `@hydria.main` decorator: turns a function taking a config into a command-line app."""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from typing import Any, TypeVar

from omegaconf import DictConfig

F = TypeVar("F", bound=Callable[..., Any])


def main(
    config_path: str | None = None, config_name: str | None = None
) -> Callable[[Callable[[DictConfig], Any]], Callable[..., Any]]:
    """Make `task(cfg)` an app: `python app.py db=postgresql` composes the config and calls it.

    Args:
        config_path: the primary config folder, relative to the file defining `task`
            (or absolute, or `pkg://package`); None for no folder.
        config_name: the primary config (`config`), or None.

    Returns:
        A decorator. The decorated function, called with no argument, reads `sys.argv`;
        called with a `DictConfig`, it runs `task` on it directly (tests, notebooks).
    """

    def decorator(task: Callable[[DictConfig], Any]) -> Callable[..., Any]:
        @functools.wraps(task)
        def decorated(cfg_passthrough: DictConfig | None = None) -> Any:
            if cfg_passthrough is not None:
                from hydria.app.task_model import config_model_of, with_config_model

                return with_config_model(task, config_model_of(task))(cfg_passthrough)
            # imported here: `import hydria` stays light for code that only composes
            from hydria.app.runner import AppExit, make_app, run_app

            app = make_app(task, config_path, config_name)
            try:
                return run_app(app, sys.argv[1:])
            except AppExit as done:
                sys.exit(done.code)

        return decorated

    return decorator
