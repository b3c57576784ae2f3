"""Where an app's last run found its configs, kept per script for shell completion.

Completion never imports the user's app (that can take seconds): it reads the script's
`@main(...)` arguments statically. When they are not literals (`os.path.join(...)`,
a name), it falls back to this record, written by every command-line run of the app:
the primary config source, the config name and the version_base the decorator gave.

The record is a small JSON document kept in the user's disk cache (`DiskCache`: a
private directory, every entry authenticated, odd files never opened), and every field
is checked again when read, so a planted, corrupt or stale record is only a miss.
"""

from __future__ import annotations

import json
import os
from typing import TYPE_CHECKING

from hydria.app.app_setup import disk_cache_dir, primary_source_url
from hydria.compose.disk_cache import DiskCache, entry_name
from hydria.errors import VersionBaseError
from hydria.record_class import record
from hydria.version_base import read_version_base

if TYPE_CHECKING:
    from hydria.app.application import App

__all__ = ["RecordedSource", "read_recorded_source", "record_app_source", "remember_app"]

_FORMAT = 1
#: longer text in a field is not a config name or a path anyone typed
_MAX_FIELD = 4096


@record(kw_only=True)
class RecordedSource:
    """What a run of the app at `script` composed from.

    Attributes:
        script: the real path of the app's script.
        primary: the primary config source (`file:///abs/conf`, `pkg://app.conf`), or None.
        config_name: the decorator's config name, or None.
        version_base: the decorator's version_base, read ("1.1", "1.3").
    """

    script: str
    primary: str | None
    config_name: str | None
    version_base: str


def _header(script: str) -> bytes:
    return f"completion-source-{_FORMAT}\n{script}".encode("utf-8", "surrogateescape")


def _cache() -> DiskCache | None:
    directory = disk_cache_dir()
    return None if directory is None else DiskCache(directory)


def _entry_name(header: bytes) -> str:
    return entry_name(header, "source-")


def _text(value: object, *, optional: bool) -> str | None:
    """`value` when it is a plausible text field; raises ValueError otherwise."""
    if value is None and optional:
        return None
    if not isinstance(value, str) or not value or len(value) > _MAX_FIELD or "\0" in value:
        raise ValueError(value)
    return value


def _decode(script: str, blob: bytes) -> RecordedSource | None:
    try:
        data = json.loads(blob.decode("utf-8"))
        if not isinstance(data, dict) or data.get("format") != _FORMAT:
            return None
        if data.get("script") != script:
            return None
        primary = _text(data.get("primary"), optional=True)
        if primary is not None and not (
            primary.startswith("pkg://")
            or (primary.startswith("file://") and os.path.isabs(primary[len("file://") :]))
        ):
            return None
        config_name = _text(data.get("config_name"), optional=True)
        version_base = _text(data.get("version_base"), optional=False)
        if version_base is None or read_version_base(version_base) != version_base:
            return None
    except (ValueError, UnicodeDecodeError, RecursionError, VersionBaseError):
        return None
    return RecordedSource(
        script=script, primary=primary, config_name=config_name, version_base=version_base
    )


def read_recorded_source(script: str) -> RecordedSource | None:
    """The source the last run of the app at `script` recorded, or None (no record, a
    record that does not authenticate, or one with any field out of shape).

    Args:
        script: the script's path; compared by its real path.
    """
    script = os.path.realpath(script)
    cache = _cache()
    if cache is None:
        return None
    header = _header(script)
    blob = cache.read(_entry_name(header), header)
    return None if blob is None else _decode(script, blob)


def record_app_source(
    script: str, primary: str | None, config_name: str | None, version_base: str
) -> None:
    """Keep where the app at `script` finds its configs, when that changed since the
    last run. Never raises: the record is a hint for completion, never worth a run.

    Args:
        script: the file that defines the app's task.
        primary: the decorator's primary config source (see `primary_source_url`).
        config_name: the decorator's config name.
        version_base: the decorator's version_base, read.
    """
    try:
        cache = _cache()
        if cache is None:
            return
        script = os.path.realpath(script)
        wanted = RecordedSource(
            script=script, primary=primary, config_name=config_name, version_base=version_base
        )
        header = _header(script)
        name = _entry_name(header)
        old = cache.read(name, header)
        if old is not None and _decode(script, old) == wanted:
            return
        blob = json.dumps(
            {
                "format": _FORMAT,
                "script": script,
                "primary": primary,
                "config_name": config_name,
                "version_base": version_base,
            }
        ).encode("utf-8", "surrogateescape")
        cache.write(name, header, blob)
    except Exception:  # noqa: BLE001 - a hint: no failure of it may reach the app's run
        return


def remember_app(app: App) -> None:
    """`record_app_source` for an app run from a script (one run as a module has no
    script a shell completes for). Never raises."""
    try:
        script = app.source.calling_file
        if script is None:
            return
        primary = primary_source_url(app.source, app.config_path)
    except Exception:  # noqa: BLE001 - see record_app_source
        return
    record_app_source(script, primary, app.config_name, app.version_base)
