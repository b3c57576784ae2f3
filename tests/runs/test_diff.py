"""Comparing runs: `diff_runs`, `diff_against_tree`, their renderings, `python -m hydria diff`.

The runs are real: `my_app` (tests/runs/conftest.py) runs on a config tree in
`tmp_path` with different overrides, and the diff reads back what they saved.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from omegaconf import OmegaConf

import hydria
from hydria.runs.diff import (
    ABSENT,
    RunDiff,
    ValueChange,
    diff_against_tree,
    diff_configs,
    diff_runs,
)
from hydria.runs.diff_report import render_json, render_text
from hydria.runs.saved import SavedRun, load_run

App = Callable[[], Any]


def change(key: str, before: Any, after: Any) -> ValueChange:
    return ValueChange(key=key, before=before, after=after)


@pytest.fixture
def make_run(run_app: Any, my_app: App, tmp_path: Path) -> Callable[..., SavedRun]:
    """`make_run(name, *overrides)`: run `my_app` into `tmp_path/name` and read it back."""

    def make(name: str, *overrides: str) -> SavedRun:
        done = run_app(my_app, f"hydra.run.dir={name}", *overrides)
        assert done.code == 0, done.err
        return load_run(tmp_path / name)

    return make


@pytest.fixture
def two_runs(make_run: Callable[..., SavedRun]) -> tuple[SavedRun, SavedRun]:
    first = make_run("run_a", "model.lr=0.5", "+tag=a")
    second = make_run(
        "run_b", "db=postgresql", "model.lr=0.5", "model.layers=[1,5]", "+extra.deep=1"
    )
    return first, second


def test_values_overrides_and_choices_of_two_runs(two_runs: tuple[SavedRun, SavedRun]) -> None:
    first, second = two_runs
    diff = diff_runs(first, second)
    assert diff == RunDiff(
        first_label=str(first.directory),
        second_label=str(second.directory),
        changed=(
            change("db.host", "localhost", "pghost"),
            change("db.port", 3306, 5432),
            change("model.layers[1]", 2, 5),
        ),
        added=(change("db.user", ABSENT, "admin"), change("extra.deep", ABSENT, 1)),
        removed=(change("model.layers[2]", 3, ABSENT), change("tag", "a", ABSENT)),
        overrides_only_first=("+tag=a",),
        overrides_only_second=("db=postgresql", "model.layers=[1,5]", "+extra.deep=1"),
        choices=(change("db", "mysql", "postgresql"),),
    )
    assert not diff.same
    assert first.directory.name == "run_a"


def test_a_change_of_type_is_reported_at_its_key(make_run: Callable[..., SavedRun]) -> None:
    first = make_run("run_a")
    second = make_run("run_b", "shape=circle", "model.layers=7")
    diff = diff_runs(first, second)
    assert (diff.changed, diff.added, diff.removed) == (
        (change("model.layers", [1, 2, 3], 7), change("shape", {"kind": "box"}, "circle")),
        (),
        (),
    )
    back = diff_runs(second, first)
    assert back.changed == (
        change("model.layers", 7, [1, 2, 3]),
        change("shape", "circle", {"kind": "box"}),
    )


def test_identical_runs_are_the_same(make_run: Callable[..., SavedRun]) -> None:
    first = make_run("run_a", "db=postgresql", "model.lr=1")
    second = make_run("run_b", "db=postgresql", "model.lr=1")
    diff = diff_runs(first, second)
    assert diff.same
    assert diff == RunDiff(first_label=str(first.directory), second_label=str(second.directory))
    assert render_text(diff) == f"--- {first.directory}\n+++ {second.directory}\nNo differences."
    assert json.loads(render_json(diff))["same"] is True


def test_resolve_compares_values_each_in_its_own_run(make_run: Callable[..., SavedRun]) -> None:
    first = make_run("run_a", "hydra.job.name=first")
    second = make_run("run_b", "hydra.job.name=second", "db.port=5433", "todo=filled")
    as_written = diff_runs(first, second)
    assert as_written.changed == (
        change("db.port", 3306, 5433),
        change("todo", "???", "filled"),
    )
    resolved = diff_runs(first, second, resolve=True)
    assert resolved.changed == (
        change("db.port", 3306, 5433),
        change("name", "first", "second"),
        change("url", "localhost:3306", "localhost:5433"),
        change("todo", "???", "filled"),
        # `???` behind it in the first run: kept as written there, resolved in the second.
        change("needs_todo", "${todo}", "filled"),
    )
    assert not hydria.HydraConfig.initialized()


@pytest.mark.parametrize(
    ("first", "second", "changed", "added", "removed"),
    [
        pytest.param({"a": 1}, {"a": True}, [("a", 1, True)], [], [], id="int-vs-bool"),
        pytest.param({"a": 1}, {"a": 1.0}, [("a", 1, 1.0)], [], [], id="int-vs-float"),
        pytest.param({"a": None}, {}, [], [], [("a", None, ABSENT)], id="null-vs-absent"),
        pytest.param({"a": {}}, {}, [], [], [("a", {}, ABSENT)], id="empty-mapping"),
        pytest.param({}, {"a": {"b": []}}, [], [("a.b", ABSENT, [])], [], id="empty-list"),
        pytest.param(
            {"a": {"b": [{"c": 1}, 2]}},
            {"a": {"b": [{"c": 2}]}},
            [("a.b[0].c", 1, 2)],
            [],
            [("a.b[1]", 2, ABSENT)],
            id="nested-lists",
        ),
        pytest.param(
            {"a": "???"},
            {"a": "${b}", "b": 1},
            [("a", "???", "${b}")],
            [("b", ABSENT, 1)],
            [],
            id="missing-and-interpolation-as-written",
        ),
        pytest.param({"a": [1, 2]}, {"a": {"x": 1}}, [("a", [1, 2], {"x": 1})], [], [], id="shape"),
        pytest.param({"a": float("nan")}, {"a": float("nan")}, [], [], [], id="nan"),
    ],
)
def test_diff_configs(
    first: dict[str, Any],
    second: dict[str, Any],
    changed: list[tuple[str, Any, Any]],
    added: list[tuple[str, Any, Any]],
    removed: list[tuple[str, Any, Any]],
) -> None:
    diff = diff_configs(OmegaConf.create(first), OmegaConf.create(second))
    assert diff.changed == tuple(change(*c) for c in changed)
    assert diff.added == tuple(change(*c) for c in added)
    assert diff.removed == tuple(change(*c) for c in removed)
    assert diff.same == (not (changed or added or removed))
    assert (diff.first_label, diff.second_label) == ("first", "second")


def test_render_text(two_runs: tuple[SavedRun, SavedRun]) -> None:
    first, second = two_runs
    assert render_text(diff_runs(first, second)) == "\n".join(
        [
            f"--- {first.directory}",
            f"+++ {second.directory}",
            "Overrides",
            "  - +tag=a",
            "  + db=postgresql",
            "  + model.layers=[1,5]",
            "  + +extra.deep=1",
            "Group choices",
            "  ~ db: mysql -> postgresql",
            "Config",
            "  ~ db.host: localhost -> pghost",
            "  ~ db.port: 3306 -> 5432",
            "  ~ model.layers[1]: 2 -> 5",
            "  + db.user: admin",
            "  + extra.deep: 1",
            "  - model.layers[2]: 3",
            "  - tag: a",
        ]
    )


def test_render_text_shows_values_as_flow_yaml() -> None:
    diff = diff_configs(
        OmegaConf.create({"a": {"x": 1, "y": [1, "two"]}, "b": "1", "c": None, "d": "???"}),
        OmegaConf.create({"a": "text", "b": 1, "c": "null", "d": "${x}"}),
        first_label="A",
        second_label="B",
    )
    assert render_text(diff).splitlines()[2:] == [
        "Config",
        "  ~ a: {x: 1, y: [1, two]} -> text",
        "  ~ b: '1' -> 1",
        "  ~ c: null -> 'null'",
        "  ~ d: ??? -> ${x}",
    ]


def test_render_json(two_runs: tuple[SavedRun, SavedRun]) -> None:
    first, second = two_runs
    assert json.loads(render_json(diff_runs(first, second))) == {
        "first": str(first.directory),
        "second": str(second.directory),
        "same": False,
        "changed": [
            {"key": "db.host", "first": "localhost", "second": "pghost"},
            {"key": "db.port", "first": 3306, "second": 5432},
            {"key": "model.layers[1]", "first": 2, "second": 5},
        ],
        "added": [{"key": "db.user", "second": "admin"}, {"key": "extra.deep", "second": 1}],
        "removed": [{"key": "model.layers[2]", "first": 3}, {"key": "tag", "first": "a"}],
        "overrides": {
            "only_first": ["+tag=a"],
            "only_second": ["db=postgresql", "model.layers=[1,5]", "+extra.deep=1"],
        },
        "choices": [{"group": "db", "first": "mysql", "second": "postgresql"}],
    }


def test_render_json_writes_what_json_cannot_hold_as_text() -> None:
    diff = RunDiff(
        first_label="A",
        second_label="B",
        changed=(change("p", Path("/x"), {1: b"y"}),),
        choices=(change("db", ABSENT, "mysql"),),
    )
    document = json.loads(render_json(diff))
    assert document["changed"] == [{"key": "p", "first": "/x", "second": {"1": "b'y'"}}]
    assert document["choices"] == [{"group": "db", "first": None, "second": "mysql"}]


def test_a_sweep_job_and_record_files_are_runs(run_app: Any, my_app: App, tmp_path: Path) -> None:
    assert run_app(my_app, "-m", "db=mysql,postgresql").code == 0
    [job_0] = tmp_path.glob("multirun/*/*/0")
    [job_1] = tmp_path.glob("multirun/*/*/1")
    diff = diff_runs(load_run(job_0 / ".hydra" / "config.yaml"), load_run(job_1 / ".hydra"))
    assert (diff.first_label, diff.second_label) == (str(job_0), str(job_1))
    assert diff.overrides_only_first == ("db=mysql",)
    assert diff.choices == (change("db", "mysql", "postgresql"),)


def test_against_the_tree_finds_an_edited_file(
    make_run: Callable[..., SavedRun], conf: Path
) -> None:
    run = make_run("run_a", "model.lr=0.5")
    assert diff_against_tree(run) == RunDiff(
        first_label=str(run.directory), second_label="config tree today"
    )
    (conf / "db" / "mysql.yaml").write_text("host: localhost\nport: 3307\npool: 5\n")
    config = (conf / "config.yaml").read_text()
    (conf / "config.yaml").write_text(config.replace("- db: mysql", "- db: postgresql"))
    diff = diff_against_tree(run)
    # The run chose db=mysql by default; today the default is postgresql.
    assert diff.choices == (change("db", "mysql", "postgresql"),)
    assert diff.changed == (
        change("db.host", "localhost", "pghost"),
        change("db.port", 3306, 5432),
    )
    assert diff.added == (change("db.user", ABSENT, "admin"),)
    assert (diff.overrides_only_first, diff.overrides_only_second, diff.removed) == ((), (), ())


def test_against_the_tree_resolved_in_the_run(
    make_run: Callable[..., SavedRun], conf: Path
) -> None:
    run = make_run("run_a", "hydra.job.name=mine")
    assert diff_against_tree(run, resolve=True).same
    (conf / "db" / "mysql.yaml").write_text("host: db.example\nport: 3306\n")
    diff = diff_against_tree(run, resolve=True)
    assert diff.changed == (
        change("db.host", "localhost", "db.example"),
        change("url", "localhost:3306", "db.example:3306"),
    )
    assert not hydria.HydraConfig.initialized()


# -- python -m hydria diff ---------------------------------------------------------------


def test_cli_exit_1_and_the_text_when_runs_differ(
    two_runs: tuple[SavedRun, SavedRun], hydria_cli: Any
) -> None:
    first, second = two_runs
    done = hydria_cli("diff", "run_a", "run_b")
    assert (done.returncode, done.stderr) == (1, "")
    assert done.stdout == render_text(diff_runs(first, second)) + "\n"


def test_cli_json(two_runs: tuple[SavedRun, SavedRun], hydria_cli: Any) -> None:
    first, second = two_runs
    done = hydria_cli("diff", "run_a/.hydra", "run_b/.hydra/hydra.yaml", "--json")
    assert done.returncode == 1
    assert json.loads(done.stdout) == json.loads(render_json(diff_runs(first, second)))


def test_cli_exit_0_when_runs_are_the_same(
    make_run: Callable[..., SavedRun], hydria_cli: Any
) -> None:
    make_run("run_a", "db=postgresql")
    make_run("run_b", "db=postgresql")
    done = hydria_cli("diff", "run_a", "run_b")
    assert (done.returncode, done.stderr) == (0, "")
    assert done.stdout.endswith("\nNo differences.\n")


def test_cli_resolve(make_run: Callable[..., SavedRun], hydria_cli: Any) -> None:
    make_run("run_a", "hydra.job.name=first")
    make_run("run_b", "hydra.job.name=second")
    assert hydria_cli("diff", "run_a", "run_b").returncode == 0
    done = hydria_cli("diff", "run_a", "run_b", "--resolve")
    assert done.returncode == 1
    assert "  ~ name: first -> second\n" in done.stdout


def test_cli_one_run_against_the_tree(
    make_run: Callable[..., SavedRun], hydria_cli: Any, conf: Path
) -> None:
    run = make_run("run_a", "db=postgresql")
    done = hydria_cli("diff", "run_a")
    assert (done.returncode, done.stderr) == (0, "")
    assert done.stdout == f"--- {run.directory}\n+++ config tree today\nNo differences.\n"
    (conf / "db" / "postgresql.yaml").write_text("host: pghost\nport: 6543\n")
    done = hydria_cli("diff", "run_a")
    assert (done.returncode, done.stderr) == (1, "")
    assert done.stdout == (
        f"--- {run.directory}\n+++ config tree today\n"
        "Config\n  ~ db.port: 5432 -> 6543\n  - db.user: admin\n"
    )


def test_cli_one_run_whose_config_file_is_gone(
    make_run: Callable[..., SavedRun], hydria_cli: Any, conf: Path
) -> None:
    make_run("run_a", "db=postgresql")
    (conf / "db" / "postgresql.yaml").unlink()
    done = hydria_cli("diff", "run_a")
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr.startswith("hydria diff: In 'config': Could not find 'db/postgresql'\n")
    assert "Traceback" not in done.stderr


@pytest.mark.parametrize(
    ("given", "message"),
    [
        pytest.param(
            "conf",
            "hydria diff: 'conf' is not a run directory: it has no .hydra/config.yaml and "
            ".hydra/hydra.yaml.",
            id="not-a-run",
        ),
        pytest.param(
            "nowhere", "hydria diff: 'nowhere' not found; give the output directory", id="missing"
        ),
    ],
)
def test_cli_exit_2_for_what_is_not_a_run(
    make_run: Callable[..., SavedRun], hydria_cli: Any, given: str, message: str
) -> None:
    make_run("run_a")
    for argv in (["diff", given], ["diff", "run_a", given]):
        done = hydria_cli(*argv)
        assert (done.returncode, done.stdout) == (2, "")
        assert done.stderr.startswith(message)
        assert "Traceback" not in done.stderr
