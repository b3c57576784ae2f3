"""Running a run again: `python -m hydria rerun`, and `--experimental-rerun` warning when
the config tree composes differently since the run."""

from __future__ import annotations

import re
import shutil
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

App = Callable[[], Any]
TREE_CHANGED = (
    "--experimental-rerun: the config tree now composes a different config for this run's "
    "overrides; running the saved config. Differences:\n"
)


def _only_run(tmp_path: Path) -> Path:
    [output_dir] = tmp_path.glob("outputs/*/*")
    return output_dir


# -- python -m hydria rerun --------------------------------------------------------------


def test_rerun_runs_the_app_again_in_its_directory(
    tmp_path: Path, run_script: Any, hydria_cli: Any
) -> None:
    first = run_script("db=postgresql", "model.layers=[4]")
    assert (first.returncode, first.stderr) == (0, "")
    line = f"db=pghost:5432 layers=[4] cwd={tmp_path}\n"
    assert first.stdout == line
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    app = str(tmp_path / "my_app.py")
    done = hydria_cli("rerun", str(_only_run(tmp_path)), "--app", app, cwd=elsewhere)
    assert (done.returncode, done.stdout, done.stderr) == (0, line, "")
    assert [_only_run(tmp_path)] == list(tmp_path.glob("outputs/*/*"))  # no new run


def test_rerun_passes_the_apps_exit_code_on(
    tmp_path: Path, run_script: Any, hydria_cli: Any
) -> None:
    assert run_script("+fail=true").returncode == 3
    done = hydria_cli("rerun", str(_only_run(tmp_path) / ".hydra"), "--app", "my_app.py")
    assert (done.returncode, done.stdout) == (
        3,
        f"db=localhost:3306 layers=[1, 2, 3] cwd={tmp_path}\n",
    )


def test_rerun_with_the_app_given(tmp_path: Path, run_script: Any, hydria_cli: Any) -> None:
    assert run_script("db.port=1").returncode == 0
    run_dir = _only_run(tmp_path)
    renamed = tmp_path / "renamed.py"
    shutil.move(tmp_path / "my_app.py", renamed)
    missing = hydria_cli("rerun", str(run_dir))
    assert (missing.returncode, missing.stdout) == (2, "")
    assert missing.stderr == (
        f"hydria rerun: cannot find the app of '{run_dir}': no '{tmp_path / 'my_app.py'}' "
        f"(the job 'my_app' ran in '{tmp_path}'). Pass the script with --app\n"
    )
    done = hydria_cli("rerun", str(run_dir), "--app", "renamed.py")
    assert (done.returncode, done.stderr) == (0, "")
    assert done.stdout == f"db=localhost:1 layers=[1, 2, 3] cwd={tmp_path}\n"


def test_rerun_of_an_app_that_is_not_a_file(
    tmp_path: Path, run_script: Any, hydria_cli: Any
) -> None:
    assert run_script().returncode == 0
    done = hydria_cli("rerun", str(_only_run(tmp_path)), "--app", "nope.py")
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr == "hydria rerun: the app 'nope.py' is not a file\n"


def test_rerun_of_what_is_not_a_run(tmp_path: Path, conf: Path, hydria_cli: Any) -> None:
    done = hydria_cli("rerun", "conf")
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr.startswith("hydria rerun: 'conf' is not a run directory")


def test_rerun_shows_the_apps_warning_when_the_tree_changed(
    tmp_path: Path, run_script: Any, hydria_cli: Any, conf: Path
) -> None:
    assert run_script().returncode == 0
    (conf / "db" / "mysql.yaml").write_text("host: localhost\nport: 3307\n")
    done = hydria_cli("rerun", str(_only_run(tmp_path)), "--app", "my_app.py")
    assert (done.returncode, done.stdout) == (
        0,
        f"db=localhost:3306 layers=[1, 2, 3] cwd={tmp_path}\n",
    )
    assert TREE_CHANGED in done.stderr
    assert "\n  ~ db.port: 3306 -> 3307" in done.stderr


# -- --experimental-rerun, in-process ----------------------------------------------------


def _first_run(run_app: Any, my_app: App, seen: list[Any], *argv: str) -> Path:
    done = run_app(my_app, "hydra.run.dir=run", *argv)
    assert done.code == 0, done.err
    seen.clear()
    return Path("run").absolute()


def test_experimental_rerun_warns_when_the_tree_changed(
    run_app: Any, my_app: App, seen: list[Any], conf: Path
) -> None:
    run_dir = _first_run(run_app, my_app, seen, "db=postgresql")
    (conf / "db" / "postgresql.yaml").write_text("host: pghost\nport: 6543\nuser: admin\n")
    config = (conf / "config.yaml").read_text()
    (conf / "config.yaml").write_text(config.replace("lr: 0.1", "lr: 0.2"))
    with pytest.warns(UserWarning) as caught:
        done = run_app(my_app, "--experimental-rerun", str(run_dir / ".hydra"))
    assert (done.code, done.err, done.value) == (0, "", 5432)
    assert seen == [
        {
            "db": "pghost:5432",
            "model": {"layers": [1, 2, 3], "lr": 0.1},
            "output_dir": str(run_dir),
        }
    ]
    [warning] = caught
    assert str(warning.message) == TREE_CHANGED + (
        f"--- {run_dir}\n+++ config tree today\n"
        "Config\n  ~ db.port: 5432 -> 6543\n  ~ model.lr: 0.1 -> 0.2"
    )


def test_experimental_rerun_is_silent_when_nothing_changed(
    run_app: Any, my_app: App, seen: list[Any]
) -> None:
    run_dir = _first_run(run_app, my_app, seen, "db=postgresql", "+extra=${db.host}")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        done = run_app(my_app, "--experimental-rerun", str(run_dir))
    assert [str(w.message) for w in caught] == []
    assert (done.code, done.err, done.value) == (0, "", 5432)
    assert [s["db"] for s in seen] == ["pghost:5432"]


def test_experimental_rerun_warns_when_the_config_cannot_be_composed(
    run_app: Any, my_app: App, seen: list[Any], conf: Path
) -> None:
    run_dir = _first_run(run_app, my_app, seen, "db=postgresql")
    (conf / "db" / "postgresql.yaml").unlink()
    with pytest.warns(UserWarning) as caught:
        done = run_app(my_app, "--experimental-rerun", str(run_dir / ".hydra" / "config.yaml"))
    assert (done.code, done.value) == (0, 5432)
    assert [s["db"] for s in seen] == ["pghost:5432"]
    [warning] = caught
    assert re.fullmatch(
        r"--experimental-rerun: cannot compose this run's config again \(In 'config': "
        r"Could not find 'db/postgresql'\); running the saved config",
        str(warning.message),
    )


def test_experimental_rerun_of_a_folder_that_is_not_a_run(
    run_app: Any, my_app: App, seen: list[Any], conf: Path
) -> None:
    done = run_app(my_app, "--experimental-rerun", str(conf))
    assert (done.code, done.out, seen) == (2, "", [])
    assert done.err.splitlines()[-1].startswith(
        f"my_app.py: error: --experimental-rerun: '{conf}' is not a run directory: it has no "
        ".hydra/config.yaml and .hydra/hydra.yaml."
    )
