"""Inputs that used to end in a raw traceback or in silence, run as `python app.py ...` in
a real process: each now gives one clear message (what, where, what next) and exit 1.

An output or sweep dir that cannot be created, a full disk while the job's record is
saved, control characters in overrides echoed to the terminal, a sweep with no jobs.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

APP = """
import hydria

@hydria.main(config_path="conf", config_name="config", version_base=None)
def app(cfg):
    print("TASK RAN", repr(cfg.x))

if __name__ == "__main__":
    app()
"""
HINT = "Set the environment variable HYDRA_FULL_ERROR=1 for a complete stack trace.\n"
ESC = "\x1b"
RED = f"{ESC}[31m"


@dataclass(frozen=True, slots=True)
class Done:
    code: int
    out: str
    err: str


Run = Callable[..., Done]


@pytest.fixture
def run(tmp_path: Path) -> Run:
    """`run(*argv)`: `python app.py *argv` in `tmp_path`, an app with a `db` group."""
    (tmp_path / "conf" / "db").mkdir(parents=True)
    (tmp_path / "conf" / "config.yaml").write_text("defaults:\n  - db: mysql\n  - _self_\nx: 1\n")
    (tmp_path / "conf" / "db" / "mysql.yaml").write_text("name: mysql\n")
    (tmp_path / "conf" / "db" / "postgresql.yaml").write_text("name: postgresql\n")
    (tmp_path / "app.py").write_text(APP)
    (tmp_path / "conf" / "nul.yaml").write_text('x: 1\nhydra:\n  run:\n    dir: "out\\0x"\n')
    (tmp_path / "afile").write_text("in the way\n")
    env = _environment()

    def run(*argv: str) -> Done:
        done = subprocess.run(
            [sys.executable, "app.py", *argv],
            cwd=tmp_path,
            capture_output=True,
            text=True,
            env=env,
            check=False,
            timeout=60,
        )
        return Done(done.returncode, done.stdout, done.stderr)

    return run


def _environment() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HYDRA", "PYTHONWARN"))}
    return {**env, "HYDRIA_NO_CACHE": "1"}  # no cache files: only the run's own are written


def _failed_clearly(done: Done) -> str:
    """The error text, after checking it is one message with exit 1 and no task ran."""
    assert done.code == 1, done.err
    assert "Traceback" not in done.err
    assert "TASK RAN" not in done.out
    assert done.err.endswith(f"\n\n{HINT}")
    return done.err


# --- an output or sweep dir that cannot be created ----------------------------------------


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        pytest.param(
            ["hydra.run.dir=afile"],
            "Cannot use '{tmp}/afile' as the output directory (hydra.run.dir): a file of that "
            "name is in the way.\n"
            "  Choose a directory that can be created and written: hydra.run.dir=<dir>\n"
            "  caused by FileExistsError: [Errno 17] File exists: '{tmp}/afile'\n",
            id="run-dir-is-a-file",
        ),
        pytest.param(
            ["hydra.run.dir=afile/x/y"],
            "Cannot use '{tmp}/afile/x/y' as the output directory (hydra.run.dir): "
            "'{tmp}/afile' is a file, not a directory.\n",
            id="run-dir-under-a-file",
        ),
        pytest.param(
            ["-m", "hydra.sweep.dir=afile", "x=1,2"],
            "Cannot use 'afile' as the sweep directory (hydra.sweep.dir): a file of that name "
            "is in the way.\n"
            "  Choose a directory that can be created and written: hydra.sweep.dir=<dir>\n",
            id="sweep-dir-is-a-file",
        ),
        pytest.param(
            ["-m", "hydra.sweep.dir=afile/x", "x=1,2"],
            "Cannot use 'afile/x' as the sweep directory (hydra.sweep.dir): 'afile' is a file, "
            "not a directory.\n",
            id="sweep-dir-under-a-file",
        ),
        pytest.param(
            ["--config-name=nul"],
            "Cannot use '{tmp}/out\\x00x' as the output directory (hydra.run.dir): the path "
            "holds a NUL byte.\n",
            id="run-dir-with-a-nul-byte-from-a-config",
        ),
    ],
)
def test_output_dir_in_the_way(run: Run, tmp_path: Path, argv: list[str], message: str) -> None:
    err = _failed_clearly(run(*argv))
    assert message.format(tmp=tmp_path) in err


def _unwritable(tmp_path: Path) -> Path:
    """A directory the test's user cannot create: root may write anywhere chmod allows
    nothing, but sysfs refuses a mkdir even to root."""
    if os.geteuid() != 0:
        locked = tmp_path / "locked"
        locked.mkdir(mode=0o500)
        return locked / "out"
    if not os.path.isdir("/sys/kernel"):
        pytest.skip("running as root without sysfs: no path refuses root a mkdir")
    return Path("/sys/hydria-cannot-create-this")


@pytest.mark.parametrize("key", ["hydra.run.dir", "hydra.sweep.dir"])
def test_output_dir_not_permitted(run: Run, tmp_path: Path, key: str) -> None:
    target = _unwritable(tmp_path)
    argv = [f"{key}={target}"] if key == "hydra.run.dir" else ["-m", f"{key}={target}", "x=1,2"]
    err = _failed_clearly(run(*argv))
    what = "the output directory" if key == "hydra.run.dir" else "the sweep directory"
    assert err.startswith(f"Cannot use '{target}' as {what} ({key}): ")
    assert ("Permission denied" in err) or ("Operation not permitted" in err)
    assert "caused by PermissionError: [Errno " in err
    assert not target.exists()


# --- a full disk while the job's record is saved --------------------------------------


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full (ENOSPC on write)")
@pytest.mark.parametrize("record", ["hydra.yaml", "overrides.yaml"])
def test_full_disk_while_saving_the_record(run: Run, tmp_path: Path, record: str) -> None:
    # /dev/full fails every write with ENOSPC, as a full disk does
    (tmp_path / "out" / ".hydra").mkdir(parents=True)
    (tmp_path / "out" / ".hydra" / record).symlink_to("/dev/full")
    err = _failed_clearly(run("hydra.run.dir=out"))
    path = tmp_path / "out" / ".hydra" / record
    assert err.startswith(
        f"Cannot write {path}, part of the job's record: No space left on device.\n"
        "  The job's task did not run. Free some space or choose another output directory;\n"
        "  hydra.output_subdir=null saves no record.\n"
        "  caused by OSError: [Errno 28] No space left on device\n"
    )


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full (ENOSPC on write)")
def test_full_disk_while_saving_the_sweep_config(run: Run, tmp_path: Path) -> None:
    (tmp_path / "sweep").mkdir()
    (tmp_path / "sweep" / "multirun.yaml").symlink_to("/dev/full")
    err = _failed_clearly(run("-m", "hydra.sweep.dir=sweep", "x=1,2"))
    assert err.startswith(
        "Cannot write sweep/multirun.yaml, the sweep's config: No space left on device.\n"
        "  No job ran. Free some space or choose another sweep directory: hydra.sweep.dir=<dir>\n"
    )
    assert not (tmp_path / "sweep" / "0").exists()  # no job ran


@pytest.mark.skipif(sys.platform == "win32", reason="RLIMIT_FSIZE and SIGXFSZ are POSIX")
def test_file_size_limit_while_saving_leaves_no_half_record(tmp_path: Path, run: Run) -> None:
    # RLIMIT_FSIZE makes a write past the limit fail (EFBIG once SIGXFSZ is ignored)
    (tmp_path / "conf" / "config.yaml").write_text(
        "defaults:\n  - db: mysql\n  - _self_\nx: 1\nbig: " + "y" * 20000 + "\n"
    )
    (tmp_path / "limited.py").write_text(
        "import resource, runpy, signal, sys\n"
        "signal.signal(signal.SIGXFSZ, signal.SIG_IGN)\n"
        "resource.setrlimit(resource.RLIMIT_FSIZE, (8192, 8192))\n"
        "sys.argv = ['app.py', *sys.argv[1:]]\n"
        "runpy.run_path('app.py', run_name='__main__')\n"
    )
    done = subprocess.run(
        [sys.executable, "limited.py", "hydra.run.dir=out"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env=_environment(),
        check=False,
        timeout=60,
    )
    err = _failed_clearly(Done(done.returncode, done.stdout, done.stderr))
    assert err.startswith(
        f"Cannot write {tmp_path / 'out' / '.hydra' / 'config.yaml'}, part of the job's "
        "record: File too large.\n"
    )
    assert not (tmp_path / "out" / ".hydra" / "config.yaml").exists()  # no half-written file


# --- control characters in what hydria prints -----------------------------------------


def test_parse_error_shows_escapes_with_the_caret_under_the_fault(run: Run) -> None:
    err = _failed_clearly(run(f"x='{ESC}'\t["))
    assert ESC not in err
    assert err.startswith(
        "Could not parse override #1 \"x='\\x1b'\\t[\": expected ',' or the end of the "
        "override (at column 7)\n"
        "    x='\\x1b' [\n"
        "             ^\n"
    )


@pytest.mark.parametrize(
    "argv",
    [
        pytest.param([f"db='{RED}mysql'"], id="could-not-find"),
        pytest.param([f"+y={RED}"], id="bad-character"),
        pytest.param([f"--bad{RED}"], id="usage-error"),
        pytest.param(["-m", f"db=glob({RED}*)"], id="empty-glob"),
        pytest.param([f"hydra.run.dir='afile/{RED}\r'"], id="output-dir"),
    ],
)
def test_errors_show_control_characters_escaped(run: Run, argv: list[str]) -> None:
    done = run(*argv)
    assert done.code in (1, 2) and "Traceback" not in done.err
    assert ESC not in done.err and "\r" not in done.err
    assert "\\x1b[31m" in done.err


def test_sweep_lines_show_escapes_and_the_task_gets_the_value(run: Run, tmp_path: Path) -> None:
    done = run("-m", "hydra.sweep.dir=sweep", f"x='{RED}red\r',plain")
    assert done.code == 0, done.err
    assert ESC not in done.out + done.err and "\r" not in done.out + done.err
    assert "#0 : x='\\x1b[31mred\\r'" in done.out  # the launcher's line (a log record)
    assert "#0 x='\\x1b[31mred\\r': completed" in done.err  # the progress line
    assert "0  x='\\x1b[31mred\\r'  completed" in done.err  # the summary table
    assert "TASK RAN '\\x1b[31mred\\r'" in done.out  # the task's value is as given
    saved = yaml.safe_load((tmp_path / "sweep" / "0" / ".hydra" / "overrides.yaml").read_text())
    assert saved == [f"x='{RED}red\r'"]


# --- a sweep with no jobs ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("override", "message"),
    [
        pytest.param(
            "db=glob(nomatch*)",
            "Override 'db=glob(nomatch*)' sweeps over no values, so the sweep has no jobs.\n"
            "  The glob matches none of the options of config group 'db'.\n"
            "  Available options: mysql, postgresql\n",
            id="glob-matches-nothing",
        ),
        pytest.param(
            "x=glob(*)",
            "Override 'x=glob(*)' sweeps over no values, so the sweep has no jobs.\n"
            "  'x' is not a config group, or a group without options; glob() selects among a "
            "config group's options.\n",
            id="glob-of-no-group",
        ),
        pytest.param(
            "x=range(0)",
            "Override 'x=range(0)' sweeps over no values, so the sweep has no jobs.\n"
            "  Give it at least one value.\n",
            id="empty-range",
        ),
    ],
)
def test_sweep_with_no_jobs(run: Run, tmp_path: Path, override: str, message: str) -> None:
    err = _failed_clearly(run("-m", "hydra.sweep.dir=sweep", "a=1,2", override))
    assert err.startswith(message)
    assert not (tmp_path / "sweep").exists()
