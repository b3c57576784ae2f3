"""Provenance for people: the config's YAML with each value's origin beside it, and the
history of one key.

The YAML is exactly what `--cfg` prints; it is parsed back with positions to
find the line of every value, and comments are added after the values (on the
first line of a `|` or `>` block, where a comment cannot become content). The
comments of the values of one mapping or list are aligned together.
"""

from __future__ import annotations

from typing import Any

import yaml

from hydria.provenance.model import (
    Action,
    KeyHistory,
    KeyPath,
    OriginKind,
    Provenance,
    format_key,
    key_parts,
)

__all__ = ["annotate_yaml", "render_history"]


class _Layout:
    """Where each value of the printed YAML sits."""

    def __init__(self) -> None:
        self.leaf_lines: dict[KeyPath, int] = {}  # path → line for its comment
        self.last_line: dict[KeyPath, int] = {}  # path → the last line of its text
        self.child_indent: dict[KeyPath, int] = {}  # container path → column of its children

    def walk(self, node: yaml.Node, path: KeyPath) -> int:
        if isinstance(node, yaml.MappingNode) and node.value:
            self.child_indent[path] = node.value[0][0].start_mark.column
            last = node.start_mark.line
            for key_node, value_node in node.value:
                key: Any = key_node.value
                if key_node.tag.endswith(":int"):
                    key = int(key)
                last = self.walk(value_node, (*path, key))
        elif isinstance(node, yaml.SequenceNode) and node.value:
            self.child_indent[path] = node.value[0].start_mark.column
            last = node.start_mark.line
            for index, item in enumerate(node.value):
                last = self.walk(item, (*path, index))
        else:
            end = node.end_mark
            last = end.line if end.column > 0 or end.line == node.start_mark.line else end.line - 1
            block = isinstance(node, yaml.ScalarNode) and node.style in ("|", ">")
            self.leaf_lines[path] = node.start_mark.line if block else last
        self.last_line[path] = last
        return last


def _annotation(history: KeyHistory, resolved: bool) -> str:
    text = history.last.annotation
    written = history.value
    if resolved and isinstance(written, str) and "${" in written:
        text += f" (as {written})"
    return text


def _deleted_under(provenance: Provenance, prefix: KeyPath) -> list[tuple[KeyPath, KeyHistory]]:
    out = []
    for key, history in provenance.items():
        if history.present:
            continue
        parts = key_parts(key)
        if parts[: len(prefix)] != prefix or len(parts) <= len(prefix):
            continue
        parent = format_key(parts[:-1])
        if parent and (parent not in provenance or not provenance[parent].present):
            continue  # only the topmost deleted key is shown
        out.append((parts[len(prefix) :], history))
    return out


def annotate_yaml(
    text: str, provenance: Provenance, *, prefix: KeyPath = (), resolved: bool = False
) -> str:
    """`text` (a config printed by OmegaConf.to_yaml) with origins as end-of-line comments.

    Args:
        text: the YAML, as `--cfg` prints it.
        provenance: the composition's provenance.
        prefix: the full key of the printed node (`("db",)` for `--package db`).
        resolved: the YAML was printed resolved; interpolated values then also show
            the interpolation they were written as.
    """
    lines = text.split("\n")
    root = yaml.compose(text, Loader=yaml.SafeLoader)
    layout = _Layout()
    if root is not None:
        layout.walk(root, ())
    comments: dict[int, tuple[KeyPath, str]] = {}
    for path, line in layout.leaf_lines.items():
        key = format_key((*prefix, *path))
        if key in provenance:
            comments[line] = (path[:-1], _annotation(provenance[key], resolved))
    widths: dict[KeyPath, int] = {}
    for line, (parent, _) in comments.items():
        widths[parent] = max(widths.get(parent, 0), len(lines[line]))
    out = list(lines)
    for line, (parent, comment) in comments.items():
        out[line] = f"{lines[line].ljust(widths[parent])}  # {comment}"
    inserts: dict[int, list[str]] = {}
    for rel, history in _deleted_under(provenance, prefix):
        parent = rel[:-1]
        if parent and parent not in layout.last_line:
            continue
        after = layout.last_line.get(parent, len(lines) - 1) if parent else _last_text_line(lines)
        indent = layout.child_indent.get(parent)
        if indent is None:
            indent = _indent_of(lines[after]) + 2 if parent else 0
        note = f"{' ' * indent}# {rel[-1]}: {history.last.annotation}"
        inserts.setdefault(after, []).append(note)
    result: list[str] = []
    for index, text_line in enumerate(out):
        result.append(text_line)
        result.extend(inserts.get(index, []))
    return "\n".join(result)


def _last_text_line(lines: list[str]) -> int:
    for index in range(len(lines) - 1, -1, -1):
        if lines[index].strip():
            return index
    return 0


def _indent_of(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _value_text(value: Any) -> str:
    if value is None:
        return "null"
    dumped = yaml.safe_dump(value, default_flow_style=True, width=10**9, allow_unicode=True)
    dumped = dumped.strip()
    return dumped[:-4].rstrip() if dumped.endswith("\n...") else dumped


def render_history(
    history: KeyHistory, *, resolved_value: Any = None, resolved: bool = False
) -> str:
    """`--explain KEY`: the key, its value now, then every value it took with its source."""
    lines = []
    if history.present:
        head = f"{history.key}: {_value_text(history.value)}"
        if resolved and resolved_value != history.value:
            head += f"  (resolves to {_value_text(resolved_value)})"
    else:
        head = f"{history.key}: deleted"
    lines.append(head)
    for number, step in enumerate(history.steps, start=1):
        if step.action is Action.DELETE:
            what = f"{step.action.value} {step.where}"
            lines.append(f"  {number}. (deleted)  {what}")
            continue
        where = step.where
        extra = []
        if step.origin.package and step.origin.kind is OriginKind.CONFIG:
            extra.append(f"package {step.origin.package}")
        if step.origin.chosen_by:
            extra.append(f"chosen by override '{step.origin.chosen_by}'")
        suffix = f" ({', '.join(extra)})" if extra else ""
        lines.append(f"  {number}. {_value_text(step.value)}  {step.action.value} {where}{suffix}")
    return "\n".join(lines)
