"""Run records that no run of hydria wrote: bad bytes, odd shapes, missing files. Reading
them is a `SavedRunError` naming the file, and `hydria diff` says it and exits 2."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from hydria.errors import SavedRunError
from hydria.runs.recompose import recorded_search_path
from hydria.runs.saved import load_run

HYDRA = "hydra:\n  job:\n    name: app\n"

# Python's limit on the digits of an int read from text (3.11, and 3.10.7 on)
NEEDS_DIGIT_LIMIT = pytest.mark.skipif(
    not hasattr(sys, "get_int_max_str_digits"), reason="this Python reads ints of any length"
)


def _run(tmp_path: Path, config: bytes | str, hydra: bytes | str = HYDRA) -> Path:
    record = tmp_path / "run" / ".hydra"
    record.mkdir(parents=True)
    for name, text in (("config.yaml", config), ("hydra.yaml", hydra)):
        (record / name).write_bytes(text if isinstance(text, bytes) else text.encode())
    return record


@pytest.mark.parametrize(
    ("config", "hydra", "file", "why"),
    [
        pytest.param(
            b"a: \xff\n",
            HYDRA,
            "config.yaml",
            "it is not UTF-8 text (a byte 0xff in it); a run saves its .hydra files as UTF-8, "
            "so this one was written by something else",
            id="config-not-utf8",
        ),
        pytest.param(
            "a: 1\n",
            b"hydra:\n  job:\n    name: \xfe\n",
            "hydra.yaml",
            "it is not UTF-8 text (a byte 0xfe in it); a run saves its .hydra files as UTF-8, "
            "so this one was written by something else",
            id="hydra-not-utf8",
        ),
        pytest.param(
            "".join("  " * i + f"k{i}:\n" for i in range(300)) + "  " * 300 + "x: 1\n",
            HYDRA,
            "config.yaml",
            "its values are nested too deeply",
            id="config-300-deep",
        ),
        pytest.param(
            "a: " + "9" * 5000 + "\n",
            HYDRA,
            "config.yaml",
            "Exceeds the limit (4300 digits) for integer string conversion",
            id="int-5000-digits",
            marks=NEEDS_DIGIT_LIMIT,
        ),
    ],
)
def test_a_record_that_does_not_read_names_its_file(
    tmp_path: Path, config: bytes | str, hydra: bytes | str, file: str, why: str
) -> None:
    record = _run(tmp_path, config, hydra)
    with pytest.raises(SavedRunError) as caught:
        load_run(record.parent)
    assert str(caught.value).startswith(f"Cannot read '{record / file}': {why}")


@pytest.mark.parametrize(
    ("config", "hydra", "message"),
    [
        pytest.param("- 1\n", HYDRA, "'{record}/config.yaml' does not hold a mapping", id="list"),
        pytest.param("a: 1\n", "hydra: 5\n", "'{record}/hydra.yaml' has no `hydra:` mapping"),
        pytest.param("a: 1\n", "- 1\n", "'{record}/hydra.yaml' has no `hydra:` mapping"),
    ],
)
def test_a_record_that_is_not_a_mapping_says_so(
    tmp_path: Path, config: str, hydra: str, message: str
) -> None:
    record = _run(tmp_path, config, hydra)
    with pytest.raises(SavedRunError) as caught:
        load_run(record.parent)
    assert str(caught.value) == message.format(record=record)


@pytest.mark.parametrize(
    "sources",
    ["abc", "5", "{a: 1}", "[abc]", "[{path: /}]"],
)
def test_recorded_config_sources_of_the_wrong_shape_are_an_error(
    tmp_path: Path, sources: str
) -> None:
    record = _run(tmp_path, "a: 1\n", f"hydra:\n  runtime:\n    config_sources: {sources}\n")
    with pytest.raises(SavedRunError, match=r"^The run's hydra.runtime.config_sources is not a "):
        recorded_search_path(load_run(record).hydra)


def _diff(tmp_path: Path, *argv: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "hydria", "diff", *argv],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_diff_on_bad_records_is_a_message_and_exit_2(tmp_path: Path) -> None:
    record = _run(tmp_path, b"a: \xff\n")
    other = _run(tmp_path / "other", "a: 1\n")
    done = _diff(tmp_path, str(record.parent), str(other.parent))
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr == (
        f"hydria diff: Cannot read '{record / 'config.yaml'}': it is not UTF-8 text (a byte "
        "0xff in it); a run saves its .hydra files as UTF-8, so this one was written by "
        "something else\n"
    )
    (record / "config.yaml").write_text("a: 1\n")
    (record / "hydra.yaml").write_text("hydra:\n  runtime:\n    config_sources: [abc]\n")
    done = _diff(tmp_path, str(record.parent))
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr.startswith("hydria diff: The run's hydra.runtime.config_sources is not ")
    (record / "hydra.yaml").unlink()
    os.mkfifo(record / "hydra.yaml")  # not opened: it would block
    done = _diff(tmp_path, str(record.parent), str(other.parent))
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr.startswith(f"hydria diff: '{record.parent}' is not a run directory")
