"""A `RunDiff` as text for a terminal, or as a JSON document for scripts.

Values are shown in YAML's flow style, so they read like the config files they
came from: `{host: localhost, port: 3306}`, `[1, 2]`, and a string quoted only
when unquoted it would read as something else (`'1'`, `'true'`).
"""

from __future__ import annotations

import json
from typing import Any

import yaml

from hydria.runs.diff import ABSENT, RunDiff, ValueChange

__all__ = ["render_json", "render_text"]


def render_text(diff: RunDiff) -> str:
    """The differences, one per line, under a header naming both sides.

    `~ key: old -> new` for a changed value, `+ key: value` for one only the second
    side has, `- key: value` for one only the first side has; the same marks for the
    task overrides. Sections without differences are left out.
    """
    lines = [f"--- {diff.first_label}", f"+++ {diff.second_label}"]
    if diff.same:
        lines.append("No differences.")
        return "\n".join(lines)
    overrides = [f"  - {o}" for o in diff.overrides_only_first]
    overrides += [f"  + {o}" for o in diff.overrides_only_second]
    _section(lines, "Overrides", overrides)
    _section(lines, "Group choices", [_change_line(c) for c in diff.choices])
    config = [_change_line(c) for c in diff.changed]
    config += [f"  + {c.key}: {_format_value(c.after)}" for c in diff.added]
    config += [f"  - {c.key}: {_format_value(c.before)}" for c in diff.removed]
    _section(lines, "Config", config)
    return "\n".join(lines)


def _section(lines: list[str], title: str, entries: list[str]) -> None:
    if entries:
        lines += [title, *entries]


def _change_line(change: ValueChange) -> str:
    if change.before is ABSENT:
        return f"  + {change.key}: {_format_value(change.after)}"
    if change.after is ABSENT:
        return f"  - {change.key}: {_format_value(change.before)}"
    return f"  ~ {change.key}: {_format_value(change.before)} -> {_format_value(change.after)}"


def _format_value(value: Any) -> str:
    """A value on one line, in YAML flow style; `str(value)` for what YAML cannot write."""
    try:
        text = yaml.safe_dump(
            value, default_flow_style=True, width=2**31 - 1, allow_unicode=True, sort_keys=False
        )
    except yaml.YAMLError:
        return str(value)
    return text.removesuffix("\n...\n").rstrip("\n")


def render_json(diff: RunDiff) -> str:
    """The differences as a JSON document whose shape does not depend on what differs.

    `{"first", "second", "same", "changed": [{"key", "first", "second"}], "added":
    [{"key", "second"}], "removed": [{"key", "first"}], "overrides": {"only_first",
    "only_second"}, "choices": [{"group", "first", "second"}]}`; a group one side does
    not have has the choice `null`. Values JSON cannot hold are written as `str(value)`.
    """
    document = {
        "first": diff.first_label,
        "second": diff.second_label,
        "same": diff.same,
        "changed": [
            {"key": c.key, "first": _json_safe(c.before), "second": _json_safe(c.after)}
            for c in diff.changed
        ],
        "added": [{"key": c.key, "second": _json_safe(c.after)} for c in diff.added],
        "removed": [{"key": c.key, "first": _json_safe(c.before)} for c in diff.removed],
        "overrides": {
            "only_first": list(diff.overrides_only_first),
            "only_second": list(diff.overrides_only_second),
        },
        "choices": [
            {"group": c.key, "first": _json_safe(c.before), "second": _json_safe(c.after)}
            for c in diff.choices
        ],
    }
    return json.dumps(document, indent=2, ensure_ascii=False)


def _json_safe(value: Any) -> Any:
    if value is ABSENT:
        return None
    if isinstance(value, dict):
        return {_json_key(k): _json_safe(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_json_safe(v) for v in value]
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return str(value)


def _json_key(key: Any) -> Any:
    # json writes str, int, float, bool and None keys itself (1 → "1"); anything else fails.
    if key is None or isinstance(key, (str, int, float, bool)):
        return key
    return str(key)
