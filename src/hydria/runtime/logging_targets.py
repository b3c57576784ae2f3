"""The names a logging node makes `logging.config.dictConfig` import and call, checked by
the target policy before `dictConfig` sees them.

`dictConfig` imports and calls the dotted names it finds in a handler's `class`, a
formatter's `class`, any `()` factory (filters, formatters, handlers, queues), a queue
handler's `queue` and `listener`, and it imports whatever an `ext://` value names. A
logging node is config, so each of these passes the same gate as a `_target_`. The
classes of the standard `logging` package are hydria's own vocabulary here: they are
exempt from the allow-list (not from the refusals: `logging.config.*` stays refused).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from hydria.errors import TargetNotFoundError
from hydria.instantiation.policy import TargetPolicy

__all__ = ["check_logging_targets"]

#: What `ext://` may name without a check: the streams every logging config uses.
_STREAMS = frozenset({"sys.stdout", "sys.stderr"})
_SECTION_KEYS = {"handlers": ("class", "queue", "listener"), "formatters": ("class",)}


def _names(value: Any, key: str, section_keys: tuple[str, ...]) -> Iterator[tuple[str, str]]:
    """(key path, dotted name) of every name `dictConfig` would import under `value`."""
    if isinstance(value, Mapping):
        for child, item in value.items():
            path = f"{key}.{child}"
            named = isinstance(item, str) and (child == "()" or child in section_keys)
            if named and not item.startswith(("ext://", "cfg://")):
                yield path, item
            yield from _names(item, path, ())
    elif isinstance(value, (list, tuple)):
        for index, item in enumerate(value):
            yield from _names(item, f"{key}[{index}]", ())
    elif isinstance(value, str) and value.startswith("ext://"):
        name = value[len("ext://") :].strip()
        if name not in _STREAMS:
            yield key, name


def _named_in(conf: Mapping[str, Any], node: str) -> Iterator[tuple[str, str]]:
    for section, value in conf.items():
        keys = _SECTION_KEYS.get(str(section), ())
        if keys and isinstance(value, Mapping):
            for name, spec in value.items():
                yield from _names(spec, f"{node}.{section}.{name}", keys)
        else:
            yield from _names(value, f"{node}.{section}", ())


def check_logging_targets(conf: Mapping[str, Any], node: str) -> None:
    """Check every name `dictConfig` would import for `conf` through the target policy.

    Args:
        conf: the logging node as plain containers.
        node: where it comes from, for messages (`hydra.job_logging`).

    Raises:
        hydria.errors.TargetRefusedError: the policy refuses a name (nothing imported).
        hydria.errors.TargetNotFoundError: a name is not importable (with did-you-mean).
    """
    policy = TargetPolicy.from_environment().trusting("logging")
    for key, name in _named_in(conf, node):
        try:
            policy.locate(name, key)
        except TargetNotFoundError as exc:
            raise TargetNotFoundError(
                f"{key} names {name!r}, which cannot be imported: {exc}"
            ) from exc.__cause__
