"""`@record`: the frozen, slotted dataclass that values between stages are, made cheaply.

STYLE.md §3 makes every value between stages a frozen dataclass, and a command line
loads about fifty of them. On CPython 3.10–3.12, `@record`
compiles five or six generated methods per class (`__init__`, `__repr__`, `__eq__`,
`__hash__`, `__setattr__`, `__delattr__`), ~0.7 ms a class: a third of a no-op run's
own time went into it. A record compiles only its `__init__` (the one method whose
speed matters per value), and only when its first value is made; the others are
shared functions built from the field names with `operator.attrgetter`, so comparing
and hashing stay in C.

What a caller sees is what a frozen dataclass gives: `dataclasses.fields`,
`replace`, `asdict` and `is_dataclass` work; assigning or deleting a field raises
`dataclasses.FrozenInstanceError`; equality compares the fields of two values of the
same class (`eq=False` keeps identity); the hash is the fields'; `repr` lists them;
pickling and `copy` round-trip. A method the class body defines itself is kept.
Type checkers see a frozen dataclass through `dataclass_transform`.

Fields are plain: defaults and `default_factory`, `kw_only` per class or per field,
`compare`/`hash`/`repr` per field, and `__post_init__`. `init=False` fields and
`InitVar` are refused when the class is defined, rather than half supported.

Standard library only: every layer may use it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from operator import attrgetter
from typing import TYPE_CHECKING, Any, TypeVar, cast, overload

if TYPE_CHECKING:
    from typing_extensions import dataclass_transform
else:

    def dataclass_transform(**_options: Any) -> Callable[[Any], Any]:
        return lambda decorator: decorator


__all__ = ["record"]

_T = TypeVar("_T", bound=type)


@overload
def record(cls: _T, /) -> _T: ...


@overload
def record(
    *, kw_only: bool = False, eq: bool = True, frozen: bool = True, slots: bool = True
) -> Callable[[_T], _T]: ...


@dataclass_transform(frozen_default=True, field_specifiers=(dataclasses.field,))
def record(
    cls: _T | None = None,
    /,
    *,
    kw_only: bool = False,
    eq: bool = True,
    frozen: bool = True,
    slots: bool = True,
) -> _T | Callable[[_T], _T]:
    """Make `cls` a frozen slotted dataclass (see the module docstring for the why).

    Args:
        cls: the class, when used bare as `@record`.
        kw_only: every field is keyword-only (as `dataclass(kw_only=True)`).
        eq: compare and hash by fields; `False` keeps object identity, as
            `dataclass(eq=False)`.
        frozen: `False` for a mutable class (a builder's working state, a structured
            config schema): fields can be set, and with `eq` it is unhashable, as a
            mutable dataclass is.
        slots: `False` keeps a `__dict__` (as `dataclass(slots=False)`).
    """

    def build(plain: _T) -> _T:
        return _build(plain, kw_only=kw_only, eq=eq, frozen=frozen, slots=slots)

    return build if cls is None else build(cls)


def _build(plain: _T, *, kw_only: bool, eq: bool, frozen: bool, slots: bool) -> _T:
    own = set(vars(plain))
    undocumented = plain.__doc__ is None
    if undocumented:  # else dataclasses asks `inspect` for object.__init__'s signature (slow)
        plain.__doc__ = plain.__qualname__
    # dataclasses collects the fields, resolves kw_only and makes the slotted class;
    # with every generated method switched off it compiles nothing.
    cls: Any = dataclasses.dataclass(
        plain, init=False, repr=False, eq=False, frozen=False, slots=slots, kw_only=kw_only
    )
    declared: dict[str, dataclasses.Field[Any]] = vars(cls)["__dataclass_fields__"]
    fields = dataclasses.fields(cls)
    init_vars = [f for f in declared.values() if "InitVar" in str(f.type)]
    if init_vars or not all(field.init for field in fields):
        raise TypeError(
            f"@record {plain.__qualname__}: init=False fields and InitVar are not "
            "supported; use a dataclass"
        )
    names = tuple(field.name for field in fields)
    if undocumented:
        cls.__doc__ = f"{plain.__name__}({', '.join(names)})"
    _check_order(plain, fields)
    cls.__init__ = _lazy_init(cls, fields, frozen=frozen)
    _set_unless_own(cls, own, "__repr__", _repr_function(fields))
    if frozen:
        _set_unless_own(cls, own, "__setattr__", _refuse_setattr)
        _set_unless_own(cls, own, "__delattr__", _refuse_delattr)
        # the default `__setstate__` of a slotted class assigns: it would be refused
        _set_unless_own(cls, own, "__getstate__", _state_getter(_tuple_of(names)))
        _set_unless_own(cls, own, "__setstate__", _state_setter(names))
    if eq:
        compared = _tuple_of(tuple(f.name for f in fields if f.compare))
        hashed = _tuple_of(
            tuple(f.name for f in fields if (f.compare if f.hash is None else f.hash))
        )
        _set_unless_own(cls, own, "__eq__", _eq_function(compared))
        explicit_hash = "__hash__" in own and not (
            vars(plain)["__hash__"] is None and "__eq__" in own
        )
        if not explicit_hash:
            cls.__hash__ = _hash_function(hashed) if frozen else None
    return cast(_T, cls)


def _set_unless_own(cls: type, own: set[str], name: str, value: Any) -> None:
    if name not in own:
        setattr(cls, name, value)


def _tuple_of(names: tuple[str, ...]) -> Callable[[Any], tuple[Any, ...]]:
    """The values of `names` as a tuple, read in C (`attrgetter` unwraps a single name)."""
    if len(names) == 1:
        single = attrgetter(names[0])
        return lambda value: (single(value),)
    if not names:
        return lambda value: ()
    return attrgetter(*names)


def _check_order(plain: type, fields: tuple[dataclasses.Field[Any], ...]) -> None:
    """A required positional field after one with a default is refused when the class is
    made, as dataclasses refuse it (its `__init__` could not be compiled)."""
    defaulted: str | None = None
    for field in fields:
        if field.kw_only:
            continue
        if field.default is not dataclasses.MISSING or (
            field.default_factory is not dataclasses.MISSING
        ):
            defaulted = field.name
        elif defaulted is not None:
            raise TypeError(
                f"@record {plain.__qualname__}: non-default argument {field.name!r} "
                f"follows default argument {defaulted!r}"
            )


def _lazy_init(cls: type, fields: tuple[dataclasses.Field[Any], ...], *, frozen: bool) -> Any:
    """An `__init__` compiled on the class's first instantiation, which then takes its
    place. A command line defines ~60 records and makes values of ~25: the others (the
    `hydra` node's schema, unpickled without `__init__`; the override records of a
    command line without overrides) never pay the ~0.5 ms compile."""

    def __init__(self: Any, *args: Any, **kwargs: Any) -> None:
        compiled = _init_function(cls, fields, frozen=frozen)
        if vars(cls).get("__init__") is __init__:  # two threads may compile: same code
            type.__setattr__(cls, "__init__", compiled)
        compiled(self, *args, **kwargs)

    __init__.__qualname__ = f"{cls.__qualname__}.__init__"
    __init__.__module__ = cls.__module__
    return __init__


def _init_function(cls: type, fields: tuple[dataclasses.Field[Any], ...], *, frozen: bool) -> Any:
    """Compile `__init__` as dataclasses would: a frozen record's fields are set with
    `object.__setattr__`, a mutable one's by plain assignment."""
    namespace: dict[str, Any] = {"__set": object.__setattr__, "__factory_sentinel": _NO_VALUE}
    positional: list[str] = []
    keyword: list[str] = []
    body: list[str] = []
    for index, field in enumerate(fields):
        name = field.name
        if field.default is not dataclasses.MISSING:
            namespace[f"__default_{index}"] = field.default
            parameter = f"{name}=__default_{index}"
            value = name
        elif field.default_factory is not dataclasses.MISSING:
            namespace[f"__factory_{index}"] = field.default_factory
            parameter = f"{name}=__factory_sentinel"
            value = f"__factory_{index}() if {name} is __factory_sentinel else {name}"
        else:
            parameter = name
            value = name
        (keyword if field.kw_only else positional).append(parameter)
        body.append(f"  __set(self, {name!r}, {value})" if frozen else f"  self.{name} = {value}")
    if hasattr(cls, "__post_init__"):
        body.append("  self.__post_init__()")
    parameters = ", ".join(["self", *positional, *(["*", *keyword] if keyword else [])])
    source = f"def __init__({parameters}):\n" + ("\n".join(body) or "  pass") + "\n"
    try:
        exec(source, namespace)  # noqa: S102 - the source is built from field names only
    except SyntaxError as error:
        raise TypeError(f"@record {cls.__qualname__}: {error.msg}") from None
    init = namespace["__init__"]
    init.__qualname__ = f"{cls.__qualname__}.__init__"
    init.__module__ = cls.__module__
    return init


class _NoValue:
    __slots__ = ()

    def __repr__(self) -> str:
        return "<factory default>"


_NO_VALUE = _NoValue()


def _repr_function(fields: tuple[dataclasses.Field[Any], ...]) -> Callable[[Any], str]:
    shown = tuple(f.name for f in fields if f.repr)

    def __repr__(self: Any) -> str:
        parts = ", ".join(f"{name}={getattr(self, name)!r}" for name in shown)
        return f"{type(self).__qualname__}({parts})"

    return __repr__


def _eq_function(values: Callable[[Any], tuple[Any, ...]]) -> Callable[[Any, Any], Any]:
    def __eq__(self: Any, other: Any) -> Any:
        if other.__class__ is self.__class__:
            return values(self) == values(other)
        return NotImplemented

    return __eq__


def _hash_function(values: Callable[[Any], tuple[Any, ...]]) -> Callable[[Any], int]:
    def __hash__(self: Any) -> int:
        return hash(values(self))

    return __hash__


def _refuse_setattr(self: Any, name: str, value: Any) -> None:
    raise dataclasses.FrozenInstanceError(f"cannot assign to field {name!r}")


def _refuse_delattr(self: Any, name: str) -> None:
    raise dataclasses.FrozenInstanceError(f"cannot delete field {name!r}")


def _state_getter(values: Callable[[Any], tuple[Any, ...]]) -> Callable[[Any], tuple[Any, ...]]:
    def __getstate__(self: Any) -> tuple[Any, ...]:
        return values(self)

    return __getstate__


def _state_setter(names: tuple[str, ...]) -> Callable[[Any, tuple[Any, ...]], None]:
    set_field = object.__setattr__

    def __setstate__(self: Any, state: tuple[Any, ...]) -> None:
        for name, value in zip(names, state, strict=True):
            set_field(self, name, value)

    return __setstate__
