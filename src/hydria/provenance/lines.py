"""The line of every key and list item of a YAML config file.

Composition parses files without positions (that is most of its speed); when a
value's origin is asked for, the file is composed again by PyYAML into nodes,
which carry their marks.
"""

from __future__ import annotations

from typing import Any

import yaml

from hydria.provenance.model import KeyPath

__all__ = ["key_lines"]

try:
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - libyaml missing
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]


def _key(node: yaml.Node) -> Any:
    value = node.value if isinstance(node, yaml.ScalarNode) else None
    if isinstance(value, str) and value.isdigit() and node.tag.endswith(":int"):
        return int(value)
    return value


def _walk(node: yaml.Node, path: KeyPath, out: dict[KeyPath, int]) -> None:
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            key = _key(key_node)
            if key is None or key == "<<":
                continue
            child = (*path, key)
            out.setdefault(child, key_node.start_mark.line + 1)
            _walk(value_node, child, out)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            child = (*path, index)
            out.setdefault(child, item.start_mark.line + 1)
            _walk(item, child, out)


def key_lines(filename: str) -> dict[KeyPath, int]:
    """{('db', 'port'): 7, ('tags', 0): 9, ...} for a file; empty when it cannot be read.

    Paths are relative to the file's content (its `@package` is not applied).
    """
    try:
        with open(filename, encoding="utf-8") as f:
            root = yaml.compose(f, Loader=_Loader)
    except (OSError, yaml.YAMLError, UnicodeDecodeError):
        return {}
    out: dict[KeyPath, int] = {}
    if root is not None:
        _walk(root, (), out)
    return out
