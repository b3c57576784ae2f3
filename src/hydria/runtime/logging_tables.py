"""The `logging` module's private tables, reached from this one place.

hydria undoes what `logging.config.dictConfig` does (`logging_setup`) and does what it
does faster for the common configs (`logging_dict`). dictConfig itself works on these
tables (its `_clearExistingHandlers` clears `_handlers` and `_handlerList` under
`_lock`), and `logging` offers no public way to read or put back what they hold:
`getHandlerNames()` (3.12+) gives the names without the handlers, and nothing lists the
live handlers or takes the module lock. So the private names are used here, each behind
a function, and `tests/internals/test_private_routes.py` checks their shape on the
running Python, so a Python that changes them fails the tests instead of a user's run.
"""

from __future__ import annotations

import logging
import weakref
from collections.abc import Mapping
from typing import Any

__all__ = ["forget_all_handlers", "handler_names", "handler_refs", "level_names", "logging_lock"]


def logging_lock() -> Any:
    """logging's own module lock (an RLock): held while its tables are read or rewritten,
    so another thread cannot add a handler halfway through."""
    return logging._lock  # type: ignore[attr-defined]  # private, absent from typeshed


def handler_refs() -> list[weakref.ReferenceType[logging.Handler]]:
    """Every live handler, in creation order; `logging.shutdown()` flushes these at exit."""
    refs: list[weakref.ReferenceType[logging.Handler]]
    refs = logging._handlerList  # type: ignore[attr-defined]  # private, absent from typeshed
    return refs


def handler_names() -> weakref.WeakValueDictionary[str, logging.Handler]:
    """Named handlers (dictConfig names them); `logging.getHandlerByName` reads this."""
    names: weakref.WeakValueDictionary[str, logging.Handler]
    names = logging._handlers  # type: ignore[attr-defined]  # private, absent from typeshed
    return names


def level_names() -> Mapping[str, int]:
    """Level name → number: public from 3.11 on (`getLevelNamesMapping`), private on 3.10."""
    public = getattr(logging, "getLevelNamesMapping", None)
    if public is not None:
        levels: Mapping[str, int] = public()
        return levels
    return logging._nameToLevel  # pragma: no cover - Python 3.10


def forget_all_handlers() -> None:
    """What dictConfig does first (its `_clearExistingHandlers`): forget every handler's
    name, flush and close every live handler, and drop them all. Call it holding
    `logging_lock()`."""
    handler_names().clear()
    refs = handler_refs()
    logging.shutdown(refs[:])
    del refs[:]
