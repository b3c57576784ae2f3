"""A real Ray head node for the Ray launcher's tests, and a clean Ray environment.

The head node is started once per session, in its own process group, so that
killing the group stops exactly this cluster (`ray stop` would stop every Ray on
the machine). Its working directory is not the tests', as on a real cluster.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import suppress
from pathlib import Path

import pytest

# Without the ray extra there is nothing to test (and ray is not imported here: the
# sweeps import it in their own processes).
collect_ignore_glob = [] if importlib.util.find_spec("ray") else ["test_*.py"]


@pytest.fixture(autouse=True)
def _no_ray_address(monkeypatch: pytest.MonkeyPatch) -> None:
    """A RAY_ADDRESS from the caller's shell would send every sweep to its cluster."""
    monkeypatch.delenv("RAY_ADDRESS", raising=False)


@pytest.fixture(scope="session")
def ray_dir() -> Iterator[Path]:
    """Ray's temp dirs for the session. Short: Ray's socket paths must fit 107 bytes."""
    path = Path(tempfile.mkdtemp(prefix="hydria-ray-"))
    yield path
    shutil.rmtree(path, ignore_errors=True)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@pytest.fixture(scope="session")
def ray_head(ray_dir: Path) -> Iterator[str]:
    """`ray start --head` with 2 CPUs; its address for `ray.init.address`."""
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if k != "RAY_ADDRESS"}
    env["RAY_AUTH_MODE"] = "disabled"  # else joining fails once a token was ever written
    log = ray_dir / "head.log"
    with log.open("w") as out:
        head = subprocess.Popen(
            [sys.executable, "-m", "ray.scripts.scripts", "start", "--head"]
            + [f"--port={port}", "--num-cpus=2", "--include-dashboard=false"]
            + ["--disable-usage-stats", f"--temp-dir={ray_dir / 'head'}"],
            cwd=ray_dir,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # the head's daemons share this group: killpg stops them
        )
    try:
        code = head.wait(timeout=120)  # `ray start` returns once the node is up
        assert code == 0, f"ray start --head failed:\n{log.read_text()}"
        yield f"127.0.0.1:{port}"
    finally:
        # SIGTERM does not stop gcs_server or the raylet; the group outlives its leader
        with suppress(ProcessLookupError):
            os.killpg(head.pid, signal.SIGKILL)
        head.wait()
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:  # gone once the last one is reaped
            try:
                os.killpg(head.pid, 0)
            except ProcessLookupError:
                break
            time.sleep(0.1)
