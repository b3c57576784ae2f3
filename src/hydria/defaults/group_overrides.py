"""The group selections a resolution works with: from the command line and from `override` entries.

Also tracks which were used, so an override that matched nothing is an error
rather than silently ignored, and which choice each group ended up with.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Sequence
from dataclasses import field

from hydria.defaults.element import Element
from hydria.defaults.override_kind import is_value_override
from hydria.errors import DefaultsListError
from hydria.overrides import Override, OverrideType, plain_value
from hydria.record_class import record


@record(frozen=False)
class _Selection:
    value: str | list[str] | None
    from_command_line: bool
    declared_in: str | None = None
    used: bool = False
    move_to: str | None = None  # `group@src:dst=option` moves the entry to package `dst`
    origin: str = ""  # who asked for it, for messages


@record(frozen=False)
class _Deletion:
    name: str | None
    used: bool = False


@record(frozen=False)
class GroupOverrides:
    """Selections, appends and deletions of config groups, with their bookkeeping."""

    selections: dict[str, _Selection] = field(default_factory=dict)
    appends: list[Element] = field(default_factory=list)
    deletions: dict[str, _Deletion] = field(default_factory=dict)
    config_overrides: list[Override] = field(default_factory=list)
    choices: dict[str, str | None] = field(default_factory=dict)
    choices_per_group: dict[str, set[str]] = field(default_factory=dict)
    appended_choice: dict[str, bool] = field(default_factory=dict)
    multi_selected: dict[str, list[str]] = field(default_factory=dict)

    @classmethod
    def from_overrides(
        cls, overrides: Sequence[Override], is_group: Callable[[str], bool]
    ) -> GroupOverrides:
        """Sort overrides into group operations and value overrides.

        Raises:
            DefaultsListError: a group override that cannot work (`++group`, a non-name value).
        """
        self = cls()
        for o in overrides:
            if o.is_sweep:
                continue
            if is_value_override(o, is_group):
                self.config_overrides.append(o)
                continue
            plain = plain_value(o.value) if o.has_value else None
            if o.package is not None and ":" in o.package and o.type is not OverrideType.CHANGE:
                raise DefaultsListError(
                    f"Override '{o.text}': moving a config group to another package "
                    f"('@{o.package}') works only as '{o.key}@{o.package}=<option>', "
                    f"without '{o.type.value}'"
                )
            elif o.type is OverrideType.FORCE_ADD:
                raise DefaultsListError(
                    f"Override '{o.text}': '++' cannot be used with config group '{o.key}'. "
                    f"Use '+{o.text[2:]}' to add it or '{o.text[2:]}' to change it."
                )
            elif o.type is OverrideType.DELETE:
                if plain is not None and not isinstance(plain, str):
                    raise DefaultsListError(
                        f"Override '{o.text}': deleting from config group '{o.key}' takes "
                        f"an option name, got {type(plain).__name__}"
                    )
                self.deletions[o.key_with_package] = _Deletion(plain)
            elif not isinstance(plain, (str, list)) or (
                isinstance(plain, list) and not all(isinstance(v, str) for v in plain)
            ):
                raise DefaultsListError(
                    f"Override '{o.text}': config group '{o.key}' takes an option name or a "
                    f"list of names, got {_type_name(plain)}. To remove the group use '~{o.key}'."
                )
            elif o.type is OverrideType.ADD:
                self.appends.append(
                    Element(
                        is_group=True,
                        path=o.key,
                        value=_option(plain),
                        package=o.package,
                        external_append=True,
                    )
                )
            elif o.package is not None and ":" in o.package:
                self._add_move(o, _option(plain))
            else:
                self.selections[o.key_with_package] = _Selection(
                    _option(plain), from_command_line=True, origin=f"the override '{o.text}'"
                )
        return self

    def _add_move(self, o: Override, option: str | list[str]) -> None:
        """`group@src:dst=option`: select `option` for the entry at `src` and move it to `dst`."""
        assert o.package is not None
        source, _, target = o.package.partition(":")
        default = o.key.replace("/", ".")
        key = o.key if source in (default, "") else f"{o.key}@{source}"
        self.selections[key] = _Selection(
            option, from_command_line=True, move_to=target, origin=f"the override '{o.text}'"
        )

    def register_override_entry(self, containing: str, element: Element) -> None:
        """An `override group: option` entry; the first one seen (the latest in order) wins."""
        key = element.override_key
        if key not in self.selections:
            origin = f"'override {element.path}: {element.value}' in '{containing}'"
            self.selections[key] = _Selection(
                element.value, False, declared_in=containing, origin=origin
            )

    def apply_selection(self, element: Element) -> None:
        if not element.is_group:
            return
        selection = self.selections.get(element.override_key)
        if selection is not None:
            element.value = selection.value
            element.chosen_by = selection.origin
            selection.used = True
            if selection.move_to is not None:
                # absolute, like a package given on the command line for a top-level group
                element.package = (
                    f"_global_.{selection.move_to}" if selection.move_to else "_global_"
                )

    def is_deleted(self, element: Element) -> bool:
        if not element.is_group:
            return False
        deletion = self.deletions.get(element.override_key)
        return deletion is not None and deletion.name in (None, element.name)

    def mark_deleted(self, element: Element) -> None:
        element.deleted = True
        self.deletions[element.override_key].used = True

    def record_choice(self, element: Element) -> None:
        """Note a group's selection; two different selections of one group are an error."""
        if not element.is_group:
            return
        key = element.override_key
        name = element.name
        if key in self.choices and self.choices[key] != name:
            # Lists are walked last entry first: what is recorded already comes later.
            later = self.choices[key]
            if self.appended_choice.get(key):
                raise DefaultsListError(
                    f"'+{key}={later}' adds config group '{key}', but the defaults list "
                    f"already selects it ('{name}'). To change the selection drop the '+': "
                    f"'{key}={later}'."
                )
            raise DefaultsListError(
                f"Config group '{key}' is selected twice in the defaults lists: '{name}', "
                f"then '{later}'. To replace the earlier selection, write "
                f"'override {key}: {later}' at the end of the later defaults list."
            )
        if key not in self.choices:
            self.choices[key] = name
            self.appended_choice[key] = element.external_append
        self.choices_per_group.setdefault(element.group_path, set()).add(key)

    def check_all_used(self) -> None:
        """Raise for a selection or deletion that matched no entry of the defaults list."""
        for key, sel in self.selections.items():
            if not sel.used:
                raise DefaultsListError(self._unused_selection_message(key, sel))
        for key, deletion in self.deletions.items():
            if not deletion.used:
                raise DefaultsListError(self._unused_deletion_message(key, deletion))

    def _unused_selection_message(self, key: str, sel: _Selection) -> str:
        group = key.split("@")[0]
        known = sorted(self.choices_per_group.get(group, ()))
        if known:
            hint = f"Did you mean to override {' or '.join(repr(k) for k in known)}?"
        else:
            hint = "No entry of the defaults list selects this group."
        msg = f"Could not override '{key}'. {hint}"
        if sel.declared_in is not None:
            msg = f"In '{sel.declared_in}': {msg}"
            folder = sel.declared_in.rpartition("/")[0]
            if folder and group.startswith(folder + "/"):
                relative = group[len(folder) + 1 :]
                msg += (
                    f"\nGroups in a defaults list are relative to the config's own folder "
                    f"('{folder}/'); for the top-level group '{relative}' write "
                    f"'override /{relative}: {sel.value}'."
                )
        if sel.from_command_line:
            shown = ",".join(sel.value) if isinstance(sel.value, list) else sel.value
            msg += f"\nTo append it to the defaults list use +{key}={shown}"
        return msg

    def _unused_deletion_message(self, key: str, deletion: _Deletion) -> str:
        desc = key if deletion.name is None else f"{key}={deletion.name}"
        msg = f"Could not delete '{desc}': no match in the defaults list."
        selected = self.choices.get(key)
        if key in self.multi_selected:
            options = ", ".join(self.multi_selected[key])
            return (
                f"{msg} '{key}' selects a list of options ({options}); '~' removes a single "
                f"selection. To select none, write '{key}=[]'."
            )
        if deletion.name is not None and key in self.choices:
            return f"{msg} '{key}' is '{selected}', not '{deletion.name}'."
        user_groups = [
            g
            for g in self.choices_per_group
            if g != key and (key.startswith("hydra/") or not g.startswith("hydra/"))
        ]
        return msg + _did_you_mean(key.split("@")[0], user_groups, "Groups in it")


def _option(value: object) -> str | list[str]:
    """A checked group selection: one option name or a list of names."""
    if isinstance(value, str):
        return value
    assert isinstance(value, list)
    return [str(v) for v in value]


def _type_name(value: object) -> str:
    return "null" if value is None else type(value).__name__


def _did_you_mean(word: str, candidates: list[str], label: str) -> str:
    close = difflib.get_close_matches(word, candidates, n=1)
    if close:
        return f" Did you mean '{close[0]}'?"
    if candidates:
        return f" {label}: {', '.join(sorted(candidates))}."
    return ""
