"""`@record` behaves as the dataclass it replaces: the same class body made with
`dataclasses.dataclass(frozen=True, slots=True)` and with `record` answer alike."""

from __future__ import annotations

import copy
import dataclasses
import inspect
import pickle
from dataclasses import InitVar, dataclass, field
from typing import Any

import pytest

from hydria.record_class import record


def _point(make: Any) -> Any:
    class Point:
        """A point."""

        x: int
        label: str = "p"
        tags: list[str] = field(default_factory=list, hash=False)
        note: str = field(default="", compare=False, repr=False)

    return make(Point)


def _options(make: Any) -> Any:
    class Options:
        name: str
        level: int = 0

        def __post_init__(self) -> None:
            if self.level < 0:
                raise ValueError("level must be >= 0")

    return make(Options)


FROZEN = [
    pytest.param(lambda c: dataclass(frozen=True, slots=True)(c), id="dataclass"),
    pytest.param(record, id="record"),
]
KW_ONLY = [
    pytest.param(lambda c: dataclass(frozen=True, slots=True, kw_only=True)(c), id="dataclass"),
    pytest.param(lambda c: record(kw_only=True)(c), id="record"),
]


@pytest.mark.parametrize("make", FROZEN)
def test_values_compare_hash_and_print_as_a_frozen_dataclass_s(make: Any) -> None:
    Point = _point(make)
    a, b = Point(1, tags=["t"]), Point(1, "p", ["t"], note="ignored by eq")
    assert a == b and hash(Point(1)) == hash(Point(1, "p"))
    assert a != Point(2, tags=["t"]) and a != (1, "p", ["t"])
    assert repr(a) == "_point.<locals>.Point(x=1, label='p', tags=['t'])"
    assert Point(1).tags is not Point(1).tags  # a fresh default each time
    assert Point.__doc__ == "A point."
    assert Point.__match_args__ == ("x", "label", "tags", "note")
    assert not hasattr(a, "__dict__")


@pytest.mark.parametrize("make", FROZEN)
def test_fields_cannot_be_set_or_deleted(make: Any) -> None:
    point = _point(make)(1)
    with pytest.raises(dataclasses.FrozenInstanceError):
        point.x = 2
    with pytest.raises(dataclasses.FrozenInstanceError):
        del point.label
    assert point.x == 1


@pytest.mark.parametrize("make", FROZEN)
def test_dataclasses_functions_pickle_and_copy_work(make: Any) -> None:
    Point = _point(make)
    globals()["Point"] = Point  # pickle finds classes by their module and name
    Point.__qualname__ = "Point"
    try:
        point = Point(3, "q", ["a"])
        assert dataclasses.is_dataclass(point)
        assert [f.name for f in dataclasses.fields(Point)] == ["x", "label", "tags", "note"]
        assert dataclasses.asdict(point) == {"x": 3, "label": "q", "tags": ["a"], "note": ""}
        assert dataclasses.replace(point, x=4) == Point(4, "q", ["a"])
        for protocol in range(2, pickle.HIGHEST_PROTOCOL + 1):
            assert pickle.loads(pickle.dumps(point, protocol)) == point
        deep = copy.deepcopy(point)
        assert deep == point and deep.tags is not point.tags
        assert copy.copy(point) == point
    finally:
        del globals()["Point"]


@pytest.mark.parametrize("make", KW_ONLY)
def test_keyword_only_fields_and_post_init(make: Any) -> None:
    Options = _options(make)
    assert Options(name="n").level == 0
    with pytest.raises(TypeError):
        Options("n")
    with pytest.raises(ValueError, match="level must be >= 0"):
        Options(name="n", level=-1)


def test_eq_false_keeps_identity() -> None:
    @record(eq=False)
    class Handle:
        value: int

    one = Handle(1)
    assert one == one and one != Handle(1)
    assert hash(one) == object.__hash__(one)


def test_a_method_the_class_defines_is_kept() -> None:
    @record
    class Loud:
        value: int

        def __repr__(self) -> str:
            return "LOUD"

        def __eq__(self, other: object) -> bool:
            return True

        def __hash__(self) -> int:
            return 7

    assert repr(Loud(1)) == "LOUD" and Loud(1) == 3 and hash(Loud(2)) == 7


def test_an_eq_of_its_own_gets_the_fields_hash_as_a_dataclass_does() -> None:
    @record
    class Keyed:
        value: int

        def __eq__(self, other: object) -> bool:
            return isinstance(other, Keyed) and other.value == self.value

    assert hash(Keyed(1)) == hash(Keyed(1))


def test_a_mutable_record_assigns_compares_and_is_unhashable() -> None:
    @record(frozen=False)
    class State:
        items: list[int] = field(default_factory=list)
        count: int = 0

    state = State()
    state.count += 1
    state.items.append(1)
    assert state == State([1], 1) and repr(state) == (f"{State.__qualname__}(items=[1], count=1)")
    with pytest.raises(TypeError, match="unhashable"):
        hash(state)


def test_a_mutable_record_without_slots_is_a_structured_config() -> None:
    from omegaconf import OmegaConf

    @record(frozen=False, slots=False)
    class Schema:
        name: str = "n"
        size: int = 1

    cfg = OmegaConf.structured(Schema)
    assert cfg.size == 1 and OmegaConf.get_type(cfg) is Schema
    with pytest.raises(Exception, match="size"):
        cfg.size = "big"
    assert OmegaConf.to_object(cfg) == Schema("n", 1)


def test_fields_it_does_not_support_are_refused_when_the_class_is_made() -> None:
    with pytest.raises(TypeError, match="init=False fields and InitVar"):

        @record
        class Hidden:
            value: int = field(default=0, init=False)

    with pytest.raises(TypeError, match="init=False fields and InitVar"):

        @record
        class WithInitVar:
            seed: InitVar[int]


def test_a_required_field_after_a_default_is_refused_as_dataclasses_refuse_it() -> None:
    with pytest.raises(TypeError):

        @record
        class Misordered:
            first: int = 0
            second: int  # type: ignore[misc]


def test_an_undocumented_record_is_documented_by_its_fields() -> None:
    @record
    class Bare:
        a: int
        b: int = 0

    assert Bare.__doc__ == "Bare(a, b)"


def test_init_is_compiled_when_the_first_value_is_made() -> None:
    @record(kw_only=True)
    class Point:
        x: int
        y: int = 0

    class Labelled(Point):  # a plain subclass inherits the compiled __init__
        pass

    lazy = vars(Point)["__init__"]
    assert Labelled(x=1) == Labelled(x=1, y=0)  # through the subclass: Point's is compiled
    compiled = vars(Point)["__init__"]
    assert compiled is not lazy
    assert list(inspect.signature(Point).parameters) == ["x", "y"]
    assert Point(x=2, y=3).y == 3 and vars(Point)["__init__"] is compiled
    with pytest.raises(TypeError):
        Point(1)  # type: ignore[misc]


def test_a_misordered_field_is_named_when_the_class_is_made() -> None:
    with pytest.raises(TypeError, match="non-default argument 'second' follows default argument"):

        @record
        class Misordered:
            first: int = dataclasses.field(default_factory=int)
            second: int  # type: ignore[misc]

    @record
    class KeywordAfterDefault:  # a keyword-only required field may follow a default
        first: int = 0
        second: int = dataclasses.field(kw_only=True)

    assert KeywordAfterDefault(second=2).first == 0
