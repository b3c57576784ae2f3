"""ConfigRepository: the search path's sources seen as one tree of groups and configs."""

from __future__ import annotations

import warnings
from collections.abc import Hashable, Sequence

from hydria.repository.search_path import SearchPathEntry
from hydria.repository.sources import (
    ConfigSource,
    ParsedFileCache,
    RawConfig,
    open_source,
)
from hydria.repository.store import ConfigStore


class ConfigRepository:
    """Looks configs up along the search path; the first source that has one wins.

    A repository lives for one composition: it memoises lookups, so the tree is
    assumed not to change while one config is being composed. When `journal` is a
    dict, every question asked (including ones answered from the memo) is recorded
    with its answer, so a memo of a result built from those answers can later check
    that they still hold.
    """

    def __init__(
        self,
        search_path: Sequence[SearchPathEntry],
        *,
        store: ConfigStore,
        cache: ParsedFileCache,
    ) -> None:
        self.search_path = tuple(search_path)
        self._store = store
        self._cache = cache
        self.sources: list[ConfigSource] = [
            open_source(e, store=store, cache=cache) for e in self.search_path
        ]
        self._loaded: dict[str, RawConfig | None] = {}
        self._groups: dict[str, bool] = {}
        self.journal: dict[tuple[str, str], Hashable] | None = None

    def with_search_path(self, search_path: Sequence[SearchPathEntry]) -> ConfigRepository:
        """A repository over another search path sharing this one's store and file cache."""
        repo = ConfigRepository(search_path, store=self._store, cache=self._cache)
        for source in repo.sources:
            if source.entry.provider != "schema" and not source.available():
                warnings.warn(
                    f"Config source {source.entry} is not available", UserWarning, stacklevel=2
                )
        return repo

    def load(self, path: str) -> RawConfig | None:
        """The config at `path` from the first source that has it, or None."""
        if path in self._loaded:
            found = self._loaded[path]
        else:
            found = None
            for source in self.sources:
                if source.is_config(path):
                    found = source.load(path)
                    break
            self._loaded[path] = found
        if self.journal is not None:
            self.journal.setdefault(("load", path), None if found is None else found.identity)
        return found

    def group_exists(self, group: str) -> bool:
        known = self._groups.get(group)
        if known is None:
            known = any(s.is_group(group) for s in self.sources)
            self._groups[group] = known
        if self.journal is not None:
            self.journal.setdefault(("group", group), known)
        return known

    def group_options(self, group: str) -> list[str]:
        """Every option of `group` across all sources, sorted, each once."""
        names: set[str] = set()
        for source in self.sources:
            if source.is_group(group):
                names.update(source.list_options(group))
        options = sorted(names)
        if self.journal is not None:
            self.journal.setdefault(("options", group), tuple(options))
        return options

    def answer(self, question: str, subject: str) -> Hashable:
        """Ask again what the journal recorded (`load`, `group` or `options`), for replaying it."""
        if question == "load":
            found = self.load(subject)
            return None if found is None else found.identity
        if question == "group":
            return self.group_exists(subject)
        return tuple(self.group_options(subject))

    def subgroups(self, group: str) -> list[str]:
        names: set[str] = set()
        for source in self.sources:
            if source.is_group(group):
                names.update(source.list_groups(group))
        return sorted(names)

    def describe_search_path(self, *, with_schema: bool = True) -> str:
        return "\n".join(
            f"    {e}" for e in self.search_path if with_schema or e.provider != "schema"
        )
