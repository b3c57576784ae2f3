"""`version_base` on `@main`: what it records and what a null `hydra.job.chdir` then means.

The expected table is Hydra 1.3.2's, observed with hydra-core on the same tiny app:
left out or "1.1" → the job runs in its output dir (with Hydra's warning when
`hydra.job.chdir` is unset); "1.2", "1.3", None → it stays in the launch directory.
"""

from __future__ import annotations

import os
import subprocess
import sys
import warnings
from pathlib import Path
from typing import Any

import pytest
import yaml
from omegaconf import DictConfig

import hydria
from hydria.errors import HydraException, VersionBaseError
from hydria.version_base import UNSPECIFIED

DATA = Path(__file__).parent / "data"
CONF = DATA / "conf"

VERSION_BASE_WARNING = (
    "\nThe version_base parameter is not specified.\n"
    "Please specify a compatability version level, or None.\n"
    "Will assume defaults for version 1.1"
)
CONFIG_PATH_WARNING = (
    "\nconfig_path is not specified in @hydra.main().\n"
    "See https://hydra.cc/docs/1.2/upgrades/1.0_to_1.1/changes_to_hydra_main_config_path "
    "for more information."
)
CHDIR_WARNING = (
    "Future Hydra versions will no longer change working directory at job runtime by default.\n"
    "See https://hydra.cc/docs/1.2/upgrades/1.1_to_1.2/changes_to_job_working_dir/ "
    "for more information."
)


def _task(cfg: DictConfig) -> dict[str, Any]:
    hydra = hydria.HydraConfig.get()
    return {
        "in_output_dir": os.getcwd() == hydra.runtime.output_dir,
        "version_base": hydra.runtime.version_base,
        "chdir": hydra.job.chdir,
    }


def _app(version_base: Any) -> Any:
    """The app decorated with `version_base` (UNSPECIFIED: left out), and the warnings
    the decoration gave."""
    kwargs = {} if version_base is UNSPECIFIED else {"version_base": version_base}
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        app = hydria.main(config_path=str(CONF), config_name="config", **kwargs)(_task)
    return app, [str(w.message) for w in caught]


LEFT_OUT = pytest.param(UNSPECIFIED, id="left-out")

# version_base x hydra.job.chdir -> (recorded version_base, runs in the output dir,
# warns about the working dir), as Hydra 1.3.2 does
MATRIX = [
    pytest.param(UNSPECIFIED, None, "1.1", True, True, id="left-out-unset"),
    pytest.param(UNSPECIFIED, True, "1.1", True, False, id="left-out-true"),
    pytest.param(UNSPECIFIED, False, "1.1", False, False, id="left-out-false"),
    pytest.param("1.1", None, "1.1", True, True, id="1.1-unset"),
    pytest.param("1.1", True, "1.1", True, False, id="1.1-true"),
    pytest.param("1.1", False, "1.1", False, False, id="1.1-false"),
    pytest.param("1.2", None, "1.2", False, False, id="1.2-unset"),
    pytest.param("1.2", True, "1.2", True, False, id="1.2-true"),
    pytest.param("1.2", False, "1.2", False, False, id="1.2-false"),
    pytest.param("1.3", None, "1.3", False, False, id="1.3-unset"),
    pytest.param("1.3", True, "1.3", True, False, id="1.3-true"),
    pytest.param("1.3", False, "1.3", False, False, id="1.3-false"),
    pytest.param(None, None, "1.3", False, False, id="None-unset"),
    pytest.param(None, True, "1.3", True, False, id="None-true"),
    pytest.param(None, False, "1.3", False, False, id="None-false"),
]


@pytest.mark.parametrize(("version_base", "chdir", "recorded", "in_output_dir", "warns"), MATRIX)
def test_version_base_and_chdir(
    run_app: Any,
    version_base: Any,
    chdir: bool | None,
    recorded: str,
    in_output_dir: bool,
    warns: bool,
) -> None:
    app, decoration_warnings = _app(version_base)
    assert decoration_warnings == ([VERSION_BASE_WARNING] if version_base is UNSPECIFIED else [])
    argv = ["hydra.run.dir=out"] + ([] if chdir is None else [f"hydra.job.chdir={chdir}"])
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        done = run_app(app, *argv)
    assert done.code == 0, done.err
    assert done.value == {"in_output_dir": in_output_dir, "version_base": recorded, "chdir": chdir}
    assert [str(w.message) for w in caught] == ([CHDIR_WARNING] if warns else [])
    saved = yaml.safe_load(Path("out/.hydra/hydra.yaml").read_text())
    assert saved["hydra"]["runtime"]["version_base"] == recorded


@pytest.mark.parametrize(
    ("version_base", "chdir", "recorded", "in_output_dir", "warns"),
    [p for p in MATRIX if p.id in ("1.1-unset", "1.3-unset", "None-true", "1.2-false")],
)
def test_version_base_and_chdir_in_sweep_jobs(
    run_app: Any,
    version_base: Any,
    chdir: bool | None,
    recorded: str,
    in_output_dir: bool,
    warns: bool,
) -> None:
    app, _ = _app(version_base)
    argv = ["-m", "+x=1,2", "hydra.sweep.dir=sw"]
    argv += [] if chdir is None else [f"hydra.job.chdir={chdir}"]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        done = run_app(app, *argv)
    assert done.code == 0, done.err
    assert (
        done.value
        == [{"in_output_dir": in_output_dir, "version_base": recorded, "chdir": chdir}] * 2
    )
    assert [str(w.message) for w in caught] == ([CHDIR_WARNING] * 2 if warns else [])


@pytest.mark.parametrize(
    ("value", "message"),
    [
        pytest.param("1.0", 'version_base must be >= "1.1"', id="1.0"),
        pytest.param("nope", "Invalid version_base 'nope'", id="not-a-version"),
        pytest.param(1.3, "version_base must be a string", id="float"),
    ],
)
def test_a_bad_version_base_is_refused_when_decorating(value: Any, message: str) -> None:
    with pytest.raises(VersionBaseError, match=message) as info:
        hydria.main(config_path=None, version_base=value)
    assert isinstance(info.value, HydraException)


def test_a_future_version_base_is_kept(run_app: Any) -> None:
    app, _ = _app("1.4")  # Hydra accepts it too, and records "1.4"
    done = run_app(app, "hydra.run.dir=out")
    assert done.value == {"in_output_dir": False, "version_base": "1.4", "chdir": None}


# --- config_path left out --------------------------------------------------------------

HERE_SOURCE = f"{__name__.rpartition('.')[0]}/."
# From 1.2 on, config_path left out is None; an app defined in a module (as here) then
# still reads its own package, as Hydra's does (its test app run_as_module_3).
HERE_PACKAGE = __name__.rpartition(".")[0]


def _here_task(cfg: DictConfig) -> Any:
    return [s.path for s in hydria.HydraConfig.get().runtime.config_sources if s.provider == "main"]


@pytest.mark.parametrize(
    ("version_base", "warned", "main_path"),
    [
        pytest.param(
            UNSPECIFIED,
            [VERSION_BASE_WARNING, CONFIG_PATH_WARNING],
            [HERE_SOURCE],
            id="left-out",
        ),
        pytest.param("1.1", [], [HERE_SOURCE], id="1.1"),
        pytest.param("1.2", [], [HERE_PACKAGE], id="1.2"),
        pytest.param(None, [], [HERE_PACKAGE], id="None"),
    ],
)
def test_config_path_left_out(
    run_app: Any, version_base: Any, warned: list[str], main_path: list[str]
) -> None:
    # "." (before 1.2) is the task's own folder: here the package of this test module
    kwargs = {} if version_base is UNSPECIFIED else {"version_base": version_base}
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        app = hydria.main(**kwargs)(_here_task)
    assert [str(w.message) for w in caught] == warned
    assert all(w.filename == __file__ for w in caught)  # they point at the decorator line
    done = run_app(app, "hydra.run.dir=out", "hydra.job.chdir=false")
    assert done.value == main_path


# --- in a real process: what a user sees on stderr ---------------------------------------

APP = """\
import os
import hydria

@hydria.main(config_name="config")
def my_app(cfg):
    print("in output dir:", os.getcwd() == hydria.HydraConfig.get().runtime.output_dir)
    return 3

if __name__ == "__main__":
    print("main returned:", my_app())
"""


def test_left_out_in_a_real_process(tmp_path: Path) -> None:
    (tmp_path / "my_app.py").write_text(APP)
    (tmp_path / "config.yaml").write_text("a: 1\n")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HYDRA", "PYTHONWARN"))}
    done = subprocess.run(
        [sys.executable, "my_app.py", "hydra.run.dir=out"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == ["in output dir: True", "main returned: None"]
    assert done.stderr.startswith(
        f"{tmp_path / 'my_app.py'}:4: UserWarning: {VERSION_BASE_WARNING}\n"
        '  @hydria.main(config_name="config")\n'
        f"{tmp_path / 'my_app.py'}:4: UserWarning: {CONFIG_PATH_WARNING}\n"
        '  @hydria.main(config_name="config")\n'
    )
    assert f"UserWarning: {CHDIR_WARNING}" in done.stderr
