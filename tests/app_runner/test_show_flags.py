"""The flags that show something instead of running: --cfg, --resolve, --package, --info,
--help, --hydra-help, --version; and the command-line mistakes (exit code 2)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from omegaconf import DictConfig

import hydria
from hydria.app.cli import usage_text

CONF = Path(__file__).parent / "data" / "conf"
JOB_NAME = Path(__file__).stem
RAN: list[DictConfig] = []


@hydria.main(config_path=str(CONF), config_name="config", version_base=None)
def my_app(cfg: DictConfig) -> Any:
    RAN.append(cfg)
    return "ran"


@pytest.fixture(autouse=True)
def _forget_runs() -> None:
    RAN.clear()


JOB_YAML = """\
db:
  host: localhost
  port: 3306
a: 0
b: z
url: ${db.host}:${db.port}
"""


@pytest.mark.parametrize(
    ("argv", "out"),
    [
        pytest.param(["--cfg", "job"], JOB_YAML, id="cfg-job"),
        pytest.param(["-c", "job"], JOB_YAML, id="c-job"),
        pytest.param(["--cfg=job"], JOB_YAML, id="cfg-equals"),
        pytest.param(
            ["--cfg", "job", "a=1", "db=postgresql"],
            "db:\n  host: pg\n  port: 5432\na: 1\nb: z\nurl: ${db.host}:${db.port}\n",
            id="with-overrides",
        ),
        pytest.param(
            ["--cfg", "job", "--resolve"],
            JOB_YAML.replace("${db.host}:${db.port}", "localhost:3306"),
            id="resolve",
        ),
        pytest.param(
            ["--cfg", "job", "--package", "db"],
            "# @package db\nhost: localhost\nport: 3306\n",
            id="package",
        ),
        pytest.param(
            ["-c", "job", "-p", "db", "db=postgresql"],
            "# @package db\nhost: pg\nport: 5432\n",
            id="p-with-override",
        ),
        pytest.param(["--cfg", "job", "-p", "db.port"], "3306\n", id="package-of-a-value"),
        pytest.param(["--cfg", "job", "-p", "url"], "localhost:3306\n", id="package-interpolation"),
        pytest.param(["--cfg", "job", "-p", "_global_"], JOB_YAML, id="package-global"),
        pytest.param(
            ["--cfg", "hydra", "-p", "hydra.job.name"], f"{JOB_NAME}\n", id="hydra-package"
        ),
        pytest.param(
            ["--cfg", "hydra", "-p", "hydra.sweeper", "-cn", "sweep"],
            "# @package hydra.sweeper\n"
            "_target_: hydria.sweepers.basic.BasicSweeper\n"
            "max_batch_size: null\n"
            "params:\n"
            "  a: 5,6\n"
            "  db: glob(*)\n",
            id="hydra-sweeper-params",
        ),
        pytest.param(
            ["--cfg", "hydra", "-p", "hydra.mode", "-cn", "multirun_mode"],
            "RunMode.MULTIRUN\n",
            id="hydra-mode-from-config",
        ),
    ],
)
def test_cfg_prints_the_config_without_running(run_app: Any, argv: list[str], out: str) -> None:
    done = run_app(my_app, *argv)
    assert (done.code, done.out, done.err, done.value) == (0, out, "", None)
    assert RAN == []
    assert list(Path.cwd().iterdir()) == []  # no output dir either


def test_cfg_hydra_shows_the_hydra_node_only(run_app: Any) -> None:
    out = run_app(my_app, "--cfg", "hydra").out
    assert out.startswith("hydra:\n  run:\n    dir: outputs/${now:%Y-%m-%d}/${now:%H-%M-%S}\n")
    assert "\n  job:\n    name: " + JOB_NAME + "\n" in out
    assert "\ndb:" not in out and "\na: 0" not in out


def test_cfg_hydra_leaves_out_the_help_templates(run_app: Any) -> None:
    out = run_app(my_app, "--cfg", "hydra").out
    assert "\n  help:\n" not in out and "\n  hydra_help:\n" not in out


def test_cfg_all_shows_both(run_app: Any) -> None:
    out = run_app(my_app, "--cfg", "all").out
    assert out.startswith("hydra:\n  run:\n")
    assert out.endswith("\n" + JOB_YAML)
    assert "\n  help:\n    app_name: ${hydra.job.name}\n" in out


def test_cfg_all_resolve_resolves_the_hydra_node(run_app: Any) -> None:
    out = run_app(my_app, "--cfg", "all", "--resolve").out
    assert "\n  help:\n    app_name: " + JOB_NAME + "\n" in out
    assert "\nurl: localhost:3306\n" in out
    # unset until a job runs: kept as ??? rather than failing
    assert "\n    subdir: ???\n" in out


_SECTIONS = {
    "version": f"hydria {hydria.__version__}\n" + "=" * len(f"hydria {hydria.__version__}"),
    "plugins": "Installed Hydra Plugins\n***********************\n",
    "searchpath": "\nConfig search path\n******************\n",
    "tree": "\nDefaults Tree\n*************\n<root>:\n",
    "list": "\nDefaults List\n*************\n",
    "config": "Config\n******\n" + JOB_YAML,
}


@pytest.mark.parametrize(
    ("argv", "sections"),
    [
        pytest.param(["--info"], set(_SECTIONS), id="bare"),
        pytest.param(["-i", "all"], set(_SECTIONS), id="all"),
        pytest.param(["--info", "config"], {"searchpath", "tree", "list", "config"}, id="config"),
        pytest.param(["--info", "defaults"], {"list"}, id="defaults"),
        pytest.param(["--info", "defaults-tree"], {"tree"}, id="defaults-tree"),
        pytest.param(["--info", "plugins"], {"plugins"}, id="plugins"),
        pytest.param(["--info=searchpath"], {"searchpath"}, id="searchpath"),
        pytest.param(["--info", "a=1"], set(_SECTIONS) - {"config"}, id="bare-then-override"),
    ],
)
def test_info_prints_its_sections(run_app: Any, argv: list[str], sections: set[str]) -> None:
    done = run_app(my_app, *argv)
    assert (done.code, done.err, RAN) == (0, "", [])
    shown = {name for name, text in _SECTIONS.items() if text in done.out}
    assert shown == sections


def test_info_shows_the_composition(run_app: Any) -> None:
    out = run_app(my_app, "--info", "a=7", "db=postgresql").out
    assert f"| main     | file://{CONF} |" in out
    # each node of the defaults tree shows the file it came from
    tree = re.escape("\n  config:") + r" +" + re.escape(f"# {CONF}/config.yaml\n    db: postgresql")
    tree += r" +" + re.escape(f"# {CONF}/db/postgresql.yaml\n    _self_\n")
    assert re.search(tree, out), out
    assert "\n| db/postgresql " in out
    assert "\na: 7\n" in out
    assert "\t\tBasicLauncher\n" in out and "\t\tBasicSweeper" in out


APP_HELP = f"""\
{JOB_NAME} is powered by Hydra.

== Configuration groups ==
Compose your configuration from those groups (group=option)

db: mysql, postgresql


== Config ==
Override anything in the config (foo.bar=value)

{JOB_YAML}

Powered by Hydra (https://hydra.cc)
Use --hydra-help to view Hydra specific help


"""


@pytest.mark.parametrize(
    ("argv", "out"),
    [
        pytest.param(["--help"], APP_HELP, id="help"),
        pytest.param(["-h"], APP_HELP, id="h"),
        pytest.param(["--help", "a=5"], APP_HELP.replace("a: 0", "a: 5"), id="with-override"),
        pytest.param(
            ["--help", "--resolve"],
            APP_HELP.replace("${db.host}:${db.port}", "localhost:3306"),
            id="resolve",
        ),
        pytest.param(
            ["--help", "hydra.help.app_name=Shop", "hydra.help.footer=bye"],
            APP_HELP.replace(f"{JOB_NAME} is", "Shop is").replace(
                "Powered by Hydra (https://hydra.cc)\nUse --hydra-help to view Hydra specific help"
                "\n",
                "bye",
            ),
            id="help-config",
        ),
        pytest.param(["--help", "--cfg", "job"], APP_HELP, id="help-wins-over-cfg"),
    ],
)
def test_help(run_app: Any, argv: list[str], out: str) -> None:
    done = run_app(my_app, *argv)
    assert (done.code, done.out, done.err, RAN) == (0, out, "", [])


def test_hydra_help(run_app: Any) -> None:
    done = run_app(my_app, "--hydra-help")
    assert (done.code, done.err, RAN) == (0, "", [])
    assert done.out.startswith(
        f"hydria ({hydria.__version__}), running Hydra 1.3 apps\n"
        "See https://hydra.cc for more info.\n\n== Flags ==\n"
        "--help,-h : Application's help\n--hydra-help : Hydra's help\n"
    )
    assert "\n--cfg,-c : Show config instead of running [job|hydra|all]\n" in done.out
    assert "\nhydra/job_logging: default, disabled, none, stdout\n" in done.out
    assert "\nhydra/launcher: basic, joblib, ray, submitit_local, submitit_slurm\n" in done.out
    assert "\nhydra/callbacks: mlflow, tracking, wandb\n" in done.out
    assert "\ndb: " not in done.out  # the app's groups are in --help
    assert done.out.endswith("\nUse '--cfg hydra' to Show the Hydra config.\n\n")


@pytest.mark.parametrize(
    "argv",
    [
        pytest.param(["--version"], id="version"),
        pytest.param(["--version", "--cfg", "job", "a=1"], id="wins-over-everything"),
    ],
)
def test_version(run_app: Any, argv: list[str]) -> None:
    done = run_app(my_app, *argv)
    assert (done.code, done.out, done.err, RAN) == (0, f"hydria {hydria.__version__}\n", "", [])


def test_a_plain_run_returns_the_task_value(run_app: Any) -> None:
    done = run_app(my_app, "--run", "a=1")
    assert (done.code, done.err, done.value) == (0, "", "ran")
    assert [cfg.a for cfg in RAN] == [1]


USAGE = usage_text("my_app.py") + "\nmy_app.py: error: "


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        pytest.param(
            ["--bogus"], "unknown flag '--bogus'; --hydra-help lists the flags", id="flag"
        ),
        pytest.param(["--cfgg", "job"], "unknown flag '--cfgg'; did you mean '--cfg'?", id="typo"),
        pytest.param(
            ["--cfg", "jb"],
            "--cfg expects one of job, hydra, all, got 'jb'; did you mean 'job'?",
            id="bad-cfg-kind",
        ),
        pytest.param(["--cfg"], "--cfg expects a value: one of job, hydra, all", id="cfg-no-value"),
        pytest.param(
            ["--info", "foo"],
            "--info expects one of all, config, defaults, defaults-tree, plugins, searchpath, "
            "got 'foo'",
            id="bad-info-kind",
        ),
        pytest.param(
            ["--resolve"],
            "The --resolve flag can only be used in conjunction with --cfg or --help "
            "(or --explain KEY)",
            id="resolve-alone",
        ),
        pytest.param(
            ["-m", "--cfg", "job"],
            "only one of --run, --multirun, --cfg, --info, --explain KEY and --shell-completion "
            "can be given; "
            "got --multirun and --cfg",
            id="two-commands",
        ),
        pytest.param(
            ["--cfg", "job", "-p", "nope"], "package 'nope' not found in config", id="no-package"
        ),
        pytest.param(
            ["-p", "db"],
            "--package can only be used with --cfg (it picks the package to show)",
            id="package-without-cfg",
        ),
    ],
)
def test_command_line_mistakes_exit_2(run_app: Any, argv: list[str], message: str) -> None:
    done = run_app(my_app, *argv)
    assert (done.code, done.out, done.err, RAN) == (2, "", USAGE + message + "\n", [])


@pytest.mark.parametrize(
    ("glued", "spaced"),
    [
        pytest.param(["-cjob"], ["-c", "job"], id="cfg"),
        pytest.param(["-iplugins"], ["-i", "plugins"], id="info"),
    ],
)
def test_a_value_glued_to_a_short_flag(run_app: Any, glued: list[str], spaced: list[str]) -> None:
    expected = run_app(my_app, *spaced)
    done = run_app(my_app, *glued)
    assert (done.code, done.out, done.err) == (0, expected.out, "")
