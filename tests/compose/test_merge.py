"""The plain merge must agree with OmegaConf's merge of untyped configs, on any input."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from omegaconf import OmegaConf

from hydria.compose.merge import (
    MergeItem,
    NeedsOmegaConf,
    embed,
    merge_all_omegaconf,
    merge_all_plain,
    merge_plain,
)
from hydria.errors import CompositionError

KEYS = st.sampled_from(["a", "b", "c", "x"])
SCALARS = st.one_of(
    st.integers(-3, 3),
    st.sampled_from(["s", "???", "${a}", "${.b}", "pre-${x}", "${oc.env:HOME}", "${now:%H}"]),
    st.none(),
    st.booleans(),
    st.floats(allow_nan=False, allow_infinity=False, width=32),
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(KEYS, inner, max_size=3)),
    max_leaves=12,
)
CONFIGS = st.dictionaries(KEYS, VALUES, max_size=4)


def _omegaconf_merge(dest: dict[str, Any], src: dict[str, Any]) -> Any:
    cfg = OmegaConf.create(dest)
    cfg.merge_with(OmegaConf.create(src))
    return OmegaConf.to_container(cfg, resolve=False)


@settings(max_examples=400, deadline=None)
@given(CONFIGS, CONFIGS)
def test_plain_merge_agrees_with_omegaconf(dest: dict[str, Any], src: dict[str, Any]) -> None:
    try:
        expected = _omegaconf_merge(dest, src)
    except Exception:
        expected = "error"
    mine: Any = {k: v for k, v in dest.items()}
    try:
        merge_plain(mine, src)
    except NeedsOmegaConf:
        assume(False)
    except CompositionError:
        mine = "error"
    assert mine == expected


@pytest.mark.parametrize(
    ("dest", "src", "expected"),
    [
        pytest.param({"a": 1}, {"a": "???"}, {"a": 1}, id="missing-keeps-value"),
        pytest.param({"a": {"b": 1}}, {"a": None}, {"a": None}, id="null-replaces-dict"),
        pytest.param({"a": None}, {"a": {"b": 1}}, {"a": {"b": 1}}, id="dict-replaces-null"),
        pytest.param({"a": [1, 2]}, {"a": [3]}, {"a": [3]}, id="list-replaced"),
        pytest.param({"a": 1, "b": 2}, {"c": 3, "a": 4}, {"a": 4, "b": 2, "c": 3}, id="order"),
        pytest.param(
            {"a": "${b}", "b": 1}, {"a": "???"}, {"a": "${b}", "b": 1}, id="interp-scalar"
        ),
    ],
)
def test_merge_rules(dest: dict[str, Any], src: dict[str, Any], expected: dict[str, Any]) -> None:
    merge_plain(dest, src)
    assert dest == expected
    assert list(dest) == list(expected)


def test_interpolation_to_a_container_defers_to_omegaconf() -> None:
    items = [
        MergeItem(config_path="one", package="", content={"b": {"x": 1}, "a": "${b}"}, source="t"),
        MergeItem(config_path="two", package="", content={"a": {"y": 2}}, source="t"),
    ]
    with pytest.raises(NeedsOmegaConf):
        merge_all_plain(items)
    merged = merge_all_omegaconf(items)
    assert OmegaConf.to_container(merged) == {"b": {"x": 1}, "a": {"x": 1, "y": 2}}


def test_mapping_into_list_names_the_config_and_key() -> None:
    items = [
        MergeItem(config_path="base", package="db", content={"hosts": [1]}, source="base.yaml"),
        MergeItem(config_path="bad", package="db", content={"hosts": {"a": 1}}, source="bad.yaml"),
    ]
    with pytest.raises(CompositionError) as info:
        merge_all_plain(items)
    assert str(info.value) == (
        "In 'bad' (bad.yaml): cannot merge it at 'db': "
        "Cannot merge a mapping into 'db.hosts', which is a list"
    )


def test_embed_nests_content_at_its_package() -> None:
    assert embed({"x": 1}, "a.b") == {"a": {"b": {"x": 1}}}
    assert embed(None, "") == {}
