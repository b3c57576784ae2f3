"""`zip(...)`, the paired sweep: what it parses to, how it renders back, and how the
grammar refuses what it cannot be."""

from __future__ import annotations

import pytest

from hydria.errors import OverrideError, OverrideParseError, OverrideValueError
from hydria.overrides import (
    ChoiceSweep,
    FrozenDict,
    ZipSweep,
    is_sweep_value,
    parse_override,
    plain_value,
    render_override,
    sweep_values,
    values_identical,
)
from hydria.overrides.model import describe_type


@pytest.mark.parametrize(
    ("text", "values"),
    [
        ("m=zip(resnet,vit,mlp)", ("resnet", "vit", "mlp")),
        ("m=zip(1, 2.5, true, -3)", (1, 2.5, True, -3)),
        ("m=zip('a b',\"c,d\")", ("a b", "c,d")),
        ("m=zip([1,2],[3])", ((1, 2), (3,))),
        ("m=zip({a:1},{a:2})", (FrozenDict((("a", 1),)), FrozenDict((("a", 2),)))),
        ("m=zip(${x},${y})", ("${x}", "${y}")),
        ("m=zip(one)", ("one",)),
        # takes what choice() takes, a sorted simple sweep included
        ("m=zip(sort(c,a,b))", ("a", "b", "c")),
        ("m=zip(int(1,2))", (1, 2)),
        ("m=zip(str(1),str(2))", ("1", "2")),
    ],
)
def test_zip_parses_to_its_values_in_order(text: str, values: tuple[object, ...]) -> None:
    o = parse_override(text)
    assert isinstance(o.value, ZipSweep)
    assert values_identical(o.value.values, values)  # type: ignore[arg-type]  # test data
    assert o.is_sweep and is_sweep_value(o.value)
    assert sweep_values(o.value) == list(values)


def test_zip_is_not_a_choice_and_has_no_plain_value() -> None:
    zipped = parse_override("m=zip(a,b)").value
    chosen = parse_override("m=choice(a,b)").value
    assert isinstance(chosen, ChoiceSweep)
    assert not values_identical(zipped, chosen)
    assert describe_type(zipped) == "zip()"
    with pytest.raises(TypeError, match="ZipSweep"):
        plain_value(zipped)


@pytest.mark.parametrize(
    "text",
    [
        "m=zip(resnet,vit,mlp)",
        "+m=zip(1,2.5,true,-3)",
        "m@pkg=zip('a b',\"it's\")",
        "m=zip([1,2],[a,'b c'])",
        "m=zip({a:1,b:[x]},{a:2,b:[]})",
        "m=zip(${x},${y.z})",
        "m=zip(str(1),'true',int(3))",
        "m=zip(' lead', 'trail ', 'x\\\\y')",
        "m=zip(1e-4, inf, -0.5)",
    ],
)
def test_a_zip_renders_to_text_that_parses_back_to_it(text: str) -> None:
    o = parse_override(text)
    rendered = render_override(o)
    again = parse_override(rendered)
    assert isinstance(again.value, ZipSweep)
    assert values_identical(again.value, o.value)
    assert (again.type, again.key, again.package) == (o.type, o.key, o.package)
    assert render_override(again) == rendered
    assert rendered.split("=", 1)[1].startswith("zip(")


def test_a_plain_zip_renders_as_written() -> None:
    assert render_override(parse_override("m=zip( a , b ,c)")) == "m=zip(a,b,c)"


def _message(text: str) -> str:
    with pytest.raises(OverrideError) as info:
        parse_override(text, index=0)
    return str(info.value)


@pytest.mark.parametrize(
    ("text", "column", "expected"),
    [
        ("m=zip(a,b", 10, "expected ',' or ')' to end the call to zip()"),
        ("m=zip(a,,b)", 9, "expected a value"),
        ("m=zip(a,b]", 10, "expected ',' or ')' to end the call to zip()"),
        ("m=zip(a,b)=c", 11, "'=' in a value must be escaped"),
        ("m=zip(a)b", 9, "expected ',' or the end of the override"),
    ],
)
def test_a_syntax_error_inside_zip_points_a_caret_at_it(
    text: str, column: int, expected: str
) -> None:
    with pytest.raises(OverrideParseError) as info:
        parse_override(text, index=0)
    message = str(info.value)
    assert f"Could not parse override #1 '{text}': " in message
    assert expected in message
    lines = message.splitlines()
    assert lines[-2] == f"    {text}"
    assert lines[-1] == " " * (4 + column - 1) + "^"
    assert f"(at column {column})" in message


@pytest.mark.parametrize(
    ("text", "column", "where"),
    [
        ("m=[zip(a,b)]", 3, "a list"),
        ("m={k: zip(a,b)}", 3, "a dict"),
        ("m=zip(a,b),c", 3, "a simple sweep (a,b,c)"),
        ("m=c,zip(a,b)", 3, "a simple sweep (a,b,c)"),
    ],
)
def test_a_zip_must_be_the_whole_value(text: str, column: int, where: str) -> None:
    message = _message(text)
    assert f"zip() cannot be nested in {where}; a sweep must be the whole value" in message
    assert message.splitlines()[-1] == " " * (4 + column - 1) + "^"


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("m=zip()", "empty zip is not legal"),
        ("m=zip(choice(a,b))", "a choice() cannot be nested in zip()"),
        ("m=zip(a,choice(b,c))", "choice() cannot be nested in zip()"),
        ("m=zip(a,zip(b,c))", "mismatch type argument args[1]"),
        ("m=zip(range(3))", "mismatch type argument args[0]"),
        ("m=zip(glob(*))", "mismatch type argument args[0]"),
        ("m=tag(t,zip(a,b))", "not zip()"),
        ("m=shuffle(zip(a,b))", "not zip()"),
        ("m=int(zip(1,2))", "not zip()"),
        ("m=json_str(zip(1,2))", "zip() cannot be written as JSON"),
        ("m=extend_list(zip(1,2))", "zip() cannot be nested in extend_list()"),
        ("m=zip(x=1)", "there is no parameter 'x'"),
        # as choice(null) is refused
        ("m=zip(a,null)", "mismatch type argument args[1]"),
    ],
)
def test_what_zip_refuses_is_an_override_value_error(text: str, fragment: str) -> None:
    with pytest.raises(OverrideValueError) as info:
        parse_override(text)
    message = str(info.value)
    assert fragment in message
    assert f"Error parsing override '{text}'" in message


def test_unknown_function_lists_zip_among_the_available_ones() -> None:
    assert "zip)" in _message("m=zap(a,b)")
