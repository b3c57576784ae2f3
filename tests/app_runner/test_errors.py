"""What the user reads when something goes wrong: the exit code and stderr, for mistakes in
overrides and configs (exit 1, a message and the HYDRA_FULL_ERROR hint) and for exceptions
from the task (exit 1, the user's own traceback)."""

from __future__ import annotations

import os
import re
import traceback
from pathlib import Path
from typing import Any

import pytest
from omegaconf import DictConfig

import hydria

CONF = Path(__file__).parent / "data" / "conf"
HINT = "Set the environment variable HYDRA_FULL_ERROR=1 for a complete stack trace.\n"
SEARCHED = (
    "Config search path:\n"
    "\tprovider=hydra, path=pkg://hydria.builtin.conf\n"
    f"\tprovider=main, path=file://{CONF}\n"
    "\tprovider=schema, path=structured://\n"
)
RAN: list[Any] = []
HYDRIA_DIR = os.path.dirname(hydria.__file__)


@hydria.main(config_path=str(CONF), config_name="config", version_base=None)
def my_app(cfg: DictConfig) -> None:
    RAN.append(cfg.a)
    if cfg.a == 2:
        raise ValueError(f"a is {cfg.a}")


@hydria.main(config_path=str(CONF), config_name="missing", version_base=None)
def missing_app(cfg: DictConfig) -> None:
    RAN.append(cfg.b)
    RAN.append(cfg.a)  # `a` is ???


@pytest.fixture(autouse=True)
def _forget_runs() -> None:
    RAN.clear()


def _line_of(text: str) -> int:
    """The line of this file that holds `text`."""
    lines = Path(__file__).read_text().splitlines()
    return lines.index(text) + 1


@pytest.mark.parametrize(
    ("argv", "err"),
    [
        pytest.param(
            ["a=[1,"],
            "no viable alternative at input '[1,'\n"
            "Could not parse override #1 'a=[1,': expected a value (at column 6)\n"
            "    a=[1,\n"
            "         ^\n",
            id="syntax",
        ),
        pytest.param(
            ["b=1", "a=1)"],
            "Could not parse override #2 'a=1)': this ')' closes nothing (at column 4)\n"
            "    a=1)\n"
            "       ^\n",
            id="syntax-second-override",
        ),
        pytest.param(
            ["db=mysqll"],
            "In 'config': Could not find 'db/mysqll'\n\n"
            "Available options in 'db':\n\tmysql\n\tpostgresql\n"
            + SEARCHED
            + "The option was chosen by the override 'db=mysqll'.\nDid you mean 'mysql'?\n",
            id="unknown-option",
        ),
        pytest.param(
            ["zz=1"],
            "Override 'zz=1': 'zz' is not in the config.\n  To add it use '+zz=1'\n",
            id="missing-key",
        ),
        pytest.param(
            ["db.user=x"],
            "Override 'db.user=x': 'db.user' is not in the config.\n  To add it use '+db.user=x'\n",
            id="missing-nested-key",
        ),
        pytest.param(
            ["+a=1"],
            "Override '+a=1': cannot add 'a', the config already has it.\n"
            "  To change it drop the '+': 'a=1'\n"
            "  To add or change it whichever applies use '++': '++a=1'\n",
            id="plus-on-existing-key",
        ),
        pytest.param(
            ["hydra.run.dir=null"],
            "Error merging override hydra.run.dir=null\nfield 'hydra.run.dir' is not "
            "Optional\n    full_key: hydra.run.dir\n    reference_type=RunDir\n"
            "    object_type=RunDir\n",
            id="hydra-value-type",
        ),
        pytest.param(
            ["hydra.job.env_copy=[NOT_SET_ANYWHERE]"],
            "hydra.job.env_copy names 'NOT_SET_ANYWHERE', which is not set in the environment\n",
            id="env-copy-unset",
        ),
    ],
)
def test_config_errors_exit_1(run_app: Any, tmp_path: Path, argv: list[str], err: str) -> None:
    done = run_app(my_app, *argv)
    assert (done.code, done.out, done.err, RAN) == (1, "", err + "\n" + HINT, [])
    assert list(tmp_path.iterdir()) == []


def test_a_sweep_needs_multirun(run_app: Any, tmp_path: Path) -> None:
    done = run_app(my_app, "a=1,2")
    assert (done.code, done.out, RAN) == (1, "", [])
    assert done.err == (  # Hydra's wording, line for line
        "Ambiguous value for argument 'a=1,2'\n"
        "1. To use it as a list, use key=[value1,value2]\n"
        "2. To use it as string, quote the value: key=\\'value1,value2\\'\n"
        "3. To sweep over it, add --multirun to your command line\n\n" + HINT
    )
    assert list(tmp_path.iterdir()) == []


def test_a_missing_value_read_by_the_task(run_app: Any) -> None:
    done = run_app(missing_app)
    assert (done.code, done.out, RAN) == (1, "", [1])
    line = _line_of("    RAN.append(cfg.a)  # `a` is ???")
    assert done.err.startswith(
        "Error executing job with overrides: []\n"
        "Traceback (most recent call last):\n"
        f'  File "{__file__}", line {line}, in missing_app\n'
        "    RAN.append(cfg.a)  # `a` is ???\n"
    )
    assert done.err.endswith(
        "omegaconf.errors.MissingMandatoryValue: Missing mandatory value: a\n"
        "    full_key: a\n"
        "    object_type=dict\n\n" + HINT
    )
    frames = re.findall(r'^  File "([^"]+)"', done.err, flags=re.MULTILINE)
    assert frames == [__file__]  # no hydria frames, nor OmegaConf's


def test_a_failed_run_names_its_overrides(run_app: Any) -> None:
    done = run_app(missing_app, "b=2")
    assert done.err.startswith("Error executing job with overrides: ['b=2']\nTraceback ")


def test_the_task_runs_after_giving_the_missing_value(run_app: Any) -> None:
    done = run_app(missing_app, "a=5")
    assert (done.code, done.err, RAN) == (0, "", [1, 5])


def test_full_error_shows_every_frame(run_app: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HYDRA_FULL_ERROR", "1")
    done = run_app(missing_app)
    assert done.code == 1
    frames = re.findall(r'^  File "([^"]+)"', done.err, flags=re.MULTILINE)
    assert __file__ in frames
    assert any(f.startswith(HYDRIA_DIR) for f in frames)
    assert any(f"{os.sep}omegaconf{os.sep}" in f for f in frames)
    assert done.err.endswith(
        "omegaconf.errors.MissingMandatoryValue: Missing mandatory value: a\n"
        "    full_key: a\n    object_type=dict\n"
    )
    assert "HYDRA_FULL_ERROR" not in done.err


def test_full_error_shows_the_traceback_of_a_config_error(
    run_app: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HYDRA_FULL_ERROR", "1")
    done = run_app(my_app, "zz=1")
    assert done.code == 1
    assert done.err.startswith("Traceback (most recent call last):\n")
    assert done.err.endswith(
        ": Override 'zz=1': 'zz' is not in the config.\n  To add it use '+zz=1'\n"
    )


def test_a_failing_job_in_a_sweep(run_app: Any, tmp_path: Path) -> None:
    done = run_app(my_app, "-m", "a=1,2,3")
    assert (done.code, RAN) == (1, [1, 2, 3])  # the other jobs still ran
    line = _line_of('        raise ValueError(f"a is {cfg.a}")')
    expected = "".join(
        traceback.format_list([(__file__, line, "my_app", 'raise ValueError(f"a is {cfg.a}")')])
    )
    [sweep_dir] = tmp_path.glob("multirun/*/*")
    results = sweep_dir.relative_to(tmp_path) / "results.jsonl"
    # progress lines and the summary come first, on stderr too
    assert done.err[done.err.index("Error executing job") :] == (
        "Error executing job with overrides: ['a=2']\n"
        f"Traceback (most recent call last):\n{expected}ValueError: a is 2\n\n{HINT}"
        f"1 of 3 jobs failed; every failure is in {results}\n"
    )
    assert sorted(p.name for p in sweep_dir.iterdir()) == [
        "0",
        "1",
        "2",
        "multirun.yaml",
        "results.jsonl",
    ]
    # the failure is also in the job's own log, and the summary marks it
    assert "ValueError: a is 2" in (sweep_dir / "1" / "test_errors.log").read_text()
    assert re.search(r"^1  a=2 +FAILED +ValueError: a is 2$", done.err, flags=re.MULTILINE)


def test_a_failing_run_still_saved_its_files(run_app: Any, tmp_path: Path) -> None:
    done = run_app(my_app, "a=2")
    assert done.code == 1
    assert done.err.endswith(f"ValueError: a is 2\n\n{HINT}")
    [output_dir] = tmp_path.glob("outputs/*/*")
    assert (output_dir / ".hydra" / "overrides.yaml").read_text() == "- a=2\n"
