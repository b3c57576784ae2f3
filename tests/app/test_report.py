"""Errors → messages and exit codes: usage errors, hydria errors, bugs and the task's errors."""

from __future__ import annotations

import io
import os
import sys
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from omegaconf import OmegaConf
from omegaconf.errors import ValidationError

import hydria
from hydria.app.cli import usage_text
from hydria.app.report import report, report_task_error
from hydria.errors import CompositionError, MissingOptionError, UsageError

HINT = "Set the environment variable HYDRA_FULL_ERROR=1 for a complete stack trace.\n"
THIS = __file__

# A stand-in for hydria's job runner: its frames carry a file name inside the hydria
# package, as the real runner's do, and it hands back what the task raised.
_RUNNER_FILE = os.path.join(os.path.dirname(hydria.__file__), "runtime", "_stand_in_job.py")
_RUNNER_SOURCE = """
def run_job(task, cfg):
    try:
        task(cfg)
    except Exception as exc:
        return exc

def fail_before_task():
    try:
        raise RuntimeError("no task yet")
    except Exception as exc:
        return exc
"""
_RUNNER: dict[str, Any] = {}
exec(compile(_RUNNER_SOURCE, _RUNNER_FILE, "exec"), _RUNNER)


@pytest.fixture(autouse=True)
def _no_full_error_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("HYDRA_FULL_ERROR", raising=False)
    monkeypatch.delenv("HYDRIA_FULL_ERROR", raising=False)


def _raised(exc: BaseException, cause: BaseException | None = None) -> BaseException:
    """`exc` as it is after `raise exc from cause` (with a traceback and cause)."""
    try:
        raise exc from cause
    except BaseException as caught:
        return caught


def _cause(exc: BaseException) -> BaseException:
    return _raised(exc)


def _report(exc: BaseException, **kw: Any) -> tuple[int, str]:
    out = io.StringIO()
    code = report(exc, stream=out, prog="app.py", **kw)
    return code, out.getvalue()


@pytest.mark.parametrize(
    ("exc", "expected"),
    [
        pytest.param(
            MissingOptionError("Could not load 'db/x': no option 'x' in config group 'db'."),
            "Could not load 'db/x': no option 'x' in config group 'db'.\n\n" + HINT,
            id="hydria-error",
        ),
        pytest.param(
            _raised(CompositionError("Could not merge 'db/mysql'"), _cause(KeyError("port"))),
            "Could not merge 'db/mysql'\n  caused by KeyError: 'port'\n\n" + HINT,
            id="with-cause",
        ),
        pytest.param(
            _raised(CompositionError("Bad value: nope is not an int"), _cause(ValueError("nope"))),
            "Bad value: nope is not an int\n\n" + HINT,
            id="cause-already-in-message",
        ),
        pytest.param(
            _raised(CompositionError("Wrapped"), _cause(ValueError("first\nsecond"))),
            "Wrapped\n  caused by ValueError: first\n\n" + HINT,
            id="cause-first-line",
        ),
        pytest.param(
            _raised(CompositionError("No cause shown"), None),
            "No cause shown\n\n" + HINT,
            id="from-none",
        ),
        pytest.param(
            ValidationError("Value 'x' is not a valid bool"),
            "Value 'x' is not a valid bool\n\n" + HINT,
            id="omegaconf-error",
        ),
    ],
)
def test_report_message(exc: BaseException, expected: str) -> None:
    assert _report(exc) == (1, expected)


def test_report_omegaconf_error_keeps_the_key() -> None:
    try:
        OmegaConf.create({"a": {"b": "${nope}"}}).a.b  # noqa: B018  # the access raises
    except Exception as exc:
        caught = exc
    assert _report(caught) == (
        1,
        "Interpolation key 'nope' not found\n    full_key: a.b\n\n" + HINT,
    )


@pytest.mark.parametrize("full", [pytest.param(False, id="short"), pytest.param(True, id="full")])
def test_report_usage_error(full: bool) -> None:
    code, text = _report(UsageError("unknown flag '--cgf'; did you mean '--cfg'?"), full=full)
    assert code == 2
    assert (
        text
        == usage_text("app.py") + "\napp.py: error: unknown flag '--cgf'; did you mean '--cfg'?\n"
    )


def test_report_usage_error_names_the_program(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(sys, "argv", ["/somewhere/my_app.py", "--x"])
    assert report(UsageError("bad")) == 2
    assert capsys.readouterr().err.endswith("\nmy_app.py: error: bad\n")


def _traceback_of(exc: BaseException) -> str:
    return "".join(traceback.format_exception(exc))


@pytest.mark.parametrize(
    ("exc", "full"),
    [
        pytest.param(_raised(RuntimeError("a bug")), None, id="not-a-hydria-error"),
        pytest.param(_raised(CompositionError("asked for")), True, id="full-flag"),
        pytest.param(_raised(ValidationError("asked for")), True, id="full-flag-omegaconf"),
    ],
)
def test_report_full_traceback(exc: BaseException, full: bool | None) -> None:
    assert _report(exc, full=full) == (1, _traceback_of(exc))


@pytest.mark.parametrize(
    ("variable", "value", "is_full"),
    [
        pytest.param("HYDRA_FULL_ERROR", "1", True, id="hydra"),
        pytest.param("HYDRIA_FULL_ERROR", "1", True, id="hydria"),
        pytest.param("HYDRA_FULL_ERROR", "true", False, id="only-1-counts"),
        pytest.param("HYDRIA_FULL_ERROR", "0", False, id="zero"),
    ],
)
def test_full_error_from_environment(
    monkeypatch: pytest.MonkeyPatch, variable: str, value: str, is_full: bool
) -> None:
    monkeypatch.setenv(variable, value)
    exc = _raised(CompositionError("Could not compose"))
    expected = _traceback_of(exc) if is_full else "Could not compose\n\n" + HINT
    assert _report(exc) == (1, expected)


def test_report_writes_to_stderr_by_default(capsys: pytest.CaptureFixture[str]) -> None:
    assert report(CompositionError("Could not compose")) == 1
    assert capsys.readouterr() == ("", "Could not compose\n\n" + HINT)


# --- errors from the user's task ------------------------------------------------------


def _line(marker: str) -> int:
    lines = Path(THIS).read_text().splitlines()
    return next(i for i, line in enumerate(lines, 1) if line.endswith(f"# <{marker}>"))


def _helper(cfg: Any) -> Any:
    return cfg.missing  # <helper>


def _task_reading_missing(cfg: Any) -> None:
    _helper(cfg)  # <task>


def _task_chained(cfg: Any) -> None:
    try:
        {}["k"]  # <inner>
    except KeyError as exc:
        raise ValueError("bad\nvalue") from exc  # <outer>


def _task_through_hydria(cfg: Any) -> None:
    _RUNNER["run_job"](_task_raising, cfg)  # <through>
    raise _RUNNER["run_job"](_task_raising, cfg)  # <reraise>


def _task_raising(cfg: Any) -> None:
    raise RuntimeError("from the task")  # <raising>


def _without_carets(text: str) -> str:
    # Python 3.11+ underlines the failing expression; 3.10 does not.
    return "".join(
        line
        for line in text.splitlines(keepends=True)
        if not (line.strip() and set(line.strip()) <= set("^~"))
    )


def _frame(marker: str, function: str, source: str) -> str:
    return f'  File "{THIS}", line {_line(marker)}, in {function}\n    {source}\n'


TRACEBACK = "Traceback (most recent call last):\n"
MISSING = (
    "omegaconf.errors.MissingMandatoryValue: Missing mandatory value: missing\n"
    "    full_key: missing\n"
    "    object_type=dict\n"
)
CAUSE_SEPARATOR = "\nThe above exception was the direct cause of the following exception:\n\n"


@pytest.mark.parametrize(
    ("task", "overrides", "expected"),
    [
        pytest.param(
            _task_reading_missing,
            ["db=mysql", "x=1"],
            lambda: (
                "Error executing job with overrides: ['db=mysql', 'x=1']\n"
                + TRACEBACK
                + _frame("task", "_task_reading_missing", "_helper(cfg)  # <task>")
                + _frame("helper", "_helper", "return cfg.missing  # <helper>")
                + MISSING
                + "\n"
                + HINT
            ),
            id="missing-value-no-omegaconf-frames",
        ),
        pytest.param(
            _task_chained,
            None,
            lambda: (
                TRACEBACK
                + _frame("inner", "_task_chained", '{}["k"]  # <inner>')
                + "KeyError: 'k'\n"
                + CAUSE_SEPARATOR
                + TRACEBACK
                + _frame(
                    "outer", "_task_chained", 'raise ValueError("bad\\nvalue") from exc  # <outer>'
                )
                + "ValueError: bad\nvalue\n\n"
                + HINT
            ),
            id="chained",
        ),
        pytest.param(
            _task_through_hydria,
            [],
            lambda: (
                "Error executing job with overrides: []\n"
                + TRACEBACK
                + _frame(
                    "reraise",
                    "_task_through_hydria",
                    'raise _RUNNER["run_job"](_task_raising, cfg)  # <reraise>',
                )
                + _frame(
                    "raising", "_task_raising", 'raise RuntimeError("from the task")  # <raising>'
                )
                + "RuntimeError: from the task\n\n"
                + HINT
            ),
            id="hydria-frames-in-the-middle",
        ),
    ],
)
def test_report_task_error(
    task: Callable[[Any], None], overrides: list[str] | None, expected: Callable[[], str]
) -> None:
    exc = _RUNNER["run_job"](task, OmegaConf.create({"missing": "???"}))
    out = io.StringIO()
    assert report_task_error(exc, overrides=overrides, stream=out) == 1
    assert _without_carets(out.getvalue()) == expected()


def test_report_task_error_full(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HYDRA_FULL_ERROR", "1")
    exc = _RUNNER["run_job"](_task_raising, None)
    out = io.StringIO()
    assert report_task_error(exc, stream=out) == 1
    assert out.getvalue() == _traceback_of(exc)
    assert f'File "{_RUNNER_FILE}"' in out.getvalue()


def test_report_task_error_without_user_frames_shows_all() -> None:
    exc = _RUNNER["fail_before_task"]()
    out = io.StringIO()
    assert report_task_error(exc, stream=out) == 1
    assert out.getvalue() == _traceback_of(exc)


def test_report_task_error_writes_to_stderr_by_default(capsys: pytest.CaptureFixture[str]) -> None:
    exc = _RUNNER["run_job"](_task_raising, None)
    assert report_task_error(exc, full=True) == 1
    assert capsys.readouterr() == ("", _traceback_of(exc))
