"""Runs apps defined in the test modules in-process, as `python my_app.py ARGS` would.

`run_app(app, *argv)` sets `sys.argv`, calls the decorated function with no argument
and returns what the user would see: the exit code, stdout, stderr, and the task's
return value. Every run is checked for leaks as it returns: the root logger, the
working directory and the environment are as they were, and no job is left current.
Each test runs in its own `tmp_path`.
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


@pytest.fixture
def run_app(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> RunApp:
    """`run_app(app, *argv)`: run a `@hydria.main` app with that command line."""

    def run(app: Callable[[], Any], *argv: str) -> AppRun:
        monkeypatch.setattr(sys, "argv", [PROG, *argv])
        capsys.readouterr()
        before = (_root_state(), os.getcwd(), dict(os.environ))
        code, value = 0, None
        try:
            value = app()
        except SystemExit as exc:
            assert isinstance(exc.code, int), exc.code
            code = exc.code
        out, err = capsys.readouterr()
        assert (_root_state(), os.getcwd(), dict(os.environ)) == before
        assert not hydria.HydraConfig.initialized()
        return AppRun(code=code, out=out, err=err, value=value)

    return run


@pytest.fixture(autouse=True)
def _isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("HYDRA_FULL_ERROR", raising=False)
    monkeypatch.delenv("HYDRIA_FULL_ERROR", raising=False)
    yield
    job_context.reset()
