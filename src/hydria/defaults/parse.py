"""Reads a config's `defaults:` entries into records, with the file named in every error."""

from __future__ import annotations

from typing import Any

from omegaconf import DictConfig, ListConfig, OmegaConf

from hydria.defaults.model import ConfigDefault, GroupDefault, InputDefault
from hydria.errors import DefaultsListError
from hydria.repository import RawConfig

_KEYWORDS = ("optional", "override")


def where(raw: RawConfig) -> str:
    """How to name a config in a message: its file when it has one."""
    return f"'{raw.path}' ({raw.filename})" if raw.filename else f"'{raw.path}' ({raw.source})"


def split_body(raw: RawConfig) -> tuple[Any, Any]:
    """A config's raw `defaults` entry (or None) and its content without it.

    Plain YAML content is never mutated: a shallow copy drops the key. A structured
    config keeps its `defaults` field, which composition strips after merging.

    Raises:
        DefaultsListError: `defaults` is there but is not a list.
    """
    content = raw.content
    body: Any
    if isinstance(content, dict):
        if "defaults" not in content:
            return None, content
        entries = content["defaults"]
        body = {k: v for k, v in content.items() if k != "defaults"}
    elif isinstance(content, DictConfig) and "defaults" in content:
        node = dict(content.items_ex(resolve=False, keys=["defaults"]))["defaults"]
        entries = (
            OmegaConf.to_container(node, resolve=False) if isinstance(node, ListConfig) else node
        )
        body = content
    else:
        return None, content
    if not isinstance(entries, list):
        kind = "a mapping" if isinstance(entries, (dict, DictConfig)) else type(entries).__name__
        raise DefaultsListError(
            f"In {where(raw)}: 'defaults' must be a list, got {kind}. "
            "Write it as a YAML list:\n  defaults:\n    - db: mysql"
        )
    return entries, body


def _split_package(text: str) -> tuple[str, str | None]:
    # `group@pkg:renamed` is Hydra 1.0's rename form; Hydra 1.1+ ignores the part after ':'.
    name, sep, package = text.partition("@")
    if not sep:
        return name, None
    return name, package.partition(":")[0]


def _group_entry(raw: RawConfig, key: Any, value: Any) -> GroupDefault:
    if not isinstance(key, str):
        raise DefaultsListError(f"In {where(raw)}: defaults entry key {key!r} is not a group name")
    words = key.split(" ")
    group_with_package = words[-1]
    flags = set()
    for word in words[:-1]:
        if not word:
            continue
        if word not in _KEYWORDS:
            # Hydra stops reading keywords at the first unknown word; we refuse it outright.
            raise DefaultsListError(
                f"In {where(raw)}: unknown keyword {word!r} in defaults entry {key!r}; "
                f"expected 'optional' and/or 'override' before the group name"
            )
        flags.add(word)
    group, package = _split_package(group_with_package)
    if not group:
        raise DefaultsListError(f"In {where(raw)}: defaults entry {key!r} has no group name")
    options: str | tuple[str, ...] | None
    if value is None or isinstance(value, str):
        options = value
    elif isinstance(value, list) and all(isinstance(v, str) for v in value):
        options = tuple(value)
    else:
        got = "a list with non-string items" if isinstance(value, list) else type(value).__name__
        raise DefaultsListError(
            f"In {where(raw)}: the option of '{key}' must be a config name, a list of names "
            f"or null; got {got} ({value!r})"
        )
    return GroupDefault(
        group=group,
        value=options,
        package=package,
        optional="optional" in flags,
        override="override" in flags,
    )


def _a(noun: str) -> str:
    return f"an {noun}" if noun[:1] in "aeiou" else f"a {noun}"


def parse_defaults(raw: RawConfig, entries: list[Any]) -> tuple[InputDefault, ...]:
    """The records for a config's `defaults:` list.

    Raises:
        DefaultsListError: an entry is malformed (the message names the file and entry).
    """
    out: list[InputDefault] = []
    for item in entries:
        if isinstance(item, str):
            path, package = _split_package(item)
            if path == "_self_" and package is not None:
                raise DefaultsListError(
                    f"In {where(raw)}: '_self_' cannot take a package ({item!r})"
                )
            out.append(ConfigDefault(path=path, package="" if package == "_here_" else package))
        elif isinstance(item, dict):
            if len(item) != 1:
                problem = "is empty" if not item else f"has {len(item)} keys"
                raise DefaultsListError(
                    f"In {where(raw)}: defaults entry {item!r} {problem}; "
                    "each entry is one 'group: option' pair"
                )
            ((key, value),) = item.items()
            entry = _group_entry(raw, key, value)
            if entry.package == "_here_":
                entry = GroupDefault(
                    group=entry.group,
                    value=entry.value,
                    package="",
                    optional=entry.optional,
                    override=entry.override,
                )
            out.append(entry)
        else:
            raise DefaultsListError(
                f"In {where(raw)}: defaults entry {item!r} is {_a(type(item).__name__)}; "
                "expected a config name or a 'group: option' pair"
            )
    return tuple(out)
