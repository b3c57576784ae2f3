"""Running a `@hydria.main` app in this process, as `python my_app.py ARGS` would.

Shared by the test folders whose conftest offers a `run_app` fixture. Every run is
checked for leaks as it returns: the root logger, the working directory and the
environment are as they were, and no job is left current.
"""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

import hydria
from hydria.app import initialization, runner
from hydria.runtime import context as job_context

PROG = "my_app.py"


@dataclass(frozen=True, slots=True)
class AppRun:
    """What one run of an app showed: exit code (0 when it returned), output, return value."""

    code: int
    out: str
    err: str
    value: Any


RunApp = Callable[..., AppRun]


def _root_state() -> tuple[list[logging.Handler], int]:
    root = logging.getLogger()
    return list(root.handlers), root.level


def app_runner(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> RunApp:
    """`run(app, *argv)`: run a decorated app with that command line.

    The decorated function returns None, as Hydra's does; the task's value is taken
    from `hydria.app.runner.run_app`, which the decorator calls."""
    real_run_app = runner.run_app
    returned: list[Any] = []

    def capturing_run_app(app: Any, argv: Any) -> Any:
        value = real_run_app(app, argv)
        returned.append(value)
        return value

    monkeypatch.setattr(runner, "run_app", capturing_run_app)

    def run(app: Callable[[], Any], *argv: str) -> AppRun:
        monkeypatch.setattr(sys, "argv", [PROG, *argv])
        capsys.readouterr()
        before = (_root_state(), os.getcwd(), dict(os.environ))
        returned.clear()
        code, value = 0, None
        try:
            assert app() is None  # the command line's return, as Hydra's
            value = returned[0] if returned else None
        except SystemExit as exc:
            assert isinstance(exc.code, int), exc.code
            code = exc.code
        out, err = capsys.readouterr()
        assert (_root_state(), os.getcwd(), dict(os.environ)) == before
        assert not hydria.HydraConfig.initialized()
        assert initialization.active() is None  # the app's search path is no longer in effect
        return AppRun(code=code, out=out, err=err, value=value)

    return run


def isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Body of an autouse fixture: each test in its own directory, without the
    full-error switches, and with no job left current after it."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("HYDRA_FULL_ERROR", raising=False)
    monkeypatch.delenv("HYDRIA_FULL_ERROR", raising=False)
    yield
    job_context.reset()
    initialization.reset()
