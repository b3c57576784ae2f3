"""One interactive bash, zsh and fish per session, each with hydria's completion
installed the way a user installs it, for a small app whose import takes 3 seconds.

Where a shell or tmux is missing its tests are skipped, unless `HYDRIA_REQUIRE_SHELLS`
is set (`make test` sets it once the Debian packages are installed, so CI fails
instead of skipping).
"""

from __future__ import annotations

import os
import shlex
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from tests.completion_shells.sample_app import write_app
from tests.completion_shells.terminal import (
    SHELLS,
    Shell,
    Tmux,
    missing_programs,
    unavailable_reason,
)

_INSTALLED = "COMPLETION-INSTALLED"


@pytest.fixture(scope="session")
def completion_app(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The app's folder: `train.py` (executable) and its config tree under `conf/`."""
    folder = tmp_path_factory.mktemp("app")
    write_app(folder)
    return folder


def _install_command(shell: str) -> str:
    """What the user types to install completion (the app's import makes it take 3 s)."""
    python = shlex.quote(sys.executable)
    if shell == "fish":
        return f"{python} train.py -sc install=fish | source; and echo {_INSTALLED}"
    return f'eval "$({python} train.py -sc install={shell})" && echo {_INSTALLED}'


@pytest.fixture(scope="session")
def shells(
    completion_app: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[dict[str, Shell]]:
    """Each shell found here, started fresh with completion installed; the three install
    at the same time."""
    tmux = Tmux(tmp_path_factory.mktemp("tmux"))
    # the venv's python first: `python train.py` names the interpreter that installed
    path = os.pathsep.join([os.path.dirname(sys.executable), "/usr/local/bin", "/usr/bin", "/bin"])
    started: dict[str, Shell] = {}
    try:
        for shell in SHELLS:
            if not missing_programs(shell):
                home = tmp_path_factory.mktemp(f"home-{shell}")
                started[shell] = Shell(tmux, shell, home=home, cwd=completion_app, path=path)
        for shell in started.values():
            shell.type(_install_command(shell.shell), "Enter")
        for shell in started.values():
            shell.wait(lambda s=shell: _INSTALLED in s.lines(), "the install", timeout=60)
            shell.clear()
        yield started
    finally:
        tmux.kill()


@pytest.fixture
def ready_shells(shells: dict[str, Shell]) -> list[Shell]:
    """The shells found here, each on an empty line; a test drives them at the same time
    (`test_shell_is_here` fails or skips for each one missing)."""
    if not shells:
        reason = "no shell to drive: " + "; ".join(filter(None, map(unavailable_reason, SHELLS)))
        if os.environ.get("HYDRIA_REQUIRE_SHELLS"):
            pytest.fail(f"HYDRIA_REQUIRE_SHELLS is set, but {reason}", pytrace=False)
        pytest.skip(reason)
    for shell in shells.values():
        shell.clear()
    return list(shells.values())
