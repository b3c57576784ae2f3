"""The dictConfig subset applied without `logging.config`: same logging state as
`logging.config.dictConfig` on every config it accepts, and a refusal for the rest."""

from __future__ import annotations

import copy
import logging
import logging.config
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from hydria.runtime import restore_logging, snapshot_logging
from hydria.runtime.logging_dict import apply_simple

FORMAT = "[%(asctime)s][%(name)s][%(levelname)s] - %(message)s"


@pytest.fixture(autouse=True)
def _restored_logging() -> Iterator[None]:
    state = snapshot_logging()
    yield
    restore_logging(state)


def _handler_state(handler: logging.Handler) -> tuple[Any, ...]:
    formatter = handler.formatter
    return (
        type(handler).__name__,
        handler.name,
        handler.level,
        getattr(handler, "stream", None) if type(handler) is logging.StreamHandler else None,
        getattr(handler, "baseFilename", None),
        getattr(handler, "mode", None),
        getattr(handler, "encoding", None),
        None if formatter is None else (formatter._fmt, formatter.datefmt, type(formatter._style)),
    )


def _state() -> dict[str, Any]:
    """Everything dictConfig can change, in comparable form."""
    manager = logging.Logger.manager
    loggers: dict[str, Any] = {}
    for name, logger in sorted(manager.loggerDict.items()):
        if isinstance(logger, logging.Logger):
            loggers[name] = (
                logger.level,
                logger.disabled,
                logger.propagate,
                [_handler_state(h) for h in logger.handlers],
            )
    root = logging.getLogger()
    return {
        "root": (root.level, [_handler_state(h) for h in root.handlers]),
        "loggers": loggers,
        "named": sorted(logging._handlers),  # type: ignore[attr-defined]
    }


def _existing_loggers() -> None:
    """Loggers a program might have before configuring: a parent, its children, a
    disabled one, one with a handler."""
    logging.getLogger("lib").setLevel(logging.WARNING)
    child = logging.getLogger("lib.child")
    child.setLevel(logging.ERROR)
    child.propagate = False
    child.addHandler(logging.StreamHandler(sys.stderr))
    logging.getLogger("lib.child.deep")  # its parent "lib.child" exists; PlaceHolders too
    logging.getLogger("other").disabled = True


def _after(apply: Any, conf: dict[str, Any]) -> dict[str, Any]:
    state = snapshot_logging()
    try:
        _existing_loggers()
        apply(copy.deepcopy(conf))
        return _state()
    finally:
        restore_logging(state)


def _job_logging(tmp_path: Path) -> dict[str, Any]:
    return {
        "version": 1,
        "formatters": {"simple": {"format": FORMAT}},
        "handlers": {
            "console": {
                "class": "logging.StreamHandler",
                "formatter": "simple",
                "stream": "ext://sys.stdout",
            },
            "file": {
                "class": "logging.FileHandler",
                "formatter": "simple",
                "filename": str(tmp_path / "job.log"),
            },
        },
        "root": {"level": "INFO", "handlers": ["console", "file"]},
        "disable_existing_loggers": False,
    }


def _variants(tmp_path: Path) -> dict[str, dict[str, Any]]:
    job = _job_logging(tmp_path)
    return {
        "hydra job_logging default": job,
        "hydra_logging default (a loggers section)": {
            "version": 1,
            "formatters": {"simple": {"format": "[%(asctime)s][HYDRA] %(message)s"}},
            "handlers": {
                "console": {
                    "class": "logging.StreamHandler",
                    "formatter": "simple",
                    "stream": "ext://sys.stdout",
                }
            },
            "root": {"level": "INFO", "handlers": ["console"]},
            "loggers": {"logging_example": {"level": "DEBUG"}},
            "disable_existing_loggers": False,
        },
        "a named logger with children, propagate and handlers": {
            **job,
            "loggers": {
                "lib": {"level": 10, "handlers": ["console"], "propagate": False},
                "new": {},
            },
        },
        "handler levels, stderr, file mode and encoding, datefmt and style": {
            "version": 1,
            "formatters": {
                "brief": {"format": "{levelname}: {message}", "style": "{", "datefmt": "%H"},
                "plain": {},
            },
            "handlers": {
                "err": {
                    "class": "logging.StreamHandler",
                    "stream": "ext://sys.stderr",
                    "level": "WARNING",
                    "formatter": "brief",
                },
                "log": {
                    "class": "logging.FileHandler",
                    "filename": str(tmp_path / "a.log"),
                    "mode": "w",
                    "encoding": "utf-8",
                    "delay": True,
                    "formatter": "plain",
                },
                "bare": {"class": "logging.StreamHandler"},
            },
            "root": {"handlers": ["err", "log", "bare"]},
            "disable_existing_loggers": False,
        },
        "no root, the handlers on a logger": {
            **{k: v for k, v in job.items() if k != "root"},
            "loggers": {"app": {"handlers": ["console", "file"]}},
        },
        "nothing but the version": {"version": 1, "disable_existing_loggers": False},
    }


def test_the_subset_leaves_logging_as_dict_config_does(tmp_path: Path) -> None:
    for name, conf in _variants(tmp_path).items():
        expected = _after(logging.config.dictConfig, conf)
        assert _after(apply_simple, conf) == expected, name


def test_the_subset_reports_that_it_applied_the_config(tmp_path: Path) -> None:
    assert apply_simple(_job_logging(tmp_path)) is True
    root = logging.getLogger()
    assert [h.name for h in root.handlers] == ["console", "file"]
    logging.getLogger("app").info("written")
    root.handlers[1].flush()
    assert (tmp_path / "job.log").read_text().endswith("][app][INFO] - written\n")


def test_dict_config_closes_the_handlers_it_replaces_and_so_does_the_subset(
    tmp_path: Path,
) -> None:
    apply_simple(_job_logging(tmp_path))
    old_file = logging.getLogger().handlers[1]
    assert isinstance(old_file, logging.FileHandler)
    apply_simple(_job_logging(tmp_path))
    assert old_file.stream is None  # closed
    assert old_file not in logging.getLogger().handlers


@pytest.mark.parametrize(
    "change",
    [
        {"disable_existing_loggers": True},  # disables unnamed loggers: dictConfig's rule
        {"version": 2},
        {"incremental": True},
        {"filters": {"f": {"name": "x"}}},
        {"formatters": {"simple": {"()": "logging.Formatter"}}},
        {"formatters": {"simple": {"format": FORMAT, "class": "logging.Formatter"}}},
        {"formatters": {"simple": {"format": FORMAT, "style": "?"}}},
        {"handlers": {"h": {"class": "logging.NullHandler"}}},
        {"handlers": {"h": {"class": "logging.StreamHandler", "stream": "ext://io.StringIO"}}},
        {"handlers": {"h": {"class": "logging.StreamHandler", "formatter": "missing"}}},
        {"handlers": {"h": {"class": "logging.StreamHandler", "level": "LOUD"}}},
        {"handlers": {"h": {"class": "logging.StreamHandler", "filters": ["f"]}}},
        {"root": {"level": "INFO", "handlers": ["missing"]}},
        {"root": {"level": "VERBOSE"}},
        {"loggers": {"a": {"level": "INFO", "filters": []}}},
        {"loggers": {"a": {"propagate": "no"}}},
        {"loggers": {"a": None}},
    ],
)
def test_anything_outside_the_subset_is_declined_untouched(
    tmp_path: Path, change: dict[str, Any]
) -> None:
    conf = {**_job_logging(tmp_path), **change}
    if "disable_existing_loggers" not in change:
        conf["disable_existing_loggers"] = False
    before = _state()
    assert apply_simple(conf) is False
    assert _state() == before


def test_a_missing_disable_existing_loggers_is_declined(tmp_path: Path) -> None:
    conf = _job_logging(tmp_path)
    del conf["disable_existing_loggers"]  # dictConfig's default is True
    assert apply_simple(conf) is False
