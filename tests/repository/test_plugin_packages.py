"""A real Hydra plugin package, hydra-colorlog, installed without hydra-core (`make test`
puts it in `.plugin-pkgs/`), and the launcher and sweeper plugins hydria refuses.

Expected outputs are hydra-core 1.3.2's with the same plugin, except that hydria's
built-in configs are listed as `pkg://hydria.builtin.conf`.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from omegaconf import OmegaConf

import hydria
from hydria.errors import PluginError
from hydria.plugins import load_plugin

PLUGIN_PKGS = Path(__file__).resolve().parents[2] / ".plugin-pkgs"

APP = """
import logging

import hydria

log = logging.getLogger(__name__)


@hydria.main(version_base=None, config_path="conf", config_name="config")
def app(cfg):
    log.info("hello from the task")
    log.warning("careful")


if __name__ == "__main__":
    app()
"""

ANSI = "\x1b["


@pytest.fixture
def plugin_pkgs() -> Path:
    if not (PLUGIN_PKGS / "hydra_plugins" / "hydra_colorlog" / "colorlog.py").is_file():
        pytest.fail(
            f"hydra-colorlog is not installed in {PLUGIN_PKGS}: run `make .plugin-pkgs/.installed`"
        )
    return PLUGIN_PKGS


def _tree(root: Path, config: str) -> None:
    (root / "conf").mkdir()
    (root / "conf" / "config.yaml").write_text(textwrap.dedent(config))
    (root / "app.py").write_text(APP)


def _run(cwd: Path, plugin_pkgs: Path, *args: str) -> subprocess.CompletedProcess[str]:
    # colorlog colours unless NO_COLOR is set, whether or not the stream is a terminal
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR")}
    env["PYTHONPATH"] = str(plugin_pkgs)
    return subprocess.run(
        [sys.executable, *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=120
    )


def _log_file(root: Path) -> str:
    # hydra-colorlog names its log file `${hydra.job.name}.log`, relative: without
    # chdir it lands in the working directory, as with hydra-core
    return (root / "app.log").read_text()


@pytest.mark.parametrize(
    ("config", "args"),
    [
        pytest.param("a: 1\n", ["hydra/job_logging=colorlog"], id="command-line"),
        pytest.param(
            """\
            defaults:
              - override hydra/job_logging: colorlog
              - override hydra/hydra_logging: colorlog
              - _self_
            a: 1
            """,
            [],
            id="defaults-list",
        ),
    ],
)
def test_colorlog_job_logging_colours_the_console(
    tmp_path: Path, plugin_pkgs: Path, config: str, args: list[str]
) -> None:
    _tree(tmp_path, config)
    run = _run(tmp_path, plugin_pkgs, "app.py", *args)
    assert run.returncode == 0, run.stderr
    lines = run.stdout.splitlines()
    assert len(lines) == 2
    # [time][name][LEVEL] - message, each part in its colour: cyan, blue, green / yellow
    assert lines[0].startswith(f"[{ANSI}36m")
    assert f"][{ANSI}34m__main__{ANSI}0m][{ANSI}32mINFO{ANSI}0m] - hello from the task" in lines[0]
    assert f"][{ANSI}33mWARNING{ANSI}0m] - careful" in lines[1]
    log = _log_file(tmp_path)  # the file handler keeps the plain format
    assert ANSI not in log
    assert "[__main__][INFO] - hello from the task" in log


def test_the_plugin_is_listed_and_on_the_search_path(tmp_path: Path, plugin_pkgs: Path) -> None:
    _tree(tmp_path, "a: 1\n")
    run = _run(tmp_path, plugin_pkgs, "app.py", "--info", "searchpath")
    assert run.returncode == 0, run.stderr
    rows = [[c.strip() for c in line.split("|")[1:-1]] for line in run.stdout.splitlines()]
    assert ["hydra-colorlog", "pkg://hydra_plugins.hydra_colorlog.conf"] in rows
    run = _run(tmp_path, plugin_pkgs, "app.py", "--cfg", "hydra", "--package", "hydra.runtime")
    assert "provider: hydra-colorlog" in run.stdout
    run = _run(tmp_path, plugin_pkgs, "app.py", "--info", "plugins")
    assert run.stdout.endswith(
        "\tSearchPathPlugin:\n\t-----------------\n\t\tHydraColorlogSearchPathPlugin\n"
    )


CHECK_SHIM = """
import importlib.util
import sys

assert importlib.util.find_spec("hydra") is None, "hydra-core must not be installed here"
import hydria

cfg = hydria.compose(
    "config", ["hydra/job_logging=colorlog"], config_dir="conf", return_hydra_config=True
)
from hydra_plugins.hydra_colorlog.colorlog import HydraColorlogSearchPathPlugin

print(cfg.hydra.job_logging.formatters.colorlog["()"])
print([c.__module__ for c in HydraColorlogSearchPathPlugin.__mro__[1:3]])
print(sys.modules["hydra"].__file__.startswith(hydria.__path__[0]))
"""


def test_the_plugin_imports_hydra_from_hydria_when_hydra_core_is_absent(
    tmp_path: Path, plugin_pkgs: Path
) -> None:
    _tree(tmp_path, "a: 1\n")
    run = _run(tmp_path, plugin_pkgs, "-c", CHECK_SHIM)
    assert run.returncode == 0, run.stderr
    assert run.stdout.splitlines() == [
        "colorlog.ColoredFormatter",
        "['hydria.repository.plugin_search_path', 'abc']",
        "True",
    ]
    assert run.stderr == ""


# Launcher and sweeper plugins hydria does not run


@pytest.mark.parametrize(
    ("override", "message"),
    [
        pytest.param(
            "hydra/launcher=rq",
            "hydra/launcher=rq is the launcher of the Hydra plugin hydra-rq-launcher, which "
            "hydria does not run.\n  Instead use hydra/launcher=basic (one job after another), "
            "joblib (local worker processes), submitit_local, submitit_slurm (SLURM job arrays) "
            "or ray (a local or running Ray cluster).",
            id="rq",
        ),
        pytest.param(
            "hydra/launcher=ray_aws",
            "hydra/launcher=ray_aws is the launcher of the Hydra plugin hydra-ray-launcher",
            id="ray_aws",
        ),
        pytest.param("hydra/sweeper=ax", "the Hydra plugin hydra-ax-sweeper", id="ax"),
        pytest.param("hydra/sweeper=nevergrad", "hydra-nevergrad-sweeper", id="nevergrad"),
    ],
)
def test_a_launcher_or_sweeper_plugin_hydria_does_not_run_is_named(
    tmp_path: Path, override: str, message: str
) -> None:
    (tmp_path / "config.yaml").write_text("a: 1\n")
    with pytest.raises(PluginError) as info:
        hydria.compose("config", [override], config_dir=str(tmp_path), return_hydra_config=True)
    assert message in str(info.value)


def test_the_error_says_which_config_asked_for_the_plugin(tmp_path: Path) -> None:
    (tmp_path / "config.yaml").write_text("defaults:\n  - search: ax\n")
    (tmp_path / "search").mkdir()
    (tmp_path / "search" / "ax.yaml").write_text(
        "# @package _global_\ndefaults:\n  - override /hydra/sweeper: ax\n"
    )
    with pytest.raises(PluginError) as info:
        hydria.compose("config", config_dir=str(tmp_path), return_hydra_config=True)
    assert str(info.value).startswith(
        "In 'override /hydra/sweeper: ax' in 'search/ax': hydra/sweeper=ax is the "
        "sweeper of the Hydra plugin hydra-ax-sweeper"
    )


@pytest.mark.parametrize(
    ("kind", "target", "message"),
    [
        pytest.param(
            "launcher",
            "hydra_plugins.hydra_rq_launcher.rq_launcher.RQLauncher",
            "_target_: hydra_plugins.hydra_rq_launcher.rq_launcher.RQLauncher is the launcher "
            "of the Hydra plugin hydra-rq-launcher, which hydria does not run.",
            id="rq",
        ),
        pytest.param(
            "sweeper",
            "hydra_plugins.hydra_ax_sweeper.ax_sweeper.AxSweeper",
            "the sweeper of the Hydra plugin hydra-ax-sweeper",
            id="ax",
        ),
    ],
)
def test_a_target_naming_such_a_plugin_is_refused(kind: str, target: str, message: str) -> None:
    with pytest.raises(PluginError, match=message):
        load_plugin(kind, OmegaConf.create({"_target_": target}))  # type: ignore[arg-type]


HYDRA_CORE_LAUNCHER = """
class Launcher:  # what hydra-core's base class looks like from outside
    pass

Launcher.__module__ = "hydra.plugins.launcher"


class MyLauncher(Launcher):
    def __init__(self, **kwargs):
        pass
"""


def test_any_other_hydra_core_launcher_class_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "third_party_launcher.py").write_text(HYDRA_CORE_LAUNCHER)
    monkeypatch.syspath_prepend(str(tmp_path))
    node = OmegaConf.create({"_target_": "third_party_launcher.MyLauncher"})
    with pytest.raises(PluginError) as info:
        load_plugin("launcher", node)
    assert str(info.value).startswith(
        "hydra.launcher (third_party_launcher.MyLauncher) is a Hydra launcher plugin, which "
        "hydria does not run. hydria runs its own launchers: "
    )
    assert "hydria.launchers.joblib.JoblibLauncher" in str(info.value)
