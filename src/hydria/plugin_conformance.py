"""Whether a loaded plugin keeps its contract (`hydria.plugin_contracts`), and the
adapters that let plugins written for hydria's earlier protocols keep working.

A class is checked before it is built, so a plugin that cannot work fails before it
starts anything, with a message naming the plugin, the contract and what is missing.
Subclassing the contract is not required: a class with the methods the contract calls
(duck-typed) is accepted and wrapped in an adapter, so callers see the contract type.

Layer: above `plugin_contracts`; used by `hydria.plugin_registry`.
"""

from __future__ import annotations

import difflib
import inspect
import warnings
from collections.abc import Callable, Sequence
from typing import Protocol, cast

from hydria.errors import PluginError
from hydria.overrides import Override, parse_overrides
from hydria.plugin_contracts import (
    CALLBACK_HOOKS,
    JobEvents,
    JobStream,
    Launcher,
    Sweeper,
    SweepSession,
)
from hydria.record_class import record
from hydria.runtime.job_model import JobSpec

__all__ = [
    "check_callback",
    "check_launcher_class",
    "check_sweeper_class",
    "launcher_from",
    "sweeper_from",
]


@record
class _Method:
    """A method as a contract calls it: positional arguments, then keyword ones."""

    name: str
    positional: tuple[str, ...]
    keywords: tuple[str, ...] = ()

    def __str__(self) -> str:
        return f"{self.name}({', '.join(self.positional + self.keywords)})"


_LAUNCH = _Method("launch", ("jobs", "events"))
_PREPARE = _Method("prepare", ("job_count",))
_SWEEP = _Method("sweep", ("overrides", "session"))
# hydria's earlier sweeper protocol: override texts in, batches of job override texts out
_BATCHES = _Method("batches", ("overrides",), ("options_of",))


def _lack(cls: type, method: _Method) -> str | None:
    """What keeps `cls` from offering `method` as its contract calls it, or None."""
    found = getattr(cls, method.name, None)
    if found is None:
        return f"it has no `{method}` method"
    if not callable(found):
        return f"its `{method.name}` is a {type(found).__name__}, not a method"
    if method.name in getattr(cls, "__abstractmethods__", ()):
        return f"it does not implement `{method}`"
    try:
        signature = inspect.signature(found)
    except (TypeError, ValueError):  # a builtin or an extension type: nothing to check
        return None
    # an instance method seen on its class still takes `self`
    raw = inspect.getattr_static(cls, method.name, None)
    bound = not isinstance(raw, (staticmethod, classmethod))
    placeholders = [None] * (len(method.positional) + bound)
    try:
        signature.bind(*placeholders, **dict.fromkeys(method.keywords))
    except TypeError:
        bare = signature.replace(
            parameters=[p.replace(annotation=p.empty) for p in signature.parameters.values()],
            return_annotation=signature.empty,
        )
        return f"its `{method.name}{bare}` cannot be called as `{method}`"
    return None


def _refuse(where: str, kind: str, contract: str, lack: str, known: str) -> PluginError:
    return PluginError(
        f"{where} is not a {kind}: {lack}. A {kind} subclasses hydria.plugins.{contract} "
        f"(or has its methods). hydria's {kind}s: {known}."
    )


def check_launcher_class(cls: type, where: str, known: str) -> None:
    """Refuse `cls` unless it can `launch(jobs, events)` (and, if it has one,
    `prepare(job_count)`).

    Args:
        cls: the class a config names.
        where: how the config names it (`hydra.launcher._target_=pkg.MyLauncher`).
        known: the launchers hydria knows, for the message.

    Raises:
        hydria.errors.PluginError: naming the plugin and what it lacks.
    """
    lack = _lack(cls, _LAUNCH)
    if lack is None and hasattr(cls, "prepare"):
        lack = _lack(cls, _PREPARE)
    if lack is not None:
        raise _refuse(where, "launcher", "Launcher", lack, known)


def check_sweeper_class(cls: type, where: str, known: str) -> None:
    """Refuse `cls` unless it can `sweep(overrides, session)`, or is an earlier-style
    sweeper with `batches(overrides, options_of=...)`. Arguments as for
    `check_launcher_class`.

    Raises:
        hydria.errors.PluginError: naming the plugin and what it lacks.
    """
    lack = _lack(cls, _SWEEP)
    if lack is None or (not issubclass(cls, Sweeper) and _lack(cls, _BATCHES) is None):
        return
    raise _refuse(where, "sweeper", "Sweeper", lack, known)


class _DuckLauncher(Launcher):
    """A launcher that has the contract's methods without subclassing `Launcher`.

    `prepare` is looked up once, here, rather than on every sweep.
    """

    def __init__(self, plugin: object) -> None:
        self.plugin = plugin
        self._launch = cast(
            "Callable[[Sequence[JobSpec], JobEvents], None]",
            getattr(plugin, "launch"),  # noqa: B009 - checked at load, not typed
        )
        self._prepare = cast("Callable[[int], None] | None", getattr(plugin, "prepare", None))
        self._launch_stream = cast(
            "Callable[[JobStream, JobEvents], None] | None", getattr(plugin, "launch_stream", None)
        )

    def prepare(self, job_count: int) -> None:
        if self._prepare is not None:
            self._prepare(job_count)

    def launch(self, jobs: Sequence[JobSpec], events: JobEvents) -> None:
        self._launch(jobs, events)

    def launch_stream(self, jobs: JobStream, events: JobEvents) -> None:
        if self._launch_stream is None:
            super().launch_stream(jobs, events)
        else:
            self._launch_stream(jobs, events)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.plugin!r})"


class _BatchesPlugin(Protocol):
    def batches(
        self, overrides: Sequence[str], *, options_of: Callable[[str], list[str]]
    ) -> Sequence[Sequence[Sequence[str]]]: ...


class _BatchesSweeper(Sweeper):
    """An earlier-style sweeper (`batches`: override texts in, batches of each job's
    override texts out), driven through `Sweeper.sweep`: its texts are parsed into the
    override records the session takes."""

    def __init__(self, plugin: _BatchesPlugin) -> None:
        self.plugin = plugin

    def sweep(self, overrides: Sequence[Override], session: SweepSession) -> None:
        batches = self.plugin.batches([o.text for o in overrides], options_of=session.group_options)
        session.run_batches([[parse_overrides(list(job)) for job in batch] for batch in batches])

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.plugin!r})"


class _DuckSweeper(Sweeper):
    """A sweeper that has `sweep(overrides, session)` without subclassing `Sweeper`."""

    def __init__(self, plugin: object) -> None:
        self.plugin = plugin
        self._sweep = cast(
            "Callable[[Sequence[Override], SweepSession], None]",
            getattr(plugin, "sweep"),  # noqa: B009 - checked at load, not typed
        )

    def sweep(self, overrides: Sequence[Override], session: SweepSession) -> None:
        self._sweep(overrides, session)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.plugin!r})"


def launcher_from(plugin: object) -> Launcher:
    """`plugin` (a built launcher its class passed `check_launcher_class`) as a `Launcher`."""
    return plugin if isinstance(plugin, Launcher) else _DuckLauncher(plugin)


def sweeper_from(plugin: object) -> Sweeper:
    """`plugin` (a built sweeper its class passed `check_sweeper_class`) as a `Sweeper`."""
    if isinstance(plugin, Sweeper):
        return plugin
    if _lack(type(plugin), _SWEEP) is None:
        return _DuckSweeper(plugin)
    return _BatchesSweeper(cast("_BatchesPlugin", plugin))


def check_callback(callback: object, where: str) -> None:
    """Refuse a callback whose hook is not callable; warn about an `on_*` method that
    no hook matches but one nearly does (a misspelling, never called).

    Hydra calls any object's hooks, whatever its class: so does hydria, and an object
    without hooks is accepted (it does nothing).

    Args:
        callback: the built callback.
        where: its config entry (`hydra.callbacks.log`).

    Raises:
        hydria.errors.PluginError: a hook is not callable.
    """
    name = type(callback).__qualname__
    for attribute in dir(callback):
        if not attribute.startswith("on_"):
            continue
        value = getattr(callback, attribute, None)
        if attribute in CALLBACK_HOOKS:
            if not callable(value):
                raise PluginError(
                    f"{where} ({name}) is not a callback: its `{attribute}` is a "
                    f"{type(value).__name__}, not a method. A hook is "
                    f"`def {attribute}(self, config, **kwargs)` (hydria.plugins.Callback)."
                )
            continue
        close = difflib.get_close_matches(attribute, CALLBACK_HOOKS, n=1, cutoff=0.8)
        if close and callable(value):
            warnings.warn(
                f"{where} ({name}) has a method `{attribute}`, which is not a hook: hydria "
                f"never calls it. Did you mean `{close[0]}`? Hooks: {', '.join(CALLBACK_HOOKS)}.",
                UserWarning,
                stacklevel=3,
            )
