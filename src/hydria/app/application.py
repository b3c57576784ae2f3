"""An app as `@main` sees it: its task, where its configs are, and how it composes them.

Every mode of the command line (run, multirun, --cfg, --info, --help, --explain)
composes through `App.compose`, so a command line is composed the same way whichever
mode asks, with the overrides parsed once (`Invocation`).
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from typing import Any

from omegaconf import DictConfig

from hydria.app.app_setup import (
    AppSource,
    app_repository,
    app_search_path,
    app_source,
    primary_source_url,
)
from hydria.app.cli import RunRequest
from hydria.app.process_caches import app_memos, parsed_files
from hydria.app.task_model import config_model_of, with_config_model
from hydria.compose import Composition, compose_config
from hydria.overrides import Override
from hydria.record_class import record
from hydria.repository import ConfigRepository, ConfigStore, SearchPathEntry
from hydria.version import __version__
from hydria.version_base import CURRENT_VERSION

__all__ = ["App", "AppExit", "Invocation", "make_app", "mode_of"]


class AppExit(Exception):
    """Carries the exit code of a finished command up to `main` (which calls sys.exit)."""

    def __init__(self, code: int) -> None:
        super().__init__(code)
        self.code = code


@record(kw_only=True)
class App:
    """An app: its task function and where its configs are, from the decorator."""

    task: Callable[..., Any]
    config_path: str | None
    config_name: str | None
    source: AppSource
    config_model: type | None = None  # the pydantic model the task's parameter asks for
    # what `version_base` the decorator was given, read ("1.1", "1.3"): recorded in
    # hydra.runtime.version_base, from where a job decides a null hydra.job.chdir
    version_base: str = CURRENT_VERSION
    # False: neither hydra_logging nor job_logging is applied (in-process test runners)
    configure_logging: bool = True

    @property
    def identity(self) -> str:
        """What tells this app from another in the user's disk cache."""
        source = self.source
        return repr(
            (source.calling_file, source.calling_module, self.config_path, self.config_name)
        )

    @property
    def job_task(self) -> Callable[[DictConfig], Any]:
        """What a job calls: the task, given its config as the model it asks for."""
        return with_config_model(self.task, self.config_model)

    def validate(self, composition: Composition) -> None:
        """Check the composition against the pydantic schemas it used and the task's
        model, before anything runs. Without pydantic imported there can be none."""
        if "pydantic" not in sys.modules:
            return
        from hydria.validation import SchemaCheck, validate_composition

        extra = []
        if self.config_model is not None:
            extra.append(SchemaCheck("", self.config_model, "the task's annotation"))
        validate_composition(composition, extra)

    def search_path(self, request: RunRequest) -> tuple[SearchPathEntry, ...]:
        config_path = request.config_path if request.config_path is not None else self.config_path
        extra = [request.config_dir] if request.config_dir else []
        return app_search_path(primary_source_url(self.source, config_path), extra)


@record(kw_only=True)
class Invocation:
    """One command line of one app: the request, its overrides parsed once (in order),
    and the repository its search path gives. What every mode receives."""

    app: App
    request: RunRequest
    overrides: tuple[Override, ...]
    repository: ConfigRepository

    @classmethod
    def create(cls, app: App, request: RunRequest, overrides: Sequence[Override]) -> Invocation:
        repository = app_repository(
            app.search_path(request), store=ConfigStore.instance(), cache=parsed_files()
        )
        return cls(app=app, request=request, overrides=tuple(overrides), repository=repository)

    @property
    def config_name(self) -> str | None:
        request = self.request
        return request.config_name if request.config_name is not None else self.app.config_name

    def compose(
        self,
        overrides: Sequence[Override] | None = None,
        *,
        skip_missing: bool = False,
        sweeps_allowed: bool = False,
    ) -> Composition:
        """Compose the app's config with `overrides` (default: the command line's), the
        `hydra` node included.

        Raises:
            hydria.errors.HydriaError: the composition fails (each error names what to fix).
        """
        return compose_config(
            self.repository,
            self.config_name,
            self.overrides if overrides is None else overrides,
            return_hydra_config=True,
            job_name=self.app.source.job_name,
            version=__version__,
            version_base=self.app.version_base,
            skip_missing=skip_missing,
            sweeps_allowed=sweeps_allowed,
            memos=app_memos(),
        )


def mode_of(config: DictConfig) -> str | None:
    """`hydra.mode` of a composed config by name ("RUN", "MULTIRUN"), or None when unset."""
    mode = config.hydra.mode
    return None if mode is None else str(getattr(mode, "name", mode))


def make_app(
    task: Callable[[DictConfig], Any],
    config_path: str | None,
    config_name: str | None,
    *,
    version_base: str = CURRENT_VERSION,
) -> App:
    """The app `@main` makes of `task`; `version_base` as `read_version_base` returned it."""
    return App(
        task=task,
        config_path=config_path,
        config_name=config_name,
        source=app_source(task),
        config_model=config_model_of(task),
        version_base=version_base,
    )
