"""Finding the launcher and the sweeper a config names, and building them.

`hydra.launcher._target_` / `hydra.sweeper._target_` name the implementation: a
built-in (by hydria's path, or by the path of the Hydra plugin it replaces, so
existing configs work), a plugin package's entry point (groups `hydria.launchers`
and `hydria.sweepers`, by entry-point name or by the path it points to), or any
importable class the target policy allows (as `instantiate` checks a `_target_`;
registered ones are exempt from the allow-list only). Nothing is imported until a
config names it. Hydra plugins hydria
does not run (the rq launcher, the Ax, Nevergrad and Optuna sweepers...) are refused
with what to use instead.

Plugin packages that add config groups implement `SearchPathPlugin` (Hydra's interface,
re-exported here from `hydria.repository.plugin_search_path`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal

from omegaconf import DictConfig, OmegaConf

from hydria.errors import PluginError, TargetNotFoundError
from hydria.repository.plugin_search_path import ConfigSearchPath as ConfigSearchPath
from hydria.repository.plugin_search_path import SearchPathElement as SearchPathElement
from hydria.repository.plugin_search_path import SearchPathPlugin as SearchPathPlugin
from hydria.repository.plugin_search_path import SearchPathQuery as SearchPathQuery
from hydria.repository.unsupported_plugins import unsupported_plugin_message

if TYPE_CHECKING:
    from importlib.metadata import EntryPoints

__all__ = [
    "BUILTIN",
    "ConfigSearchPath",
    "SearchPathElement",
    "SearchPathPlugin",
    "SearchPathQuery",
    "load_plugin",
    "plugin_names",
]

Kind = Literal["launcher", "sweeper"]

BUILTIN: dict[Kind, dict[str, str]] = {
    "launcher": {
        "hydria.launchers.basic.BasicLauncher": "hydria.launchers.basic:BasicLauncher",
        "hydra._internal.core_plugins.basic_launcher.BasicLauncher": (
            "hydria.launchers.basic:BasicLauncher"
        ),
        "hydria.launchers.joblib.JoblibLauncher": "hydria.launchers.joblib:JoblibLauncher",
        "hydra_plugins.hydra_joblib_launcher.joblib_launcher.JoblibLauncher": (
            "hydria.launchers.joblib:JoblibLauncher"
        ),
        "hydria.launchers.submitit.SlurmLauncher": "hydria.launchers.submitit:SlurmLauncher",
        "hydria.launchers.submitit.LocalLauncher": "hydria.launchers.submitit:LocalLauncher",
        "hydra_plugins.hydra_submitit_launcher.submitit_launcher.SlurmLauncher": (
            "hydria.launchers.submitit:SlurmLauncher"
        ),
        "hydra_plugins.hydra_submitit_launcher.submitit_launcher.LocalLauncher": (
            "hydria.launchers.submitit:LocalLauncher"
        ),
        "hydria.launchers.ray.RayLauncher": "hydria.launchers.ray:RayLauncher",
        "hydra_plugins.hydra_ray_launcher.ray_launcher.RayLauncher": (
            "hydria.launchers.ray:RayLauncher"
        ),
    },
    "sweeper": {
        "hydria.sweepers.basic.BasicSweeper": "hydria.sweepers.basic:BasicSweeper",
        "hydra._internal.core_plugins.basic_sweeper.BasicSweeper": (
            "hydria.sweepers.basic:BasicSweeper"
        ),
    },
}

_GROUPS: dict[Kind, str] = {"launcher": "hydria.launchers", "sweeper": "hydria.sweepers"}
_METHOD: dict[Kind, str] = {"launcher": "launch", "sweeper": "batches"}


def _entry_points(kind: Kind) -> EntryPoints:
    # importlib.metadata costs more to import than the rest of this module: search path
    # plugins import this module at start-up (through Hydra's import paths) without it.
    from importlib.metadata import entry_points

    return entry_points(group=_GROUPS[kind])


def _from_entry_points(kind: Kind, target: str) -> str | None:
    for ep in _entry_points(kind):
        if target in (ep.name, ep.value.replace(":", ".")):
            return ep.value
    return None


def _import(kind: Kind, spec: str, *, registered: bool) -> Any:
    """The class `spec` names: a registered one (built-in or entry point) by its
    registration, anything else through the target policy, as `instantiate` would."""
    # only sweeps load plugins: `import hydria` does not pay for the policy here
    from hydria.instantiation.policy import TargetPolicy

    policy = TargetPolicy.from_environment()
    path = spec.replace(":", ".")
    if registered:
        policy = policy.trusting(path)
    try:
        return policy.locate(path, f"hydra.{kind}._target_")
    except TargetNotFoundError as exc:
        raise PluginError(f"cannot import {spec!r}: {exc}") from exc


def _hydra_core_plugin(kind: Kind, cls: Any) -> bool:
    """A class built on hydra-core's Launcher or Sweeper: hydria cannot drive it (its
    `setup`/`launch` take Hydra's internal objects)."""
    base = {"launcher": "Launcher", "sweeper": "Sweeper"}[kind]
    return isinstance(cls, type) and any(
        b.__name__ == base and b.__module__ == f"hydra.plugins.{kind}" for b in cls.__mro__
    )


def load_plugin(kind: Kind, node: DictConfig | None) -> Any:
    """Build the launcher or sweeper `node` (the `hydra.launcher` / `hydra.sweeper`
    config) names, with the node's other keys as its options.

    Raises:
        hydria.errors.PluginError: nothing is known by that name, it does not import,
            or it rejects its options.
    """
    if node is None or "_target_" not in node:
        raise PluginError(f"hydra.{kind} names no {kind} (it has no _target_)")
    options: dict[str, Any] = OmegaConf.to_container(node, resolve=True)  # type: ignore[assignment]
    target = str(options.pop("_target_"))
    spec = BUILTIN[kind].get(target) or _from_entry_points(kind, target)
    registered = spec is not None
    if spec is None:
        unsupported = unsupported_plugin_message(target=target)
        if unsupported is not None:
            raise PluginError(unsupported)
        spec = target
    cls = _import(kind, spec, registered=registered)
    if _hydra_core_plugin(kind, cls):
        raise PluginError(
            f"hydra.{kind} ({target}) is a Hydra {kind} plugin, which hydria does not run. "
            f"hydria runs its own {kind}s: {', '.join(plugin_names()[kind])}."
        )
    method = _METHOD[kind]
    if not isinstance(cls, type) or not callable(getattr(cls, method, None)):
        raise PluginError(
            f"hydra.{kind}._target_={target} is not a {kind}: a {kind} is a class with a "
            f"`{method}` method, and '{target}' is "
            f"{'a class without one' if isinstance(cls, type) else 'a ' + type(cls).__name__}. "
            f"hydria's {kind}s: {', '.join(plugin_names()[kind])}."
        )
    try:
        return cls(**options)
    except PluginError:
        raise
    except TypeError as exc:
        raise PluginError(f"hydra.{kind} ({target}): {exc}") from exc


def plugin_names() -> dict[Kind, list[str]]:
    """The launchers and sweepers available: built-ins, then installed entry points."""
    names: dict[Kind, list[str]] = {}
    for kind in ("launcher", "sweeper"):
        found = sorted({v.replace(":", ".") for v in BUILTIN[kind].values()})
        found += sorted(ep.value.replace(":", ".") for ep in _entry_points(kind))
        names[kind] = found
    return names
