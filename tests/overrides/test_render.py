"""Rendering overrides back to text: Hydra's spelling where it round-trips, and always lossless."""

from __future__ import annotations

import pytest

from hydria.errors import OverrideValueError
from hydria.overrides import (
    ChoiceSweep,
    FrozenDict,
    IntervalSweep,
    ListExtension,
    Override,
    ParsedValue,
    Quote,
    QuotedString,
    parse_override,
    render_override,
    render_value,
    sweep_values,
    values_identical,
)


@pytest.mark.parametrize(
    ("text", "rendered"),
    [
        pytest.param("db.port=3307", "db.port=3307", id="int"),
        pytest.param("~db", "~db", id="delete"),
        pytest.param("~db=", "~db=", id="delete-empty-value"),
        pytest.param("+db@pkg=mysql", "+db@pkg=mysql", id="add-package"),
        pytest.param("++x=1", "++x=1", id="force-add"),
        pytest.param("db@=x", "db@=x", id="bare-at"),
        pytest.param("=1", "=1", id="empty-key"),
        pytest.param("x=", "x=", id="empty-value"),
        pytest.param("x= abc ", "x=abc", id="spaces-dropped"),
        pytest.param("x=true", "x=True", id="bool-as-hydra"),
        pytest.param("x=NULL", "x=null", id="null"),
        pytest.param("x=1e3", "x=1000.0", id="float"),
        pytest.param("x=1e-5", "x=1e-05", id="small-float"),
        pytest.param("x=-inf", "x=-inf", id="inf"),
        pytest.param("x=nan", "x=nan", id="nan"),
        pytest.param("x=1_000", "x=1000", id="int-underscore"),
        pytest.param("x=a b", "x=a\\ b", id="space-escaped"),
        pytest.param("x=c:\\foo", "x=c\\:\\\\foo", id="colon-backslash-escaped"),
        pytest.param("x=${a.b}", "x=$\\{a.b\\}", id="interpolation-escaped"),
        pytest.param("x='a b'", "x='a b'", id="single-quoted"),
        pytest.param('x="it\'s"', 'x="it\'s"', id="double-quoted"),
        pytest.param("x='it\\'s'", "x='it\\'s'", id="escaped-quote"),
        pytest.param("x='a\\\\'", "x='a\\\\'", id="trailing-backslash"),
        pytest.param("x=[1, 'a', {b: null}]", "x=[1,'a',{b:null}]", id="containers"),
        pytest.param("x={1: a, 1.5: b, null: c}", "x={1:a,1.5:b,null:c}", id="typed-keys"),
        pytest.param("x={a\\ b: 1}", "x={a\\ b:1}", id="escaped-key"),
        pytest.param("x=a, b", "x=a,b", id="simple-sweep"),
        pytest.param("x=choice(a,'b c')", "x=choice(a,b\\ c)", id="choice"),
        pytest.param("x=choice('1', 2)", "x=choice('1',2)", id="choice-string-digit"),
        pytest.param("x=str(1)", "x=str('1')", id="str-cast"),
        pytest.param("x=str(''),2", "x=str(''),2", id="empty-string-in-sweep"),
        pytest.param("x=[str(true)]", "x=[str('true')]", id="str-cast-in-list"),
        pytest.param("x=str('é')", "x=str('é')", id="unicode-string"),
        pytest.param("x=json_str({a: 1})", "x=str('{\"a\": 1}')", id="json"),
        pytest.param("x=range(1,5)", "x=range(1,5,1)", id="range"),
        pytest.param("x=range(0,1,0.25)", "x=range(0,1,0.25)", id="float-range"),
        pytest.param("x=shuffle(range(1,5))", "x=shuffle(range(1,5,1))", id="shuffled-range"),
        pytest.param("x=tag(b,a,interval(0,1))", "x=tag(a,b,interval(0.0,1.0))", id="tagged"),
        pytest.param("x=int(interval(1.0,2.0))", "x=int(interval(1,2))", id="int-interval"),
        pytest.param("x=sort(b,a)", "x=a,b", id="sorted-values"),
        pytest.param("x=tag(t,sort(b,a))", "x=tag(t,str(a,b))", id="tagged-simple-strings"),
        pytest.param("x=tag(t,sort(2,1))", "x=tag(t,int(1,2))", id="tagged-simple-ints"),
        pytest.param("x=tag(t,sort(2,1.5))", "x=tag(t,sort(1.5,2))", id="tagged-simple-mixed"),
        pytest.param("x=tag(t,shuffle(a,b))", "x=tag(t,shuffle(a,b))", id="tagged-shuffled"),
        pytest.param("x=shuffle(choice(a,b))", "x=shuffle(choice(a,b))", id="shuffled-choice"),
        pytest.param("x=shuffle()", "x=shuffle()", id="empty-shuffle"),
        pytest.param("x=glob(*)", "x=glob(*)", id="glob"),
        pytest.param(
            "x=glob([a*, 'b c'], exclude=c*)", "x=glob([a*,b\\ c],exclude=c*)", id="glob-lists"
        ),
        pytest.param("x=extend_list(1, [a])", "x=extend_list(1,[a])", id="extend-list"),
    ],
)
def test_render_override(text: str, rendered: str) -> None:
    assert render_override(parse_override(text)) == rendered


def _same(a: Override, b: Override) -> bool:
    return (a.type, a.key, a.package, a.has_value) == (b.type, b.key, b.package, b.has_value) and (
        values_identical(a.value, b.value)
    )


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("x='a\\\\\\'b'", id="backslash-quote"),
        pytest.param('x="\\\\\\\\"', id="double-backslashes"),
        pytest.param("x='\"\\''", id="both-quotes"),
        pytest.param("x='${a:\"\\' }\"}'", id="interpolation-in-quotes"),
        pytest.param("x=\\\\\\(\\)\\[\\]\\{\\}\\:\\=\\ \\\t\\,", id="all-escapes"),
        pytest.param("x={\\\\\\(\\)\\[\\]\\{\\}\\:\\=\\ \\\t\\,: 2}", id="all-escapes-key"),
        pytest.param("x=/-\\+.$%*@?|", id="unquoted-chars"),
        pytest.param("x={1\\ : a}", id="key-digit-space"),
        pytest.param("x=[str('1'), str(null_), '']", id="strings-in-list"),
        pytest.param("x=str(a b),c", id="cast-in-sweep"),
        pytest.param("x=tag(x, y, shuffle(choice([1, 'a'], {b: 2})))", id="nested-quotes-kept"),
        pytest.param("x=sort(range(0,5,2),reverse=true)", id="sorted-range"),
        pytest.param("x=tag(t, float(1, 2))", id="tagged-floats"),
        pytest.param("x=tag(t, bool(true, 0))", id="tagged-bools"),
        pytest.param('x=glob(include=["it\'s", x], exclude=[])', id="glob-quote"),
        pytest.param("x=extend_list('a b', null, {k: [1]})", id="extend-mixed"),
        pytest.param("x=int(2, '1')", id="cast-of-values"),
    ],
)
def test_round_trip(text: str) -> None:
    parsed = parse_override(text)
    assert _same(parse_override(render_override(parsed)), parsed), render_override(parsed)


def test_rendered_sweep_values_make_job_overrides() -> None:
    sweep = parse_override("x=a,'b c',str(1),[1,2]").value
    assert [render_value(v) for v in sweep_values(sweep)] == ["a", "'b c'", "str('1')", "[1,2]"]


@pytest.mark.parametrize(
    ("value", "message"),
    [
        pytest.param(
            (ChoiceSweep(("a",)),),
            "choice() cannot be written inside a list, dict or sweep",
            id="sweep-in-list",
        ),
        pytest.param(
            FrozenDict((("", 1),)),
            "the dict key '' cannot be written in an override",
            id="empty-key",
        ),
        pytest.param(
            FrozenDict((("1", 1),)),
            "the dict key '1' cannot be written in an override",
            id="digit-string-key",
        ),
        pytest.param(ChoiceSweep(()), "an empty choice() cannot be written", id="empty-choice"),
        pytest.param(
            IntervalSweep(1, 2.5),
            "interval() bounds must be both floats or both ints: IntervalSweep(start=1, end=2.5,"
            " tags=frozenset())",
            id="mixed-interval",
        ),
        pytest.param(
            ListExtension((QuotedString("a", Quote.SINGLE),)),
            "a function argument cannot stay a quoted string: QuotedString(text='a',"
            ' quote=<Quote.SINGLE: "\'">)',
            id="quoted-argument",
        ),
    ],
)
def test_unwritable_values(value: ParsedValue, message: str) -> None:
    with pytest.raises(OverrideValueError) as caught:
        render_value(value)
    assert str(caught.value) == message


NAN = float("nan")


@pytest.mark.parametrize(
    ("a", "b", "identical"),
    [
        pytest.param(1, 1, True, id="same-int"),
        pytest.param(1, 1.0, False, id="int-float"),
        pytest.param(1, True, False, id="int-bool"),
        pytest.param(NAN, float("nan"), True, id="nan"),
        pytest.param("a", QuotedString("a", Quote.SINGLE), False, id="quoted-or-not"),
        pytest.param((1, (2,)), (1, (2.0,)), False, id="nested-list"),
        pytest.param(FrozenDict(((1, "a"),)), FrozenDict(((True, "a"),)), False, id="dict-keys"),
        pytest.param(ChoiceSweep((NAN,)), ChoiceSweep((float("nan"),)), True, id="sweep-nan"),
        pytest.param(ChoiceSweep((1,)), ChoiceSweep((1,), shuffle=True), False, id="sweep-flag"),
        pytest.param(IntervalSweep(1, 2), IntervalSweep(1.0, 2.0), False, id="interval-types"),
    ],
)
def test_values_identical(a: ParsedValue, b: ParsedValue, identical: bool) -> None:
    assert values_identical(a, b) is identical
