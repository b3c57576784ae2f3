"""Grammar functions (casts, sweeps, modifiers, extend_list) and the values a sweep stands for."""

from __future__ import annotations

import math
import random

import pytest

from hydria.errors import OverrideValueError
from hydria.overrides import (
    ChoiceSweep,
    FrozenDict,
    Glob,
    IntervalSweep,
    ListExtension,
    ParsedValue,
    Quote,
    QuotedString,
    RangeSweep,
    parse_override,
    sweep_values,
    values_identical,
)


def _value(text: str) -> ParsedValue:
    return parse_override(f"x={text}").value


@pytest.mark.parametrize(
    ("call", "expected"),
    [
        pytest.param("int(10.0)", 10, id="int-of-float"),
        pytest.param("int('10')", 10, id="int-of-quoted"),
        pytest.param("int(true)", 1, id="int-of-bool"),
        pytest.param("int(1e6)", 1000000, id="int-of-exponent"),
        pytest.param("int(value=2.5)", 2, id="int-keyword"),
        pytest.param("int( value = 1 )", 1, id="int-keyword-spaces"),
        pytest.param("float(1)", 1.0, id="float-of-int"),
        pytest.param("float('10.0')", 10.0, id="float-of-quoted"),
        pytest.param("float(false)", 0.0, id="float-of-bool"),
        pytest.param("float(float(10))", 10.0, id="float-twice"),
        pytest.param("str(1.0)", "1.0", id="str-of-float"),
        pytest.param("str(1e6)", "1000000.0", id="str-of-exponent"),
        pytest.param("str(true)", "true", id="str-of-bool"),
        pytest.param("str(nan)", "nan", id="str-of-nan"),
        pytest.param("str('')", "", id="str-of-empty"),
        pytest.param("bool('true')", True, id="bool-of-quoted"),
        pytest.param("bool(FALSE)", False, id="bool-of-keyword"),
        pytest.param("bool(0)", False, id="bool-of-zero"),
        pytest.param("bool(10.0)", True, id="bool-of-float"),
        pytest.param("bool(nan)", True, id="bool-of-nan"),
        pytest.param("bool(null)", False, id="bool-of-null"),
        pytest.param("str([1,[2]])", ("1", ("2",)), id="cast-into-lists"),
        pytest.param("str(\t  [  1,\t2  ]\t   )", ("1", "2"), id="cast-with-spaces"),
        pytest.param("float({a:[0,1]})", FrozenDict((("a", (0.0, 1.0)),)), id="cast-into-dicts"),
        pytest.param("int({})", FrozenDict(), id="cast-empty-dict"),
        pytest.param("bool(['true', 0])", (True, False), id="cast-quoted-in-list"),
        pytest.param("json_str({a: [1, 'b']})", '{"a": [1, "b"]}', id="json-dict"),
        pytest.param("json_str(abc)", '"abc"', id="json-string"),
        pytest.param("json_str(null)", "null", id="json-null"),
        pytest.param("json_str({1: x})", '{"1": "x"}', id="json-int-key"),
        pytest.param("sort([2,3,1])", (1, 2, 3), id="sort-list"),
        pytest.param("sort([2,3,1],reverse=true)", (3, 2, 1), id="sort-list-reverse"),
        pytest.param("sort(list=[1,2,3], reverse=True)", (3, 2, 1), id="sort-list-keyword"),
        pytest.param("sort(list=[])", (), id="sort-empty-list"),
        pytest.param("sort(1)", 1, id="sort-one-value"),
        pytest.param("sort({a:10})", FrozenDict((("a", 10),)), id="sort-dict"),
        pytest.param("shuffle(1)", (1,), id="shuffle-one-value"),
        pytest.param("shuffle([1])", (1,), id="shuffle-one-item"),
    ],
)
def test_element_functions(call: str, expected: ParsedValue) -> None:
    assert values_identical(_value(call), expected)


def test_str_keeps_quote_free_text() -> None:
    assert _value("str('a b')") == "a b"
    assert _value('str("it\'s")') == "it's"


@pytest.mark.parametrize(
    ("call", "expected"),
    [
        pytest.param("choice(a,b)", ChoiceSweep(("a", "b")), id="choice"),
        pytest.param("choice('a', 'b c')", ChoiceSweep(("a", "b c")), id="choice-unquotes"),
        pytest.param("choice([1,2],[3])", ChoiceSweep(((1, 2), (3,))), id="choice-of-lists"),
        pytest.param("choice(str(10))", ChoiceSweep(("10",)), id="choice-of-cast"),
        pytest.param("choice(sort(b,a))", ChoiceSweep(("a", "b")), id="choice-of-simple"),
        pytest.param("range(1,5)", RangeSweep(1, 5), id="range"),
        pytest.param("range(5)", RangeSweep(0, 5), id="range-stop-only"),
        pytest.param("range(-10, step=-1)", RangeSweep(0, -10, -1), id="range-stop-step"),
        pytest.param("range(0,1,0.25)", RangeSweep(0, 1, 0.25), id="range-float-step"),
        pytest.param("range(start=1,stop=3,step=2)", RangeSweep(1, 3, 2), id="range-keywords"),
        pytest.param("range(10,step=5,stop=20)", RangeSweep(10, 20, 5), id="range-mixed"),
        pytest.param("interval(0,1)", IntervalSweep(0.0, 1.0), id="interval-floats"),
        pytest.param("int(interval(1.0, 2.0))", IntervalSweep(1, 2), id="int-interval"),
        pytest.param("glob(*)", Glob(("*",)), id="glob"),
        pytest.param("glob([a*,'b c'],exclude=x)", Glob(("a*", "b c"), ("x",)), id="glob-lists"),
        pytest.param("glob(include=[*])", Glob(("*",)), id="glob-keyword"),
        pytest.param(
            "tag(t1,t2,choice(a))", ChoiceSweep(("a",), tags=frozenset({"t1", "t2"})), id="tag"
        ),
        pytest.param(
            "tag(a,sweep=range(1,2))", RangeSweep(1, 2, tags=frozenset({"a"})), id="tag-keyword"
        ),
        pytest.param("tag(choice(a))", ChoiceSweep(("a",)), id="tag-without-tags"),
        pytest.param(
            "tag(t, int(interval(1.0,2.0)))",
            IntervalSweep(1, 2, tags=frozenset({"t"})),
            id="tag-cast-interval",
        ),
        pytest.param(
            "sort(3,1,2)", ChoiceSweep((1, 2, 3), simple_form=True), id="sort-values-make-sweep"
        ),
        pytest.param(
            "sort(a,c,b,reverse=true)",
            ChoiceSweep(("c", "b", "a"), simple_form=True),
            id="sort-values-reverse",
        ),
        pytest.param("sort(choice(3,1))", ChoiceSweep((1, 3)), id="sort-choice"),
        pytest.param("sort(sweep=choice(2,1))", ChoiceSweep((1, 2)), id="sort-sweep-keyword"),
        pytest.param("sort(range(9,0,-1))", RangeSweep(1, 10, 1), id="sort-range"),
        pytest.param("sort(range(1,10),reverse=True)", RangeSweep(9, 0, -1), id="sort-range-down"),
        pytest.param(
            "sort(range(0,5,2),reverse=true)", RangeSweep(4, -2, -2), id="sort-range-uneven"
        ),
        pytest.param("sort(range(0,2,0.5))", RangeSweep(0, 2, 0.5), id="sort-sorted-range"),
        pytest.param(
            "shuffle(choice(1,2))", ChoiceSweep((1, 2), shuffle=True), id="shuffle-choice"
        ),
        pytest.param(
            "shuffle(a,b)",
            ChoiceSweep(("a", "b"), simple_form=True, shuffle=True),
            id="shuffle-values",
        ),
        pytest.param("shuffle(range(1,3))", RangeSweep(1, 3, shuffle=True), id="shuffle-range"),
        pytest.param(
            "shuffle(tag(a,b,range(1,10,2)))",
            RangeSweep(1, 10, 2, shuffle=True, tags=frozenset({"a", "b"})),
            id="shuffle-tagged",
        ),
        pytest.param("str(choice(0,1))", ChoiceSweep(("0", "1")), id="cast-choice"),
        pytest.param("int(shuffle(choice(1.5)))", ChoiceSweep((1,)), id="cast-drops-shuffle"),
        pytest.param("float(range(1,3))", RangeSweep(1.0, 3.0, 1.0), id="cast-range"),
        pytest.param(
            "int(2,1,0)", ChoiceSweep((2, 1, 0), simple_form=True), id="cast-values-make-sweep"
        ),
        pytest.param("json_str(choice(a,1))", ChoiceSweep(('"a"', "1")), id="json-choice"),
        pytest.param("extend_list(1, 'a', [b])", ListExtension((1, "a", ("b",))), id="extend"),
        pytest.param("extend_list()", ListExtension(()), id="extend-nothing"),
    ],
)
def test_sweep_functions(call: str, expected: ParsedValue) -> None:
    assert values_identical(_value(call), expected), _value(call)


def test_shuffle_list_keeps_the_items() -> None:
    shuffled = _value("shuffle([1,2,3,4,5])")
    assert isinstance(shuffled, tuple)
    assert sorted(shuffled) == [1, 2, 3, 4, 5]  # type: ignore[type-var]  # ints only


def test_quoted_strings_inside_lists_stay_quoted() -> None:
    assert _value("choice(['a'])") == ChoiceSweep(((QuotedString("a", Quote.SINGLE),),))


@pytest.mark.parametrize(
    ("call", "reason"),
    [
        pytest.param("int(abc)", "invalid literal for int() with base 10: 'abc'", id="int-word"),
        pytest.param(
            "int('10.0')", "invalid literal for int() with base 10: '10.0'", id="int-text"
        ),
        pytest.param("int(nan)", "cannot convert float NaN to integer", id="int-nan"),
        pytest.param("int(inf)", "cannot convert float infinity to integer", id="int-inf"),
        pytest.param("int(null)", "null cannot be cast to int", id="int-null"),
        pytest.param("float('')", "could not convert string to float: ''", id="float-empty"),
        pytest.param("bool(yes)", "cannot cast 'yes' to bool (only true or false)", id="bool-yes"),
        pytest.param("bool('10')", "cannot cast '10' to bool (only true or false)", id="bool-10"),
        pytest.param(
            "int({a:10,b:xyz})", "invalid literal for int() with base 10: 'xyz'", id="int-in-dict"
        ),
        pytest.param("int(value=null)", "needs a value to cast", id="cast-nothing"),
        pytest.param(
            "int(1,value=2)", "takes either positional values or value=, not both", id="cast-both"
        ),
        pytest.param(
            "str(range(1,10))", "range() can only be cast to int or float", id="str-range"
        ),
        pytest.param(
            "bool(interval(1.0, 2.0))",
            "interval() can only be cast to int or float",
            id="bool-interval",
        ),
        pytest.param(
            "int(glob(a))",
            "argument 1 must be a string, an int, a float, a bool, a list, a dict, null,"
            " choice(), range() or interval(), not glob()",
            id="cast-glob",
        ),
        pytest.param(
            "json_str(range(1,2))", "range() can only be cast to int or float", id="json-range"
        ),
        pytest.param(
            "json_str(interval(0,1))", "interval() cannot be cast to json_str", id="json-interval"
        ),
        pytest.param("json_str(glob(a))", "glob() cannot be written as JSON", id="json-glob"),
        pytest.param("choice()", "empty choice is not legal", id="empty-choice"),
        pytest.param(
            "choice(null, 1)",
            "argument 1 must be a string, an int, a float, a bool, a list, a dict or choice(),"
            " not null",
            id="choice-null",
        ),
        pytest.param(
            "choice(choice(a))", "nesting choices is not supported", id="choice-in-choice"
        ),
        pytest.param(
            "choice(a, choice(b,c))",
            "choice() cannot be nested in choice()",
            id="choice-among-values",
        ),
        pytest.param("range()", "the 'start' argument is missing", id="range-nothing"),
        pytest.param(
            "range(1,2,3,4)", "takes at most 3 positional arguments, got 4", id="range-too-many"
        ),
        pytest.param("range(1, start=2)", "'start' is given twice", id="range-twice"),
        pytest.param("range(1, end=2)", "there is no parameter 'end'", id="range-unknown-keyword"),
        pytest.param(
            "range(a, 2)", "'start' must be an int or a float, not a string", id="range-string"
        ),
        pytest.param("range(1, 5, 0)", "the step cannot be 0", id="range-zero-step"),
        pytest.param(
            "interval(a, 1)",
            "'start' must be an int or a float, not a string",
            id="interval-string",
        ),
        pytest.param(
            "tag(sweep=choice(a))",
            "needs tags and then a sweep, as in tag(lr, choice(1,2))",
            id="tag-no-args",
        ),
        pytest.param(
            "tag(a, b)",
            "the last argument must be a choice(), range() or interval(), not a string",
            id="tag-no-sweep",
        ),
        pytest.param(
            "tag(1, choice(a))",
            "argument 1 must be a string, choice(), range() or interval(), not an int",
            id="tag-int",
        ),
        pytest.param(
            "tag(choice(a), choice(b))", "tags must be strings, not choice()", id="tag-sweep-as-tag"
        ),
        pytest.param(
            "tag(t, glob(a))",
            "argument 2 must be a string, choice(), range() or interval(), not glob()",
            id="tag-glob",
        ),
        pytest.param("sort()", "empty sort input", id="sort-nothing"),
        pytest.param(
            "sort(1, [2])",
            "several values to sort must be primitives, not a list",
            id="sort-list-among-values",
        ),
        pytest.param(
            "sort(3,2,str(1))",
            "'<' not supported between instances of 'str' and 'int'",
            id="sort-mixed",
        ),
        pytest.param(
            "sort(['b','a'])",
            "'<' not supported between instances of 'QuotedString' and 'QuotedString'",
            id="sort-quoted",
        ),
        pytest.param(
            "sort(1, reverse=1)", "'reverse' must be a bool, not an int", id="sort-reverse-int"
        ),
        pytest.param(
            "sort(null)",
            "argument 1 must be a string, an int, a float, a bool, a list, a dict, choice() or"
            " range(), not null",
            id="sort-null",
        ),
        pytest.param(
            "sort(range(0, inf), reverse=true)",
            "range(0, inf, 1) has no end: bounds must be finite",
            id="sort-endless-range",
        ),
        pytest.param(
            "shuffle(interval(0,1))",
            "argument 1 must be a string, an int, a float, a bool, a list, a dict, choice() or"
            " range(), not interval()",
            id="shuffle-interval",
        ),
        pytest.param("glob(1)", "'include' must be a list or a string, not an int", id="glob-int"),
        pytest.param(
            "glob([1])", "include patterns must be strings, not an int", id="glob-int-pattern"
        ),
        pytest.param(
            "extend_list(choice(a,b))",
            "choice() cannot be nested in extend_list()",
            id="extend-sweep",
        ),
        pytest.param(
            "int(choice(1,2), 3)",
            "choice() cannot be nested in int() with several values",
            id="cast-sweep-among-values",
        ),
    ],
)
def test_function_errors(call: str, reason: str) -> None:
    with pytest.raises(OverrideValueError) as caught:
        _value(call)
    # Hydra's wording: the override, then the failing call and why
    heading, evaluating = str(caught.value).splitlines()[:2]
    assert heading == f"Error parsing override 'x={call}'"
    assert evaluating.startswith(f"{caught.value.kind} while evaluating '"), evaluating
    assert evaluating.endswith(f": {reason}"), evaluating


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("a,b,c", ["a", "b", "c"], id="simple"),
        pytest.param("choice(1,'2')", [1, "2"], id="choice"),
        pytest.param("range(1,5)", [1, 2, 3, 4], id="range"),
        pytest.param("range(5,0,-2)", [5, 3, 1], id="range-down"),
        pytest.param("range(0,1,0.25)", [0.0, 0.25, 0.5, 0.75], id="range-float"),
        pytest.param("range(0,0.3,0.1)", [0.0, 0.1, 0.2], id="range-decimal-steps"),
        pytest.param("range(1.5,-0.5,-0.5)", [1.5, 1.0, 0.5, 0.0], id="range-float-down"),
        pytest.param("range(3,1)", [], id="range-empty"),
        pytest.param("sort(range(0,5,2),reverse=true)", [4, 2, 0], id="sorted-range"),
        pytest.param(
            "sort(range(0,1,0.25),reverse=true)", [0.75, 0.5, 0.25, 0.0], id="sorted-float-range"
        ),
        pytest.param(
            "sort(range(1.5,-0.5,-0.5))", [0.0, 0.5, 1.0, 1.5], id="sorted-float-range-up"
        ),
        pytest.param("7", [7], id="not-a-sweep"),
    ],
)
def test_sweep_values(text: str, expected: list[ParsedValue]) -> None:
    values = sweep_values(_value(text))
    assert values_identical(tuple(values), tuple(expected)), values


def test_sweep_values_of_glob_filters_options() -> None:
    glob = _value("glob([m*, p*], exclude=*sql)")
    assert sweep_values(glob, ["mysql", "mongo", "postgres", "psql"]) == ["mongo", "postgres"]


def test_shuffled_sweeps_keep_their_values() -> None:
    random.seed(4)
    assert sorted(sweep_values(_value("shuffle(range(0,20))"))) == list(range(20))  # type: ignore[type-var]  # ints
    assert sorted(sweep_values(_value("shuffle(a,b,c)"))) == ["a", "b", "c"]  # type: ignore[type-var]  # strs


@pytest.mark.parametrize(
    ("value", "options", "reason"),
    [
        pytest.param(
            IntervalSweep(0.0, 1.0), None, "interval() is a continuous range", id="interval"
        ),
        pytest.param(
            Glob(("*",)), None, "glob() needs the config group's options", id="glob-no-options"
        ),
        pytest.param(RangeSweep(0, 1, 0), None, "range() step cannot be 0", id="zero-step"),
        pytest.param(RangeSweep(0.0, math.inf), None, "bounds must be finite", id="endless"),
        pytest.param(RangeSweep(0.0, math.nan), None, "bounds must be finite", id="nan"),
    ],
)
def test_sweep_values_errors(value: ParsedValue, options: list[str] | None, reason: str) -> None:
    with pytest.raises(OverrideValueError, match=reason.replace("(", "\\(").replace(")", "\\)")):
        sweep_values(value, options)
