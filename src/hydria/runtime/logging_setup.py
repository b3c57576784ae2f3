"""Applies a `hydra.job_logging` / `hydra.hydra_logging` node, and puts logging back afterwards.

`configure_logging` is Hydra 1.3's `configure_log`. Hydra never undoes it; hydria
brackets it with `snapshot_logging` / `restore_logging` so that two runs in one
process (tests, notebooks, a sweep run in-process) do not leak handlers or
levels into each other, and loggers the user set up before `main` work again,
each record printed once.
"""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Collection, Mapping, Sequence
from contextlib import suppress
from typing import Any

from omegaconf import DictConfig, ListConfig

from hydria.errors import ConfigContentError, HydriaError
from hydria.record_class import record
from hydria.runtime.logging_dict import apply_simple
from hydria.runtime.logging_tables import handler_names, handler_refs, logging_lock
from hydria.runtime.plain_content import resolved_container

__all__ = [
    "LoggingState",
    "configure_logging",
    "flush_log_handlers",
    "restore_logging",
    "snapshot_logging",
]

#: Hydra's format when a job has no logging config at all (`hydra.job_logging` null).
_FALLBACK_FORMAT = "[%(asctime)s][%(name)s][%(levelname)s] - %(message)s"


def _live_handlers() -> list[logging.Handler]:
    return [h for h in (ref() for ref in handler_refs()) if h is not None]


@record
class _LoggerState:
    level: int
    handlers: tuple[logging.Handler, ...]
    filters: tuple[Any, ...]  # logging.Filter or a callable
    propagate: bool
    disabled: bool


#: What a logger looks like when `logging.getLogger` has just created it.
_FRESH = _LoggerState(level=logging.NOTSET, handlers=(), filters=(), propagate=True, disabled=False)


def _capture(logger: logging.Logger) -> _LoggerState:
    return _LoggerState(
        level=logger.level,
        handlers=tuple(logger.handlers),
        filters=tuple(logger.filters),
        propagate=logger.propagate,
        disabled=logger.disabled,
    )


def _apply(logger: logging.Logger, state: _LoggerState) -> None:
    # Plain attribute writes: setLevel would clear every logger's cache each time;
    # restore_logging clears them once at the end.
    logger.level = state.level
    logger.handlers = list(state.handlers)
    logger.filters = list(state.filters)
    logger.propagate = state.propagate
    logger.disabled = state.disabled


def _loggers() -> dict[str, logging.Logger]:
    manager = logging.Logger.manager
    return {n: lg for n, lg in manager.loggerDict.items() if isinstance(lg, logging.Logger)}


@record
class LoggingState:
    """The whole of `logging`'s configuration at one moment, from `snapshot_logging`.

    Holds strong references to the handlers that existed, so they can be put back.
    """

    root: _LoggerState
    loggers: Mapping[str, _LoggerState]
    disable: int
    handlers: tuple[logging.Handler, ...]
    handler_names: tuple[tuple[str, logging.Handler], ...]


def snapshot_logging() -> LoggingState:
    """Record the root logger, every logger, `logging.disable` and the live handlers."""
    with logging_lock():
        return LoggingState(
            root=_capture(logging.getLogger()),
            loggers={name: _capture(lg) for name, lg in _loggers().items()},
            disable=logging.Logger.manager.disable,
            handlers=tuple(_live_handlers()),
            handler_names=tuple(handler_names().items()),
        )


def restore_logging(state: LoggingState, configured: Collection[str] | None = None) -> None:
    """Put logging back as `state` recorded it, and close the handlers made since.

    Loggers that existed get back their level, handlers, filters, `propagate` and
    `disabled`. Loggers first created since the snapshot are returned to the state of
    a fresh logger when hydria configured them (`configured`: what `configure_logging`
    returned; None for every new logger), so one run's `loggers:` section or
    `hydra.verbose` does not leak into the next. A library that set up its own logger
    when the task imported it keeps that setup, as if it had been imported before.
    Every handler created since the snapshot that no logger uses any more is flushed
    and closed, so log files are complete and no file stays open.
    """
    with logging_lock():
        # Strong references first: a handler detached below would otherwise be collected
        # at once, its file left unclosed.
        live = _live_handlers()
        for name, logger in _loggers().items():
            before = state.loggers.get(name)
            if before is not None:
                _apply(logger, before)
            elif configured is None or name in configured:
                _apply(logger, _FRESH)
        root = logging.getLogger()
        _apply(root, state.root)
        logging.Logger.manager.disable = state.disable
        names = handler_names()
        names.clear()
        names.update(dict(state.handler_names))
        in_use = {id(h) for lg in [root, *_loggers().values()] for h in lg.handlers}
        known = {id(h) for h in state.handlers}
        stale = [h for h in live if id(h) not in known and id(h) not in in_use]
        # setLevel clears the cached "is enabled" answers of every logger, once.
        root.setLevel(state.root.level)
    for handler in stale:
        # A broken handler must not stop the others from closing.
        with suppress(Exception):
            handler.flush()
            handler.close()


def flush_log_handlers() -> None:
    """Flush every live handler, as Hydra does after the task, so log files are complete."""
    for handler in _live_handlers():
        # One broken handler must not keep the others from flushing.
        with suppress(Exception):
            handler.flush()


def _node_name(log_config: DictConfig | Mapping[str, Any]) -> str:
    """The node's key for a message (`hydra.job_logging`); named only when one is
    written, as every job of a sweep configures logging."""
    if isinstance(log_config, DictConfig):
        return str(log_config._get_full_key(None)) or "the logging config"
    return "the logging config"


def _dict_config(conf: dict[str, Any], log_config: DictConfig | Mapping[str, Any]) -> None:
    # dictConfig closes every handler that exists (`_clearExistingHandlers`). Hiding the
    # existing ones from it keeps the user's and hydra_logging's handlers usable, so
    # restore_logging can hand them back; those it detaches stay open until then.
    refs = handler_refs()
    with logging_lock():
        existing = refs[:]
        del refs[:]
        try:
            _apply_dict(conf, log_config)
        except (ValueError, TypeError, AttributeError, ImportError, OSError) as exc:
            if isinstance(exc, HydriaError):
                raise
            node = _node_name(log_config)
            raise ConfigContentError(
                f"{node} cannot be applied by logging.config.dictConfig: "
                f"{_reasons(exc)}. Fix {node} (or the override that set it)."
            ) from exc
        finally:
            refs[:0] = existing


def _apply_dict(conf: dict[str, Any], log_config: DictConfig | Mapping[str, Any]) -> None:
    if apply_simple(conf):
        return
    import logging.config  # here, not at import: it costs ~4 ms of startup

    # what dictConfig would import and call passes the target policy first
    from hydria.runtime.logging_targets import check_logging_targets

    check_logging_targets(conf, _node_name(log_config))
    logging.config.dictConfig(conf)


def _reasons(exc: BaseException) -> str:
    """`exc`'s message followed by those of its causes, each once."""
    parts: list[str] = []
    seen: BaseException | None = exc
    while seen is not None and len(parts) < 5:
        text = str(seen).strip() or type(seen).__name__
        if not any(text in part for part in parts):
            parts.append(text)
        seen = seen.__cause__ or seen.__context__
    return ": ".join(parts)


def _apply_verbose(verbose: Any) -> frozenset[str]:
    """Set the loggers `hydra.verbose` names to DEBUG; their names."""
    if isinstance(verbose, bool):
        if verbose:
            logging.getLogger().setLevel(logging.DEBUG)
        return frozenset()
    if isinstance(verbose, str):
        names: Sequence[Any] = [verbose]
    elif isinstance(verbose, (ListConfig, list, tuple)):
        names = list(verbose)
    else:
        raise ConfigContentError(
            f"hydra.verbose must be true, false, a logger name or a list of logger names; "
            f"got {verbose!r} ({type(verbose).__name__})"
        )
    for name in names:
        logging.getLogger(str(name)).setLevel(logging.DEBUG)
    return frozenset(str(name) for name in names)


def _add_fallback_console() -> None:
    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(logging.Formatter(_FALLBACK_FORMAT))
    root = logging.getLogger()
    root.setLevel(logging.INFO)
    root.addHandler(handler)


def _suffix_log_files(conf: dict[str, Any], suffix: str) -> None:
    handlers = conf.get("handlers")
    if not isinstance(handlers, Mapping):
        return
    conf["handlers"] = renamed = dict(handlers)
    for name, spec in handlers.items():
        if isinstance(spec, Mapping) and isinstance(spec.get("filename"), str):
            stem, extension = os.path.splitext(spec["filename"])
            renamed[name] = {**spec, "filename": f"{stem}{suffix}{extension}"}


def configure_logging(
    log_config: DictConfig | Mapping[str, Any] | None,
    verbose: Any = False,
    *,
    log_file_suffix: str = "",
) -> frozenset[str]:
    """Apply a logging node the way Hydra 1.3's `configure_log` does.

    Pair it with `snapshot_logging` / `restore_logging`: existing handlers that the
    config replaces are detached but not closed, so that they can be restored.

    Args:
        log_config: a `logging.config.dictConfig` node (interpolations are resolved
            first). A node whose `root` is null (`none`) leaves logging as it is; None
            adds Hydra's fallback: a stdout handler on the root logger at INFO.
        verbose: `hydra.verbose`: true sets the root logger to DEBUG; a logger name,
            or a list of them, sets those loggers to DEBUG. Applied in every case.
        log_file_suffix: inserted before the extension of every handler's `filename`
            (`train.log` -> `train_rank1.log`: ranks of one launch sharing a run dir).

    Returns:
        The names of the loggers it configured (the node's `loggers:` and `verbose`),
        for `restore_logging`.

    Raises:
        hydria.errors.ConfigContentError: `logging.config.dictConfig` rejected the node
            (a ValueError; the message names the node and the reason), or `verbose` has an
            unusable type.
        hydria.errors.TargetRefusedError: the node names a class or factory (`class`,
            `()`, `ext://`) the target policy refuses; nothing was imported for it.
        hydria.errors.TargetNotFoundError: such a name is not importable.
    """
    named: frozenset[str] = frozenset()
    if log_config is None:
        _add_fallback_console()
    else:
        if isinstance(log_config, DictConfig):
            # = to_container(resolve=True); a sweep's jobs skip the interpolation parser
            conf: Any = resolved_container(log_config)
        else:
            conf = dict(log_config)
        if log_file_suffix:
            _suffix_log_files(conf, log_file_suffix)
        # Hydra tests `conf["root"] is not None`; a node without `root` is applied here.
        if not ("root" in conf and conf["root"] is None):
            _dict_config(conf, log_config)
            named = frozenset(str(name) for name in conf.get("loggers") or {})
    return named | _apply_verbose(verbose)
