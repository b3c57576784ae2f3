"""The `.hydra/*.yaml` entry texts of an app, kept in the user's disk cache for its next run.

Emitting `hydra.yaml` from scratch is the largest piece of a no-op run's own work
(~5 ms: PyYAML's emitter is pure Python), yet from one run of an app to the next only
an entry or two changes (`hydra.runtime.output_dir`). `runtime.config_yaml` remembers
each entry's text within a process; this keeps the texts a run used for the next run
of the same app, in the authenticated `DiskCache` the composed configs use (a file
hydria did not write is never unpickled). The key names the versions of hydria,
PyYAML, OmegaConf and Python and the dumper's representers, so a text is only reused
by a dumper that emits it the same way; without a portable description of the
dumper, nothing is kept.

A run that emitted only a few texts (the entries that change every run) does not
write the store again: keeping them would only replace the store's copy of them.
"""

from __future__ import annotations

import os
import pickle
import sys
from collections.abc import Iterator
from contextlib import contextmanager

from hydria.compose.disk_cache import DiskCache, entry_name
from hydria.runtime.config_yaml import TextsInUse, adopt_texts, portable_stamp, texts_in_use
from hydria.version import __version__

__all__ = ["kept_yaml_texts"]

#: a run that emitted fewer texts than this leaves the store as it is
REWRITE_AFTER = 4
_FORMAT = 1


@contextmanager
def kept_yaml_texts(disk_dir: str | None, app: str) -> Iterator[None]:
    """Within the block, the texts the last run of `app` kept are known; after it, the
    texts this run used are kept, if it had to emit enough of them.

    Args:
        disk_dir: the user's disk cache (None: nothing is read or written).
        app: what identifies the app (its file or module, config path and name), so
            two apps do not replace each other's texts.
    """
    stamp = None if disk_dir is None else portable_stamp()
    if disk_dir is None or stamp is None:
        yield
        return
    cache = DiskCache(disk_dir)
    header = repr((_FORMAT, __version__, sys.version_info[:3], _own_code(), stamp, app)).encode()
    header = header.replace(b"\0", b"\\0")
    name = entry_name(header, "yaml-")
    adopt_texts(_read(cache, name, header))
    try:
        yield
    except Exception:  # a failed task: the texts its job wrote are still worth keeping
        _keep(cache, name, header)
        raise
    _keep(cache, name, header)


def _keep(cache: DiskCache, name: str, header: bytes) -> None:
    used = texts_in_use()
    if used.emitted >= REWRITE_AFTER:
        blob = pickle.dumps((used.texts, used.keys), protocol=pickle.HIGHEST_PROTOCOL)
        cache.write(name, header, blob)


def _own_code() -> tuple[tuple[str, int, int], ...]:
    """The modules whose code decides a text (a development edit must not meet texts the
    old code emitted)."""
    from hydria.runtime import config_yaml, plain_content

    stamps = []
    for module in (config_yaml, plain_content):
        path = module.__file__ or ""
        try:
            st = os.stat(path)
        except OSError:
            continue
        stamps.append((os.path.basename(path), st.st_mtime_ns, st.st_size))
    return tuple(stamps)


def _read(cache: DiskCache, name: str, header: bytes) -> TextsInUse:
    blob = cache.read(name, header)
    if blob is not None:
        try:
            texts, keys = pickle.loads(blob)
            return TextsInUse(
                tuple((k, t) for k, t in texts if type(k) is tuple and type(t) is str),
                tuple((k, v) for k, v in keys if type(k) is tuple and type(v) is bool),
                0,
            )
        except Exception:  # noqa: BLE001 - an authenticated blob of another format: a miss
            pass
    return TextsInUse((), (), 0)
