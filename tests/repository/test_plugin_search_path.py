"""Search path plugins: `ConfigSearchPath`'s editing API, and plugins found in installed
`hydra_plugins` packages adding config sources to apps and to `compose`.

The expected search path orders are hydra-core 1.3.2's for the same plugins. Discovery
imports modules into the process, so everything that discovers runs in a subprocess.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest

from hydria.errors import ConfigLoadError, PluginError
from hydria.plugins import ConfigSearchPath, SearchPathElement, SearchPathPlugin, SearchPathQuery
from hydria.repository import SearchPathEntry

# ConfigSearchPath


def _search_path() -> ConfigSearchPath:
    return ConfigSearchPath(
        [
            SearchPathEntry("hydra", "pkg://hydria.builtin.conf"),
            SearchPathEntry("main", "file:///c"),
        ]
    )


def _providers(search_path: ConfigSearchPath) -> list[str]:
    return [e.provider for e in search_path.get_path()]


class _ForeignQuery:
    """What hydra-core's own SearchPathQuery looks like to hydria: two attributes."""

    provider = "main"
    path = None


@pytest.mark.parametrize(
    ("method", "anchor", "expected"),
    [
        pytest.param("append", None, ["hydra", "main", "new"], id="append"),
        pytest.param(
            "append", SearchPathQuery(provider="hydra"), ["hydra", "new", "main"], id="append-after"
        ),
        pytest.param("append", "hydra", ["hydra", "new", "main"], id="append-after-provider-name"),
        pytest.param(
            "append", SearchPathQuery(path="file:///c"), ["hydra", "main", "new"], id="by-path"
        ),
        pytest.param(
            "prepend", SearchPathQuery(path="/c"), ["hydra", "new", "main"], id="path-sans-scheme"
        ),
        pytest.param(
            "prepend",
            SearchPathQuery("main", "pkg://elsewhere"),
            ["new", "hydra", "main"],
            id="provider-and-path-must-both-match",
        ),
        pytest.param("append", "nobody", ["hydra", "main", "new"], id="append-no-match"),
        pytest.param("prepend", None, ["new", "hydra", "main"], id="prepend"),
        pytest.param("prepend", "main", ["hydra", "new", "main"], id="prepend-before"),
        pytest.param("prepend", "hydra", ["new", "hydra", "main"], id="prepend-before-first"),
        pytest.param("prepend", "nobody", ["new", "hydra", "main"], id="prepend-no-match"),
        pytest.param("prepend", _ForeignQuery(), ["hydra", "new", "main"], id="foreign-query"),
    ],
)
def test_append_and_prepend_with_anchors(method: str, anchor: Any, expected: list[str]) -> None:
    search_path = _search_path()
    getattr(search_path, method)("new", "pkg://new", anchor)
    assert _providers(search_path) == expected


def test_anchors_match_the_last_or_the_first_of_several() -> None:
    search_path = _search_path()
    search_path.append("extra", "pkg://one")
    search_path.append("extra", "pkg://two")
    assert search_path.find_first_match(SearchPathQuery(provider="extra")) == 2
    assert search_path.find_last_match(SearchPathQuery(provider="extra")) == 3
    search_path.append("after", "pkg://after", anchor="extra")
    search_path.prepend("before", "pkg://before", anchor="extra")
    assert _providers(search_path) == ["hydra", "main", "before", "extra", "extra", "after"]
    assert search_path.find_first_match(SearchPathQuery(provider="nobody")) == -1


def test_the_path_list_is_edited_in_place_and_read_back_as_entries() -> None:
    search_path = _search_path()
    elements = search_path.get_path()
    elements.insert(1, SearchPathElement("plugin", "/abs/dir"))
    del elements[0]
    assert search_path.entries() == (
        SearchPathEntry("plugin", "file:///abs/dir"),
        SearchPathEntry("main", "file:///c"),
    )
    assert str(elements[0]) == "provider=plugin, path=/abs/dir"


def test_a_query_needs_a_provider_or_a_path() -> None:
    with pytest.raises(PluginError, match="needs a provider, a path, or both"):
        _search_path().append("new", "pkg://new", anchor=SearchPathQuery())


def test_an_entry_with_an_unknown_scheme_is_refused() -> None:
    search_path = _search_path()
    search_path.append("cloud", "s3://bucket/conf")
    with pytest.raises(ConfigLoadError, match="Unknown config source scheme 's3'"):
        search_path.entries()


def test_the_base_class_is_abstract() -> None:
    with pytest.raises(TypeError, match="manipulate_search_path"):
        SearchPathPlugin()  # type: ignore[abstract]


# Plugins discovered in `hydra_plugins` packages, in real processes

APP = """
import logging

import hydria

log = logging.getLogger(__name__)


@hydria.main(version_base=None, config_path="conf", config_name="config")
def app(cfg):
    log.info("hello from the task")


if __name__ == "__main__":
    app()
"""

HYDRIA_PLUGIN = """
from hydria.plugins import SearchPathPlugin


class MinePlugin(SearchPathPlugin):
    def manipulate_search_path(self, search_path):
        search_path.append("mine", "pkg://hydra_plugins.mine.conf")
"""

# Written against hydra-core's classes, as every published plugin is.
ORDER_PLUGIN = """
from hydra.core.config_search_path import ConfigSearchPath, SearchPathQuery
from hydra.plugins.search_path_plugin import SearchPathPlugin


class OrderPlugin(SearchPathPlugin):
    def manipulate_search_path(self, search_path: ConfigSearchPath) -> None:
        search_path.append("at-end", "pkg://hydra_plugins.mine.conf")
        search_path.append("after-hydra", "pkg://after_hydra", anchor="hydra")
        search_path.prepend("before-main", "/tmp/before_main", anchor=SearchPathQuery("main"))
        search_path.prepend("first", "pkg://first")
"""


def _write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text))


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    """An app with its config tree in `tmp_path`, and a plugin directory `plugins/`
    holding the package `hydra_plugins.mine`, whose `conf/` has a job_logging option."""
    _write(
        tmp_path,
        {
            "app.py": APP,
            "conf/config.yaml": "a: 1\n",
            "plugins/hydra_plugins/mine/__init__.py": "",
            "plugins/hydra_plugins/mine/conf/__init__.py": "",
            "plugins/hydra_plugins/mine/conf/hydra/job_logging/mine.yaml": """\
                version: 1
                formatters:
                  mine: {format: 'MINE %(levelname)s %(message)s'}
                handlers:
                  console: {class: logging.StreamHandler, formatter: mine, stream: ext://sys.stdout}
                root: {level: INFO, handlers: [console]}
                disable_existing_loggers: false
            """,
        },
    )
    return tmp_path


def _run(cwd: Path, *args: str, pythonpath: list[Path]) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR")}
    env["PYTHONPATH"] = os.pathsep.join(str(p) for p in pythonpath)
    env.pop("HYDRA_FULL_ERROR", None)
    return subprocess.run(
        [sys.executable, *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=120
    )


def _searchpath_rows(out: str) -> list[tuple[str, str]]:
    rows = [line.strip("| ").split(" | ") for line in out.splitlines() if line.startswith("| ")]
    return [(provider.strip(), path.strip()) for provider, path in rows[1:]]


def test_a_plugin_adds_a_config_group_option_to_apps(tree: Path) -> None:
    _write(tree, {"plugins/hydra_plugins/mine/mine_plugin.py": HYDRIA_PLUGIN})
    plugins = [tree / "plugins"]
    info = _run(tree, "app.py", "--info", "searchpath", pythonpath=plugins)
    assert info.returncode == 0, info.stderr
    assert _searchpath_rows(info.stdout) == [
        ("hydra", "pkg://hydria.builtin.conf"),
        ("main", f"file://{tree / 'conf'}"),
        ("mine", "pkg://hydra_plugins.mine.conf"),
        ("schema", "structured://"),
    ]
    run = _run(tree, "app.py", "hydra/job_logging=mine", pythonpath=plugins)
    assert run.returncode == 0, run.stderr
    assert "MINE INFO hello from the task" in run.stdout
    assert run.stderr == ""


def test_the_search_path_order_is_hydras(tree: Path) -> None:
    # The plugin's entries come right after the primary source; --config-dir and
    # hydra.searchpath after them (as hydra-core 1.3.2 prints for the same plugin).
    _write(tree, {"plugins/hydra_plugins/order.py": ORDER_PLUGIN, "extra/x.yaml": "x: 1\n"})
    (tree / "sp").mkdir()
    info = _run(
        tree,
        "app.py",
        "--info",
        "searchpath",
        "--config-dir",
        "extra",
        f"hydra.searchpath=[file://{tree / 'sp'}]",
        pythonpath=[tree / "plugins"],
    )
    assert info.returncode == 0, info.stderr
    assert _searchpath_rows(info.stdout) == [
        ("first", "pkg://first"),
        ("hydra", "pkg://hydria.builtin.conf"),
        ("after-hydra", "pkg://after_hydra"),
        ("before-main", "file:///tmp/before_main"),
        ("main", f"file://{tree / 'conf'}"),
        ("at-end", "pkg://hydra_plugins.mine.conf"),
        ("command-line", f"file://{tree / 'extra'}"),
        ("hydra.searchpath in command-line", f"file://{tree / 'sp'}"),
        ("schema", "structured://"),
    ]


def test_without_plugin_packages_discovery_imports_nothing(tree: Path) -> None:
    code = (
        "import sys, hydria\n"
        "hydria.compose('config', config_dir='conf')\n"
        "print(sorted(m for m in sys.modules if 'plugin' in m or m.split('.')[0] == 'hydra'))\n"
    )
    run = _run(tree, "-c", code, pythonpath=[])
    assert run.returncode == 0, run.stderr
    assert run.stdout == "[]\n"


# Stand-ins for hydra-core's modules (not installed in the test environment): a plugin
# built on them must be found and its anchors understood, as when hydra-core is present.
FOREIGN_HYDRA = {
    "fake_hydra_core/hydra/__init__.py": "",
    "fake_hydra_core/hydra/core/__init__.py": "",
    "fake_hydra_core/hydra/core/config_search_path.py": """\
        from dataclasses import dataclass

        class ConfigSearchPath:  # only a type annotation for plugins
            pass

        @dataclass
        class SearchPathQuery:
            provider: object = None
            path: object = None
    """,
    "fake_hydra_core/hydra/plugins/__init__.py": "",
    "fake_hydra_core/hydra/plugins/search_path_plugin.py": """\
        from abc import ABC, abstractmethod

        class SearchPathPlugin(ABC):
            @abstractmethod
            def manipulate_search_path(self, search_path): ...
    """,
}


def test_a_plugin_built_on_hydra_cores_classes_is_found(tree: Path) -> None:
    _write(tree, {**FOREIGN_HYDRA, "plugins/hydra_plugins/order.py": ORDER_PLUGIN})
    code = (
        "import hydria, hydra\n"
        "cfg = hydria.compose('config', config_dir='conf', return_hydra_config=True)\n"
        "print(hydra.__file__)\n"
        "print([s.provider for s in cfg.hydra.runtime.config_sources])\n"
    )
    run = _run(tree, "-c", code, pythonpath=[tree / "plugins", tree / "fake_hydra_core"])
    assert run.returncode == 0, run.stderr
    assert run.stdout.splitlines() == [
        str(tree / "fake_hydra_core" / "hydra" / "__init__.py"),
        "['first', 'hydra', 'after-hydra', 'before-main', 'main', 'at-end', 'schema']",
    ]
    assert run.stderr == ""


STORING_PLUGIN = """
from dataclasses import dataclass

from hydra.core.config_store import ConfigStore


@dataclass
class QuietLogging:
    version: int = 1
    disable_existing_loggers: bool = False


ConfigStore.instance().store(
    group="hydra/job_logging", name="quiet", node=QuietLogging, provider="quiet-plugin"
)
"""


def test_configs_a_plugin_module_stores_at_import_are_found(tree: Path) -> None:
    # Hydra imports every plugin module at start-up, so ConfigStore entries they make
    # at import time exist; with hydra-core absent, their ConfigStore is hydria's.
    _write(tree, {"plugins/hydra_plugins/quiet_logging.py": STORING_PLUGIN})
    code = (
        "import hydria\n"
        "cfg = hydria.compose('config', ['hydra/job_logging=quiet'], config_dir='conf',\n"
        "                     return_hydra_config=True)\n"
        "print(dict(cfg.hydra.job_logging))\n"
    )
    run = _run(tree, "-c", code, pythonpath=[tree / "plugins"])
    assert run.returncode == 0, run.stderr
    assert run.stdout == "{'version': 1, 'disable_existing_loggers': False}\n"


COMPOSE = """
import sys

import hydria

cfg = hydria.compose(
    "config", ["hydra/job_logging=mine"], config_dir="conf", return_hydra_config=True
)
print(cfg.hydra.runtime.choices["hydra/job_logging"], cfg.hydra.job_logging.formatters.mine.format)
print([s.provider for s in cfg.hydra.runtime.config_sources])
with hydria.initialize_config_dir(config_dir=sys.argv[1]):
    print(hydria.compose("config", ["hydra/job_logging=mine"], return_hydra_config=True)
          .hydra.runtime.choices["hydra/job_logging"])
print("imports", open("imports.txt").read().count("imported"))
"""

COUNTING_PLUGIN = """
with open("imports.txt", "a") as f:
    f.write("imported\\n")

from hydria.plugins import SearchPathPlugin


class MinePlugin(SearchPathPlugin):
    def manipulate_search_path(self, search_path):
        search_path.append("mine", "pkg://hydra_plugins.mine.conf")
"""


def test_compose_and_initialize_see_plugin_groups_and_discovery_runs_once(tree: Path) -> None:
    _write(tree, {"plugins/hydra_plugins/mine/mine_plugin.py": COUNTING_PLUGIN})
    (tree / "imports.txt").write_text("")
    run = _run(tree, "-c", COMPOSE, str(tree / "conf"), pythonpath=[tree / "plugins"])
    assert run.returncode == 0, run.stderr
    assert run.stdout.splitlines() == [
        "mine MINE %(levelname)s %(message)s",
        "['hydra', 'main', 'mine', 'schema']",
        "mine",
        "imports 1",
    ]


NEW_PACKAGE = """
import importlib

import hydria

def sources():
    cfg = hydria.compose("config", config_dir="conf", return_hydra_config=True)
    return [s.provider for s in cfg.hydra.runtime.config_sources]

print(sources())
import os
os.makedirs("plugins/hydra_plugins/later")
with open("plugins/hydra_plugins/later/__init__.py", "w") as f:
    f.write('''
from hydria.plugins import SearchPathPlugin

class LaterPlugin(SearchPathPlugin):
    def manipulate_search_path(self, search_path):
        search_path.append("later", "pkg://later")
''')
importlib.invalidate_caches()
print(sources())
"""


def test_a_package_installed_while_running_is_found_by_the_next_compose(tree: Path) -> None:
    _write(tree, {"plugins/hydra_plugins/mine/mine_plugin.py": HYDRIA_PLUGIN})
    run = _run(tree, "-c", NEW_PACKAGE, pythonpath=[tree / "plugins"])
    assert run.returncode == 0, run.stderr
    assert run.stdout.splitlines() == [
        "['hydra', 'main', 'mine', 'schema']",
        "['hydra', 'main', 'later', 'mine', 'schema']",
    ]


def test_a_plugin_module_that_fails_to_import_is_a_warning_naming_it(tree: Path) -> None:
    _write(
        tree,
        {
            "plugins/hydra_plugins/mine/mine_plugin.py": HYDRIA_PLUGIN,
            "plugins/hydra_plugins/broken/__init__.py": "",
            "plugins/hydra_plugins/broken/needs_dep.py": "import no_such_dependency\n",
            "plugins/hydra_plugins/broken/buggy.py": "raise RuntimeError('plugin bug')\n",
        },
    )
    run = _run(tree, "app.py", "hydra/job_logging=mine", pythonpath=[tree / "plugins"])
    assert run.returncode == 0, run.stderr
    assert "MINE INFO hello from the task" in run.stdout
    assert (
        "Could not import the Hydra plugin module 'hydra_plugins.broken.needs_dep' "
        "(ModuleNotFoundError: No module named 'no_such_dependency')"
    ) in run.stderr
    assert (
        "Could not import the Hydra plugin module 'hydra_plugins.broken.buggy' "
        "(RuntimeError: plugin bug)"
    ) in run.stderr
    assert run.stderr.count("UserWarning") == 2


def test_private_modules_and_launcher_packages_are_not_imported(tree: Path) -> None:
    # As Hydra, `_name` modules are skipped; the launcher and sweeper packages hydria
    # replaces or refuses are never imported (they would need hydra-core).
    fail = "raise RuntimeError('imported')\n"
    _write(
        tree,
        {
            "plugins/hydra_plugins/mine/_private.py": fail,
            "plugins/hydra_plugins/mine/mine_plugin.py": HYDRIA_PLUGIN,
            "plugins/hydra_plugins/hydra_rq_launcher/__init__.py": fail,
            "plugins/hydra_plugins/hydra_joblib_launcher/__init__.py": fail,
        },
    )
    run = _run(tree, "app.py", "hydra/job_logging=mine", pythonpath=[tree / "plugins"])
    assert run.returncode == 0, run.stderr
    assert run.stderr == ""


@pytest.mark.parametrize(
    ("body", "message"),
    [
        pytest.param(
            "raise ValueError('no cluster')",
            "Search path plugin hydra_plugins.bad.BadPlugin failed: ValueError: no cluster",
            id="raises",
        ),
        pytest.param(
            "search_path.append('cloud', 's3://bucket/conf')",
            "Search path plugin hydra_plugins.bad.BadPlugin added an entry hydria cannot read: "
            "Unknown config source scheme 's3'",
            id="unknown-scheme",
        ),
    ],
)
def test_a_failing_plugin_is_an_error_naming_it(tree: Path, body: str, message: str) -> None:
    plugin = f"""
from hydria.plugins import SearchPathPlugin

class BadPlugin(SearchPathPlugin):
    def manipulate_search_path(self, search_path):
        {body}
"""
    _write(tree, {"plugins/hydra_plugins/bad.py": plugin})
    run = _run(tree, "app.py", pythonpath=[tree / "plugins"])
    assert run.returncode == 1
    assert message in run.stderr
