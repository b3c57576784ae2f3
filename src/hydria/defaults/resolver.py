"""resolve_defaults(): the primary config plus overrides → the ordered list of configs to merge,
with the tree it was found in (see `tree.py`).

The tree is built the way Hydra 1.3 builds it: each config's defaults list is
walked from the last entry to the first, so `override` entries in later configs
(an experiment appended with `+experiment=...`) are known before the groups
they override are expanded; interpolated options are resolved last, from the
choices made by then.
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from dataclasses import field
from typing import Any

from omegaconf import OmegaConf
from omegaconf.errors import OmegaConfBaseException

from hydria.defaults.element import Element
from hydria.defaults.group_overrides import GroupOverrides
from hydria.defaults.model import DefaultsList, ResultDefault
from hydria.defaults.parse import parse_defaults, split_body
from hydria.defaults.tree import EMPTY_PRIMARY, Node, flatten, freeze
from hydria.errors import (
    DefaultsListError,
    MissingOptionError,
    MissingPrimaryConfigError,
    PluginError,
)
from hydria.overrides import Override
from hydria.record_class import record
from hydria.repository import ConfigRepository, RawConfig
from hydria.version_base import deprecation_warning

HYDRA_CONFIG = "hydra/config"
# How many configs one defaults chain may nest (primary -> a -> b -> ...). Hydra composes
# at least 150; the resolver recurses about 4 frames a level, well inside Python's limit.
MAX_DEFAULTS_DEPTH = 200


@record(frozen=False)
class _Resolution:
    repo: ConfigRepository
    overrides: GroupOverrides
    skip_missing: bool
    # version_base before 1.2: Hydra 1.1's leniencies (see resolve_defaults)
    legacy_1_1: bool = False
    chain: list[str] = field(default_factory=list)

    def load(self, path: str) -> RawConfig | None:
        return self.repo.load(path)


def _add_self_if_absent(node: Element, entries: list[Element]) -> bool:
    has_self = False
    for e in entries:
        if e.is_self:
            if has_self:
                raise DefaultsListError(f"In '{node.config_path}': '_self_' is listed twice")
            has_self = True
    has_non_override = any(not e.override for e in entries)
    if (not has_self and has_non_override) or not entries:
        entries.append(Element(is_group=False, path="_self_"))
    return not has_self


_LEGACY_OVERRIDE = (
    "In {path}: Invalid overriding of {group}:\n"
    "Default list overrides requires 'override' keyword.\n"
    "See https://hydra.cc/docs/1.2/upgrades/1.0_to_1.1/defaults_list_override "
    "for more information.\n"
)


def _register_overrides(
    entries: list[Element], res: _Resolution, parent: Element, interpolated: bool
) -> None:
    last_override: Element | None = None
    for e in entries:
        if e.is_self:
            continue
        e.place(parent.group_path, parent.final_package())
        legacy = res.legacy_1_1 and e.is_group and not e.override and e.path.startswith("hydra/")
        if last_override is not None and not (e.override or e.external_append or legacy):
            raise DefaultsListError(
                f"In '{parent.config_path}': 'override {last_override.describe()}' comes before "
                f"'{e.describe()}'. Overrides must be at the end of the defaults list."
            )
        if legacy:
            e.override = True
            deprecation_warning(_LEGACY_OVERRIDE.format(path=parent.config_path, group=e.path))
        if e.is_group and e.override:
            if not legacy:
                last_override = e
            if interpolated:
                raise DefaultsListError(
                    f"In '{parent.config_path}': 'override {e.describe()}' is not allowed in a "
                    "config chosen through an interpolated option"
                )
            res.overrides.register_override_entry(parent.config_path, e)


def _missing_choice(res: _Resolution, element: Element) -> bool:
    """True when the entry is left as `???` and may be skipped (multirun)."""
    if not element.config_path.endswith("???"):
        return False
    if res.skip_missing:
        return True
    if element.is_group:
        key = element.override_key
        options = res.repo.group_options(element.group_path)
        # Hydra's wording, which users' tests match on
        listed = "".join(f"\n\t{o}" for o in options) if options else " (none found)"
        raise DefaultsListError(
            f"You must specify '{key}', e.g, {key}=<OPTION>\nAvailable options:{listed}"
        )
    raise DefaultsListError(f"'{element.config_path}': a config path cannot be '???'")


def _not_found(
    res: _Resolution, node: Node
) -> MissingOptionError | MissingPrimaryConfigError | PluginError:
    # The wording is Hydra's (users' tests match on it); hydria's own hints come last.
    element = node.element
    searched = "Config search path:\n" + "\n".join(f"\t{entry}" for entry in res.repo.search_path)
    if element.primary:
        primary = MissingPrimaryConfigError(
            f"Cannot find primary config '{element.config_path}'. "
            f"Check that it's in your config search path.\n\n{searched}"
        )
        primary.missing_cfg_file = element.config_path
        return primary
    parent = node.parent.element if node.parent is not None else None
    prefix = f"In '{parent.config_path}': " if parent is not None and not parent.is_virtual else ""
    hints = [f"The option was chosen by {element.chosen_by}."] if element.chosen_by else []
    options: list[str] = []
    if element.is_group:
        group, name = element.group_path, element.name or ""
        # hydra/launcher=rq and the like; only errors pay for importing the table
        from hydria.repository.unsupported_plugins import unsupported_plugin_message

        unsupported = unsupported_plugin_message(group=group, option=name)
        if unsupported is not None:
            origin = f"In {element.chosen_by}: " if element.chosen_by else prefix
            return PluginError(f"{origin}{unsupported}")
        options = res.repo.group_options(group)
        msg = f"Could not find '{group}/{name}'\n"
        if options:
            msg += f"\nAvailable options in '{group}':\n" + "".join(f"\t{o}\n" for o in options)
            close = difflib.get_close_matches(name, options, n=1)
            if close:
                hints.append(f"Did you mean '{close[0]}'?")
        else:
            msg += "\n"
            parent_group, _, leaf = group.rpartition("/")
            hints.append(f"There is no config group '{group}'.")
            close = difflib.get_close_matches(leaf, res.repo.subgroups(parent_group), n=1)
            if close:
                hints.append(
                    f"Did you mean '{(parent_group + '/' if parent_group else '') + close[0]}'?"
                )
    else:
        msg = f"Could not load '{element.config_path}'.\n\n"
    error = MissingOptionError(f"{prefix}{msg}{searched}" + "".join(f"\n{h}" for h in hints))
    error.missing_cfg_file = element.config_path
    error.options = tuple(options) if element.is_group else None
    return error


def _resolve_interpolated(
    element: Element, res: _Resolution, entries: list[Element], owner: str
) -> None:
    text = element.name if element.is_group else element.config_path
    assert isinstance(text, str)
    if "${defaults." in text:
        raise DefaultsListError(
            f"Defaults list entry '{element.override_key}={text}' uses the removed "
            "'${defaults.N...}' form; interpolate the group name instead, e.g. ${db}"
        )
    listed: list[Any] = []
    for e in entries:
        if e.is_self:
            continue
        listed.append({e.override_key: e.value} if e.is_group else e.config_path)
    table: dict[str, Any] = dict(res.overrides.choices)
    table["defaults"] = listed
    probe = "__hydria_interpolated_option__"
    try:
        cfg = OmegaConf.create({**table, probe: text})
        value = cfg[probe]
    except OmegaConfBaseException:
        keys = [k for k in res.overrides.choices if isinstance(k, str) and "/" not in k]
        hint = f"\n  Groups chosen so far: {', '.join(keys)}." if keys else ""
        entry = f"{element.path}: {text}" if element.is_group else text
        raise DefaultsListError(
            f"In '{owner}': could not resolve the interpolated defaults entry '{entry}'. "
            f"An option can only interpolate the choices of other config groups, e.g. "
            f"${{db}}.{hint}"
        ) from None
    if element.is_group:
        element.value = str(value)
    else:
        element.path = str(value)


def _too_deep(chain: list[str], path: str) -> DefaultsListError:
    shown = [*chain, path]
    if len(shown) > 8:
        shown = [*shown[:4], f"... ({len(shown) - 7} more)", *shown[-3:]]
    return DefaultsListError(
        f"The defaults lists nest more than {MAX_DEFAULTS_DEPTH} configs deep: "
        f"{' -> '.join(shown)}. Flatten the chain: list configs side by side in one "
        "defaults list instead of each including the next"
    )


def _expand(res: _Resolution, node: Node, *, is_root: bool, interpolated: bool) -> Node:
    parent = node.element
    if is_root:
        parent.place("", "")
        if parent.path != EMPTY_PRIMARY and res.load(parent.config_path) is None:
            raise _not_found(res, node)
    if not parent.is_missing and not parent.is_options and parent.name is not None:
        header_source = res.load(parent.config_path)
        if header_source is not None:
            parent.set_package_header(header_source.package, legacy_1_1=res.legacy_1_1)
    if res.overrides.is_deleted(parent):
        res.overrides.mark_deleted(parent)
        return node
    res.overrides.record_choice(parent)
    if parent.name is None or _missing_choice(res, parent):
        return node
    path = parent.config_path
    raw = None if parent.path == EMPTY_PRIMARY else res.load(path)
    if raw is None:
        if parent.path == EMPTY_PRIMARY:
            entries: list[Element] = []
        elif parent.optional:
            parent.deleted = True
            return node
        else:
            raise _not_found(res, node)
    else:
        raw_entries, _body = split_body(raw)
        entries = [Element.from_input(d) for d in parse_defaults(raw, raw_entries or [])]
    if path in res.chain:
        cycle = " -> ".join([*res.chain[res.chain.index(path) :], path])
        raise DefaultsListError(f"Cycle in the defaults lists: {cycle}")
    if len(res.chain) >= MAX_DEFAULTS_DEPTH:
        raise _too_deep(res.chain, path)
    res.chain.append(path)
    try:
        _expand_children(res, node, entries, raw, is_root=is_root, interpolated=interpolated)
    finally:
        res.chain.pop()
    return node


def _expand_children(
    res: _Resolution,
    node: Node,
    entries: list[Element],
    raw: RawConfig | None,
    *,
    is_root: bool,
    interpolated: bool,
) -> None:
    parent = node.element
    appends = res.overrides.appends if is_root else []
    self_added = False
    if entries or appends:
        self_added = _add_self_if_absent(parent, entries)
    entries.extend(appends)
    _register_overrides(entries, res, parent, interpolated)

    children: list[Node | Element] = []
    for e in reversed(entries):
        if e.is_self:
            e.place(parent.parent_base_dir or "", parent.own_package())
            children.append(e)
            continue
        if e.override:
            continue
        e.place(parent.group_path, parent.final_package())
        res.overrides.apply_selection(e)
        if e.is_options:
            assert isinstance(e.value, list)
            res.overrides.multi_selected[e.override_key] = list(e.value)
            for item in reversed(e.value):
                if "${" in item:
                    raise DefaultsListError(
                        f"In '{parent.config_path}': options in a list cannot be interpolated "
                        f"({e.path}: {item})"
                    )
                member = Element(
                    is_group=False, path=f"{e.path}/{item}", package=e.package, optional=e.optional
                )
                member.place(parent.group_path, parent.final_package())
                _add_child(res, node, children, member, interpolated)
        elif e.is_interpolation:
            children.append(e)
        else:
            _add_child(res, node, children, e, interpolated)

    considered = [e for e in entries if not (self_added and e.is_self)]
    for i, child in enumerate(children):
        if isinstance(child, Element) and not child.is_self and child.is_interpolation:
            _resolve_interpolated(child, res, considered, parent.config_path)
            child.place(parent.group_path, parent.final_package())
            sub = Node(child, parent=node)
            _expand(res, sub, is_root=False, interpolated=True)
            if sub.children is not None:
                children[i] = sub
    if children:
        node.children = list(reversed(children))


def _add_child(
    res: _Resolution, node: Node, children: list[Node | Element], e: Element, interpolated: bool
) -> None:
    sub = Node(e, parent=node)
    _expand(res, sub, is_root=False, interpolated=interpolated)
    children.append(e if sub.children is None else sub)


def resolve_defaults(
    repo: ConfigRepository,
    config_name: str | None,
    overrides: Sequence[Override],
    *,
    with_hydra: bool = True,
    skip_missing: bool = False,
    legacy_1_1: bool = False,
) -> DefaultsList:
    """Build the defaults list of a primary config under the given overrides.

    Args:
        repo: where configs are looked up.
        config_name: the primary config (`config`, `db/mysql`), or None for none.
        overrides: all parsed overrides; value overrides are passed through untouched.
        with_hydra: put `hydra/config` first, as every real composition does.
        skip_missing: leave groups selected as `???` out instead of failing (multirun).
        legacy_1_1: what a version_base before 1.2 asks for, each with Hydra 1.1's
            warning: an entry `hydra/<group>: option` without the `override` keyword
            overrides that group (instead of being a second selection of it), and a
            `# @package _group_` header means the group's own package.

    Raises:
        MissingPrimaryConfigError, MissingOptionError, DefaultsListError.
    """
    group_overrides = GroupOverrides.from_overrides(overrides, repo.group_exists)
    res = _Resolution(repo, group_overrides, skip_missing, legacy_1_1)
    primary = Element(
        is_group=False, path=EMPTY_PRIMARY if config_name is None else config_name, primary=True
    )
    roots = [Element(is_group=False, path=HYDRA_CONFIG), primary] if with_hydra else [primary]
    virtual = Element(is_group=False, path="<root>", is_virtual=True)
    top = Node(virtual)
    children: list[Node | Element] = []
    for element in reversed(roots):
        element.place("", "")
        sub = Node(element, parent=top)
        _expand(res, sub, is_root=element.primary, interpolated=False)
        children.append(element if sub.children is None else sub)
    top.children = list(reversed(children))
    out: list[ResultDefault] = []
    flatten(top, out)
    seen: set[str] = set()
    for r in out:
        if r.is_self or r.override_key is None:
            continue
        if r.override_key in seen:
            raise DefaultsListError(
                f"Config group '{r.override_key}' appears more than once in the final defaults list"
            )
        seen.add(r.override_key)
    group_overrides.check_all_used()
    return DefaultsList(
        defaults=tuple(out),
        choices=dict(group_overrides.choices),
        config_overrides=tuple(group_overrides.config_overrides),
        tree=freeze(top),
    )
