"""The app's config tree as completion sees it: its repository (groups and options) and
its config composed with the overrides already typed, both made on first use.

Composition goes through the app's own route (`app_search_path`, `app_repository`,
`compose_config` with the `hydra` node) and the app's caches: the process memos backed
by the user's disk cache and what runs keep between them (`kept_between_runs`), so a
warm Tab composes from cache. A line that does not compose is not an error: overrides
that do not parse are left out, then the value overrides, then all of them.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from functools import cached_property

from omegaconf import DictConfig

from hydria.app.app_setup import AppSource, app_repository, app_search_path, primary_source_url
from hydria.app.completion_record import StoreEntry
from hydria.app.process_caches import app_memos, parsed_files
from hydria.completion import config_keys
from hydria.completion.app_source import ConfigSource
from hydria.completion.candidates import Tree
from hydria.completion.config_keys import Shape
from hydria.completion.typed_args import TypedArgs
from hydria.errors import HydriaError
from hydria.overrides import Override
from hydria.repository import ConfigRepository, ConfigStore, SearchPathEntry
from hydria.version import __version__
from hydria.version_base import CURRENT_VERSION

__all__ = ["ConfigTree"]


class ConfigTree:
    """The config tree of one completion request.

    Args:
        script: the app's script, an absolute path.
        source: where the app's configs are (None: only hydria's own configs).
        typed: the arguments already typed (`-cp`, `-cn`, `-cd` and overrides apply).
        cwd: the directory relative paths on the line are relative to.
        stored: what the app's last run recorded of its ConfigStore.
    """

    def __init__(
        self,
        script: str,
        source: ConfigSource | None,
        typed: TypedArgs,
        cwd: str,
        stored: Sequence[StoreEntry] = (),
    ) -> None:
        self._app_source = AppSource(calling_file=script, calling_module=None)
        self._source = source
        self._typed = typed
        self._cwd = cwd
        self._stored = tuple(stored)

    @property
    def config_name(self) -> str | None:
        if self._typed.config_name is not None:
            return self._typed.config_name
        return self._source.config_name if self._source is not None else None

    @property
    def _version_base(self) -> str:
        return self._source.version_base if self._source is not None else CURRENT_VERSION

    @cached_property
    def search_path(self) -> tuple[SearchPathEntry, ...]:
        """The app's search path; a `--config-dir` that does not exist is left out."""
        primary = self._source.primary if self._source is not None else None
        if self._typed.config_path is not None:
            # relative to the script, as `--config-path` is in a run (Hydra's rule)
            primary = primary_source_url(self._app_source, self._typed.config_path)
        extra = [
            d
            for d in (
                os.path.join(self._cwd, os.path.expanduser(d)) for d in self._typed.config_dirs
            )
            if os.path.isdir(d)
        ]
        return app_search_path(primary, extra)

    @cached_property
    def repository(self) -> ConfigRepository:
        """The repository over the search path (the composed one's when the line composes:
        a config may add to the search path); without a usable primary source, hydria's
        own configs alone."""
        composed = self._composed
        if composed is not None:
            return composed[1]
        return self._base_repository

    @cached_property
    def _base_repository(self) -> ConfigRepository:
        # the app is not imported, so its own store is what its last run recorded (not
        # this process's: a test or a host program may have filled that one)
        store = ConfigStore()
        for entry in self._stored:
            try:
                content = {} if entry.content is None else entry.content
                store.store(entry.name, content, group=entry.group, package=entry.package)
            except HydriaError:
                continue
        try:
            return app_repository(self.search_path, store=store, cache=parsed_files())
        except HydriaError:
            entries = [e for e in self.search_path if e.provider != "main"]
            return app_repository(entries, store=store, cache=parsed_files())

    @cached_property
    def config(self) -> DictConfig | None:
        """The config composed with the typed overrides, the `hydra` node included; None
        when it does not compose even without them."""
        composed = self._composed
        return None if composed is None else composed[0]

    def _parsed_overrides(self) -> list[Override]:
        from hydria.overrides import parse_override

        parsed = []
        for text in self._typed.overrides:
            try:
                override = parse_override(text)
            except HydriaError:
                continue
            if not override.is_sweep:  # a sweep composes one job per value: take none
                parsed.append(override)
        return parsed

    @cached_property
    def _composed(self) -> tuple[DictConfig, ConfigRepository] | None:
        from hydria.app.run_state import kept_between_runs
        from hydria.compose import compose_config

        repo = self._base_repository
        overrides = self._parsed_overrides()
        groups_only = [o for o in overrides if _selects_group(repo, o)]
        attempts: list[Sequence[Override]] = [overrides, groups_only, []]
        identity = repr(("completion", self.search_path, self.config_name))
        with kept_between_runs(identity):
            for attempt in attempts:
                try:
                    composition = compose_config(
                        repo,
                        self.config_name,
                        attempt,
                        return_hydra_config=True,
                        job_name=self._app_source.job_name,
                        version=__version__,
                        version_base=self._version_base,
                        skip_missing=True,
                        memos=app_memos(),
                    )
                except Exception:  # noqa: BLE001 - a line that does not compose: try less of it
                    continue
                return composition.config, composition.repository
        return None

    def groups(self, group: str) -> tuple[list[str], list[str]]:
        """The options and the subgroups of `group` ("" for the top)."""
        repo = self.repository
        if group and not repo.group_exists(group):
            return [], []
        return repo.group_options(group), repo.subgroups(group)

    @cached_property
    def shape(self) -> Shape | None:
        """The composed config's shape (`config_keys.shape_of`); None when it does not
        compose."""
        config = self.config
        return None if config is None else config_keys.shape_of(config)

    def keys(self, dotted: str) -> list[str]:
        shape = self.shape
        return [] if shape is None else config_keys.key_candidates(shape, dotted)

    def values(self, key: str) -> list[str]:
        shape = self.shape
        return [] if shape is None else config_keys.value_candidates(shape, key)

    def leaf(self, key: str) -> object:
        shape = self.shape
        return None if shape is None else config_keys.leaf_value(shape, key)

    def all_groups(self) -> dict[str, tuple[list[str], list[str]]]:
        """Every group of the repository ("" for the top) with its options and subgroups."""
        found: dict[str, tuple[list[str], list[str]]] = {}
        pending = [""]
        while pending:
            group = pending.pop()
            found[group] = self.groups(group)
            pending.extend(f"{group}/{sub}" if group else sub for sub in found[group][1])
        return found

    def directories(self) -> list[str] | None:
        """The search path's directories (what the answers are read from); None when a
        source is not a directory hydria can stamp (a package other than hydria's)."""
        roots = []
        for entry in self.repository.search_path:
            if entry.scheme == "file":
                roots.append(entry.location)
            elif entry.scheme == "pkg" and entry.provider != "hydra":
                return None
        return roots

    def primaries(self) -> list[str]:
        """The primary configs: the configs at the top of the search path."""
        return self._base_repository.group_options("")

    def answers(self) -> Tree:
        """This tree as `candidates.word_candidates` asks it."""
        return Tree(
            groups=self.groups,
            keys=self.keys,
            values=self.values,
            leaf=self.leaf,
            primaries=self.primaries,
            cwd=self._cwd,
        )


def _selects_group(repo: ConfigRepository, override: Override) -> bool:
    return bool(override.key) and repo.group_exists(override.key)
