"""`hydra.verbose` logs Hydra's debug dump (`--info all`) when a run or a sweep starts,
and only when Hydra 1.3 would: its logger, a parent of it, or hydria's, at DEBUG."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from hydria.version import __version__

APP = textwrap.dedent(
    """
    import logging
    import hydria

    log = logging.getLogger(__name__)

    @hydria.main(version_base=None, config_path="conf", config_name="config")
    def app(cfg):
        print(f"task db={cfg.db.driver}")
        log.debug("debug from the task")

    if __name__ == "__main__":
        app()
    """
)
STAMP = re.compile(r"^\[\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3}\]\[HYDRA\] ?", re.MULTILINE)


def _run(tmp_path: Path, *argv: str) -> subprocess.CompletedProcess[str]:
    (tmp_path / "conf" / "db").mkdir(parents=True, exist_ok=True)
    (tmp_path / "conf" / "config.yaml").write_text("defaults:\n  - db: mysql\n  - _self_\nx: 1\n")
    (tmp_path / "conf" / "db" / "mysql.yaml").write_text("driver: mysql\nport: 3306\n")
    (tmp_path / "conf" / "db" / "pg.yaml").write_text("driver: pg\nport: 5432\n")
    (tmp_path / "app.py").write_text(APP)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HYDRA", "HYDRIA"))}
    env["HYDRIA_NO_CACHE"] = "1"
    return subprocess.run(
        [sys.executable, "app.py", *argv],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def _dump(out: str) -> str:
    """The dump without its timestamps: from the version line to the config's YAML."""
    start = out.index(f"[HYDRA] hydria {__version__}\n")
    start = out.rindex("\n", 0, start) + 1 if "\n" in out[:start] else 0
    end = out.index("task db=")
    return STAMP.sub("", out[start:end])


def test_verbose_logs_the_info_all_text_before_the_task(tmp_path: Path) -> None:
    done = _run(tmp_path, "hydra.verbose=true")
    assert done.returncode == 0, done.stderr
    info = _run(tmp_path, "--info", "all")
    assert info.returncode == 0, info.stderr
    # the same sections as --info all, in order, each line a `[HYDRA]` record of the
    # hydra_logging console (stdout), the config one record (an empty line after it)
    assert _dump(done.stdout) == info.stdout
    for heading in ("Installed Hydra Plugins", "Config search path", "Defaults Tree"):
        assert f"[HYDRA] {heading}\n" in done.stdout
    assert re.search(r"\]\[HYDRA\] db:\n  driver: mysql\n  port: 3306\nx: 1\n\n", done.stdout)
    # and verbose=true still does what it did: the task's debug lines
    assert "[__main__][DEBUG] - debug from the task" in done.stdout
    assert done.stderr == ""


@pytest.mark.parametrize(
    "verbose",
    ["hydra", "hydra._internal", "hydria", "[__main__,hydra]"],
)
def test_naming_hydras_or_hydrias_logger_prints_the_dump(tmp_path: Path, verbose: str) -> None:
    done = _run(tmp_path, f"hydra.verbose={verbose}")
    assert done.returncode == 0, done.stderr
    assert done.stdout.count(f"[HYDRA] hydria {__version__}\n") == 1
    assert "[HYDRA] Defaults List\n" in done.stdout


@pytest.mark.parametrize("verbose", ["false", "__main__", "[__main__]", "hydra_other"])
def test_other_values_print_no_dump(tmp_path: Path, verbose: str) -> None:
    done = _run(tmp_path, f"hydra.verbose={verbose}")
    assert done.returncode == 0, done.stderr
    assert "Installed Hydra Plugins" not in done.stdout
    assert done.stdout.startswith("task db=mysql\n")
    debug_line = "[__main__][DEBUG] - debug from the task" in done.stdout
    assert debug_line == (verbose != "false" and verbose != "hydra_other")


def test_a_sweep_prints_the_dump_once_before_launching(tmp_path: Path) -> None:
    done = _run(tmp_path, "-m", "db=mysql,pg", "hydra.verbose=true")
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert out.count(f"[HYDRA] hydria {__version__}\n") == 1
    assert out.index("[HYDRA] Defaults Tree\n") < out.index("Launching 2 jobs locally")
    assert "task db=mysql\n" in out and "task db=pg\n" in out
