"""What a plain run and `--cfg job` import: start-up pays only for the code it uses.

Each case runs a small app in a fresh interpreter and reads `sys.modules` as the
process ends, so a module imported at the top of a run-path file shows up here.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

APP = """
import atexit, os, sys

import hydria


@atexit.register
def _dump() -> None:
    with open(os.environ["MODULES_OUT"], "w") as f:  # not json: it is one of the probed
        f.write("\\n".join(sorted(sys.modules)))


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


def _write_app(tmp_path: Path) -> None:
    if (tmp_path / "app.py").exists():  # left as it is: a rewritten file is not settled
        return
    (tmp_path / "conf").mkdir(exist_ok=True)
    (tmp_path / "conf" / "config.yaml").write_text("db:\n  port: 3306\n")
    (tmp_path / "app.py").write_text(APP)
    (tmp_path / "my_callbacks.py").write_text(CALLBACK)


def _run(tmp_path: Path, *args: str, cache: Path | None = None) -> tuple[str, set[str]]:
    _write_app(tmp_path)
    out_file = tmp_path / "modules.json"
    env = {"MODULES_OUT": str(out_file), "PYTHONPATH": str(tmp_path), "HYDRIA_NO_CACHE": "1"}
    if cache is not None:  # the user's disk cache: a second run is a warm start
        del env["HYDRIA_NO_CACHE"]
        env["XDG_CACHE_HOME"] = str(cache)
    proc = subprocess.run(
        [sys.executable, str(tmp_path / "app.py"), *args],
        cwd=tmp_path,
        env={**_base_env(), **env},
        capture_output=True,
        text=True,
        check=True,
    )
    return proc.stdout, set(out_file.read_text().split("\n"))


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


#: what Hydra's debug dump (`hydra.verbose`) needs, and nothing else of a run does
DEBUG_DUMP = ["hydria.app.help", "hydria.app.modes.show_config", "hydria.config_resolve"]


@pytest.mark.parametrize("module", DEBUG_DUMP)
def test_a_plain_run_skips_the_debug_dump_modules(tmp_path: Path, module: str) -> None:
    stdout, modules = _run(tmp_path)
    assert "ran 3306" in stdout and "hydria.app.modes.info" in modules
    assert module not in modules


def test_a_run_asked_for_the_debug_dump_still_logs_it(tmp_path: Path) -> None:
    stdout, modules = _run(tmp_path, "hydra.verbose=hydra")
    assert "ran 3306" in stdout
    assert "port: 3306" in stdout.replace("ran 3306", "")  # the dump's config, before the task
    assert set(DEBUG_DUMP) <= modules


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


#: what only a cold start (parsing, resolving, merging) or an error needs
NOT_WARM = [
    "json",
    "hydria.repository.yaml_load",
    "hydria.repository.package_header",
    "hydria.defaults.resolver",
    "hydria.defaults.group_overrides",
    "hydria.compose.merge",
    "hydria.compose.depth",
    "hydria.repository.pydantic_schema",
    "hydria.app.report",
    "hydria.runtime.task_traceback",
    "hydria.runtime.pruning",
]


def test_a_warm_start_loads_nothing_of_a_cold_one(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    _write_app(tmp_path)
    time.sleep(2.1)  # a file changed within the file system's tick is always read again
    cold_out, cold = _run(tmp_path, cache=cache)
    warm_out, warm = _run(tmp_path, cache=cache)
    assert cold_out == warm_out and "ran 3306" in warm_out
    assert {"hydria.defaults.resolver", "hydria.compose.merge", "json"} <= cold  # the probe works
    assert sorted(warm & set(NOT_WARM)) == []
