"""hydria's YAML parsing gives exactly what OmegaConf.load gives, on the values users write."""

from __future__ import annotations

import io
import math
from typing import Any

import pytest
from omegaconf import OmegaConf

from hydria.errors import ConfigSyntaxError
from hydria.repository import parse_yaml

SNIPPETS = [
    "lr: 1e-3",
    "a: 1e3",
    "b: 55_000",
    "c: 1_0.5",
    "on: 1\noff: 2\nyes: 3\nno: 4",
    "flag: yes",
    "t: 2024-01-01",
    "t2: 2001-12-14t21:59:43.10-05:00",
    "n: ~",
    "n2: null",
    "inf: .inf\nninf: -.inf\nnan: .nan",
    "s: '1'",
    "hex: 0x1f",
    "oct: 0o17",
    "sexa: 1:30",
    "f: 1.",
    "e: .5e+3",
    "list: [1, a, 2.5, true]",
    "nested: {a: {b: [1, {c: d}]}}",
    "1: int key\n1.5: float key\ntrue: bool key",
    "interp: ${a.b}\nstr: pre_${x}_post",
    "anchors:\n  base: &b {x: 1, y: 2}\n  derived:\n    <<: *b\n    y: 3",
]


def _normalize(value: Any) -> Any:
    if isinstance(value, float) and math.isnan(value):
        return "nan"
    if isinstance(value, dict):
        return {k: _normalize(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_normalize(v) for v in value]
    return value


@pytest.mark.parametrize("text", SNIPPETS, ids=[s.split(":")[0] for s in SNIPPETS])
def test_same_values_and_types_as_omegaconf(text: str) -> None:
    expected = OmegaConf.to_container(OmegaConf.load(io.StringIO(text)))
    got = parse_yaml(text, filename="t.yaml")
    assert _normalize(got) == _normalize(expected)
    assert repr(_normalize(got)) == repr(_normalize(expected))  # types too: 1 vs 1.0 vs '1'


def test_duplicate_key_is_an_error_with_position() -> None:
    with pytest.raises(ConfigSyntaxError) as info:
        parse_yaml("a: 1\nb: 2\na: 3\n", filename="/tree/db/mysql.yaml")
    assert str(info.value) == (
        "Invalid YAML in /tree/db/mysql.yaml:3:1: "
        "while constructing a mapping found duplicate key a"
    )


def test_syntax_error_names_file_line_and_column() -> None:
    with pytest.raises(ConfigSyntaxError) as info:
        parse_yaml("a: 1\nb: [1, 2\nc: 3\n", filename="conf/x.yaml")
    message = str(info.value)
    assert message.startswith("Invalid YAML in conf/x.yaml:3:2:")
    # libyaml says "did not find expected", the pure-Python parser "expected": both name the fix
    assert "while parsing a flow sequence" in message
    assert "expected ',' or ']'" in message
