"""`python -m hydria` commands: their errors go through `hydria.app.report`, with the
commands' exit codes (2 for a usage error, else 1; `diff` exits 2 on any error)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from hydria import tools
from hydria.app import report


@pytest.fixture
def reported(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, str, int | None]]:
    seen: list[tuple[str, str, int | None]] = []
    real = report.report_command_error

    def spy(exc: BaseException, command: str, **options: Any) -> int:
        seen.append((type(exc).__name__, command, options.get("exit_code")))
        return real(exc, command, **options)

    monkeypatch.setattr(report, "report_command_error", spy)
    return seen


@pytest.mark.parametrize(
    ("argv", "code", "message", "error"),
    [
        pytest.param(
            ["results", "{tmp}"],
            1,
            "hydria results: No results.jsonl in {tmp}: is it a sweep directory?\n",
            "SweepRecordsError",
            id="results_not_a_sweep",
        ),
        pytest.param(
            ["diff", "{tmp}/nowhere"],
            2,
            "hydria diff: '{tmp}/nowhere' not found; give the output directory",
            "SavedRunError",
            id="diff_missing_run",
        ),
        pytest.param(
            ["rerun", "{tmp}/nowhere"],
            2,
            "hydria rerun: '{tmp}/nowhere' not found; give the output directory",
            "UsageError",
            id="rerun_missing_run",
        ),
    ],
)
def test_errors_are_reported_with_the_command_exit_code(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    reported: list[tuple[str, str, int | None]],
    argv: list[str],
    code: int,
    message: str,
    error: str,
) -> None:
    assert tools.main([a.format(tmp=tmp_path) for a in argv]) == code
    out, err = capsys.readouterr()
    assert out == ""
    assert err.startswith(message.format(tmp=tmp_path)), err
    assert [(name, command) for name, command, _ in reported] == [(error, argv[0])]


def test_report_command_error_escapes_control_characters_and_picks_the_code() -> None:
    import io

    from hydria.errors import HydriaError, UsageError

    out = io.StringIO()
    assert report.report_command_error(UsageError("bad \x1b[2J"), "rerun", stream=out) == 2
    assert report.report_command_error(HydriaError("no"), "rerun", stream=out) == 1
    assert report.report_command_error(HydriaError("x"), "diff", exit_code=2, stream=out) == 2
    assert out.getvalue() == "hydria rerun: bad \\x1b[2J\nhydria rerun: no\nhydria diff: x\n"
