"""--experimental-rerun: run the task again on the config a finished job saved.

hydria reads the job's `.hydra` folder (`config.yaml` and `hydra.yaml`); Hydra 1.3 reads
`.hydra/config.pickle`, which its PickleJobInfoCallback writes.
"""

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
SEEN: list[dict[str, Any]] = []


@hydria.main(config_path=str(CONF), config_name="config", version_base=None)
def my_app(cfg: DictConfig) -> Any:
    hydra = hydria.HydraConfig.get()
    LOG.info("a=%s", cfg.a)
    SEEN.append(
        {
            "a": cfg.a,
            "c": cfg.get("c"),
            "name": hydra.job.name,
            "num": hydra.job.get("num"),
            "output_dir": hydra.runtime.output_dir,
        }
    )
    if cfg.a == 2:
        raise ValueError("a is 2")
    return cfg.a


@pytest.fixture(autouse=True)
def _forget() -> None:
    SEEN.clear()


def _first_run(run_app: Any, tmp_path: Path, *argv: str) -> Path:
    done = run_app(my_app, "a=5", "+c=${hydra:job.name}", *argv)
    assert done.code == 0, done.err
    [output_dir] = tmp_path.glob("outputs/*/*")
    SEEN.clear()
    return output_dir


@pytest.mark.parametrize(
    "where",
    [
        pytest.param(".hydra", id="folder"),
        pytest.param(".hydra/config.yaml", id="config-file"),
        pytest.param(".hydra/hydra.yaml", id="hydra-file"),
    ],
)
def test_rerun_from_the_saved_files(run_app: Any, tmp_path: Path, where: str) -> None:
    output_dir = _first_run(run_app, tmp_path)
    done = run_app(my_app, "--experimental-rerun", str(output_dir / where))
    assert (done.code, done.err, done.value) == (0, "", 5)
    assert list(SEEN) == [
        {"a": 5, "c": JOB_NAME, "name": JOB_NAME, "num": None, "output_dir": str(output_dir)}
    ]
    assert list(tmp_path.glob("outputs/*/*")) == [output_dir]  # no new output dir


def test_rerun_of_a_sweep_job(run_app: Any, tmp_path: Path) -> None:
    run_app(my_app, "-m", "a=3,4")
    SEEN.clear()
    [job] = tmp_path.glob("multirun/*/*/1")
    done = run_app(my_app, "--experimental-rerun", str(job / ".hydra"))
    assert (done.code, done.value) == (0, 4)
    assert [(s["a"], s["num"], s["output_dir"]) for s in SEEN] == [(4, 1, str(job))]


def test_rerun_ignores_the_overrides_with_a_warning(run_app: Any, tmp_path: Path) -> None:
    output_dir = _first_run(run_app, tmp_path)
    with pytest.warns(UserWarning, match="^--experimental-rerun ignores the overrides on the "):
        done = run_app(my_app, "--experimental-rerun", str(output_dir / ".hydra"), "a=7", "b=1")
    assert [s["a"] for s in SEEN] == [5]
    assert done.value == 5


def test_rerun_of_a_failing_task(run_app: Any, tmp_path: Path) -> None:
    run_app(my_app, "a=2")
    [output_dir] = tmp_path.glob("outputs/*/*")
    done = run_app(my_app, "--experimental-rerun", str(output_dir / ".hydra"))
    assert done.code == 1
    assert done.err.endswith(
        "ValueError: a is 2\n\n"
        + ("Set the environment variable HYDRA_FULL_ERROR=1 for a complete stack trace.\n")
    )


def test_rerun_of_a_folder_that_is_not_a_job(run_app: Any, tmp_path: Path) -> None:
    done = run_app(my_app, "--experimental-rerun", "nowhere")
    assert (done.code, done.out, SEEN) == (2, "", [])
    assert done.err.endswith(
        "my_app.py: error: --experimental-rerun: 'nowhere' not found; give the "
        ".hydra folder of a finished job (or a file in it)\n"
    )


def test_rerun_of_a_missing_file_names_it(run_app: Any, tmp_path: Path) -> None:
    output_dir = _first_run(run_app, tmp_path)
    pickle = output_dir / ".hydra" / "config.pickle"
    done = run_app(my_app, "--experimental-rerun", str(pickle))
    assert done.code != 0
    assert f"'{pickle}'" in done.err


def test_rerun_logs_like_the_job(run_app: Any, tmp_path: Path) -> None:
    output_dir = _first_run(run_app, tmp_path)
    done = run_app(my_app, "--experimental-rerun", str(output_dir / ".hydra"))
    assert re.fullmatch(r"\[[^]]+\]\[my_task\]\[INFO\] - a=5\n", done.out)
    assert (output_dir / f"{JOB_NAME}.log").read_text().count("a=5") == 2
