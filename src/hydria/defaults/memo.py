"""A memo of resolved defaults lists that re-checks, on every use, the facts each was built from.

Resolving a defaults list asks the repository a few dozen questions (does this
config exist, which content does it have, is this a group). The memo stores the
answers with the result; a later call with the same inputs replays the
questions, which costs a `stat` per file, and reuses the result only if every
answer is unchanged. So an edited, added or deleted file is always seen.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable, Sequence
from dataclasses import replace

from hydria.defaults.group_overrides import is_value_override
from hydria.defaults.model import DefaultsList
from hydria.defaults.resolver import resolve_defaults
from hydria.overrides import Override
from hydria.record_class import record
from hydria.repository import ConfigRepository


@record
class _Entry:
    result: DefaultsList
    journal: tuple[tuple[tuple[str, str], Hashable], ...]


class DefaultsMemo:
    """Resolved defaults lists by (search path, primary config, overrides), validated on use."""

    def __init__(self, size: int = 128) -> None:
        self._entries: OrderedDict[Hashable, _Entry] = OrderedDict()
        self._size = size
        self._lock = threading.Lock()

    def resolve(
        self,
        repo: ConfigRepository,
        config_name: str | None,
        overrides: Sequence[Override],
        *,
        skip_missing: bool = False,
        legacy_1_1: bool = False,
    ) -> DefaultsList:
        """Like `resolve_defaults`, reusing an earlier result whose facts still hold.

        Value overrides (`lr=0.1`) do not shape the defaults list; they are passed
        through. So the key holds only the group overrides, and a hit gets the call's
        own value overrides: every job of a sweep over values shares one entry.
        """
        values = tuple(o for o in overrides if is_value_override(o, repo.group_exists))
        shaping = tuple(o.text for o in overrides if not is_value_override(o, repo.group_exists))
        key = (repo.search_path, config_name, shaping, skip_missing, legacy_1_1)
        with self._lock:
            entry = self._entries.get(key)
        if entry is not None and all(
            repo.answer(question, subject) == answer
            for (question, subject), answer in entry.journal
        ):
            with self._lock:
                self._entries[key] = entry
                self._entries.move_to_end(key)
            return replace(entry.result, config_overrides=values)
        journal: dict[tuple[str, str], Hashable] = {}
        repo.journal = journal
        try:
            result = resolve_defaults(
                repo,
                config_name,
                overrides,
                skip_missing=skip_missing,
                legacy_1_1=legacy_1_1,
            )
        finally:
            repo.journal = None
        with self._lock:
            self._entries[key] = _Entry(result, tuple(journal.items()))
            while len(self._entries) > self._size:
                self._entries.popitem(last=False)
        return result
