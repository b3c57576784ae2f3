"""Provenance replays composition with composition's own merge rules: on any tree, the
history of every key ends in the value the composed config holds, and no other key
is left present."""

from __future__ import annotations

import math
import tempfile
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from omegaconf import OmegaConf

import hydria
from hydria.compose.merge import MergeEvents, merge_plain
from hydria.errors import HydriaError
from hydria.provenance import Provenance
from hydria.provenance.model import KeyPath, format_key

KEYS = st.sampled_from(["a", "b"])
# No interpolations: the replay does not resolve them (see KNOWN_GAPS)
SCALARS = st.one_of(st.integers(0, 2), st.sampled_from(["s", "???", "???"]), st.none())
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(KEYS, inner, max_size=3)),
    max_leaves=8,
)
BODIES = st.dictionaries(KEYS, VALUES, max_size=3)
# the primary also writes where the group's package puts its option (`g`, `x`)
PRIMARY = st.dictionaries(st.sampled_from(["a", "g", "x"]), st.one_of(BODIES, VALUES), max_size=3)
OVERRIDE_KEYS = st.sampled_from(["a", "x.a", "x.b.a", "g.a", "g.b"])
OVERRIDE_VALUES = st.sampled_from(["1", "s", "null", "'???'", "[1,2]", "{a: 1}", "[]"])
OVERRIDES = st.lists(
    st.one_of(
        st.builds(
            lambda p, k, v: f"{p}{k}={v}",
            st.sampled_from(["", "+", "++", "++"]),
            OVERRIDE_KEYS,
            OVERRIDE_VALUES,
        ),
        st.builds(lambda k: f"~{k}", OVERRIDE_KEYS),
    ),
    max_size=3,
)


def _paths(node: Any, path: KeyPath, out: dict[KeyPath, Any]) -> None:
    out[path] = node
    if isinstance(node, dict):
        for key, child in node.items():
            _paths(child, (*path, key), out)
    elif isinstance(node, list):
        for index, child in enumerate(node):
            _paths(child, (*path, index), out)


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b):
        return True
    return type(a) is type(b) and a == b


def assert_agrees(cfg: Any, provenance: Provenance) -> None:
    """Present histories are exactly the config's keys; leaves end in the config's value."""
    container = OmegaConf.to_container(cfg, resolve=False)
    assert isinstance(container, dict)
    container.pop("hydra", None)
    final: dict[KeyPath, Any] = {}
    _paths(container, (), final)
    del final[()]
    expected = {format_key(path): value for path, value in final.items()}
    present = {
        key
        for key, history in provenance.items()
        if history.present and not key.startswith("hydra")
    }
    assert present == set(expected)
    for key, value in expected.items():
        if not isinstance(value, (dict, list)):
            assert _same(provenance[key].value, value), (key, provenance[key].value, value)


def _compose_and_trace(root: Path, overrides: list[str]) -> tuple[Any, Provenance]:
    cfg = hydria.compose("config", overrides, config_dir=str(root), return_hydra_config=True)
    return cfg, hydria.explain(cfg)


def _write(root: Path, files: dict[str, Any]) -> None:
    for rel, content in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        text = content if isinstance(content, str) else yaml.safe_dump(content, sort_keys=False)
        path.write_text(text)


@settings(max_examples=75, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    primary=PRIMARY,
    options=st.lists(BODIES, min_size=1, max_size=2),
    self_first=st.booleans(),
    package=st.sampled_from(["g", "x", "_global_"]),
    overrides=OVERRIDES,
)
def test_provenance_ends_where_composition_ends(
    primary: dict[str, Any],
    options: list[dict[str, Any]],
    self_first: bool,
    package: str,
    overrides: list[str],
) -> None:
    """Random trees: a primary config, a group at a package, `_self_` first or last,
    value overrides of every kind; whatever composes, provenance agrees with."""
    defaults = ["_self_", {f"g@{package}": "o0"}]
    if not self_first:
        defaults.reverse()
    files: dict[str, Any] = {"config.yaml": {"defaults": defaults, **primary}}
    for index, body in enumerate(options):
        files[f"g/o{index}.yaml"] = body
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        _write(root, files)
        for choice in [[], [f"g@{package}=o{len(options) - 1}"]]:
            try:
                cfg, provenance = _compose_and_trace(root, [*choice, *overrides])
            except HydriaError:
                event("composition refused")  # a `key=v` on no key...: nothing to trace
                continue
            event("traced")
            assert_agrees(cfg, provenance)


TREES = [
    pytest.param(
        {
            "config.yaml": "defaults:\n  - db: mysql\n  - _self_\n\ndb:\n  port: ???\n",
            "db/mysql.yaml": "defaults:\n  - base\n\nport: 1\nhosts: [a, b]\n",
            "db/base.yaml": "port: 0\nhosts: [z]\nuser: ???\n",
        },
        ["db.user=u", "+db.extra={k: [1]}", "db.hosts=[c]"],
        id="missing-does-not-replace-lists-replace",
    ),
    pytest.param(
        {
            "config.yaml": "defaults:\n  - _self_\n  - db@backup: pg\n\nbackup:\n  x: 1\n",
            "db/pg.yaml": "x: null\ny: {a: 1}\nl: [0]\n",
        },
        ["~backup.y", "++backup.z=3", "backup.l=extend_list(1)", "backup.x=[1]"],
        id="packages-deletion-force-add",
    ),
    pytest.param(
        {
            "config.yaml": "defaults:\n  - exp: e\n\nxs: [1, 2]\nd: {a: 1}\n",
            "exp/e.yaml": "# @package _global_\nxs: [3]\nd: null\n",
        },
        ["xs=extend_list(4, 5)", "+d={b: 2}"],
        id="global-null-extend",
    ),
]


KNOWN_GAPS = [
    pytest.param(
        {
            "config.yaml": "defaults:\n  - _self_\n  - g@x: o\n\na: {k: 1}\nx: ${a}\n",
            "g/o.yaml": "j: 2\n",
        },
        [],
        id="merging-into-an-interpolated-mapping",
    ),
    pytest.param(
        {"config.yaml": "a: {k: []}\nx: {b: '${a}'}\n"},
        ["~x.b.k"],
        id="deleting-through-an-interpolation",
    ),
]


@pytest.mark.parametrize(
    ("files", "overrides"),
    [
        *TREES,
        *(
            pytest.param(
                *p.values,
                id=p.id,
                marks=pytest.mark.xfail(
                    strict=True,
                    reason="composition hands these to OmegaConf, which resolves the "
                    "interpolation first; the replay does not resolve interpolations",
                ),
            )
            for p in KNOWN_GAPS
        ),
    ],
)
def test_provenance_agrees_on_chosen_trees(
    tmp_path: Path, files: dict[str, str], overrides: list[str]
) -> None:
    _write(tmp_path, files)
    cfg, provenance = _compose_and_trace(tmp_path, overrides)
    assert_agrees(cfg, provenance)


class _Log:
    def __init__(self) -> None:
        self.events: list[tuple[Any, ...]] = []

    def added(self, parent: KeyPath, key: Any, value: Any) -> None:
        self.events.append(("added", (*parent, key), value))

    def replaced(self, parent: KeyPath, key: Any, old: Any, value: Any) -> None:
        self.events.append(("replaced", (*parent, key), old, value))

    def deleted(self, parent: KeyPath, key: Any, old: Any) -> None:
        self.events.append(("deleted", (*parent, key), old))


def test_merge_events_tell_each_change_once() -> None:
    log = _Log()
    events: MergeEvents = log
    dest: dict[str, Any] = {"a": {"b": 1, "c": "x"}, "l": [1]}
    merge_plain(dest, {"a": {"b": "???", "c": "y", "d": 2}, "l": [2, 3]}, events=events)
    assert dest == {"a": {"b": 1, "c": "y", "d": 2}, "l": [2, 3]}
    assert log.events == [
        ("replaced", ("a", "c"), "x", "y"),
        ("added", ("a", "d"), 2),
        ("replaced", ("l",), [1], [2, 3]),
    ]


def test_explain_traces_a_config_holding_nan(tmp_path: Path) -> None:
    """`nan` is not equal to itself: a config holding one still matches its recomposition."""
    (tmp_path / "config.yaml").write_text("a: .nan\nb: [1, .nan]\n", encoding="utf-8")
    cfg = hydria.compose("config", ["+c=nan"], config_dir=str(tmp_path), return_hydra_config=True)
    history = hydria.explain(cfg, "a")
    assert history.present
