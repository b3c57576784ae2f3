"""A launcher (or a sweep feature) whose optional extra is not installed says which extra
to install, before any job runs; never a raw ModuleNotFoundError.

Each app runs in a fresh process in which the library cannot be imported: its name is
set to None in `sys.modules` before anything else runs, which is what Python does for a
module it must not import (`import ray` then raises ImportError).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from hydria.multirun.progress import LineProgress, make_progress

APP = """
import hydria

@hydria.main(version_base=None, config_path="conf", config_name="config")
def app(cfg):
    print("the task ran")

if __name__ == "__main__":
    app()
"""


def _run_without(
    tmp_path: Path, missing: list[str], *argv: str
) -> subprocess.CompletedProcess[str]:
    (tmp_path / "conf").mkdir(exist_ok=True)
    (tmp_path / "conf" / "config.yaml").write_text("a: 0\n")
    blocked = f"import sys\nsys.modules.update(dict.fromkeys({missing!r}))\n"
    (tmp_path / "app.py").write_text(blocked + APP)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HYDRA", "HYDRIA"))}
    return subprocess.run(
        [sys.executable, "app.py", *argv],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.mark.parametrize(
    ("launcher", "missing", "hint"),
    [
        pytest.param("ray", ["ray"], "needs ray, an optional extra", id="ray"),
        # ray installed without the `ray` extra's cloudpickle (ray does not depend on it)
        pytest.param("ray", ["cloudpickle"], "needs cloudpickle", id="ray-without-cloudpickle"),
        pytest.param("joblib", ["joblib"], "needs joblib, an optional extra", id="joblib"),
        pytest.param("submitit_local", ["submitit"], "need submitit", id="submitit-local"),
        pytest.param("submitit_slurm", ["submitit"], "need submitit", id="submitit-slurm"),
    ],
)
def test_a_missing_extra_names_what_to_install(
    tmp_path: Path, launcher: str, missing: list[str], hint: str
) -> None:
    done = _run_without(tmp_path, missing, "-m", f"hydra/launcher={launcher}", "a=1,2")
    assert done.returncode == 1, done.stderr
    extra = "submitit" if launcher.startswith("submitit") else launcher
    assert hint in done.stderr
    assert f"pip install hydria[{extra}]" in done.stderr
    assert "ModuleNotFoundError" not in done.stderr and "Traceback" not in done.stderr
    assert "the task ran" not in done.stdout


def test_without_rich_the_progress_is_one_line_per_job(monkeypatch: pytest.MonkeyPatch) -> None:
    # rich is the `progress` extra: without it a terminal gets the plain lines, no error
    monkeypatch.setitem(sys.modules, "rich", None)
    monkeypatch.setitem(sys.modules, "rich.console", None)
    monkeypatch.setitem(sys.modules, "rich.progress", None)
    assert isinstance(make_progress(3, live=True), LineProgress)
