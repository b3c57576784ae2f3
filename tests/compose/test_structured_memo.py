"""Structured configs in memoised compositions: shared with their store, never leaked.

A warm composition reads the ConfigStore's nodes without copying them (only a build
copies what it merges), and hands out configs that share nothing with the store or
the memo. A schema that pickle cannot find by name (a class defined in a function, or
in a script run with `exec`) still gets memoised in the process, with one debug line.
"""

import importlib.util
import logging
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from omegaconf import DictConfig, ListConfig, OmegaConf, open_dict, read_write

from hydria.app.api import _primary_repository
from hydria.compose import composer, config_memo
from hydria.compose.composer import Memos, compose_config
from hydria.compose.config_memo import ConfigMemo
from hydria.overrides import parse_overrides
from hydria.repository import ConfigStore

TREE = Path(__file__).parents[2] / "benchmarks" / "trees" / "habitat_like"
CONFIG = "benchmark/pointnav"
OVERRIDES = [
    "habitat.environment.max_episode_steps=200",
    "habitat.simulator.agents.main_agent.sim_sensors.rgb_sensor.width=128",
]


@pytest.fixture(scope="module")
def schema() -> Iterator[ModuleType]:
    """The habitat-like tree's schema module, importable by name (as an installed package)."""
    name = "habitat_like_schema_for_tests"
    spec = importlib.util.spec_from_file_location(name, TREE / "schema.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    yield module
    del sys.modules[name]


@pytest.fixture
def store(schema: ModuleType) -> ConfigStore:
    store = ConfigStore()
    schema.register(store)
    return store


@pytest.fixture
def builds(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Counts how many times a composition builds its config instead of using the memo."""
    calls: list[int] = []
    real = composer._build_config

    def counting(*args: Any, **kwargs: Any) -> DictConfig:
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(composer, "_build_config", counting)
    return calls


def _composer(
    conf: Path, store: ConfigStore, name: str | None, overrides: list[str]
) -> Callable[[Memos | None], DictConfig]:
    def compose(memos: Memos | None) -> DictConfig:
        repo = _primary_repository(str(conf), None, (), store)
        return compose_config(repo, name, parse_overrides(overrides), memos=memos).config

    return compose


def _shape(node: Any) -> Any:
    """Everything a caller can observe of a config: values, node types, schemas, flags."""
    if isinstance(node, (DictConfig, ListConfig)):
        flags = dict(node._metadata.flags)
        meta = (type(node).__name__, node._metadata.object_type, node._metadata.ref_type, flags)
        if node._is_missing() or node._is_none() or node._is_interpolation():
            return (*meta, node._value())
        if isinstance(node, DictConfig):
            items = [(k, _shape(node._get_node(k))) for k in node.keys()]  # noqa: SIM118
        else:
            items = [_shape(node._get_node(i)) for i in range(len(node))]
        return (*meta, items)
    return (type(node).__name__, node._value(), dict(node._metadata.flags))


def _mutate_deeply(cfg: DictConfig) -> None:
    """Change a composed habitat-like config everywhere a caller could."""
    habitat = cfg.habitat
    sensor = habitat.simulator.agents.main_agent.sim_sensors.rgb_sensor
    sensor.position[0] = 9.5  # a list inside a dataclass inside a dict of dataclasses
    habitat.simulator.agents.main_agent.start_rotation.append(7.0)
    habitat.task.measurements.top_down_map.fog_of_war.fov = 1  # nested dataclass
    habitat.task.actions.stop.agent_index = 3
    habitat.dataset.content_scenes.append("extra")
    with open_dict(cfg):
        cfg.added = {"x": [1, 2]}
        sensor.noise_model.kwargs["sigma"] = 0.5
        del habitat.task.lab_sensors["compass_sensor"]
    with open_dict(habitat.simulator.habitat_sim_v0):  # a dataclass node sets its own flag
        habitat.simulator.habitat_sim_v0.new_key = True
    OmegaConf.set_readonly(habitat.gym, True)
    OmegaConf.set_struct(habitat.environment, False)


def test_warm_compositions_of_structured_configs_are_memoised_and_identical(
    store: ConfigStore, builds: list[int]
) -> None:
    compose = _composer(TREE / "conf", store, CONFIG, OVERRIDES)
    memos = Memos.create()
    first = compose(memos)
    second = compose(memos)
    assert len(builds) == 1
    fresh = compose(None)
    assert _shape(first) == _shape(second) == _shape(fresh)
    rgb = second.habitat.simulator.agents.main_agent.sim_sensors.rgb_sensor
    assert OmegaConf.get_type(rgb).__name__ == "RGBSensor"
    assert rgb.width == 128


def test_a_warm_composition_shares_no_node_with_the_store(
    store: ConfigStore, builds: list[int]
) -> None:
    compose = _composer(TREE / "conf", store, CONFIG, OVERRIDES)
    repo = _primary_repository(str(TREE / "conf"), None, (), store)
    raw = repo.load("habitat/simulator/sim_sensors/rgb_sensor")
    assert raw is not None
    stored = store.peek("habitat/simulator/sim_sensors/rgb_sensor.yaml")
    assert stored is not None and raw.content is stored.node  # read, not copied
    before = _shape(stored.node)
    memos = Memos.create()
    for _ in range(2):
        cfg = compose(memos)
        sensor = cfg.habitat.simulator.agents.main_agent.sim_sensors.rgb_sensor
        sensor.position.append(1.0)
        sensor.noise_model.name = "Gaussian"
    assert _shape(stored.node) == before


@pytest.mark.parametrize("mutate_first", [True, False], ids=["built", "from-memo"])
def test_mutating_a_composed_config_never_leaks_into_the_next(
    store: ConfigStore, builds: list[int], mutate_first: bool
) -> None:
    compose = _composer(TREE / "conf", store, CONFIG, OVERRIDES)
    expected = _shape(compose(None))
    memos = Memos.create()
    first = compose(memos)  # the one the memo was built from
    second = compose(memos)
    _mutate_deeply(first if mutate_first else second)
    third = compose(memos)
    assert _shape(third) == expected
    _mutate_deeply(third)
    assert _shape(compose(memos)) == expected
    assert _shape(compose(None)) == expected  # nor into the store
    assert len(builds) == 1 + 2  # the memoised compositions built once; the fresh ones twice


@dataclass
class _Engine:
    sizes: list[int] = field(default_factory=lambda: [1, 2])
    depth: int = 1


@dataclass
class _RootConfig:
    engine: _Engine = field(default_factory=_Engine)
    name: str = "a"


@pytest.mark.parametrize("memoised", [True, False])
def test_a_structured_primary_config_at_the_root_is_never_mutated_through_a_result(
    tmp_path: Path, memoised: bool
) -> None:
    # merged at the root package, the stored node's children would be grafted into the
    # result as they are, were they not copied first
    store = ConfigStore()
    store.store(name="config", node=_RootConfig)
    compose = _composer(tmp_path, store, "config", [])
    memos = Memos.create() if memoised else None
    expected = _shape(compose(None))
    for _ in range(3):
        cfg = compose(memos)
        assert _shape(cfg) == expected
        cfg.engine.depth = 5
        cfg.engine.sizes.append(3)
        with open_dict(cfg.engine):
            cfg.engine.extra = 1
    stored = store.peek("config.yaml")
    assert stored is not None
    assert OmegaConf.to_container(stored.node) == {
        "engine": {"sizes": [1, 2], "depth": 1},
        "name": "a",
    }


def test_hydria_compose_on_the_habitat_like_tree(store: ConfigStore) -> None:
    import hydria

    first = hydria.compose(CONFIG, OVERRIDES, config_dir=str(TREE / "conf"), store=store)
    _mutate_deeply(first)
    second = hydria.compose(CONFIG, OVERRIDES, config_dir=str(TREE / "conf"), store=store)
    expected = _composer(TREE / "conf", store, CONFIG, OVERRIDES)(None)
    assert _shape(second) == _shape(expected)
    assert OmegaConf.is_struct(second) and not OmegaConf.is_readonly(second.habitat.gym)


# --- schemas pickle cannot find by name ---------------------------------------------


def _local_schema() -> tuple[type, type]:
    # (this module has no `from __future__ import annotations`: the fields' types are
    # local classes, which OmegaConf could not resolve from strings)
    @dataclass
    class Inner:
        sizes: list[int] = field(default_factory=lambda: [1, 2, 3])
        depth: int = 3

    @dataclass
    class Schema:
        name: str = "a"
        inner: Inner = field(default_factory=Inner)

    return Schema, Inner


def _script_schema() -> tuple[type, type]:
    """Classes as a script run with `exec` defines them: in a `__main__` that is not theirs."""
    source = (
        "from dataclasses import dataclass, field\n"
        "@dataclass\n"
        "class ScriptInner:\n"
        "    sizes: list = field(default_factory=lambda: [1, 2, 3])\n"
        "    depth: int = 3\n"
        "@dataclass\n"
        "class ScriptSchema:\n"
        "    name: str = 'a'\n"
        "    inner: ScriptInner = field(default_factory=ScriptInner)\n"
    )
    namespace: dict[str, Any] = {"__name__": "__main__"}
    exec(compile(source, "app_script.py", "exec"), namespace)  # noqa: S102 - the case under test
    return namespace["ScriptSchema"], namespace["ScriptInner"]


def _unnamed_tree(tmp_path: Path, schema: type) -> tuple[Path, ConfigStore]:
    conf = tmp_path / "conf"
    conf.mkdir()
    (conf / "config.yaml").write_text("defaults:\n  - schema\n  - _self_\nname: x\n")
    store = ConfigStore()
    store.store(name="schema", node=schema)
    return conf, store


@pytest.mark.parametrize("make_schema", [_local_schema, _script_schema], ids=["local", "exec"])
def test_a_schema_pickle_cannot_name_is_still_memoised_with_one_debug_line(
    tmp_path: Path,
    builds: list[int],
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
    make_schema: Callable[[], tuple[type, type]],
) -> None:
    monkeypatch.setattr(config_memo, "_reported", set())  # as in a new process
    schema, inner = make_schema()
    conf, store = _unnamed_tree(tmp_path, schema)
    compose = _composer(conf, store, "config", ["inner.depth=4"])
    memos = Memos.create()
    with caplog.at_level(logging.DEBUG, logger="hydria.compose"):
        results = [compose(memos) for _ in range(3)]
        compose(Memos.create())  # another memo, same process: no second line
    assert len(builds) == 2
    lines = [r for r in caplog.records if schema.__qualname__ in r.getMessage()]
    assert len(lines) == 1
    assert lines[0].levelno == logging.DEBUG
    assert "cannot be pickled by name" in lines[0].getMessage()
    expected = _shape(compose(None))
    for cfg in results:
        assert _shape(cfg) == expected
        assert OmegaConf.get_type(cfg) is schema
        assert OmegaConf.get_type(cfg.inner) is inner
        assert cfg.inner.depth == 4
    results[1].inner.sizes.append(4)
    with read_write(results[1]):
        results[1].name = "changed"
    assert _shape(compose(memos)) == expected


def test_the_disk_cache_skips_only_configs_whose_schema_pickle_cannot_name(
    tmp_path: Path,
) -> None:
    schema, _ = _local_schema()
    built: list[str] = []

    def build(kind: str) -> Callable[[], DictConfig]:
        def make() -> DictConfig:
            built.append(kind)
            return OmegaConf.structured(schema) if kind == "local" else OmegaConf.create({"a": 1})

        return make

    for _ in range(2):  # two processes, as far as the disk is concerned
        memo = ConfigMemo(disk_dir=str(tmp_path / "cache"))
        for _ in range(2):
            local = memo.get_or_build(("local",), build("local"), keep_first=True)
            plain = memo.get_or_build(("plain",), build("plain"), keep_first=True)
            assert OmegaConf.get_type(local) is schema
            assert plain == {"a": 1}
    assert built == ["local", "plain", "local"]
