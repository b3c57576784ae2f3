"""The parsed form of an override: immutable records shared by every later stage.

Values keep what the text said (a quoted string stays a `QuotedString`, a
sweep stays a sweep) so an override can be rendered back exactly; `plain_value`
turns a parsed value into the Python value a config receives.
"""

from __future__ import annotations

import enum
from dataclasses import fields
from typing import Union

from hydria.record_class import record


class Quote(enum.Enum):
    """The quote character a string was written with."""

    SINGLE = "'"
    DOUBLE = '"'


@record
class QuotedString:
    """A string written in quotes; `text` holds it with escapes already resolved."""

    text: str
    quote: Quote


@record
class ChoiceSweep:
    """`choice(a, b)` or the simple form `a,b`: each value is one job."""

    values: tuple[ParsedValue, ...]
    simple_form: bool = False
    shuffle: bool = False
    tags: frozenset[str] = frozenset()


@record
class RangeSweep:
    """`range(start, stop, step)`: ints when all three are ints, floats otherwise."""

    start: int | float
    stop: int | float
    step: int | float = 1
    shuffle: bool = False
    tags: frozenset[str] = frozenset()


@record
class IntervalSweep:
    """`interval(start, end)`: a continuous range, only meaningful to optimising sweepers."""

    start: float
    end: float
    tags: frozenset[str] = frozenset()


@record
class Glob:
    """`glob(include, exclude)`: selects config group options by shell pattern."""

    include: tuple[str, ...]
    exclude: tuple[str, ...] = ()


@record
class ZipSweep:
    """`zip(a, b, c)`: like a choice, but every `zip()` override of a sweep is paired with
    the others by position (job i takes value i of each) instead of crossed with them."""

    values: tuple[ParsedValue, ...]


@record
class ListExtension:
    """`extend_list(a, b)`: appends to an existing list instead of replacing it."""

    values: tuple[ParsedValue, ...]


Sweep = ChoiceSweep | RangeSweep | IntervalSweep | Glob | ZipSweep

# A parsed value: primitives, quoted strings, and containers of them. Lists are
# tuples and dicts are `FrozenDict`s so the whole override stays hashable and immutable.
ParsedValue = Union[
    str,
    int,
    float,
    bool,
    None,
    QuotedString,
    "tuple[ParsedValue, ...]",
    "FrozenDict",
    ChoiceSweep,
    RangeSweep,
    IntervalSweep,
    Glob,
    ZipSweep,
    ListExtension,
]


# A dict key as Hydra types it: `{a: 1}` has a str key, `{1: a}` an int, `{true: 1}` a bool.
DictKey = str | int | float | bool | None


@record
class FrozenDict:
    """An ordered, immutable mapping as written in an override (`{a: 1, b: 2}`)."""

    items: tuple[tuple[DictKey, ParsedValue], ...] = ()


class OverrideType(enum.Enum):
    """The prefix of an override: none, `+`, `++` or `~`."""

    CHANGE = ""
    ADD = "+"
    FORCE_ADD = "++"
    DELETE = "~"


@record(kw_only=True)
class Override:
    """One parsed override.

    Attributes:
        type: which prefix it had.
        key: the key or config group, as written (`db.port`, `server/db`, `hydra/launcher`).
        package: the text after `@` (`pkg`, `a.b`, `_global_`, or `""` for a bare `@`), or None.
        value: the parsed value; None for a `~key` with no value.
        has_value: whether `=` was present (`~key` vs `~key=value`; `key=` is an empty string).
        text: the override exactly as given, for messages.
    """

    type: OverrideType
    key: str
    package: str | None
    value: ParsedValue
    has_value: bool
    text: str

    @property
    def is_sweep(self) -> bool:
        return is_sweep_value(self.value)

    @property
    def key_with_package(self) -> str:
        return self.key if self.package is None else f"{self.key}@{self.package}"


def is_hydra_override(override: Override | str) -> bool:
    """Whether an override sets hydria's own config (`hydra.run.dir=...`,
    `hydra/launcher=joblib`, with any prefix) rather than the task's: the one rule
    that splits `hydra.overrides.hydra` from `hydra.overrides.task`, and that hides
    hydra overrides wherever a job's overrides are shown.

    Args:
        override: a parsed override, or the text of one as stored in a record.
    """
    key = override.key if isinstance(override, Override) else _key_of_text(override)
    return key.startswith(("hydra.", "hydra/"))


def _key_of_text(text: str) -> str:
    """The key of an override's text, without parsing its value (`++hydra.a@p=1` →
    `hydra.a`): texts in records were written by hydria from parsed overrides."""
    head = text.lstrip().partition("=")[0]
    head = head[2:] if head.startswith("++") else head.lstrip("+~")
    return head.partition("@")[0].strip()


SWEEP_TYPES = (ChoiceSweep, RangeSweep, IntervalSweep, Glob, ZipSweep)


def is_sweep_value(value: ParsedValue) -> bool:
    """A value is a sweep when its top level is one (sweeps do not nest in containers)."""
    return isinstance(value, SWEEP_TYPES)


PlainValue = str | int | float | bool | None | list["PlainValue"] | dict[DictKey, "PlainValue"]


def plain_value(value: ParsedValue) -> PlainValue:
    """The Python value a config receives: quotes dropped, containers as list/dict.

    Raises:
        TypeError: for sweeps and list extensions, which have no single plain value.
    """
    if isinstance(value, QuotedString):
        return value.text
    if isinstance(value, tuple):
        return [plain_value(v) for v in value]
    if isinstance(value, FrozenDict):
        return {k: plain_value(v) for k, v in value.items}
    if isinstance(value, (ChoiceSweep, RangeSweep, IntervalSweep, Glob, ZipSweep, ListExtension)):
        raise TypeError(f"{type(value).__name__} has no single plain value")
    return value


def values_identical(a: ParsedValue, b: ParsedValue) -> bool:
    """Equality that tells `1`, `1.0` and `True` apart and treats `nan` as equal to itself.

    Plain `==` cannot be used to check that a value survived a round trip: Python
    considers `1 == 1.0 == True`, and `nan != nan`.
    """
    if type(a) is not type(b):
        return False
    if isinstance(a, float) and isinstance(b, float):
        return a == b or (a != a and b != b)
    if isinstance(a, tuple) and isinstance(b, tuple):
        return len(a) == len(b) and all(map(values_identical, a, b))
    if isinstance(a, FrozenDict) and isinstance(b, FrozenDict):
        return _items_identical(a.items, b.items)
    if isinstance(a, (ChoiceSweep, RangeSweep, IntervalSweep, Glob, ZipSweep, ListExtension)):
        # Compare field by field: the values inside need the same care as the top level.
        return all(values_identical(getattr(a, f.name), getattr(b, f.name)) for f in fields(a))
    return a == b


def _items_identical(
    a: tuple[tuple[DictKey, ParsedValue], ...], b: tuple[tuple[DictKey, ParsedValue], ...]
) -> bool:
    return len(a) == len(b) and all(
        values_identical(ka, kb) and values_identical(va, vb)
        for (ka, va), (kb, vb) in zip(a, b, strict=True)
    )


# How error messages name the type of a value.
TYPE_NAMES = {
    str: "a string",
    int: "an int",
    float: "a float",
    bool: "a bool",
    tuple: "a list",
    FrozenDict: "a dict",
    QuotedString: "a quoted string",
    type(None): "null",
    ChoiceSweep: "choice()",
    RangeSweep: "range()",
    IntervalSweep: "interval()",
    Glob: "glob()",
    ZipSweep: "zip()",
    ListExtension: "extend_list()",
}


def describe_type(value: ParsedValue) -> str:
    """How an error message names the type of a value: `an int`, `a list`, `choice()`."""
    return TYPE_NAMES.get(type(value), type(value).__name__)
