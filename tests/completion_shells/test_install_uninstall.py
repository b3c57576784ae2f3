"""Installing and removing completion in real bash, zsh and fish: for `python app.py` and
for an installed entry point (a command that does not name the app's script), Tab
completes once installed and no longer does once the printed `uninstall` script ran.

These shells are fresh ones of this module's own, since removing completion must not
disturb the shells the other tests share.
"""

from __future__ import annotations

import os
import shlex
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from tests.completion_shells.sample_app import APP, CONFIGS, IMPORT_SECONDS
from tests.completion_shells.terminal import SHELLS, Shell, Tmux, missing_programs

pytestmark = pytest.mark.xdist_group("shells")

_FAST_APP = APP.replace(f"time.sleep({IMPORT_SECONDS})", "time.sleep(0)")
_ENTRY_POINT = """\
#!{python}
import sys

sys.path.insert(0, {folder!r})
from tools.train import main

if __name__ == "__main__":
    sys.exit(main())
"""
# after a Tab that must not complete, how long the shell is given to show it did not
_SETTLE_SECONDS = 1.5


def _write(folder: Path) -> None:
    (folder / "train.py").write_text(_FAST_APP)
    (folder / "tools").mkdir()
    (folder / "tools" / "__init__.py").write_text("")
    module = _FAST_APP.replace('config_path="conf"', 'config_path="../conf"')
    (folder / "tools" / "train.py").write_text(module)
    (folder / "bin").mkdir()
    entry = folder / "bin" / "trainapp"
    entry.write_text(_ENTRY_POINT.format(python=sys.executable, folder=str(folder)))
    entry.chmod(0o755)
    for name, text in CONFIGS.items():
        path = folder / "conf" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


@pytest.fixture(scope="module")
def fresh_shells(tmp_path_factory: pytest.TempPathFactory) -> Iterator[list[Shell]]:
    folder = tmp_path_factory.mktemp("installed-app")
    _write(folder)
    tmux = Tmux(tmp_path_factory.mktemp("tmux-install"))
    path = os.pathsep.join(
        [str(folder / "bin"), os.path.dirname(sys.executable), "/usr/local/bin", "/usr/bin", "/bin"]
    )
    started: list[Shell] = []
    try:
        for shell in SHELLS:
            if not missing_programs(shell):
                home = tmp_path_factory.mktemp(f"home-install-{shell}")
                started.append(Shell(tmux, shell, home=home, cwd=folder, path=path))
        if not started:
            pytest.skip("no shell to drive (see test_tab_completion.py::test_shell_is_here)")
        yield started
    finally:
        tmux.kill()


def _run_printed(shells: list[Shell], command: str, action: str) -> None:
    """Run what `COMMAND -sc ACTION=SHELL` prints, in each shell, as a user does."""
    for shell in shells:
        done = f"DONE-{action}-{shell.shell}"
        printed = f"{command} -sc {action}={shell.shell}"
        if shell.shell == "fish":
            shell.type(f"{printed} | source; and echo {done}", "Enter")
        else:
            shell.type(f'eval "$({printed})" && echo {done}', "Enter")
    for shell in shells:
        done = f"DONE-{action}-{shell.shell}"
        shell.wait(lambda s=shell, d=done: d in s.lines(), f"{action} done", timeout=60)
        shell.clear()


def _tab(shells: list[Shell], typed: str) -> None:
    for shell in shells:
        shell.type(typed)
    for shell in shells:
        shell.wait(lambda s=shell: s.line() == typed, f"{typed!r} typed")
    for shell in shells:
        shell.type("Tab")


def _completes(shells: list[Shell], typed: str, completed: str) -> None:
    _tab(shells, typed)
    for shell in shells:
        shell.wait(lambda s=shell: s.line() == completed, f"{completed!r}", timeout=15)
        shell.clear()


def _does_not_complete(shells: list[Shell], typed: str, offered: str) -> None:
    """Tab no longer gives hydria's candidate `offered` (the shell's own completion may
    still act: fish matches `db=p` fuzzily against file names)."""
    _tab(shells, typed)
    time.sleep(_SETTLE_SECONDS)
    lines = {shell.shell: shell.line() for shell in shells}
    for shell in shells:
        shell.clear()
    assert not [name for name, line in lines.items() if offered in line], lines


def test_python_app_install_then_uninstall(fresh_shells: list[Shell]) -> None:
    python = shlex.quote(sys.executable)
    _run_printed(fresh_shells, f"{python} train.py", "install")
    _completes(fresh_shells, "python train.py db=p", "python train.py db=postgresql")
    _completes(fresh_shells, "python -m tools.train db=p", "python -m tools.train db=postgresql")
    _run_printed(fresh_shells, f"{python} train.py", "uninstall")
    _does_not_complete(fresh_shells, "python train.py db=p", "postgresql")
    _does_not_complete(fresh_shells, "python -m tools.train db=p", "postgresql")


def test_entry_point_install_then_uninstall(fresh_shells: list[Shell]) -> None:
    _run_printed(fresh_shells, "trainapp", "install")
    _completes(fresh_shells, "trainapp db=p", "trainapp db=postgresql")
    _completes(fresh_shells, "trainapp model/o", "trainapp model/optimizer=")
    _run_printed(fresh_shells, "trainapp", "uninstall")
    _does_not_complete(fresh_shells, "trainapp db=p", "postgresql")
