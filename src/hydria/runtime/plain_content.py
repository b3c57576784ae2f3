"""A config node's content read straight from its storage, where that gives OmegaConf's
answer exactly; anything else is left to OmegaConf.

Every job of a sweep dumps its `hydra` node and resolves its directory and logging
nodes. Through OmegaConf's checked accessors that costs a few milliseconds a job, most
of it for plain data: dicts and lists of str, int, float, bool and null, and strings
that only join absolute node references (`${hydra.runtime.output_dir}/${hydra.job.name}.log`),
whose resolution OmegaConf does by parsing them with its ANTLR grammar. Those are
read here: a container's children from `_content` (a dict or a list, OmegaConf
2.1-2.4) and a leaf's value from `_value()`, as `BaseContainer._to_content` reads them,
and a reference through `OmegaConf.select`. Whatever is not plain (an enum or path
node, a `???` or interpolated container, a resolver call, a relative or bracketed
reference, an escape, a value of another type, a reference that does not resolve)
makes the caller use OmegaConf itself, so results and errors stay OmegaConf's.
`tests/runtime/test_plain_content.py` compares both routes on OmegaConf 2.3 and 2.4.
"""

from __future__ import annotations

import re
from enum import Enum
from typing import Any

from omegaconf import (
    AnyNode,
    Container,
    DictConfig,
    EnumNode,
    ListConfig,
    OmegaConf,
    StringNode,
)

from hydria.config_storage import NOT_PLAIN, PLAIN_NODES, PLAIN_VALUES, plain_leaf
from hydria.runtime.resolvers import cached_now

__all__ = [
    "NOT_PLAIN",
    "plain_content",
    "reference_text",
    "resolved_container",
]


_KEY = r"[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*"
#: `${a.b}`: one absolute node reference
_REFERENCE = re.compile(r"\$\{(" + _KEY + r")\}")
#: a `${now:...}` pattern OmegaConf reads as the plain string it is (a `%` makes it no
#: number, bool or null; no quote, escape, space, comma, colon or brace)
_NOW_PATTERN = r"[A-Za-z0-9_.\-/]*%[A-Za-z0-9_%.\-/]*"
#: a reference (group 1) or a call of `now` (group 2)
_PIECE = re.compile(r"\$\{(?:(" + _KEY + r")|now:(" + _NOW_PATTERN + r"))\}")
#: text between references that OmegaConf's grammar keeps as it is (no escape, no brace,
#: no quote, no `$`)
_LITERAL = re.compile(r"[^\\${}'\"]*")


def plain_content(node: Container, *, resolve_in: Container | None = None) -> Any:
    """What `BaseContainer._to_content(node, resolve=..., throw_on_missing=False, ...)`
    gives for `node`, or `NOT_PLAIN`.

    Args:
        node: a `DictConfig` or a `ListConfig`.
        resolve_in: None: unresolved, enums as their names (what `to_yaml` dumps);
            the config root: interpolations resolved in it, enums kept (what
            `OmegaConf.to_container(node, resolve=True)` gives).
    """
    kind = type(node)
    if kind is not DictConfig and kind is not ListConfig:
        return NOT_PLAIN
    stored = node.__dict__.get("_content")
    if stored is None or stored == "???":  # a null or `???` node, given as such
        return stored
    if type(stored) is str and "${" in stored and resolve_in is None:
        return stored  # an interpolated node, unresolved
    if kind is DictConfig:
        children = stored
        if type(children) is not dict:
            return NOT_PLAIN
        out: dict[Any, Any] = {}
        for key, child in children.items():
            if type(key) is not str and type(key) is not int:  # enum keys become names
                return NOT_PLAIN
            value = _child_content(child, resolve_in)
            if value is NOT_PLAIN:
                return NOT_PLAIN
            out[key] = value
        return out
    if type(stored) is not list:
        return NOT_PLAIN
    values = []
    for child in stored:
        value = _child_content(child, resolve_in)
        if value is NOT_PLAIN:
            return NOT_PLAIN
        values.append(value)
    return values


def _child_content(child: Any, resolve_in: Container | None) -> Any:
    kind = type(child)
    if kind in PLAIN_NODES:
        value = child._value()
        if resolve_in is not None and type(value) is str and "${" in value:
            return _resolved(resolve_in, value, kind)
        return value if type(value) in PLAIN_VALUES else NOT_PLAIN
    if kind is EnumNode:  # `hydra.mode`
        value = child._value()
        if isinstance(value, Enum):
            return f"{value.name}" if resolve_in is None else value
        if value is None or (type(value) is str and "${" not in value):  # null, `???`
            return value
        return NOT_PLAIN
    if kind is DictConfig or kind is ListConfig:
        return plain_content(child, resolve_in=resolve_in)
    return NOT_PLAIN


def _resolved(root: Container, text: str, kind: type) -> Any:
    """An interpolated leaf of type `kind`, resolved as OmegaConf resolves it, or NOT_PLAIN.

    A lone reference gives the referenced value (an untyped leaf keeps its type, a
    string leaf converts it with `str`); references inside text are joined with `str`."""
    if kind is not AnyNode and kind is not StringNode:  # OmegaConf would convert
        return NOT_PLAIN
    whole = _REFERENCE.fullmatch(text)
    if whole is not None:
        value = _referenced(root, whole.group(1))
        return str(value) if kind is StringNode and value is not NOT_PLAIN else value
    joined = reference_text(root, text)
    return NOT_PLAIN if joined is None else joined


def reference_text(root: Container, text: str) -> str | None:
    """`text` resolved in `root` when it only joins literal text, absolute node
    references to str or int values and `${now:...}` calls, as OmegaConf joins them
    (`str` of each value; `now` through the root's resolver cache, as OmegaConf calls
    it); None otherwise (OmegaConf must resolve it, and report on it if it fails)."""
    pieces = _PIECE.split(text)  # literal, key, pattern, literal, key, pattern, ..., literal
    if len(pieces) < 4:
        return None
    out = []
    for index in range(0, len(pieces) - 1, 3):
        literal, key, pattern = pieces[index : index + 3]
        if _LITERAL.fullmatch(literal) is None:
            return None
        out.append(literal)
        if key is not None:
            value = _referenced(root, key)
            if value is NOT_PLAIN:
                return None
            out.append(str(value))
            continue
        now = cached_now(root._get_root(), pattern)
        if now is None:
            return None
        out.append(now)
    if _LITERAL.fullmatch(pieces[-1]) is None:
        return None
    out.append(pieces[-1])
    return "".join(out)


def _referenced(root: Container, key: str) -> Any:
    """The value at the absolute `key` if it is a str or an int (not `???`, not an
    interpolation), or NOT_PLAIN."""
    value = plain_leaf(root, key)
    return value if type(value) is str or type(value) is int else NOT_PLAIN


def resolved_container(node: Container) -> Any:
    """`OmegaConf.to_container(node, resolve=True)`, read from storage when it can be."""
    plain = plain_content(node, resolve_in=node._get_root())
    return OmegaConf.to_container(node, resolve=True) if plain is NOT_PLAIN else plain
