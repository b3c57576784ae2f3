"""Candidates from a composed config: its keys at any depth (`db.` → `db.host=`,
`db.port=`), and the values a leaf takes (`trainer.deterministic=` → `true`, `false`).

The config is first reduced to its *shape* (`shape_of`): plain dicts, JSON-able, which
the answer cache keeps between Tabs so that a warm Tab needs neither OmegaConf nor a
composition. A shape node is `{"c": {name: node}}` for a container with keys to offer,
or `{"v": value, "o": [values to offer after key=]}` for anything else (a leaf, or a
container that is None, missing or an interpolation).

Nodes are walked without resolving anything: an interpolation (`${oc.env:X}`) is never
evaluated, as completion must not fail on, or wait for, what a job would compute.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from omegaconf import Node

__all__ = ["Shape", "key_candidates", "leaf_value", "shape_of", "value_candidates"]

Shape = dict[str, Any]
_MISSING = "???"
_PLAIN = (str, int, float, bool, type(None))


def shape_of(node: Node) -> Shape:
    """The shape of a composed config (see the module docstring)."""
    from omegaconf import Container, DictConfig, ListConfig
    from omegaconf.nodes import BooleanNode, EnumNode, ValueNode

    if isinstance(node, Container) and not (
        node._is_none() or node._is_missing() or node._is_interpolation()
    ):
        children: dict[str, Any] = {}
        if isinstance(node, DictConfig):
            children = {str(key): node._get_node(key) for key in node}
        else:
            assert isinstance(node, ListConfig)
            children = {str(i): node._get_node(i) for i in range(len(node))}
        return {"c": {name: shape_of(child) for name, child in children.items()}}
    value: Any = node._value() if isinstance(node, ValueNode) else None
    if isinstance(node, ValueNode) and node._is_missing():
        value = None
    offered: list[str] = []
    if isinstance(node, BooleanNode) or isinstance(value, bool):
        offered = ["false", "true"]
    elif isinstance(node, EnumNode):
        offered = [member.name for member in node.enum_type]
    elif isinstance(node, ValueNode) and not (
        node._is_missing() or node._is_interpolation() or node._is_none()
    ):
        text = str(value)
        if text and text != _MISSING and not any(c.isspace() for c in text) and "$" not in text:
            offered = [text]
    if not isinstance(value, _PLAIN):
        value = str(value)  # an enum member, bytes, a path object: as text
    return {"v": value, "o": offered}


def _node_at(shape: Shape, dotted: str) -> Shape | None:
    node = shape
    for part in dotted.split(".") if dotted else ():
        children = node.get("c")
        if not isinstance(children, dict) or part not in children:
            return None
        node = children[part]
    return node


def key_candidates(shape: Shape, word: str) -> list[str]:
    """The keys completing `word` (`model.opt` → `model.optimizer.`): a key holding a
    mapping or a list ends with `.`, a leaf with `=`.

    Args:
        shape: the composed config's shape.
        word: the dotted key typed so far, without prefix and without `=`.
    """
    base, dot, partial = word.rpartition(".")
    node = _node_at(shape, base)
    children = None if node is None else node.get("c")
    if not isinstance(children, dict):
        return []
    return [
        f"{base}{dot}{name}{'.' if 'c' in child else '='}"
        for name, child in children.items()
        if name.startswith(partial)
    ]


def leaf_value(shape: Shape, key: str) -> object:
    """The unresolved value at `key` when it is a leaf (None otherwise, or when missing)."""
    node = _node_at(shape, key)
    return None if node is None or "c" in node else node.get("v")


def value_candidates(shape: Shape, key: str) -> list[str]:
    """The values to offer after `key=`: a boolean's two, an enum's names, else the
    current value (as Hydra offers it), when it is a plain word.

    Args:
        shape: the composed config's shape.
        key: the dotted key before `=`.
    """
    node = _node_at(shape, key)
    if node is None or "c" in node:
        return []
    offered = node.get("o")
    return [str(v) for v in offered] if isinstance(offered, list) else []
