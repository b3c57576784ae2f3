"""Runs apps defined in the test modules in-process, as `python my_app.py ARGS` would.

`run_app(app, *argv)` sets `sys.argv`, calls the decorated function with no argument
and returns what the user would see: the exit code, stdout, stderr, and the task's
return value. Every run is checked for leaks as it returns: the root logger, the
working directory and the environment are as they were, and no job is left current.
Each test runs in its own `tmp_path`.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from tests.in_process import RunApp, app_runner, isolated


@pytest.fixture
def run_app(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> RunApp:
    """`run_app(app, *argv)`: run a `@hydria.main` app with that command line."""
    return app_runner(monkeypatch, capsys)


@pytest.fixture(autouse=True)
def _isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    yield from isolated(tmp_path, monkeypatch)
