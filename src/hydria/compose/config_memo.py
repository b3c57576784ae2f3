"""An LRU memo of built configs, kept pickled: a hit is a fresh, independent copy.

Unpickling a `DictConfig` is several times faster than building it with
`OmegaConf.create` (S3's composed config: ~17 ms against ~150 ms), and the copy
shares nothing with the memo, so callers may mutate what they get.

Pickle names classes (a structured config's schema) by module and qualified name.
A schema that cannot be found that way (defined in a function, or in a script run
with `exec`) is pickled by reference into the memo entry instead: such an entry is
as fast to copy, but only this process can read it, so it never goes to disk.
"""

from __future__ import annotations

import functools
import io
import os
import pickle
import sys
import threading
import types
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any

import omegaconf
from omegaconf import DictConfig

from hydria.collector import gc_paused
from hydria.compose.disk_cache import DiskCache, entry_name
from hydria.config_copy import ConfigPickler, dumps_config, loads_config
from hydria.record_class import record
from hydria.version import __version__


def _debug(message: str, *args: object) -> None:
    """A debug line on this module's logger. `logging` is imported when there is one to
    write: a start-up that only prints a config (`--cfg`) would otherwise pay ~2 ms for it."""
    import logging

    logging.getLogger(__name__).debug(message, *args)


@record
class _Blob:
    """A pickled config, and the live objects it refers to by position (see `_pickle`)."""

    data: bytes
    by_reference: tuple[Any, ...] = ()


def _unpickle(blob: _Blob) -> object:
    with gc_paused():
        if not blob.by_reference:
            return loads_config(blob.data)
        unpickler = pickle.Unpickler(io.BytesIO(blob.data))
        unpickler.persistent_load = blob.by_reference.__getitem__  # type: ignore[method-assign]
        return unpickler.load()


def _found_by_name(obj: Any) -> bool:
    """Would pickle find `obj` (a class or function) again from its module and name?"""
    module = sys.modules.get(getattr(obj, "__module__", None) or "")
    found: Any = module
    for part in getattr(obj, "__qualname__", "<?>").split("."):
        if found is None or part.startswith("<"):  # `<locals>`, `<lambda>`
            return False
        found = getattr(found, part, None)
    return found is obj


class _ReferencePickler(ConfigPickler):
    """Pickles classes and functions that cannot be found by name as positions in a list."""

    def __init__(self, file: io.BytesIO) -> None:
        super().__init__(file)
        self.by_reference: list[Any] = []
        self._positions: dict[int, int] = {}

    def persistent_id(self, obj: Any) -> int | None:
        if not isinstance(obj, (type, types.FunctionType)) or _found_by_name(obj):
            return None
        position = self._positions.get(id(obj))
        if position is None:
            position = self._positions[id(obj)] = len(self.by_reference)
            self.by_reference.append(obj)
        return position


_reported: set[str] = set()
_reported_lock = threading.Lock()


def _report_once(names: list[str], why: str) -> None:
    """One debug line per class and process: a memo kept in-process is not worth more."""
    with _reported_lock:
        fresh = [n for n in names if n not in _reported]
        _reported.update(fresh)
    if fresh:
        _debug(
            "hydria cache: %s cannot be pickled by name (%s); configs using it are "
            "memoised in this process only, not in the disk cache",
            ", ".join(fresh),
            why,
        )


def _pickle(cfg: DictConfig) -> _Blob | None:
    """`cfg` pickled, by reference where pickle cannot name a class; None if it cannot be."""
    try:
        return _Blob(dumps_config(cfg))
    except (pickle.PicklingError, AttributeError, TypeError) as exc:
        first_failure = exc
    buffer = io.BytesIO()
    pickler = _ReferencePickler(buffer)
    try:
        pickler.dump(cfg)
    except (pickle.PicklingError, AttributeError, TypeError) as exc:
        _report_once([f"a value of the config ({type(exc).__name__})"], str(exc))
        return None
    names = [f"{getattr(o, '__module__', '?')}.{o.__qualname__}" for o in pickler.by_reference]
    _report_once(names, str(first_failure))
    return _Blob(buffer.getvalue(), tuple(pickler.by_reference))


_PACKAGE = os.path.dirname(os.path.dirname(__file__))
# The code a cached config was built by: the typed hydra node's schema, and the stages that
# read, resolve and merge configs. A development checkout edits them without a new version.
_BUILDING_CODE = ("builtin", "compose", "defaults", "repository", "overrides")


@functools.cache
def code_stamp() -> tuple[tuple[str, int, int], ...]:
    """Name, mtime and size of every module that builds configs: an upgrade, or an edit
    in a development checkout, must not meet a config cached by the old code. Read once
    per process (~60 `stat` calls)."""
    found = []
    for package in _BUILDING_CODE:
        folder = os.path.join(_PACKAGE, package)
        try:
            names = sorted(n for n in os.listdir(folder) if n.endswith(".py"))
        except OSError:
            continue
        for name in names:
            try:
                st = os.stat(os.path.join(folder, name))
            except OSError:
                continue
            found.append((f"{package}/{name}", st.st_mtime_ns, st.st_size))
    return tuple(found)


def _disk_key(key: Hashable) -> bytes:
    versions = (__version__, omegaconf.__version__, sys.version, code_stamp())
    return repr((versions, key)).encode().replace(b"\0", b"\\0")


class ConfigMemo:
    """Configs by a key that fully determines them (identities of the inputs).

    With `disk_dir`, the configs stored with `keep_first` (the `hydra` node, the same in
    every run of an app) are also kept on disk, so a new process skips building them:
    that is most of an app's start-up after imports. Keys name files by their stamps
    and content checksums and include the versions of hydria, OmegaConf and Python, so
    a stale file is never read. The disk side is a hint (see `DiskCache`): an entry that
    does not authenticate, or does not unpickle, is rebuilt; a disk that cannot be
    written is simply not used.
    """

    def __init__(self, size: int = 32, *, disk_dir: str | None = None) -> None:
        self._disk = None if disk_dir is None else DiskCache(disk_dir)
        self._entries: OrderedDict[Hashable, _Blob] = OrderedDict()
        self._size = size
        self._lock = threading.Lock()

    def _get(self, key: Hashable) -> _Blob | None:
        with self._lock:
            blob = self._entries.get(key)
            if blob is not None:
                self._entries.move_to_end(key)
            return blob

    def get_or_build(
        self, key: Hashable, build: Callable[[], DictConfig], *, keep_first: bool = False
    ) -> DictConfig:
        """A fresh copy of the config for `key`, building and storing it on a miss.

        Args:
            key: determines the config completely.
            build: makes it on a miss.
            keep_first: also keep it on disk (small configs that every run of an app
                needs, like the `hydra` node).
        """
        blob = self._get(key)
        if blob is not None:
            cfg = _unpickle(blob)
            assert isinstance(cfg, DictConfig)
            return cfg
        if keep_first:
            cached = self._read_disk(key)
            if cached is not None:
                return cached
        cfg = build()
        blob = _pickle(cfg)
        if blob is None:
            return cfg  # something in it cannot be copied this way (reported once)
        self._remember(key, blob)
        if keep_first and not blob.by_reference:  # another process cannot resolve those
            self._write_disk(key, blob.data)
        return cfg

    def _remember(self, key: Hashable, blob: _Blob) -> None:
        with self._lock:
            self._entries[key] = blob
            while len(self._entries) > self._size:
                self._entries.popitem(last=False)

    @staticmethod
    def _disk_name(header: bytes) -> str:
        return entry_name(header)

    def _read_disk(self, key: Hashable) -> DictConfig | None:
        if self._disk is None:
            return None
        header = _disk_key(key)
        blob = self._disk.read(self._disk_name(header), header)
        if blob is None:
            return None
        try:
            cfg = _unpickle(_Blob(blob))
        except Exception as exc:  # noqa: BLE001 - an authenticated blob from another version
            _debug("hydria cache: cannot unpickle a cached config (%r); rebuilding", exc)
            return None
        if not isinstance(cfg, DictConfig):
            return None
        self._remember(key, _Blob(blob))
        return cfg

    def _write_disk(self, key: Hashable, blob: bytes) -> None:
        if self._disk is not None:
            header = _disk_key(key)
            self._disk.write(self._disk_name(header), header, blob)
