"""Config sources: a directory, a package, a ConfigStore; the search path and its order.

Expected configs are Hydra 1.3.8's for the same trees, overrides and search path.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from omegaconf import MISSING, DictConfig, OmegaConf

import hydria
from hydria.builtin import BUILTIN_CONF_PACKAGE
from hydria.errors import (
    CompositionError,
    ConfigContentError,
    ConfigLoadError,
    ConfigSyntaxError,
    MissingConfigError,
    MissingOptionError,
    MissingPrimaryConfigError,
)
from hydria.repository import ConfigRepository, ParsedFileCache, build_search_path

DATA = Path(__file__).parent / "data"
PRIMARY = DATA / "primary"
OTHER = DATA / "other"
EXTRA = DATA / "extra"


def _plain(cfg: DictConfig) -> Any:
    return OmegaConf.to_container(cfg, resolve=False)


def _sources(cfg: DictConfig) -> list[tuple[str, str]]:
    return [(s.provider, f"{s.schema}://{s.path}") for s in cfg.hydra.runtime.config_sources]


def _write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text))


@pytest.fixture
def make_package(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Any:
    """Creates an importable package `name` under tmp_path holding `files`."""

    def make(name: str, files: dict[str, str]) -> None:
        root = tmp_path / "site"
        parts = name.split(".")
        for i in range(1, len(parts) + 1):
            init = root.joinpath(*parts[:i], "__init__.py")
            init.parent.mkdir(parents=True, exist_ok=True)
            init.touch()
        _write(root.joinpath(*parts), files)
        monkeypatch.syspath_prepend(str(root))

    return make


# -- a directory --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        pytest.param(
            [], {"db": {"driver": "mysql", "where": "primary"}, "top": "primary"}, id="defaults"
        ),
        pytest.param(
            ["db=postgresql"],
            {"db": {"driver": "postgresql", "where": "primary"}, "top": "primary"},
            id="select",
        ),
        pytest.param(
            ["+broken=alist"],
            {"db": {"driver": "mysql", "where": "primary"}, "top": "primary", "broken": [1, 2]},
            id="list-option-lands-at-its-package",
        ),
    ],
)
def test_config_dir(overrides: list[str], expected: dict[str, Any]) -> None:
    assert _plain(hydria.compose("config", overrides, config_dir=str(PRIMARY))) == expected


def test_relative_config_dir_is_made_absolute(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(DATA)
    cfg = hydria.compose("config", config_dir="primary", return_hydra_config=True)
    assert cfg.db.where == "primary"
    assert ("main", f"file://{PRIMARY}") in _sources(cfg)


def test_missing_config_dir(tmp_path: Path) -> None:
    missing = tmp_path / "nope"
    with pytest.raises(MissingConfigError) as info:
        hydria.compose("config", config_dir=str(missing))
    assert str(info.value) == (
        f"Primary config directory not found: '{missing}'. Check that it exists and is readable."
    )


def test_config_dir_and_module_together() -> None:
    with pytest.raises(ConfigLoadError) as info:
        hydria.compose("config", config_dir=str(PRIMARY), config_module="x.conf")
    assert str(info.value) == "Pass config_dir or config_module, not both"


def test_missing_primary_config() -> None:
    with pytest.raises(MissingPrimaryConfigError) as info:
        hydria.compose("nope", config_dir=str(PRIMARY))
    assert str(info.value) == (
        "Cannot find primary config 'nope'. Check that it's in your config search path.\n\n"
        "Config search path:\n"
        "\tprovider=hydra, path=pkg://hydria.builtin.conf\n"
        f"\tprovider=main, path=file://{PRIMARY}\n"
        "\tprovider=schema, path=structured://"
    )


def test_missing_option() -> None:
    with pytest.raises(MissingOptionError) as info:
        hydria.compose("config", ["db=nope"], config_dir=str(PRIMARY))
    assert str(info.value) == (
        "In 'config': Could not find 'db/nope'\n\n"
        "Available options in 'db':\n\tmysql\n\tpostgresql\n"
        "Config search path:\n"
        "\tprovider=hydra, path=pkg://hydria.builtin.conf\n"
        f"\tprovider=main, path=file://{PRIMARY}\n"
        "\tprovider=schema, path=structured://\n"
        "The option was chosen by the override 'db=nope'."
    )


@pytest.mark.parametrize(
    ("name", "overrides"),
    [
        pytest.param("config", ["+broken=syntax"], id="option"),
        pytest.param("broken/syntax", [], id="primary"),
    ],
)
def test_yaml_syntax_error_names_file_line_column(name: str, overrides: list[str]) -> None:
    with pytest.raises(ConfigSyntaxError) as info:
        hydria.compose(name, overrides, config_dir=str(PRIMARY))
    assert str(info.value) == (
        f"Invalid YAML in {PRIMARY / 'broken' / 'syntax.yaml'}:3:5: "
        "while parsing a flow sequence did not find expected ',' or ']'"
    )


def test_duplicate_key_is_a_syntax_error() -> None:
    with pytest.raises(ConfigSyntaxError) as info:
        hydria.compose("config", ["+broken=duplicate"], config_dir=str(PRIMARY))
    assert str(info.value) == (
        f"Invalid YAML in {PRIMARY / 'broken' / 'duplicate.yaml'}:2:1: "
        "while constructing a mapping found duplicate key a"
    )


@pytest.mark.parametrize(
    ("name", "overrides"),
    [
        pytest.param("config", ["+broken=scalar"], id="option"),
        pytest.param("broken/scalar", [], id="primary"),
    ],
)
def test_scalar_file_is_not_a_config(name: str, overrides: list[str]) -> None:
    with pytest.raises(ConfigContentError) as info:
        hydria.compose(name, overrides, config_dir=str(PRIMARY))
    assert str(info.value) == (
        f"{PRIMARY / 'broken' / 'scalar.yaml'}: a config file must hold a mapping (or a list), "
        "not a single int (42)"
    )


def test_primary_config_that_is_a_list() -> None:
    with pytest.raises(ConfigContentError) as info:
        hydria.compose("list_primary", config_dir=str(PRIMARY))
    assert str(info.value) == (
        "The primary config 'list_primary' must be a mapping, "
        f"got list ({PRIMARY / 'list_primary.yaml'})"
    )


# -- a package ----------------------------------------------------------------------------

PACKAGE_TREE = {
    "config.yaml": """\
        defaults:
          - db: mysql
          - _self_
        top: package
        """,
    "db/mysql.yaml": "driver: mysql\nwhere: package\n",
    "db/sqlite.yaml": "driver: sqlite\nwhere: package\n",
}


def test_config_module(make_package: Any) -> None:
    make_package("hydria_t_module_app.conf", PACKAGE_TREE)
    cfg = hydria.compose(
        "config", ["db=sqlite"], config_module="hydria_t_module_app.conf", return_hydra_config=True
    )
    assert _plain(cfg) | {"hydra": None} == {
        "hydra": None,
        "db": {"driver": "sqlite", "where": "package"},
        "top": "package",
    }
    assert _sources(cfg) == [
        ("hydra", f"pkg://{BUILTIN_CONF_PACKAGE}"),
        ("main", "pkg://hydria_t_module_app.conf"),
        ("schema", "structured://"),
    ]


@pytest.mark.parametrize(
    "module",
    [
        pytest.param("hydria_t_no_such_module", id="missing"),
        pytest.param("hydria_t_no_such_module.conf", id="missing-parent"),
        pytest.param("hydria_t_plain_module", id="module-not-package"),
    ],
)
def test_missing_config_module(
    module: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "hydria_t_plain_module.py").write_text("")
    monkeypatch.syspath_prepend(str(tmp_path))
    with pytest.raises(MissingConfigError) as info:
        hydria.compose("config", config_module=module)
    assert str(info.value) == (
        f"Primary config module '{module}' not found. Check that it is importable and is a "
        "package (a folder with __init__.py)."
    )


# -- hydra.searchpath ---------------------------------------------------------------------


@pytest.fixture
def searchpath_tree(tmp_path: Path, make_package: Any) -> Path:
    """A primary config whose hydra.searchpath names OTHER (file://) and a package (pkg://)."""
    make_package(
        "hydria_t_sp_pkg.conf",
        {
            "db/sqlite.yaml": "driver: sqlite\nwhere: pkg\n",
            "db/oracle.yaml": "driver: oracle\nwhere: pkg\n",
        },
    )
    main = tmp_path / "main"
    _write(
        main,
        {
            "config.yaml": f"""\
                defaults:
                  - db: mysql
                  - _self_
                hydra:
                  searchpath:
                    - file://{OTHER}
                    - pkg://hydria_t_sp_pkg.conf
                top: main
                """,
            "nosp.yaml": "defaults:\n  - db: mysql\n  - _self_\ntop: nosp\n",
            "db/mysql.yaml": "driver: mysql\nwhere: main\n",
        },
    )
    return main


@pytest.mark.parametrize(
    ("overrides", "db"),
    [
        pytest.param([], {"driver": "mysql", "where": "main"}, id="main-shadows-searchpath"),
        pytest.param(["db=oracle"], {"driver": "oracle", "where": "other"}, id="first-entry-wins"),
        pytest.param(["db=sqlite"], {"driver": "sqlite", "where": "pkg"}, id="pkg-entry"),
    ],
)
def test_searchpath_in_primary_config(
    searchpath_tree: Path, overrides: list[str], db: dict[str, str]
) -> None:
    cfg = hydria.compose(
        "config", overrides, config_dir=str(searchpath_tree), return_hydra_config=True
    )
    assert cfg.db == db
    assert cfg.hydra.searchpath == [f"file://{OTHER}", "pkg://hydria_t_sp_pkg.conf"]
    assert _sources(cfg) == [
        ("hydra", f"pkg://{BUILTIN_CONF_PACKAGE}"),
        ("main", f"file://{searchpath_tree}"),
        ("hydra.searchpath in main", f"file://{OTHER}"),
        ("hydra.searchpath in main", "pkg://hydria_t_sp_pkg.conf"),
        ("schema", "structured://"),
    ]


def test_searchpath_adds_groups(searchpath_tree: Path) -> None:
    cfg = hydria.compose("config", ["+server=nginx"], config_dir=str(searchpath_tree))
    assert _plain(cfg) == {
        "db": {"driver": "mysql", "where": "main"},
        "top": "main",
        "server": {"name": "nginx", "where": "other"},
    }


def test_searchpath_override(searchpath_tree: Path) -> None:
    cfg = hydria.compose(
        "nosp",
        [f"hydra.searchpath=[file://{OTHER}]", "db=oracle"],
        config_dir=str(searchpath_tree),
        return_hydra_config=True,
    )
    assert cfg.db == {"driver": "oracle", "where": "other"}
    assert _sources(cfg)[2:] == [
        ("hydra.searchpath in command-line", f"file://{OTHER}"),
        ("schema", "structured://"),
    ]


def test_searchpath_override_replaces_the_primary_configs(searchpath_tree: Path) -> None:
    cfg = hydria.compose(
        "config",
        ["hydra.searchpath=[pkg://hydria_t_sp_pkg.conf]", "db=oracle"],
        config_dir=str(searchpath_tree),
        return_hydra_config=True,
    )
    assert cfg.db == {"driver": "oracle", "where": "pkg"}
    assert ("hydra.searchpath in main", f"file://{OTHER}") not in _sources(cfg)


def test_searchpath_without_the_override_does_not_reach_other_configs(
    searchpath_tree: Path,
) -> None:
    with pytest.raises(MissingOptionError, match="^In 'nosp': Could not find 'db/oracle'\n"):
        hydria.compose("nosp", ["db=oracle"], config_dir=str(searchpath_tree))


def test_unavailable_searchpath_entry_warns(tmp_path: Path) -> None:
    missing = tmp_path / "does_not_exist"
    _write(tmp_path / "main", {"config.yaml": f"hydra:\n  searchpath: [file://{missing}]\na: 1\n"})
    with pytest.warns(UserWarning) as record:
        cfg = hydria.compose("config", config_dir=str(tmp_path / "main"))
    assert [str(w.message) for w in record] == [
        f"Config source provider=hydra.searchpath in main, path=file://{missing} is not available"
    ]
    assert _plain(cfg) == {"a": 1}


def test_unavailable_searchpath_package_warns(tmp_path: Path) -> None:
    with pytest.warns(UserWarning) as record:
        cfg = hydria.compose(
            "config",
            ["hydra.searchpath=[pkg://hydria_t_no_such_pkg]"],
            config_dir=str(PRIMARY),
        )
    assert [str(w.message) for w in record] == [
        "Config source provider=hydra.searchpath in command-line, path=pkg://hydria_t_no_such_pkg "
        "is not available"
    ]
    assert cfg.top == "primary"


def test_searchpath_with_an_unknown_scheme() -> None:
    with pytest.raises(ConfigLoadError) as info:
        hydria.compose("config", ["hydra.searchpath=[bad://x]"], config_dir=str(PRIMARY))
    assert str(info.value) == (
        "Unknown config source scheme 'bad' in 'bad://x'; "
        "expected one of file://, pkg://, structured://"
    )


def test_searchpath_that_is_not_a_list(tmp_path: Path) -> None:
    _write(tmp_path, {"config.yaml": "hydra:\n  searchpath: file:///x\n"})
    with pytest.raises(CompositionError) as info:
        hydria.compose("config", config_dir=str(tmp_path))
    assert str(info.value) == "hydra.searchpath must be a list of strings, got 'file:///x'"


def test_searchpath_outside_the_primary_config(tmp_path: Path) -> None:
    _write(
        tmp_path,
        {
            "config.yaml": "defaults:\n  - extra: sp\n",
            "extra/sp.yaml": "# @package _global_\nhydra:\n  searchpath: [file:///x]\n",
        },
    )
    with pytest.raises(CompositionError) as info:
        hydria.compose("config", config_dir=str(tmp_path))
    assert (
        str(info.value) == "In 'extra/sp': hydra.searchpath can only be set in the primary config"
    )


# -- extra_config_dirs, search order --------------------------------------------------------


def test_extra_config_dirs_come_after_the_primary_dir() -> None:
    """As Hydra's --config-dir: the primary dir wins; the extra dir adds what it lacks."""
    cfg = hydria.compose(
        "config",
        ["+server=apache"],
        config_dir=str(PRIMARY),
        extra_config_dirs=[str(EXTRA)],
        return_hydra_config=True,
    )
    assert _plain(cfg) | {"hydra": None} == {
        "hydra": None,
        "db": {"driver": "mysql", "where": "primary"},
        "top": "primary",
        "server": {"name": "apache", "where": "extra"},
    }
    assert _sources(cfg) == [
        ("hydra", f"pkg://{BUILTIN_CONF_PACKAGE}"),
        ("main", f"file://{PRIMARY}"),
        ("command-line", f"file://{EXTRA}"),
        ("schema", "structured://"),
    ]


def test_missing_extra_config_dir(tmp_path: Path) -> None:
    with pytest.raises(MissingConfigError):
        hydria.compose(
            "config", config_dir=str(PRIMARY), extra_config_dirs=[str(tmp_path / "nope")]
        )


def test_first_of_two_extra_dirs_wins() -> None:
    cfg = hydria.compose(
        "config",
        ["+cache=redis"],
        config_dir=str(PRIMARY),
        extra_config_dirs=[str(OTHER), str(EXTRA)],
    )
    assert cfg.cache.where == "other"
    cfg = hydria.compose(
        "config",
        ["+cache=redis"],
        config_dir=str(PRIMARY),
        extra_config_dirs=[str(EXTRA), str(OTHER)],
    )
    assert cfg.cache.where == "extra"


def test_primary_config_from_an_extra_dir(tmp_path: Path) -> None:
    _write(tmp_path, {"only_extra.yaml": "top: extra\n", "config.yaml": "top: shadow\n"})
    cfg = hydria.compose("only_extra", config_dir=str(PRIMARY), extra_config_dirs=[str(tmp_path)])
    assert _plain(cfg) == {"top": "extra"}
    cfg = hydria.compose("config", config_dir=str(PRIMARY), extra_config_dirs=[str(tmp_path)])
    assert _plain(cfg)["top"] == "primary"  # the primary dir's own config.yaml wins


def _repository(*dirs: Path, store: hydria.ConfigStore | None = None) -> ConfigRepository:
    entries = build_search_path(
        config_dir=str(dirs[0]),
        extra_dirs=[str(d) for d in dirs[1:]],
        builtin_module=BUILTIN_CONF_PACKAGE,
    )
    return ConfigRepository(entries, store=store or hydria.ConfigStore(), cache=ParsedFileCache())


def test_group_options_are_the_sorted_union_across_sources() -> None:
    store = hydria.ConfigStore()
    store.store(name="memory", node={"driver": "memory"}, group="db")
    store.store(name="mysql", node={"driver": "mysql"}, group="db")
    repo = _repository(PRIMARY, OTHER, EXTRA, store=store)
    assert repo.group_options("db") == ["memory", "mysql", "oracle", "postgresql", "sqlite"]
    assert repo.group_options("server") == ["apache", "nginx"]
    assert repo.group_options("broken") == ["alist", "duplicate", "scalar", "syntax"]
    assert repo.group_options("nope") == []
    assert repo.group_options("hydra/launcher") == [
        "basic",
        "joblib",
        "ray",
        "submitit_local",
        "submitit_slurm",
    ]


def test_repository_lookup_order() -> None:
    repo = _repository(PRIMARY, OTHER)
    found = repo.load("db/mysql")
    assert found is not None
    assert (found.source.provider, found.filename) == (
        "main",
        str(PRIMARY / "db" / "mysql.yaml"),
    )
    oracle = repo.load("db/oracle")
    assert oracle is not None
    assert (oracle.source.provider, oracle.filename) == (
        "command-line",
        str(OTHER / "db" / "oracle.yaml"),
    )
    other = repo.load("db/postgresql")
    assert other is not None
    assert other.filename == str(PRIMARY / "db" / "postgresql.yaml")
    assert repo.load("db/nope") is None
    assert repo.group_exists("server") and not repo.group_exists("nope")


def test_missing_option_lists_options_from_every_source() -> None:
    with pytest.raises(MissingOptionError) as info:
        hydria.compose(
            "config", ["db=nope"], config_dir=str(PRIMARY), extra_config_dirs=[str(OTHER)]
        )
    assert "\nAvailable options in 'db':\n\tmysql\n\toracle\n\tpostgresql\n" in str(info.value)


# -- a ConfigStore ------------------------------------------------------------------------


@dataclass
class MySQL:
    driver: str = "mysql"
    port: int = 3306
    user: str = "root"


@dataclass
class Postgres:
    driver: str = "postgresql"
    port: int = 5432
    timeout: int = 10


@dataclass
class Server:
    host: str = "localhost"
    port: int = 80


@dataclass
class AppConf:
    defaults: list[Any] = field(
        default_factory=lambda: ["_self_", {"db": "mysql"}, {"server": "basic"}]
    )
    name: str = "app"
    debug: bool = False
    db: Any = MISSING
    server: Server = field(default_factory=Server)


try:
    import attr
except ImportError:  # attrs is optional
    attr = None

if attr is not None:

    @attr.s(auto_attribs=True)
    class CacheConf:
        size: int = 10
        policy: str = "lru"


@pytest.fixture
def store() -> hydria.ConfigStore:
    cs = hydria.ConfigStore()
    cs.store(name="mysql", node=MySQL, group="db")
    cs.store(name="postgresql", node=Postgres, group="db")
    cs.store(name="basic", node=Server, group="server")
    cs.store(name="app", node=AppConf)
    cs.store(name="plain", node={"a": 1, "b": {"c": [1, 2]}})
    cs.store(name="dict_defaults", node={"defaults": [{"db": "postgresql"}, "_self_"], "x": 1})
    cs.store(name="deep", node=Server, group="extra", package="deep.server")
    return cs


APP = {
    "name": "app",
    "debug": False,
    "db": {"driver": "mysql", "port": 3306, "user": "root"},
    "server": {"host": "localhost", "port": 80},
}


@pytest.mark.parametrize(
    ("name", "overrides", "expected"),
    [
        pytest.param("app", [], APP, id="dataclass-with-defaults"),
        pytest.param(
            "app",
            ["db=postgresql"],
            APP | {"db": {"driver": "postgresql", "port": 5432, "timeout": 10}},
            id="group-option",
        ),
        pytest.param(
            "app", ["db.port=1234"], APP | {"db": APP["db"] | {"port": 1234}}, id="typed-field"
        ),
        pytest.param("app", ["name=5"], APP | {"name": "5"}, id="int-to-str-field"),
        pytest.param(
            "app", ["+db.extra=1"], APP | {"db": APP["db"] | {"extra": 1}}, id="add-to-dataclass"
        ),
        pytest.param("app", ["~db"], APP | {"db": "???"}, id="deleted-group"),
        pytest.param("plain", [], {"a": 1, "b": {"c": [1, 2]}}, id="dict"),
        pytest.param(
            "plain",
            ["+db=mysql", "db.port=7"],
            {"a": 1, "b": {"c": [1, 2]}, "db": {"driver": "mysql", "port": 7, "user": "root"}},
            id="dict-plus-structured-option",
        ),
        pytest.param(
            "plain",
            ["+extra=deep"],
            {"a": 1, "b": {"c": [1, 2]}, "deep": {"server": {"host": "localhost", "port": 80}}},
            id="package-at-store-time",
        ),
        pytest.param(
            "dict_defaults",
            [],
            {"db": {"driver": "postgresql", "port": 5432, "timeout": 10}, "x": 1},
            id="dict-with-defaults",
        ),
        pytest.param(
            "db/mysql",
            [],
            {"db": {"driver": "mysql", "port": 3306, "user": "root"}},
            id="primary-in-a-group",
        ),
    ],
)
def test_config_store(
    store: hydria.ConfigStore, name: str, overrides: list[str], expected: dict[str, Any]
) -> None:
    assert _plain(hydria.compose(name, overrides, store=store)) == expected


def test_structured_option_stays_typed(store: hydria.ConfigStore) -> None:
    cfg = hydria.compose("plain", ["+db=mysql"], store=store)
    assert OmegaConf.get_type(cfg.db) is MySQL
    cfg = hydria.compose("app", ["db=postgresql"], store=store)
    assert OmegaConf.get_type(cfg) is AppConf
    assert OmegaConf.get_type(cfg.db) is Postgres
    assert "defaults" not in cfg


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        pytest.param(
            ["db.port=abc"],
            "Error merging override db.port=abc\nValue 'abc' of type 'str' could not be "
            "converted to Integer\n    full_key: db.port\n    object_type=MySQL",
            id="int-field",
        ),
        pytest.param(
            ["debug=maybe"],
            "Error merging override debug=maybe\nValue 'maybe' is not a valid bool "
            "(type str)\n    full_key: debug\n    object_type=AppConf",
            id="bool-field",
        ),
        pytest.param(
            ["server.port=x"],
            "Error merging override server.port=x\nValue 'x' of type 'str' could not be "
            "converted to Integer\n    full_key: server.port\n    reference_type=Server\n"
            "    object_type=Server",
            id="nested-dataclass-field",
        ),
        pytest.param(
            ["+extra=deep"],
            "In 'extra/deep' (provider=schema, path=structured://): cannot merge it at "
            "'deep.server': Key 'deep' not in 'AppConf'\n    full_key: deep\n"
            "    object_type=AppConf",
            id="new-key-in-a-dataclass",
        ),
    ],
)
def test_config_store_validates_types(
    store: hydria.ConfigStore, overrides: list[str], message: str
) -> None:
    with pytest.raises(CompositionError) as info:
        hydria.compose("app", overrides, store=store)
    assert str(info.value) == message


def test_structured_option_on_a_directory_tree(store: hydria.ConfigStore) -> None:
    store.store(name="memory", node={"driver": "memory", "where": "store"}, group="db")
    cfg = hydria.compose("config", ["db=memory"], config_dir=str(PRIMARY), store=store)
    assert _plain(cfg) == {"db": {"driver": "memory", "where": "store"}, "top": "primary"}


def test_directory_shadows_the_store(store: hydria.ConfigStore) -> None:
    store.store(name="postgresql", node={"where": "store"}, group="db")
    cfg = hydria.compose("config", ["db=postgresql"], config_dir=str(PRIMARY), store=store)
    assert cfg.db.where == "primary"


def test_store_argument_is_used_instead_of_the_default_store(
    store: hydria.ConfigStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(hydria.ConfigStore, "_default", None)
    hydria.ConfigStore.instance().store(name="plain", node={"from": "default"})
    assert _plain(hydria.compose("plain")) == {"from": "default"}
    assert _plain(hydria.compose("plain", store=store)) == {"a": 1, "b": {"c": [1, 2]}}


def test_store_rejects_a_value_that_is_not_a_config() -> None:
    with pytest.raises(ConfigContentError, match="^ConfigStore: cannot store 'g/bad': "):
        hydria.ConfigStore().store(name="bad", node=42, group="g")


@pytest.mark.skipif(attr is None, reason="attrs is not installed")
def test_attrs_class() -> None:
    cs = hydria.ConfigStore()
    cs.store(name="lru", node=CacheConf, group="cache")
    cs.store(name="config", node={"defaults": [{"cache": "lru"}, "_self_"], "x": 1})
    cfg = hydria.compose("config", ["cache.size=20"], store=cs)
    assert _plain(cfg) == {"cache": {"size": 20, "policy": "lru"}, "x": 1}
    assert OmegaConf.get_type(cfg.cache) is CacheConf
    with pytest.raises(CompositionError, match="^Error merging override cache.size=big\\n"):
        hydria.compose("config", ["cache.size=big"], store=cs)


def test_config_class_defined_in_a_function() -> None:
    @dataclass
    class Local:
        size: int = 10

    cs = hydria.ConfigStore()
    cs.store(name="local", node=Local, group="cache")
    cs.store(name="config", node={"defaults": [{"cache": "local"}, "_self_"], "x": 1})
    assert _plain(hydria.compose("config", store=cs)) == {"cache": {"size": 10}, "x": 1}


def test_a_pkg_source_is_found_without_running_its_package(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A recorded run can name `pkg://` sources; finding their folder must not import
    # (and so run) the package's `__init__.py`.
    from hydria.repository.sources import package_directory

    canary = tmp_path / "canary"
    conf = tmp_path / "plantedpkg" / "conf"
    conf.mkdir(parents=True)
    (conf.parent / "__init__.py").write_text(f"open({str(canary)!r}, 'w').close()\n")
    (conf / "__init__.py").write_text("")
    (conf / "config.yaml").write_text("x: 1\n")
    monkeypatch.syspath_prepend(str(tmp_path))

    assert package_directory("plantedpkg.conf") == str(conf)
    assert package_directory("plantedpkg/conf") == str(conf)
    assert package_directory("plantedpkg.nope") is None
    assert package_directory("plantedpkg.\0conf") is None
    assert not canary.exists()
    import sys

    assert "plantedpkg" not in sys.modules
