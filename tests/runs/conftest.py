"""Real runs to read back: a small config tree and app in each test's `tmp_path`.

`run_app(my_app, *argv)` runs a `@hydria.main` app in-process, as `python my_app.py ARGS`
would (the pattern of tests/app_runner/conftest.py), and checks nothing leaked.
`hydria_cli(*argv)` and `run_script(*argv)` run `python -m hydria ...` and the app's
script `my_app.py` in real processes, for what only a process shows (exit codes,
a child process started by `rerun`).
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from omegaconf import OmegaConf
from tests.in_process import PROG, RunApp, app_runner, isolated

import hydria

CONFIG_YAML = """\
defaults:
  - db: mysql
  - _self_

name: ${hydra:job.name}
url: ${db.host}:${db.port}
model:
  layers: [1, 2, 3]
  lr: 0.1
shape:
  kind: box
todo: ???
needs_todo: ${todo}
"""

TREE = {
    "config.yaml": CONFIG_YAML,
    "db/mysql.yaml": "host: localhost\nport: 3306\n",
    "db/postgresql.yaml": "host: pghost\nport: 5432\nuser: admin\n",
}

SCRIPT = """\
import os
import sys

import hydria


@hydria.main(config_path="conf", config_name="config", version_base=None)
def main(cfg):
    print(f"db={cfg.db.host}:{cfg.db.port} layers={list(cfg.model.layers)} cwd={os.getcwd()}")
    if cfg.get("fail"):
        sys.exit(3)


if __name__ == "__main__":
    main()
"""


Cli = Callable[..., "subprocess.CompletedProcess[str]"]


@pytest.fixture
def seen() -> list[dict[str, Any]]:
    """What the task of `my_app` saw, one entry per run."""
    return []


@pytest.fixture
def my_app(conf: Path, seen: list[dict[str, Any]]) -> Callable[[], Any]:
    """An app on the tree at `conf`, run in-process; its task records what it saw in `seen`."""

    @hydria.main(config_path=str(conf), config_name="config", version_base=None)
    def my_app(cfg: Any) -> Any:
        seen.append(
            {
                "db": f"{cfg.db.host}:{cfg.db.port}",
                "model": OmegaConf.to_container(cfg.model),
                "output_dir": hydria.HydraConfig.get().runtime.output_dir,
            }
        )
        return cfg.db.port

    return my_app


@pytest.fixture
def conf(tmp_path: Path) -> Path:
    """The config tree, written afresh: `conf/config.yaml` and the group `db`."""
    root = tmp_path / "conf"
    for name, text in TREE.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    return root


@pytest.fixture
def script(tmp_path: Path, conf: Path) -> Path:
    """`my_app.py` next to `conf/`: the app as a user runs it."""
    path = tmp_path / PROG
    path.write_text(SCRIPT)
    return path


@pytest.fixture
def run_app(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> RunApp:
    """`run_app(app, *argv)`: run a `@hydria.main` app with that command line."""
    return app_runner(monkeypatch, capsys)


def _process_env(tmp_path: Path) -> dict[str, str]:
    env = {
        k: v for k, v in os.environ.items() if k not in ("HYDRA_FULL_ERROR", "HYDRIA_FULL_ERROR")
    }
    env["XDG_CACHE_HOME"] = str(tmp_path / ".cache")  # keep the user's cache out of it
    return env


@pytest.fixture
def hydria_cli(tmp_path: Path) -> Cli:
    """`hydria_cli(*argv, cwd=tmp_path)`: `python -m hydria ARGV` in a real process."""

    def run(*argv: str, cwd: Path = tmp_path) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "hydria", *argv],
            cwd=cwd,
            env=_process_env(tmp_path),
            stdin=subprocess.DEVNULL,  # not a terminal, whatever pytest runs on
            capture_output=True,
            text=True,
            timeout=120,
        )

    return run


@pytest.fixture
def run_script(tmp_path: Path, script: Path) -> Cli:
    """`run_script(*argv)`: `python my_app.py ARGV` in `tmp_path`, in a real process."""

    def run(*argv: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, str(script), *argv],
            cwd=tmp_path,
            env=_process_env(tmp_path),
            capture_output=True,
            text=True,
            timeout=120,
        )

    return run


@pytest.fixture(autouse=True)
def _isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    yield from isolated(tmp_path, monkeypatch)
