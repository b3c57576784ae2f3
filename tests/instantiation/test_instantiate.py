"""`instantiate` / `call` with Hydra 1.3's semantics: targets, arguments, the three modes,
interpolations, structured configs, and the errors."""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from inst_targets import Adder, Call, Model, Optim, User  # type: ignore[import-not-found]
from omegaconf import DictConfig, ListConfig, OmegaConf
from omegaconf.errors import InterpolationKeyError

import hydria
from hydria.errors import InstantiationError, TargetNotFoundError
from hydria.instantiation import ConvertMode
from hydria.runtime.resolvers import _register

CALL = "inst_targets.Call"


def shape(value: Any) -> Any:
    """A comparable picture of a built value that keeps container types apart."""
    if isinstance(value, DictConfig):
        kind = value._metadata.object_type
        tag = "DC" if kind in (None, dict) else f"DC:{kind.__name__}"
        return (tag, {k: shape(value[k]) for k in value})
    if isinstance(value, ListConfig):
        return ("LC", [shape(v) for v in value])
    if isinstance(value, dict):
        return ("d", {k: shape(v) for k, v in value.items()})
    if isinstance(value, list):
        return ("l", [shape(v) for v in value])
    if isinstance(value, functools.partial):
        return ("partial", value.func, shape(list(value.args)), shape(value.keywords))
    if isinstance(value, Call):
        return ("Call", shape(list(value.args)), shape(value.kwargs))
    return value


# A config exercising every kind of nested value: plain dict and list, a nested target
# (in a dict and in a list) and a structured config.
NESTED = {
    "_target_": CALL,
    "a": 1,
    "d": {"x": 1, "y": [1, 2]},
    "l": [1, {"z": 2}],
    "obj": {"_target_": CALL, "k": 1},
    "u": User(),
    "lt": [{"_target_": CALL, "q": 1}, 3],
}


def _expected(convert: str, recursive: bool, partial: bool) -> Any:
    """What Hydra 1.3 builds from NESTED, by its rules."""
    plain = convert in ("partial", "object", "all")

    def d(items: dict[str, Any], structured: str | None = None) -> Any:
        if structured is None:
            return ("d", items) if plain else ("DC", items)
        if convert == "all":
            return ("d", items)
        if convert == "object":
            return User(**{k: v for k, v in items.items()})
        return (f"DC:{structured}", items)

    def lst(items: list[Any]) -> Any:
        return ("l", items) if plain else ("LC", items)

    def target(kwargs: dict[str, Any]) -> Any:
        if recursive:
            return ("Call", ("l", []), ("d", kwargs))
        return d({"_target_": CALL, **kwargs})

    kwargs = {
        "a": 1,
        "d": d({"x": 1, "y": lst([1, 2])}),
        "l": lst([1, d({"z": 2})]),
        "obj": target({"k": 1}),
        "u": d({"name": "bob", "age": 7}, structured="User"),
        "lt": lst([target({"q": 1}), 3]),
    }
    if partial:
        return ("partial", Call, ("l", []), ("d", kwargs))
    return ("Call", ("l", []), ("d", kwargs))


@pytest.mark.parametrize("partial", [None, True, False])
@pytest.mark.parametrize("recursive", [None, True, False])
@pytest.mark.parametrize("convert", [None, "none", "partial", "object", "all", "ALL", "Object"])
def test_every_mode_combination_builds_what_hydra_builds(
    convert: str | None, recursive: bool | None, partial: bool | None
) -> None:
    cfg = dict(NESTED)
    for key, value in (("_convert_", convert), ("_recursive_", recursive), ("_partial_", partial)):
        if value is not None:
            cfg[key] = value
    built = hydria.instantiate(OmegaConf.create(cfg, flags={"allow_objects": True}))
    expected = _expected((convert or "none").lower(), recursive is not False, partial is True)
    assert shape(built) == expected


@pytest.mark.parametrize("where", ["config", "call site"])
def test_modes_can_come_from_the_call_site(where: str) -> None:
    modes = {"_convert_": "all", "_recursive_": False}
    cfg = {"_target_": CALL, "d": {"x": 1}, "n": {"_target_": CALL}}
    built = (
        hydria.instantiate({**cfg, **modes})
        if where == "config"
        else hydria.instantiate(cfg, **modes)
    )
    assert shape(built) == (
        "Call",
        ("l", []),
        ("d", {"d": ("d", {"x": 1}), "n": ("d", {"_target_": CALL})}),
    )


def test_convert_mode_enum_is_accepted() -> None:
    built = hydria.instantiate({"_target_": CALL, "d": {"x": 1}}, _convert_=ConvertMode.ALL)
    assert built == Call(d={"x": 1})


def test_a_nested_node_sets_its_own_modes_for_its_subtree_only() -> None:
    cfg = {
        "_target_": CALL,
        "_convert_": "all",
        "inner": {"_target_": CALL, "_convert_": "none", "d": {"x": 1}},
        "d": {"x": 1},
        "p": {"_target_": CALL, "_partial_": True, "z": 1},
        "after": {"_target_": CALL},  # _partial_ does not leak to siblings
    }
    built = hydria.instantiate(cfg)
    assert shape(built.kwargs["inner"].kwargs["d"]) == ("DC", {"x": 1})
    assert built.kwargs["d"] == {"x": 1}
    assert isinstance(built.kwargs["p"], functools.partial)
    assert built.kwargs["p"]() == Call(z=1)
    assert built.kwargs["after"] == Call()


def test_a_non_recursive_node_hands_nested_targets_over_as_config() -> None:
    cfg = {
        "_target_": CALL,
        "_recursive_": False,
        "a": {"_target_": CALL, "_recursive_": True, "b": {"_target_": CALL}},
    }
    built = hydria.instantiate(cfg)
    passed = built.kwargs["a"]
    assert isinstance(passed, DictConfig)
    assert passed._get_parent() is None  # detached: safe to pickle and keep
    assert hydria.instantiate(passed) == Call(b=Call())


# positional arguments


def test_args_from_the_config_are_positional_and_built() -> None:
    built = hydria.instantiate(
        {"_target_": CALL, "_args_": [1, {"_target_": CALL, "b": 2}], "c": 3}
    )
    assert built == Call(1, Call(b=2), c=3)


def test_call_site_positional_arguments_replace_the_configs() -> None:
    assert hydria.instantiate({"_target_": CALL, "_args_": [1, 2]}, 9) == Call(9)
    assert hydria.instantiate({"_target_": "builtins.max", "_args_": [1, 5, 3]}) == 5
    assert hydria.instantiate({"_target_": "builtins.max", "_args_": [1, 5]}, 7, 8) == 8


@pytest.mark.parametrize("args", ["abc", 5, {"a": 1}])
def test_args_must_be_a_list(args: Any) -> None:
    with pytest.raises(InstantiationError, match=r"_args_ \(at key 'm'\) must be a list"):
        hydria.instantiate({"m": {"_target_": CALL, "_args_": args}})


# call-site keyword arguments


def test_call_site_keywords_merge_onto_the_config_and_win() -> None:
    cfg = OmegaConf.create({"_target_": CALL, "a": 1, "d": {"x": 1, "y": 2}})
    built = hydria.instantiate(cfg, a=5, d={"y": 3}, extra=[1])
    assert shape(built) == (
        "Call",
        ("l", []),
        ("d", {"a": 5, "d": ("DC", {"x": 1, "y": 3}), "extra": ("LC", [1])}),
    )


def test_call_site_objects_are_passed_as_they_are() -> None:
    thing = object()
    model = Adder(3)
    built = hydria.instantiate({"_target_": CALL}, thing=thing, model=model)
    assert built.kwargs["thing"] is thing and built.kwargs["model"] is model


def test_call_site_keywords_can_override_a_nested_target() -> None:
    cfg = {"_target_": CALL, "opt": {"_target_": CALL, "lr": 0.1}}
    built = hydria.instantiate(cfg, opt={"lr": 0.5})
    assert built == Call(opt=Call(lr=0.5))


def test_keywords_cannot_merge_into_a_list() -> None:
    with pytest.raises(InstantiationError, match=r"cannot be merged into a list config"):
        hydria.instantiate([{"_target_": CALL}], a=1)


# nested dicts and lists


def test_a_list_at_the_top_builds_each_item() -> None:
    built = hydria.instantiate([{"_target_": CALL, "a": 1}, 3, {"x": {"_target_": CALL}}])
    assert shape(built) == (
        "LC",
        [("Call", ("l", []), ("d", {"a": 1})), 3, ("DC", {"x": ("Call", ("l", []), ("d", {}))})],
    )
    plain = hydria.instantiate([{"_target_": CALL}, {"p": 1}], _convert_="all")
    assert plain == [Call(), {"p": 1}]


def test_partial_cannot_apply_to_a_top_level_list() -> None:
    with pytest.raises(InstantiationError, match="_partial_ cannot apply to a list"):
        hydria.instantiate([{"_target_": CALL}], _partial_=True)


def test_a_dict_without_target_builds_its_nested_targets() -> None:
    built = hydria.instantiate({"a": {"_target_": CALL, "b": 1}, "c": {"d": 2}})
    assert isinstance(built, DictConfig)
    assert built.a == Call(b=1) and built.c == {"d": 2}


def test_none_gives_none() -> None:
    assert hydria.instantiate(None) is None
    built = hydria.instantiate({"_target_": CALL, "none": None, "ln": [None]})
    assert built.kwargs["none"] is None and list(built.kwargs["ln"]) == [None]


# interpolations


def test_interpolations_resolve_to_siblings_parents_and_outside_the_node() -> None:
    cfg = OmegaConf.create(
        {
            "root": 10,
            "m": {
                "_target_": CALL,
                "a": "${.b}",
                "b": 2,
                "inner": {"_target_": CALL, "k": "${..b}", "r": "${root}"},
                "whole": "${sub}",  # absolute: from the root of the whole config
            },
            "sub": {"_target_": CALL, "s": 1},
        }
    )
    built = hydria.instantiate(cfg.m)
    assert built == Call(a=2, b=2, inner=Call(k=2, r=10), whole=Call(s=1))
    assert OmegaConf.is_interpolation(cfg.m, "a")  # the caller's config is untouched


def test_a_node_interpolating_a_target_node_builds_its_own_object() -> None:
    cfg = OmegaConf.create({"_target_": CALL, "a": {"_target_": CALL}, "b": "${a}"})
    built = hydria.instantiate(cfg)
    assert built.kwargs["a"] == built.kwargs["b"]
    assert built.kwargs["a"] is not built.kwargs["b"]


def test_a_broken_interpolation_fails_with_its_key() -> None:
    with pytest.raises(InterpolationKeyError, match="nope"):
        hydria.instantiate({"_target_": CALL, "a": {"b": "${nope}"}})


def test_the_config_is_not_modified_even_read_only() -> None:
    cfg = OmegaConf.create({"_target_": CALL, "a": "${b}", "b": 1, "_convert_": "all"})
    OmegaConf.set_readonly(cfg, True)
    OmegaConf.set_struct(cfg, True)
    before = OmegaConf.to_yaml(cfg)
    assert hydria.instantiate(cfg, b=5) == Call(a=5, b=5)
    assert OmegaConf.to_yaml(cfg) == before


# partial


def test_partial_returns_a_functools_partial_and_skips_missing_values() -> None:
    built = hydria.instantiate(
        {"_target_": "inst_targets.add", "_partial_": True, "a": "???", "b": 2}
    )
    assert isinstance(built, functools.partial)
    assert built.keywords == {"b": 2}
    assert built(a=1) == 3


def test_a_missing_value_without_partial_is_an_error() -> None:
    with pytest.raises(Exception, match="Missing mandatory value"):
        hydria.instantiate({"_target_": "inst_targets.add", "a": "???"})


# kinds of targets and configs


@pytest.mark.parametrize(
    ("target", "kwargs", "expected"),
    [
        ("inst_targets.add", {"a": 1, "b": 2}, 3),
        ("inst_targets.Adder.from_two", {"a": 1, "b": 2}, 3),
        ("inst_targets.Adder.Inner", {"value": 4}, 4),
        ("inst_targets.Adder", {"base": 5}, 5),
    ],
)
def test_targets_may_be_functions_classes_nested_classes_and_methods(
    target: str, kwargs: dict[str, Any], expected: int
) -> None:
    built = hydria.instantiate({"_target_": target, **kwargs})
    assert getattr(built, "base", getattr(built, "value", built)) == expected


def test_a_target_may_be_the_callable_itself() -> None:
    class Local:
        def __init__(self, x: int) -> None:
            self.x = x

    assert hydria.instantiate({"_target_": Local, "x": 3}).x == 3


def test_call_is_instantiate() -> None:
    assert hydria.call({"_target_": "inst_targets.add", "a": 1, "b": 1}) == 2
    assert hydria.call is hydria.instantiate


@pytest.mark.parametrize(
    ("config", "convert", "expected"),
    [
        (
            Model,
            "none",
            (
                "Call",
                ("l", []),
                ("d", {"user": ("DC:User", {"name": "bob", "age": 7}), "layers": 2}),
            ),
        ),
        (Model(layers=3), "object", ("Call", ("l", []), ("d", {"user": User(), "layers": 3}))),
        (
            Model(),
            "all",
            ("Call", ("l", []), ("d", {"user": ("d", {"name": "bob", "age": 7}), "layers": 2})),
        ),
        (Optim, "none", ("Call", ("l", []), ("d", {"lr": 0.1}))),
        (Optim(lr=0.5), "none", ("Call", ("l", []), ("d", {"lr": 0.5}))),
    ],
)
def test_structured_configs_dataclass_and_attrs(config: Any, convert: str, expected: Any) -> None:
    assert shape(hydria.instantiate(config, _convert_=convert)) == expected
    assert shape(hydria.instantiate(OmegaConf.structured(config), _convert_=convert)) == expected


# errors


@pytest.mark.parametrize("config", [5, "text", object()])
def test_a_config_that_is_not_a_config_is_refused(config: Any) -> None:
    with pytest.raises(InstantiationError, match=r"Cannot instantiate a \w+: give a DictConfig"):
        hydria.instantiate(config)


def test_the_targets_own_exception_is_chained_with_key_and_target() -> None:
    cfg = {"a": {"b": {"_target_": "inst_targets.fails", "reason": "boom"}}}
    with pytest.raises(InstantiationError) as info:
        hydria.instantiate(cfg)
    assert str(info.value) == (
        "Error in call to target 'inst_targets.fails' (at key 'a.b'): RuntimeError: boom"
    )
    assert isinstance(info.value.__cause__, RuntimeError)


def test_a_failing_item_of_a_list_names_its_index() -> None:
    with pytest.raises(InstantiationError, match=r"\(at key 'm\[1\]'\): ValueError"):
        hydria.instantiate({"m": [1, {"_target_": "builtins.int", "_args_": ["x"]}]})


def test_a_bad_signature_is_reported_as_the_targets_error() -> None:
    with pytest.raises(
        InstantiationError,
        match=r"target 'inst_targets.add' \(at the top level of the config\): "
        r"TypeError: .*unexpected keyword argument 'c'",
    ):
        hydria.instantiate({"_target_": "inst_targets.add", "a": 1, "c": 2})


@pytest.mark.parametrize(
    ("target", "message"),
    [
        (
            "inst_targets.Addr",
            "Cannot locate target (at key 'm'): 'inst_targets.Addr': module 'inst_targets' has no "
            "attribute or submodule 'Addr' ('inst_targets' is the longest prefix that imports). "
            "Did you mean 'Adder'?",
        ),
        (
            "inst_targts.Call",
            "Cannot locate target (at key 'm'): 'inst_targts.Call': no module named 'inst_targts' "
            "is installed. Did you mean 'inst_targets'?",
        ),
        (
            "inst_targets.Adder.Innr",
            "Cannot locate target (at key 'm'): 'inst_targets.Adder.Innr': "
            "type 'inst_targets.Adder' has no attribute 'Innr'. Did you mean 'Inner'?",
        ),
        (
            "omegaconf.dictconfg.DictConfig",
            "Cannot locate target (at key 'm'): 'omegaconf.dictconfg.DictConfig': "
            "module 'omegaconf' has no attribute or submodule 'dictconfg' ('omegaconf' is the "
            "longest prefix that imports). Did you mean 'dictconfig'?",
        ),
        (
            "inst_targets..Call",
            "Cannot locate target (at key 'm'): 'inst_targets..Call' is not a valid dotted path "
            "(empty part); relative paths are not supported",
        ),
    ],
)
def test_a_target_that_does_not_exist_says_what_is_there(target: str, message: str) -> None:
    with pytest.raises(TargetNotFoundError) as info:
        hydria.instantiate({"m": {"_target_": target}})
    assert str(info.value) == message
    assert isinstance(info.value, ImportError)


def test_a_module_that_fails_to_import_is_chained(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "broken_mod.py").write_text("import missing_dependency_xyz\n")
    (tmp_path / "raising_mod.py").write_text("1 / 0\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    with pytest.raises(TargetNotFoundError) as info:
        hydria.instantiate({"_target_": "broken_mod.X"})
    assert "importing module 'broken_mod' failed: ModuleNotFoundError" in str(info.value)
    assert isinstance(info.value.__cause__, ModuleNotFoundError)
    with pytest.raises(TargetNotFoundError, match="ZeroDivisionError: division by zero"):
        hydria.instantiate({"_target_": "raising_mod.X"})


def test_a_target_that_is_not_callable() -> None:
    with pytest.raises(
        InstantiationError, match=r"_target_ \(at key 'm'\) must name a callable; got 42"
    ):
        hydria.instantiate({"m": {"_target_": "inst_targets.NOT_CALLABLE"}})


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        (
            "_convert_",
            "bogus",
            r"_convert_ \(at key 'm'\) must be one of none, partial, object, all; got 'bogus'",
        ),
        (
            "_recursive_",
            "yes",
            r"_recursive_ \(at key 'm'\) must be true or false; got 'yes' \(str\)",
        ),
        ("_partial_", 1, r"_partial_ \(at key 'm'\) must be true or false; got 1 \(int\)"),
    ],
)
def test_malformed_modes_are_errors(key: str, value: Any, message: str) -> None:
    with pytest.raises(InstantiationError, match=message):
        hydria.instantiate({"m": {"_target_": CALL, key: value}})


# get_object, get_class, get_method


def test_get_object_class_and_method() -> None:
    assert hydria.get_object("inst_targets.NOT_CALLABLE") == 42
    assert hydria.get_class("inst_targets.Adder") is Adder
    method: Callable[..., Any] = hydria.get_method("inst_targets.Adder.from_two")
    assert method(1, 2).base == 3
    with pytest.raises(InstantiationError, match="'inst_targets.add' is a function, not a class"):
        hydria.get_class("inst_targets.add")
    with pytest.raises(InstantiationError, match="is a int, which is not callable"):
        hydria.get_method("inst_targets.NOT_CALLABLE")
    with pytest.raises(TargetNotFoundError, match="Did you mean 'Adder'"):
        hydria.get_object("inst_targets.Addr")


def test_get_class_as_a_target_passes_a_class() -> None:
    built = hydria.instantiate(
        {"_target_": CALL, "cls": {"_target_": "hydria.get_class", "path": "inst_targets.User"}}
    )
    assert built.kwargs["cls"] is User


def test_cached_resolver_values_are_the_ones_the_config_already_gave() -> None:
    calls = iter(range(100))
    _register("hydria_test_counter", lambda: next(calls), use_cache=True)
    try:
        cfg = OmegaConf.create({"_target_": CALL, "n": "${hydria_test_counter:}"})
        first = cfg.n
        assert hydria.instantiate(cfg) == Call(n=first)
    finally:
        OmegaConf.clear_resolver("hydria_test_counter")
