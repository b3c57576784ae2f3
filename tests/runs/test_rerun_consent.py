"""`python -m hydria rerun` runs no file a run's record names unless the user says so:
with `--app`, or at a prompt on a terminal."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

# Not a hydria app: run at all, it leaves its mark.
PLANTED = "import pathlib, sys\npathlib.Path(sys.argv[0]).with_suffix('.ran').touch()\n"


def _received_run(tmp_path: Path, job_name: str) -> tuple[Path, Path]:
    """A run directory as someone else could send it, and the script its record names."""
    received = tmp_path / "received"
    record = received / "run" / ".hydra"
    record.mkdir(parents=True)
    (record / "config.yaml").write_text("a: 1\n")
    (record / "hydra.yaml").write_text(
        f'hydra:\n  job:\n    name: "{job_name}"\n  runtime:\n    cwd: {received}\n'
    )
    script = received / f"{job_name.encode().decode('unicode_escape')}.py"
    script.write_text(PLANTED)
    return received / "run", script


def _rerun(tmp_path: Path, *argv: str, stdin: int | None = subprocess.DEVNULL) -> Any:
    return subprocess.Popen(
        [sys.executable, "-m", "hydria", "rerun", *argv],
        cwd=tmp_path,
        stdin=stdin,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_without_a_terminal_the_recorded_script_is_refused(tmp_path: Path) -> None:
    # an escape in the job name must not redraw the message
    run_dir, script = _received_run(tmp_path, "train\\x1b[2K")
    with _rerun(tmp_path, str(run_dir)) as proc:
        out, err = proc.communicate(timeout=60)
    shown = str(script).replace("\x1b", "\\x1b")
    assert (proc.returncode, out) == (2, "")
    assert err == (
        f"hydria rerun: not running {shown}: the run's record names it (hydra.runtime.cwd "
        "and hydra.job.name in its hydra.yaml), and a record may come from anyone. If it is "
        f"the app you mean to run, pass it: --app {shown}\n"
    )
    assert not script.with_suffix(".ran").exists()
    with _rerun(tmp_path, str(run_dir), "--app", str(script)) as proc:
        assert proc.communicate(timeout=60) == ("", "")
    assert proc.returncode == 0
    assert script.with_suffix(".ran").exists()


@pytest.mark.parametrize(("answer", "code", "ran"), [("\n", 1, False), ("y\n", 0, True)])
def test_on_a_terminal_the_user_is_asked(tmp_path: Path, answer: str, code: int, ran: bool) -> None:
    run_dir, script = _received_run(tmp_path, "train")
    main, terminal = os.openpty()
    try:
        os.write(main, answer.encode())  # typed ahead: the terminal holds it for the read
        with _rerun(tmp_path, str(run_dir), stdin=terminal) as proc:
            out, err = proc.communicate(timeout=60)
    finally:
        os.close(main)
        os.close(terminal)
    assert (proc.returncode, out) == (code, "")
    assert err.startswith(
        f"The run's record names its app: {script} (run in {script.parent}).\nRun {script}? [y/N] "
    )
    assert err.endswith("" if ran else f"hydria rerun: not running {script}\n")
    assert script.with_suffix(".ran").exists() is ran
