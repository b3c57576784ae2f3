"""Job logging as Hydra configures it, and the logging state put back after the job."""

from __future__ import annotations

import io
import logging
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from omegaconf import DictConfig, OmegaConf

from hydria.errors import ConfigContentError
from hydria.runtime import (
    JobReturn,
    configure_logging,
    restore_logging,
    snapshot_logging,
)

RunTask = Callable[..., JobReturn]
HYDRA_LINE = r"\[\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2},\d{3}\]\[{name}\]\[{level}\] - {message}"


def _hydra_line(name: str, level: str, message: str) -> str:
    return (
        HYDRA_LINE.replace("{name}", re.escape(name))
        .replace("{level}", level)
        .replace("{message}", re.escape(message))
    )


def _log(name: str, level: int, message: str) -> Callable[[DictConfig], None]:
    def task(cfg: DictConfig) -> None:
        logging.getLogger(name).log(level, message)

    return task


@pytest.fixture
def user_stream() -> Iterator[tuple[logging.Logger, io.StringIO, logging.Handler]]:
    """A logger the user set up before `main`: its own handler, level and propagation."""
    logger = logging.getLogger("hydria_t_user")
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter("%(name)s|%(message)s"))
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    yield logger, stream, handler
    logger.removeHandler(handler)
    logger.setLevel(logging.NOTSET)
    handler.close()


def test_job_log_file_has_hydras_format(run_task: RunTask) -> None:
    ret = run_task(_log("hydria_t_app", logging.INFO, "hello from the task"))
    lines = Path(ret.output_dir, "my_app.log").read_text(encoding="utf-8").splitlines()
    assert len(lines) == 1
    assert re.fullmatch(_hydra_line("hydria_t_app", "INFO", "hello from the task"), lines[0])


def test_console_gets_the_same_line(run_task: RunTask, capsys: pytest.CaptureFixture[str]) -> None:
    run_task(_log("hydria_t_app", logging.WARNING, "to stdout"))
    out = capsys.readouterr().out.splitlines()
    assert len(out) == 1
    assert re.fullmatch(_hydra_line("hydria_t_app", "WARNING", "to stdout"), out[0])


def test_root_is_restored_and_file_handler_closed(run_task: RunTask) -> None:
    root = logging.getLogger()
    before = (list(root.handlers), root.level)
    during: list[Any] = []
    ret = run_task(lambda cfg: during.extend(root.handlers))
    assert (list(root.handlers), root.level) == before
    file_handlers = [h for h in during if isinstance(h, logging.FileHandler)]
    assert [h.baseFilename for h in file_handlers] == [str(Path(ret.output_dir, "my_app.log"))]
    assert file_handlers[0].stream is None  # closed


def test_user_logger_gets_each_record_once(
    run_task: RunTask, user_stream: tuple[logging.Logger, io.StringIO, logging.Handler]
) -> None:
    logger, stream, handler = user_stream
    ret = run_task(lambda cfg: logger.info("during"))
    logger.info("after")
    assert stream.getvalue() == "hydria_t_user|during\nhydria_t_user|after\n"
    assert logger.handlers == [handler] and logger.level == logging.INFO
    log_file = Path(ret.output_dir, "my_app.log").read_text(encoding="utf-8")
    assert "during" in log_file and "after" not in log_file


def test_user_root_handler_is_back_and_not_duplicated(run_task: RunTask) -> None:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        for n in range(2):
            run_task(_log("hydria_t_app", logging.WARNING, f"run {n}"))
            logging.getLogger("hydria_t_app").warning("after run %d", n)
    finally:
        root.removeHandler(handler)
    # During the jobs the job's handlers replace the root's, as in Hydra.
    assert stream.getvalue() == "after run 0\nafter run 1\n"


def test_two_runs_do_not_share_log_files(run_task: RunTask) -> None:
    first = run_task(_log("hydria_t_app", logging.INFO, "first"), ["hydra.run.dir=a"])
    second = run_task(_log("hydria_t_app", logging.INFO, "second"), ["hydra.run.dir=b"])
    texts = [Path(r.output_dir, "my_app.log").read_text(encoding="utf-8") for r in (first, second)]
    assert ["first" in t for t in texts] == [True, False]
    assert ["second" in t for t in texts] == [False, True]


@pytest.mark.parametrize(
    ("verbose", "debug_from"),
    [
        pytest.param("false", [], id="false"),
        pytest.param("true", ["hydria_t_a", "hydria_t_b"], id="true_root_debug"),
        pytest.param("hydria_t_a", ["hydria_t_a"], id="one_logger"),
        pytest.param("[hydria_t_a,hydria_t_b]", ["hydria_t_a", "hydria_t_b"], id="list"),
    ],
)
def test_verbose(run_task: RunTask, verbose: str, debug_from: list[str]) -> None:
    def task(cfg: DictConfig) -> None:
        for name in ("hydria_t_a", "hydria_t_b"):
            logging.getLogger(name).debug("debug from %s", name)

    ret = run_task(task, [f"hydra.verbose={verbose}"])
    text = Path(ret.output_dir, "my_app.log").read_text(encoding="utf-8")
    assert re.findall(r"debug from (\w+)", text) == debug_from
    for name in ("hydria_t_a", "hydria_t_b"):
        assert logging.getLogger(name).level == logging.NOTSET


def test_job_logging_none_leaves_logging_alone(run_task: RunTask) -> None:
    root = logging.getLogger()
    before = list(root.handlers)
    ret = run_task(lambda cfg: list(root.handlers), ["hydra/job_logging=none"])
    assert ret.return_value == before
    assert not Path(ret.output_dir, "my_app.log").exists()


def test_job_logging_disabled_silences_existing_loggers_for_the_job(
    run_task: RunTask, user_stream: tuple[logging.Logger, io.StringIO, logging.Handler]
) -> None:
    logger, stream, _ = user_stream
    ret = run_task(lambda cfg: logger.warning("silenced"), ["hydra/job_logging=disabled"])
    assert ret.error is None
    logger.warning("heard")
    assert stream.getvalue() == "hydria_t_user|heard\n"
    assert logger.disabled is False


def test_loggers_section_does_not_leak_into_the_next_run(run_task: RunTask) -> None:
    def task(cfg: DictConfig) -> None:
        logging.getLogger("hydria_test_chatty").debug("chatty debug")
        logging.getLogger("hydria_t_app").info("quiet info")
        logging.getLogger("hydria_t_app").warning("loud warning")

    ret = run_task(task, ["hydra/job_logging=with_loggers"])
    text = Path(ret.output_dir, "custom.log").read_text(encoding="utf-8")
    assert text == "hydria_test_chatty:DEBUG:chatty debug\nhydria_t_app:WARNING:loud warning\n"
    assert logging.getLogger("hydria_test_chatty").level == logging.NOTSET


def test_a_library_logger_set_up_during_the_task_keeps_its_setup(run_task: RunTask) -> None:
    # what a library does when the task imports it: its own handler, no propagation
    stream = io.StringIO()

    def task(cfg: DictConfig) -> None:
        library = logging.getLogger("hydria_t_library")
        library.addHandler(logging.StreamHandler(stream))
        library.propagate = False
        library.setLevel(logging.INFO)

    assert run_task(task, []).error is None
    library = logging.getLogger("hydria_t_library")
    try:
        # a second job in this process: the library is not imported again, its logger
        # must still be its own (reset, it would print through the job's root handlers)
        assert (library.propagate, library.level, len(library.handlers)) == (
            False,
            logging.INFO,
            1,
        )
        ret = run_task(lambda cfg: library.info("from the library"), [])
        assert ret.error is None
        assert stream.getvalue() == "from the library\n"
        assert "from the library" not in Path(ret.output_dir, "my_app.log").read_text()
    finally:
        library.handlers.clear()
        library.propagate = True
        library.setLevel(logging.NOTSET)


def test_configure_logging_without_config_adds_hydras_fallback() -> None:
    state = snapshot_logging()
    try:
        configure_logging(None)
        root = logging.getLogger()
        added = root.handlers[-1]
        assert root.level == logging.INFO
        assert isinstance(added, logging.StreamHandler)
        assert added.formatter is not None
        assert added.formatter._fmt == "[%(asctime)s][%(name)s][%(levelname)s] - %(message)s"
    finally:
        restore_logging(state)


@pytest.mark.parametrize(
    "verbose",
    [pytest.param(1, id="int"), pytest.param(OmegaConf.create({"a": 1}), id="mapping")],
)
def test_verbose_of_wrong_type(verbose: Any) -> None:
    state = snapshot_logging()
    try:
        with pytest.raises(ConfigContentError) as info:
            configure_logging({"version": 1, "root": None}, verbose)
    finally:
        restore_logging(state)
    assert str(info.value).startswith(
        "hydra.verbose must be true, false, a logger name or a list of logger names; got "
    )


def test_restore_brings_back_manager_disable_and_logger_flags() -> None:
    logger = logging.getLogger("hydria_t_flags")
    state = snapshot_logging()
    logging.disable(logging.CRITICAL)
    logger.propagate = False
    logger.disabled = True
    logger.addFilter(logging.Filter("x"))
    restore_logging(state)
    assert logging.Logger.manager.disable == state.disable
    assert (logger.propagate, logger.disabled, logger.filters) == (True, False, [])
