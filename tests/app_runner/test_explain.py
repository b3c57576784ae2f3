"""`--cfg ... --explain`, `--explain KEY` and the sources in `--info defaults-tree`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from omegaconf import DictConfig

import hydria

RAN: list[Any] = []

FILES = {
    "config.yaml": (
        "defaults:\n  - db: mysql\n  - _self_\n\n"
        "name: demo\nurl: ${db.host}:${db.port}\ntags: [a, b]\n"
        "notes: |\n  first line\n  second line\nextra:\n  keep: 1\n  drop: 2\n"
    ),
    "db/mysql.yaml": "host: localhost\nport: 3306\nuser: ???\n",
    "db/postgresql.yaml": "host: pg\nport: 5432\nuser: ???\n",
}


@pytest.fixture
def my_app(tmp_path: Path) -> Any:
    conf = tmp_path / "conf"
    for rel, text in FILES.items():
        (conf / rel).parent.mkdir(parents=True, exist_ok=True)
        (conf / rel).write_text(text)

    @hydria.main(config_path=str(conf), config_name="config", version_base=None)
    def app(cfg: DictConfig) -> Any:
        RAN.append(cfg)
        return hydria.explain(cfg, "db.port")

    RAN.clear()
    return app


def test_cfg_job_explain_annotates_every_value(run_app: Any, my_app: Any) -> None:
    done = run_app(
        my_app, "--cfg", "job", "--explain", "db=postgresql", "db.user=me", "~extra.drop"
    )
    assert (done.code, done.err, RAN) == (0, "", [])
    assert done.out == (
        "db:\n"
        "  host: pg    # from db/postgresql\n"
        "  port: 5432  # from db/postgresql\n"
        "  user: me    # populated by override 'db.user=me'\n"
        "name: demo                  # from config\n"
        "url: ${db.host}:${db.port}  # from config\n"
        "tags:\n"
        "- a  # from config\n"
        "- b  # from config\n"
        "notes: 'first line\n"
        "\n"
        "  second line\n"
        "\n"
        "  '                         # from config\n"
        "extra:\n"
        "  keep: 1  # from config\n"
        "  # drop: deleted by override '~extra.drop'\n"
    )
    # the comments change nothing: the YAML reads back as what --cfg job prints
    plain = run_app(my_app, "--cfg", "job", "db=postgresql", "db.user=me", "~extra.drop").out
    assert yaml.safe_load(done.out) == yaml.safe_load(plain)


def test_explain_with_resolve_and_package(run_app: Any, my_app: Any) -> None:
    done = run_app(my_app, "--cfg", "job", "--explain", "--resolve", "--package", "db")
    assert done.code == 0, done.err
    assert done.out == (
        "# @package db\n"
        "host: localhost  # from db/mysql\n"
        "port: 3306       # from db/mysql\n"
        "user: ???        # from db/mysql\n"
    )
    resolved = run_app(my_app, "--cfg", "job", "--explain", "--resolve", "-p", "url")
    assert resolved.out == "localhost:3306  # from config (as ${db.host}:${db.port})\n"


def test_cfg_hydra_explain_credits_hydria(run_app: Any, my_app: Any) -> None:
    done = run_app(my_app, "--cfg", "hydra", "--explain", "-p", "hydra.job", "hydra.job.chdir=true")
    assert done.code == 0, done.err
    lines = done.out.splitlines()
    assert any(
        line.startswith("name: ") and line.endswith("# populated by hydria") for line in lines
    )
    assert any(
        line.startswith("chdir: true ")
        and "# overridden by override 'hydra.job.chdir=true'" in line
        for line in lines
    )


def test_explain_key_prints_the_history(run_app: Any, my_app: Any, tmp_path: Path) -> None:
    done = run_app(my_app, "--explain", "db.port", "db=postgresql", "db.port=1")
    assert (done.code, done.err, RAN) == (0, "", [])
    assert done.out == (
        "db.port: 1\n"
        "  1. 5432  from db/postgresql.yaml:2 (package db, chosen by override 'db=postgresql')\n"
        "  2. 1  overridden by override #2 'db.port=1'\n"
    )


def test_explain_key_resolved_and_deleted(run_app: Any, my_app: Any) -> None:
    done = run_app(my_app, "--explain", "url", "--resolve")
    assert done.out == (
        "url: ${db.host}:${db.port}  (resolves to localhost:3306)\n"
        "  1. ${db.host}:${db.port}  from config.yaml:6\n"
    )
    deleted = run_app(my_app, "--explain=extra.drop", "~extra.drop")
    assert deleted.out == (
        "extra.drop: deleted\n"
        "  1. 2  from config.yaml:13\n"
        "  2. (deleted)  deleted by override #1 '~extra.drop'\n"
    )
    element = run_app(my_app, "--explain", "tags.1")
    assert element.out == "tags[1]: b\n  1. b  from config.yaml:7\n"


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        pytest.param(
            ["--explain", "db.prot"],
            "--explain db.prot: 'db.prot' is not a key of this config; did you mean 'db.port' "
            "or 'db.host'?",
            id="unknown-key",
        ),
        pytest.param(
            ["--explain"],
            "--explain without a key annotates what --cfg prints: add --cfg job",
            id="bare-without-cfg",
        ),
        pytest.param(
            ["--cfg", "job", "--explain", "db.port"],
            "only one of --run, --multirun, --cfg, --info, --explain KEY and --shell-completion "
            "can be given; got --cfg and --explain KEY",
            id="key-with-cfg",
        ),
    ],
)
def test_explain_usage_errors(run_app: Any, my_app: Any, argv: list[str], message: str) -> None:
    done = run_app(my_app, *argv)
    assert (done.code, done.out, RAN) == (2, "", [])
    assert message in done.err


def test_explain_inside_the_task_uses_the_running_job(run_app: Any, my_app: Any) -> None:
    done = run_app(my_app, "db.port=9")
    assert done.code == 0, done.err
    history = done.value
    assert (history.key, history.value) == ("db.port", 9)
    assert [s.where for s in history.steps] == ["db/mysql.yaml:2", "override #1 'db.port=9'"]


def test_explain_a_run_directory(run_app: Any, my_app: Any, tmp_path: Path) -> None:
    assert run_app(my_app, "db.user=me").code == 0
    [run_dir] = list((tmp_path / "outputs").glob("*/*"))
    history = hydria.explain(run_dir, "db.user")
    assert [s.where for s in history.steps] == ["db/mysql.yaml:3", "override #1 'db.user=me'"]


def test_info_defaults_tree_shows_each_source(run_app: Any, my_app: Any, tmp_path: Path) -> None:
    done = run_app(my_app, "--info", "defaults-tree")
    assert done.code == 0, done.err
    conf = tmp_path / "conf"
    lines = done.out.splitlines()
    assert any(
        line.startswith("  config:") and line.endswith(f"# {conf}/config.yaml") for line in lines
    )
    assert any(
        line.startswith("    db: mysql") and line.endswith(f"# {conf}/db/mysql.yaml")
        for line in lines
    )
    assert any(
        line.startswith("    hydra/output: default")
        and line.endswith("# pkg://hydria.builtin.conf/hydra/output/default.yaml")
        for line in lines
    )
