"""Which config (or override) set a key of a composed config, for error messages.

The last writer wins: value overrides are applied after every config is merged, and
configs merge in defaults-list order, so the answer is the last override naming the
key, else the last config (in merge order) whose content holds it.
"""

from __future__ import annotations

import re
from typing import Any

from omegaconf import DictConfig, ListConfig

from hydria.compose.composer import Composition

__all__ = ["value_origin"]

_INDEX = re.compile(r"\[(\d+)\]")


def _parts(key: str) -> list[str | int]:
    parts: list[str | int] = []
    for piece in key.split("."):
        name, *indices = _INDEX.split(piece)
        if name:
            parts.append(name)
        parts += [int(i) for i in indices if i]
    return parts


def _relative(key: str, package: str) -> str | None:
    if not package:
        return key
    if key == package:
        return ""
    if key.startswith((package + ".", package + "[")):
        return key[len(package) :].lstrip(".")
    return None


def _holds(content: Any, parts: list[str | int], top: bool = True) -> bool:
    if not parts:
        return True
    head, rest = parts[0], parts[1:]
    if isinstance(head, int):
        if isinstance(content, (list, ListConfig)) and head < len(content):
            return _holds(content[head], rest, top=False)
        return False
    if top and head == "defaults" and isinstance(content, dict):
        return False  # the defaults list of a file, not a value
    if isinstance(content, DictConfig):
        if head not in content.keys():  # noqa: SIM118 - `in` is False for `???`
            return False
        # unresolved: a `???` or an interpolation is a value here, not an error
        values = dict(content.items_ex(resolve=False, keys=[head]))
        return _holds(values[head], rest, top=False)
    if isinstance(content, dict) and head in content:
        return _holds(content[head], rest, top=False)
    return False


def value_origin(composition: Composition, key: str) -> str | None:
    """`override 'db.port=1'`, `db/mysql (/path/conf/db/mysql.yaml)`, or None if unknown."""
    for override in reversed(composition.defaults.config_overrides):
        if key == override.key or key.startswith((override.key + ".", override.key + "[")):
            return f"override '{override.text}'"
    for default in reversed(composition.defaults.defaults):
        relative = _relative(key, default.package)
        if relative is None:
            continue
        raw = composition.repository.load(default.config_path)
        if raw is None or not _holds(raw.content, _parts(relative) if relative else []):
            continue
        where = raw.filename or f"structured://{default.config_path}"
        return f"{default.config_path} ({where})"
    return None
