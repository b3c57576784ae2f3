"""Parsing is bounded: alias bombs, recursive aliases and huge integers are clear errors
that name the file and line, found fast; ordinary aliases and big plain files still load."""

from __future__ import annotations

import sys
import time

import pytest

from hydria.errors import ConfigSyntaxError
from hydria.repository import parse_yaml


def _bomb(levels: int) -> str:
    lines = ['l0: &l0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i in range(1, levels):
        refs = ",".join([f"*l{i - 1}"] * 9)
        lines.append(f"l{i}: &l{i} [{refs}]")
    return "\n".join(lines) + "\n"


def test_an_alias_bomb_is_refused_at_once() -> None:
    start = time.process_time()
    with pytest.raises(ConfigSyntaxError) as info:
        parse_yaml(_bomb(9), filename="bomb.yaml")
    assert time.process_time() - start < 1
    assert str(info.value) == (
        "Invalid YAML in bomb.yaml:1: its aliases expand it to more than 10000 nodes. Use "
        "fewer aliases, or for trusted input raise the limit with "
        "OMEGACONF_MAX_YAML_EXPANDED_NODES (a positive integer, or 'none')"
    )


def test_aliases_that_multiply_the_document_a_hundredfold_are_refused() -> None:
    text = "a: &a [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]\nmany: [" + ", ".join(["*a"] * 200) + "]\n"
    with pytest.raises(ConfigSyntaxError, match=r"^Invalid YAML in t.yaml:1: its aliases expand"):
        parse_yaml(text, filename="t.yaml")
    few = "a: &a [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]\nmany: [" + ", ".join(["*a"] * 20) + "]\n"
    assert parse_yaml(few, filename="t.yaml")["many"][19] == list(range(1, 11))


def test_the_limit_follows_omegaconfs_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OMEGACONF_MAX_YAML_EXPANDED_NODES", "100")
    with pytest.raises(ConfigSyntaxError, match="more than 100 nodes"):
        parse_yaml(_bomb(3), filename="t.yaml")
    monkeypatch.setenv("OMEGACONF_MAX_YAML_EXPANDED_NODES", "none")
    assert len(parse_yaml(_bomb(4), filename="t.yaml")["l3"]) == 9
    monkeypatch.setenv("OMEGACONF_MAX_YAML_EXPANDED_NODES", "many")
    with pytest.raises(ConfigSyntaxError, match="Invalid value for OMEGACONF_MAX_YAML_EXPANDED"):
        parse_yaml(_bomb(2), filename="t.yaml")


def test_a_large_document_without_aliases_is_not_limited() -> None:
    text = "".join(f"k{i}: [{i}, {i}]\n" for i in range(3400))  # 10,201 nodes
    assert len(parse_yaml(text, filename="t.yaml")) == 3400


@pytest.mark.parametrize(
    ("text", "where"),
    [
        pytest.param("a: &a [*a]\n", "t.yaml:1:4", id="list"),
        pytest.param("x: 1\nb: &b\n  c: *b\n", "t.yaml:2:4", id="mapping"),
        pytest.param("b: &b\n  c: [1, {d: *b}]\n", "t.yaml:1:4", id="nested"),
    ],
)
def test_a_recursive_alias_is_an_error_naming_the_line(text: str, where: str) -> None:
    with pytest.raises(ConfigSyntaxError) as info:
        parse_yaml(text, filename="t.yaml")
    assert str(info.value) == (
        f"Invalid YAML in {where}: a recursive alias (an anchor used inside itself); "
        "YAML aliases must not contain themselves"
    )


def test_a_shared_alias_is_not_recursive() -> None:
    text = "base: &b {x: 1}\none: *b\ntwo: [*b, *b]\nmerged:\n  <<: *b\n  y: 2\n"
    assert parse_yaml(text, filename="t.yaml") == {
        "base": {"x": 1},
        "one": {"x": 1},
        "two": [{"x": 1}, {"x": 1}],
        "merged": {"x": 1, "y": 2},
    }


def test_an_integer_of_five_thousand_digits_is_an_error_naming_the_line() -> None:
    with pytest.raises(ConfigSyntaxError) as info:
        parse_yaml("ok: 1\nbig: " + "1" * 5000 + "\n", filename="t.yaml")
    assert str(info.value) == (
        "Invalid YAML in t.yaml:2:6: an integer of 5000 digits, more than Python reads "
        f"({sys.get_int_max_str_digits()}); quote it to keep it as a string"
    )
    assert parse_yaml("big: '" + "1" * 5000 + "'\n", filename="t.yaml")["big"] == "1" * 5000
