"""Sweep tests run real apps in real subprocesses (and their jobs in real worker
processes): `sweep_app(*argv)` runs `python app.py *argv` in `tmp_path`."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

APP = """
import os, signal, sys, time
import hydria

@hydria.main(config_path="conf", config_name="config", version_base=None)
def app(cfg):
    a = cfg.a
    if os.environ.get("TRACE_DIR"):
        with open(os.path.join(os.environ["TRACE_DIR"], f"{a}.start"), "w") as f:
            f.write(str(time.time()))
    if a == "boom":
        raise ValueError("boom in the task")
    if a == "exit":
        os._exit(3)
    if a == "kill":
        os.kill(os.getpid(), signal.SIGKILL)
    if a == "wait":  # until the test says go
        while not os.path.exists(os.environ["GO_FILE"]):
            time.sleep(0.02)
    if a == "sleep":
        time.sleep(30)
    if isinstance(a, str) and a.startswith("cpu"):
        n = 0
        for i in range(int(os.environ.get("CPU_WORK", "3000000"))):
            n += i * i
    if os.environ.get("TRACE_DIR"):
        with open(os.path.join(os.environ["TRACE_DIR"], f"{a}.end"), "w") as f:
            f.write(str(time.time()))
    return {"a": a, "pid": os.getpid(), "gpus": os.environ.get("CUDA_VISIBLE_DEVICES")}

if __name__ == "__main__":
    app()
"""


@dataclass(frozen=True, slots=True)
class Done:
    code: int
    out: str
    err: str


def write_app(root: Path) -> None:
    (root / "conf").mkdir(parents=True, exist_ok=True)
    (root / "conf" / "config.yaml").write_text("a: 0\n")
    (root / "app.py").write_text(APP)


def app_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HYDRA", "HYDRIA"))}
    env.update(extra)
    return env


@pytest.fixture
def sweep_app(tmp_path: Path) -> Callable[..., Done]:
    write_app(tmp_path)

    def run(*argv: str, env: dict[str, str] | None = None, timeout: float = 120) -> Done:
        proc = subprocess.run(
            [sys.executable, "app.py", *argv],
            cwd=tmp_path,
            env=env or app_env(),
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        return Done(proc.returncode, proc.stdout, proc.stderr)

    return run
