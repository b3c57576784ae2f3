"""The command line: argv → RunRequest, Hydra 1.3's flags, and the usage errors."""

from __future__ import annotations

from typing import Any

import pytest

from hydria.app.cli import RunRequest, parse_args, usage_text
from hydria.errors import UsageError


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        pytest.param([], {}, id="nothing"),
        pytest.param(["db=mysql", "x.y=1"], {"overrides": ("db=mysql", "x.y=1")}, id="overrides"),
        pytest.param(
            ["db=pg", "--cfg", "job", "x=1"],
            {"overrides": ("db=pg", "x=1"), "cfg": "job"},
            id="flag-between-overrides",
        ),
        pytest.param(["--cfg", "hydra", "-p", "db"], {"cfg": "hydra", "package": "db"}, id="cfg-p"),
        pytest.param(["-c", "all", "--resolve"], {"cfg": "all", "resolve": True}, id="cfg-resolve"),
        pytest.param(["--cfg=job"], {"cfg": "job"}, id="cfg-equals"),
        pytest.param(["-c=job"], {"cfg": "job"}, id="short-equals"),
        pytest.param(["--cfg", "job", "--cfg", "hydra"], {"cfg": "hydra"}, id="last-wins"),
        pytest.param(["--package=_global_", "-c", "job"], {"package": "_global_", "cfg": "job"}),
        pytest.param(["--cf", "all"], {"cfg": "all"}, id="long-prefix"),
        pytest.param(
            ["--mul", "a=1,2"], {"multirun": True, "overrides": ("a=1,2",)}, id="prefix-m"
        ),
        pytest.param(["-m", "a=1,2"], {"multirun": True, "overrides": ("a=1,2",)}, id="multirun"),
        pytest.param(["-m", "-m"], {"multirun": True}, id="repeated-switch"),
        pytest.param(["--run"], {"run": True}, id="run"),
        pytest.param(["-r", "x=1"], {"run": True, "overrides": ("x=1",)}, id="run-short"),
        pytest.param(["--info"], {"info": "all"}, id="info-bare"),
        pytest.param(["-i", "defaults-tree"], {"info": "defaults-tree"}, id="info-kind"),
        pytest.param(["--info=plugins"], {"info": "plugins"}, id="info-equals"),
        pytest.param(
            ["--info", "config", "x=1"],
            {"info": "config", "overrides": ("x=1",)},
            id="info-kind-ov",
        ),
        pytest.param(["--info", "x=1"], {"info": "all", "overrides": ("x=1",)}, id="info-then-ov"),
        pytest.param(["--info", "~x"], {"info": "all", "overrides": ("~x",)}, id="info-then-del"),
        pytest.param(
            ["--info", "-cn", "c"], {"info": "all", "config_name": "c"}, id="info-then-flag"
        ),
        pytest.param(
            ["-cp", "conf", "-cn", "config", "-cd", "extra"],
            {"config_path": "conf", "config_name": "config", "config_dir": "extra"},
            id="config-short",
        ),
        pytest.param(
            ["--config-path=conf", "--config-name", "config", "--config-dir", "/x"],
            {"config_path": "conf", "config_name": "config", "config_dir": "/x"},
            id="config-long",
        ),
        pytest.param(["-cn", "db=x"], {"config_name": "db=x"}, id="value-may-look-like-override"),
        pytest.param(["-cn="], {"config_name": ""}, id="empty-value"),
        pytest.param(["--help", "x=1"], {"help": True, "overrides": ("x=1",)}, id="help"),
        pytest.param(["-h", "-m", "--cfg", "job"], {"help": True, "multirun": True, "cfg": "job"}),
        pytest.param(["--help", "--resolve"], {"help": True, "resolve": True}, id="help-resolve"),
        pytest.param(
            ["--hydra-help", "-m", "-c", "job"],
            {"hydra_help": True, "multirun": True, "cfg": "job"},
        ),
        pytest.param(["--version", "-p", "x"], {"version": True, "package": "x"}, id="version"),
        pytest.param(
            ["--experimental-rerun", "cfg.pickle", "x=1"],
            {"experimental_rerun": "cfg.pickle", "overrides": ("x=1",)},
            id="rerun",
        ),
        pytest.param(
            ["-sc", "install=bash"], {"shell_completion": "install=bash"}, id="completion"
        ),
        pytest.param(
            ["a=1", "--shell-completion", "query=fish", "b=2"],
            {"shell_completion": "query=fish", "overrides": ("a=1", "b=2")},
            id="completion-query",
        ),
        pytest.param(["install=bash"], {"overrides": ("install=bash",)}, id="no-sc-plain-override"),
        pytest.param(["-h", "-sc"], {"help": True}, id="help-wins-over-sc"),
        pytest.param(
            ["--hydra-help", "-sc", "install=bash"],
            {"hydra_help": True, "overrides": ("install=bash",)},
            id="hydra-help-wins-over-sc",
        ),
        pytest.param(["--", "a=1", "--cfg"], {"overrides": ("a=1", "--cfg")}, id="double-dash"),
        pytest.param(
            ["a=1", "--", "b=2", "--", "c=3"],
            {"overrides": ("a=1", "b=2", "--", "c=3")},
            id="second-double-dash-kept",
        ),
        pytest.param(["-m", "--", "-m"], {"multirun": True, "overrides": ("-m",)}, id="after-dd"),
        pytest.param(["-"], {"overrides": ("-",)}, id="lone-dash"),
        pytest.param(["-1", "x=-2"], {"overrides": ("-1", "x=-2")}, id="negative-number"),
    ],
)
def test_parse(argv: list[str], expected: dict[str, Any]) -> None:
    assert parse_args(argv) == RunRequest(**expected)


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        pytest.param(["--cgf", "job"], "unknown flag '--cgf'; did you mean '--cfg'?", id="typo"),
        pytest.param(["--multirn"], "unknown flag '--multirn'; did you mean '--multirun'?"),
        pytest.param(["-x"], "unknown flag '-x'; --hydra-help lists the flags", id="unknown-short"),
        pytest.param(["--zzz=1"], "unknown flag '--zzz'; --hydra-help lists the flags"),
        pytest.param(
            ["--conf", "x"],
            "ambiguous flag '--conf': it could be --config-path, --config-name, --config-dir",
            id="ambiguous",
        ),
        pytest.param(["--h"], "ambiguous flag '--h': it could be --help, --hydra-help"),
        pytest.param(
            ["-mr"],
            "unknown flag '-mr'; short flags cannot be combined, write '-m -r'",
            id="cluster",
        ),
        pytest.param(["--cfg"], "--cfg expects a value: one of job, hydra, all", id="cfg-last"),
        pytest.param(
            ["--cfg", "-m"],
            "--cfg expects a value: one of job, hydra, all; got the flag '-m'",
            id="cfg-then-flag",
        ),
        pytest.param(["-cn", "--", "x"], "-cn expects a value: a config name; got the flag '--'"),
        pytest.param(["-p"], "-p expects a value: a config package, e.g. db", id="p-last"),
        pytest.param(
            ["--cfg", "jobs"],
            "--cfg expects one of job, hydra, all, got 'jobs'; did you mean 'job'?",
            id="cfg-choice",
        ),
        pytest.param(["-c", "x"], "-c expects one of job, hydra, all, got 'x'", id="short-choice"),
        pytest.param(
            ["--cf=nope"],
            "--cfg expects one of job, hydra, all, got 'nope'",
            id="prefix-named-long",
        ),
        pytest.param(
            ["--info", "conf"],
            "--info expects one of all, config, defaults, defaults-tree, plugins, searchpath, "
            "got 'conf'; did you mean 'config'?",
            id="info-choice",
        ),
        pytest.param(
            ["--info="],
            "--info expects one of all, config, defaults, defaults-tree, plugins, searchpath, "
            "got ''",
            id="info-empty",
        ),
        pytest.param(["--multirun=1"], "--multirun takes no value, got '1'", id="switch-value"),
        pytest.param(["-sc=x"], "-sc takes no value, got 'x'"),
        pytest.param(
            ["--resolve"],
            "The --resolve flag can only be used in conjunction with --cfg or --help "
            "(or --explain KEY)",
            id="resolve-alone",
        ),
        pytest.param(
            ["--hydra-help", "--resolve"],
            "The --resolve flag can only be used in conjunction with --cfg or --help "
            "(or --explain KEY)",
            id="resolve-hydra-help",
        ),
        pytest.param(
            ["-m", "--cfg", "job"],
            "only one of --run, --multirun, --cfg, --info, --explain KEY and --shell-completion "
            "can be given; "
            "got --multirun and --cfg",
            id="two-commands",
        ),
        pytest.param(
            ["-r", "-m", "-i"],
            "only one of --run, --multirun, --cfg, --info, --explain KEY and --shell-completion "
            "can be given; "
            "got --run, --multirun and --info",
            id="three-commands",
        ),
        pytest.param(
            ["-p", "db"],
            "--package can only be used with --cfg (it picks the package to show)",
            id="package-without-cfg",
        ),
        pytest.param(
            ["-sc"],
            "--shell-completion expects one of install=SHELL, uninstall=SHELL, query=SHELL "
            "(e.g. -sc install=bash)",
            id="sc-alone",
        ),
        pytest.param(
            ["-sc", "install=bash", "uninstall=bash"],
            "--shell-completion expects only one of its subcommands, "
            "got 'install=bash' and 'uninstall=bash'",
            id="sc-two",
        ),
        pytest.param(
            ["-sc", "install="],
            "--shell-completion expects a shell after 'install=', e.g. install=bash",
            id="sc-no-shell",
        ),
        pytest.param(
            ["-sc", "install=bash", "-m"],
            "only one of --run, --multirun, --cfg, --info, --explain KEY and --shell-completion "
            "can be given; "
            "got --multirun and --shell-completion",
            id="sc-and-m",
        ),
    ],
)
def test_usage_errors(argv: list[str], message: str) -> None:
    with pytest.raises(UsageError) as info:
        parse_args(argv)
    assert str(info.value) == message


@pytest.mark.parametrize(
    ("argv", "command"),
    [
        pytest.param([], "run", id="default"),
        pytest.param(["-r"], "run", id="run"),
        pytest.param(["-m"], "multirun", id="multirun"),
        pytest.param(["-c", "job"], "cfg", id="cfg"),
        pytest.param(["-i"], "info", id="info"),
        pytest.param(["-sc", "install=bash"], "shell_completion", id="completion"),
        pytest.param(["--hydra-help", "-m"], "hydra_help", id="hydra-help"),
        pytest.param(["-h", "--hydra-help", "-m"], "help", id="help-first"),
        pytest.param(["--experimental-rerun", "x", "-h"], "experimental_rerun", id="rerun"),
        pytest.param(["--experimental-rerun", "x", "--version"], "version", id="version-first"),
    ],
)
def test_command(argv: list[str], command: str) -> None:
    assert parse_args(argv).command == command


def test_request_is_frozen() -> None:
    request = parse_args(["x=1"])
    with pytest.raises(AttributeError):
        request.cfg = "job"  # type: ignore[misc]


def test_usage_text_matches_argparse_layout() -> None:
    assert usage_text("app.py") == (
        "usage: app.py [--help] [--hydra-help] [--version] [--cfg {job,hydra,all}]\n"
        "              [--resolve] [--package PACKAGE] [--run] [--multirun] [--resume]\n"
        "              [--no-wait] [--shell-completion] [--config-path CONFIG_PATH]\n"
        "              [--config-name CONFIG_NAME] [--config-dir CONFIG_DIR]\n"
        "              [--experimental-rerun EXPERIMENTAL_RERUN]\n"
        "              [--info [{all,config,defaults,defaults-tree,plugins,searchpath}]]\n"
        "              [--explain [KEY]]\n"
        "              [overrides ...]"
    )


@pytest.mark.parametrize(
    ("argv", "field", "value"),
    [
        pytest.param(["-cjob"], "cfg", "job", id="cfg"),
        pytest.param(["-cpconf"], "config_path", "conf", id="longest-short-flag"),
        pytest.param(["-iplugins"], "info", "plugins", id="info"),
    ],
)
def test_value_glued_to_a_short_flag(argv: list[str], field: str, value: str) -> None:
    """As argparse (so Hydra) reads it: `-cjob` is `-c job`."""
    assert getattr(parse_args(argv), field) == value
