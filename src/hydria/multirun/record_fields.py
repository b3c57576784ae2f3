"""The fields of a `results.jsonl` line and the type each must have, checked as a line is read.

A sweep directory may come from someone else, so a line is checked whole before it
becomes a `JobRecord`: each field's type, JSON values only (no NaN or Infinity outside
`return_value`), nesting at most `MAX_DEPTH` deep. Keys a record does not know are
ignored, so a newer hydria's records still read.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Collection, Mapping
from typing import Any

from hydria.errors import SweepRecordsError

__all__ = ["MAX_DEPTH", "REQUIRED", "parse_record_line"]

MAX_DEPTH = 100  # lists and objects in a value, one inside another
REQUIRED = ("num", "overrides", "status")


def parse_record_line(line: str, fields: Collection[str]) -> dict[str, Any]:
    """The keyword arguments of a `JobRecord`, from one line of `results.jsonl`.

    A `return_value` JSON cannot carry back out (NaN, Infinity) is kept as hydria keeps
    such a value when it records one: `return_value` None and its `repr` in
    `return_repr`.

    Args:
        line: the line's text.
        fields: the record's field names; other keys are ignored.

    Raises:
        SweepRecordsError: not JSON, not an object, a required field missing, or a
            field of the wrong type; the message names the field and what it holds.
    """
    try:
        data = json.loads(line)
    except RecursionError:
        raise SweepRecordsError(f"nested deeper than {MAX_DEPTH} levels") from None
    except ValueError as exc:  # bad JSON, or an integer past Python's digit limit
        raise SweepRecordsError(f"not JSON ({exc})") from None
    if not isinstance(data, dict):
        raise SweepRecordsError(f"a JSON {type(data).__name__}, not an object")
    missing = [name for name in REQUIRED if name not in data]
    if missing:
        raise SweepRecordsError("no " + ", ".join(f"`{name}`" for name in missing))
    out = {name: value for name, value in data.items() if name in fields}
    # Walking the values is needed only when the text could hold deep nesting or a
    # number JSON cannot write back; most lines hold neither.
    walk = (
        line.count("[") + line.count("{") > MAX_DEPTH
        or "NaN" in line
        or "Infinity" in line
        or _BIG_EXPONENT.search(line) is not None
    )
    for name, value in out.items():
        check = _CHECKS.get(name)
        if check is not None and not check(value):
            raise SweepRecordsError(f"`{name}` must be {_EXPECTED[name]}, not {_shown(value)}")
        if walk and name in _WALKED and not _WALKED[name](value):
            raise SweepRecordsError(f"`{name}` must be {_EXPECTED[name]}, not {_shown(value)}")
    if walk and not _is_plain(out.get("return_value")):
        out["return_repr"] = out.get("return_repr") or repr(out.pop("return_value"))
    out["overrides"] = tuple(out["overrides"])
    return out


def _shown(value: Any) -> str:
    kind = type(value).__name__
    if not _depth_ok(value):
        return f"a {kind} nested deeper than {MAX_DEPTH} levels"
    text = json.dumps(value, allow_nan=True)
    return f"{kind} {text if len(text) <= 60 else text[:57] + '...'}"


def _depth_ok(value: Any) -> bool:
    """Whether `value` nests at most MAX_DEPTH deep (checked without recursion)."""
    level: list[Any] = [value]
    for _ in range(MAX_DEPTH + 1):
        level = [
            child
            for item in level
            if isinstance(item, (list, dict))
            for child in (item.values() if isinstance(item, dict) else item)
        ]
        if not level:
            return True
    return False


def _is_plain(value: Any) -> bool:
    """A JSON value that JSON can write back: finite numbers only."""
    if not _depth_ok(value):
        return False
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, float) and not math.isfinite(item):
            return False
        if isinstance(item, list):
            stack.extend(item)
        elif isinstance(item, dict):
            stack.extend(item.values())
    return True


def _is_count(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def _is_number(value: Any) -> bool:
    if isinstance(value, float):
        return math.isfinite(value)
    return isinstance(value, int) and not isinstance(value, bool)


def _is_text_or_none(value: Any) -> bool:
    return value is None or isinstance(value, str)


# a number that may be too large for a float (`1e999` reads as infinity)
_BIG_EXPONENT = re.compile(r"[0-9][eE]\+?[0-9]{3}")
# each field's type
_CHECKS: Mapping[str, Callable[[Any], bool]] = {
    "num": _is_count,
    "overrides": lambda v: isinstance(v, list) and all(isinstance(o, str) for o in v),
    "status": lambda v: isinstance(v, str) and bool(v),
    "return_repr": _is_text_or_none,
    "duration": _is_number,
    "output_dir": _is_text_or_none,
    "error": _is_text_or_none,
    "traceback": _is_text_or_none,
    "started": _is_number,
    "extra": lambda v: isinstance(v, dict),
}
# what the values inside a field may be, checked when the line calls for it
_WALKED: Mapping[str, Callable[[Any], bool]] = {"return_value": _depth_ok, "extra": _is_plain}
_EXPECTED = {
    "num": "a whole number from 0",
    "overrides": "a list of strings",
    "status": "a non-empty string",
    "return_value": f"a JSON value nested at most {MAX_DEPTH} deep",
    "return_repr": "a string or null",
    "duration": "a finite number",
    "output_dir": "a string or null",
    "error": "a string or null",
    "traceback": "a string or null",
    "started": "a finite number",
    "extra": f"an object of JSON values (finite numbers, nested at most {MAX_DEPTH} deep)",
}
