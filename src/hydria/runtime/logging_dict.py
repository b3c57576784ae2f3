"""The everyday subset of `logging.config.dictConfig`, applied without importing it.

Importing `logging.config` pulls in `socket`, `socketserver`, `logging.handlers` and
`queue`: about 4 ms, a tenth of what a no-op app costs on top of OmegaConf. Every
logging node Hydra ships, and most users' own, only name formatters by format,
stream and file handlers, levels and handler lists. `apply_simple` applies exactly
those the way `dictConfig` (Python 3.9-3.13) does, step for step, and declines
anything else, so the caller falls back to the real `dictConfig` and its errors.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Mapping
from typing import Any

from hydria.runtime.logging_tables import forget_all_handlers, level_names, logging_lock

__all__ = ["apply_simple"]

_TOP_KEYS = frozenset(
    {"version", "formatters", "handlers", "root", "loggers", "disable_existing_loggers"}
)
_FORMATTER_KEYS = frozenset({"format", "datefmt", "style"})
_LOGGER_KEYS = frozenset({"level", "handlers", "propagate"})
_HANDLER_CLASSES: Mapping[str, tuple[type[logging.Handler], frozenset[str]]] = {
    "logging.StreamHandler": (logging.StreamHandler, frozenset({"stream"})),
    "logging.FileHandler": (
        logging.FileHandler,
        frozenset({"filename", "mode", "encoding", "delay", "errors"}),
    ),
}
_STREAMS = {"ext://sys.stdout": "stdout", "ext://sys.stderr": "stderr"}


def _is_level(level: Any) -> bool:
    if level is None or (isinstance(level, int) and not isinstance(level, bool)):
        return True
    return isinstance(level, str) and level in level_names()


def _simple_formatter(spec: Any) -> bool:
    return (
        isinstance(spec, Mapping)
        and _FORMATTER_KEYS.issuperset(spec)
        and spec.get("style", "%") in ("%", "{", "$")
        and all(isinstance(v, str) or v is None for v in spec.values())
    )


def _simple_handler(spec: Any, formatters: Mapping[str, Any]) -> bool:
    if not isinstance(spec, Mapping) or spec.get("class") not in _HANDLER_CLASSES:
        return False
    _, arguments = _HANDLER_CLASSES[spec["class"]]
    if not arguments.union({"class", "formatter", "level"}).issuperset(spec):
        return False
    if "stream" in spec and spec["stream"] not in _STREAMS:
        return False
    formatter = spec.get("formatter")
    return (formatter is None or formatter in formatters) and _is_level(spec.get("level"))


def _simple_logger(spec: Any, handlers: Mapping[str, Any]) -> bool:
    if spec is None:
        return True
    if not isinstance(spec, Mapping) or not _LOGGER_KEYS.issuperset(spec):
        return False
    names = spec.get("handlers") or []
    return (
        _is_level(spec.get("level"))
        and isinstance(names, list)
        and all(isinstance(n, str) and n in handlers for n in names)
        and isinstance(spec.get("propagate", True), bool)
    )


def _is_simple(conf: Mapping[str, Any]) -> bool:
    formatters = conf.get("formatters") or {}
    handlers = conf.get("handlers") or {}
    loggers = conf.get("loggers") or {}
    return (
        _TOP_KEYS.issuperset(conf)
        and conf.get("version") == 1
        # True disables every logger not named: left to dictConfig, which owns that rule.
        and conf.get("disable_existing_loggers") is False
        and isinstance(formatters, Mapping)
        and isinstance(handlers, Mapping)
        and isinstance(loggers, Mapping)
        and all(_simple_formatter(f) for f in formatters.values())
        and all(_simple_handler(h, formatters) for h in handlers.values())
        # dictConfig rejects a null logger; a null root only means "leave the root alone".
        and all(isinstance(n, str) and s is not None for n, s in loggers.items())
        and all(_simple_logger(s, handlers) for s in loggers.values())
        and _simple_logger(conf.get("root"), handlers)
    )


def _make_handler(spec: Mapping[str, Any], formatters: Mapping[str, logging.Formatter]) -> Any:
    klass, arguments = _HANDLER_CLASSES[spec["class"]]
    kwargs = {k: v for k, v in spec.items() if k in arguments}
    if "stream" in kwargs:
        kwargs["stream"] = getattr(sys, _STREAMS[kwargs["stream"]])
    handler = klass(**kwargs)
    if spec.get("formatter") is not None:
        handler.setFormatter(formatters[spec["formatter"]])
    if spec.get("level") is not None:
        handler.setLevel(spec["level"])
    return handler


def _configure_logger(
    logger: logging.Logger, spec: Mapping[str, Any], handlers: Mapping[str, logging.Handler]
) -> None:
    if spec.get("level") is not None:
        logger.setLevel(spec["level"])
    for handler in logger.handlers[:]:
        logger.removeHandler(handler)
    for name in spec.get("handlers") or []:
        logger.addHandler(handlers[name])


def apply_simple(conf: Mapping[str, Any]) -> bool:
    """Apply `conf` as `logging.config.dictConfig(conf)` would, if it is in the subset.

    Returns:
        True when applied; False when `conf` uses anything outside the subset (then
        nothing was changed, and the caller should hand `conf` to `dictConfig`).
    """
    if not _is_simple(conf):
        return False
    # logging's module lock (an RLock), held by dictConfig for the whole configuration.
    with logging_lock():
        forget_all_handlers()
        formatters = {
            name: logging.Formatter(spec.get("format"), spec.get("datefmt"), spec.get("style", "%"))
            for name, spec in (conf.get("formatters") or {}).items()
        }
        handlers: dict[str, logging.Handler] = {}
        for name in sorted(conf.get("handlers") or {}):
            handler = _make_handler(conf["handlers"][name], formatters)
            handler.name = name  # registers it for logging.getHandlerByName
            handlers[name] = handler
        manager = logging.Logger.manager
        existing = sorted(manager.loggerDict)
        children: list[str] = []
        for name, spec in (conf.get("loggers") or {}).items():
            if name in existing:
                children.extend(e for e in existing if e.startswith(name + "."))
                existing.remove(name)
            logger = logging.getLogger(name)
            _configure_logger(logger, spec, handlers)
            logger.disabled = False
            if spec.get("propagate") is not None:
                logger.propagate = spec["propagate"]
        for name in existing:
            known = manager.loggerDict[name]
            if name in children:
                if isinstance(known, logging.Logger):
                    known.setLevel(logging.NOTSET)
                    known.handlers = []
                    known.propagate = True
            else:
                known.disabled = False  # type: ignore[union-attr]  # as dictConfig: PlaceHolders too
        if conf.get("root"):
            _configure_logger(logging.getLogger(), conf["root"], handlers)
    return True
