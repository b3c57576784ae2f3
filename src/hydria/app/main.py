"""The `@hydria.main` decorator: turns a function taking a config into a command-line app."""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

from hydria.collector import gc_paused
from hydria.version_base import (
    MAIN_CONFIG_PATH_NOT_SPECIFIED,
    UNSPECIFIED,
    default_config_path,
    read_version_base,
    remember_base,
)

if TYPE_CHECKING:  # `import hydria` does not load OmegaConf: running or composing does
    from omegaconf import DictConfig

F = TypeVar("F", bound=Callable[..., Any])


def main(
    config_path: str | None = UNSPECIFIED,
    config_name: str | None = None,
    version_base: str | None = UNSPECIFIED,
) -> Callable[[Callable[[DictConfig], Any]], Callable[..., Any]]:
    """Make `task(cfg)` an app: `python app.py db=postgresql` composes the config and calls it.

    Args:
        config_path: the primary config folder, relative to the file defining `task`
            (or absolute, or `pkg://package`); None for no folder. Left out, it is None
            with a `version_base` of 1.2 or later, else "." (with Hydra's warning when
            `version_base` is left out too).
        config_name: the primary config (`config`), or None.
        version_base: the Hydra release whose defaults the app keeps: "1.1", "1.2",
            "1.3", or None for the current one (1.3). Left out, it is "1.1" with Hydra's
            warning. It decides what a null `hydra.job.chdir` means (see the README).

    Returns:
        A decorator. The decorated function, called with no argument, reads `sys.argv`
        and returns None (as Hydra's does: results go to the callbacks and, for a sweep,
        to `results.jsonl`); called with a `DictConfig`, it runs `task` on it directly
        and returns what `task` returns (tests, notebooks).

    Raises:
        hydria.errors.VersionBaseError: `version_base` is not None nor a version from 1.1 on.
    """
    # Read here, when the decorator is applied, so the warnings point at the user's line.
    base = read_version_base(version_base, stacklevel=2)
    remember_base(base)  # for code that asks hydra.version.base_at_least()
    path = default_config_path(
        config_path, version_base, base, warning=MAIN_CONFIG_PATH_NOT_SPECIFIED, stacklevel=2
    )

    def decorator(task: Callable[[DictConfig], Any]) -> Callable[..., Any]:
        @functools.wraps(task)
        def decorated(cfg_passthrough: DictConfig | None = None) -> Any:
            if cfg_passthrough is not None:
                from hydria.app.task_model import config_model_of, with_config_model

                return with_config_model(task, config_model_of(task))(cfg_passthrough)
            # imported here: `import hydria` stays light for code that only composes
            with gc_paused(promote=True):
                from hydria.app.runner import AppExit, make_app, run_app

            app = make_app(task, path, config_name, version_base=base)
            try:
                run_app(app, sys.argv[1:])
            except AppExit as done:
                sys.exit(done.code)
            return None

        return decorated

    return decorator
