"""A sweep directory from someone else: `results.jsonl` is data, read with care.

A record never names code that hydria runs (a `status_from` is not imported), a
line that is not a job record is skipped with a warning naming it, and a file that
cannot be read is one clear error, never a traceback or a hang.
"""

from __future__ import annotations

import json
import os
import pickle
import subprocess
import sys
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from hydria.errors import SweepRecordsError
from hydria.launchers import engine_states
from hydria.multirun import JobRecord, ResultsFile, load_sweep
from hydria.multirun.live import live_state, with_live_states
from hydria.multirun.summary import records_json, summary_table

Done = Any  # conftest's record of a run: code, out, err
GOOD = '{"num": 1, "overrides": ["b=2"], "status": "completed", "return_value": 2}'
CANARY_MODULE = "hydria_test_canary"

# Python's limit on the digits of an int read from text (3.11, and 3.10.7 on)
NEEDS_DIGIT_LIMIT = pytest.mark.skipif(
    not hasattr(sys, "get_int_max_str_digits"), reason="this Python reads ints of any length"
)


def _sweep(tmp_path: Path, *lines: str | bytes) -> Path:
    data = b"".join((line if isinstance(line, bytes) else line.encode()) + b"\n" for line in lines)
    (tmp_path / "results.jsonl").write_bytes(data)
    return tmp_path


def _plant_canary(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A module on sys.path that leaves `mark` behind when imported or called."""
    mark = tmp_path / "ran"
    module = tmp_path / "code" / f"{CANARY_MODULE}.py"
    module.parent.mkdir()
    module.write_text(
        f"import pathlib\nMARK = pathlib.Path({str(mark)!r})\nMARK.write_text('imported')\n"
        "def touch(info=None):\n    MARK.write_text('called')\n"
    )
    monkeypatch.syspath_prepend(str(module.parent))
    return mark


def _submitted(engine: Any, **extra: Any) -> str:
    record = {"num": 0, "overrides": ["a=1"], "status": "submitted"}
    return json.dumps({**record, "extra": {"engine": engine, **extra}})


# -- records name no code ------------------------------------------------------------------


def test_a_status_from_in_a_record_is_never_imported(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    mark = _plant_canary(tmp_path, monkeypatch)
    sweep = _sweep(
        tmp_path,
        _submitted("evil", status_from=f"{CANARY_MODULE}:touch"),
        _submitted("slurm", job_id="12_0", status_from=f"{CANARY_MODULE}:touch").replace(
            '"num": 0', '"num": 1'
        ),
        _submitted(None, status_from="os:system").replace('"num": 0', '"num": 2'),
    )
    monkeypatch.setattr(engine_states, "slurm_states", lambda ids: {"12_0": "RUNNING"})
    records = with_live_states(load_sweep(sweep))
    assert [r.status for r in records] == [
        "submitted: UNKNOWN (hydria cannot ask the engine 'evil', only slurm, submitit-local)",
        "submitted: RUNNING",  # asked as the engine says, whatever status_from names
        "submitted: UNKNOWN (the record names no engine; hydria can ask slurm, submitit-local)",
    ]
    assert not mark.exists() and CANARY_MODULE not in sys.modules
    # the canary works: importing it leaves the mark
    __import__(CANARY_MODULE)
    sys.modules.pop(CANARY_MODULE)
    assert mark.read_text() == "imported"


def test_old_records_naming_hydrias_own_reader_still_show_the_state(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    old = "hydria.launchers.engine_states:job_state"
    record = JobRecord.from_json(_submitted(None, job_id="7_1", status_from=old))
    asked: list[list[str]] = []

    def slurm_states(job_ids: list[str]) -> dict[str, str]:
        asked.append(list(job_ids))
        return {"7_1": "PENDING"}

    monkeypatch.setattr(engine_states, "slurm_states", slurm_states)
    assert live_state(record) == "PENDING"
    assert asked == [["7_1"]]


@pytest.mark.parametrize(
    ("extra", "state"),
    [
        pytest.param(
            {"engine": "slurm", "job_id": "1,2 --me"},
            "UNKNOWN (the record's job id '1,2 --me' is not a SLURM job id)",
            id="slurm-id-not-an-id",
        ),
        pytest.param(
            {"engine": "submitit-local", "job_id": "x", "folder": "/"},
            "UNKNOWN (the record lacks a local job id and folder)",
            id="local-id-not-a-pid",
        ),
        pytest.param(
            {"engine": ["slurm"]},
            "UNKNOWN (hydria cannot ask the engine ['slurm'], only slurm, submitit-local)",
            id="engine-not-a-name",
        ),
    ],
)
def test_a_record_with_odd_engine_details_asks_nothing(
    extra: dict[str, Any], state: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(engine_states, "ask", lambda command: pytest.fail(f"ran {command}"))
    record = JobRecord(num=0, overrides=(), status="submitted", extra=extra)
    assert live_state(record) == state


def test_a_planted_result_pickle_is_read_without_unpickling(tmp_path: Path) -> None:
    pytest.importorskip("submitit")
    mark = tmp_path / "ran"
    pid = "999999999"
    planted = tmp_path / pid / f"{pid}_0_result.pkl"
    planted.parent.mkdir()
    # unpickled, this runs `touch <mark>`
    planted.write_bytes(f"cos\nsystem\n(S'touch {mark}'\ntR.".encode())
    record = {"engine": "submitit-local", "job_id": pid, "folder": str(tmp_path / "%j")}
    assert engine_states.local_job_state(record) == "FAILED"
    assert not mark.exists()
    planted.write_bytes(pickle.dumps(("success", {"acc": 1})))
    assert engine_states.local_job_state(record) == "COMPLETED"
    planted.unlink()
    os.mkfifo(planted)  # a FIFO in its place is not opened (it would block)
    assert engine_states.local_job_state(record) == "FAILED"


# -- odd records: skipped with a warning naming the line -----------------------------------

ODD_LINES = [
    pytest.param(
        '{"num": [1], "overrides": [], "status": "completed"}',
        "`num` must be a whole number from 0, not list [1]",
        id="num-list",
    ),
    pytest.param(
        '{"num": -1, "overrides": [], "status": "completed"}',
        "`num` must be a whole number from 0, not int -1",
        id="num-negative",
    ),
    pytest.param(
        '{"num": true, "overrides": [], "status": "completed"}',
        "`num` must be a whole number from 0, not bool true",
        id="num-bool",
    ),
    pytest.param(
        '{"num": 0, "overrides": [], "status": 5}',
        "`status` must be a non-empty string, not int 5",
        id="status-int",
    ),
    pytest.param(
        '{"num": 0, "overrides": "a=1", "status": "completed"}',
        '`overrides` must be a list of strings, not str "a=1"',
        id="overrides-str",
    ),
    pytest.param(
        '{"num": 0, "overrides": [], "status": "failed", "duration": NaN}',
        "`duration` must be a finite number, not float NaN",
        id="duration-nan",
    ),
    pytest.param(
        '{"num": 0, "overrides": [], "status": "failed", "error": {"a": 1}}',
        '`error` must be a string or null, not dict {"a": 1}',
        id="error-dict",
    ),
    pytest.param(
        '{"num": 0, "overrides": [], "status": "completed", "extra": {"gpus": Infinity}}',
        "`extra` must be an object of JSON values (finite numbers, nested at most 100 deep), "
        'not dict {"gpus": Infinity}',
        id="extra-infinity",
    ),
    pytest.param('{"num": 0}', "no `overrides`, `status`", id="missing-keys"),
    pytest.param("[1, 2]", "a JSON list, not an object", id="not-an-object"),
    pytest.param(
        '{"num": 0, "overrides": [], "status": "completed", "return_value": '
        + "[" * 150
        + "]" * 150
        + "}",
        "`return_value` must be a JSON value nested at most 100 deep, not a list nested "
        "deeper than 100 levels",
        id="return-value-150-deep",
    ),
    pytest.param(
        '{"num": 0, "overrides": [], "status": "completed", "return_value": '
        + "[" * 5000
        + "]" * 5000
        + "}",
        "nested deeper than 100 levels",
        id="json-5000-deep",
    ),
    pytest.param(
        '{"num": ' + "9" * 5000 + ', "overrides": [], "status": "completed"}',
        "not JSON (Exceeds the limit (4300 digits) for integer string conversion",
        id="int-5000-digits",
        marks=NEEDS_DIGIT_LIMIT,
    ),
    pytest.param(
        b'{"num": 0, "overrides": ["\xff"], "status": "completed"}',
        "not UTF-8 text",
        id="not-utf8",
    ),
    pytest.param("garbage}", "not JSON (Expecting value: line 1 column 1 (char 0))", id="garbage"),
]


@pytest.mark.parametrize(("line", "why"), ODD_LINES)
def test_a_line_that_is_not_a_record_is_skipped_with_a_warning(
    tmp_path: Path, line: str | bytes, why: str
) -> None:
    sweep = _sweep(tmp_path, line, GOOD)
    with pytest.warns(UserWarning) as caught:
        records = load_sweep(sweep)
    assert [(r.num, r.return_value) for r in records] == [(1, 2)]
    [warning] = caught
    text = str(warning.message)
    assert text.startswith(f"{sweep / 'results.jsonl'}, line 1, is not a job record ({why}")
    assert text.endswith("); skipped")


def test_unknown_keys_are_ignored_and_a_torn_line_is_skipped_silently(tmp_path: Path) -> None:
    sweep = _sweep(
        tmp_path,
        '{"num": 0, "overrides": ["a=1"], "status": "completed", "from_a_newer_hydria": 1}',
        '{"num": 2, "overr',  # a crash mid-write, then the next record on its own line
        GOOD,
        '{"num": 3, "overrides": ["a=3"], "status": "comp',
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert [r.num for r in load_sweep(sweep)] == [0, 1]


def test_nan_in_a_return_value_is_kept_as_its_repr_and_json_output_stays_json(
    tmp_path: Path,
) -> None:
    line = '{"num": 0, "overrides": ["a=1"], "status": "completed", "return_value": [1, NaN]}'
    [record] = load_sweep(_sweep(tmp_path, line))
    assert (record.return_value, record.return_repr) == (None, "[1, nan]")

    def refuse(name: str) -> None:
        raise AssertionError(f"{name} in JSON output")

    [shown] = json.loads(records_json([record]), parse_constant=refuse)
    assert (shown["return_value"], shown["return_repr"]) == (None, "[1, nan]")
    assert "[1, nan]" in summary_table([record])


def test_control_characters_in_a_record_are_escaped_in_the_table() -> None:
    record = JobRecord(num=0, overrides=("a=\x1b[2J",), status="fail\x1b[31med")
    table = summary_table([record])
    assert "\x1b" not in table
    assert "a=\\x1b[2J" in table and "FAIL\\x1b[31MED" in table


# -- a results file that cannot be read: one clear error ------------------------------------


def _directory(path: Path) -> None:
    path.mkdir()


def _fifo(path: Path) -> None:
    os.mkfifo(path)


def _link_loop(path: Path) -> None:
    path.symlink_to(path.name)


@pytest.mark.parametrize(
    ("make", "why"),
    [
        pytest.param(_directory, "it is a directory, not a sweep's records", id="directory"),
        pytest.param(_fifo, "it is not a regular file, not a sweep's records", id="fifo"),
        pytest.param(_link_loop, "Too many levels of symbolic links", id="link-loop"),
    ],
)
def test_a_results_file_that_cannot_be_read_is_a_clear_error(
    tmp_path: Path, make: Any, why: str
) -> None:
    make(tmp_path / "results.jsonl")
    with pytest.raises(SweepRecordsError) as caught:
        load_sweep(tmp_path)
    assert str(caught.value) == f"Cannot read {tmp_path / 'results.jsonl'}: {why}"
    with pytest.raises(SweepRecordsError):
        ResultsFile(tmp_path).latest()  # what --resume reads


def test_an_empty_results_file_holds_no_jobs(tmp_path: Path) -> None:
    assert load_sweep(_sweep(tmp_path)) == []
    assert records_json([]) == "[]\n"


# -- python -m hydria results, as a user runs it --------------------------------------------


def _results(tmp_path: Path, *argv: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "hydria", "results", *argv],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "PYTHONPATH": str(tmp_path / "code")},
    )


def test_results_shows_what_it_can_and_runs_nothing_a_record_names(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    mark = _plant_canary(tmp_path, monkeypatch)
    sweep = tmp_path / "sweep"
    sweep.mkdir()
    _sweep(
        sweep,
        _submitted("evil", status_from=f"{CANARY_MODULE}:touch"),
        '{"num": 3, "overrides": [], "status": 5}',
        GOOD.replace('"return_value": 2', '"return_value": NaN'),
    )
    done = _results(tmp_path, str(sweep), "--format", "json")
    assert (done.returncode, done.stderr) == (
        0,
        f"hydria results: warning: {sweep / 'results.jsonl'}, line 2, is not a job record "
        "(`status` must be a non-empty string, not int 5); skipped\n",
    )
    shown = json.loads(done.stdout)
    assert [(r["num"], r["status"], r["return_repr"]) for r in shown] == [
        (
            0,
            "submitted: UNKNOWN (hydria cannot ask the engine 'evil', only slurm, submitit-local)",
            None,
        ),
        (1, "completed", "nan"),
    ]
    assert not mark.exists()
    (sweep / "results.jsonl").unlink()
    (sweep / "results.jsonl").mkdir()
    done = _results(tmp_path, str(sweep))
    assert (done.returncode, done.stdout) == (1, "")
    assert done.stderr == (
        f"hydria results: Cannot read {sweep / 'results.jsonl'}: it is a directory, "
        "not a sweep's records\n"
    )


def test_resume_imports_nothing_a_record_names(
    sweep_app: Callable[..., Done], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    mark = _plant_canary(tmp_path, monkeypatch)
    (tmp_path / "sw").mkdir()
    _sweep(tmp_path / "sw", _submitted("evil", job_id="1", status_from=f"{CANARY_MODULE}:touch"))
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HYDRA", "HYDRIA"))}
    env["PYTHONPATH"] = str(tmp_path / "code")
    done = sweep_app("-m", "a=1", "hydra.sweep.dir=sw", "--resume", env=env)
    # a job hydria cannot ask about may still be running: it is not run a second time
    assert done.code == 2
    assert (
        "--resume: job #0 is still UNKNOWN (hydria cannot ask the engine 'evil', only slurm, "
        "submitit-local) (evil job 1); wait for it to end, or cancel it, before resuming"
    ) in done.err
    assert not mark.exists()
