"""`python -m hydria complete` as the shell runs it: a real process, which must never
import the app, print anything but candidates, or fail."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from hydria.app.completion_record import record_app_source
from hydria.compose import disk_cache

DATA = Path(__file__).parent / "data" / "app"


def _complete(
    cwd: Path, line: str, *, script: str = "train.py"
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "hydria",
            "complete",
            "--script",
            script,
            "--cwd",
            str(cwd),
            "--line",
            line,
        ],
        capture_output=True,
        text=True,
        cwd=str(cwd.parent),  # not the app's directory: --cwd is what counts
        timeout=60,
    )


def test_answers_without_importing_the_app(tmp_path: Path) -> None:
    app = tmp_path / "app"
    shutil.copytree(DATA, app)
    marker = tmp_path / "imported"
    # the app writes a file and raises when imported: neither may happen
    (app / "train.py").write_text(
        f"open({str(marker)!r}, 'w').write('x')\nraise SystemExit(3)\n"
        + (DATA / "train.py").read_text()
    )
    done = _complete(app, "python train.py db.")
    assert (done.returncode, done.stdout, done.stderr) == (0, "db.host=\ndb.port=\n", "")
    assert not marker.exists()


def test_warm_answer_is_the_same(tmp_path: Path) -> None:
    first = _complete(DATA, "python train.py model.optimizer.")
    second = _complete(DATA, "python train.py model.optimizer.")
    assert first.stdout == second.stdout == "model.optimizer.betas.\nmodel.optimizer.lr=\n"


def test_nothing_to_offer_exits_0(tmp_path: Path) -> None:
    done = _complete(DATA, "python train.py nosuch.")
    assert (done.returncode, done.stdout, done.stderr) == (0, "", "")


def test_a_script_that_is_not_an_app(tmp_path: Path) -> None:
    (tmp_path / "x.py").write_text("def f(:\n")  # a syntax error: only hydria's own configs
    done = _complete(tmp_path, "python x.py hydra/launcher=b", script="x.py")
    assert (done.returncode, done.stdout, done.stderr) == (0, "hydra/launcher=basic\n", "")


def test_malformed_request_is_silent(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "hydria", "complete", "--line"], capture_output=True, text=True
    )
    assert (done.returncode, done.stdout, done.stderr) == (0, "", "")


def test_errors_reach_stderr_only_when_debugging(tmp_path: Path) -> None:
    quiet = _complete(tmp_path, "python x.py db=", script="/dev/null/x.py")
    assert (quiet.returncode, quiet.stdout, quiet.stderr) == (0, "", "")
    loud = subprocess.run(
        [sys.executable, "-m", "hydria", "complete", "--line"],
        capture_output=True,
        text=True,
        env={**os.environ, "HYDRIA_COMPLETION_DEBUG": "1"},
    )
    assert loud.returncode == 0 and loud.stdout == "" and "--line" in loud.stderr


@pytest.mark.skipif(not disk_cache.SUPPORTED, reason="needs O_NOFOLLOW and uids")
def test_not_literal_config_path_uses_the_last_run(tmp_path: Path) -> None:
    # the autouse fixture points XDG_CACHE_HOME at this test's cache, for the child too
    script = tmp_path / "app.py"
    script.write_text(
        "import os, hydra\n"
        "@hydra.main(config_path=os.environ['CONF'], config_name='config', version_base=None)\n"
        "def main(cfg): ...\n"
    )
    assert _complete(tmp_path, "python app.py db=s", script="app.py").stdout == ""
    record_app_source(str(script), f"file://{DATA / 'conf'}", "config", "1.3")
    done = _complete(tmp_path, "python app.py db=s", script="app.py")
    assert done.stdout == "db=sqlite\n"


def test_other_commands_still_work() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "hydria", "--help"], capture_output=True, text=True, check=True
    )
    assert "results" in done.stdout


def _as_package(tmp_path: Path, marker: Path) -> Path:
    """The test app as `apps/train.py` in a package whose import writes `marker` and fails,
    as does the module's own import; its configs stay in `conf/` beside the package."""
    root = tmp_path / "project"
    shutil.copytree(DATA, root)
    (root / "apps").mkdir()
    poison = f"open({str(marker)!r}, 'w').write('x')\nraise SystemExit(3)\n"
    (root / "apps" / "__init__.py").write_text(poison)
    source = (DATA / "train.py").read_text().replace('config_path="conf"', 'config_path="../conf"')
    assert source != (DATA / "train.py").read_text()
    (root / "apps" / "train.py").write_text(poison + source)
    (root / "apps" / "cli").mkdir()
    (root / "apps" / "cli" / "__init__.py").write_text(poison)
    (root / "apps" / "cli" / "__main__.py").write_text(
        poison + source.replace('config_path="../conf"', 'config_path="../../conf"')
    )
    return root


def _complete_module(cwd: Path, module: str, line: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "hydria", "complete", "--module", module]
        + ["--cwd", str(cwd), "--line", line],
        capture_output=True,
        text=True,
        cwd=str(cwd.parent),
        timeout=60,
    )


@pytest.mark.parametrize(
    ("module", "line"),
    [
        ("apps.train", "python -m apps.train db."),
        ("apps.train", "python -u -m apps.train hydra.run.dir=x db."),
        ("apps.cli", "python3 -m apps.cli db."),  # a package runs its __main__
    ],
)
def test_an_app_run_as_a_module_is_completed_without_importing_it(
    tmp_path: Path, module: str, line: str
) -> None:
    marker = tmp_path / "imported"
    root = _as_package(tmp_path, marker)
    done = _complete_module(root, module, line)
    assert (done.returncode, done.stdout, done.stderr) == (0, "db.host=\ndb.port=\n", "")
    assert not marker.exists()


@pytest.mark.parametrize("module", ["apps.nope", "apps", "apps.train.deeper", "a b", "..x"])
def test_a_module_that_is_not_an_app_gives_nothing(tmp_path: Path, module: str) -> None:
    marker = tmp_path / "imported"
    root = _as_package(tmp_path, marker)
    done = _complete_module(root, module, f"python -m {module} db.")
    assert (done.returncode, done.stdout, done.stderr) == (0, "", "")
    assert not marker.exists()


_STORE_APP = """
from dataclasses import dataclass, field
import hydria
from hydria.core.config_store import ConfigStore

@dataclass
class Redis:
    host: str = "localhost"
    port: int = 6379
    pool: dict = field(default_factory=lambda: {{"size": 4}})

cs = ConfigStore.instance()
cs.store(group="db", name="redis", node=Redis)
cs.store(group="db", name="{second}", node={{"kind": "memory", "limit": 10}})

@hydria.main(version_base=None, config_path="conf", config_name="config")
def main(cfg):
    pass

if __name__ == "__main__":
    main()
"""


def test_configs_the_app_stores_are_completed_as_its_last_run_had_them(tmp_path: Path) -> None:
    app = tmp_path / "app"
    (app / "conf" / "db").mkdir(parents=True)
    (app / "conf" / "config.yaml").write_text("defaults:\n  - db: mysql\n  - _self_\n")
    (app / "conf" / "db" / "mysql.yaml").write_text("port: 3306\n")
    (app / "app.py").write_text(_STORE_APP.format(second="memory"))
    # before any run, completion cannot know them: importing the app is not an option
    assert _complete(app, "python app.py db=", script="app.py").stdout == "db=mysql\n"

    def run_once() -> None:
        done = subprocess.run(
            [sys.executable, "app.py", "hydra.run.dir=out"],
            cwd=app,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert done.returncode == 0, done.stderr

    run_once()
    options = _complete(app, "python app.py db=", script="app.py").stdout
    assert options == "db=memory\ndb=mysql\ndb=redis\n"
    keys = _complete(app, "python app.py db=redis db.", script="app.py").stdout
    assert keys == "db.host=\ndb.pool.\ndb.port=\n"
    # the app's store changes: the next run records it, and the next Tab sees it
    (app / "app.py").write_text(_STORE_APP.format(second="disk"))
    run_once()
    options = _complete(app, "python app.py db=", script="app.py").stdout
    assert options == "db=disk\ndb=mysql\ndb=redis\n"
