"""`python -m hydria.compat`: unmodified `import hydra` scripts run on hydria, in real processes."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from hydria.compat import environment_with_shim, shim_dir
from hydria.compat.__main__ import main as compat_main

DATA = Path(__file__).parent / "data"
SHIM = str(shim_dir())


def clean_env(**extra: str) -> dict[str, str]:
    """This process's environment without what would change how the app runs."""
    # Rank variables would make the app join another launch's run (see runtime ranks).
    dropped = ("PYTHONPATH", "RANK", "LOCAL_RANK", "WORLD_SIZE")
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in dropped and not k.startswith(("HYDRA_", "HYDRIA_", "SLURM_"))
    }
    env.update(extra)
    return env


def python(
    *args: str, cwd: Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *args],
        cwd=cwd,
        env=clean_env() if env is None else env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def compat(
    *args: str, cwd: Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return python("-m", "hydria.compat", *args, cwd=cwd, env=env)


def values(out: str, key: str) -> list[str]:
    """Every `key=value` line's value, in order (a child process prints its own)."""
    return [line.split("=", 1)[1] for line in out.splitlines() if line.startswith(key + "=")]


@pytest.fixture
def app(tmp_path: Path) -> Path:
    """A copy of the unmodified Hydra app in `tmp_path/app`; tests run from `tmp_path`."""
    shutil.copytree(DATA / "app", tmp_path / "app")
    return tmp_path / "app"


def test_pythonpath_prints_the_shim_directory(tmp_path: Path) -> None:
    result = compat("--pythonpath", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    printed = Path(result.stdout.splitlines()[-1])
    assert printed.is_absolute()
    assert printed == shim_dir()
    assert (printed / "hydra" / "__init__.py").is_file()


def test_script_runs_on_hydria_exactly_as_python_script_would(app: Path) -> None:
    args = ["app/my_app.py", "db=postgresql", "hydra.run.dir=out"]
    result = compat(*args, cwd=app.parent)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert values(out, "db") == ["postgresql:5432"]
    assert values(out, "job_name") == ["my_app"]
    assert values(out, "config_dir") == [str([str(app / "conf")])]
    assert values(out, "argv0") == ["app/my_app.py"]
    assert values(out, "hydra_file") == [str(shim_dir() / "hydra" / "__init__.py")]
    assert values(out, "pythonpath") == [SHIM]
    assert (app.parent / "out" / ".hydra" / "config.yaml").is_file()
    # The same script started by hand with the shim on PYTHONPATH prints the same.
    direct = python(*args, cwd=app.parent, env=clean_env(PYTHONPATH=SHIM))
    assert direct.returncode == 0, direct.stderr
    assert direct.stdout == out


def test_hydria_only_behaviour_is_available_to_the_script(app: Path) -> None:
    # `--explain` is hydria's: Hydra 1.3 rejects the flag.
    result = compat("app/my_app.py", "--cfg", "job", "--explain", cwd=app.parent)
    assert result.returncode == 0, result.stderr
    assert re.search(r"^  port: 3306 +# from db/mysql$", result.stdout, re.MULTILINE)


def test_child_processes_get_hydria_too(app: Path) -> None:
    result = compat("app/my_app.py", "spawn_child=true", "hydra.run.dir=out", cwd=app.parent)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    # The parent, then the script re-run with `sys.executable sys.argv[0]`.
    assert values(out, "db") == ["mysql:3306", "postgresql:5432"]
    assert values(out, "hydra_file") == [str(shim_dir() / "hydra" / "__init__.py")] * 2
    assert values(out, "pythonpath") == [SHIM, SHIM]
    assert values(out, "child_exit") == ["0"]


@pytest.mark.parametrize("code", [0, 3])
def test_exit_code_is_the_scripts(app: Path, code: int) -> None:
    result = compat("app/my_app.py", f"exit_code={code}", "hydra.run.dir=out", cwd=app.parent)
    assert result.returncode == code, result.stderr


def test_failing_composition_exits_as_the_app_does(app: Path) -> None:
    result = compat("app/my_app.py", "db=oracle", "hydra.run.dir=out", cwd=app.parent)
    assert result.returncode == 1
    assert "oracle" in result.stderr


@pytest.mark.parametrize("flag", ["-m", "-m="], ids=["separate", "attached"])
def test_module_runs_as_python_dash_m_would(tmp_path: Path, flag: str) -> None:
    package = tmp_path / "pkg"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "run.py").write_text(
        "import sys\nimport hydra\n"
        "print(f'argv={sys.argv}')\nprint(f'hydra_file={hydra.__file__}')\n"
        "sys.exit(4)\n"
    )
    module_args = ["-m", "pkg.run"] if flag == "-m" else ["-mpkg.run"]
    result = compat(*module_args, "a", "-m", cwd=tmp_path)
    assert result.returncode == 4, result.stderr
    assert values(result.stdout, "argv") == [str([str(package / "run.py"), "a", "-m"])]
    assert values(result.stdout, "hydra_file") == [str(shim_dir() / "hydra" / "__init__.py")]
    direct = python("-m", "pkg.run", "a", "-m", cwd=tmp_path, env=clean_env(PYTHONPATH=SHIM))
    assert direct.stdout == result.stdout


def test_interpreter_options_reach_the_script(tmp_path: Path) -> None:
    script = tmp_path / "flags.py"
    script.write_text("import sys\nprint(f'optimize={sys.flags.optimize}')\n")
    result = python("-O", "-m", "hydria.compat", "flags.py", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert values(result.stdout, "optimize") == ["1"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        pytest.param(["missing.py"], "cannot run 'missing.py': no such file", id="missing-script"),
        pytest.param(["a_dir"], "cannot run 'a_dir': is a directory", id="directory"),
        pytest.param([], "name the script to run", id="no-script"),
        pytest.param(["-m"], "-m expects a module name", id="no-module"),
        pytest.param(["-m", "-x"], "-m expects a module name, got '-x'", id="flag-as-module"),
        pytest.param(
            ["--bogus", "x.py"],
            "unknown option '--bogus': the script's own options go after SCRIPT",
            id="unknown-option",
        ),
        pytest.param(["--pythonpath", "x"], "--pythonpath takes no arguments", id="pythonpath"),
    ],
)
def test_usage_errors_exit_2_with_a_message(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    args: list[str],
    message: str,
) -> None:
    # Refused before anything runs, so checked in this process.
    (tmp_path / "a_dir").mkdir()
    monkeypatch.chdir(tmp_path)
    assert compat_main(args) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err.splitlines()[0] == "usage: python -m hydria.compat SCRIPT [ARGS...]"
    assert err.splitlines()[-1] == f"python -m hydria.compat: error: {message}"


def test_missing_script_exits_2_from_the_command_line(tmp_path: Path) -> None:
    result = compat("missing.py", "db=mysql", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stdout == ""
    assert "python -m hydria.compat: error: cannot run 'missing.py': no such file" in result.stderr


def test_help_is_printed_on_stdout(capsys: pytest.CaptureFixture[str]) -> None:
    assert compat_main(["--help"]) == 0
    out, err = capsys.readouterr()
    assert out.startswith("usage: python -m hydria.compat SCRIPT [ARGS...]\n")
    assert err == ""


def test_python_ignoring_the_environment_is_refused(tmp_path: Path) -> None:
    (tmp_path / "x.py").write_text("print('ran')\n")
    result = python("-E", "-m", "hydria.compat", "x.py", cwd=tmp_path)
    assert result.returncode == 2
    assert "ran" not in result.stdout
    assert "(-E or -I)" in result.stderr


def test_compat_public_names() -> None:
    import hydria.compat

    assert hydria.compat.__all__ == ["environment_with_shim", "run_with_shim", "shim_dir"]


def test_shim_moves_to_the_front_of_pythonpath_once() -> None:
    sep = os.pathsep
    assert environment_with_shim({})["PYTHONPATH"] == SHIM
    assert environment_with_shim({"PYTHONPATH": ""})["PYTHONPATH"] == SHIM
    nested = environment_with_shim({"PYTHONPATH": f"a{sep}{SHIM}{sep}b", "X": "1"})
    assert nested == {"PYTHONPATH": f"{SHIM}{sep}a{sep}b", "X": "1"}


# hydra-core installed next to hydria: a stand-in `hydra` package placed later on sys.path.
FAKE_HYDRA_CORE = "raise ImportError('hydra-core was imported instead of the hydria shim')\n"


@pytest.fixture
def hydra_core(tmp_path: Path) -> Path:
    site = tmp_path / "site-packages"
    (site / "hydra" / "_internal").mkdir(parents=True)
    (site / "hydra" / "__init__.py").write_text(FAKE_HYDRA_CORE)
    (site / "hydra" / "_internal" / "__init__.py").write_text(FAKE_HYDRA_CORE)
    (site / "hydra" / "core").mkdir()
    (site / "hydra" / "core" / "__init__.py").write_text(FAKE_HYDRA_CORE)
    return site


def test_runner_wins_over_an_installed_hydra_core(app: Path, hydra_core: Path) -> None:
    env = clean_env(PYTHONPATH=str(hydra_core))
    result = compat(
        "app/my_app.py", "spawn_child=true", "hydra.run.dir=out", cwd=app.parent, env=env
    )
    assert result.returncode == 0, result.stderr
    assert values(result.stdout, "hydra_file") == [str(shim_dir() / "hydra" / "__init__.py")] * 2
    assert values(result.stdout, "pythonpath") == [f"{SHIM}{os.pathsep}{hydra_core}"] * 2


def test_pythonpath_wins_over_an_installed_hydra_core(tmp_path: Path, hydra_core: Path) -> None:
    printed = compat("--pythonpath", cwd=tmp_path).stdout.splitlines()[-1]
    code = (
        "import hydra, hydra.core.hydra_config, hydria\n"
        "assert hydra.main is hydria.main\n"
        "try:\n"
        "    import hydra._internal\n"
        "except ModuleNotFoundError:\n"
        "    print('no hydra-core module mixed in')\n"
    )
    env = clean_env(PYTHONPATH=f"{printed}{os.pathsep}{hydra_core}")
    result = python("-c", code, cwd=tmp_path, env=env)
    assert result.returncode == 0, result.stderr
    assert result.stdout == "no hydra-core module mixed in\n"


def test_notebook_inserting_the_shim_wins_over_an_installed_hydra_core(
    tmp_path: Path, hydra_core: Path
) -> None:
    # What the README tells a running notebook to do before its first `import hydra`.
    code = (
        "import sys, hydria.compat\n"
        "sys.path.insert(0, str(hydria.compat.shim_dir()))\n"
        "import hydra, hydria\n"
        "print(hydra.compose is hydria.compose)\n"
    )
    result = python("-c", code, cwd=tmp_path, env=clean_env(PYTHONPATH=str(hydra_core)))
    assert result.returncode == 0, result.stderr
    assert result.stdout == "True\n"
