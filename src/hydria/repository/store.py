"""ConfigStore: configs registered from Python (dataclasses, attrs classes, dicts).

A store is an ordinary object. `ConfigStore.instance()` returns the process's
default store, kept for code migrating from Hydra; tests make their own.
"""

from __future__ import annotations

import copy
import os
import threading
from typing import Any, ClassVar

from omegaconf import DictConfig, ListConfig, OmegaConf

from hydria.errors import ConfigContentError
from hydria.record_class import record


@record(kw_only=True)
class StoredConfig:
    """One registered config: its node, and where it goes."""

    name: str
    group: str | None
    node: DictConfig | ListConfig
    package: str | None
    provider: str | None
    validator: type | None = None  # a pydantic model that validates the composed result


def _config_file_name(name: str) -> str:
    return name if name.endswith((".yaml", ".yml")) else f"{name}.yaml"


class ConfigStore:
    """A tree of config groups holding structured configs, addressed like files."""

    _default: ClassVar[ConfigStore | None] = None
    _default_lock: ClassVar[threading.Lock] = threading.Lock()

    def __init__(self) -> None:
        self._root: dict[str, Any] = {}
        self._version = 0
        self.token = os.urandom(16).hex()  # names this store in memo keys, unlike id() never reused

    @classmethod
    def instance(cls) -> ConfigStore:
        """The process-wide default store that `hydria.compose` and `@hydria.main` read."""
        with cls._default_lock:
            if cls._default is None:
                cls._default = cls()
            return cls._default

    @classmethod
    def reset_instance(cls) -> None:
        """Forget the default store (tests use this to start clean)."""
        with cls._default_lock:
            cls._default = None

    @property
    def version(self) -> int:
        """Bumped by every `store`; lets caches built on the store notice changes."""
        return self._version

    def contents(self) -> dict[str, Any]:
        """A deep copy of everything stored, for `restore_contents` (the test fixture that
        undoes what a test stored: `hydria.testing.hydra_pytest_plugin`)."""
        return copy.deepcopy(self._root)

    def restore_contents(self, contents: dict[str, Any]) -> None:
        """Hold `contents` (from `contents()`) again; a change like any `store`, so caches
        built on the store notice it."""
        self._root = copy.deepcopy(contents)
        self._version += 1

    def store(
        self,
        name: str,
        node: Any,
        group: str | None = None,
        package: str | None = None,
        provider: str | None = None,
    ) -> None:
        """Register `node` as config `name` in `group` (`a/b` for nested groups).

        `node` may be a dataclass or attrs class or instance (a typed schema, as in
        Hydra), a dict or list, or a pydantic model class or instance: its defaults
        (`???` for required fields) are the config, and every composition that uses it
        is validated by the model (see `hydria.validation`).

        Raises:
            ConfigContentError: `node` cannot be turned into a config.
        """
        from hydria.repository.pydantic_schema import is_pydantic_model, model_defaults

        validator = None
        if is_pydantic_model(node):
            validator = node if isinstance(node, type) else type(node)
            node = model_defaults(node)
        try:
            cfg = OmegaConf.structured(node)
        except Exception as exc:  # OmegaConf raises several unrelated types here
            where = f"{group}/{name}" if group else name
            raise ConfigContentError(
                f"ConfigStore: cannot store {where!r}: {type(exc).__name__}: {exc}"
            ) from exc
        folder = self._root
        for part in group.split("/") if group else []:
            nxt = folder.setdefault(part, {})
            if not isinstance(nxt, dict):
                raise ConfigContentError(
                    f"ConfigStore: {part!r} in group {group!r} is already a config, not a group"
                )
            folder = nxt
        file_name = _config_file_name(name)
        folder[file_name] = StoredConfig(
            name=file_name,
            group=group,
            node=cfg,
            package=package,
            provider=provider,
            validator=validator,
        )
        self._version += 1

    def _find(self, path: str) -> Any:
        node: Any = self._root
        for part in path.split("/"):
            if not part:
                continue
            if not isinstance(node, dict) or part not in node:
                return None
            node = node[part]
        return node

    def is_group(self, path: str) -> bool:
        return isinstance(self._find(path), dict)

    def is_config(self, path: str) -> bool:
        return isinstance(self._find(path), StoredConfig)

    def peek(self, path: str) -> StoredConfig | None:
        """The stored config at `path` itself, its node shared with the store, or None.

        Composition reads a structured config on every call (its identity, its defaults
        list) but merges it only when the composed config is not memoised: copying the
        node up front made every warm composition pay for a deep copy of each structured
        config it uses. Readers must not mutate the node; whatever merges it copies it.
        """
        found = self._find(path)
        return found if isinstance(found, StoredConfig) else None

    def load(self, path: str) -> StoredConfig | None:
        """A copy of the stored config at `path` (`group/name.yaml`), or None."""
        found = self.peek(path)
        if found is None:
            return None
        return StoredConfig(
            name=found.name,
            group=found.group,
            node=copy.deepcopy(found.node),
            package=found.package,
            provider=found.provider,
            validator=found.validator,
        )

    def entries(self) -> list[StoredConfig]:
        """Every stored config, its node shared with the store (read only), in the order
        of their paths."""
        found: list[StoredConfig] = []
        stack: list[dict[str, Any]] = [self._root]
        while stack:
            folder = stack.pop()
            for name in sorted(folder, reverse=True):
                item = folder[name]
                if isinstance(item, dict):
                    stack.append(item)
                elif isinstance(item, StoredConfig):
                    found.append(item)
        return sorted(found, key=lambda c: (c.group or "", c.name))

    def list(self, path: str) -> list[str]:
        """Names directly under the group `path`: sub-groups and `name.yaml` configs."""
        found = self._find(path)
        return sorted(found) if isinstance(found, dict) else []
