"""`plain_content` gives `BaseContainer._to_content`'s answer (unresolved as `to_yaml`
reads it, resolved as `to_container(resolve=True)` does) or says it cannot; and
`reference_text` resolves a directory string as OmegaConf does, or leaves it to it."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Any

import omegaconf
import pytest
from omegaconf import MISSING, OmegaConf
from omegaconf.basecontainer import BaseContainer

from hydria.runtime import resolvers
from hydria.runtime.config_yaml import _OPTIONS
from hydria.runtime.plain_content import (
    NOT_PLAIN,
    plain_content,
    reference_text,
    resolved_container,
)
from hydria.runtime.resolvers import register_resolvers


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


# --- `${now:...}` in directory strings --------------------------------------------------

_NOW_TEXTS = [
    "outputs/${now:%Y-%m-%d}/${now:%H-%M-%S}",
    "multirun/${now:%Y-%m-%d_%H-%M-%S-%f}/${hydra.job.name}",
    "${now:%f}",
    "${now:%Y.%m/%d}x",
    # forms the fast route leaves to OmegaConf's grammar
    "${now: %f}",
    "${now:'%f'}",
    "${now:%H:%M:%f}",
    "${now:%f,%f}",
    "${now:2020}",
    "${now:}",
    "${now:\\%f}",
    "${oc.env:HOME}/${now:%f}",
]


@pytest.fixture
def hydria_resolvers() -> Any:
    register_resolvers()
    yield
    register_resolvers()


def _now_config(text: str) -> Any:
    return OmegaConf.create({"hydra": {"job": {"name": "app"}}, "dir": text})


@pytest.mark.parametrize("text", _NOW_TEXTS)
def test_now_read_fast_is_what_omegaconf_resolves_afterwards(
    text: str, hydria_resolvers: None
) -> None:
    """The fast route stores the timestamp in the config's resolver cache under the key
    OmegaConf uses, so resolving through OmegaConf later gives the very same text
    (down to the microsecond of `%f`)."""
    cfg = _now_config(text)
    fast = reference_text(cfg, text)
    if fast is not None:
        assert fast == OmegaConf.select(cfg, "dir")
        assert fast == OmegaConf.to_container(cfg, resolve=True)["dir"]
    # the same config resolved by OmegaConf first: the fast route reads its timestamps
    cfg = _now_config(text)
    try:
        expected = OmegaConf.select(cfg, "dir")
    except Exception:  # noqa: BLE001 - OmegaConf refuses it: the fast route must too
        assert reference_text(cfg, text) is None
        return
    got = reference_text(cfg, text)
    assert got is None or got == expected


def test_the_default_directories_are_read_without_the_grammar(
    hydria_resolvers: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    import omegaconf.grammar_parser

    def no_grammar(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("OmegaConf's grammar was used")

    monkeypatch.setattr(omegaconf.grammar_parser, "parse", no_grammar)
    for text in _NOW_TEXTS[:4]:
        assert reference_text(_now_config(text), text) is not None


def test_a_now_resolver_of_the_user_s_own_is_called_by_omegaconf(
    hydria_resolvers: None,
) -> None:
    at_least_2_4 = tuple(int(p) for p in omegaconf.__version__.split(".")[:2]) >= (2, 4)
    register = getattr(OmegaConf, "register_resolver" if at_least_2_4 else "register_new_resolver")
    register("now", lambda pattern: f"mine-{pattern}", replace=True)
    try:
        cfg = _now_config("out/${now:%Y}")
        assert reference_text(cfg, "out/${now:%Y}") is None
        assert OmegaConf.select(cfg, "dir") == "out/mine-%Y"
    finally:  # hydria's own `now` back, as an app start would put it
        resolvers._register("now", resolvers._now, True)
    assert reference_text(_now_config("out/${now:%Y}"), "out/${now:%Y}") is not None
