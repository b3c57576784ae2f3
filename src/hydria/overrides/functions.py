"""The functions an override value may call: casts, sweeps, sweep modifiers and `extend_list`,
with Hydra 1.3's argument rules and results (`json_str`, `extend_list`: Hydra's next release;
`zip`: hydria's own, the paired sweep Hydra lacks).

It runs to ~430 lines on purpose: one small function per function of the grammar, each
with Hydra's argument rules, in one table (`FUNCTIONS`); split, the table would be read
across files.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from functools import partial

from hydria.errors import OverrideValueError
from hydria.overrides.model import (
    TYPE_NAMES,
    ChoiceSweep,
    FrozenDict,
    Glob,
    IntervalSweep,
    ListExtension,
    ParsedValue,
    QuotedString,
    RangeSweep,
    ZipSweep,
    describe_type,
)
from hydria.overrides.sweep_expansion import sorted_range
from hydria.record_class import record

_NoneType = type(None)
_NAMES_OMITTED = (QuotedString,)  # arguments are unquoted before their types are checked
_SWEEPS = (ChoiceSweep, RangeSweep, IntervalSweep)
_NOT_ELEMENTS = (ChoiceSweep, RangeSweep, IntervalSweep, Glob, ZipSweep, ListExtension)
_CASTABLE = (str, int, float, bool, tuple, FrozenDict, QuotedString, _NoneType, *_SWEEPS)
_SORTABLE = (str, int, float, bool, tuple, FrozenDict, ChoiceSweep, RangeSweep)
_CHOOSABLE = (str, int, float, bool, tuple, FrozenDict, ChoiceSweep)
_NUMBER = (int, float)
Scalar = str | int | float | bool | None
Args = tuple[ParsedValue, ...]
Kwargs = dict[str, ParsedValue]


@record
class _Param:
    """One parameter. `types` None accepts anything; `exact` refuses subclasses (bool for int)."""

    name: str
    types: tuple[type, ...] | None
    required: bool = False
    exact: bool = False


@record
class _Function:
    """A grammar function: positional-or-keyword params, or `*args` plus keyword-only params."""

    call: Callable[[Args, Kwargs], ParsedValue]
    positional: tuple[_Param, ...] = ()
    var_positional: _Param | None = None
    keyword_only: tuple[_Param, ...] = ()


def call_function(
    name: str, args: Sequence[ParsedValue], kwargs: Mapping[str, ParsedValue]
) -> ParsedValue:
    """Evaluate one function call from an override.

    Args:
        name: the function name as written.
        args: the evaluated positional arguments.
        kwargs: the evaluated keyword arguments, in the order written.

    Returns:
        The call's result.

    Raises:
        OverrideValueError: the function is unknown, the arguments do not fit it, or it fails.
    """
    function = FUNCTIONS.get(name)
    if function is None:
        available = ", ".join(sorted(FUNCTIONS))
        raise OverrideValueError(f"unknown function '{name}' (available: {available})")
    # Like Hydra, quotes only matter inside containers: `choice('a')` chooses the string a.
    plain_args = tuple(_unquote(value) for value in args)
    plain_kwargs = {key: _unquote(value) for key, value in kwargs.items()}
    rest, named = _bind(name, function, plain_args, plain_kwargs)
    try:
        return function.call(rest, named)
    except OverrideValueError:
        raise
    except (ValueError, TypeError, ArithmeticError) as error:
        raise OverrideValueError(str(error)) from error


def _unquote(value: ParsedValue) -> ParsedValue:
    return value.text if isinstance(value, QuotedString) else value


def _bind(name: str, function: _Function, args: Args, kwargs: Kwargs) -> tuple[Args, Kwargs]:
    """Match arguments to parameters the way Python does, then check their types as Hydra does."""
    named: Kwargs = {}
    rest: Args = ()
    if function.var_positional is not None:
        rest = args
    elif len(args) > len(function.positional):
        most = len(function.positional)
        raise OverrideValueError(f"takes at most {most} positional arguments, got {len(args)}")
    else:
        named.update(zip((param.name for param in function.positional), args, strict=False))
    params = {param.name: param for param in function.positional + function.keyword_only}
    for key, value in kwargs.items():
        if key not in params:
            raise OverrideValueError(f"there is no parameter '{key}'")
        if key in named:
            raise OverrideValueError(f"'{key}' is given twice")
        named[key] = value
    for param in function.positional:
        if param.required and param.name not in named:
            raise OverrideValueError(f"the '{param.name}' argument is missing")
    if function.var_positional is not None:
        for index, value in enumerate(rest):
            hydra_name = f"{function.var_positional.name}[{index}]"
            _check_type(f"argument {index + 1}", hydra_name, function.var_positional, value)
    for key, value in named.items():
        _check_type(f"'{key}'", key, params[key], value)
    return rest, named


def _check_type(label: str, hydra_name: str, param: _Param, value: ParsedValue) -> None:
    if param.types is None:
        return
    fits = type(value) in param.types if param.exact else isinstance(value, param.types)
    if not fits:
        wanted = _describe_types(param.types)
        # Hydra's phrase first (users' tests match on it), then which types would do
        error = OverrideValueError(
            f"mismatch type argument {hydra_name}: {label} must be {wanted}, "
            f"not {describe_type(value)}"
        )
        error.kind = "TypeError"
        raise error


def _describe_types(types: tuple[type, ...]) -> str:
    names = [TYPE_NAMES[kind] for kind in types if kind not in _NAMES_OMITTED]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " or " + names[-1]


def _cast_input(name: str, args: Args, kwargs: Kwargs) -> ParsedValue:
    """The value a cast applies to; several positional values make a simple choice sweep."""
    value = kwargs.get("value")
    if value is not None and args:
        raise OverrideValueError("takes either positional values or value=, not both")
    if value is not None:
        return value
    if not args:
        raise OverrideValueError("needs a value to cast")
    return args[0] if len(args) == 1 else _simple_choice(name, args)


def _simple_choice(name: str, values: Args) -> ChoiceSweep:
    _reject_sweeps(f"{name}() with several values", values)
    return ChoiceSweep(values=values, simple_form=True)


def _cast(name: str, args: Args, kwargs: Kwargs) -> ParsedValue:
    return _apply_cast(name, _cast_input(name, args, kwargs))


def _apply_cast(name: str, value: ParsedValue) -> ParsedValue:
    """Casts reach into containers and sweeps; a cast sweep loses shuffle and tags, as in Hydra."""
    if isinstance(value, tuple):
        return tuple(_apply_cast(name, item) for item in value)
    if isinstance(value, FrozenDict):
        return FrozenDict(tuple((key, _apply_cast(name, item)) for key, item in value.items))
    if isinstance(value, ChoiceSweep):
        values = tuple(_apply_cast(name, item) for item in value.values)
        return ChoiceSweep(values=values, simple_form=value.simple_form)
    if isinstance(value, (RangeSweep, IntervalSweep)) and name not in ("int", "float"):
        raise OverrideValueError(f"{describe_type(value)} can only be cast to int or float")
    if isinstance(value, RangeSweep):
        start, stop, step = (_cast_number(name, n) for n in (value.start, value.stop, value.step))
        return RangeSweep(start=start, stop=stop, step=step)
    if isinstance(value, IntervalSweep):
        start, end = _cast_number(name, value.start), _cast_number(name, value.end)
        return IntervalSweep(start=start, end=end, tags=value.tags)
    if isinstance(value, (Glob, ZipSweep, ListExtension)):
        raise OverrideValueError(f"{describe_type(value)} cannot be cast to {name}")
    return _cast_scalar(name, value.text if isinstance(value, QuotedString) else value)


def _cast_number(name: str, value: float) -> int | float:
    return int(value) if name == "int" else float(value)


def _cast_scalar(name: str, value: Scalar) -> ParsedValue:
    if name == "bool":
        if not isinstance(value, str):
            return bool(value)  # as in Hydra, so bool(null) is false
        if value.lower() not in ("true", "false"):
            raise OverrideValueError(f"cannot cast '{value}' to bool (only true or false)")
        return value.lower() == "true"
    if value is None:
        raise OverrideValueError(f"null cannot be cast to {name}")
    if name == "int":
        return int(value)
    if name == "float":
        return float(value)
    return ("true" if value else "false") if isinstance(value, bool) else str(value)


def _json_str(args: Args, kwargs: Kwargs) -> ParsedValue:
    value = _cast_input("json_str", args, kwargs)
    if isinstance(value, ChoiceSweep):
        items = tuple(json.dumps(_jsonable(item)) for item in value.values)
        return ChoiceSweep(values=items, simple_form=value.simple_form)
    if isinstance(value, RangeSweep):
        raise OverrideValueError("range() can only be cast to int or float")
    if isinstance(value, IntervalSweep):
        raise OverrideValueError("interval() cannot be cast to json_str")
    return json.dumps(_jsonable(value))


def _jsonable(value: ParsedValue) -> object:
    if isinstance(value, QuotedString):
        return value.text
    if isinstance(value, tuple):
        return [_jsonable(item) for item in value]
    if isinstance(value, FrozenDict):
        return {key: _jsonable(item) for key, item in value.items}
    if isinstance(value, _NOT_ELEMENTS):
        raise OverrideValueError(f"{describe_type(value)} cannot be written as JSON")
    return value


def _choice(args: Args, kwargs: Kwargs) -> ParsedValue:
    if not args:
        raise OverrideValueError("empty choice is not legal")
    first = args[0]
    if len(args) == 1 and isinstance(first, ChoiceSweep):
        # choice(sort(b,a)) makes the simple sweep `a,b` an explicit choice.
        if not first.simple_form:
            raise OverrideValueError("nesting choices is not supported")
        return replace(first, simple_form=False)
    _reject_sweeps("choice()", args)
    return ChoiceSweep(values=args)


def _zip(args: Args, kwargs: Kwargs) -> ParsedValue:
    """Takes what `choice()` takes, so a choice becomes a zip by renaming it."""
    if not args:
        raise OverrideValueError("empty zip is not legal: give it the values of its jobs")
    first = args[0]
    if len(args) == 1 and isinstance(first, ChoiceSweep):
        # zip(sort(b,a)): the sorted values, paired like any other zip()
        if not first.simple_form:
            raise OverrideValueError("a choice() cannot be nested in zip(); list its values")
        return ZipSweep(values=first.values)
    _reject_sweeps("zip()", args)
    return ZipSweep(values=args)


def _reject_sweeps(where: str, values: Args) -> None:
    """Hydra accepts `choice(a, choice(b, c))` but no sweeper can run it; refuse it up front."""
    for value in values:
        if isinstance(value, _NOT_ELEMENTS):
            raise OverrideValueError(f"{describe_type(value)} cannot be nested in {where}")


def _range(args: Args, kwargs: Kwargs) -> ParsedValue:
    start, stop, step = kwargs["start"], kwargs.get("stop"), kwargs.get("step", 1)
    if stop is None:
        start, stop = 0, start
    assert isinstance(start, (int, float)) and isinstance(stop, (int, float))
    assert isinstance(step, (int, float))
    if step == 0:
        raise OverrideValueError("the step cannot be 0")
    return RangeSweep(start=start, stop=stop, step=step)


def _interval(args: Args, kwargs: Kwargs) -> ParsedValue:
    start, end = kwargs["start"], kwargs["end"]
    assert isinstance(start, (int, float)) and isinstance(end, (int, float))
    return IntervalSweep(start=float(start), end=float(end))


def _tag(args: Args, kwargs: Kwargs) -> ParsedValue:
    if not args:
        raise OverrideValueError("needs tags and then a sweep, as in tag(lr, choice(1,2))")
    sweep = kwargs.get("sweep")
    *tags, last = args if sweep is None else (*args, sweep)
    if not isinstance(last, _SWEEPS):
        found = describe_type(last)
        raise OverrideValueError(
            f"the last argument must be a choice(), range() or interval(), not {found}"
        )
    for tag in tags:
        if not isinstance(tag, str):
            raise OverrideValueError(f"tags must be strings, not {describe_type(tag)}")
    return replace(last, tags=frozenset(tag for tag in tags if isinstance(tag, str)))


def _shuffle(args: Args, kwargs: Kwargs) -> ParsedValue:
    for key in ("list", "sweep"):
        if kwargs.get(key) is not None:
            return _shuffle_one(kwargs[key])
    if len(args) == 1:
        return _shuffle_one(args[0])
    return replace(_simple_choice("shuffle", args), shuffle=True)


def _shuffle_one(value: ParsedValue) -> ParsedValue:
    if isinstance(value, (ChoiceSweep, RangeSweep)):
        return replace(value, shuffle=True)
    if isinstance(value, tuple):
        # Hydra shuffles a list while parsing, so the override holds one random order.
        return tuple(random.sample(value, len(value)))
    return (value,)


def _sort(args: Args, kwargs: Kwargs) -> ParsedValue:
    reverse = kwargs.get("reverse", False)
    assert isinstance(reverse, bool)
    listed, sweep = kwargs.get("list"), kwargs.get("sweep")
    if listed is not None:
        args = (listed,)
    elif sweep is not None:
        args = (sweep,)
    if len(args) == 1:
        return _sort_one(args[0], reverse)
    for arg in args:
        if not isinstance(arg, (str, int, float, bool)):
            raise OverrideValueError(
                f"several values to sort must be primitives, not {describe_type(arg)}"
            )
    if not args:
        raise OverrideValueError("empty sort input")
    return _sort_one(_simple_choice("sort", args), reverse)


def _sort_one(value: ParsedValue, reverse: bool) -> ParsedValue:
    if isinstance(value, tuple):
        return tuple(sorted(value, reverse=reverse))  # type: ignore[type-var]  # TypeError is reported
    if isinstance(value, ChoiceSweep):
        values = sorted(value.values, reverse=reverse)  # type: ignore[type-var]  # as above
        return replace(value, values=tuple(values))
    if isinstance(value, RangeSweep):
        return sorted_range(value, reverse)
    return value


def _glob(args: Args, kwargs: Kwargs) -> ParsedValue:
    exclude = kwargs.get("exclude")
    include = _patterns("include", kwargs["include"])
    return Glob(include=include, exclude=() if exclude is None else _patterns("exclude", exclude))


def _patterns(name: str, value: ParsedValue) -> tuple[str, ...]:
    patterns: list[str] = []
    for item in value if isinstance(value, tuple) else (value,):
        pattern = _unquote(item)
        if not isinstance(pattern, str):
            found = describe_type(pattern)
            raise OverrideValueError(f"{name} patterns must be strings, not {found}")
        patterns.append(pattern)
    return tuple(patterns)


def _extend_list(args: Args, kwargs: Kwargs) -> ParsedValue:
    _reject_sweeps("extend_list()", args)
    return ListExtension(values=args)


def _cast_function(name: str) -> _Function:
    call = partial(_cast, name)
    return _Function(call, var_positional=_Param("args", _CASTABLE), keyword_only=(_CAST_ARG,))


_CAST_ARG = _Param("value", _CASTABLE)
_SWEEP_ARG = _Param("sweep", (ChoiceSweep, RangeSweep, _NoneType))
_LIST_ARG = _Param("list", (tuple, _NoneType))

FUNCTIONS: Mapping[str, _Function] = {
    "int": _cast_function("int"),
    "float": _cast_function("float"),
    "str": _cast_function("str"),
    "bool": _cast_function("bool"),
    "json_str": _Function(
        _json_str, var_positional=_Param("args", None), keyword_only=(_Param("value", None),)
    ),
    "choice": _Function(_choice, var_positional=_Param("args", _CHOOSABLE)),
    "zip": _Function(_zip, var_positional=_Param("args", _CHOOSABLE)),
    "range": _Function(
        _range,
        positional=(
            _Param("start", _NUMBER, required=True),
            _Param("stop", (*_NUMBER, _NoneType)),
            _Param("step", _NUMBER),
        ),
    ),
    "interval": _Function(
        _interval,
        positional=(_Param("start", _NUMBER, required=True), _Param("end", _NUMBER, required=True)),
    ),
    "tag": _Function(
        _tag,
        var_positional=_Param("args", (str, *_SWEEPS)),
        keyword_only=(_Param("sweep", (*_SWEEPS, _NoneType)),),
    ),
    "shuffle": _Function(
        _shuffle, var_positional=_Param("args", _SORTABLE), keyword_only=(_SWEEP_ARG, _LIST_ARG)
    ),
    "sort": _Function(
        _sort,
        var_positional=_Param("args", _SORTABLE),
        keyword_only=(_SWEEP_ARG, _LIST_ARG, _Param("reverse", (bool,), exact=True)),
    ),
    "glob": _Function(
        _glob,
        positional=(
            _Param("include", (tuple, str), required=True),
            _Param("exclude", (tuple, str, _NoneType)),
        ),
    ),
    "extend_list": _Function(_extend_list, var_positional=_Param("args", None)),
}
