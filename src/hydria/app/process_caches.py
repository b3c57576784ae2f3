"""The caches an app process keeps across compositions: parsed files and built configs.

They are process-wide on purpose: a sweep composes one config per job, and `compose()`
may be called thousands of times; both must not parse or build the same files again.
They are hints (results are the same without them), made on first use, and
`reset_process_caches()` drops them (tests, or a long process that wants memory back).
"""

from __future__ import annotations

from hydria.app.app_setup import disk_cache_dir
from hydria.compose import Memos
from hydria.repository import ParsedFileCache

__all__ = ["app_memos", "compose_api_memos", "parsed_files", "reset_process_caches"]

_parsed_files: ParsedFileCache | None = None
_memos: Memos | None = None
_api_memos: Memos | None = None


def parsed_files() -> ParsedFileCache:
    """The process's parsed-file cache (files are re-read when they change on disk)."""
    global _parsed_files
    if _parsed_files is None:
        _parsed_files = ParsedFileCache()
    return _parsed_files


def app_memos() -> Memos:
    """The process's composition memos, backed by the user's disk cache (unless
    `HYDRIA_NO_CACHE` is set when they are first used)."""
    global _memos
    if _memos is None:
        _memos = Memos.create(disk_dir=disk_cache_dir())
    return _memos


def compose_api_memos() -> Memos:
    """The memos of the `compose()` API: in memory only, as `compose()` runs inside
    the user's own program (a notebook, a test) and writes nothing to disk."""
    global _api_memos
    if _api_memos is None:
        _api_memos = Memos.create()
    return _api_memos


def reset_process_caches() -> None:
    """Forget every parsed file, memoised config, found search path plugin and remembered
    `.hydra` YAML text of this process."""
    global _parsed_files, _memos, _api_memos
    _parsed_files = None
    _memos = None
    _api_memos = None
    # imported here: composing imports it only when plugin packages are installed
    from hydria.repository.plugin_search_path import reset_search_path_plugins

    reset_search_path_plugins()
    from hydria.runtime.config_yaml import forget_yaml_texts

    forget_yaml_texts()
