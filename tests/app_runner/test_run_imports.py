"""What a plain run and `--cfg job` import: start-up pays only for the code it uses.

Each case runs a small app in a fresh interpreter and reads `sys.modules` as the
process ends, so a module imported at the top of a run-path file shows up here.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

APP = """
import atexit, json, os, sys

import hydria


@atexit.register
def _dump() -> None:
    with open(os.environ["MODULES_OUT"], "w") as f:
        json.dump(sorted(sys.modules), f)


@hydria.main(version_base=None, config_path="conf", config_name="config")
def main(cfg):
    print("ran", cfg.db.port)


if __name__ == "__main__":
    main()
"""

CALLBACK = """
class Hello:
    def on_run_start(self, config, **kwargs):
        print("callback ran")
"""

PLUGIN_MACHINERY = [
    "hydria.plugin_registry",
    "hydria.plugin_conformance",
    "hydria.repository.plugin_search_path",
    "hydria.repository.unsupported_plugins",
]


def _run(tmp_path: Path, *args: str) -> tuple[str, set[str]]:
    (tmp_path / "conf").mkdir(exist_ok=True)
    (tmp_path / "conf" / "config.yaml").write_text("db:\n  port: 3306\n")
    (tmp_path / "app.py").write_text(APP)
    (tmp_path / "my_callbacks.py").write_text(CALLBACK)
    out_file = tmp_path / "modules.json"
    env = {"MODULES_OUT": str(out_file), "PYTHONPATH": str(tmp_path), "HYDRIA_NO_CACHE": "1"}
    proc = subprocess.run(
        [sys.executable, str(tmp_path / "app.py"), *args],
        cwd=tmp_path,
        env={**_base_env(), **env},
        capture_output=True,
        text=True,
        check=True,
    )
    return proc.stdout, set(json.loads(out_file.read_text()))


def _base_env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if not k.startswith(("HYDRA", "HYDRIA"))}


@pytest.mark.parametrize("module", PLUGIN_MACHINERY)
def test_a_plain_run_without_callbacks_skips_the_plugin_machinery(
    tmp_path: Path, module: str
) -> None:
    stdout, modules = _run(tmp_path)
    assert "ran 3306" in stdout
    assert "hydria.runtime.job" in modules  # the probe saw the run
    assert module not in modules


def test_a_run_with_callbacks_still_builds_and_calls_them(tmp_path: Path) -> None:
    stdout, modules = _run(tmp_path, "+hydra.callbacks.hello._target_=my_callbacks.Hello")
    assert "callback ran" in stdout and "ran 3306" in stdout
    assert "hydria.plugin_registry" in modules


@pytest.mark.parametrize("module", ["logging", "hydria.runtime.job", *PLUGIN_MACHINERY])
def test_printing_the_config_does_not_import_the_runtime(tmp_path: Path, module: str) -> None:
    # `--cfg job` composes and prints: no job, no logging set-up, no cache debug lines
    stdout, modules = _run(tmp_path, "--cfg", "job")
    assert "port: 3306" in stdout
    assert module not in modules
