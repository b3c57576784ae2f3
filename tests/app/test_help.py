"""--help, --hydra-help, --info and --version text, laid out as Hydra 1.3 lays it out."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest
from omegaconf import DictConfig, OmegaConf

import hydria.builtin
from hydria.app.help import (
    exec_command,
    flags_help,
    render_app_help,
    render_hydra_help,
    render_info,
    version_text,
)
from hydria.defaults import DefaultsList, DefaultsTreeNode, ResultDefault
from hydria.errors import ConfigContentError, UsageError
from hydria.repository import SearchPathEntry
from hydria.version import __version__

BUILTIN = Path(hydria.builtin.__file__).parent / "conf" / "hydra"

GROUPS = {
    "db": ["postgresql", "mysql"],
    "server": ["apache"],
    "server/site": ["b", "a"],
    "empty": [],
    "hydra": ["config"],
    "hydra/launcher": ["basic"],
    "hydra/job_logging": ["stdout", "default", "none", "disabled"],
}

CONFIG_YAML = "db:\n  driver: mysql\n  port: 3306\ntop: 1\n"

# Hydra 1.3.8's --hydra-help flags, but for hydria's version and decorator.
FLAGS_HELP = """\
--help,-h : Application's help
--hydra-help : Hydra's help
--version : Show hydria's version and exit
--cfg,-c : Show config instead of running [job|hydra|all]
--resolve : Used in conjunction with --cfg, resolve config interpolations before printing.
--package,-p : Config package to show
--run,-r : Run a job
--multirun,-m : Run multiple jobs with the configured launcher and sweeper
--resume : With --multirun: run only the jobs of hydra.sweep.dir that did not complete
--no-wait : With --multirun on a cluster launcher: submit the jobs and return at once
--shell-completion,-sc : Install or Uninstall shell completion:
    Bash - Install:
    eval "$(python app.py -sc install=bash)"
    Bash - Uninstall:
    eval "$(python app.py -sc uninstall=bash)"

    Fish - Install:
    python app.py -sc install=fish | source
    Fish - Uninstall:
    python app.py -sc uninstall=fish | source

    Zsh - Install:
    Zsh is compatible with the Bash shell completion, see the [documentation]\
(https://hydra.cc/docs/1.2/tutorials/basic/running_your_app/tab_completion#zsh-instructions)\
 for details.
    eval "$(python app.py -sc install=bash)"
    Zsh - Uninstall:
    eval "$(python app.py -sc uninstall=bash)"

--config-path,-cp : Overrides the config_path specified in hydria.main().
                    The config_path is absolute or relative to the Python file declaring \
@hydria.main()
--config-name,-cn : Overrides the config_name specified in hydria.main()
--config-dir,-cd : Adds an additional config dir to the config search path
--experimental-rerun : Rerun a job from a previous config pickle
--info,-i : Print hydria information [all|config|defaults|defaults-tree|plugins|searchpath]
--explain : With --cfg: show where each value came from. With a KEY: every value it took
Overrides : Any key=value arguments to override config values (use dots for.nested=overrides)"""


def _hydra_node(**extra: object) -> DictConfig:
    """A composed config's `hydra` node (attached), with the built-in help templates."""
    hydra = {
        "job": {"name": "my_app"},
        "runtime": {"version": "1.2.3"},
        "help": OmegaConf.load(BUILTIN / "help" / "default.yaml"),
        "hydra_help": OmegaConf.load(BUILTIN / "hydra_help" / "default.yaml"),
    }
    cfg = OmegaConf.create({"hydra": hydra, "title": "Title"})
    cfg.merge_with({"hydra": extra})
    return cfg.hydra


def test_version_text() -> None:
    assert version_text() == f"hydria {__version__}"


@pytest.mark.parametrize(
    ("argv0", "command"),
    [
        pytest.param("app.py", "python app.py", id="script"),
        pytest.param("src/my_app.py", "python src/my_app.py", id="script-path"),
        pytest.param("/usr/local/bin/my-app", "my-app", id="entry-point"),
        pytest.param("my-app", "my-app", id="entry-point-bare"),
    ],
)
def test_exec_command(argv0: str, command: str) -> None:
    assert exec_command(argv0) == command


def test_flags_help() -> None:
    assert flags_help("python app.py") == FLAGS_HELP


def test_app_help_with_builtin_template() -> None:
    text = render_app_help(_hydra_node(), GROUPS, CONFIG_YAML, command="python app.py")
    assert text == (
        "my_app is powered by Hydra.\n"
        "\n"
        "== Configuration groups ==\n"
        "Compose your configuration from those groups (group=option)\n"
        "\n"
        "db: mysql, postgresql\n"
        "server: apache\n"
        "server/site: a, b\n"
        "\n"
        "\n"
        "== Config ==\n"
        "Override anything in the config (foo.bar=value)\n"
        "\n"
        "db:\n"
        "  driver: mysql\n"
        "  port: 3306\n"
        "top: 1\n"
        "\n"
        "\n"
        "Powered by Hydra (https://hydra.cc)\n"
        "Use --hydra-help to view Hydra specific help\n"
        "\n"
    )


def test_hydra_help_with_builtin_template() -> None:
    text = render_hydra_help(_hydra_node(), GROUPS, command="python app.py")
    assert text == (
        "hydria (1.2.3), running Hydra 1.3 apps\n"  # not "Hydra (<hydria's version>)"
        "See https://hydra.cc for more info.\n"
        "\n"
        "== Flags ==\n"
        f"{FLAGS_HELP}\n"
        "\n"
        "== Configuration groups ==\n"
        "Compose your configuration from those groups "
        "(For example, append hydra/job_logging=disabled to command line)\n"
        "\n"
        "hydra: config\n"
        "hydra/job_logging: default, disabled, none, stdout\n"
        "hydra/launcher: basic\n"
        "\n"
        "\n"
        "Use '--cfg hydra' to Show the Hydra config.\n"
    )


@pytest.mark.parametrize(
    ("template", "expected"),
    [
        pytest.param("foo", "foo", id="plain"),
        pytest.param(
            "Hydra (${hydra.runtime.version}) $HYDRA_CONFIG_GROUPS",
            "Hydra (1.2.3) hydra: config\nhydra/job_logging: default, disabled, none, stdout\n"
            "hydra/launcher: basic\n",
            id="title-not-on-a-line-of-its-own",
        ),
        pytest.param(
            "My tool (${hydra.runtime.version}) for ${title}\n$$x",
            "My tool (1.2.3) for Title\n$x",
            id="interpolations-and-escapes",
        ),
    ],
)
def test_a_users_hydra_help_template_is_printed_as_written(template: str, expected: str) -> None:
    node = _hydra_node(hydra_help={"template": template})
    assert render_hydra_help(node, GROUPS, command="app") == expected


def test_the_hydra_node_keeps_hydras_hydra_help_template() -> None:
    # saved in .hydra/hydra.yaml as Hydra saves it; only the printed help names hydria
    assert _hydra_node().hydra_help.template.startswith("Hydra (1.2.3)\n")


def test_detached_hydra_node_resolves_its_own_interpolations() -> None:
    detached = OmegaConf.create(OmegaConf.to_container(_hydra_node()))
    text = render_app_help(detached, {}, "", command="python app.py")
    assert text.startswith("my_app is powered by Hydra.\n")


@pytest.mark.parametrize(
    ("help_node", "expected"),
    [
        pytest.param(
            {"template": "$APP_CONFIG_GROUPS|$HYDRA_CONFIG_GROUPS|$CONFIG"},
            "db: mysql, postgresql\nserver: apache\nserver/site: a, b\n"
            "|hydra: config\nhydra/job_logging: default, disabled, none, stdout\n"
            "hydra/launcher: basic\n|x: 1\n",
            id="every-group-placeholder",
        ),
        pytest.param(
            {
                "app_name": "${title}",
                "header": "${hydra.help.app_name}!",
                "template": "${.header}",
            },
            "Title!",
            id="interpolations-reach-the-app-config",
        ),
        pytest.param({"template": "costs $$5 $CONFIG"}, "costs $5 x: 1\n", id="escaped-dollar"),
    ],
)
def test_custom_help_templates(help_node: Mapping[str, str], expected: str) -> None:
    node = _hydra_node(help=help_node)
    assert render_app_help(node, GROUPS, "x: 1\n", command="app") == expected


@pytest.mark.parametrize(
    ("template", "message"),
    [
        pytest.param(
            "$CONFIGS",
            "hydra.help.template uses the unknown placeholder $CONFIGS; the placeholders are "
            "$APP_CONFIG_GROUPS, $CONFIG, $FLAGS_HELP, $HYDRA_CONFIG_GROUPS "
            "(write $$ for a literal $)",
            id="unknown-placeholder",
        ),
        pytest.param(
            "line\ncosts $5",
            "hydra.help.template has a '$' that starts no placeholder (line 2, col 7); the "
            "placeholders are $APP_CONFIG_GROUPS, $CONFIG, $FLAGS_HELP, $HYDRA_CONFIG_GROUPS "
            "(write $$ for a literal $)",
            id="stray-dollar",
        ),
        pytest.param(5, "hydra.help.template must be a string, got int", id="not-a-string"),
    ],
)
def test_bad_help_templates(template: object, message: str) -> None:
    node = _hydra_node(help={"template": template})
    with pytest.raises(ConfigContentError) as info:
        render_app_help(node, GROUPS, "", command="app")
    assert str(info.value) == message


SEARCH_PATH = (
    SearchPathEntry(provider="hydra", url="pkg://hydria.builtin.conf"),
    SearchPathEntry(provider="main", url="file:///tmp/app/conf"),
    SearchPathEntry(provider="schema", url="structured://"),
)


def _d(path: str, package: str, parent: str | None, **kw: Any) -> ResultDefault:
    return ResultDefault(config_path=path, package=package, parent=parent, **kw)


def _n(path: str, package: str, *children: DefaultsTreeNode, **kw: Any) -> DefaultsTreeNode:
    """A tree node; `group=key` for a group entry; children get this node as parent."""
    group = kw.pop("group", None)
    kids = tuple(DefaultsTreeNode(**{**_fields(c), "parent": path}) for c in children)
    return DefaultsTreeNode(
        config_path=path,
        package=package,
        is_group=group is not None,
        override_key=group,
        children=kids,
        **kw,
    )


def _self(path: str, package: str) -> DefaultsTreeNode:
    return DefaultsTreeNode(config_path=path, package=package, is_self=True)


def _fields(node: DefaultsTreeNode) -> dict[str, Any]:
    names = DefaultsTreeNode.__dataclass_fields__
    return {name: getattr(node, name) for name in names}


def _root(*children: DefaultsTreeNode) -> DefaultsTreeNode:
    return _n("<root>", "", *children)


HYDRA_DEFAULTS = (
    _d("hydra/output/default", "hydra", "hydra/config", override_key="hydra/output"),
    _d("hydra/launcher/basic", "hydra.launcher", "hydra/config", override_key="hydra/launcher"),
    _d("hydra/config", "hydra", None, is_self=True),
)
# `config`: [db: postgresql, server: apache, _self_]; `server/apache`: [site: a, _self_]
APP_DEFAULTS = DefaultsList(
    defaults=(
        *HYDRA_DEFAULTS,
        _d("db/postgresql", "db", "config", override_key="db"),
        _d("server/site/a", "server.site", "server/apache", override_key="server/site"),
        _d("server/apache", "server", "config", is_self=True),
        _d("config", "", None, is_self=True, primary=True),
    ),
    choices={
        "server": "apache",
        "server/site": "a",
        "db": "postgresql",
        "hydra/launcher": "basic",
        "hydra/output": "default",
        "hydra/callbacks": None,
    },
    tree=_root(
        _n(
            "hydra/config",
            "hydra",
            _n("hydra/output/default", "hydra", group="hydra/output"),
            _n("hydra/launcher/basic", "hydra.launcher", group="hydra/launcher"),
            _self("hydra/config", "hydra"),
        ),
        _n(
            "config",
            "",
            _n("db/postgresql", "db", group="db"),
            _n(
                "server/apache",
                "server",
                _n("server/site/a", "server.site", group="server/site"),
                _self("server/apache", "server"),
                group="server",
            ),
            _self("config", ""),
            primary=True,
        ),
    ),
)

# what the caller passes (the registry's listing, `hydria.plugin_registry.installed_plugins`)
INFO_PLUGINS = {
    "ConfigSource": ("DirectorySource", "StoreSource"),
    "Launcher": ("BasicLauncher", "JoblibLauncher"),
    "Sweeper": ("BasicSweeper",),
    "SearchPathPlugin": (),
}
HEADER = [f"hydria {__version__}", "=" * len(f"hydria {__version__}")]
PLUGINS = """\
Installed Hydra Plugins
***********************
\tConfigSource:
\t-------------
\t\tDirectorySource
\t\tStoreSource
\tLauncher:
\t---------
\t\tBasicLauncher
\t\tJoblibLauncher
\tSweeper:
\t--------
\t\tBasicSweeper"""
SEARCHPATH = """
Config search path
******************
| Provider | Search path               |
----------------------------------------
| hydra    | pkg://hydria.builtin.conf |
| main     | file:///tmp/app/conf      |
| schema   | structured://             |
----------------------------------------"""
TREE = """
Defaults Tree
*************
<root>:
  hydra/config:
    hydra/output: default
    hydra/launcher: basic
    _self_
  config:
    db: postgresql
    server: apache:
      server/site: a
      _self_
    _self_"""
LIST = """
Defaults List
*************
| Config path          | Package        | _self_ | Parent        |
------------------------------------------------------------------
| hydra/output/default | hydra          | False  | hydra/config  |
| hydra/launcher/basic | hydra.launcher | False  | hydra/config  |
| hydra/config         | hydra          | True   | <root>        |
| db/postgresql        | db             | False  | config        |
| server/site/a        | server.site    | False  | server/apache |
| server/apache        | server         | True   | config        |
| config               |                | True   | <root>        |
------------------------------------------------------------------"""
CONFIG = "Config\n******\ntop: 1\n"


@pytest.mark.parametrize(
    ("kind", "expected"),
    [
        pytest.param(
            "all", "\n".join([*HEADER, PLUGINS, SEARCHPATH, TREE, LIST, CONFIG]), id="all"
        ),
        pytest.param("config", "\n".join([SEARCHPATH, TREE, LIST, CONFIG]), id="config"),
        pytest.param("plugins", PLUGINS, id="plugins"),
        pytest.param("searchpath", SEARCHPATH, id="searchpath"),
        pytest.param("defaults", LIST, id="defaults"),
        pytest.param("defaults-tree", TREE, id="defaults-tree"),
    ],
)
def test_info(kind: str, expected: str) -> None:
    text = render_info(
        kind,
        plugins=INFO_PLUGINS,
        search_path=SEARCH_PATH,
        defaults=APP_DEFAULTS,
        config_yaml="top: 1\n",
    )
    assert text == expected


def test_info_plugins_from_the_caller() -> None:
    plugins = {"Launcher": ["BasicLauncher", "JoblibLauncher"], "Sweeper": []}
    assert render_info("plugins", plugins=plugins) == (
        "Installed Hydra Plugins\n***********************\n"
        "\tLauncher:\n\t---------\n\t\tBasicLauncher\n\t\tJoblibLauncher"
    )


@pytest.mark.parametrize(
    ("kind", "error", "message"),
    [
        pytest.param(
            "tree",
            UsageError,
            "--info expects one of all, config, defaults, defaults-tree, plugins, searchpath, "
            "got 'tree'",
            id="unknown-kind",
        ),
        pytest.param("searchpath", TypeError, "render_info('searchpath') needs search_path"),
        pytest.param("defaults-tree", TypeError, "render_info('defaults-tree') needs defaults"),
        pytest.param("plugins", TypeError, "render_info('plugins') needs plugins"),
        pytest.param("all", TypeError, "render_info('all') needs plugins", id="all-needs"),
    ],
)
def test_info_errors(kind: str, error: type[Exception], message: str) -> None:
    with pytest.raises(error) as info:
        render_info(kind)
    assert str(info.value) == message


@pytest.mark.parametrize(
    ("tree", "lines"),
    [
        pytest.param(
            # config: [_self_, db@src: mysql, db@dst: mysql, misc/extra]
            # db/mysql: [/db@inner: pg]; misc/extra: [_self_]
            _root(
                _n(
                    "config",
                    "",
                    _self("config", ""),
                    _n(
                        "db/mysql",
                        "src",
                        _n("db/pg", "src.inner", group="db@src.inner"),
                        _self("db/mysql", "src"),
                        group="db@src",
                    ),
                    _n(
                        "db/mysql",
                        "dst",
                        _n("db/pg", "dst.inner", group="db@dst.inner"),
                        _self("db/mysql", "dst"),
                        group="db@dst",
                    ),
                    _n("misc/extra", "misc", _self("misc/extra", "misc")),
                    primary=True,
                )
            ),
            [
                "<root>:",
                "  config:",
                "    _self_",
                "    db@src: mysql:",
                "      db@src.inner: pg",
                "      _self_",
                "    db@dst: mysql:",
                "      db@dst.inner: pg",
                "      _self_",
                "    misc/extra:",
                "      _self_",
            ],
            id="same-config-twice",
        ),
        pytest.param(
            # config: [a: x, _self_]; a/x: [_self_, b: y]; b/y: [c: z, _self_]
            _root(
                _n(
                    "config",
                    "",
                    _n(
                        "a/x",
                        "a",
                        _self("a/x", "a"),
                        _n("b/y", "b", _n("c/z", "c", group="c"), _self("b/y", "b"), group="b"),
                        group="a",
                    ),
                    _self("config", ""),
                    primary=True,
                )
            ),
            [
                "<root>:",
                "  config:",
                "    a: x:",
                "      _self_",
                "      b: y:",
                "        c: z",
                "        _self_",
                "    _self_",
            ],
            id="self-first-nested",
        ),
        pytest.param(
            _root(_n("config", "", _n("base", ""), _self("config", ""), primary=True)),
            ["<root>:", "  config:", "    base", "    _self_"],
            id="config-default",
        ),
        pytest.param(
            _root(_n("db/mysql", "db", _self("db/mysql", "db"), primary=True)),
            ["<root>:", "  db/mysql:", "    _self_"],
            id="primary-in-a-group",
        ),
        pytest.param(_root(), ["<root>:"], id="empty"),
    ],
)
def test_defaults_tree(tree: DefaultsTreeNode, lines: list[str]) -> None:
    text = render_info("defaults-tree", defaults=DefaultsList((), {}, tree=tree))
    assert text.split("\n")[3:] == lines


def test_defaults_tree_needs_the_resolvers_tree() -> None:
    with pytest.raises(TypeError, match="the defaults list resolve_defaults made"):
        render_info("defaults-tree", defaults=DefaultsList(()))
