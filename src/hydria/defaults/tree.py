"""The defaults tree: the resolver's working nodes, and the two forms that leave it —
the flat merge order (`ResultDefault`s) and the frozen tree (`DefaultsTreeNode`)."""

from __future__ import annotations

from hydria.defaults.element import Element
from hydria.defaults.model import DefaultsTreeNode, ResultDefault
from hydria.record_class import record

EMPTY_PRIMARY = "_dummy_empty_config_"
ROOT = "<root>"


@record(frozen=False)
class Node:
    """A config whose defaults list is being expanded (mutable while the resolver works)."""

    element: Element
    parent: Node | None = None
    children: list[Node | Element] | None = None


def _result_for(tree: Node | None, element: Element) -> ResultDefault | None:
    if element.deleted or element.is_virtual or element.is_missing or element.name is None:
        return None
    if element.is_self:
        assert tree is not None
        owner = tree.element
        if owner.config_path == EMPTY_PRIMARY:
            return None
        grand = tree.parent.element if tree.parent is not None else None
        return ResultDefault(
            config_path=owner.config_path,
            package=owner.final_package(),
            parent=grand.config_path if grand is not None and not grand.is_virtual else None,
            is_self=True,
            primary=owner.primary,
        )
    if element.config_path == EMPTY_PRIMARY:
        return None
    parent = tree.element if tree is not None and not tree.element.is_virtual else None
    return ResultDefault(
        config_path=element.config_path,
        package=element.final_package(),
        parent=parent.config_path if parent is not None else None,
        primary=element.primary,
        override_key=element.override_key if element.is_group else None,
    )


def flatten(tree: Node, out: list[ResultDefault]) -> None:
    """The configs to merge, in merge order: the tree walked depth first."""
    if not tree.children:
        result = _result_for(tree.parent, tree.element)
        if result is not None:
            out.append(result)
        return
    for child in tree.children:
        if isinstance(child, Element):
            result = _result_for(tree, child)
            if result is not None:
                out.append(result)
        else:
            flatten(child, out)


def _holder(tree: Node | None) -> str | None:
    """The config path of the node an entry hangs under (None under the root)."""
    if tree is None or tree.element.is_virtual:
        return None
    return tree.element.config_path


def _leaf(tree: Node | None, element: Element) -> DefaultsTreeNode | None:
    result = _result_for(tree, element)
    if result is None:
        return None
    return DefaultsTreeNode(
        config_path=result.config_path,
        package=result.package,
        parent=_holder(tree),
        is_group=element.is_group and not result.is_self,
        is_self=result.is_self,
        primary=result.primary,
        override_key=result.override_key,
        chosen_by=None if result.is_self else element.chosen_by,
    )


def _records(tree: Node) -> list[DefaultsTreeNode]:
    """What `tree` puts under its parent: one record, or none when nothing of it merges."""
    if not tree.children:
        leaf = _leaf(tree.parent, tree.element)
        return [] if leaf is None else [leaf]
    children = _children(tree)
    if not children:
        return []
    element = tree.element
    return [
        DefaultsTreeNode(
            config_path=element.config_path,
            package=element.final_package(),
            parent=_holder(tree.parent),
            is_group=element.is_group,
            primary=element.primary,
            override_key=element.override_key if element.is_group else None,
            chosen_by=element.chosen_by,
            children=tuple(children),
        )
    ]


def _children(tree: Node) -> list[DefaultsTreeNode]:
    children: list[DefaultsTreeNode] = []
    for child in tree.children or ():
        if isinstance(child, Element):
            leaf = _leaf(tree, child)
            if leaf is not None:
                children.append(leaf)
        else:
            children += _records(child)
    return children


def freeze(top: Node) -> DefaultsTreeNode:
    """The tree as immutable records, holding exactly the entries `flatten` lists.

    Args:
        top: the virtual root the resolver expanded.
    """
    return DefaultsTreeNode(config_path=ROOT, package="", children=tuple(_children(top)))
