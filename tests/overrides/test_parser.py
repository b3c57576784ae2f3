"""The override parser: keys and prefixes, typed values, and the exact text of its errors."""

from __future__ import annotations

import math

import pytest

from hydria.errors import OverrideParseError, OverrideValueError
from hydria.overrides import (
    ChoiceSweep,
    FrozenDict,
    Override,
    OverrideType,
    ParsedValue,
    Quote,
    QuotedString,
    RangeSweep,
    parse_override,
    parse_overrides,
    render_override,
    values_identical,
)

SQ = Quote.SINGLE
DQ = Quote.DOUBLE


@pytest.mark.parametrize(
    ("text", "kind", "key", "package", "has_value"),
    [
        pytest.param("db.port=3307", OverrideType.CHANGE, "db.port", None, True, id="dot-path"),
        pytest.param("db=mysql", OverrideType.CHANGE, "db", None, True, id="group"),
        pytest.param(
            "server/db=x", OverrideType.CHANGE, "server/db", None, True, id="nested-group"
        ),
        pytest.param(
            "hydra/launcher=basic",
            OverrideType.CHANGE,
            "hydra/launcher",
            None,
            True,
            id="hydra-group",
        ),
        pytest.param("a-b.c_d=1", OverrideType.CHANGE, "a-b.c_d", None, True, id="dash-underscore"),
        pytest.param("list.0=1", OverrideType.CHANGE, "list.0", None, True, id="list-index"),
        pytest.param("a.1_0=1", OverrideType.CHANGE, "a.1_0", None, True, id="index-underscore"),
        pytest.param(
            "$foo.bar$.x$z=1", OverrideType.CHANGE, "$foo.bar$.x$z", None, True, id="dollar"
        ),
        pytest.param("db@pkg=x", OverrideType.CHANGE, "db", "pkg", True, id="package"),
        pytest.param("a/b@c.d=x", OverrideType.CHANGE, "a/b", "c.d", True, id="dotted-package"),
        pytest.param("db@_global_=x", OverrideType.CHANGE, "db", "_global_", True, id="global"),
        pytest.param("db@=x", OverrideType.CHANGE, "db", "", True, id="bare-at"),
        pytest.param("db@$p=x", OverrideType.CHANGE, "db", "$p", True, id="dollar-package"),
        pytest.param("=1", OverrideType.CHANGE, "", None, True, id="empty-key"),
        pytest.param("+a=1", OverrideType.ADD, "a", None, True, id="add"),
        pytest.param("++a=1", OverrideType.FORCE_ADD, "a", None, True, id="force-add"),
        pytest.param("+db@pkg=x", OverrideType.ADD, "db", "pkg", True, id="add-package"),
        pytest.param("~a", OverrideType.DELETE, "a", None, False, id="delete"),
        pytest.param("~a=1", OverrideType.DELETE, "a", None, True, id="delete-value"),
        pytest.param("~db@pkg", OverrideType.DELETE, "db", "pkg", False, id="delete-package"),
    ],
)
def test_key_and_prefix(
    text: str, kind: OverrideType, key: str, package: str | None, has_value: bool
) -> None:
    override = parse_override(text)
    assert (override.type, override.key, override.package) == (kind, key, package)
    assert override.has_value is has_value
    assert override.text == text


def test_delete_without_value_has_none() -> None:
    assert parse_override("~a").value is None
    assert parse_override("~a=").value == ""


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        pytest.param("", "", id="empty"),
        pytest.param(" ", "", id="only-space"),
        pytest.param("10", 10, id="int"),
        pytest.param("+1", 1, id="plus-int"),
        pytest.param("-1", -1, id="minus-int"),
        pytest.param("1_000", 1000, id="int-underscore"),
        pytest.param("0.0", 0.0, id="float"),
        pytest.param("3.1_4", 3.14, id="float-underscore"),
        pytest.param(".5", 0.5, id="leading-point"),
        pytest.param("1.", 1.0, id="trailing-point"),
        pytest.param("1e3", 1000.0, id="exponent"),
        pytest.param("1E-05", 1e-05, id="negative-exponent"),
        pytest.param("inf", math.inf, id="inf"),
        pytest.param("-INF", -math.inf, id="minus-inf"),
        pytest.param("NaN", math.nan, id="nan"),
        pytest.param("true", True, id="true"),
        pytest.param("faLse", False, id="false-any-case"),
        pytest.param("null", None, id="null"),
        pytest.param("NULL", None, id="null-upper"),
        pytest.param("abc", "abc", id="word"),
        pytest.param("123abc", "123abc", id="digits-then-word"),
        pytest.param("01", "01", id="leading-zero"),
        pytest.param("00.5", "00.5", id="leading-zero-float"),
        pytest.param("0.foo", "0.foo", id="point-word"),
        pytest.param("1___0___", "1___0___", id="underscores"),
        pytest.param("value-1.0", "value-1.0", id="word-float"),
        pytest.param("truex", "truex", id="longer-than-keyword"),
        pytest.param("infinity", "infinity", id="not-inf"),
        pytest.param("a.b.c", "a.b.c", id="dots"),
        pytest.param("/-\\+.$%*@?|", "/-\\+.$%*@?|", id="unquoted-chars"),
        pytest.param("c:\\foo\\a-b.txt", "c:\\foo\\a-b.txt", id="windows-path"),
        pytest.param(" abc-123 ", "abc-123", id="stripped"),
        pytest.param("a b c\t-\t1 2 3", "a b c\t-\t1 2 3", id="inner-space-kept"),
        pytest.param("a :b", "a :b", id="colon-keeps-space"),
        pytest.param("\\\\", "\\", id="escaped-backslash"),
        pytest.param("a\\=b", "a=b", id="escaped-equal"),
        pytest.param("\\[a\\, b\\]", "[a, b]", id="escaped-brackets"),
        pytest.param("\\ ab", " ab", id="escaped-space"),
        pytest.param("ab\\\t", "ab\t", id="escaped-tab"),
        pytest.param("$\\{foo.bar\\}", "${foo.bar}", id="escaped-interpolation"),
        pytest.param("${a.b}", "${a.b}", id="interpolation"),
        pytest.param("${oc.env:USER,root}", "${oc.env:USER,root}", id="resolver"),
        pytest.param("${f.g:USER,root}", "${f.g:USER,root}", id="dotted-resolver"),
        pytest.param("xyz_${a.b.c}", "xyz_${a.b.c}", id="interpolation-in-string"),
        pytest.param("${a}${b}", "${a}${b}", id="two-interpolations"),
        pytest.param("${foo:[1,2,3]}", "${foo:[1,2,3]}", id="interpolation-list-arg"),
        pytest.param("'abc'", QuotedString("abc", SQ), id="single-quoted"),
        pytest.param('"abc"', QuotedString("abc", DQ), id="double-quoted"),
        pytest.param("''", QuotedString("", SQ), id="empty-quoted"),
        pytest.param("'  foo,bar\t'", QuotedString("  foo,bar\t", SQ), id="quoted-keeps-space"),
        pytest.param("'true'", QuotedString("true", SQ), id="quoted-keyword"),
        pytest.param("'שלום'", QuotedString("שלום", SQ), id="unicode"),
        pytest.param("'a\nb'", QuotedString("a\nb", SQ), id="newline-in-quotes"),
        pytest.param("'foo \\'bar'", QuotedString("foo 'bar", SQ), id="escaped-quote"),
        pytest.param("'foo\\bar'", QuotedString("foo\\bar", SQ), id="lone-backslash"),
        pytest.param("'foo bar\\\\'", QuotedString("foo bar\\", SQ), id="trailing-backslash"),
        pytest.param('"a\\\\\\"b"', QuotedString('a\\"b', DQ), id="backslash-then-quote"),
        pytest.param("'a\"b'", QuotedString('a"b', SQ), id="other-quote"),
        pytest.param("'a ${b}'", QuotedString("a ${b}", SQ), id="quoted-interpolation"),
        pytest.param(
            "'${foo:\"\\' }\"}'", QuotedString('${foo:"\' }"}', SQ), id="quoted-nested-quotes"
        ),
        pytest.param("[]", (), id="empty-list"),
        pytest.param("[1, 2, 3]", (1, 2, 3), id="list"),
        pytest.param("[1 ]", (1,), id="list-space"),
        pytest.param("[a b, c ]", ("a b", "c"), id="list-strings"),
        pytest.param("[[[a]]]", ((("a",),),), id="nested-list"),
        pytest.param("['a b']", (QuotedString("a b", SQ),), id="list-quoted"),
        pytest.param("[ : ]", (": ",), id="lone-colon"),
        pytest.param("{}", FrozenDict(), id="empty-dict"),
        pytest.param("{a: 1, b: [x]}", FrozenDict((("a", 1), ("b", ("x",)))), id="dict"),
        pytest.param("{a:b:c}", FrozenDict((("a", "b:c"),)), id="colon-in-value"),
        pytest.param("{ white  space\t: 2}", FrozenDict((("white  space", 2),)), id="key-space"),
        pytest.param("{123id: 0}", FrozenDict((("123id", 0),)), id="key-digits-word"),
        pytest.param("{1: a, 1.5: b}", FrozenDict(((1, "a"), (1.5, "b"))), id="number-keys"),
        pytest.param("{true: 1, null: 2}", FrozenDict(((True, 1), (None, 2))), id="keyword-keys"),
        pytest.param("{\\:\\,: 1}", FrozenDict(((":,", 1),)), id="escaped-key"),
        pytest.param("{a:1,b:2,a:3}", FrozenDict((("a", 3), ("b", 2))), id="repeated-key"),
        pytest.param("a,b", ChoiceSweep(("a", "b"), simple_form=True), id="simple-sweep"),
        pytest.param("1, 2 ,3", ChoiceSweep((1, 2, 3), simple_form=True), id="sweep-spaces"),
        pytest.param(
            "[a,b],[c,d]",
            ChoiceSweep((("a", "b"), ("c", "d")), simple_form=True),
            id="sweep-of-lists",
        ),
        pytest.param("int('10')", 10, id="function"),
        pytest.param("int (1)", 1, id="space-before-paren"),
        pytest.param("range(1, 3)", RangeSweep(1, 3), id="sweep-function"),
    ],
)
def test_value(value: str, expected: ParsedValue) -> None:
    parsed = parse_override(f"x={value}").value
    assert values_identical(parsed, expected), parsed


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("db.port=3307", id="int"),
        pytest.param("db=mysql", id="word"),
        pytest.param("+db.x=1.5e3", id="float"),
        pytest.param("~a.b=TRUE", id="bool"),
        pytest.param("a=null", id="null"),
        pytest.param("a/b=x-y.z", id="group-string"),
        pytest.param("a=1-2", id="several-tokens"),
        pytest.param("a=http://x:8080/y", id="url"),
        pytest.param("a=+inf", id="inf"),
        pytest.param("a=", id="empty"),
        pytest.param("a=01", id="leading-zero"),
        pytest.param("a.0=0x1F", id="hex-like"),
    ],
)
def test_simple_texts_parse_like_the_full_grammar(text: str) -> None:
    # A space after '=' belongs to the '=' token: the value is unchanged, but the text
    # no longer takes the fast path.
    fast, full = parse_override(text), parse_override(text.replace("=", "= ", 1))
    assert values_identical(fast.value, full.value)
    assert (fast.type, fast.key, fast.package) == (full.type, full.key, full.package)


def _error(text: str) -> str:
    with pytest.raises((OverrideParseError, OverrideValueError)) as caught:
        parse_override(text)
    return str(caught.value)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        pytest.param(
            "db.user",
            "Could not parse override 'db.user': expected '=' after the key (at column 8)\n"
            "    db.user\n"
            "           ^",
            id="no-equals",
        ),
        pytest.param(
            "++a",
            "Could not parse override '++a': expected '=' after the key (at column 4)\n"
            "    ++a\n"
            "       ^",
            id="force-add-needs-value",
        ),
        pytest.param(
            "+~a=1",
            "Could not parse override '+~a=1': expected a key (at column 2)\n    +~a=1\n     ^",
            id="two-prefixes",
        ),
        pytest.param(
            "key =1",
            "Could not parse override 'key =1': whitespace is not allowed in a key (at column 4)\n"
            "    key =1\n"
            "       ^",
            id="space-in-key",
        ),
        pytest.param(
            "a/b.c=1",
            "Could not parse override 'a/b.c=1': expected a config group name after '/'"
            " (at column 3)\n"
            "    a/b.c=1\n"
            "      ^",
            id="dotted-group",
        ),
        pytest.param(
            "a@b@c=1",
            "Could not parse override 'a@b@c=1': expected '=' after the key (at column 4)\n"
            "    a@b@c=1\n"
            "       ^",
            id="two-packages",
        ),
        pytest.param(
            "0=1",
            "Could not parse override '0=1': '0' is not allowed in a key (at column 1)\n"
            "    0=1\n"
            "    ^",
            id="number-key",
        ),
        pytest.param(
            "x=a=b",
            "Could not parse override 'x=a=b': '=' in a value must be escaped as \\= or quoted"
            " (at column 4)\n"
            "    x=a=b\n"
            "       ^",
            id="second-equals",
        ),
        pytest.param(
            "x=[1,2",
            "no viable alternative at input '[1,2'\n"
            "Could not parse override 'x=[1,2': expected ',' or ']' to end the list (at column 7)\n"
            "    x=[1,2\n"
            "          ^",
            id="unclosed-list",
        ),
        pytest.param(
            "x=[1]]",
            "Could not parse override 'x=[1]]': this ']' closes nothing (at column 6)\n"
            "    x=[1]]\n"
            "         ^",
            id="extra-bracket",
        ),
        pytest.param(
            "x={a 1}",
            "Could not parse override 'x={a 1}': expected ':' after the dict key (at column 7)\n"
            "    x={a 1}\n"
            "          ^",
            id="dict-without-colon",
        ),
        pytest.param(
            "x={' abc ': 0}",
            "Could not parse override \"x={' abc ': 0}\": a dict key cannot be quoted; escape"
            " special characters with a backslash (at column 4)\n"
            "    x={' abc ': 0}\n"
            "       ^",
            id="quoted-dict-key",
        ),
        pytest.param(
            "x=[]aa",
            "Could not parse override 'x=[]aa': expected ',' or the end of the override"
            " (at column 5)\n"
            "    x=[]aa\n"
            "        ^",
            id="trailing-word",
        ),
        pytest.param(
            "x='a' ",
            "Could not parse override \"x='a' \": expected ',' or the end of the override"
            " (at column 6)\n"
            "    x='a' \n"
            "         ^",
            id="space-after-quote",
        ),
        pytest.param(
            "x=a#b",
            "Could not parse override 'x=a#b': '#' is not allowed in an unquoted value; quote"
            " the value (at column 4)\n"
            "    x=a#b\n"
            "       ^",
            id="hash",
        ),
        pytest.param(
            "x=é",
            "Could not parse override 'x=é': 'é' is not allowed in an unquoted value; quote the"
            " value (at column 3)\n"
            "    x=é\n"
            "      ^",
            id="unquoted-unicode",
        ),
        pytest.param(
            "x='abc",
            "Could not parse override \"x='abc\": unterminated quoted value: no closing '"
            " (at column 3)\n"
            "    x='abc\n"
            "      ^",
            id="unterminated-quote",
        ),
        pytest.param(
            "x=['a\\', 'b']",
            "Could not parse override \"x=['a\\\\', 'b']\": expected ',' or ']' to end the"
            " list (at column 11)\n"
            "    x=['a\\', 'b']\n"
            "              ^",
            id="escaped-closing-quote",
        ),
        pytest.param(
            "x=f(1",
            "no viable alternative at input 'f(1'\n"
            "Could not parse override 'x=f(1': expected ',' or ')' to end the call to f()"
            " (at column 6)\n"
            "    x=f(1\n"
            "         ^",
            id="unclosed-call",
        ),
        pytest.param(
            "x=1,",
            "Could not parse override 'x=1,': expected a value (at column 5)\n    x=1,\n        ^",
            id="trailing-comma",
        ),
        pytest.param(
            "x=${a:${b}}",
            "Could not parse override 'x=${a:${b}}': this '}' closes nothing (at column 11)\n"
            "    x=${a:${b}}\n"
            "              ^",
            id="unquoted-nested-interpolation",
        ),
        pytest.param(
            "x=foo bar(1)",
            "Could not parse override 'x=foo bar(1)': expected ',' or the end of the override"
            " (at column 10)\n"
            "    x=foo bar(1)\n"
            "             ^",
            id="call-after-words",
        ),
        pytest.param(
            "x=range(start=10,20,1)",
            "Could not parse override 'x=range(start=10,20,1)': a positional argument cannot"
            " follow keyword arguments (at column 18)\n"
            "    x=range(start=10,20,1)\n"
            "                     ^",
            id="positional-after-keyword",
        ),
        pytest.param(
            "x=\t[",
            "no viable alternative at input '['\n"
            "Could not parse override 'x=\\t[': expected a value (at column 5)\n"
            "    x= [\n"
            "        ^",
            id="tab-shown-as-space",
        ),
    ],
)
def test_syntax_error(text: str, message: str) -> None:
    assert _error(text) == message


# A failing function call is reported in Hydra's words (users' tests match on them).
GRAMMAR_LINK = "See https://hydra.cc/docs/1.2/advanced/override_grammar/basic for details"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        pytest.param(
            "x=foo(1)",
            "Error parsing override 'x=foo(1)'\n"
            "ValueError while evaluating 'foo(1)': unknown function 'foo' (available:"
            " bool, choice, extend_list, float, glob, int, interval, json_str, range, shuffle,"
            " sort, str, tag, zip)\n" + GRAMMAR_LINK,
            id="unknown-function",
        ),
        pytest.param(
            "x=[1, int(a)]",
            "Error parsing override 'x=[1, int(a)]'\n"
            "ValueError while evaluating 'int(a)': invalid literal for int() with base 10: 'a'\n"
            + GRAMMAR_LINK,
            id="failing-cast",
        ),
        pytest.param(
            "x=[choice(a,b)]",
            "Could not evaluate override 'x=[choice(a,b)]': choice() cannot be nested in a list;"
            " a sweep must be the whole value (at column 3)\n"
            "    x=[choice(a,b)]\n"
            "      ^",
            id="sweep-in-list",
        ),
        pytest.param(
            "x=a,range(1,2)",
            "Could not evaluate override 'x=a,range(1,2)': range() cannot be nested in a simple"
            " sweep (a,b,c); a sweep must be the whole value (at column 3)\n"
            "    x=a,range(1,2)\n"
            "      ^",
            id="sweep-in-sweep",
        ),
        pytest.param(
            "x={a: glob(*)}",
            "Could not evaluate override 'x={a: glob(*)}': glob() cannot be nested in a dict;"
            " a sweep must be the whole value (at column 3)\n"
            "    x={a: glob(*)}\n"
            "      ^",
            id="glob-in-dict",
        ),
    ],
)
def test_value_error(text: str, message: str) -> None:
    assert _error(text) == message


def test_syntax_error_anywhere_wins_over_an_earlier_evaluation_error() -> None:
    with pytest.raises(OverrideParseError, match="expected a value"):
        parse_override("x=int(a),")


def test_first_evaluation_error_is_reported() -> None:
    with pytest.raises(OverrideValueError, match="evaluating 'int\\(a\\)': invalid literal"):
        parse_override("x=[int(a), float(b)]")


def test_deep_nesting_is_a_parse_error() -> None:
    with pytest.raises(OverrideParseError, match="too deeply nested"):
        parse_override("x=" + "[" * 101 + "]" * 101)
    assert parse_override("x=" + "[" * 100 + "]" * 100).value is not None


def test_huge_integer_is_a_value_error() -> None:
    with pytest.raises(OverrideValueError, match="Exceeds the limit") as caught:
        parse_override("x=" + "9" * 5000)
    assert "(at column 3)" in str(caught.value)


def test_parse_overrides_names_the_failing_override() -> None:
    with pytest.raises(OverrideParseError) as caught:
        parse_overrides(["a=1", "b c=2"])
    assert str(caught.value) == (
        "Could not parse override #2 'b c=2': whitespace is not allowed in a key (at column 2)\n"
        "    b c=2\n"
        "     ^"
    )
    assert caught.value.index == 1
    assert caught.value.position == 1


def test_parse_overrides_keeps_order() -> None:
    parsed = parse_overrides(["a=1", "~b", "+c=[x]"])
    assert [o.key for o in parsed] == ["a", "b", "c"]
    assert all(isinstance(o, Override) for o in parsed)


def test_value_error_in_a_list_of_overrides_names_it() -> None:
    with pytest.raises(OverrideValueError, match="^Error parsing override 'c=int\\(x\\)'\n"):
        parse_overrides(["a=1", "b=2", "c=int(x)"])


@pytest.mark.parametrize(
    ("text", "package"),
    [
        pytest.param("db@src:dst=mysql", "src:dst", id="move"),
        pytest.param("db@:dst=mysql", ":dst", id="move-from-default"),
        pytest.param("server/db@a.b:c.d=x", "a.b:c.d", id="move-dotted"),
    ],
)
def test_group_move_package(text: str, package: str) -> None:
    """`group@src:dst` (hydria extension; Hydra 1.3 rejects it) keeps both packages."""
    o = parse_override(text)
    assert o.package == package
    assert render_override(o) == text


@pytest.mark.parametrize(
    ("text", "first_line"),
    [
        pytest.param("+key=int(", "no viable alternative at input 'int('", id="call"),
        pytest.param("key=[1,2", "no viable alternative at input '[1,2'", id="list"),
        pytest.param("key={a:1", "no viable alternative at input '{a:1'", id="dict"),
        pytest.param("k=[1,f(2", "no viable alternative at input '[1,f(2'", id="outermost"),
        pytest.param("key=a,", "Could not parse override 'key=a,': expected a value", id="sweep"),
    ],
)
def test_what_is_left_open_is_named_as_hydra_names_it(text: str, first_line: str) -> None:
    # Hydra's (ANTLR) words come first, as users' tests match on them; hydria's follow
    with pytest.raises(OverrideParseError) as caught:
        parse_override(text)
    lines = str(caught.value).splitlines()
    assert lines[0].startswith(first_line)
    assert any(line.startswith("Could not parse override") for line in lines)
