"""`printable` and `caret_under`: control characters shown escaped, carets still aligned."""

from __future__ import annotations

import pytest

from hydria.errors import OverrideParseError
from hydria.overrides import parse_override
from hydria.terminal_text import caret_under, printable


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        pytest.param("db=mysql", "db=mysql", id="plain"),
        pytest.param("x=\x1b[2J\x1b[H", "x=\\x1b[2J\\x1b[H", id="ansi"),
        pytest.param("a\rb\x07\x00\x7f", "a\\rb\\x07\\x00\\x7f", id="c0-del"),
        pytest.param("\x9b31m", "\\x9b31m", id="c1-csi"),
        pytest.param("abc\u202edef\u2066", "abc\\u202edef\\u2066", id="bidi"),
        pytest.param("a\tb\nc", "a\\tb\\nc", id="one-line"),
        pytest.param("é ü 日本 \\x1b", "é ü 日本 \\x1b", id="unicode-and-backslash-kept"),
    ],
)
def test_printable(text: str, shown: str) -> None:
    assert printable(text) == shown
    assert printable(shown) == shown  # escaping again changes nothing


def test_printable_multiline_keeps_newlines_and_tabs() -> None:
    assert printable("line 1\n\tline\x1b[31m 2\r\n", multiline=True) == (
        "line 1\n\tline\\x1b[31m 2\\r\n"
    )


def test_caret_stays_under_the_fault() -> None:
    assert caret_under("a\x1bb\tc", 4) == "    a\\x1bb c\n           ^"


def test_parse_error_escapes_the_override() -> None:
    with pytest.raises(OverrideParseError) as info:
        parse_override("x='\x1b[2J'[")
    message = str(info.value)
    assert "\x1b" not in message
    assert message.endswith("    x='\\x1b[2J'[\n               ^")
