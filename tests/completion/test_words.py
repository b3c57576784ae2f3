"""Splitting the line up to the cursor, and reading the arguments already typed."""

from __future__ import annotations

from pathlib import Path

import pytest

from hydria.completion.typed_args import TypedArgs, find_flag, read_typed_args
from hydria.completion.words import LineWords, app_arguments, split_line


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        pytest.param(
            "python app.py db=my",
            LineWords(before=("python", "app.py"), word="db=my"),
            id="last-word",
        ),
        pytest.param(
            "python app.py ", LineWords(before=("python", "app.py"), word=""), id="new-word"
        ),
        pytest.param(
            "app.py 'a b' x", LineWords(before=("app.py", "a b"), word="x"), id="quoted-before"
        ),
        pytest.param(
            'app.py name="my ',
            LineWords(before=("app.py",), word="name=my "),
            id="open-double-quote",
        ),
        pytest.param(
            "app.py name='x", LineWords(before=("app.py",), word="name=x"), id="open-single-quote"
        ),
        pytest.param("app.py a\\ ", LineWords(before=("app.py",), word="a "), id="escaped-space"),
        pytest.param("app.py a\\", LineWords(before=("app.py",), word="a"), id="dangling-escape"),
        pytest.param("", LineWords(before=(), word=""), id="empty"),
    ],
)
def test_split_line(line: str, expected: LineWords) -> None:
    assert split_line(line) == expected


@pytest.mark.parametrize(
    ("before", "expected"),
    [
        pytest.param(("python", "app.py", "a=1"), ("a=1",), id="python-script"),
        pytest.param(("python3", "./sub/../app.py", "a=1"), ("a=1",), id="same-file"),
        pytest.param(("./app.py", "a=1"), ("a=1",), id="executable-script"),
        pytest.param(
            ("python", "-X", "dev", "other.py", "a=1"), ("a=1",), id="interpreter-options"
        ),
        pytest.param(("my-app", "a=1"), ("a=1",), id="console-script"),
        pytest.param((), (), id="nothing"),
    ],
)
def test_app_arguments(tmp_path: Path, before: tuple[str, ...], expected: tuple[str, ...]) -> None:
    (tmp_path / "sub").mkdir()
    script = tmp_path / "app.py"
    script.write_text("")
    assert app_arguments(before, str(script), str(tmp_path)) == expected


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        pytest.param(["db=x", "-m"], TypedArgs(overrides=("db=x",), multirun=True), id="multirun"),
        pytest.param(
            ["-cn", "c", "--config-path=p"],
            TypedArgs(config_name="c", config_path="p"),
            id="values",
        ),
        pytest.param(
            ["-cd", "a", "--config-dir", "b"], TypedArgs(config_dirs=("a", "b")), id="config-dirs"
        ),
        pytest.param(["--config-n", "c"], TypedArgs(config_name="c"), id="long-prefix"),
        pytest.param(["-cn"], TypedArgs(pending=find_flag("-cn")), id="pending"),
        pytest.param(
            ["--info", "db=x"], TypedArgs(overrides=("db=x",)), id="optional-value-not-an-override"
        ),
        pytest.param(["--info"], TypedArgs(pending=find_flag("--info")), id="optional-pending"),
        pytest.param(["--bogus", "x=1"], TypedArgs(overrides=("x=1",)), id="unknown-flag-skipped"),
        pytest.param(["--", "-m"], TypedArgs(overrides=("-m",)), id="double-dash"),
    ],
)
def test_read_typed_args(args: list[str], expected: TypedArgs) -> None:
    assert read_typed_args(args) == expected
