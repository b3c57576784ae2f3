"""Records of where a composed config's values came from.

Each key of the config (every mapping, every leaf, every list element) has a
history: the values it took, in the order composition wrote them, each with the
source that wrote it. The last step is what the config holds now, unless it is
a deletion.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Iterator, Mapping
from typing import Any

from hydria.record_class import record

__all__ = [
    "Action",
    "KeyHistory",
    "Origin",
    "OriginKind",
    "Provenance",
    "Step",
    "format_key",
    "key_parts",
]

KeyPath = tuple[str | int, ...]


class OriginKind(enum.Enum):
    CONFIG = "config"  # a config file or a structured config of the ConfigStore
    OVERRIDE = "override"  # a command-line override
    HYDRIA = "hydria"  # hydria itself: the `hydra` node's schema and what a run records


class Action(enum.Enum):
    """How a step changed its key; the value is the wording of an annotation."""

    SET = "from"  # the first value, written with its parent
    ADD = "added by"  # the first value, a key no earlier source had in an existing parent
    OVERRIDE = "overridden by"  # replaced an earlier value
    POPULATE = "populated by"  # filled a mandatory `???`
    DELETE = "deleted by"  # removed (`~key`, or a parent replaced by a value)


@record(kw_only=True)
class Origin:
    """A source that wrote values.

    Attributes:
        kind: config, override or hydria.
        name: the config (`db/mysql`), the override as typed (`db.port=3307`), or `hydria`.
        location: the file relative to its search-path root (`db/mysql.yaml`),
            `structured://db/mysql`, `command line`, or `hydria`.
        filename: the file's absolute path, for configs read from files.
        package: where the config was merged (`db`; `""` for the root).
        position: for an override, its place on the command line (1 is the first).
        chosen_by: the override that selected this config from its group (`db=mysql`).
    """

    kind: OriginKind
    name: str
    location: str
    filename: str | None = None
    package: str = ""
    position: int | None = None
    chosen_by: str | None = None

    @property
    def label(self) -> str:
        """How annotations name it: the file, or the override in quotes."""
        if self.kind is OriginKind.OVERRIDE:
            return f"override '{self.name}'"
        return self.location


@record(kw_only=True)
class Step:
    """One value a key took.

    Attributes:
        action: how it changed the key.
        value: the value as the source wrote it (`'???'` for mandatory; interpolations
            unresolved; a mapping or list as plain data); None for a deletion.
        origin: who wrote it.
        line: the line of the key (or list item) in the origin's file, 1-based.
    """

    action: Action
    value: Any
    origin: Origin
    line: int | None = None

    @property
    def where(self) -> str:
        """`db/mysql.yaml:7`, `override #2 'db.port=3307'`, `hydria`."""
        origin = self.origin
        if origin.kind is OriginKind.OVERRIDE:
            number = f"#{origin.position} " if origin.position is not None else ""
            return f"override {number}'{origin.name}'"
        return origin.location if self.line is None else f"{origin.location}:{self.line}"

    @property
    def annotation(self) -> str:
        """The seed's wording: `from db/base_mysql`, `overridden by db/mysql.yaml`."""
        origin = self.origin
        if self.action is Action.SET and origin.kind is OriginKind.CONFIG:
            # a first value is "from" the config; later changes name the file that made them
            if origin.location.startswith("structured://"):
                return f"from {origin.location}"
            return f"from {origin.name}"
        return f"{self.action.value} {origin.label}"


@record(kw_only=True)
class KeyHistory:
    """Every value one key took, oldest first.

    Attributes:
        key: the full key (`db.port`, `model.layers[1]`).
        steps: the values in the order they were written; never empty.
    """

    key: str
    steps: tuple[Step, ...]

    @property
    def last(self) -> Step:
        return self.steps[-1]

    @property
    def present(self) -> bool:
        """Whether the composed config has the key (the last step is not a deletion)."""
        return self.last.action is not Action.DELETE

    @property
    def value(self) -> Any:
        """The value composition left (None when deleted)."""
        return self.last.value

    @property
    def origin(self) -> Origin:
        """The source of the final value (or of the deletion)."""
        return self.last.origin

    @property
    def replaced(self) -> tuple[Step, ...]:
        """The earlier values, oldest first."""
        return self.steps[:-1]


@record
class Provenance(Mapping[str, KeyHistory]):
    """The history of every key of a composed config, by full key (`db.port`, `xs[0]`).

    Lookups also accept OmegaConf's dotted index form (`xs.0`). Keys that were
    deleted stay in it, with a deletion as their last step.
    """

    histories: Mapping[str, KeyHistory]

    def __getitem__(self, key: str) -> KeyHistory:
        found = self.histories.get(key)  # as written: also serves keys like 3.14
        return found if found is not None else self.histories[format_key(key_parts(key))]

    def __iter__(self) -> Iterator[str]:
        return iter(self.histories)

    def __len__(self) -> int:
        return len(self.histories)

    def __contains__(self, key: object) -> bool:
        if not isinstance(key, str):
            return False
        return key in self.histories or format_key(key_parts(key)) in self.histories


_INDEX = re.compile(r"\[(\d+)\]")


def key_parts(key: str) -> KeyPath:
    """`a.b[0].c` (or `a.b.0.c`) → ('a', 'b', 0, 'c'); a digit segment is an index."""
    parts: list[str | int] = []
    for piece in key.split(".") if key else []:
        name, *indices = _INDEX.split(piece)
        if name:
            parts.append(int(name) if name.isdigit() else name)
        parts += [int(i) for i in indices if i]
    return tuple(parts)


def format_key(parts: KeyPath) -> str:
    """('a', 'b', 0, 'c') → `a.b[0].c`, OmegaConf's way of writing a full key."""
    out = ""
    for part in parts:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else part
    return out
