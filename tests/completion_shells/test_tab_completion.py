"""A real Tab in bash, zsh and fish, with the script `-sc install=SHELL` printed: what
the shell inserts or lists, and that it never imports the app.

Each case types a partial command for the app of `conftest.py` into the three shells at
once, presses Tab (twice in bash, which lists only then) and reads each screen. The
app's import leaves a marker file beside the app (and sleeps 3 seconds, as a slow
import would): after the Tab there must be none. The proof is the marker, not the
clock, so a loaded machine cannot fail it.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable

import pytest
from tests.completion_shells.sample_app import IMPORT_SECONDS, IMPORTED_MARK
from tests.completion_shells.terminal import SHELLS, Shell, unavailable_reason

pytestmark = pytest.mark.xdist_group("shells")

# bash lists only what follows the word's last `=` or `:` (COMP_WORDBREAKS)
_BASH_SHOWN = re.compile(r"^.*[=:](?=.)")


@pytest.mark.parametrize("name", SHELLS)
def test_shell_is_here(name: str) -> None:
    """Each shell the other tests drive: a missing one is a failure with
    HYDRIA_REQUIRE_SHELLS (as `make test` sets), else a visible skip."""
    reason = unavailable_reason(name)
    if reason is not None:
        if os.environ.get("HYDRIA_REQUIRE_SHELLS"):
            pytest.fail(f"HYDRIA_REQUIRE_SHELLS is set, but {reason}", pytrace=False)
        pytest.skip(reason)


def _quoted(shell: Shell, text: str, *, typed: bool) -> str:
    """A deletion (`~key`) as each shell has it: fish completes a typed `~word` as a user
    name, so there it is typed `\\~word`; zsh quotes the `~` it inserts (unquoted, zsh
    would expand it). Either way the app receives `~word`."""
    if shell.shell == "fish" or (shell.shell == "zsh" and not typed):
        return text.replace("~", "\\~")
    return text


def _press_tab(
    shells: list[Shell],
    typed: Callable[[Shell], str],
    ready: Callable[[Shell], bool],
    what: Callable[[Shell], str],
    *,
    bash_lists: bool = False,
) -> None:
    """Type into every shell, press Tab in each (twice in bash if `bash_lists`: bash
    lists candidates on the second), then wait for each to be `ready`; one failure per
    shell, all reported together."""
    for shell in shells:  # the install imported the app: only a Tab's import counts
        for mark in shell.cwd.glob(f"**/*{IMPORTED_MARK}"):
            mark.unlink()
    for shell in shells:
        shell.type(typed(shell))
    for shell in shells:
        shell.wait(lambda s=shell: s.line() == typed(s), f"{typed(shell)!r} typed")
    for shell in shells:
        shell.type(*["Tab"] * (2 if bash_lists and shell.shell == "bash" else 1))
    failures = []
    for shell in shells:
        try:
            shell.wait(lambda s=shell: ready(s), what(shell), timeout=IMPORT_SECONDS * 3)
        except AssertionError as exc:
            failures.append(str(exc))
    imported = sorted({str(m) for s in shells for m in s.cwd.glob(f"**/*{IMPORTED_MARK}")})
    if imported:
        failures.append(f"completion imported the app: {imported}")
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize(
    ("text", "completed", "space"),
    [
        pytest.param("python train.py db=p", "python train.py db=postgresql", True, id="option"),
        pytest.param("python train.py db.p", "python train.py db.port=", False, id="key"),
        pytest.param(
            "python train.py trainer.sch", "python train.py trainer.schedule.", False, id="nested"
        ),
        pytest.param("python train.py --mu", "python train.py --multirun", True, id="flag"),
        pytest.param("python train.py -cn o", "python train.py -cn other", True, id="cn-value"),
        pytest.param(
            "python train.py hydra/launcher=jo",
            "python train.py hydra/launcher=joblib",
            True,
            id="hydra-group",
        ),
        pytest.param(
            "python train.py model/o", "python train.py model/optimizer=", False, id="nested-group"
        ),
        pytest.param("python train.py +db=p", "python train.py +db=postgresql", True, id="plus"),
        pytest.param(
            "python train.py ~model/o", "python train.py ~model/optimizer", True, id="tilde"
        ),
        pytest.param(
            "python train.py ~mo", "python train.py ~model", False, id="tilde-common-part"
        ),
        pytest.param(
            "python train.py 'db.driver=my",
            "python train.py 'db.driver=mysql'",
            True,
            id="quoted-word",
        ),
        pytest.param(
            "python train.py -m db=mysql,p",
            "python train.py -m db=mysql,postgresql",
            True,
            id="sweep-comma",
        ),
        pytest.param("./train.py db=p", "./train.py db=postgresql", True, id="executable"),
        pytest.param(
            "python -m apps.train db=p", "python -m apps.train db=postgresql", True, id="module"
        ),
        pytest.param(
            "python -m apps.train model/o",
            "python -m apps.train model/optimizer=",
            False,
            id="module-nested-group",
        ),
        # before the script is typed, `python` completes files, as without hydria
        pytest.param("python tra", "python train.py", True, id="script-name"),
    ],
)
def test_tab_inserts_the_one_candidate(
    ready_shells: list[Shell], text: str, completed: str, space: bool
) -> None:
    def inserted(shell: Shell) -> bool:
        return shell.line() == _quoted(shell, completed, typed=False)

    _press_tab(
        ready_shells,
        lambda shell: _quoted(shell, text, typed=True),
        inserted,
        lambda shell: f"{_quoted(shell, completed, typed=False)!r}",
    )
    # a word that needs more typing (`db.port=`) gets no space after it; others one
    spaced = [s.shell for s in ready_shells if s.cursor_after_line() is space]
    assert not spaced, f"{'no ' if space else 'a '}space after {completed!r} in {spaced}"


@pytest.mark.parametrize(
    ("text", "listed"),
    [
        pytest.param("python train.py db=", ["db=mysql", "db=postgresql"], id="group-options"),
        pytest.param("python train.py db.", ["db.driver=", "db.port="], id="keys"),
        pytest.param(
            "python train.py --config-",
            ["--config-dir=", "--config-name=", "--config-path="],
            id="flags",
        ),
        pytest.param(
            "python train.py hydra/launcher=",
            ["hydra/launcher=basic", "hydra/launcher=joblib"],
            id="launchers",
        ),
    ],
)
def test_tab_lists_the_candidates(ready_shells: list[Shell], text: str, listed: list[str]) -> None:
    def expected(shell: Shell) -> list[str]:
        if shell.shell == "bash":
            return [_BASH_SHOWN.sub("", candidate) for candidate in listed]
        return listed

    def shown(shell: Shell) -> bool:
        words = " ".join(shell.lines()[1:]).split()
        # fish shows the prefix the candidates share as `…`
        ends = [word[1:] for word in words if word.startswith("…")]
        return all(c in words or any(c.endswith(end) for end in ends) for c in expected(shell))

    _press_tab(
        ready_shells, lambda _: text, shown, lambda s: f"{expected(s)} listed", bash_lists=True
    )
    assert [s.line() for s in ready_shells] == [text] * len(ready_shells)
