"""The one registry of plugins: which launchers, sweepers, callbacks and config sources
exist, and loading the one a config names, checked against its contract.

`hydra.launcher._target_`, `hydra.sweeper._target_` and each `hydra.callbacks` entry
name an implementation: a built-in (by hydria's path, or by the path of the Hydra
plugin it replaces, so existing configs work), a plugin package's entry point (groups
`hydria.launchers` and `hydria.sweepers`, by entry-point name or by the path it points
to), or any importable class the target policy allows (as `instantiate` checks a
`_target_`; registered ones are exempt from the allow-list only). Nothing is imported
until a config names it. Hydra plugins hydria does not run (the rq launcher, the Ax
and Nevergrad sweepers...) and classes built on hydra-core's own bases are
refused with what to use instead.

A class is checked when it is loaded (`hydria.plugin_conformance`): one that
subclasses its contract (`hydria.plugin_contracts`) or has the methods the contract
calls is accepted, anything else is refused naming exactly what is missing.

`--info plugins` (`installed_plugins`), `--hydra-help` and completion
(`plugin_names`) read the same tables.

Layer: above `plugin_contracts` and `runtime`; the app layer calls it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Literal

from omegaconf import DictConfig, OmegaConf

from hydria.errors import PluginError, TargetNotFoundError
from hydria.plugin_conformance import (
    check_callback,
    check_launcher_class,
    check_sweeper_class,
    launcher_from,
    sweeper_from,
)
from hydria.plugin_contracts import Launcher, Sweeper
from hydria.record_class import record
from hydria.repository.plugin_search_path import search_path_plugins
from hydria.repository.unsupported_plugins import unsupported_plugin_message
from hydria.runtime.callbacks import Callbacks

if TYPE_CHECKING:
    from importlib.metadata import EntryPoints

__all__ = [
    "BUILTINS",
    "CONFIG_SOURCES",
    "Builtin",
    "PluginKind",
    "builtin_targets",
    "installed_plugins",
    "load_callbacks",
    "load_launcher",
    "load_plugin",
    "load_sweeper",
    "plugin_names",
]

PluginKind = Literal["launcher", "sweeper", "callback"]
# The kinds a `hydra.<kind>` node names, built from the node's other keys.
NodeKind = Literal["launcher", "sweeper"]


@record
class Builtin:
    """A plugin hydria ships: `spec` is `module:Class`; `aliases` are the other
    `_target_` names configs use for it (the Hydra plugin it replaces, a shorter
    re-export), each resolved to `spec`."""

    kind: PluginKind
    spec: str
    aliases: tuple[str, ...] = ()

    @property
    def path(self) -> str:
        """The dotted path configs write (`hydria.launchers.basic.BasicLauncher`)."""
        return self.spec.replace(":", ".")


BUILTINS: tuple[Builtin, ...] = (
    Builtin(
        "launcher",
        "hydria.launchers.basic:BasicLauncher",
        ("hydra._internal.core_plugins.basic_launcher.BasicLauncher",),
    ),
    Builtin(
        "launcher",
        "hydria.launchers.joblib:JoblibLauncher",
        ("hydra_plugins.hydra_joblib_launcher.joblib_launcher.JoblibLauncher",),
    ),
    Builtin(
        "launcher",
        "hydria.launchers.submitit:SlurmLauncher",
        ("hydra_plugins.hydra_submitit_launcher.submitit_launcher.SlurmLauncher",),
    ),
    Builtin(
        "launcher",
        "hydria.launchers.submitit:LocalLauncher",
        ("hydra_plugins.hydra_submitit_launcher.submitit_launcher.LocalLauncher",),
    ),
    Builtin(
        "launcher",
        "hydria.launchers.ray:RayLauncher",
        ("hydra_plugins.hydra_ray_launcher.ray_launcher.RayLauncher",),
    ),
    Builtin(
        "sweeper",
        "hydria.sweepers.basic:BasicSweeper",
        ("hydra._internal.core_plugins.basic_sweeper.BasicSweeper",),
    ),
    Builtin(
        "sweeper",
        "hydria.sweepers.optuna_sweeper:OptunaSweeper",
        ("hydra_plugins.hydra_optuna_sweeper.optuna_sweeper.OptunaSweeper",),
    ),
    Builtin(
        "sweeper",
        "hydria.sweepers.list_sweeper:ListSweeper",
        ("hydra_plugins.list_sweeper_plugin.list_sweeper.ListSweeper",),
    ),
    Builtin(
        "callback",
        "hydria.plugin_contracts:Callback",
        (
            "hydra.experimental.callback.Callback",
            "hydria.Callback",
            "hydria.runtime.callbacks.Callback",
        ),
    ),
    Builtin(
        "callback",
        "hydria.experimental.callbacks:LogJobReturnCallback",
        (
            "hydra.experimental.callbacks.LogJobReturnCallback",
            "hydria.runtime.callbacks.LogJobReturnCallback",
        ),
    ),
    Builtin(
        "callback",
        "hydria.experimental.callbacks:PickleJobInfoCallback",
        (
            "hydra.experimental.callbacks.PickleJobInfoCallback",
            "hydra.experimental.pickle_job_info_callback.PickleJobInfoCallback",
            "hydria.runtime.callbacks.PickleJobInfoCallback",
        ),
    ),
    Builtin(
        "callback",
        "hydria.tracking.mlflow_callback:MlflowCallback",
        ("hydria.tracking.MlflowCallback",),
    ),
    Builtin(
        "callback",
        "hydria.tracking.wandb_callback:WandbCallback",
        ("hydria.tracking.WandbCallback",),
    ),
)

#: Where configs come from, as `--info plugins` names them (not pluggable yet).
CONFIG_SOURCES: tuple[str, ...] = ("DirectorySource", "StoreSource")

_GROUPS: dict[PluginKind, str] = {"launcher": "hydria.launchers", "sweeper": "hydria.sweepers"}


def builtin_targets(kind: PluginKind) -> dict[str, str]:
    """Every `_target_` that names a built-in of `kind` (its own dotted path, and its
    aliases) → the built-in's `module:Class`."""
    found: dict[str, str] = {}
    for b in BUILTINS:
        if b.kind == kind:
            found[b.path] = b.spec
            found.update(dict.fromkeys(b.aliases, b.spec))
    return found


def _entry_points(kind: PluginKind) -> EntryPoints | tuple[()]:
    if kind not in _GROUPS:
        return ()
    # importlib.metadata costs more to import than this registry: it is imported only
    # when a config names a plugin hydria does not ship, or a listing is asked for.
    from importlib.metadata import entry_points

    return entry_points(group=_GROUPS[kind])


def _from_entry_points(kind: PluginKind, target: str) -> str | None:
    for ep in _entry_points(kind):
        if target in (ep.name, ep.value.replace(":", ".")):
            return ep.value
    return None


def plugin_names(kind: PluginKind) -> list[str]:
    """The plugins of `kind` a config can name, by dotted path: the built-ins (sorted),
    then the installed entry points (sorted). For `--hydra-help`, completion and the
    hints of error messages."""
    found = sorted({b.path for b in BUILTINS if b.kind == kind})
    found += sorted(ep.value.replace(":", ".") for ep in _entry_points(kind))
    return found


def installed_plugins() -> dict[str, tuple[str, ...]]:
    """What `--info plugins` lists, section by section in Hydra's order: the config
    sources, the launchers and the sweepers known by name (built-ins, then entry
    points), and the installed search path plugins, each by class name."""

    def class_names(kind: PluginKind) -> tuple[str, ...]:
        return tuple(dict.fromkeys(n.rsplit(".", 1)[-1] for n in plugin_names(kind)))

    return {
        "ConfigSource": CONFIG_SOURCES,
        "Launcher": class_names("launcher"),
        "Sweeper": class_names("sweeper"),
        "SearchPathPlugin": tuple(cls.__name__ for cls in search_path_plugins()),
    }


def _import(key: str, spec: str, *, registered: bool) -> Any:
    """The object `spec` names: a registered one (built-in or entry point) by its
    registration, anything else through the target policy, as `instantiate` would."""
    # only sweeps load plugins: `import hydria` does not pay for the policy here
    from hydria.instantiation.policy import TargetPolicy

    policy = TargetPolicy.from_environment()
    path = spec.replace(":", ".")
    if registered:
        policy = policy.trusting(path)
    try:
        return policy.locate(path, key)
    except TargetNotFoundError as exc:
        raise PluginError(f"cannot import {spec!r}: {exc}") from exc


def _hydra_core_plugin(kind: NodeKind, cls: type) -> bool:
    """A class built on hydra-core's Launcher or Sweeper: hydria cannot drive it (its
    `setup`/`launch` take Hydra's internal objects)."""
    base = {"launcher": "Launcher", "sweeper": "Sweeper"}[kind]
    return any(b.__name__ == base and b.__module__ == f"hydra.plugins.{kind}" for b in cls.__mro__)


def _plugin_class(kind: NodeKind, node: DictConfig | None) -> tuple[str, type, dict[str, Any]]:
    """The `_target_` of `node`, the class it names (checked against the contract of
    `kind`) and the node's other keys, resolved: the plugin's options."""
    if node is None or "_target_" not in node:
        raise PluginError(f"hydra.{kind} names no {kind} (it has no _target_)")
    options: dict[str, Any] = OmegaConf.to_container(node, resolve=True)  # type: ignore[assignment]
    target = str(options.pop("_target_"))
    spec = builtin_targets(kind).get(target) or _from_entry_points(kind, target)
    registered = spec is not None
    if spec is None:
        unsupported = unsupported_plugin_message(target=target)
        if unsupported is not None:
            raise PluginError(unsupported)
        spec = target
    cls = _import(f"hydra.{kind}._target_", spec, registered=registered)
    known = ", ".join(plugin_names(kind))
    if not isinstance(cls, type):
        raise PluginError(
            f"hydra.{kind}._target_={target} is not a {kind}: a {kind} is a class, and "
            f"'{target}' is a {type(cls).__name__}. hydria's {kind}s: {known}."
        )
    if _hydra_core_plugin(kind, cls):
        raise PluginError(
            f"hydra.{kind} ({target}) is a Hydra {kind} plugin, which hydria does not run. "
            f"hydria runs its own {kind}s: {known}."
        )
    check = check_launcher_class if kind == "launcher" else check_sweeper_class
    check(cls, f"hydra.{kind}._target_={target}", known)
    return target, cls, options


def _build(kind: NodeKind, target: str, cls: type, options: Mapping[str, Any]) -> object:
    try:
        built: object = cls(**options)
    except PluginError:
        raise
    except TypeError as exc:  # options the plugin does not take, or takes otherwise
        raise PluginError(f"hydra.{kind} ({target}): {exc}") from exc
    return built


def load_launcher(node: DictConfig | None) -> Launcher:
    """Build the launcher `node` (the `hydra.launcher` config) names, with the node's
    other keys as its options.

    A class that does not subclass `Launcher` but has `launch(jobs, events)` (written
    for hydria's earlier protocol) is accepted, wrapped so it gets `Launcher`'s defaults.

    Raises:
        hydria.errors.PluginError: nothing is known by that name, it does not import,
            is not a launcher (the message says what it lacks), or rejects its options.
        hydria.errors.TargetRefusedError: the target policy refuses the name.
    """
    target, cls, options = _plugin_class("launcher", node)
    return launcher_from(_build("launcher", target, cls, options))


def load_sweeper(node: DictConfig | None) -> Sweeper:
    """Build the sweeper `node` (the `hydra.sweeper` config) names, with the node's
    other keys as its options.

    A class with only the earlier `batches(overrides, options_of=...)` method (override
    texts in, batches of override texts out) is accepted, driven through `Sweeper.sweep`.

    Raises:
        hydria.errors.PluginError: as for `load_launcher`, for a sweeper.
        hydria.errors.TargetRefusedError: the target policy refuses the name.
    """
    target, cls, options = _plugin_class("sweeper", node)
    return sweeper_from(_build("sweeper", target, cls, options))


def load_plugin(kind: NodeKind, node: DictConfig | None) -> Any:
    """Deprecated: `load_launcher` / `load_sweeper`, which return the contract types.
    The launcher or sweeper `node` names, as its class built it (not wrapped; an
    earlier-style sweeper keeps its `batches`), after the same checks."""
    target, cls, options = _plugin_class(kind, node)
    return _build(kind, target, cls, options)


def load_callbacks(config: DictConfig) -> Callbacks:
    """Instantiate `config.hydra.callbacks`, in config order, each checked: a hook that
    is not callable is an error, an `on_*` method that is no hook (a misspelling) a
    warning. `hydra.callbacks.x: null` switches a callback off.

    Raises:
        hydria.errors.InstantiationError: a callback could not be built.
        hydria.errors.PluginError: a callback's hook is not callable.
    """
    entries = OmegaConf.select(config, "hydra.callbacks", default=None)
    if not entries:
        return Callbacks()
    # only apps with callbacks pay for these
    from hydria.instantiation import TargetPolicy, instantiate_under

    policy = TargetPolicy.from_environment()
    specs = builtin_targets("callback")
    built = []
    for name in entries:
        node = entries[name]
        if node is None:
            continue
        target = node.get("_target_") if isinstance(node, DictConfig) else None
        trusted: tuple[str, ...] = ()
        if isinstance(target, str) and target in specs:
            # hydria's own callbacks are registered by name: exempt from the allow-list
            path = specs[target].replace(":", ".")
            node = OmegaConf.merge(node, {"_target_": path})
            trusted = (path,)
        callback = instantiate_under(policy.trusting(*trusted), node)
        check_callback(callback, f"hydra.callbacks.{name}")
        built.append(callback)
    return Callbacks(built)
