"""`plain_content` gives `BaseContainer._to_content`'s answer (unresolved as `to_yaml`
reads it, resolved as `to_container(resolve=True)` does) or says it cannot; and
`reference_text` resolves a directory string as OmegaConf does, or leaves it to it."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Any

import pytest
from omegaconf import MISSING, OmegaConf
from omegaconf.basecontainer import BaseContainer

from hydria.runtime.config_yaml import _OPTIONS
from hydria.runtime.plain_content import (
    NOT_PLAIN,
    plain_content,
    reference_text,
    resolved_container,
)


class Mode(enum.Enum):
    RUN = 1
    MULTIRUN = 2


@dataclass
class Linked:
    items: list[str] = field(default_factory=lambda: ["a"])
    linked: list[str] = "${items}"  # type: ignore[assignment]


@dataclass
class Typed:
    mode: Mode = Mode.MULTIRUN
    unset_mode: Mode = MISSING
    name: str = "n"
    num: int = 3
    ratio: float = 0.5
    flag: bool = False
    joined: str = "${name}-${num}"
    lone_int_in_str: str = "${num}"
    missing: str = "???"
    items: list[str] = field(default_factory=lambda: ["a", "${name}"])
    params: dict[str, Any] | None = None
    required: dict[str, int] = MISSING


_INTERPOLATIONS: list[Any] = [
    "${x}",
    "${y.z}",
    "${x}/${y.z}.log",
    "pre ${x} post",
    "${x}${x}",
    "${s}",
    "${lst}",
    "${d}",
    "${nothing}",
    "${m}",
    "${chain}",
    "${.x}",
    "${..x}",
    "${oc.env:HOME}",
    "${oc.decode:'1'}",
    "\\${x}",
    "a\\b${x}",
    "'${x}'",
    '"${x}"',
    "${lst[0]}",
    "${y[z]}",
    "${f}",
    "${b}",
    "${n}",
    "${esc}",
    "}${x}{",
    "$${x}",
]


def _config(value: Any) -> Any:
    return OmegaConf.create(
        {
            "x": 1,
            "s": "str",
            "y": {"z": "deep"},
            "lst": [1, 2],
            "d": {"k": "v"},
            "m": "???",
            "chain": "${y.z}",
            "f": 1.5,
            "b": True,
            "n": None,
            "esc": "\\???",
            "node": {"v": value, "w": [value, {"u": value}], "plain": "p"},
        }
    )


def _same(got: Any, expected: Any) -> None:
    assert repr(got) == repr(expected)  # repr: 1 and 1.0 and True differ


@pytest.mark.parametrize("value", _INTERPOLATIONS)
def test_resolved_content_is_to_container_s_or_not_plain(value: Any) -> None:
    cfg = _config(value)
    try:
        expected = OmegaConf.to_container(cfg.node, resolve=True)
    except Exception as exc:  # OmegaConf fails: the fast route must not answer
        assert plain_content(cfg.node, resolve_in=cfg) is NOT_PLAIN
        with pytest.raises(type(exc)):
            resolved_container(cfg.node)
        return
    got = plain_content(cfg.node, resolve_in=cfg)
    if got is not NOT_PLAIN:
        _same(got, expected)
    _same(resolved_container(cfg.node), expected)


@pytest.mark.parametrize("value", _INTERPOLATIONS)
def test_unresolved_content_is_to_content_s(value: Any) -> None:
    cfg = _config(value)
    got = plain_content(cfg.node)
    assert got is not NOT_PLAIN  # unresolved, every interpolation is a plain string
    _same(got, BaseContainer._to_content(cfg.node, **_OPTIONS))
    # 2.4 keeps a literal '???' as an escaped string: that node is left to OmegaConf
    whole = plain_content(cfg)
    if whole is not NOT_PLAIN:
        _same(whole, BaseContainer._to_content(cfg, **_OPTIONS))


def test_the_plain_cases_are_read_fast() -> None:
    cfg = _config("${x}/${y.z}.log")
    assert plain_content(cfg.node, resolve_in=cfg) == {
        "v": "1/deep.log",
        "w": ["1/deep.log", {"u": "1/deep.log"}],
        "plain": "p",
    }
    lone = _config("${x}")
    assert plain_content(lone.node, resolve_in=lone)["v"] == 1


def test_a_structured_node_with_enums_and_typed_leaves() -> None:
    cfg = OmegaConf.structured(Typed)
    unresolved = plain_content(cfg)
    assert unresolved is not NOT_PLAIN
    _same(unresolved, BaseContainer._to_content(cfg, **_OPTIONS))
    resolved = plain_content(cfg, resolve_in=cfg)
    assert resolved is not NOT_PLAIN
    _same(resolved, OmegaConf.to_container(cfg, resolve=True))
    _same(resolved_container(cfg), OmegaConf.to_container(cfg, resolve=True))
    # a str leaf holding `${num}` gets '3', as OmegaConf converts it
    assert resolved["lone_int_in_str"] == "3"


def test_enum_keys_bytes_and_paths_are_left_to_omegaconf() -> None:
    cfg = OmegaConf.create({"a": {Mode.RUN: 1}})
    assert plain_content(cfg) is NOT_PLAIN
    cfg = OmegaConf.create({"a": b"bytes"})
    assert plain_content(cfg) is NOT_PLAIN


@pytest.mark.parametrize("value", [*_INTERPOLATIONS, "plain", "multirun/${now:%Y}/x"])
def test_reference_text_is_the_selected_string_or_none(value: str) -> None:
    cfg = _config(value)
    got = reference_text(cfg, value)
    if got is None:
        return
    expected = OmegaConf.select(cfg, "node.v", throw_on_missing=True)
    assert got == str(expected)


def test_an_interpolated_node_is_its_string_unresolved_and_left_to_omegaconf_resolved() -> None:
    cfg = OmegaConf.structured(Linked)
    _same(plain_content(cfg), BaseContainer._to_content(cfg, **_OPTIONS))
    assert plain_content(cfg, resolve_in=cfg) is NOT_PLAIN
    _same(resolved_container(cfg), OmegaConf.to_container(cfg, resolve=True))
