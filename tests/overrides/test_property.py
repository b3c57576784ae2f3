"""Properties of the grammar: any text parses or fails cleanly, and rendering round-trips."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from hydria.errors import OverrideParseError, OverrideValueError
from hydria.overrides import (
    ChoiceSweep,
    FrozenDict,
    Glob,
    IntervalSweep,
    ListExtension,
    Override,
    OverrideType,
    ParsedValue,
    Quote,
    QuotedString,
    RangeSweep,
    parse_override,
    render_override,
    values_identical,
)

GRAMMAR_CHARS = "ab1 0.e_-$/@:~+=,()[]{}'\"\\\t%*?|#é\n"
KEYWORDS = {"true", "false", "null", "inf", "nan"}


@settings(max_examples=400)
@given(st.one_of(st.text(), st.text(GRAMMAR_CHARS), st.text(GRAMMAR_CHARS).map("x=".__add__)))
def test_any_text_parses_or_fails_with_an_override_error(text: str) -> None:
    try:
        override = parse_override(text)
    except (OverrideParseError, OverrideValueError):
        return
    assert isinstance(override, Override)
    assert override.text == text


SIMPLE_KEYS = st.from_regex(
    r"[A-Za-z_][0-9A-Za-z_-]*(\.[A-Za-z_][0-9A-Za-z_$-]*|\.0|\.[1-9][0-9]*)*", fullmatch=True
)
SIMPLE_VALUES = st.text("aZ_09.+-/:@%*?|eEnaifINF", max_size=12)


@given(st.sampled_from(["", "+", "++", "~"]), SIMPLE_KEYS, SIMPLE_VALUES)
def test_fast_path_agrees_with_the_full_parser(prefix: str, key: str, value: str) -> None:
    text = f"{prefix}{key}={value}"
    fast = parse_override(text)
    # A space after '=' belongs to the '=' token: the value is unchanged, but the text
    # no longer takes the fast path.
    full = parse_override(text.replace("=", "= ", 1))
    assert (fast.type, fast.key, fast.package) == (full.type, full.key, full.package)
    assert values_identical(fast.value, full.value)


# Values, in the shapes parsing can produce.
NAMES = st.from_regex(r"[A-Za-z_][0-9A-Za-z_-]{0,6}", fullmatch=True)
KEYS = st.one_of(
    st.just(""),
    st.from_regex(
        r"[A-Za-z_$][0-9A-Za-z_$-]*(\.([A-Za-z_$][0-9A-Za-z_$-]*|0|[1-9][0-9]*))*", fullmatch=True
    ),
    st.lists(NAMES, min_size=2, max_size=3).map("/".join),
)
PACKAGES = st.one_of(
    st.none(),
    st.just(""),
    st.from_regex(r"[A-Za-z_$][0-9A-Za-z_$.-]*[0-9A-Za-z_$]", fullmatch=True),
)
PACKAGES = PACKAGES.filter(lambda p: p is None or not re.search(r"\.\.|\.-|\.$|\.\$?[0-9]", p))
STRINGS = st.text()
DICT_KEYS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=False),
    st.from_regex(r"[A-Za-z_][0-9A-Za-z_ :,=()\[\]{}\\\t$.%*@?|/+-]*", fullmatch=True).filter(
        lambda key: key.lower() not in KEYWORDS
    ),
)
SCALARS = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), STRINGS)
QUOTED = st.builds(QuotedString, st.text(), st.sampled_from(Quote))
ELEMENTS = st.recursive(
    st.one_of(SCALARS, QUOTED),
    lambda inner: st.one_of(
        st.lists(inner, max_size=3).map(tuple),
        st.dictionaries(DICT_KEYS, inner, max_size=3).map(lambda d: FrozenDict(tuple(d.items()))),
    ),
    max_leaves=8,
)
# What a call's arguments can hold at their top level: quotes are dropped, null is refused.
ARGUMENTS = ELEMENTS.filter(lambda v: not isinstance(v, QuotedString) and v is not None)
TAGS = st.frozensets(st.text(max_size=5), max_size=2)


@st.composite
def choice_sweeps(draw: st.DrawFn) -> ChoiceSweep:
    shape = draw(st.sampled_from(["simple", "shuffled", "tagged-simple", "choice"]))
    if shape == "simple":
        return ChoiceSweep(tuple(draw(st.lists(ELEMENTS, min_size=2, max_size=4))), True)
    if shape == "tagged-simple":
        # Inside a call a simple sweep is written as a cast that leaves its values alone.
        same_type = st.one_of(st.lists(STRINGS, min_size=2), st.lists(st.integers(), min_size=2))
        return ChoiceSweep(tuple(draw(same_type)), True, tags=draw(TAGS))
    values = tuple(draw(st.lists(ARGUMENTS, min_size=1 if shape == "choice" else 0, max_size=4)))
    if shape == "shuffled" and len(values) == 1:
        values = values * 2
    shuffled = shape == "shuffled"
    return ChoiceSweep(values, shuffled, shuffled or draw(st.booleans()), draw(TAGS))


NUMBERS = st.one_of(st.integers(), st.floats())
SWEEPS = st.one_of(
    choice_sweeps(),
    st.builds(RangeSweep, NUMBERS, NUMBERS, NUMBERS.filter(lambda n: n != 0), st.booleans(), TAGS),
    st.builds(IntervalSweep, st.floats(), st.floats(), TAGS),
    st.builds(
        IntervalSweep,
        st.integers(-(2**53), 2**53),
        st.integers(-(2**53), 2**53),
        TAGS,
    ),
    st.builds(Glob, st.lists(STRINGS).map(tuple), st.lists(STRINGS).map(tuple)),
    st.builds(
        ListExtension,
        st.lists(ELEMENTS.filter(lambda v: not isinstance(v, QuotedString))).map(tuple),
    ),
)


@st.composite
def overrides(draw: st.DrawFn) -> Override:
    kind = draw(st.sampled_from(OverrideType))
    has_value = kind is not OverrideType.DELETE or draw(st.booleans())
    value: ParsedValue = draw(st.one_of(ELEMENTS, SWEEPS)) if has_value else None
    return Override(
        type=kind,
        key=draw(KEYS),
        package=draw(PACKAGES),
        value=value,
        has_value=has_value,
        text="",
    )


@settings(max_examples=400)
@given(overrides())
def test_render_then_parse_gives_the_same_override(override: Override) -> None:
    text = render_override(override)
    parsed = parse_override(text)
    assert (parsed.type, parsed.key, parsed.package, parsed.has_value) == (
        override.type,
        override.key,
        override.package,
        override.has_value,
    ), text
    assert values_identical(parsed.value, override.value), text
