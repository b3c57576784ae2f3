"""Targets for the instantiate tests, importable as `inst_targets` (conftest puts this
folder on sys.path)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import attr


class Call:
    """Records exactly what it was called with."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.args = args
        self.kwargs = kwargs

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Call) and (self.args, self.kwargs) == (other.args, other.kwargs)

    def __repr__(self) -> str:
        return f"Call(args={self.args!r}, kwargs={self.kwargs!r})"


def add(a: int, b: int = 0) -> int:
    return a + b


class Adder:
    def __init__(self, base: int) -> None:
        self.base = base

    @classmethod
    def from_two(cls, a: int, b: int) -> Adder:
        return cls(a + b)

    class Inner:
        def __init__(self, value: int = 1) -> None:
            self.value = value


def fails(reason: str = "broken") -> None:
    raise RuntimeError(reason)


NOT_CALLABLE = 42


@dataclass
class User:
    name: str = "bob"
    age: int = 7


@dataclass
class Model:
    _target_: str = "inst_targets.Call"
    user: User = field(default_factory=User)
    layers: int = 2


@attr.s(auto_attribs=True)
class Optim:
    _target_: str = "inst_targets.Call"
    lr: float = 0.1
