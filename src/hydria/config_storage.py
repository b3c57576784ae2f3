"""Reading a config's nodes and plain values straight from their storage, and writing a
typed leaf in place.

A job reads a dozen nodes and values of its `hydra` node (its directories, logging,
flags); through OmegaConf's checked accessors each `cfg.hydra.job` costs ~30 µs a level
(validation, flag lookups up the tree), a tenth of a sweep job's own overhead. What a
read here finds is exactly what the accessor would give: a container that holds its
children (a dict or a list in `_content`, OmegaConf 2.1-2.4), or the value a plain leaf
stores, not an interpolation and not `???`. Anything else (an interpolated or null
node, a typed leaf of another kind) is None or `NOT_PLAIN`, and the caller asks
OmegaConf, so results and errors stay OmegaConf's.

A write (`write_leaf`) goes to the leaf's own `_set_value`, which is where a checked
`cfg.hydra.job.num = 3` ends for a leaf of Hydra's schema: the leaf validates and
converts the value and refuses it when read-only (a leaf of a read-only container is left
to the checked route, which refuses it even when the leaf itself is writable). Only such
leaves are written (a typed leaf, or an untyped one given a plain value), as the checked
route would write them in place; a value the leaf refuses is left to the checked route,
which raises OmegaConf's own error. A sweep job writes four (its number, id, override dir
and output dir), and its swept values (`apply_overrides`): ~15 µs each instead of ~100.
`tests/internals/test_private_routes.py` pins `_content`, `_value()` and `_set_value`,
and the flag caches `make_read_only` clears.
"""

from __future__ import annotations

from typing import Any

from omegaconf import (
    AnyNode,
    BooleanNode,
    DictConfig,
    FloatNode,
    IntegerNode,
    ListConfig,
    StringNode,
)

__all__ = [
    "NOT_PLAIN",
    "PLAIN_NODES",
    "PLAIN_VALUES",
    "make_read_only",
    "plain_leaf",
    "stored_node",
    "stored_value",
    "write_leaf",
]

#: the answer when a value is not plain: ask OmegaConf
NOT_PLAIN: Any = object()

#: leaves whose stored value OmegaConf gives back as it is (with the value types below)
PLAIN_NODES = (AnyNode, StringNode, IntegerNode, FloatNode, BooleanNode)
PLAIN_VALUES = (str, int, float, bool, type(None))


def _at(root: Any, key: str) -> Any:
    """The node stored at the dotted `key` under `root`, or None."""
    node = root
    for part in key.split("."):
        if type(node) is not DictConfig:
            return None
        children = node.__dict__.get("_content")
        if type(children) is not dict:
            return None
        node = children.get(part)
        if node is None:
            return None
    return node


def stored_node(root: Any, key: str) -> DictConfig | ListConfig | None:
    """The container at the dotted `key` (`hydra.job`), as `root.hydra.job` gives it, when it
    holds its children; None otherwise (absent, null, `???` or interpolated: ask OmegaConf)."""
    node = _at(root, key)
    kind = type(node)
    if kind is DictConfig:
        return node if type(node.__dict__.get("_content")) is dict else None
    if kind is ListConfig:
        return node if type(node.__dict__.get("_content")) is list else None
    return None


def stored_value(root: Any, key: str) -> Any:
    """The value stored at the dotted `key` (`hydra.job.num`), unresolved, when the leaf is
    a plain node: an interpolation is given as its text, `???` as itself; NOT_PLAIN
    otherwise (absent, a container, another kind of leaf)."""
    node = _at(root, key)
    if type(node) not in PLAIN_NODES:
        return NOT_PLAIN
    value = node._value()
    return value if type(value) in PLAIN_VALUES else NOT_PLAIN


def plain_leaf(root: Any, key: str) -> Any:
    """The value at `key` as the accessor gives it, for a plain leaf holding a literal
    value (not an interpolation, not `???`); NOT_PLAIN otherwise."""
    value = stored_value(root, key)
    if type(value) is str and ("${" in value or value == "???"):
        return NOT_PLAIN
    return value


def write_leaf(root: Any, key: str, value: Any) -> bool:
    """Set the leaf at the dotted `key` to the plain `value` in place, as the checked
    assignment would; False (nothing written) when the leaf is not one to write this
    way or refuses the value: then assign through OmegaConf."""
    if type(value) not in PLAIN_VALUES:
        return False
    node = _at(root, key)
    kind = type(node)
    if kind not in PLAIN_NODES or not (node._has_ref_type() or kind is AnyNode):
        return False
    parent = node.__dict__.get("_parent")
    if parent is not None and parent._get_flag("readonly"):
        return False  # the checked route refuses a read-only container's leaf, even a writable one
    try:
        node._set_value(value)
    except Exception:  # noqa: BLE001 - the checked route raises OmegaConf's own error
        return False
    return True


def make_read_only(container: DictConfig) -> None:
    """`OmegaConf.set_readonly(container, True)`, at a fraction of its cost.

    OmegaConf sets the flag in the container's metadata and then clears the flag caches
    (`_flags_cache`) below it, descending only into nodes whose cache is filled (a node
    whose cache is empty has empty ones below it). Its walk imports three classes per
    container it enters: ~150 µs on a sweep job's `hydra` node, which every job makes
    read-only. This walk clears the same caches; a node of a kind it does not know (a
    union or tuple node of OmegaConf 2.4) is cleared by its own method.
    `tests/internals/test_private_routes.py` compares the flags and caches it leaves
    with OmegaConf's.
    """
    flags = container._metadata.flags
    assert flags is not None  # OmegaConf's own assumption in `_set_flag`
    flags["readonly"] = True
    stack: list[Any] = [container]
    while stack:
        node = stack.pop()
        fields = node.__dict__
        kind = type(node)
        if kind is DictConfig or kind is ListConfig:
            if fields["_flags_cache"] is None:
                continue  # nothing below it is cached either
            fields["_flags_cache"] = None
            content = fields["_content"]
            if type(content) is dict:
                stack.extend(content.values())
            elif type(content) is list:
                stack.extend(content)
        elif kind in PLAIN_NODES:
            fields["_flags_cache"] = None
        else:
            node._invalidate_flags_cache()
