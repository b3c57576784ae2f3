"""The private parts of OmegaConf, logging and CPython that hydria relies on, pinned.

Each use of a private name in `src/hydria` either has a public replacement or is kept
for a reason written where it is used (speed, or no public route). These tests check
that each kept one still exists and behaves as that code assumes, on the installed
OmegaConf and Python, so an upgrade that changes one fails here, by name, instead of
in a user's run. The public routes that replaced private ones are pinned too, where
the replacement leans on a detail (`items_ex(resolve=False)` giving raw values).
"""

from __future__ import annotations

import enum
import inspect
import io
import logging
import logging.config
import pickle
import sys
import traceback
import types
import weakref
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, Optional

import omegaconf
import pytest
from omegaconf import DictConfig, ListConfig, OmegaConf
from omegaconf.basecontainer import BaseContainer

from hydria.config_resolve import resolve_keeping_missing
from hydria.runtime import logging_tables
from hydria.runtime.config_yaml import _OMEGACONF_2_4
from hydria.runtime.job import _task_config
from hydria.runtime.logging_setup import restore_logging, snapshot_logging
from hydria.runtime.output_dir import _hydra_yaml


@pytest.fixture
def clean_logging() -> Iterator[None]:
    state = snapshot_logging()
    try:
        yield
    finally:
        restore_logging(state)


# --- logging's tables (hydria.runtime.logging_tables) ---------------------------------


def test_logging_lock_is_the_reentrant_module_lock() -> None:
    lock = logging_tables.logging_lock()
    assert lock is logging._lock  # type: ignore[attr-defined]
    with lock, lock:  # reentrant: logging takes it again inside (addHandler, ...)
        pass


def test_every_new_handler_is_in_the_handler_list(clean_logging: None) -> None:
    refs = logging_tables.handler_refs()
    assert isinstance(refs, list)
    handler = logging.NullHandler()
    assert isinstance(refs[-1], weakref.ReferenceType)
    assert refs[-1]() is handler


def test_a_named_handler_is_in_the_names_table(clean_logging: None) -> None:
    names = logging_tables.handler_names()
    assert isinstance(names, weakref.WeakValueDictionary)
    handler = logging.NullHandler()
    handler.name = "hydria-private-routes"
    assert names["hydria-private-routes"] is handler
    if sys.version_info >= (3, 12):
        assert logging.getHandlerByName("hydria-private-routes") is handler


def test_dict_config_clears_the_same_tables_as_forget_all_handlers(clean_logging: None) -> None:
    # apply_simple does what dictConfig does first: if dictConfig stops clearing these
    # tables (or clears others), the two differ and the fast path must follow
    assert callable(getattr(logging.config, "_clearExistingHandlers", None))
    for forget in (
        lambda: logging.config.dictConfig({"version": 1, "incremental": False}),
        lambda: _locked_forget(),
    ):
        handler = logging.StreamHandler(sys.stderr)
        handler.name = "hydria-doomed"
        forget()
        assert "hydria-doomed" not in logging_tables.handler_names()
        assert all(ref() is not handler for ref in logging_tables.handler_refs())


def _locked_forget() -> None:
    with logging_tables.logging_lock():
        logging_tables.forget_all_handlers()


def test_level_names_are_logging_own() -> None:
    levels = logging_tables.level_names()
    assert levels == logging._nameToLevel
    assert levels["INFO"] == logging.INFO and "WARN" in levels


# --- OmegaConf: DictConfig._content (runtime/job.py's task config) ----------------------


def test_dict_config_content_is_the_ordered_dict_of_its_children() -> None:
    cfg = OmegaConf.create({"hydra": {"a": 1}, "x": 1, "y": {"z": "${x}"}})
    content = cfg._content
    assert isinstance(content, dict)
    assert list(content) == ["hydra", "x", "y"]
    assert content["y"] is cfg._get_node("y")


def test_the_task_config_is_built_without_touching_the_composed_one() -> None:
    cfg = OmegaConf.create({"hydra": {"a": 1}, "x": 1, "y": {"z": "${x}"}, "t": "${now:%f}"})
    OmegaConf.set_struct(cfg, True)
    before = OmegaConf.to_yaml(cfg)
    task = _task_config(cfg)
    assert list(task) == ["x", "y", "t"] and task.y.z == 1
    assert OmegaConf.is_struct(task)
    assert OmegaConf.to_yaml(cfg) == before
    assert list(cfg._content) == ["hydra", "x", "y", "t"]  # same order, same nodes


# --- OmegaConf: `_content` and `__dict__["_parent"]` (hydria.config_release) ------------


def test_every_node_links_to_its_container_through_the_parent_slot() -> None:
    cfg = OmegaConf.create({"a": {"b": [1, {"c": 2}]}, "d": "${a.b}", "e": None})
    stack: list[Any] = [cfg]
    seen = 0
    while stack:
        node = stack.pop()
        content = node.__dict__["_content"]
        children = content.values() if isinstance(content, dict) else content
        for child in children:
            assert child.__dict__["_parent"] is node is child._get_parent()
            seen += 1
            if isinstance(child, (DictConfig, ListConfig)):
                stack.append(child)
    assert seen == 7
    ListConfig([1])._set_parent(cfg)  # `_set_parent` writes the slot the release clears
    node = cfg._get_node("e")
    node.__dict__["_parent"] = None
    assert node._get_parent() is None


def test_a_tree_whose_containers_are_emptied_holds_no_cycle() -> None:
    import gc

    cfg = OmegaConf.create({"a": {"b": [1, {"c": 2}]}, "d": "${a.b}"})
    leaf = weakref.ref(cfg.a.b._get_node(1)._get_node("c"))
    alive = weakref.ref(cfg)
    gc.collect()
    enabled = gc.isenabled()
    gc.disable()
    try:
        containers: list[Any] = []
        stack: list[Any] = [cfg]
        while stack:
            node = stack.pop()
            containers.append(node)
            content = node.__dict__["_content"]
            for child in content.values() if isinstance(content, dict) else content:
                if isinstance(child, (DictConfig, ListConfig)):
                    stack.append(child)
        for container in containers:
            container.__dict__["_content"].clear()
        del cfg, node, child, content, stack, containers, container
        assert alive() is None and leaf() is None  # reference counting freed it all
    finally:
        if enabled:
            gc.enable()


# --- OmegaConf: BaseContainer._to_content (runtime/output_dir.py's hydra.yaml) ---------


def test_to_content_takes_what_hydra_yaml_passes() -> None:
    params = inspect.signature(BaseContainer._to_content).parameters
    assert {"resolve", "throw_on_missing", "enum_to_str"} <= set(params)
    # the version check stands for this parameter: 2.4 added it
    assert ("encode_missing_literals" in params) == _OMEGACONF_2_4
    assert omegaconf.__version__.startswith(("2.3.", "2.4."))


def test_hydra_yaml_is_to_yaml_of_the_masked_copy() -> None:
    cfg = OmegaConf.create(
        {
            "hydra": {
                "a": "???",
                "b": "\\???",
                "c": "${x}",
                "d": [1, {"e": None}],
                "f": "héllo",
                "g": 1.5,
            },
            "x": 1,
        }
    )
    assert _hydra_yaml(cfg) == OmegaConf.to_yaml(OmegaConf.masked_copy(cfg, "hydra"))


# --- OmegaConf: public routes that replaced `_get_node` (origin, parse, help) -----------


def test_items_ex_unresolved_gives_raw_values_and_child_containers() -> None:
    cfg = OmegaConf.create({"m": "???", "i": "${x}", "x": 1, "d": {"k": 1}, "l": [1]})
    values = dict(cfg.items_ex(resolve=False))
    assert values["m"] == "???" and values["i"] == "${x}" and values["x"] == 1
    assert values["d"] is cfg._get_node("d") and isinstance(values["l"], ListConfig)
    assert dict(cfg.items_ex(resolve=False, keys=["i"])) == {"i": "${x}"}
    assert "m" in cfg.keys() and "m" not in cfg  # noqa: SIM118 - the difference origin.py needs


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        pytest.param({"a": "${b}", "b": "???"}, {"a": "???", "b": "???"}, id="to_missing"),
        pytest.param(
            {"n": {"a": "${b}", "c": "${d}"}, "b": "???", "d": 1},
            {"n": {"a": "???", "c": 1}, "b": "???", "d": 1},
            id="nested",
        ),
        pytest.param(
            {"l": ["${b}", "${d}", ["${d}"]], "b": "???", "d": 2},
            {"l": ["???", 2, [2]], "b": "???", "d": 2},
            id="list",
        ),
        pytest.param({"a": "${b}", "b": 3}, {"a": 3, "b": 3}, id="plain"),
    ],
)
def test_resolve_keeping_missing(content: dict[str, Any], expected: dict[str, Any]) -> None:
    cfg = OmegaConf.create(content)
    resolve_keeping_missing(cfg)
    assert OmegaConf.to_container(cfg) == expected


@dataclass
class _Typed:
    child: dict[str, int] = field(default_factory=lambda: {"a": 1})


# --- OmegaConf: the Node API used where no public route exists --------------------------


def test_the_node_api_hydria_uses_is_there() -> None:
    # instantiation/build.py, runtime/context.py, runtime/job_model.py, app/help.py,
    # runtime/logging_setup.py, validation/check.py read a node's parent, full key,
    # flags, metadata and none-ness; OmegaConf has no public getter for any of them
    cfg = OmegaConf.structured(_Typed)
    child = cfg._get_node("child")
    assert isinstance(child, DictConfig)
    assert child._get_parent() is cfg and cfg._get_parent() is None
    assert child._get_full_key("a") == "child.a" and child._key() == "child"
    assert cfg._metadata.object_type is _Typed
    assert not child._is_none() and OmegaConf.create({"n": None})._get_node("n")._is_none()
    free = OmegaConf.create({"a": 1})
    free._set_flag(["struct", "readonly"], [True, False])
    assert OmegaConf.is_struct(free) and not OmegaConf.is_readonly(free)
    free._set_parent(cfg)
    assert free._get_parent() is cfg
    from omegaconf._utils import get_omega_conf_dumper, is_structured_config

    assert is_structured_config(_Typed) and not is_structured_config({})
    assert callable(get_omega_conf_dumper)


def test_a_typed_leaf_is_assigned_through_its_own_set_value() -> None:
    # hydria.config_storage.write_leaf calls `_set_value` where the checked assignment
    # does for a leaf with a ref type (or an untyped leaf given a primitive): pin that
    # the checked route still ends there, so both routes keep giving the same node
    cfg = OmegaConf.structured(_Typed)
    child = cfg._get_node("child")
    leaf = child._get_node("a")
    assert leaf._has_ref_type() and not OmegaConf.create({"u": 1})._get_node("u")._has_ref_type()
    calls: list[Any] = []
    real = type(leaf)._set_value

    def spying(self: Any, value: Any, flags: Any = None) -> None:
        calls.append(value)
        real(self, value, flags)

    type(leaf)._set_value = spying  # type: ignore[method-assign]
    try:
        child.a = 5
    finally:
        type(leaf)._set_value = real  # type: ignore[method-assign]
    assert calls == [5] and child._get_node("a") is leaf and leaf._value() == 5


def test_caller_frames_come_from_sys_getframe() -> None:
    # app/api.py finds the caller's file (relative config paths) through sys._getframe
    assert sys._getframe(0).f_code.co_filename == __file__


# --- CPython + cloudpickle: rewriting `__code__` (launchers/remote.py) ----------------


def test_cloudpickle_sends_main_code_as_dynamic_code_and_the_rewrite_restores_it() -> None:
    cloudpickle = pytest.importorskip("cloudpickle")
    from hydria.launchers.remote import SourcedTask

    namespace: dict[str, Any] = {"__name__": "__main__"}
    source = "def task(cfg):\n    return 1 / cfg\n"
    exec(compile(source, "/somewhere/app.py", "exec"), namespace)  # noqa: S102 - a fixed text
    task = namespace["task"]
    sent = pickle.loads(cloudpickle.dumps(SourcedTask(task)))  # as a worker gets it
    assert sent.task.__code__.co_filename == "<dynamic-code>"  # what cloudpickle does today
    with pytest.raises(ZeroDivisionError) as raised:
        sent(0)
    frames = traceback.extract_tb(raised.value.__traceback__)
    assert frames[-1].filename == "/somewhere/app.py" and frames[-1].lineno == 2
    assert isinstance(sent.task.__code__, types.CodeType)


# --- OmegaConf's resolver table (hydria.runtime.resolvers.cached_now) -----------------


def test_the_resolver_table_maps_each_name_to_its_wrapper_and_registering_replaces_it() -> None:
    from hydria.runtime import resolvers

    resolvers.register_resolvers()
    try:
        table = BaseContainer._resolvers
        assert isinstance(table, dict)
        hydrias = table["now"]
        assert callable(hydrias) and resolvers._registered_now == [hydrias]
        OmegaConf.clear_resolvers()  # a new table: hydria's `now` is gone from it
        assert "now" not in BaseContainer._resolvers
        resolvers.register_resolvers()
        assert BaseContainer._resolvers["now"] is not hydrias  # a new wrapper ...
        assert resolvers._registered_now == [BaseContainer._resolvers["now"]]  # ... known
    finally:
        resolvers.register_resolvers()


# --- OmegaConf: a node's whole state is its `__dict__` (hydria.config_copy) -----------


class _Colour(enum.Enum):
    RED = 1


@dataclass
class _Wide:
    child: dict[str, int] = field(default_factory=lambda: {"a": 1})
    items: list[float] = field(default_factory=lambda: [1.5])
    colour: _Colour = _Colour.RED
    maybe: Optional[str] = None  # noqa: UP045 - the typing spelling is the one pinned
    link: str = "${.colour}"


def _nodes(node: Any, path: str = "") -> Iterator[tuple[str, Any]]:
    yield path, node
    content = node.__dict__.get("_content")
    if isinstance(content, dict):
        for key, child in content.items():
            yield from _nodes(child, f"{path}.{key}")
    elif isinstance(content, list):
        for index, child in enumerate(content):
            yield from _nodes(child, f"{path}[{index}]")


def test_a_node_restored_from_its_dict_holds_what_omegaconf_pickling_restores() -> None:
    # config_copy.ConfigPickler stores a node as its `__dict__` and restores it by
    # updating `__dict__`, skipping OmegaConf's __getstate__/__setstate__: pin that those
    # add nothing else (the flags cache aside) on the installed OmegaConf
    from hydria.config_copy import ConfigPickler, dumps_config, loads_config
    from hydria.runtime.resolvers import register_resolvers

    register_resolvers()
    cfg = OmegaConf.create({"typed": OmegaConf.structured(_Wide), "free": {"l": [1, {"x": "y"}]}})
    cfg.when = "${now:%H%M%S%f}"
    _ = cfg.when  # fills the resolver cache, which a copy keeps
    OmegaConf.set_struct(cfg.free, True)
    OmegaConf.set_readonly(cfg.typed, True)
    for cls in {type(node) for _, node in _nodes(cfg)}:
        assert ConfigPickler.reducer_override(ConfigPickler(io.BytesIO()), cls.__new__(cls))
    ours = loads_config(dumps_config(cfg))
    theirs = pickle.loads(pickle.dumps(cfg))
    pairs = list(zip(_nodes(ours), _nodes(theirs), _nodes(cfg), strict=True))
    assert len(pairs) == 15
    for (path, mine), (_, stock), (_, original) in pairs:
        assert type(mine) is type(stock) is type(original), path
        assert set(mine.__dict__) == set(stock.__dict__) == set(original.__dict__), path
        assert vars(mine._metadata) == vars(original._metadata), path
        assert {k: v for k, v in vars(stock._metadata).items() if k != "ref_type"} == {
            k: v for k, v in vars(original._metadata).items() if k != "ref_type"
        }, path
        if "_val" in mine.__dict__:
            assert mine._val == stock._val == original._val, path
        assert mine.__dict__["_flags_cache"] is None, path
        parent = mine.__dict__["_parent"]
        assert parent is None or any(parent is node for _, node in _nodes(ours)), path
    assert OmegaConf.to_yaml(ours) == OmegaConf.to_yaml(cfg) == OmegaConf.to_yaml(theirs)
    assert ours.when == cfg.when and OmegaConf.is_readonly(ours.typed)
    assert OmegaConf.is_struct(ours.free) and ours.typed.link == cfg.typed.link == "_Colour.RED"


def _flag_state(cfg: Any) -> list[tuple[str, Any, Any]]:
    """Each node's own flags, its flag cache, and the read-only answer, in tree order."""
    out = []
    stack: list[tuple[str, Any]] = [("", cfg)]
    while stack:
        path, node = stack.pop()
        out.append((path, dict(node._metadata.flags), node.__dict__["_flags_cache"]))
        content = node.__dict__.get("_content")
        if isinstance(content, dict):
            stack.extend((f"{path}.{key}", child) for key, child in content.items())
        elif isinstance(content, list):
            stack.extend((f"{path}[{i}]", child) for i, child in enumerate(content))
    return out


@pytest.mark.parametrize("touched", [[], ["a.b.c"], ["a.b.c", "a.l", "x"], ["a", "a.l.0.k"]])
def test_make_read_only_leaves_the_flags_and_caches_omegaconf_s_set_readonly_leaves(
    touched: list[str],
) -> None:
    from hydria.config_storage import make_read_only

    @dataclass
    class Typed:
        v: int = 1
        maybe: Optional[str] = None  # noqa: UP045 - OmegaConf 2.3 reads this spelling

    def build() -> DictConfig:
        cfg = OmegaConf.create(
            {"a": {"b": {"c": 1}, "l": [{"k": 2}, 3], "t": OmegaConf.structured(Typed)}, "x": 4}
        )
        OmegaConf.set_struct(cfg, True)
        OmegaConf.set_readonly(cfg.a.b, False)
        for key in touched:  # flag reads fill the caches on the way up
            OmegaConf.select(cfg, key)
            node = cfg
            for part in key.split("."):
                node = node._get_node(int(part) if part.isdigit() else part)
                node._get_flag("readonly")
        return cfg

    mine, theirs = build(), build()
    assert _flag_state(mine) == _flag_state(theirs)
    make_read_only(mine.a)
    OmegaConf.set_readonly(theirs.a, True)
    assert _flag_state(mine) == _flag_state(theirs)
    for key in ["a", "a.b", "a.b.c", "a.l", "a.t.v", "x"]:
        node_mine, node_theirs = OmegaConf.select(mine, key), OmegaConf.select(theirs, key)
        read_only = OmegaConf.is_readonly(node_mine) if OmegaConf.is_config(node_mine) else None
        assert read_only == (
            OmegaConf.is_readonly(node_theirs) if OmegaConf.is_config(node_theirs) else None
        )
    with pytest.raises(omegaconf.errors.ReadonlyConfigError):
        mine.a.t.v = 2
    mine.a.b.c = 5  # its own flag says writable, as with OmegaConf's
