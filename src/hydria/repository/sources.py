"""Config sources: a directory, an importable package, or a ConfigStore.

A source answers three questions about a config path (`db/mysql`): is it a
config, is it a group, what does it contain. Files are parsed once and kept
until they change on disk (see `ParsedFileCache`).
"""

from __future__ import annotations

import os
import sys
import threading
import time
import zlib
from collections.abc import Hashable, Mapping
from typing import Any

from hydria.errors import ConfigContentError, ConfigLoadError
from hydria.record_class import record
from hydria.repository.search_path import SearchPathEntry
from hydria.repository.store import ConfigStore

CONFIG_SUFFIXES = (".yaml", ".yml")


@record(kw_only=True)
class RawConfig:
    """A config as its source holds it, before its defaults list is read.

    `content` is shared with the cache and must never be mutated: plain YAML data
    (dict, list, scalar or None) from files, an OmegaConf node from a ConfigStore.
    """

    path: str
    source: SearchPathEntry
    filename: str | None
    package: str | None
    content: Any
    is_structured: bool
    identity: Hashable  # equal identities mean equal content (file stamp, store version)
    validator: type | None = None  # a pydantic model the composed result must fit


@record
class _CachedFile:
    stat_key: tuple[int, int, int, int]  # inode, size, mtime, ctime
    checksum: int  # CRC-32 of the bytes
    is_settled: bool  # unchanged for a while when read: its stat alone vouches for it
    package: str | None
    content: Any


# A file changed this recently may be rewritten again within one tick of the file
# system's clock, keeping inode, size and times: its stat proves nothing (git calls
# this "racily clean"). Such a file is re-read, and its checksum compared, on each use.
_SETTLE_NS = 2_000_000_000


def _decode(data: bytes, filename: str) -> str:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ConfigLoadError(f"Cannot read config file {filename}: {exc}") from None
    if "\r" in text:  # as text mode reads it: universal newlines
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text


class ParsedFileCache:
    """Parsed YAML files by real path, valid while the file's content is unchanged.

    A file is trusted unchanged while its inode, size, mtime and ctime are (ctime
    cannot be set back by `os.utime`); one changed within the last two seconds is
    re-read and its checksum compared on each use. Shared by every composition that
    is handed the same cache: re-composing a tree then costs a `stat` per file
    instead of a parse. Thread-safe.
    """

    def __init__(self) -> None:
        self._files: dict[str, _CachedFile] = {}
        self._lock = threading.Lock()
        #: files used since `adopt` (by real path), and how many were parsed
        self._used: set[str] = set()
        self._parsed = 0

    def load(self, filename: str) -> tuple[str | None, Any, Hashable]:
        """The `@package` header, the parsed content and the stamp of a YAML file.

        The stamp (inode, size, mtime and a checksum of the bytes) changes whenever the
        content does, so it can key what is built from the file.

        Raises:
            ConfigLoadError: the file cannot be read; ConfigSyntaxError for bad YAML.
        """
        try:
            st = os.stat(filename)
        except OSError as exc:
            raise ConfigLoadError(f"Cannot read config file {filename}: {exc.strerror}") from None
        stat_key = (st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns)
        cached = self._files.get(filename)
        if cached is not None and cached.is_settled and cached.stat_key == stat_key:
            self._used.add(filename)
            return cached.package, cached.content, _stamp(cached)
        try:
            with open(filename, "rb") as f:
                data = f.read()
        except OSError as exc:
            raise ConfigLoadError(f"Cannot read config file {filename}: {exc}") from None
        checksum = zlib.crc32(data)
        is_settled = time.time_ns() - max(st.st_mtime_ns, st.st_ctime_ns) > _SETTLE_NS
        if cached is not None and cached.checksum == checksum and cached.stat_key[1] == len(data):
            package, content = cached.package, cached.content  # touched, not changed
        else:
            # the parser loads on the first file read: a warm start reads none
            from hydria.repository.package_header import read_package_header
            from hydria.repository.yaml_load import parse_yaml

            text = _decode(data, filename)
            package = read_package_header(text, filename=filename)
            content = _as_config_content(parse_yaml(text, filename=filename), filename)
        entry = _CachedFile(stat_key, checksum, is_settled, package, content)
        with self._lock:
            self._files[filename] = entry
            self._used.add(filename)
            self._parsed += 1
        return package, content, _stamp(entry)

    def adopt(self, files: Mapping[str, _CachedFile]) -> None:
        """Take files parsed by an earlier process (from `in_use`), and count what is used
        and parsed from now on. Each is trusted under the same rule as a file parsed
        here: while its stat is unchanged and it had settled when read."""
        with self._lock:
            for filename, entry in files.items():
                if type(filename) is str and type(entry) is _CachedFile:
                    self._files.setdefault(filename, entry)
            self._used.clear()
            self._parsed = 0

    def in_use(self) -> tuple[dict[str, _CachedFile], int]:
        """The settled files used since `adopt` (what the next run of the same app needs),
        and how many files had to be parsed."""
        with self._lock:
            files = {name: self._files[name] for name in self._used if name in self._files}
            return {n: e for n, e in files.items() if e.is_settled}, self._parsed


def _stamp(entry: _CachedFile) -> tuple[int, int, int, int]:
    inode, size, mtime, _ = entry.stat_key
    return (inode, size, mtime, entry.checksum)


def _as_config_content(content: Any, filename: str) -> Any:
    """What OmegaConf makes of a file's top-level value: empty is {}, a lone string a key."""
    if content is None:
        return {}
    if isinstance(content, str):
        return {content: None}
    if not isinstance(content, (dict, list)):
        raise ConfigContentError(
            f"{filename}: a config file must hold a mapping (or a list), "
            f"not a single {type(content).__name__} ({content!r})"
        )
    return content


class ConfigSource:
    """Where configs come from; subclasses answer for one scheme."""

    def __init__(self, entry: SearchPathEntry) -> None:
        self.entry = entry

    def available(self) -> bool:
        raise NotImplementedError

    def is_group(self, path: str) -> bool:
        raise NotImplementedError

    def is_config(self, path: str) -> bool:
        raise NotImplementedError

    def load(self, path: str) -> RawConfig | None:
        raise NotImplementedError

    def list_options(self, group: str) -> list[str]:
        """Config names (without suffix) directly in `group`."""
        raise NotImplementedError

    def list_groups(self, group: str) -> list[str]:
        """Sub-group names directly in `group`."""
        raise NotImplementedError


def strip_suffix(name: str) -> str:
    for suffix in CONFIG_SUFFIXES:
        if name.endswith(suffix):
            return name[: -len(suffix)]
    return name


class DirectorySource(ConfigSource):
    """Configs in a directory tree: `group/option.yaml` (or `.yml`)."""

    def __init__(self, entry: SearchPathEntry, root: str | None, cache: ParsedFileCache) -> None:
        super().__init__(entry)
        self.root = root
        self._cache = cache
        self._file_memo: dict[str, str | None] = {}

    def available(self) -> bool:
        return self.root is not None and os.path.isdir(self.root)

    def _file_for(self, path: str) -> str | None:
        memo = self._file_memo
        if path in memo:
            return memo[path]
        found = None
        if self.root is not None:
            base = os.path.join(self.root, path)
            candidates = [base] if path.endswith(CONFIG_SUFFIXES) else []
            candidates += [base + suffix for suffix in CONFIG_SUFFIXES]
            found = next((c for c in candidates if os.path.isfile(c)), None)
        memo[path] = found
        return found

    def is_group(self, path: str) -> bool:
        return self.root is not None and os.path.isdir(os.path.join(self.root, path))

    def is_config(self, path: str) -> bool:
        return self._file_for(path) is not None

    def load(self, path: str) -> RawConfig | None:
        filename = self._file_for(path)
        if filename is None:
            return None
        package, content, stamp = self._cache.load(filename)
        return RawConfig(
            path=path,
            source=self.entry,
            filename=filename,
            package=package,
            content=content,
            is_structured=False,
            identity=(filename, stamp),
        )

    def _entries(self, group: str) -> list[os.DirEntry[str]]:
        if self.root is None:
            return []
        try:
            with os.scandir(os.path.join(self.root, group)) as it:
                return list(it)
        except OSError:
            return []

    def list_options(self, group: str) -> list[str]:
        return sorted(
            {
                strip_suffix(e.name)
                for e in self._entries(group)
                if e.name.endswith(CONFIG_SUFFIXES) and e.is_file()
            }
        )

    def list_groups(self, group: str) -> list[str]:
        return sorted(
            e.name for e in self._entries(group) if e.is_dir() and e.name != "__pycache__"
        )


def package_directory(module: str) -> str | None:
    """The directory of an importable package, or None when it cannot be found.

    `module` may go on with a path inside the package (`my_app/conf`), as Hydra's
    `pkg://` URLs do when an app run with `python -m` names a config folder.
    """
    module, _, inner = module.partition("/")
    if inner:
        # a package may span several folders (a namespace package, an extended
        # `__path__`): the first one holding the path, as importlib.resources finds it
        for base in _package_directories(module) if module else []:
            found = os.path.join(base, inner)
            if os.path.isdir(found):
                return found
        return None
    folders = _package_directories(module)
    return folders[0] if folders else None


def _package_directories(module: str) -> list[str]:
    """The folders of package `module`, found without importing it or its parents.

    `importlib.util.find_spec('a.b')` imports `a`, running its `__init__.py`; a
    `pkg://` source can come from a run's record received from someone else (`hydria
    diff`, explain), so each level is located by asking the import system's finders
    only, as the import itself would (editable installs' finders included). A package
    already imported is taken as it is.
    """
    parts = module.split(".")
    if not all(part.isidentifier() for part in parts):
        return []
    locations: list[str] | None = None
    for depth in range(1, len(parts) + 1):
        name = ".".join(parts[:depth])
        loaded = sys.modules.get(name)
        if loaded is not None:
            found = getattr(loaded, "__path__", None)
        else:
            spec = _find_spec(name, locations)
            found = None if spec is None else spec.submodule_search_locations
        if not found:
            return []
        locations = [str(folder) for folder in found]
    return locations or []


def _find_spec(name: str, path: list[str] | None) -> Any:
    for finder in sys.meta_path:
        find = getattr(finder, "find_spec", None)
        if find is None:
            continue
        try:
            spec = find(name, path)
        except (ImportError, ValueError, OSError):
            continue
        if spec is not None:
            return spec
    return None


class StoreSource(ConfigSource):
    """Configs registered in a ConfigStore."""

    def __init__(self, entry: SearchPathEntry, store: ConfigStore) -> None:
        super().__init__(entry)
        self.store = store

    def available(self) -> bool:
        return True

    @staticmethod
    def _file_name(path: str) -> str:
        return path if path.endswith(CONFIG_SUFFIXES) else f"{path}.yaml"

    def is_group(self, path: str) -> bool:
        return self.store.is_group(path)

    def is_config(self, path: str) -> bool:
        return self.store.is_config(self._file_name(path))

    def load(self, path: str) -> RawConfig | None:
        stored = self.store.peek(self._file_name(path))  # shared: RawConfig is read-only
        if stored is None:
            return None
        entry = self.entry
        if stored.provider is not None:
            entry = SearchPathEntry(stored.provider, entry.url)
        return RawConfig(
            path=path,
            source=entry,
            filename=None,
            package=stored.package,
            content=stored.node,
            is_structured=True,
            identity=("structured", self.store.token, self.store.version, path),
            validator=stored.validator,
        )

    def list_options(self, group: str) -> list[str]:
        return sorted(
            strip_suffix(n) for n in self.store.list(group) if self.store.is_config(f"{group}/{n}")
        )

    def list_groups(self, group: str) -> list[str]:
        return sorted(n for n in self.store.list(group) if self.store.is_group(f"{group}/{n}"))


def open_source(
    entry: SearchPathEntry, *, store: ConfigStore, cache: ParsedFileCache
) -> ConfigSource:
    """The source for a search path entry."""
    if entry.scheme == "structured":
        return StoreSource(entry, store)
    if entry.scheme == "pkg":
        return DirectorySource(entry, package_directory(entry.location), cache)
    return DirectorySource(entry, entry.location, cache)
