"""Logging around a job: the console and `<job name>.log` in Hydra's format, the built-in
`hydra/job_logging` options, and the process's logging put back once the app returns."""

from __future__ import annotations

import logging
import re
from pathlib import Path
from typing import Any

import pytest
from omegaconf import DictConfig

import hydria

CONF = Path(__file__).parent / "data" / "conf"
JOB_NAME = Path(__file__).stem
LOG = logging.getLogger("my_task")
LINE = r"\[\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3}\]"  # Hydra's `[%(asctime)s]`


@hydria.main(config_path=str(CONF), config_name="config", version_base=None)
def my_app(cfg: DictConfig) -> None:
    LOG.debug("debug a=%s", cfg.a)
    LOG.info("info a=%s", cfg.a)
    LOG.error("error a=%s", cfg.a)
    print(f"printed a={cfg.a}")


class _Recorder(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def _log_file(tmp_path: Path, pattern: str = "outputs/*/*") -> Path:
    [output_dir] = tmp_path.glob(pattern)
    return output_dir / f"{JOB_NAME}.log"


def _masked(text: str) -> str:
    return re.sub(LINE, "[TIME]", text)


def test_the_job_log_file_and_the_console(run_app: Any, tmp_path: Path) -> None:
    done = run_app(my_app, "a=1")
    lines = "[TIME][my_task][INFO] - info a=1\n[TIME][my_task][ERROR] - error a=1\n"
    assert _masked(_log_file(tmp_path).read_text()) == lines
    assert _masked(done.out) == lines + "printed a=1\n"
    assert done.err == ""


def test_verbose_adds_debug_lines(run_app: Any, tmp_path: Path) -> None:
    done = run_app(my_app, "hydra.verbose=my_task")
    assert "[TIME][my_task][DEBUG] - debug a=0\n" in _masked(done.out)
    assert "[TIME][my_task][DEBUG] - debug a=0\n" in _masked(_log_file(tmp_path).read_text())


@pytest.mark.parametrize(
    ("option", "out"),
    [
        pytest.param("disabled", "printed a=0\n", id="disabled"),
        pytest.param(
            "none",
            "[TIME][HYDRA] info a=0\n[TIME][HYDRA] error a=0\nprinted a=0\n",
            id="none",
        ),
        pytest.param("stdout", "info a=0\nerror a=0\nprinted a=0\n", id="stdout"),
    ],
)
def test_builtin_job_logging_options(run_app: Any, tmp_path: Path, option: str, out: str) -> None:
    done = run_app(my_app, f"hydra/job_logging={option}")
    assert (_masked(done.out), done.err) == (out, "")
    assert not _log_file(tmp_path).exists()


def test_hydra_logging_disabled_hides_the_launch_lines(run_app: Any) -> None:
    done = run_app(my_app, "-m", "a=1", "hydra/hydra_logging=disabled")
    assert _masked(done.out) == (
        "[TIME][my_task][INFO] - info a=1\n[TIME][my_task][ERROR] - error a=1\nprinted a=1\n"
    )
    assert done.err.endswith(
        ": 1 jobs, 1 completed, 0 not\n"
        "#  overrides  status     return value\n"
        "0  a=1        completed\n"
    )


def test_each_sweep_job_logs_to_its_own_file(run_app: Any, tmp_path: Path) -> None:
    run_app(my_app, "-m", "a=1,2")
    for num in (0, 1):
        text = _masked(_log_file(tmp_path, f"multirun/*/*/{num}").read_text())
        assert text == f"[TIME][my_task][INFO] - info a={num + 1}\n" + (
            f"[TIME][my_task][ERROR] - error a={num + 1}\n"
        )


def test_two_runs_in_one_process_do_not_repeat_lines(run_app: Any, tmp_path: Path) -> None:
    run_app(my_app, "a=1", "hydra.run.dir=first")
    done = run_app(my_app, "a=2", "hydra.run.dir=second")
    assert _masked(done.out) == (
        "[TIME][my_task][INFO] - info a=2\n[TIME][my_task][ERROR] - error a=2\nprinted a=2\n"
    )
    assert _masked((tmp_path / "second" / f"{JOB_NAME}.log").read_text()) == (
        "[TIME][my_task][INFO] - info a=2\n[TIME][my_task][ERROR] - error a=2\n"
    )
    assert "a=2" not in (tmp_path / "first" / f"{JOB_NAME}.log").read_text()


@pytest.mark.parametrize(
    "argv",
    [
        pytest.param([], id="run"),
        pytest.param(["-m", "a=1,2"], id="multirun"),
        pytest.param(["hydra/job_logging=disabled"], id="disabled"),
        pytest.param(["hydra.verbose=true"], id="verbose"),
        pytest.param(["--cfg", "job"], id="cfg"),
    ],
)
def test_the_process_logging_is_put_back(run_app: Any, argv: list[str]) -> None:
    root = logging.getLogger()
    mine = _Recorder()
    root.addHandler(mine)
    LOG.setLevel(logging.WARNING)
    try:
        run_app(my_app, *argv)  # also checks the root's handlers and level
        assert (LOG.level, LOG.disabled, LOG.handlers, LOG.propagate) == (
            logging.WARNING,
            False,
            [],
            True,
        )
        assert mine.messages == []  # dictConfig replaced the root handlers during the job
        LOG.warning("after the app")
        assert mine.messages == ["after the app"]
    finally:
        root.removeHandler(mine)
        LOG.setLevel(logging.NOTSET)
