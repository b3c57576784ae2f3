"""What plugin authors implement and the records their plugins receive: the public
API for launchers, sweepers, callbacks and search path plugins.

A launcher subclasses `Launcher`, a sweeper `Sweeper`, a callback (optionally)
`Callback`; each contract's docstring says who calls it, with what, and what it must
not do. Launchers and sweepers are found through the entry-point groups
`hydria.launchers` and `hydria.sweepers`, or named by their import path in a config
(`hydra.launcher._target_`), and are checked against their contract when a config
names them (`hydria.plugin_registry`). Plugin packages that add config groups
implement `SearchPathPlugin` (Hydra's interface, re-exported from
`hydria.repository.plugin_search_path`).

Importing this module stays cheap (search path plugins import it while the app
starts): the registry, and `importlib.metadata` with it, load on first use.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from hydria.overrides.model import Override as Override
from hydria.plugin_contracts import CALLBACK_HOOKS as CALLBACK_HOOKS
from hydria.plugin_contracts import Callback as Callback
from hydria.plugin_contracts import JobEvents as JobEvents
from hydria.plugin_contracts import Launcher as Launcher
from hydria.plugin_contracts import Sweeper as Sweeper
from hydria.plugin_contracts import SweepSession as SweepSession
from hydria.repository.plugin_search_path import ConfigSearchPath as ConfigSearchPath
from hydria.repository.plugin_search_path import SearchPathElement as SearchPathElement
from hydria.repository.plugin_search_path import SearchPathPlugin as SearchPathPlugin
from hydria.repository.plugin_search_path import SearchPathQuery as SearchPathQuery
from hydria.runtime.job_model import JobReturn as JobReturn
from hydria.runtime.job_model import JobSpec as JobSpec
from hydria.runtime.job_model import JobStatus as JobStatus

if TYPE_CHECKING:
    from omegaconf import DictConfig

    from hydria.plugin_registry import NodeKind

__all__ = [
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


def load_plugin(kind: NodeKind, node: DictConfig | None) -> Any:
    """Deprecated: `hydria.plugin_registry.load_launcher` / `load_sweeper`. The
    launcher or sweeper `node` names, built as its class builds it.

    Raises:
        hydria.errors.PluginError: see `hydria.plugin_registry.load_launcher`.
    """
    from hydria.plugin_registry import load_plugin as load

    return load(kind, node)


def plugin_names() -> dict[str, list[str]]:
    """The launchers and sweepers a config can name, by dotted path: built-ins, then
    installed entry points (`hydria.plugin_registry.plugin_names` per kind)."""
    from hydria.plugin_registry import plugin_names as names

    return {"launcher": names("launcher"), "sweeper": names("sweeper")}


def __getattr__(name: str) -> Any:
    if name == "BUILTIN":  # the table `load_plugin` used to read; now the registry's
        from hydria.plugin_registry import builtin_targets

        return {kind: builtin_targets(kind) for kind in ("launcher", "sweeper")}
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
