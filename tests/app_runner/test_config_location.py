"""Where an app's configs come from: the decorator's config_path and config_name, and
--config-path/-cp, --config-name/-cn and --config-dir/-cd on the command line."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from omegaconf import DictConfig, OmegaConf

import hydria

DATA = Path(__file__).parent / "data"
HINT = "Set the environment variable HYDRA_FULL_ERROR=1 for a complete stack trace.\n"


def _show(cfg: DictConfig) -> None:
    print(OmegaConf.to_yaml(cfg), end="")


# Relative to this module's folder: a test module is `tests.app_runner.<stem>`, so the
# folder is found as the package `tests.app_runner`, as for an app run with `python -m`.
relative_app = hydria.main(config_path="data/conf", config_name="config", version_base=None)(_show)
absolute_app = hydria.main(config_path=str(DATA / "conf"), config_name="config", version_base=None)(
    _show
)
no_path_app = hydria.main(config_path=None, config_name=None, version_base=None)(_show)

CONFIG = "db:\n  host: localhost\n  port: 3306\na: 0\nb: z\nurl: ${db.host}:${db.port}\n"
ALT = "alt: true\n"
SQLITE = CONFIG.replace("localhost", "file").replace("3306", "0")


@pytest.mark.parametrize(
    ("app", "argv", "out"),
    [
        pytest.param(relative_app, [], CONFIG, id="decorator-relative"),
        pytest.param(absolute_app, [], CONFIG, id="decorator-absolute"),
        pytest.param(no_path_app, [], "{}\n", id="no-config"),
        pytest.param(absolute_app, ["--config-path", "data/other", "-cn", "alt"], ALT, id="cp-rel"),
        pytest.param(absolute_app, ["-cp", str(DATA / "other"), "-cn", "alt"], ALT, id="cp-abs"),
        pytest.param(relative_app, ["-cp=data/other", "--config-name=alt"], ALT, id="equals"),
        pytest.param(no_path_app, ["-cp", str(DATA / "other"), "-cn", "alt"], ALT, id="cp-no-path"),
        pytest.param(absolute_app, ["-cn", "missing", "a=1"], "a: 1\nb: 1\n", id="cn"),
        pytest.param(absolute_app, ["-cd", str(DATA / "extra"), "db=sqlite"], SQLITE, id="cd-abs"),
        pytest.param(no_path_app, ["-cd", str(DATA / "other"), "-cn", "alt"], ALT, id="cd-only"),
    ],
)
def test_config_comes_from(run_app: Any, app: Any, argv: list[str], out: str) -> None:
    done = run_app(app, *argv)
    assert (done.code, done.out, done.err) == (0, out, "")


def test_relative_config_dir_is_relative_to_the_working_directory(
    run_app: Any, tmp_path: Path
) -> None:
    (tmp_path / "more" / "db").mkdir(parents=True)
    (tmp_path / "more" / "db" / "local.yaml").write_text("host: here\nport: 1\n")
    done = run_app(absolute_app, "-cd", "more", "db=local", "--cfg", "job", "-p", "db")
    assert (done.code, done.out, done.err) == (0, "# @package db\nhost: here\nport: 1\n", "")


def test_config_dir_adds_options_to_help(run_app: Any) -> None:
    done = run_app(absolute_app, "--help", "-cd", str(DATA / "extra"))
    assert "\ndb: mysql, postgresql, sqlite\n" in done.out


def test_config_dir_comes_after_the_primary_dir(run_app: Any) -> None:
    done = run_app(absolute_app, "-cd", str(DATA / "shadow"), "--info", "searchpath")
    rows = [line.split("|") for line in done.out.splitlines() if line.startswith("| ")]
    providers = [row[1].strip() for row in rows[1:]]
    assert providers == ["hydra", "main", "command-line", "schema"]
    done = run_app(absolute_app, "-cd", str(DATA / "shadow"))
    assert done.out == CONFIG


def test_search_path_of_a_relative_config_path(run_app: Any) -> None:
    done = run_app(relative_app, "--info", "searchpath")
    assert "| main     | pkg://tests.app_runner/data/conf |" in done.out


@pytest.mark.parametrize(
    ("app", "argv", "err"),
    [
        pytest.param(
            absolute_app,
            ["-cn", "nope"],
            "Cannot find primary config 'nope'. Check that it's in your config search path.\n\n"
            "Config search path:\n"
            "\tprovider=hydra, path=pkg://hydria.builtin.conf\n"
            f"\tprovider=main, path=file://{DATA / 'conf'}\n"
            "\tprovider=schema, path=structured://\n",
            id="cn-missing",
        ),
        pytest.param(
            absolute_app,
            ["-cp", str(DATA / "nope")],
            f"Primary config directory not found: '{DATA / 'nope'}'. Check that config_path "
            "(or --config-path) points to an existing directory.\n",
            id="cp-missing",
        ),
        pytest.param(
            absolute_app,
            ["-cd", str(DATA / "nope")],
            f"Additional config directory '{DATA / 'nope'}' not found\n",
            id="cd-missing",
        ),
        pytest.param(
            absolute_app,
            ["-cp", str(DATA / "other")],
            "Cannot find primary config 'config'. Check that it's in your config search path.\n\n"
            "Config search path:\n"
            "\tprovider=hydra, path=pkg://hydria.builtin.conf\n"
            f"\tprovider=main, path=file://{DATA / 'other'}\n"
            "\tprovider=schema, path=structured://\n",
            id="cp-without-the-config",
        ),
    ],
)
def test_config_not_found(run_app: Any, app: Any, argv: list[str], err: str) -> None:
    done = run_app(app, *argv)
    assert (done.code, done.out, done.err) == (1, "", err + "\n" + HINT)
