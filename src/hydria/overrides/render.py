"""Writes overrides and values back as text that parses to the same override; where Hydra's
own spelling (what its sweepers give each job: `True`, `[a,b]`, `a\\ b`) round-trips, it is used.
"""

from __future__ import annotations

import re

from hydria.errors import OverrideError, OverrideValueError
from hydria.overrides.model import (
    ChoiceSweep,
    DictKey,
    FrozenDict,
    Glob,
    IntervalSweep,
    ListExtension,
    Override,
    ParsedValue,
    Quote,
    QuotedString,
    RangeSweep,
    ZipSweep,
    describe_type,
    values_identical,
)
from hydria.overrides.parser import parse_override

_SPECIAL = re.compile(r"[\\()\[\]{}:=, \t]")
_BACKSLASHES_BEFORE = {quote: re.compile(rf"(\\*){quote}") for quote in "'\""}
_NOT_NESTABLE = (ChoiceSweep, RangeSweep, IntervalSweep, Glob, ZipSweep, ListExtension)


def render_override(override: Override) -> str:
    """The canonical text of an override: `parse_override` of it gives the same override.

    Raises:
        OverrideValueError: the override holds a value no override text can produce (for
            example a sweep inside a list, or a dict key that is an empty string).
    """
    head = f"{override.type.value}{override.key_with_package}"
    if not override.has_value:
        return head
    return f"{head}={render_value(override.value)}"


def render_value(value: ParsedValue) -> str:
    """The text of a whole value, as it follows `=` in an override.

    Raises:
        OverrideValueError: no override text gives this value.
    """
    if isinstance(value, str) and not value:
        return ""
    if isinstance(value, ChoiceSweep) and _is_plain_simple_sweep(value):
        return ",".join(_element(item) for item in value.values)
    if isinstance(value, _NOT_NESTABLE):
        return _call(value)
    return _element(value)


def _is_plain_simple_sweep(sweep: ChoiceSweep) -> bool:
    return sweep.simple_form and not sweep.shuffle and not sweep.tags and len(sweep.values) > 1


def quote(text: str, style: Quote) -> str:
    """`text` in quotes, escaped so the lexer ends the value at the closing quote."""
    mark = style.value
    # Inside, a quote needs an odd run of backslashes before it; at the end the run is even.
    body = _BACKSLASHES_BEFORE[mark].sub(lambda run: "\\" * (2 * len(run[1]) + 1) + mark, text)
    trailing = "\\" * (len(text) - len(text.rstrip("\\")))
    return f"{mark}{body}{trailing}{mark}"


def _element(value: ParsedValue) -> str:
    """A value standing on its own: the whole value, or an item of a list, dict or simple sweep."""
    if isinstance(value, QuotedString):
        return quote(value.text, value.quote)
    if isinstance(value, str):
        # A str that unquoted text cannot give (`1`, `true`, `é`) comes from a str() cast.
        return _unquoted(value) or f"str({_quoted(value)})"
    if isinstance(value, tuple):
        return "[" + ",".join(_element(item) for item in value) + "]"
    if isinstance(value, FrozenDict):
        return "{" + ",".join(f"{_key(k)}:{_element(v)}" for k, v in value.items) + "}"
    if isinstance(value, _NOT_NESTABLE):
        kind = describe_type(value)
        raise OverrideValueError(f"{kind} cannot be written inside a list, dict or sweep")
    return _scalar(value)


def _scalar(value: int | float | bool | None) -> str:
    return "null" if value is None else str(value)


def _argument(value: ParsedValue) -> str:
    """A call's argument: there quotes are dropped, so a string may always be quoted."""
    if isinstance(value, QuotedString):
        raise OverrideValueError(f"a function argument cannot stay a quoted string: {value!r}")
    if isinstance(value, str):
        return _unquoted(value) or _quoted(value)
    if isinstance(value, _NOT_NESTABLE):
        return _call(value)
    return _element(value)


def _arguments(values: tuple[ParsedValue, ...]) -> str:
    return ",".join(_argument(value) for value in values)


def _call(
    value: ChoiceSweep | RangeSweep | IntervalSweep | Glob | ZipSweep | ListExtension,
) -> str:
    if isinstance(value, ChoiceSweep):
        return _tagged(_choice(value), value.tags)
    if isinstance(value, RangeSweep):
        core = f"range({_arguments((value.start, value.stop, value.step))})"
        return _tagged(f"shuffle({core})" if value.shuffle else core, value.tags)
    if isinstance(value, IntervalSweep):
        return _tagged(_interval(value), value.tags)
    if isinstance(value, Glob):
        exclude = f",exclude={_patterns(value.exclude)}" if value.exclude else ""
        return f"glob({_patterns(value.include)}{exclude})"
    if isinstance(value, ZipSweep):
        if not value.values:
            raise OverrideValueError("an empty zip() cannot be written")
        return f"zip({_arguments(value.values)})"
    return f"extend_list({_arguments(value.values)})"


def _tagged(core: str, tags: frozenset[str]) -> str:
    if not tags:
        return core
    return f"tag({_arguments(tuple(sorted(tags)))},{core})"


def _choice(sweep: ChoiceSweep) -> str:
    if sweep.simple_form and sweep.shuffle:
        return f"shuffle({_arguments(sweep.values)})"
    if sweep.simple_form:
        return _simple_choice_call(sweep)
    if not sweep.values:
        raise OverrideValueError("an empty choice() cannot be written")
    core = f"choice({_arguments(sweep.values)})"
    return f"shuffle({core})" if sweep.shuffle else core


def _simple_choice_call(sweep: ChoiceSweep) -> str:
    """A simple sweep inside a call: a cast that changes nothing, or a sort that does not."""
    if len(sweep.values) > 1:
        for name in ("str", "int", "float", "bool", "sort"):
            try:
                from hydria.overrides.functions import call_function  # start-up: see parser

                result = call_function(name, sweep.values, {})
            except OverrideError:
                continue
            if isinstance(result, ChoiceSweep) and values_identical(result.values, sweep.values):
                return f"{name}({_arguments(sweep.values)})"
    raise OverrideValueError(f"this simple sweep cannot be written inside a call: {sweep!r}")


def _interval(sweep: IntervalSweep) -> str:
    bounds = (sweep.start, sweep.end)
    if all(type(bound) is float for bound in bounds):
        return f"interval({_arguments(bounds)})"
    if all(type(bound) is int for bound in bounds):
        return f"int(interval({_arguments(bounds)}))"
    raise OverrideValueError(f"interval() bounds must be both floats or both ints: {sweep!r}")


def _patterns(patterns: tuple[str, ...]) -> str:
    if len(patterns) == 1:
        return _argument(patterns[0])
    # glob() takes the text of quoted patterns in its lists too.
    return "[" + ",".join(_unquoted(p) or _quoted(p) for p in patterns) + "]"


def _quoted(text: str) -> str:
    single = "'" not in text or '"' in text
    return quote(text, Quote.SINGLE if single else Quote.DOUBLE)


def _unquoted(text: str) -> str | None:
    """Hydra's escaped form of `text`, if parsing it gives back exactly this string."""
    candidate = _SPECIAL.sub(lambda char: "\\" + char.group(), text)
    parsed = _parsed(f"x={candidate}")
    if not text or parsed is None or type(parsed[0]) is not str or parsed[0] != text:
        return None
    return candidate


def _key(key: DictKey) -> str:
    if not isinstance(key, str):
        return _scalar(key)
    candidate = _SPECIAL.sub(lambda char: "\\" + char.group(), key)
    parsed = _parsed(f"x={{{candidate}:0}}")
    if not (isinstance(parsed, tuple) and isinstance(parsed[0], FrozenDict)):
        raise OverrideValueError(f"the dict key {key!r} cannot be written in an override")
    items = parsed[0].items
    if len(items) != 1 or not values_identical(items[0][0], key):
        raise OverrideValueError(f"the dict key {key!r} cannot be written in an override")
    return candidate


def _parsed(text: str) -> tuple[ParsedValue] | None:
    """The value of `text`, boxed so that None can mean that it does not parse."""
    try:
        value = parse_override(text).value
    except OverrideError:
        return None
    return (value,)
