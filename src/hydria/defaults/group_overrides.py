"""The group selections a resolution works with: from the command line and from `override` entries.

Also tracks which were used, so an override that matched nothing is an error
rather than silently ignored, and which choice each group ended up with.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from hydria.defaults.element import Element
from hydria.errors import DefaultsListError
from hydria.overrides import ListExtension, Override, OverrideType, plain_value


@dataclass(slots=True)
class _Selection:
    value: str | list[str] | None
    from_command_line: bool
    declared_in: str | None = None
    used: bool = False


@dataclass(slots=True)
class _Deletion:
    name: str | None
    used: bool = False


@dataclass(slots=True)
class GroupOverrides:
    """Selections, appends and deletions of config groups, with their bookkeeping."""

    selections: dict[str, _Selection] = field(default_factory=dict)
    appends: list[Element] = field(default_factory=list)
    deletions: dict[str, _Deletion] = field(default_factory=dict)
    config_overrides: list[Override] = field(default_factory=list)
    choices: dict[str, str | None] = field(default_factory=dict)
    choices_per_group: dict[str, set[str]] = field(default_factory=dict)

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
            if isinstance(o.value, ListExtension) or not is_group(o.key):
                self.config_overrides.append(o)
                continue
            plain = plain_value(o.value) if o.has_value else None
            if isinstance(plain, dict):
                self.config_overrides.append(o)
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
            else:
                self.selections[o.key_with_package] = _Selection(
                    _option(plain), from_command_line=True
                )
        return self

    def register_override_entry(self, containing: str, element: Element) -> None:
        """An `override group: option` entry; the first one seen (the latest in order) wins."""
        key = element.override_key
        if key not in self.selections:
            self.selections[key] = _Selection(element.value, False, declared_in=containing)

    def apply_selection(self, element: Element) -> None:
        if not element.is_group:
            return
        selection = self.selections.get(element.override_key)
        if selection is not None:
            element.value = selection.value
            selection.used = True

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
            previous = self.choices[key]
            raise DefaultsListError(
                f"Config group '{key}' is selected twice: '{previous}' and '{name}'. "
                f"To replace a selection made earlier in the defaults list, write "
                f"'override {key}: {name}'."
            )
        self.choices.setdefault(key, name)
        self.choices_per_group.setdefault(element.group_path, set()).add(key)

    def check_all_used(self) -> None:
        """Raise for a selection or deletion that matched no entry of the defaults list."""
        for key, sel in self.selections.items():
            if sel.used:
                continue
            group = key.split("@")[0]
            known = sorted(self.choices_per_group.get(group, ()))
            if known:
                hint = f"Did you mean to override {' or '.join(repr(k) for k in known)}?"
            else:
                hint = "No entry of the defaults list selects this group."
            msg = f"Could not override '{key}'. {hint}"
            if sel.declared_in is not None:
                msg = f"In '{sel.declared_in}': {msg}"
            if sel.from_command_line:
                shown = ",".join(sel.value) if isinstance(sel.value, list) else sel.value
                msg += f"\nTo append it to the defaults list use +{key}={shown}"
            raise DefaultsListError(msg)
        for key, deletion in self.deletions.items():
            if not deletion.used:
                desc = key if deletion.name is None else f"{key}={deletion.name}"
                group = key.split("@")[0]
                hint = ""
                if deletion.name is not None:
                    selected = self.choices.get(key)
                    if selected is not None:
                        hint = f" ('{key}' is '{selected}')"
                raise DefaultsListError(
                    f"Could not delete '{desc}': no match in the defaults list{hint}."
                    + _did_you_mean(group, list(self.choices_per_group), "Groups in it")
                )


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
