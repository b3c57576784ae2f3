"""Plugins are checked against their contract when a config names them, and the one
registry answers `--info plugins`: a plugin that cannot work is refused naming what it
lacks; launchers and sweepers written for hydria's earlier protocols still run."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import pytest
from omegaconf import DictConfig, OmegaConf
from tests.in_process import RunApp, app_runner, isolated

import hydria
import hydria.plugins
from hydria.app.help import render_info
from hydria.errors import OverrideValueError, PluginError
from hydria.experimental.callbacks import LogJobReturnCallback
from hydria.launchers.basic import BasicLauncher
from hydria.overrides import Override, parse_overrides
from hydria.plugin_contracts import Callback, JobEvents, Launcher, Sweeper
from hydria.plugin_registry import (
    installed_plugins,
    load_callbacks,
    load_launcher,
    load_sweeper,
    plugin_names,
)
from hydria.runtime import JobSpec, run_job
from hydria.sweepers.basic import BasicSweeper

CONF = Path(__file__).parent / "data" / "conf"
EVENTS: list[tuple[Any, ...]] = []


@pytest.fixture
def run_app(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> RunApp:
    return app_runner(monkeypatch, capsys)


@pytest.fixture(autouse=True)
def _isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    EVENTS.clear()
    yield from isolated(tmp_path, monkeypatch)


def _node(target: str, **options: Any) -> DictConfig:
    return OmegaConf.create({"_target_": target, **options})


# plugins of every shape, as third parties write them


class NoLaunch:
    def __init__(self, **options: Any) -> None:
        pass


class LaunchTakesOneArgument:
    def launch(self, jobs: Any) -> None:
        pass


class AbstractLauncher(Launcher):
    """Subclasses the contract and forgets `launch`."""


class DuckLauncher:
    """Written for the earlier protocol: `launch(jobs, events)`, no base class."""

    def __init__(self, **options: Any) -> None:
        self.options = options

    def prepare(self, job_count: int) -> None:
        EVENTS.append(("prepare", job_count))

    def launch(self, jobs: Sequence[JobSpec], events: JobEvents) -> None:
        EVENTS.append(("launch", len(jobs)))
        for index, spec in enumerate(jobs):
            events.started(index, {})
            events.finished(index, run_job(spec))


class DuckLauncherWithoutPrepare:
    def launch(self, jobs: Sequence[JobSpec], events: JobEvents) -> None:
        EVENTS.append(("launch", len(jobs)))


class NoSweep:
    pass


class OldStyleSweeper:
    """Written for the earlier protocol: override texts in, batches of texts out."""

    def __init__(self, **options: Any) -> None:
        self.options = options

    def batches(self, overrides: Sequence[str], *, options_of: Any) -> list[list[list[str]]]:
        EVENTS.append(("batches", list(overrides)))
        # one job per batch, each value of the first override's list
        key, values = overrides[0].split("=", 1)
        return [[[f"{key}={v}"]] for v in values.split(",")]


class DuckSweeper:
    def sweep(self, overrides: Sequence[Override], session: Any) -> None:
        session.run_batches([[list(overrides)]])


class FakeSession:
    """What a sweeper sees of a sweep: group options, and where its jobs go."""

    def __init__(self, options: Mapping[str, list[str]] | None = None) -> None:
        self.options = dict(options or {})
        self.batches: list[list[list[Override]]] = []

    def group_options(self, group: str) -> list[str]:
        return self.options.get(group, [])

    def run_batches(self, batches: Sequence[Sequence[Sequence[Override]]]) -> None:
        self.batches += [[list(job) for job in batch] for batch in batches]

    def texts(self) -> list[list[list[str]]]:
        return [[[o.text for o in job] for job in batch] for batch in self.batches]


def not_a_class(**options: Any) -> None:
    pass


# contract checks: what is missing, named


@pytest.mark.parametrize(
    ("kind", "target", "lack"),
    [
        pytest.param(
            "launcher", "NoLaunch", "it has no `launch(jobs, events)` method", id="no-launch"
        ),
        pytest.param(
            "launcher",
            "LaunchTakesOneArgument",
            "its `launch(self, jobs)` cannot be called as `launch(jobs, events)`",
            id="launch-signature",
        ),
        pytest.param(
            "launcher",
            "AbstractLauncher",
            "it does not implement `launch(jobs, events)`",
            id="abstract-launch",
        ),
        pytest.param(
            "sweeper", "NoSweep", "it has no `sweep(overrides, session)` method", id="no-sweep"
        ),
    ],
)
def test_a_plugin_missing_its_contract_method_is_refused_naming_it(
    kind: str, target: str, lack: str
) -> None:
    path = f"{__name__}.{target}"
    load = load_launcher if kind == "launcher" else load_sweeper
    with pytest.raises(PluginError) as info:
        load(_node(path))
    contract = kind.capitalize()
    assert str(info.value).startswith(
        f"hydra.{kind}._target_={path} is not a {kind}: {lack}. A {kind} subclasses "
        f"hydria.plugins.{contract} (or has its methods). hydria's {kind}s: "
    )
    assert f"hydria.{kind}s.basic.Basic{contract}" in str(info.value)


def test_a_target_that_is_not_a_class_is_refused() -> None:
    with pytest.raises(PluginError, match=r"is not a launcher: a launcher is a class, and "):
        load_launcher(_node(f"{__name__}.not_a_class"))


def test_a_bad_option_is_a_plugin_error_naming_the_plugin() -> None:
    with pytest.raises(PluginError) as info:
        load_launcher(_node("hydria.launchers.basic.BasicLauncher", n_jobs=2))
    assert str(info.value) == (
        "hydra.launcher (hydria.launchers.basic.BasicLauncher): "
        "the basic launcher takes no options; got ['n_jobs']"
    )


# what passes: subclasses as they are, duck-typed plugins wrapped in the contract type


@pytest.mark.parametrize(
    ("target", "cls"),
    [
        ("hydria.launchers.basic.BasicLauncher", BasicLauncher),
        ("hydra._internal.core_plugins.basic_launcher.BasicLauncher", BasicLauncher),
    ],
)
def test_built_in_launchers_are_launchers(target: str, cls: type) -> None:
    launcher = load_launcher(_node(target))
    assert type(launcher) is cls and isinstance(launcher, Launcher)


def test_a_duck_typed_launcher_is_wrapped_with_its_prepare() -> None:
    launcher = load_launcher(_node(f"{__name__}.DuckLauncher", n=3))
    assert isinstance(launcher, Launcher)
    launcher.prepare(4)
    assert EVENTS == [("prepare", 4)]
    bare = load_launcher(_node(f"{__name__}.DuckLauncherWithoutPrepare"))
    bare.prepare(2)  # the contract's default: nothing
    bare.launch([], object())  # type: ignore[arg-type]
    assert EVENTS == [("prepare", 4), ("launch", 0)]


def test_the_basic_sweeper_hands_override_records_to_the_session() -> None:
    sweeper = load_sweeper(
        _node("hydria.sweepers.basic.BasicSweeper", max_batch_size=2, params={"a": "1,2"})
    )
    assert isinstance(sweeper, BasicSweeper)
    session = FakeSession({"db": ["mysql", "postgresql", "sqlite"]})
    sweeper.sweep(parse_overrides(["db=glob(*sql)", "~b"]), session)
    assert session.texts() == [
        [["a=1", "db=mysql", "~b=null"], ["a=1", "db=postgresql", "~b=null"]],
        [["a=2", "db=mysql", "~b=null"], ["a=2", "db=postgresql", "~b=null"]],
    ]
    job = session.batches[0][0]
    assert all(isinstance(o, Override) for o in job)
    assert job == parse_overrides(["a=1", "db=mysql", "~b=null"])


def test_the_basic_sweeper_still_refuses_what_it_cannot_sweep() -> None:
    with pytest.raises(OverrideValueError, match="cannot sweep an interval"):
        BasicSweeper().sweep(parse_overrides(["x=interval(0,1)"]), FakeSession())
    with pytest.raises(OverrideValueError, match="glob matches none of the options"):
        BasicSweeper().sweep(parse_overrides(["db=glob(x*)"]), FakeSession({"db": ["a"]}))


def test_an_old_style_sweeper_is_driven_through_sweep() -> None:
    sweeper = load_sweeper(_node(f"{__name__}.OldStyleSweeper", max_batch_size=None))
    assert isinstance(sweeper, Sweeper)
    session = FakeSession()
    sweeper.sweep(parse_overrides(["a=1,2", "b=x"]), session)
    assert EVENTS == [("batches", ["a=1,2", "b=x"])]
    assert session.batches == [[parse_overrides(["a=1"])], [parse_overrides(["a=2"])]]


def test_a_duck_typed_sweeper_is_wrapped() -> None:
    sweeper = load_sweeper(_node(f"{__name__}.DuckSweeper"))
    session = FakeSession()
    sweeper.sweep(parse_overrides(["a=1"]), session)
    assert isinstance(sweeper, Sweeper) and session.texts() == [[["a=1"]]]


# the earlier-style plugins run a real sweep


@hydria.main(config_path=str(CONF), config_name="config", version_base=None)
def my_app(cfg: DictConfig) -> Any:
    EVENTS.append(("task", cfg.a))
    return cfg.a


def test_an_old_style_sweeper_and_a_duck_typed_launcher_run_a_sweep(run_app: RunApp) -> None:
    done = run_app(
        my_app,
        "-m",
        "a=1,2",
        f"hydra.sweeper._target_={__name__}.OldStyleSweeper",
        f"hydra.launcher._target_={__name__}.DuckLauncher",
    )
    assert done.code == 0, done.err
    assert ("batches", ["a=1,2"]) in EVENTS
    assert [e for e in EVENTS if e[0] in ("launch", "task")] == [
        ("launch", 1),
        ("task", 1),
        ("launch", 1),
        ("task", 2),
    ]


# callbacks


class HookIsAValue:
    on_job_end = 3


class Misspelt(Callback):
    def on_job_ends(self, config: DictConfig, **kwargs: Any) -> None:
        pass


class NoHooksAtAll:
    def on_anything_else(self) -> None:
        pass


def _callbacks(**entries: str) -> DictConfig:
    return OmegaConf.create(
        {"hydra": {"callbacks": {name: {"_target_": t} for name, t in entries.items()}}}
    )


def test_a_callback_whose_hook_is_not_callable_is_refused() -> None:
    with pytest.raises(PluginError) as info:
        load_callbacks(_callbacks(bad=f"{__name__}.HookIsAValue"))
    assert str(info.value) == (
        "hydra.callbacks.bad (HookIsAValue) is not a callback: its `on_job_end` is a int, "
        "not a method. A hook is `def on_job_end(self, config, **kwargs)` "
        "(hydria.plugins.Callback)."
    )


def test_a_misspelt_hook_is_a_warning_with_a_suggestion() -> None:
    message = re.escape(
        "hydra.callbacks.m (Misspelt) has a method `on_job_ends`, which is not a hook: "
        "hydria never calls it. Did you mean `on_job_end`?"
    )
    with pytest.warns(UserWarning, match=message):
        callbacks = load_callbacks(_callbacks(m=f"{__name__}.Misspelt"))
    assert len(callbacks.callbacks) == 1


def test_any_object_is_a_callback_as_in_hydra() -> None:
    callbacks = load_callbacks(_callbacks(x=f"{__name__}.NoHooksAtAll"))
    assert type(callbacks.callbacks[0]) is NoHooksAtAll


@pytest.mark.parametrize(
    "target",
    [
        "hydra.experimental.callbacks.LogJobReturnCallback",
        "hydria.runtime.callbacks.LogJobReturnCallback",
        "hydria.experimental.callbacks.LogJobReturnCallback",
    ],
)
def test_built_in_callbacks_by_every_name(target: str) -> None:
    (callback,) = load_callbacks(_callbacks(log=target)).callbacks
    assert type(callback) is LogJobReturnCallback


# the one registry: names, `--info plugins`, the public module


ENTRY_POINT_PLUGIN = """
class ContractEchoLauncher:
    def launch(self, jobs, events):
        pass
"""


def _install_entry_point(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "contract_echo_plugin.py").write_text(ENTRY_POINT_PLUGIN)
    dist = tmp_path / "contract_echo_plugin-1.0.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text(
        "Metadata-Version: 2.1\nName: contract-echo-plugin\nVersion: 1.0\n"
    )
    (dist / "entry_points.txt").write_text(
        "[hydria.launchers]\ncontract_echo = contract_echo_plugin:ContractEchoLauncher\n"
    )
    monkeypatch.syspath_prepend(str(tmp_path))


def test_info_plugins_lists_the_registry_with_entry_points(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _install_entry_point(tmp_path, monkeypatch)
    listing = installed_plugins()
    assert listing["ConfigSource"] == ("DirectorySource", "StoreSource")
    assert listing["Launcher"] == (
        "BasicLauncher",
        "JoblibLauncher",
        "RayLauncher",
        "LocalLauncher",
        "SlurmLauncher",
        "ContractEchoLauncher",
    )
    assert listing["Sweeper"] == ("BasicSweeper", "ListSweeper", "OptunaSweeper")
    text = render_info("plugins", plugins=listing)
    assert "\tLauncher:\n\t---------\n\t\tBasicLauncher\n" in text
    assert "\t\tContractEchoLauncher\n\tSweeper:" in text
    launcher = load_launcher(_node("contract_echo"))
    assert isinstance(launcher, Launcher)
    assert "contract_echo_plugin.ContractEchoLauncher" in plugin_names("launcher")


def test_callback_names_come_from_the_registry() -> None:
    assert "hydria.experimental.callbacks.PickleJobInfoCallback" in plugin_names("callback")


def test_the_public_module_for_plugin_authors() -> None:
    assert hydria.plugins.__all__ == [
        "CALLBACK_HOOKS",
        "Callback",
        "ConfigSearchPath",
        "JobEvents",
        "JobReturn",
        "JobSpec",
        "JobStatus",
        "Launcher",
        "Override",
        "SearchPathElement",
        "SearchPathPlugin",
        "SearchPathQuery",
        "SweepSession",
        "Sweeper",
        "load_plugin",
        "plugin_names",
    ]
    assert hydria.plugins.Launcher is Launcher and hydria.Callback is Callback
    # the names plugin code imported before the registry
    assert hydria.plugins.BUILTIN["sweeper"][
        "hydra._internal.core_plugins.basic_sweeper.BasicSweeper"
    ] == ("hydria.sweepers.basic:BasicSweeper")
    assert "hydria.launchers.joblib.JoblibLauncher" in hydria.plugins.plugin_names()["launcher"]


@pytest.mark.parametrize("kind", ["launcher", "sweeper"])
def test_every_hydra_group_option_names_a_registered_plugin_and_back(kind: str) -> None:
    """`--hydra-help` lists the `hydra/launcher` and `hydra/sweeper` options, `--info plugins`
    and completion read the registry: the two must describe the same plugins."""
    import yaml

    from hydria.builtin import BUILTIN_CONF_PACKAGE
    from hydria.plugin_registry import builtin_targets

    folder = Path(__import__(BUILTIN_CONF_PACKAGE, fromlist=["_"]).__file__).parent
    options = sorted((folder / "hydra" / kind).glob("*.yaml"))
    assert options
    targets = builtin_targets(kind)  # type: ignore[arg-type]
    named = set()
    for option in options:
        target = yaml.safe_load(option.read_text(encoding="utf-8"))["_target_"]
        assert target in targets, f"{option.name} names {target}, which the registry lacks"
        named.add(targets[target])
    assert named == set(targets.values())
