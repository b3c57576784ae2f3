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

from hydria.defaults.model import DefaultsList
from hydria.defaults.override_kind import is_value_override
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
        #: keys used since `adopt`, and how many lists had to be resolved
        self._used: set[Hashable] = set()
        self._resolved = 0

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
                self._used.add(key)
            return replace(entry.result, config_overrides=values)
        # the resolver is loaded on a miss only: a warm start replays a kept journal
        from hydria.defaults.resolver import resolve_defaults

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
            self._used.add(key)
            self._resolved += 1
            while len(self._entries) > self._size:
                self._entries.popitem(last=False)
        return result

    def in_use(self) -> tuple[list[tuple[Hashable, _Entry]], int]:
        """The entries used since `adopt` whose journal names files only (another
        process can replay those; a ConfigStore node's identity holds a token of this
        process), and how many lists had to be resolved."""
        with self._lock:
            used = [(k, self._entries[k]) for k in self._used if k in self._entries]
            return [(k, e) for k, e in used if _replayable(e)], self._resolved

    def adopt(self, entries: Sequence[tuple[Hashable, object]]) -> None:
        """Take entries an earlier process kept (from `in_use`): each is replayed against
        the repository before it is used, as any entry is. Count from now on."""
        with self._lock:
            for key, entry in entries:
                if type(entry) is _Entry and key not in self._entries:
                    self._entries[key] = entry
            while len(self._entries) > self._size:
                self._entries.popitem(last=False)
            self._used.clear()
            self._resolved = 0


def _replayable(entry: _Entry) -> bool:
    for (question, _), answer in entry.journal:
        is_file = type(answer) is tuple and len(answer) == 2 and type(answer[0]) is str
        if question == "load" and answer is not None and not is_file:
            return False
    return True
