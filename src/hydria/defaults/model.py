"""Records of the defaults list: entries as written in a config, and the resolved result
(the configs in merge order, and the tree they were found in)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import field

from hydria.overrides import Override
from hydria.record_class import record


@record(kw_only=True)
class ConfigDefault:
    """`- path` or `- path@package`: a config by path (`_self_` is one too)."""

    path: str
    package: str | None = None
    optional: bool = False

    @property
    def is_self(self) -> bool:
        return self.path == "_self_"


@record(kw_only=True)
class GroupDefault:
    """`- [optional] [override] group[@package]: option` (or a list of options, or null)."""

    group: str
    value: str | tuple[str, ...] | None
    package: str | None = None
    optional: bool = False
    override: bool = False
    external_append: bool = False


InputDefault = ConfigDefault | GroupDefault


@record(kw_only=True)
class ResultDefault:
    """One config to merge, in order: which config, at which package, chosen by whom.

    Attributes:
        config_path: the config (`db/mysql`).
        package: where its content lands (`db`, `""` for the root).
        parent: the config whose defaults list brought it in (None for the roots).
        is_self: this entry is the parent's own content (`_self_`).
        primary: this is the primary config's content.
        override_key: `group` or `group@package` for configs chosen from a group.
    """

    config_path: str
    package: str
    parent: str | None = None
    is_self: bool = False
    primary: bool = False
    override_key: str | None = None


@record(kw_only=True)
class DefaultsTreeNode:
    """One entry of the defaults tree, as the resolver found it (`--info defaults-tree`).

    The root is `<root>`; under it come `hydra/config` and the primary config. A config
    with its own defaults list has children, in the order of that list, its content
    standing where its `_self_` entry is. The tree holds exactly the entries that merge
    (the `ResultDefault`s, walked depth first), plus the configs that hold them.

    Attributes:
        config_path: the config (`db/mysql`); for a `_self_` entry, the config it is the
            content of; `<root>` for the root.
        package: where the config's content lands (`db`, `""` for the root).
        parent: the config whose defaults list holds this entry (None under the root).
        is_group: chosen from a config group (`db: mysql`), not named by path.
        is_self: a config's own content (`_self_`).
        primary: the primary config, or its `_self_`.
        override_key: `group` or `group@package`, for group entries.
        chosen_by: what chose the option when it is not the entry as written (an
            override on the command line, an `override` entry), as the resolver's
            messages quote it.
        children: the entries of this config's defaults list, in order; empty for a leaf.
    """

    config_path: str
    package: str
    parent: str | None = None
    is_group: bool = False
    is_self: bool = False
    primary: bool = False
    override_key: str | None = None
    chosen_by: str | None = None
    children: tuple[DefaultsTreeNode, ...] = ()


@record
class DefaultsList:
    """The resolved defaults list and what resolving it found out.

    Attributes:
        defaults: the configs to merge, in merge order.
        choices: every group's final selection (`hydra.runtime.choices`), in the
            order Hydra records them; None where a group was left unselected.
        config_overrides: the overrides that are not group selections, to apply
            to the composed config.
        tree: the tree `defaults` is the depth-first walk of (None when the list was
            not made by the resolver).
    """

    defaults: tuple[ResultDefault, ...]
    choices: Mapping[str, str | None] = field(default_factory=dict)
    config_overrides: tuple[Override, ...] = ()
    tree: DefaultsTreeNode | None = None
