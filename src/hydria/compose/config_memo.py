"""An LRU memo of built configs, kept pickled: a hit is a fresh, independent copy.

Unpickling a `DictConfig` is several times faster than building it with
`OmegaConf.create` (S3's composed config: ~17 ms against ~150 ms), and the copy
shares nothing with the memo, so callers may mutate what they get.
"""

from __future__ import annotations

import gc
import logging
import os
import pickle
import sys
import threading
import zlib
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager

import omegaconf
from omegaconf import DictConfig

from hydria.compose.disk_cache import DiskCache
from hydria.version import __version__

log = logging.getLogger(__name__)


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic GC while a large config is built: that is ~10^5 new objects, and the
    collections they trigger would rescan all of them again and again (quadratic time)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _unpickle(blob: bytes) -> object:
    with gc_paused():
        return pickle.loads(blob)


_SCHEMA_FILE = os.path.join(os.path.dirname(os.path.dirname(__file__)), "builtin", "schema.py")


def _schema_stamp() -> tuple[int, int]:
    # The typed hydra node is built from this file: an edited schema (an upgrade, or a
    # development checkout) must not meet a node cached from the old one.
    try:
        st = os.stat(_SCHEMA_FILE)
    except OSError:
        return (0, 0)
    return (st.st_mtime_ns, st.st_size)


def _disk_key(key: Hashable) -> bytes:
    versions = (__version__, omegaconf.__version__, sys.version, _schema_stamp())
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
        self._entries: OrderedDict[Hashable, bytes] = OrderedDict()
        self._size = size
        self._lock = threading.Lock()

    def _get(self, key: Hashable) -> bytes | None:
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
        try:
            blob = pickle.dumps(cfg, protocol=pickle.HIGHEST_PROTOCOL)
        except (pickle.PicklingError, AttributeError, TypeError):
            return cfg  # e.g. a structured config whose class is local to a function

        self._remember(key, blob)
        if keep_first:
            self._write_disk(key, blob)
        return cfg

    def _remember(self, key: Hashable, blob: bytes) -> None:
        with self._lock:
            self._entries[key] = blob
            while len(self._entries) > self._size:
                self._entries.popitem(last=False)

    @staticmethod
    def _disk_name(header: bytes) -> str:
        return f"{zlib.crc32(header):08x}{zlib.adler32(header):08x}"  # hashlib: 5 ms to import

    def _read_disk(self, key: Hashable) -> DictConfig | None:
        if self._disk is None:
            return None
        header = _disk_key(key)
        blob = self._disk.read(self._disk_name(header), header)
        if blob is None:
            return None
        try:
            cfg = _unpickle(blob)
        except Exception as exc:  # noqa: BLE001 - an authenticated blob from another version
            log.debug("hydria cache: cannot unpickle a cached config (%r); rebuilding", exc)
            return None
        if not isinstance(cfg, DictConfig):
            return None
        self._remember(key, blob)
        return cfg

    def _write_disk(self, key: Hashable, blob: bytes) -> None:
        if self._disk is not None:
            header = _disk_key(key)
            self._disk.write(self._disk_name(header), header, blob)
