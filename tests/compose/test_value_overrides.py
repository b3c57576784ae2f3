"""Value overrides (`key=v`, `+key=v`, `++key=v`, `~key`) on a composed config.

Every expected config below is what Hydra 1.3.8 composes from `data/values` with the
same overrides, except the rows marked as hydria extensions (`extend_list`, `json_str`,
deleting a list item), which Hydra 1.3 does not have.
"""

from __future__ import annotations

import copy
import math
from pathlib import Path
from typing import Any

import omegaconf
import pytest
from omegaconf import DictConfig, OmegaConf
from omegaconf.errors import ConfigAttributeError

import hydria
from hydria.errors import CompositionError, HydriaError, SweepNotAllowedError

DATA = Path(__file__).parent / "data" / "values"

# `config` composed without overrides (db/mysql merged in before `_self_`).
BASE: dict[str, Any] = {
    "db": {"driver": "mysql", "user": "root", "password": "secret", "port": 3306},
    "app": {
        "name": "demo",
        "tags": ["a", "b", "c"],
        "nested": {"x": 1, "y": {"z": 2}},
        "ref": "${app.name}",
        "maybe": None,
        "rate": 0.1,
        "flag": True,
        "todo": "???",
    },
}

_DELETE = object()


def _compose(overrides: list[str]) -> DictConfig:
    return hydria.compose("config", overrides, config_dir=str(DATA))


def _changed(**changes: Any) -> dict[str, Any]:
    """BASE with `a__b=value` set at `a.b` (`_DELETE` removes the key); new keys go last."""
    out = copy.deepcopy(BASE)
    for dotted, value in changes.items():
        *parents, leaf = dotted.split("__")
        node: Any = out
        for part in parents:
            node = node.setdefault(part, {})
        if value is _DELETE:
            del node[leaf]
        else:
            node[leaf] = value
    return out


def _typed(value: Any) -> Any:
    """The value with every scalar paired with its type, so 1, 1.0 and True differ."""
    if isinstance(value, dict):
        return {k: _typed(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_typed(v) for v in value]
    if isinstance(value, float) and math.isnan(value):
        return ("float", "nan")
    return (type(value).__name__, value)


def _plain(cfg: DictConfig) -> Any:
    return OmegaConf.to_container(cfg, resolve=False)


def test_no_overrides_gives_the_base_config() -> None:
    assert _typed(_plain(_compose([]))) == _typed(BASE)


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        # key=value: change an existing value, at any depth
        pytest.param(["db.port=3307"], _changed(db__port=3307), id="change-leaf"),
        pytest.param(
            ["app.nested.y.z=5"], _changed(app__nested={"x": 1, "y": {"z": 5}}), id="nested"
        ),
        pytest.param(["db={user: x}"], _changed(db__user="x"), id="dict-merges-into-node"),
        pytest.param(
            ["app.nested={x: 9}"],
            _changed(app__nested={"x": 9, "y": {"z": 2}}),
            id="dict-deep-merge",
        ),
        pytest.param(["app.nested.y={}"], BASE, id="empty-dict-merges-nothing"),
        pytest.param(["app.nested=5"], _changed(app__nested=5), id="scalar-replaces-dict"),
        pytest.param(["app.name={}"], _changed(app__name={}), id="dict-replaces-scalar"),
        pytest.param(["app.name=[1]"], _changed(app__name=[1]), id="list-replaces-scalar"),
        pytest.param(["app.maybe={a: 1}"], _changed(app__maybe={"a": 1}), id="dict-into-null"),
        pytest.param(["app.todo=filled"], _changed(app__todo="filled"), id="fill-missing-value"),
        pytest.param(["app.flag=5"], _changed(app__flag=5), id="untyped-node-takes-any-type"),
        pytest.param(
            ["app={name: other}"], _changed(app__name="other"), id="dict-at-top-level-node"
        ),
        # lists
        pytest.param(["app.tags.0=x"], _changed(app__tags=["x", "b", "c"]), id="list-index"),
        pytest.param(["app.tags=[]"], _changed(app__tags=[]), id="list-emptied"),
        pytest.param(
            ["app.tags=[1,[2,3],{k: v}]"],
            _changed(app__tags=[1, [2, 3], {"k": "v"}]),
            id="list-replaced-not-merged",
        ),
        # +key=value: add a key; on an existing key only a dict or a list may be added
        pytest.param(["+db.extra=1"], _changed(db__extra=1), id="add-leaf"),
        pytest.param(
            ["+new.deep.key=1"], _changed(new={"deep": {"key": 1}}), id="add-creates-parents"
        ),
        pytest.param(["+db={extra: 1}"], _changed(db__extra=1), id="add-dict-merges-existing"),
        pytest.param(["+app.tags=[z]"], _changed(app__tags=["z"]), id="add-list-replaces-existing"),
        pytest.param(["+app.name={}"], _changed(app__name={}), id="add-dict-over-scalar"),
        pytest.param(["+app.maybe=5"], _changed(app__maybe=5), id="add-over-null"),
        pytest.param(
            ["+app.name.sub=1"], _changed(app__name={"sub": 1}), id="add-below-scalar-replaces-it"
        ),
        pytest.param(["+app.todo.x=1"], _changed(app__todo={"x": 1}), id="add-below-missing"),
        pytest.param(["+app.blank="], _changed(app__blank=""), id="add-empty-string"),
        pytest.param(
            ["+app.nested.q=1", "app.nested.q=2"],
            _changed(app__nested={"x": 1, "y": {"z": 2}, "q": 2}),
            id="added-key-can-then-be-changed",
        ),
        # ++key=value: add or change
        pytest.param(["++db.port=1"], _changed(db__port=1), id="force-add-existing"),
        pytest.param(["++db.extra=1"], _changed(db__extra=1), id="force-add-new"),
        pytest.param(
            ["++new.deep.key=1"], _changed(new={"deep": {"key": 1}}), id="force-add-creates-parents"
        ),
        pytest.param(["++app.tags=[z]"], _changed(app__tags=["z"]), id="force-add-list"),
        # ~key and ~key=value
        pytest.param(["~db.port"], _changed(db__port=_DELETE), id="delete-leaf"),
        pytest.param(["~db.port=3306"], _changed(db__port=_DELETE), id="delete-matching-value"),
        pytest.param(["~db"], {"app": BASE["app"]}, id="delete-node"),
        pytest.param(
            ["~app.nested.y.z"], _changed(app__nested={"x": 1, "y": {}}), id="delete-nested"
        ),
        pytest.param(["~app.ref"], _changed(app__ref=_DELETE), id="delete-interpolation"),
        pytest.param(["~app.tags=[a,b,c]"], _changed(app__tags=_DELETE), id="delete-matching-list"),
        pytest.param(
            ["~app.nested={x: 1, y: {z: 2}}"],
            _changed(app__nested=_DELETE),
            id="delete-matching-dict",
        ),
        pytest.param(["~app.rate=0.1"], _changed(app__rate=_DELETE), id="delete-matching-float"),
        pytest.param(["~app.flag=1"], _changed(app__flag=_DELETE), id="delete-true-equals-1"),
        # interpolations are stored as written, unresolved
        pytest.param(["app.name=${db.user}"], _changed(app__name="${db.user}"), id="interp"),
        pytest.param(
            ["+app.other=${app.name}_x"], _changed(app__other="${app.name}_x"), id="interp-in-text"
        ),
        pytest.param(
            ["app.ref=${oc.env:HOME}"], _changed(app__ref="${oc.env:HOME}"), id="interp-resolver"
        ),
        pytest.param(
            ["app.name=${app.missing}"], _changed(app__name="${app.missing}"), id="interp-dangling"
        ),
        # typed values
        pytest.param(["app.rate=1e3"], _changed(app__rate=1000.0), id="float-exponent"),
        pytest.param(["app.rate=inf"], _changed(app__rate=math.inf), id="inf"),
        pytest.param(["app.rate=-inf"], _changed(app__rate=-math.inf), id="minus-inf"),
        pytest.param(["app.rate=nan"], _changed(app__rate=math.nan), id="nan"),
        pytest.param(["app.name=123"], _changed(app__name=123), id="int"),
        pytest.param(["app.name=1_000"], _changed(app__name=1000), id="int-underscores"),
        pytest.param(["app.name=0x10"], _changed(app__name="0x10"), id="hex-is-a-string"),
        pytest.param(["app.name=true"], _changed(app__name=True), id="bool"),
        pytest.param(["app.name=null"], _changed(app__name=None), id="null"),
        pytest.param(["app.name='123'"], _changed(app__name="123"), id="quoted-int-stays-str"),
        pytest.param(['app.name="true"'], _changed(app__name="true"), id="quoted-bool-stays-str"),
        pytest.param(["app.name='a,b'"], _changed(app__name="a,b"), id="quoted-comma"),
        pytest.param(["app.name=a\\,b"], _changed(app__name="a,b"), id="escaped-comma"),
        pytest.param(["app.name=abc def"], _changed(app__name="abc def"), id="inner-space"),
        pytest.param(["app.name="], _changed(app__name=""), id="empty-value"),
        pytest.param(["app.name=str(10)"], _changed(app__name="10"), id="cast-str"),
        pytest.param(["app.name=int(3.7)"], _changed(app__name=3), id="cast-int"),
        pytest.param(["app.name=float(2)"], _changed(app__name=2.0), id="cast-float"),
        # with a group selection in the same call
        pytest.param(
            ["db=postgresql", "db.timeout=3"],
            _changed(
                db={
                    "driver": "postgresql",
                    "user": "postgres",
                    "password": "drowssap",
                    "port": 5432,
                    "timeout": 3,
                }
            ),
            id="value-of-selected-option",
        ),
        pytest.param(
            ["db=postgresql", "~db.timeout"],
            _changed(
                db={
                    "driver": "postgresql",
                    "user": "postgres",
                    "password": "drowssap",
                    "port": 5432,
                }
            ),
            id="delete-in-selected-option",
        ),
        pytest.param(["hydra.searchpath=[]"], BASE, id="empty-searchpath-override-changes-nothing"),
    ],
)
def test_value_override_matches_hydra(overrides: list[str], expected: dict[str, Any]) -> None:
    assert _typed(_plain(_compose(overrides))) == _typed(expected)


def test_delete_then_add_again_puts_the_key_last() -> None:
    app = dict(BASE["app"])
    del app["nested"]
    app["nested"] = 1
    cfg = _plain(_compose(["~app.nested", "+app.nested=1"]))
    assert cfg == {"db": BASE["db"], "app": app}
    assert list(cfg["app"])[-1] == "nested"


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        pytest.param(
            ["app.tags=extend_list(d, e)"],
            _changed(app__tags=["a", "b", "c", "d", "e"]),
            id="extend_list",
        ),
        pytest.param(
            ["app.tags=extend_list([d, e])"],
            _changed(app__tags=["a", "b", "c", ["d", "e"]]),
            id="extend_list-appends-a-list-as-one-item",
        ),
        pytest.param(
            ["app.tags=extend_list(1,[2])"],
            _changed(app__tags=["a", "b", "c", 1, [2]]),
            id="extend_list-typed-items",
        ),
        pytest.param(
            ["app.tags=extend_list(d)", "app.tags=extend_list(e)"],
            _changed(app__tags=["a", "b", "c", "d", "e"]),
            id="extend_list-twice",
        ),
        pytest.param(["~app.tags.1"], _changed(app__tags=["a", "c"]), id="delete-list-item"),
        pytest.param(
            ["~app.tags.0=a"], _changed(app__tags=["b", "c"]), id="delete-list-item-value"
        ),
        pytest.param(
            ["app.name=json_str({a: 1, b: [1, 2]})"],
            _changed(app__name='{"a": 1, "b": [1, 2]}'),
            id="json_str-dict",
        ),
        pytest.param(["app.name=json_str(1)"], _changed(app__name="1"), id="json_str-int"),
        pytest.param(["app.name=json_str('x')"], _changed(app__name='"x"'), id="json_str-str"),
        pytest.param(["app.name=json_str(null)"], _changed(app__name="null"), id="json_str-null"),
        pytest.param(
            ["app.name=json_str([a, true])"], _changed(app__name='["a", true]'), id="json_str-list"
        ),
    ],
)
def test_hydria_extension(overrides: list[str], expected: dict[str, Any]) -> None:
    """Not in Hydra 1.3: `extend_list`, `json_str` and deleting list items."""
    assert _typed(_plain(_compose(overrides))) == _typed(expected)


def test_composed_config_is_in_struct_mode() -> None:
    cfg = _compose([])
    assert OmegaConf.is_struct(cfg)
    with pytest.raises(ConfigAttributeError, match="Key 'newkey' is not in struct"):
        cfg.newkey = 1
    with pytest.raises(ConfigAttributeError, match="Key 'newkey' is not in struct"):
        cfg.db.newkey = 1
    cfg.db.port = 1  # existing keys may change
    assert cfg.db.port == 1


def test_added_key_is_in_struct_mode_too() -> None:
    cfg = _compose(["+new.deep.key=1"])
    with pytest.raises(ConfigAttributeError):
        cfg.new.deep.other = 2


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        pytest.param(
            ["db.portt=1"],
            "Override 'db.portt=1': 'db.portt' is not in the config.\n"
            "  To add it use '+db.portt=1'",
            id="change-missing-key",
        ),
        pytest.param(
            ["dbb.port=1"],
            "Override 'dbb.port=1': 'dbb.port' is not in the config.\n"
            "  To add it use '+dbb.port=1'",
            id="change-key-below-missing-node",
        ),
        pytest.param(
            ["app.name.sub=1"],
            "Override 'app.name.sub=1': 'app.name.sub' is not in the config.\n"
            "  To add it use '+app.name.sub=1'",
            id="change-key-below-scalar",
        ),
        pytest.param(
            ["app.tags.1.z=1"],
            "Override 'app.tags.1.z=1': 'app.tags.1.z' is not in the config.\n"
            "  To add it use '+app.tags.1.z=1'",
            id="change-key-below-list-item",
        ),
        pytest.param(
            ["+db.port=1"],
            "Override '+db.port=1': cannot add 'db.port', the config already has it.\n"
            "  To change it drop the '+': 'db.port=1'\n"
            "  To add or change it whichever applies use '++': '++db.port=1'",
            id="add-existing-key",
        ),
        pytest.param(
            ["+app.name=other"],
            "Override '+app.name=other': cannot add 'app.name', the config already has it.\n"
            "  To change it drop the '+': 'app.name=other'\n"
            "  To add or change it whichever applies use '++': '++app.name=other'",
            id="add-existing-string",
        ),
        pytest.param(
            ["~db.nope"],
            "Override '~db.nope': cannot delete 'db.nope', it is not in the config",
            id="delete-missing-key",
        ),
        pytest.param(
            ["~app.tags.9"],
            "Override '~app.tags.9': cannot delete 'app.tags.9', it is not in the config",
            id="delete-missing-list-item",
        ),
        pytest.param(
            ["~db.port=3307"],
            "Override '~db.port=3307': cannot delete 'db.port': its value is 3306, not 3307",
            id="delete-wrong-value",
        ),
        pytest.param(
            ["~app.name="],
            "Override '~app.name=': cannot delete 'app.name': its value is 'demo', not ''",
            id="delete-wrong-empty-value",
        ),
        pytest.param(
            ["~app.nested={x: 1}"],
            "Override '~app.nested={x: 1}': cannot delete 'app.nested': "
            "its value is {'x': 1, 'y': {'z': 2}}, not {'x': 1}",
            id="delete-wrong-dict",
        ),
        pytest.param(
            ["x@pkg=1"],
            "Override 'x@pkg=1' selects a config group, but there is no config group 'x' "
            "on the search path",
            id="group-like-override-without-group",
        ),
        pytest.param(
            ["+x@pkg=1"],
            "Override '+x@pkg=1' selects a config group, but there is no config group 'x' "
            "on the search path",
            id="group-like-add-without-group",
        ),
        pytest.param(
            ["app.name=extend_list(d)"],
            "Override 'app.name=extend_list(d)': extend_list needs 'app.name' to be a list; "
            "it is str",
            id="extend_list-on-a-string",
        ),
        pytest.param(
            ["app.nope=extend_list(d)"],
            "Override 'app.nope=extend_list(d)': extend_list needs 'app.nope' to be a list; "
            "it is missing",
            id="extend_list-on-a-missing-key",
        ),
        pytest.param(
            ["hydra.searchpath=abc"],
            "hydra.searchpath must be a list of strings, got 'abc'",
            id="searchpath-not-a-list",
        ),
        pytest.param(
            ["hydra.searchpath=[1]"],
            "hydra.searchpath must be a list of strings, got [1]",
            id="searchpath-not-strings",
        ),
    ],
)
def test_override_error_message(overrides: list[str], message: str) -> None:
    with pytest.raises(CompositionError) as info:
        _compose(overrides)
    assert type(info.value) is CompositionError
    assert str(info.value) == message


# OmegaConf's own words for a dict meeting a list, after hydria's prefix.
_INCOMPATIBLE = (
    "Cannot merge DictConfig with ListConfig"
    if omegaconf.__version__.startswith("2.3.")
    else "Cannot merge incompatible container types"
)


@pytest.mark.parametrize(
    ("override", "key", "kind"),
    [
        pytest.param("app.tags={}", "app.tags", "list", id="dict-into-list"),
        pytest.param("app.nested=[1,2]", "app.nested", "dict", id="list-into-dict"),
    ],
)
def test_dict_and_list_do_not_merge(override: str, key: str, kind: str) -> None:
    with pytest.raises(CompositionError) as info:
        _compose([override])
    assert str(info.value) == (
        f"Error merging override {override}\n{_INCOMPATIBLE}\n"
        f"    full_key: {key}\n    object_type={kind}"
    )


@pytest.mark.parametrize(
    "override",
    [
        pytest.param("app.rate=range(3)", id="range"),
        pytest.param("app.rate=choice(1,2)", id="choice"),
        pytest.param("app.rate=choice(1)", id="choice-of-one"),
        pytest.param("app.rate=interval(0,1)", id="interval"),
        pytest.param("app.rate=glob(*)", id="glob"),
        pytest.param("app.name=tag(a,choice(1,2))", id="tagged"),
        pytest.param("app.rate=sort(choice(3,1))", id="sorted"),
        pytest.param("db=choice(mysql)", id="group-choice"),
    ],
)
def test_sweep_needs_multirun(override: str) -> None:
    with pytest.raises(SweepNotAllowedError) as info:
        _compose([override])
    assert str(info.value) == f"Override '{override}' is a sweep; sweeps need --multirun (-m)"


@pytest.mark.parametrize(
    "override",
    [
        pytest.param("app.rate=1,2", id="values"),
        pytest.param("db=mysql,postgresql", id="group"),
        pytest.param("+x=1,2", id="added-key"),
    ],
)
def test_simple_sweep_is_called_ambiguous(override: str) -> None:
    with pytest.raises(SweepNotAllowedError) as info:
        _compose([override])
    assert str(info.value) == (  # Hydra's wording, line for line
        f"Ambiguous value for argument '{override}'\n"
        "1. To use it as a list, use key=[value1,value2]\n"
        "2. To use it as string, quote the value: key=\\'value1,value2\\'\n"
        "3. To sweep over it, add --multirun to your command line"
    )


def test_sweep_is_rejected_before_anything_else_fails() -> None:
    # the other override would fail on its own; the sweep is reported first
    with pytest.raises(SweepNotAllowedError):
        _compose(["nope.key=1", "app.rate=1,2"])


# Problems found and fixed; kept as regression tests.


def test_non_numeric_list_index_is_a_composition_error() -> None:
    with pytest.raises(CompositionError):
        _compose(["app.tags.x=1"])


def test_delete_with_extend_list_is_refused() -> None:
    with pytest.raises(HydriaError):
        _compose(["~app.tags=extend_list(d)"])


def test_dict_override_with_a_new_key_does_not_claim_the_node_is_missing() -> None:
    with pytest.raises(CompositionError) as info:
        _compose(["db={user: x, extra: 1}"])
    assert "'db' is not in the config" not in str(info.value)


@pytest.mark.parametrize(
    "text",
    [
        "job.num=7",
        "job.num='8'",
        "job.num=null",  # refused by the typed leaf: the checked route raises
        "job.num=abc",
        "job.maybe=null",
        "job.maybe=5",
        "job.name=${job.num}",
        "job.name=???",
        "plain.port=1",  # an untyped leaf
        "plain.port=text",
        "plain.port=null",
        "plain.port=${job.num}",
        "plain.sub.deep=1.5",
        "plain.sub={a: 1}",  # a dict merges: not a leaf write
        "plain.lst=[1,2]",
        "locked.x=2",  # a read-only container
        "locked.open=2",  # a writable leaf of a read-only container
        "alias.deep=3",  # through an interpolated node
        "plain.absent=1",
    ],
)
def test_a_value_override_writes_what_omegaconf_update_writes(text: str) -> None:
    from dataclasses import dataclass

    from hydria.compose.apply_overrides import apply_overrides
    from hydria.overrides import plain_value
    from hydria.overrides.parser import parse_override

    @dataclass
    class Job:
        num: int = 1
        name: str = "app"
        maybe: int | None = None

    def build() -> DictConfig:
        cfg = OmegaConf.create(
            {
                "job": OmegaConf.structured(Job),
                "plain": {"port": 3306, "sub": {"deep": 1}, "lst": [0]},
                "locked": {"x": 1, "open": 1},
                "alias": "${plain.sub}",
            }
        )
        OmegaConf.set_readonly(cfg.locked, True)
        OmegaConf.set_readonly(cfg.locked._get_node("open"), False)
        OmegaConf.set_struct(cfg, True)
        return cfg

    override = parse_override(text)
    mine, theirs = build(), build()
    try:
        OmegaConf.update(theirs, override.key, plain_value(override.value), merge=True)
        expected_error = None
    except Exception as exc:  # noqa: BLE001 - which errors, compared below
        expected_error = exc
    if expected_error is None:
        apply_overrides(mine, [override])
        assert OmegaConf.to_yaml(mine) == OmegaConf.to_yaml(theirs)
        parent, _, leaf = override.key.rpartition(".")
        mine_node = OmegaConf.select(mine, parent)._get_node(leaf)
        theirs_node = OmegaConf.select(theirs, parent)._get_node(leaf)
        assert type(mine_node) is type(theirs_node)
        assert OmegaConf.is_readonly(mine_node) == OmegaConf.is_readonly(theirs_node)
    else:
        with pytest.raises(HydriaError, match="Error merging override|is not in the config"):
            apply_overrides(mine, [override])


def test_a_sweep_job_s_value_is_written_into_its_leaf_directly() -> None:
    from unittest import mock

    from hydria.compose import apply_overrides as module
    from hydria.overrides.parser import parse_override

    cfg = OmegaConf.create({"db": {"port": 3306}})
    with mock.patch.object(module.OmegaConf, "update", side_effect=AssertionError("update")):
        module.apply_overrides(cfg, [parse_override("db.port=7")])
    assert cfg.db.port == 7
