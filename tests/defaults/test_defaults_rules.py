"""Hydra 1.3's defaults-list rules, one tiny config tree under `data/` per rule.

Every expected config and choice in these tables is what Hydra 1.3.8 composes
from the same tree and overrides (with `version_base=None`), except rows marked
as hydria extensions. Configs are compared with their key order, which shows
the merge order.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import hydria
from hydria.defaults import DefaultsList, ResultDefault

MYSQL = {"driver": "mysql", "port": 3306}
POSTGRESQL = {"driver": "postgresql", "port": 5432}


def case(
    tree: str,
    config_name: str | None,
    overrides: list[str],
    config: dict[str, Any],
    choices: dict[str, Any],
    *,
    id: str,
    marks: Any = (),
) -> Any:
    return pytest.param(tree, config_name, overrides, config, choices, id=id, marks=marks)


COMPOSE_CASES = [
    # ------------------------------------------------------------ group defaults
    case(
        "group_default",
        "config",
        [],
        {"db": MYSQL, "app": "demo"},
        {"db": "mysql"},
        id="group-default",
    ),
    case(
        "group_default",
        "config",
        ["db=postgresql"],
        {"db": POSTGRESQL, "app": "demo"},
        {"db": "postgresql"},
        id="cli-select",
    ),
    case(
        "group_default",
        "config",
        ["db=mysql", "db=postgresql"],
        {"db": POSTGRESQL, "app": "demo"},
        {"db": "postgresql"},
        id="cli-two-selections-last-wins",
    ),
    case(
        "group_default",
        "config",
        ["db=postgresql", "db=mysql"],
        {"db": MYSQL, "app": "demo"},
        {"db": "mysql"},
        id="cli-two-selections-last-wins-reversed",
    ),
    case(
        "group_default",
        "config",
        ["db.port=1", "db=postgresql"],
        {"db": {"driver": "postgresql", "port": 1}, "app": "demo"},
        {"db": "postgresql"},
        id="cli-group-override-after-value-override",
    ),
    case(
        "group_default",
        "config",
        ["db=postgresql", "db.port=1"],
        {"db": {"driver": "postgresql", "port": 1}, "app": "demo"},
        {"db": "postgresql"},
        id="cli-group-override-before-value-override",
    ),
    case("group_default", "config", ["~db"], {"app": "demo"}, {}, id="cli-delete-group"),
    case("group_default", "config", ["~db=mysql"], {"app": "demo"}, {}, id="cli-delete-option"),
    case(
        "group_default",
        "config",
        ["+db@backup=postgresql"],
        {"db": MYSQL, "app": "demo", "backup": POSTGRESQL},
        {"db@backup": "postgresql", "db": "mysql"},
        id="cli-append-at-package",
    ),
    case(
        "group_default",
        "config",
        ["db=[mysql,postgresql]"],
        {"db": POSTGRESQL, "app": "demo"},
        {},
        id="cli-options-list",
    ),
    case(
        "group_default",
        "config",
        ["db=[mysql]"],
        {"db": MYSQL, "app": "demo"},
        {},
        id="cli-options-list-of-one",
    ),
    # ------------------------------------------------------------ the primary config
    case("group_default", None, [], {}, {}, id="config-name-none"),
    case(
        "group_default",
        None,
        ["+db=mysql", "db.port=1"],
        {"db": {"driver": "mysql", "port": 1}},
        {"db": "mysql"},
        id="config-name-none-append-group",
    ),
    case(
        "group_default",
        None,
        ["+db=[mysql,postgresql]"],
        {"db": POSTGRESQL},
        {},
        id="config-name-none-append-options-list",
    ),
    case(
        "group_default",
        "config.yaml",
        [],
        {"db": MYSQL, "app": "demo"},
        {"db": "mysql"},
        id="config-name-with-suffix",
    ),
    case("group_default", "db/mysql", [], {"db": MYSQL}, {}, id="config-name-in-subfolder"),
    case(
        "group_default",
        "db/mysql.yaml",
        [],
        {"db": MYSQL},
        {},
        id="config-name-in-subfolder-with-suffix",
    ),
    # ------------------------------------------------------------ extending configs
    case(
        "extends",
        "config",
        [],
        {"db": {"host": "localhost", "port": 3306, "user": "app"}},
        {"db": "mysql"},
        id="extends-config-in-same-group",
    ),
    case(
        "extends_abs",
        "config",
        [],
        {"db": {"db_schema": {"driver": "none", "schema": "public"}, "driver": "postgresql"}},
        {"db": "postgresql"},
        id="extends-absolute-path-lands-below",
    ),
    case(
        "extends_abs",
        "config",
        ["db=pg_here"],
        {"db": {"driver": "postgresql", "schema": "public"}},
        {"db": "pg_here"},
        id="extends-absolute-path-at-here",
    ),
    # ------------------------------------------------------------ _self_
    case("self_order", "self_first", [], {"db": {"port": 3306}}, {"db": "mysql"}, id="self-first"),
    case("self_order", "self_last", [], {"db": {"port": 1}}, {"db": "mysql"}, id="self-last"),
    case(
        "self_order",
        "self_absent",
        [],
        {"db": {"port": 1}},
        {"db": "mysql"},
        id="self-absent-is-last",
    ),
    # ------------------------------------------------------------ optional
    case(
        "optional",
        "config",
        [],
        {"extra": {"enabled": True}},
        {"extra": "enabled", "cache": "redis", "site": "local"},
        id="optional-missing-option-and-group-skipped",
    ),
    case(
        "optional",
        "config",
        ["site=remote"],
        {"site": {"url": "remote"}, "extra": {"enabled": True}},
        {"extra": "enabled", "cache": "redis", "site": "remote"},
        id="optional-selected-from-cli",
    ),
    # ------------------------------------------------------------ override
    case(
        "override",
        "config",
        [],
        {"db": {"driver": "postgresql"}, "name": "config"},
        {"db": "postgresql"},
        id="override-relative",
    ),
    case(
        "override",
        "config",
        ["db=mysql"],
        {"db": {"driver": "mysql"}, "name": "config"},
        {"db": "mysql"},
        id="override-relative-cli-wins",
    ),
    case(
        "experiment",
        "config",
        ["+experiment=fast"],
        {"db": {"driver": "postgresql", "port": 9}},
        {"experiment": "fast", "db": "postgresql"},
        id="override-absolute-from-appended-global-experiment",
    ),
    case(
        "experiment",
        "config",
        ["+experiment=fast", "db=mysql"],
        {"db": {"driver": "mysql", "port": 9}},
        {"experiment": "fast", "db": "mysql"},
        id="override-absolute-cli-wins-after",
    ),
    case(
        "experiment",
        "config",
        ["db=mysql", "+experiment=fast"],
        {"db": {"driver": "mysql", "port": 9}},
        {"experiment": "fast", "db": "mysql"},
        id="override-absolute-cli-wins-before",
    ),
    # ------------------------------------------------------------ nested groups
    case(
        "nested",
        "config",
        [],
        {"server": {"db": {"file": "app.db"}, "log": {"path": "app.log"}, "name": "apache"}},
        {"server": "apache", "log@server.log": "file", "server/db": "sqlite"},
        id="nested-relative-and-absolute-groups",
    ),
    # ------------------------------------------------------------ packages
    case(
        "headers",
        "config",
        [],
        {"top_level": 1, "_group_": {"literal": 2}, "foo": {"bar": {"deep": 3}}},
        {"expl": "deep", "grp": "lit", "glob": "top"},
        id="package-headers-global-group-explicit",
    ),
    case(
        "group_keyword",
        "config",
        [],
        {"db": {"main": {"driver": "mysql"}}},
        {"db@db.main": "mysql"},
        id="package-keyword-with-group",
    ),
    case(
        "package_kw",
        "config",
        [],
        {"db": {"driver": "mysql"}, "backup": {"driver": "postgresql"}},
        {"db@backup": "postgresql", "db": "mysql"},
        id="same-group-at-two-packages",
    ),
    case(
        "package_kw",
        "config",
        ["db@backup=mysql"],
        {"db": {"driver": "mysql"}, "backup": {"driver": "mysql"}},
        {"db@backup": "mysql", "db": "mysql"},
        id="cli-select-at-package",
    ),
    case(
        "package_kw",
        "config",
        ["+db@extra=mysql"],
        {
            "db": {"driver": "mysql"},
            "backup": {"driver": "postgresql"},
            "extra": {"driver": "mysql"},
        },
        {"db@extra": "mysql", "db@backup": "postgresql", "db": "mysql"},
        id="cli-append-third-package",
    ),
    case(
        "package_kw",
        "config",
        ["~db"],
        {"backup": {"driver": "postgresql"}},
        {"db@backup": "postgresql"},
        id="cli-delete-default-package-only",
    ),
    case(
        "package_kw",
        "config",
        ["~db@backup"],
        {"db": {"driver": "mysql"}},
        {"db": "mysql"},
        id="cli-delete-at-package",
    ),
    case(
        "package_kw",
        "here",
        [],
        {"driver": "mysql", "name": "here"},
        {"db@_global_": "mysql"},
        id="package-here",
    ),
    case(
        "package_kw",
        "here",
        ["db@_global_=postgresql"],
        {"driver": "postgresql", "name": "here"},
        {"db@_global_": "postgresql"},
        id="package-here-selected-as-global",
    ),
    case(
        "header_nested",
        "config",
        [],
        {"net": {"kernel": 3, "extra": {"units": 4}, "size": "big"}},
        {"model": "big", "model/layer@net.extra": "dense", "model/layer@net": "conv"},
        id="nested-under-package-header",
    ),
    case(
        "header_nested",
        "config",
        ["model/layer@net.extra=conv"],
        {"net": {"kernel": 3, "extra": {"kernel": 3}, "size": "big"}},
        {"model": "big", "model/layer@net.extra": "conv", "model/layer@net": "conv"},
        id="nested-under-package-header-cli-select",
    ),
    case(
        "header_nested",
        "config",
        ["~model/layer@net"],
        {"net": {"extra": {"units": 4}, "size": "big"}},
        {"model": "big", "model/layer@net.extra": "dense"},
        id="nested-under-package-header-cli-delete",
    ),
    # ------------------------------------------------------------ interpolated options
    case(
        "interp",
        "config",
        [],
        {
            "dataset": {"name": "imagenet"},
            "model": {"layers": 50},
            "dataset_model": {"batch_size": 256},
        },
        {"model": "resnet", "dataset": "imagenet", "dataset_model": "imagenet_resnet"},
        id="interpolated-option",
    ),
    case(
        "interp",
        "config",
        ["dataset=cifar"],
        {"dataset": {"name": "cifar"}, "model": {"layers": 50}},
        {"model": "resnet", "dataset": "cifar", "dataset_model": "cifar_resnet"},
        id="interpolated-option-optional-missing",
    ),
    case(
        "interp",
        "config",
        ["dataset=cifar", "dataset_model=imagenet_resnet"],
        {
            "dataset": {"name": "cifar"},
            "model": {"layers": 50},
            "dataset_model": {"batch_size": 256},
        },
        {"dataset_model": "imagenet_resnet", "model": "resnet", "dataset": "cifar"},
        id="interpolated-option-selected-from-cli",
    ),
    # ------------------------------------------------------------ null
    case("null_choice", "config", [], {"app": "demo"}, {"db": None}, id="null-leaves-unselected"),
    case(
        "null_choice",
        "config",
        ["db=mysql"],
        {"db": {"driver": "mysql"}, "app": "demo"},
        {"db": "mysql"},
        id="null-selected-from-cli",
    ),
    # ------------------------------------------------------------ options lists
    case(
        "options_list",
        "config",
        [],
        {"plugins": {"a": 1, "order": "b", "b": 2}},
        {},
        id="options-list",
    ),
    case(
        "options_list",
        "config",
        ["plugins=[b,a]"],
        {"plugins": {"b": 2, "order": "a", "a": 1}},
        {},
        id="options-list-reordered-from-cli",
    ),
    case(
        "options_list",
        "config",
        ["plugins=[b]"],
        {"plugins": {"b": 2, "order": "b"}},
        {},
        id="options-list-shortened-from-cli",
    ),
    case("options_list", "config", ["plugins=[]"], {}, {}, id="options-list-emptied-from-cli"),
    # ------------------------------------------------------------ .yml (hydria extension)
    case(
        "yml",
        "config",
        [],
        {"db": {"driver": "mysql"}},
        {"db": "mysql"},
        id="yml-found-like-yaml",  # hydria extension: Hydra 1.3 finds only .yaml
    ),
    case("yml", "config", ["db=both"], {"db": {"ext": "yaml"}}, {"db": "both"}, id="yaml-over-yml"),
    # ------------------------------------------------------------ group@src:dst (hydria extension)
    case(
        "group_default",
        "config",
        ["db@db:backup=postgresql"],
        {"backup": POSTGRESQL, "app": "demo"},  # the entry keeps its place in the list
        {"db@backup": "postgresql"},
        id="move-default-package",
    ),
    case(
        "package_kw",
        "config",
        ["db@backup:spare=mysql"],
        {"db": {"driver": "mysql"}, "spare": {"driver": "mysql"}},
        {"db@spare": "mysql", "db": "mysql"},
        id="move-explicit-package",
    ),
]


@pytest.mark.parametrize(("tree", "config_name", "overrides", "config", "choices"), COMPOSE_CASES)
def test_compose(
    compose_app: Callable[..., Any],
    tree: str,
    config_name: str | None,
    overrides: list[str],
    config: dict[str, Any],
    choices: dict[str, Any],
) -> None:
    got_config, got_choices = compose_app(tree, config_name, overrides)
    assert got_config == config
    assert json.dumps(got_config) == json.dumps(config)  # key order shows the merge order
    assert got_choices == list(choices.items())


def test_hydra_groups_selectable_and_recorded(data_dir: Path) -> None:
    cfg = hydria.compose(
        "config",
        ["hydra/launcher=basic", "hydra/job_logging=disabled"],
        config_dir=str(data_dir / "group_default"),
        return_hydra_config=True,
    )
    assert dict(cfg.hydra.runtime.choices) == {
        "db": "mysql",
        "hydra/env": "default",
        "hydra/callbacks": None,
        "hydra/job_logging": "disabled",
        "hydra/hydra_logging": "default",
        "hydra/hydra_help": "default",
        "hydra/help": "default",
        "hydra/sweeper": "basic",
        "hydra/launcher": "basic",
        "hydra/output": "default",
    }


def test_hydra_group_deleted(data_dir: Path) -> None:
    cfg = hydria.compose(
        "config",
        ["~hydra/launcher"],
        config_dir=str(data_dir / "group_default"),
        return_hydra_config=True,
    )
    assert "hydra/launcher" not in cfg.hydra.runtime.choices
    assert cfg.hydra.runtime.choices["hydra/sweeper"] == "basic"


# ---------------------------------------------------------------- the resolved list


def rd(
    config_path: str,
    package: str,
    parent: str | None,
    *,
    is_self: bool = False,
    primary: bool = False,
    key: str | None = None,
) -> ResultDefault:
    return ResultDefault(
        config_path=config_path,
        package=package,
        parent=parent,
        is_self=is_self,
        primary=primary,
        override_key=key,
    )


PRIMARY = rd("config", "", None, is_self=True, primary=True)

DEFAULTS_CASES = [
    pytest.param(
        "group_default",
        "config",
        [],
        [rd("db/mysql", "db", "config", key="db"), PRIMARY],
        id="group-default",
    ),
    pytest.param(
        "group_default",
        "db/mysql",
        [],
        [rd("db/mysql", "db", None, primary=True)],
        id="primary-in-subfolder-lands-in-its-group",
    ),
    pytest.param("group_default", None, [], [], id="no-primary"),
    pytest.param(
        "extends",
        "config",
        [],
        [
            rd("db/base_mysql", "db", "db/mysql"),
            rd("db/mysql", "db", "config", is_self=True),
            PRIMARY,
        ],
        id="extends-config-in-same-group",
    ),
    pytest.param(
        "extends_abs",
        "config",
        [],
        [
            rd("db_schema/base", "db.db_schema", "db/postgresql"),
            rd("db/postgresql", "db", "config", is_self=True),
            PRIMARY,
        ],
        id="extends-absolute-path",
    ),
    pytest.param(
        "extends_abs",
        "config",
        ["db=pg_here"],
        [
            rd("db_schema/base", "db", "db/pg_here"),
            rd("db/pg_here", "db", "config", is_self=True),
            PRIMARY,
        ],
        id="extends-absolute-path-at-here",
    ),
    pytest.param(
        "self_order",
        "self_first",
        [],
        [
            rd("self_first", "", None, is_self=True, primary=True),
            rd("db/mysql", "db", "self_first", key="db"),
        ],
        id="self-first",
    ),
    pytest.param(
        "self_order",
        "self_absent",
        [],
        [
            rd("db/mysql", "db", "self_absent", key="db"),
            rd("self_absent", "", None, is_self=True, primary=True),
        ],
        id="self-absent-is-last",
    ),
    pytest.param(
        "optional",
        "config",
        [],
        [rd("extra/enabled", "extra", "config", key="extra"), PRIMARY],
        id="optional-missing-skipped",
    ),
    pytest.param(
        "override",
        "config",
        [],
        [
            rd("db/postgresql", "db", "base", key="db"),
            rd("base", "", "config", is_self=True),
            PRIMARY,
        ],
        id="override-relative",
    ),
    pytest.param(
        "experiment",
        "config",
        ["+experiment=fast"],
        [
            rd("db/postgresql", "db", "config", key="db"),
            PRIMARY,
            rd("experiment/fast", "", "config", key="experiment"),
        ],
        id="override-from-appended-experiment",
    ),
    pytest.param(
        "nested",
        "config",
        [],
        [
            rd("server/db/sqlite", "server.db", "server/apache", key="server/db"),
            rd("log/file", "server.log", "server/apache", key="log@server.log"),
            rd("server/apache", "server", "config", is_self=True),
            PRIMARY,
        ],
        id="nested",
    ),
    pytest.param(
        "headers",
        "config",
        [],
        [
            rd("glob/top", "", "config", key="glob"),
            rd("grp/lit", "_group_", "config", key="grp"),
            rd("expl/deep", "foo.bar", "config", key="expl"),
            PRIMARY,
        ],
        id="package-headers",
    ),
    pytest.param(
        "header_nested",
        "config",
        [],
        [
            rd("model/layer/conv", "net", "model/big", key="model/layer@net"),
            rd("model/layer/dense", "net.extra", "model/big", key="model/layer@net.extra"),
            rd("model/big", "net", "config", is_self=True),
            PRIMARY,
        ],
        id="nested-under-package-header",
    ),
    pytest.param(
        "package_kw",
        "here",
        [],
        [
            rd("db/mysql", "", "here", key="db@_global_"),
            rd("here", "", None, is_self=True, primary=True),
        ],
        id="package-here",
    ),
    pytest.param(
        "package_kw",
        "config",
        ["+db@extra=mysql"],
        [
            rd("db/mysql", "db", "config", key="db"),
            rd("db/postgresql", "backup", "config", key="db@backup"),
            PRIMARY,
            rd("db/mysql", "extra", "config", key="db@extra"),
        ],
        id="append-at-package",
    ),
    pytest.param(
        "options_list",
        "config",
        [],
        [rd("plugins/a", "plugins", "config"), rd("plugins/b", "plugins", "config"), PRIMARY],
        id="options-list",
    ),
    pytest.param("null_choice", "config", [], [PRIMARY], id="null"),
    pytest.param(
        "interp",
        "config",
        ["dataset=cifar"],
        [
            rd("dataset/cifar", "dataset", "config", key="dataset"),
            rd("model/resnet", "model", "config", key="model"),
            PRIMARY,
        ],
        id="interpolated-optional-missing",
    ),
]


@pytest.mark.parametrize(("tree", "config_name", "overrides", "expected"), DEFAULTS_CASES)
def test_resolved_defaults(
    resolve: Callable[..., DefaultsList],
    tree: str,
    config_name: str | None,
    overrides: list[str],
    expected: list[ResultDefault],
) -> None:
    result = resolve(tree, config_name, overrides)
    app = [d for d in result.defaults if not d.config_path.startswith("hydra/")]
    assert app == expected


def test_hydra_config_comes_first(resolve: Callable[..., DefaultsList]) -> None:
    result = resolve("group_default", "config", ["hydra/launcher=basic"])
    assert [(d.config_path, d.package, d.parent, d.is_self) for d in result.defaults] == [
        ("hydra/output/default", "hydra", "hydra/config", False),
        ("hydra/launcher/basic", "hydra.launcher", "hydra/config", False),
        ("hydra/sweeper/basic", "hydra.sweeper", "hydra/config", False),
        ("hydra/help/default", "hydra.help", "hydra/config", False),
        ("hydra/hydra_help/default", "hydra.hydra_help", "hydra/config", False),
        ("hydra/hydra_logging/default", "hydra.hydra_logging", "hydra/config", False),
        ("hydra/job_logging/default", "hydra.job_logging", "hydra/config", False),
        ("hydra/env/default", "hydra.env", "hydra/config", False),
        ("hydra/config", "hydra", None, True),
        ("db/mysql", "db", "config", False),
        ("config", "", None, True),
    ]


def test_choices_and_value_overrides_are_separated(resolve: Callable[..., DefaultsList]) -> None:
    result = resolve("group_default", "config", ["db.port=1", "db=postgresql", "+x=2"])
    assert [o.text for o in result.config_overrides] == ["db.port=1", "+x=2"]
    assert {k: v for k, v in result.choices.items() if not k.startswith("hydra/")} == {
        "db": "postgresql"
    }
    assert result.choices["hydra/launcher"] == "basic"
