"""What one run of an app leaves in the user's disk cache for its next run: its parsed
config files, its resolved defaults lists and its `.hydra` YAML texts.

A warm start of an app used to parse every YAML file it composes (to stamp them and
read their defaults lists), resolve its defaults lists again and emit `hydra.yaml`
afresh, though the files had not changed since the last run: together a third of a
no-op run's own work. All three are kept per app in the authenticated `DiskCache`
(`compose/disk_cache.py`: a file hydria did not write is never unpickled), written
only when a run had to parse, resolve or emit a fair share of them again, and read
back into the process caches at the next start.

A kept file is trusted under the same rule as one parsed in this process: its inode,
size, mtime and ctime unchanged since it had settled (see `ParsedFileCache`). A kept
defaults list is used only once every question its resolution asked the repository
(which file, with which stamp; which group has which options) gets the same answer
again (see `DefaultsMemo`), as within a process. A `.hydra` text is keyed by the
entry's content, the versions of PyYAML, OmegaConf and Python, the dumper's
representers by name and the code that emits it (see `runtime.config_yaml`); without a
portable description of the dumper, no text is kept.
"""

from __future__ import annotations

import os
import pickle
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from hydria.app.app_setup import disk_cache_dir
from hydria.app.process_caches import app_memos, parsed_files
from hydria.compose.config_memo import code_stamp
from hydria.compose.disk_cache import DiskCache, entry_name
from hydria.defaults import DefaultsMemo
from hydria.record_class import record
from hydria.repository import ParsedFileCache
from hydria.runtime.config_yaml import TextsInUse, adopt_texts, portable_stamp, texts_in_use
from hydria.version import __version__

__all__ = ["kept_between_runs"]

_FORMAT = 3
#: a run that emitted fewer `.hydra` texts than this leaves the kept ones as they are:
#: those are the entries that change every run (`hydra.runtime.output_dir`, ...)
TEXTS_REWRITE_AFTER = 4


@record(kw_only=True)
class _Kept:
    """One entry of the disk cache, read into the process caches when a run starts and
    written back when it ends."""

    name: str
    header: bytes
    #: takes what was kept (None: nothing usable was) and counts from now on
    adopt: Callable[[Any], None]
    #: what to keep now, or None to leave the entry as it is
    in_use: Callable[[], Any]


@contextmanager
def kept_between_runs(identity: str) -> Iterator[None]:
    """Within the block, what the last run of the app kept is in the process caches;
    after it (also when it fails), what this run used is kept, if it had to redo enough.

    Args:
        identity: tells the app from others (`App.identity`), so two apps do not
            replace each other's entries.
    """
    disk_dir = disk_cache_dir()
    if disk_dir is None:
        yield
        return
    cache = DiskCache(disk_dir)
    entries = [_parsed(identity, parsed_files(), app_memos().defaults)]
    texts = _texts(identity)
    if texts is not None:
        entries.append(texts)
    for entry in entries:
        entry.adopt(_read(cache, entry))
    try:
        yield
    except Exception:  # a failed task or config: what it parsed or wrote is still worth it
        _write(cache, entries)
        raise
    _write(cache, entries)


def _header(*parts: object) -> bytes:
    versions = (_FORMAT, __version__, sys.version_info[:3])
    return repr((versions, *parts)).encode().replace(b"\0", b"\\0")


def _read(cache: DiskCache, entry: _Kept) -> Any:
    blob = cache.read(entry.name, entry.header)
    if blob is None:
        return None
    try:
        return pickle.loads(blob)
    except Exception:  # noqa: BLE001 - an authenticated blob of another format: a miss
        return None


def _write(cache: DiskCache, entries: list[_Kept]) -> None:
    for entry in entries:
        data = entry.in_use()
        if data is not None:
            blob = pickle.dumps(data, protocol=pickle.HIGHEST_PROTOCOL)
            cache.write(entry.name, entry.header, blob)


def _pair(data: Any) -> tuple[Any, Any]:
    return data if type(data) is tuple and len(data) == 2 else ({}, [])


def _parsed(identity: str, files: ParsedFileCache, defaults: DefaultsMemo) -> _Kept:
    """The parsed files and resolved defaults lists, under a stamp of the code that
    parses and resolves them (a development edit must not meet the old code's results)."""
    header = _header("parsed-files", code_stamp(), identity)

    def adopt(data: Any) -> None:
        kept_files, kept_lists = _pair(data)
        files.adopt(kept_files if type(kept_files) is dict else {})
        defaults.adopt(kept_lists if type(kept_lists) is list else [])

    def in_use() -> Any:
        used_files, parsed = files.in_use()
        used_lists, resolved = defaults.in_use()
        return (used_files, used_lists) if parsed + resolved and used_files else None

    return _Kept(name=entry_name(header, "files-"), header=header, adopt=adopt, in_use=in_use)


def _texts(identity: str) -> _Kept | None:
    """The `.hydra` YAML texts, or None when the dumper cannot be described portably."""
    stamp = portable_stamp()
    if stamp is None:
        return None
    header = _header("yaml-texts", _text_code(), stamp, identity)

    def adopt(data: Any) -> None:
        texts, keys = _pair(data)
        adopt_texts(
            TextsInUse(
                tuple((k, t) for k, t in texts if type(k) is tuple and type(t) is str),
                tuple((k, v) for k, v in keys if type(k) is tuple and type(v) is bool),
                0,
            )
        )

    def in_use() -> Any:
        used = texts_in_use()
        return (used.texts, used.keys) if used.emitted >= TEXTS_REWRITE_AFTER else None

    return _Kept(name=entry_name(header, "yaml-"), header=header, adopt=adopt, in_use=in_use)


def _text_code() -> tuple[tuple[str, int, int], ...]:
    """Name, mtime and size of the modules whose code decides a text."""
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
