"""The parts of a sweep on their own: records, the summary, progress displays, and
finding and configuring launchers and sweepers."""

from __future__ import annotations

import io
import re
import sys
from pathlib import Path
from typing import Any

import pytest
from omegaconf import OmegaConf

from hydria.errors import PluginError
from hydria.launchers.basic import BasicLauncher
from hydria.launchers.joblib import JoblibLauncher, visible_devices
from hydria.multirun import load_sweep
from hydria.multirun.progress import LineProgress, LiveProgress, make_progress
from hydria.multirun.records import JobRecord, ResultsFile, jsonable
from hydria.multirun.summary import records_csv, summary_table
from hydria.plugins import load_plugin, plugin_names
from hydria.sweepers.basic import BasicSweeper


def _record(num: int, status: str = "completed", **fields: Any) -> JobRecord:
    return JobRecord(num=num, overrides=(f"a={num}",), status=status, **fields)


# records


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (1.5, (1.5, None)),
        ({"acc": 0.9, "tags": ["a", 1]}, ({"acc": 0.9, "tags": ["a", 1]}, None)),
        ((1, 2), ([1, 2], None)),
        (None, (None, None)),
        (float("nan"), (None, "nan")),
        ({1: "a"}, (None, "{1: 'a'}")),
        (object, (None, "<class 'object'>")),
        (OmegaConf.create({"x": "${y}", "y": 2}), ({"x": 2, "y": 2}, None)),
    ],
)
def test_return_values_json_can_hold_are_kept_others_described(
    value: Any, expected: tuple[Any, str | None]
) -> None:
    assert jsonable(value) == expected


def test_the_latest_line_of_a_job_wins_and_a_torn_last_line_is_skipped(tmp_path: Path) -> None:
    results = ResultsFile(tmp_path)
    results.append(_record(0, "failed", error="ValueError: x"))
    results.append(_record(1, return_value=3))
    results.append(_record(0, return_value=5))
    with open(results.path, "a") as f:
        f.write('{"num": 2, "overr')  # the process died mid-write
    latest = results.latest()
    assert sorted(latest) == [0, 1]
    assert (latest[0].status, latest[0].return_value) == ("completed", 5)
    assert [r.num for r in load_sweep(tmp_path)] == [0, 1]
    assert [r.num for r in load_sweep(results.path)] == [0, 1]


def test_a_whole_line_that_is_not_a_record_is_skipped_with_a_warning(tmp_path: Path) -> None:
    # more odd lines: tests/sweeps/test_records_hostile.py
    results = ResultsFile(tmp_path)
    results.path.write_text('{"num": 0, "bogus": 1}\n' + _record(1).to_json() + "\n")
    with pytest.warns(UserWarning, match=r"results.jsonl, line 1, is not a job record \(no "):
        assert [r.num for r in results.read()] == [1]


def test_a_record_round_trips(tmp_path: Path) -> None:
    record = _record(
        3,
        "failed",
        duration=1.25,
        output_dir="/o/3",
        error="E: x",
        traceback="Traceback...\n",
        started=10.0,
        extra={"gpus": "0,1"},
    )
    assert JobRecord.from_json(record.to_json()) == record


def test_load_sweep_without_results(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="No results.jsonl in"):
        load_sweep(tmp_path)


# summary


def test_the_summary_marks_failures_and_aligns_columns() -> None:
    table = summary_table(
        [
            _record(1, "failed", error="ValueError: boom"),
            _record(0, return_value={"acc": 0.5}),
            JobRecord(
                num=2, overrides=("hydra.x=1", "lr=0.1"), status="interrupted", error="Ctrl-C"
            ),
        ]
    )
    assert table.splitlines() == [
        "#  overrides  status       return value",
        '0  a=0        completed    {"acc": 0.5}',
        "1  a=1        FAILED       ValueError: boom",
        "2  lr=0.1     INTERRUPTED  Ctrl-C",
    ]


def test_a_long_sweep_shows_its_failures_and_counts_the_rest() -> None:
    records = [_record(n, return_value=n) for n in range(100)]
    records[70] = _record(70, "failed", error="E: x")
    lines = summary_table(records, max_rows=10).splitlines()
    assert len(lines) == 1 + 10 + 1
    assert any(line.startswith("70 ") and "FAILED" in line for line in lines)
    assert lines[-1] == "... 90 more completed jobs (see results.jsonl)"


def test_records_as_csv() -> None:
    text = records_csv([_record(0, return_value=[1, 2]), _record(1, "failed", error="E: x")])
    assert text.splitlines() == [
        "num,overrides,status,return_value,duration,output_dir,error",
        '0,a=0,completed,"[1, 2]",0.0,,',
        "1,a=1,failed,null,0.0,,E: x",
    ]


# progress


def test_line_progress_writes_one_line_per_finished_job_to_stderr(
    capsys: pytest.CaptureFixture[str],
) -> None:
    progress = LineProgress(total=3, already_done=1)
    progress.started(1, ["a=1"])
    progress.finished(_record(1, duration=1.5, return_value=0.25))
    progress.started(2, ["a=2"])
    progress.finished(_record(2, "failed", duration=0.5, error="ValueError: x"))
    out, err = capsys.readouterr()
    assert out == ""
    assert re.sub(r"^\[[-\d :,]{23}\]", "[TIME]", err, flags=re.MULTILINE).splitlines() == [
        "[TIME][HYDRA] [2/3] #1 a=1: completed in 1.50 s, returned 0.25",
        "[TIME][HYDRA] [3/3, 1 failed] #2 a=2: FAILED after 0.50 s: ValueError: x",
    ]


def test_the_live_display_shows_counts_and_failures(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "120")
    stream = io.StringIO()
    progress = LiveProgress(total=4, stream=stream)
    progress.console.file = stream
    progress.started(0, ["a=0"])
    progress.started(1, ["a=1"])
    progress.finished(_record(0, duration=0.1))
    progress.finished(_record(1, "failed", duration=0.1, error="ValueError: x"))
    progress.close()
    text = stream.getvalue()
    assert "#1 a=1: FAILED after 0.10 s: ValueError: x" in text
    assert "2/4 done" in text and "1 failed, 0 running" in text


def test_make_progress_is_live_only_on_a_terminal() -> None:
    assert isinstance(make_progress(3, live=False), LineProgress)
    live = make_progress(3, live=True)
    assert isinstance(live, LiveProgress)
    live.close()
    if not sys.stderr.isatty():
        assert isinstance(make_progress(3), LineProgress)


# plugins


@pytest.mark.parametrize(
    ("target", "kind", "cls"),
    [
        ("hydria.launchers.basic.BasicLauncher", "launcher", BasicLauncher),
        ("hydra._internal.core_plugins.basic_launcher.BasicLauncher", "launcher", BasicLauncher),
        ("hydria.launchers.joblib.JoblibLauncher", "launcher", JoblibLauncher),
        (
            "hydra_plugins.hydra_joblib_launcher.joblib_launcher.JoblibLauncher",
            "launcher",
            JoblibLauncher,
        ),
        ("hydria.sweepers.basic.BasicSweeper", "sweeper", BasicSweeper),
        ("hydra._internal.core_plugins.basic_sweeper.BasicSweeper", "sweeper", BasicSweeper),
    ],
)
def test_built_ins_by_their_hydria_and_hydra_paths(target: str, kind: Any, cls: type) -> None:
    assert isinstance(load_plugin(kind, OmegaConf.create({"_target_": target})), cls)


PLUGIN = """
class EchoLauncher:
    def __init__(self, greeting="hi"):
        self.greeting = greeting

    def launch(self, jobs, events):
        pass
"""


def test_a_launcher_from_an_entry_point(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "echo_plugin.py").write_text(PLUGIN)
    dist = tmp_path / "echo_plugin-1.0.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: echo-plugin\nVersion: 1.0\n")
    (dist / "entry_points.txt").write_text("[hydria.launchers]\necho = echo_plugin:EchoLauncher\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    by_name = load_plugin("launcher", OmegaConf.create({"_target_": "echo", "greeting": "yo"}))
    assert type(by_name).__name__ == "EchoLauncher" and by_name.greeting == "yo"
    by_path = load_plugin("launcher", OmegaConf.create({"_target_": "echo_plugin.EchoLauncher"}))
    assert type(by_path).__name__ == "EchoLauncher"
    assert "echo_plugin.EchoLauncher" in plugin_names()["launcher"]


@pytest.mark.parametrize(
    ("node", "message"),
    [
        ({}, "hydra.launcher names no launcher"),
        ({"_target_": "no_such_pkg.Launcher"}, "cannot import 'no_such_pkg.Launcher'"),
        (
            {"_target_": "hydria.launchers.basic.BasicLauncher", "n_jobs": 2},
            "the basic launcher takes no options; got ['n_jobs']",
        ),
        (
            {"_target_": "hydria.launchers.joblib.JoblibLauncher", "n_job": 2},
            "unexpected keyword argument 'n_job'",
        ),
        (
            {"_target_": "hydria.launchers.joblib.JoblibLauncher", "backend": "threading"},
            "they need processes; use loky",
        ),
        (
            {"_target_": "hydria.launchers.joblib.JoblibLauncher", "prefer": "threads"},
            "jobs cannot share one process",
        ),
        (
            {"_target_": "hydria.launchers.joblib.JoblibLauncher", "timeout": 0},
            "hydra.launcher.timeout must be positive; got 0",
        ),
        (
            {"_target_": "hydria.launchers.joblib.JoblibLauncher", "gpus_per_job": -1},
            "gpus_per_job must be a count; got -1",
        ),
    ],
)
def test_bad_launcher_configs_are_plugin_errors(node: dict[str, Any], message: str) -> None:
    with pytest.raises(PluginError, match=__import__("re").escape(message)):
        load_plugin("launcher", OmegaConf.create(node))


def test_visible_devices(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CUDA_VISIBLE_DEVICES", "2, 5,")
    assert visible_devices() == ["2", "5"]
    monkeypatch.setenv("CUDA_VISIBLE_DEVICES", "")
    assert visible_devices() == []
    monkeypatch.delenv("CUDA_VISIBLE_DEVICES")
    monkeypatch.setenv("PATH", "")
    assert visible_devices() == []  # no nvidia-smi either


def test_the_basic_sweeper_puts_params_before_the_command_line() -> None:
    sweeper = BasicSweeper(max_batch_size=2, params={"a": "1,2", "b": "x"})
    batches = sweeper.batches(["b=y,z"], options_of=lambda group: [])
    assert batches == [[["a=1", "b=y"], ["a=1", "b=z"]], [["a=2", "b=y"], ["a=2", "b=z"]]]


def test_a_line_after_a_torn_one_starts_on_its_own(tmp_path: Path) -> None:
    results = ResultsFile(tmp_path)
    results.append(_record(0))
    with open(results.path, "a") as f:
        f.write('{"num": 1, "overr')  # a crash mid-write
    results.append(_record(2))
    assert sorted(results.latest()) == [0, 2]
