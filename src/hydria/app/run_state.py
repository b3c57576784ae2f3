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
again (see `DefaultsMemo`), as within a process.
"""

from __future__ import annotations

import pickle
import sys
from collections.abc import Iterator
from contextlib import contextmanager

from hydria.app.app_setup import disk_cache_dir
from hydria.app.process_caches import app_memos, parsed_files
from hydria.compose.config_memo import code_stamp
from hydria.compose.disk_cache import DiskCache, entry_name
from hydria.defaults import DefaultsMemo
from hydria.repository import ParsedFileCache
from hydria.runtime.yaml_text_store import kept_yaml_texts
from hydria.version import __version__

__all__ = ["kept_between_runs"]

#: a run that parsed fewer files than this leaves the kept ones as they are
REWRITE_AFTER = 1
_FORMAT = 2


@contextmanager
def kept_between_runs(identity: str) -> Iterator[None]:
    """Within the block, what the last run of the app kept is in the process caches;
    after it, what this run used is kept, if it had to redo enough of it.

    Args:
        identity: tells the app from others (`App.identity`), so two apps do not
            replace each other's entries.
    """
    disk_dir = disk_cache_dir()
    if disk_dir is None:
        yield
        return
    with (
        _kept_files(DiskCache(disk_dir), identity, parsed_files(), app_memos().defaults),
        kept_yaml_texts(disk_dir, identity),
    ):
        yield


@contextmanager
def _kept_files(
    cache: DiskCache, identity: str, files: ParsedFileCache, defaults: DefaultsMemo
) -> Iterator[None]:
    # the code that parses files is part of the stamp: a development edit must not meet
    # content parsed by the old code
    versions = (_FORMAT, __version__, sys.version_info[:3], code_stamp())
    header = repr((versions, "parsed-files", identity))
    header_bytes = header.encode().replace(b"\0", b"\\0")
    name = entry_name(header_bytes, "files-")
    blob = cache.read(name, header_bytes)
    kept_files: object = {}
    kept_lists: object = []
    if blob is not None:
        try:
            kept_files, kept_lists = pickle.loads(blob)
        except Exception:  # noqa: BLE001 - an authenticated blob of another format: a miss
            kept_files, kept_lists = {}, []
    files.adopt(kept_files if isinstance(kept_files, dict) else {})
    defaults.adopt(kept_lists if isinstance(kept_lists, list) else [])
    try:
        yield
    except Exception:  # a failed task or config: what it parsed is still worth keeping
        _keep_files(cache, name, header_bytes, files, defaults)
        raise
    _keep_files(cache, name, header_bytes, files, defaults)


def _keep_files(
    cache: DiskCache, name: str, header: bytes, files: ParsedFileCache, defaults: DefaultsMemo
) -> None:
    used_files, parsed = files.in_use()
    used_lists, resolved = defaults.in_use()
    if parsed + resolved >= REWRITE_AFTER and used_files:
        data = pickle.dumps((used_files, used_lists), protocol=pickle.HIGHEST_PROTOCOL)
        cache.write(name, header, data)
