"""Every way a defaults list can fail: the exception class and the whole message.

Each input here fails in Hydra 1.3.8 too, except the rows marked as hydria
extensions (hydria is stricter, or the syntax is hydria's own). The messages are
hydria's own. `<DIR>` stands for the tree's absolute directory and `<SEARCHED>`
for the search path lines that end a lookup error.

`test_error_class` checks the class alone on every row, so a row whose message
changes still pins which error the input gives.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import hydria
from hydria.defaults import DefaultsList
from hydria.errors import (
    DefaultsListError,
    HydriaError,
    MissingOptionError,
    MissingPrimaryConfigError,
)


def err(
    tree: str,
    config_name: str | None,
    overrides: list[str],
    error: type[HydriaError],
    message: str,
    *,
    id: str,
    marks: Any = (),
) -> Any:
    return pytest.param(tree, config_name, overrides, error, message, id=id, marks=marks)


ERROR_CASES = [
    # ------------------------------------------------------------ lookups
    err(
        "group_default",
        "nosuch",
        [],
        MissingPrimaryConfigError,
        "Cannot find primary config 'nosuch'. Check that it's in your config search path.\n\n"
        "<SEARCHED>",
        id="missing-primary-config",
    ),
    err(
        "err_lookup",
        "bad_option",
        [],
        MissingOptionError,
        "In 'bad_option': Could not find 'db/mysqll'\n\n"
        "Available options in 'db':\n\tmysql\n\tpostgresql\n"
        "<SEARCHED>\n"
        "Did you mean 'mysql'?",
        id="missing-option-close-match",
    ),
    err(
        "err_lookup",
        "no_close",
        [],
        MissingOptionError,
        "In 'no_close': Could not find 'db/oracle'\n\n"
        "Available options in 'db':\n\tmysql\n\tpostgresql\n"
        "<SEARCHED>",
        id="missing-option-no-close-match",
    ),
    err(
        "group_default",
        "config",
        ["db=mysqll"],
        MissingOptionError,
        "In 'config': Could not find 'db/mysqll'\n\n"
        "Available options in 'db':\n\tmysql\n\tpostgresql\n"
        "<SEARCHED>\n"
        "The option was chosen by the override 'db=mysqll'.\n"
        "Did you mean 'mysql'?",
        id="missing-option-from-cli",
    ),
    err(
        "err_lookup",
        "unknown_group",
        [],
        MissingOptionError,
        "In 'unknown_group': Could not find 'dbb/mysql'\n\n"
        "<SEARCHED>\n"
        "There is no config group 'dbb'.\n"
        "Did you mean 'db'?",
        id="unknown-group",
    ),
    err(
        "err_experiment",
        "config",
        ["+experiment=bad"],
        MissingOptionError,
        "In 'config': Could not find 'db/nosuch'\n\n"
        "Available options in 'db':\n\tmysql\n"
        "<SEARCHED>\n"
        "The option was chosen by 'override /db: nosuch' in 'experiment/bad'.",
        id="missing-option-from-override-entry",
    ),
    # ------------------------------------------------------------ duplicates and cycles
    err(
        "err_duplicate",
        "config",
        [],
        DefaultsListError,
        "Config group 'db' is selected twice in the defaults lists: 'mysql', then "
        "'postgresql'. To replace the earlier selection, write 'override db: postgresql' at "
        "the end of the later defaults list.",
        id="duplicate-group-selection",
    ),
    err(
        "group_default",
        "config",
        ["+db=postgresql"],
        DefaultsListError,
        "'+db=postgresql' adds config group 'db', but the defaults list already selects it "
        "('mysql'). To change the selection drop the '+': 'db=postgresql'.",
        id="duplicate-group-from-cli-append",
    ),
    err(
        "err_cycle",
        "a",
        [],
        DefaultsListError,
        "Cycle in the defaults lists: a -> b -> a",
        id="cycle-two-configs",
    ),
    err(
        "err_cycle",
        "self_loop",
        [],
        DefaultsListError,
        "Cycle in the defaults lists: self_loop -> self_loop",
        id="cycle-self",
    ),
    # ------------------------------------------------------------ override
    err(
        "err_override",
        "not_in_list",
        [],
        DefaultsListError,
        "In 'not_in_list': Could not override 'db'. No entry of the defaults list selects "
        "this group.",
        id="override-entry-group-not-in-list",
    ),
    err(
        "err_override",
        "plain",
        ["db=mysql"],
        DefaultsListError,
        "Could not override 'db'. No entry of the defaults list selects this group.\n"
        "To append it to the defaults list use +db=mysql",
        id="override-cli-group-not-in-list",
    ),
    err(
        "group_default",
        "config",
        ["db@backup=postgresql"],
        DefaultsListError,
        "Could not override 'db@backup'. Did you mean to override 'db'?\n"
        "To append it to the defaults list use +db@backup=postgresql",
        id="override-cli-wrong-package",
    ),
    err(
        "package_kw",
        "here",
        ["db=postgresql"],
        DefaultsListError,
        "Could not override 'db'. Did you mean to override 'db@_global_'?\n"
        "To append it to the defaults list use +db=postgresql",
        id="override-cli-group-at-here",
    ),
    err(
        "err_override",
        "order",
        [],
        DefaultsListError,
        "In 'order': 'override db: mysql' comes before 'db: mysql'. Overrides must be at the "
        "end of the defaults list.",
        id="override-before-non-override",
    ),
    err(
        "err_experiment",
        "config",
        ["+experiment=rel"],
        DefaultsListError,
        "In 'experiment/rel': Could not override 'experiment/db@db'. No entry of the defaults "
        "list selects this group.\n"
        "Groups in a defaults list are relative to the config's own folder ('experiment/'); "
        "for the top-level group 'db' write 'override /db: mysql'.",
        id="override-relative-inside-experiment",
    ),
    # ------------------------------------------------------------ malformed defaults
    err(
        "err_entries",
        "not_list",
        [],
        DefaultsListError,
        "In 'not_list' (<DIR>/not_list.yaml): 'defaults' must be a list, got a mapping. "
        "Write it as a YAML list:\n  defaults:\n    - db: mysql",
        id="defaults-not-a-list",
    ),
    err(
        "err_entries",
        "two_keys",
        [],
        DefaultsListError,
        "In 'two_keys' (<DIR>/two_keys.yaml): defaults entry {'db': 'mysql', 'site': 'local'} "
        "has 2 keys; each entry is one 'group: option' pair",
        id="entry-with-two-keys",
    ),
    err(
        "err_entries",
        "bad_keyword",
        [],
        DefaultsListError,
        "In 'bad_keyword' (<DIR>/bad_keyword.yaml): unknown keyword 'optionl' in defaults "
        "entry 'optionl db'; expected 'optional' and/or 'override' before the group name",
        id="unknown-keyword",  # hydria is stricter: Hydra 1.3 reads this as 'db: mysql'
    ),
    err(
        "err_entries",
        "non_string",
        [],
        DefaultsListError,
        "In 'non_string' (<DIR>/non_string.yaml): the option of 'db' must be a config name, "
        "a list of names or null; got int (1)",
        id="non-string-option",
    ),
    err(
        "err_entries",
        "bad_item",
        [],
        DefaultsListError,
        "In 'bad_item' (<DIR>/bad_item.yaml): defaults entry 5 is an int; expected a config "
        "name or a 'group: option' pair",
        id="entry-not-a-name-or-pair",
    ),
    err(
        "err_self",
        "self_twice",
        [],
        DefaultsListError,
        "In 'self_twice': '_self_' is listed twice",
        id="self-twice",
    ),
    err(
        "err_self",
        "self_pkg",
        [],
        DefaultsListError,
        "In 'self_pkg' (<DIR>/self_pkg.yaml): '_self_' cannot take a package ('_self_@foo')",
        id="self-with-package",
    ),
    err(
        "err_missing_choice",
        "config",
        [],
        DefaultsListError,
        "You must specify 'db', e.g, db=<OPTION>\nAvailable options:\n\tmysql\n\tpostgresql",
        id="missing-choice",
    ),
    # ------------------------------------------------------------ deletions
    err(
        "err_override",
        "plain",
        ["~db"],
        DefaultsListError,
        "Could not delete 'db': no match in the defaults list.",
        id="delete-group-not-in-list",
    ),
    err(
        "group_default",
        "config",
        ["~db=postgresql"],
        DefaultsListError,
        "Could not delete 'db=postgresql': no match in the defaults list. 'db' is 'mysql', not "
        "'postgresql'.",
        id="delete-wrong-option",
    ),
    err(
        "options_list",
        "config",
        ["~plugins"],
        DefaultsListError,
        "Could not delete 'plugins': no match in the defaults list. 'plugins' selects a list "
        "of options (a, b); '~' removes a single selection. To select none, write 'plugins=[]'.",
        id="delete-options-list",
    ),
    # ------------------------------------------------------------ command-line forms
    err(
        "group_default",
        "config",
        ["++db=postgresql"],
        DefaultsListError,
        "Override '++db=postgresql': '++' cannot be used with config group 'db'. "
        "Use '+db=postgresql' to add it or 'db=postgresql' to change it.",
        id="force-add-group",
    ),
    err(
        "group_default",
        "config",
        ["db=null"],
        DefaultsListError,
        "Override 'db=null': config group 'db' takes an option name or a list of names, "
        "got null. To remove the group use '~db'.",
        id="group-set-to-null",
    ),
    err(
        "group_default",
        "config",
        ["+db@db:backup=mysql"],
        DefaultsListError,
        "Override '+db@db:backup=mysql': moving a config group to another package "
        "('@db:backup') works only as 'db@db:backup=<option>', without '+'",
        id="move-with-append",  # hydria extension: Hydra 1.3 cannot parse '@src:dst',
    ),
    # ------------------------------------------------------------ interpolated options
    err(
        "err_interp",
        "unresolved",
        [],
        DefaultsListError,
        "In 'unresolved': could not resolve the interpolated defaults entry 'plugins: "
        "${nosuch}'. An option can only interpolate the choices of other config groups, e.g. "
        "${db}.",
        id="interpolation-unresolved",
    ),
    err(
        "err_interp",
        "list_item",
        [],
        DefaultsListError,
        "In 'list_item': options in a list cannot be interpolated (plugins: ${x})",
        id="interpolation-in-options-list",
    ),
]


def _expected_message(message: str, tree: Path) -> str:
    searched = (  # Hydra's wording (users' tests match on it); hydria's hints follow it
        "Config search path:\n"
        "\tprovider=hydra, path=pkg://hydria.builtin.conf\n"
        f"\tprovider=main, path=file://{tree}\n"
        "\tprovider=schema, path=structured://"
    )
    return message.replace("<SEARCHED>", searched).replace("<DIR>", str(tree))


@pytest.mark.parametrize(("tree", "config_name", "overrides", "error", "message"), ERROR_CASES)
def test_error_message(
    data_dir: Path,
    tree: str,
    config_name: str | None,
    overrides: list[str],
    error: type[HydriaError],
    message: str,
) -> None:
    with pytest.raises(HydriaError) as info:
        hydria.compose(config_name, overrides, config_dir=str(data_dir / tree))
    assert type(info.value) is error
    assert str(info.value) == _expected_message(message, data_dir / tree)


def _without_message_marks(cases: list[Any]) -> list[Any]:
    out = []
    for p in cases:
        marks = [m for m in p.marks if "MESSAGE" not in str(m.kwargs.get("reason", ""))]
        out.append(pytest.param(*p.values[:4], id=p.id, marks=marks))
    return out


@pytest.mark.parametrize(
    ("tree", "config_name", "overrides", "error"), _without_message_marks(ERROR_CASES)
)
def test_error_class(
    data_dir: Path,
    tree: str,
    config_name: str | None,
    overrides: list[str],
    error: type[HydriaError],
) -> None:
    with pytest.raises(HydriaError) as info:
        hydria.compose(config_name, overrides, config_dir=str(data_dir / tree))
    assert type(info.value) is error


def test_missing_choice_skipped_when_asked(resolve: Callable[..., DefaultsList]) -> None:
    """`skip_missing` (multirun) leaves a `???` group out instead of failing."""
    result = resolve("err_missing_choice", "config", [], skip_missing=True)
    app = [d.config_path for d in result.defaults if not d.config_path.startswith("hydra/")]
    assert app == ["config"]
    assert result.choices["db"] == "???"
