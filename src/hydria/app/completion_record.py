"""Where an app's last run found its configs, kept per script for shell completion.

Completion never imports the user's app (that can take seconds): it reads the script's
`@main(...)` arguments statically. When they are not literals (`os.path.join(...)`,
a name), it falls back to this record, written by every command-line run of the app:
the primary config source, the config name and the version_base the decorator gave.
The record also keeps what the app registered in its ConfigStore (each config's group,
name, package and content as plain data), which only importing the app would tell:
completion offers those options and keys as the app's last run had them.

The record is a small JSON document kept in the user's disk cache (`DiskCache`: a
private directory, every entry authenticated, odd files never opened), and every field
is checked again when read, so a planted, corrupt or stale record is only a miss. A
line before the document holds a digest of what it records, so that a run finding the
record unchanged (nearly every run) neither decodes it nor loads `json`.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

from hydria.app.app_setup import disk_cache_dir, primary_source_url
from hydria.compose.disk_cache import DiskCache, content_digest, entry_name
from hydria.errors import VersionBaseError
from hydria.record_class import record
from hydria.version_base import read_version_base

if TYPE_CHECKING:
    from hydria.app.application import App

__all__ = [
    "RecordedSource",
    "StoreEntry",
    "read_recorded_source",
    "record_app_source",
    "remember_app",
]

_FORMAT = 3
#: longer text in a field is not a config name or a path anyone typed
_MAX_FIELD = 4096
#: a store bigger than this (as JSON) is recorded by names only
_MAX_STORE_CONTENT = 1024 * 1024
#: nor are more entries than this recorded
_MAX_STORE_ENTRIES = 4096


@record(kw_only=True)
class StoreEntry:
    """One config the app registered in its ConfigStore, as plain data.

    Attributes:
        group: its group (`db`, `hydra/launcher`), or None at the top.
        name: its file name in the store (`mysql.yaml`).
        package: its package, or None.
        content: its content (a dict or list of JSON values), or None when it was not
            recorded (too big, or not plain data): completion then offers its name only.
    """

    group: str | None
    name: str
    package: str | None
    content: dict[str, Any] | list[Any] | None


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
    store: tuple[StoreEntry, ...] = ()

    def store_digest(self) -> str:
        """Names this record's store content (a tree cache built on it is stale when it
        changes)."""
        import hashlib  # here: it loads OpenSSL (~5 ms), which a run never needs
        import json

        text = json.dumps([[e.group, e.name, e.package, e.content] for e in self.store])
        return hashlib.sha256(text.encode("utf-8", "surrogateescape")).hexdigest()[:16]


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


def _digest(source: RecordedSource) -> bytes:
    """What the record's first line holds for `source` (equal records, equal lines)."""
    return content_digest(repr(source).encode("utf-8", "surrogateescape"))


def _decode(script: str, blob: bytes) -> RecordedSource | None:
    import json

    try:
        data = json.loads(blob.partition(b"\n")[2].decode("utf-8"))
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
        store = _decode_store(data.get("store"))
    except (ValueError, UnicodeDecodeError, RecursionError, VersionBaseError):
        return None
    return RecordedSource(
        script=script,
        primary=primary,
        config_name=config_name,
        version_base=version_base,
        store=store,
    )


def _segment_path(value: str | None, *, name: bool) -> str | None:
    """A group (`a/b`) or a file name, as the store writes them; raises ValueError else."""
    if value is None and not name:
        return None
    text = _text(value, optional=False)
    assert text is not None
    parts = text.split("/")
    if (name and len(parts) != 1) or any(p in ("", ".", "..") for p in parts):
        raise ValueError(text)
    if name and not text.endswith((".yaml", ".yml")):
        raise ValueError(text)
    return text


def _decode_store(raw: object) -> tuple[StoreEntry, ...]:
    """The recorded store entries; raises ValueError for anything out of shape."""
    if raw is None:
        return ()
    if not isinstance(raw, list) or len(raw) > _MAX_STORE_ENTRIES:
        raise ValueError("store")
    entries = []
    for item in raw:
        if not isinstance(item, list) or len(item) != 4:
            raise ValueError("store entry")
        group, name, package, content = item
        if content is not None and not isinstance(content, dict | list):
            raise ValueError("store content")
        entries.append(
            StoreEntry(
                group=_segment_path(group, name=False),
                name=_segment_path(name, name=True) or "",
                package=_text(package, optional=True),
                content=content,
            )
        )
    return tuple(entries)


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
    script: str,
    primary: str | None,
    config_name: str | None,
    version_base: str,
    store: tuple[StoreEntry, ...] = (),
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
            script=script,
            primary=primary,
            config_name=config_name,
            version_base=version_base,
            store=store,
        )
        header = _header(script)
        name = _entry_name(header)
        digest = _digest(wanted)
        old = cache.read(name, header)
        if old is not None and old.partition(b"\n")[0] == digest:
            return
        import json  # only to write: an unchanged record is told by its digest

        document = json.dumps(
            {
                "format": _FORMAT,
                "script": script,
                "primary": primary,
                "config_name": config_name,
                "version_base": version_base,
                "store": [[e.group, e.name, e.package, e.content] for e in store],
            }
        ).encode("utf-8", "surrogateescape")
        cache.write(name, header, digest + b"\n" + document)
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
    record_app_source(script, primary, app.config_name, app.version_base, _store_entries())


def _store_entries() -> tuple[StoreEntry, ...]:
    """What the app registered in the default ConfigStore, as plain data (names only past
    `_MAX_STORE_CONTENT`, or for content JSON cannot hold). Never raises."""
    try:
        from hydria.repository.store import ConfigStore

        stored = ConfigStore.instance().entries()[:_MAX_STORE_ENTRIES]
        if not stored:
            return ()
        import json

        from omegaconf import OmegaConf

        entries = []
        size = 0
        for config in stored:
            content: Any = None
            try:
                plain = OmegaConf.to_container(config.node, resolve=False, enum_to_str=True)
                text = json.dumps(plain)
                if size + len(text) <= _MAX_STORE_CONTENT:
                    content, size = json.loads(text), size + len(text)
            except (TypeError, ValueError, RecursionError):
                content = None  # not JSON data (a path, bytes, a float key): its name only
            except Exception:  # noqa: BLE001 - OmegaConf's own errors: its name only
                content = None
            entries.append(
                StoreEntry(
                    group=config.group, name=config.name, package=config.package, content=content
                )
            )
        return tuple(entries)
    except Exception:  # noqa: BLE001 - a hint: see record_app_source
        return ()
