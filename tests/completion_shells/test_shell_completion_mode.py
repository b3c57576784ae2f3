"""`-sc install|uninstall|query=SHELL` as the app prints it: the interpreter and the
commands each script registers, Hydra's query protocol, and the errors."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from hydria.app.modes.shell_completion import Registration, registration

_APP = """\
import hydria


@hydria.main(version_base=None, config_path="conf", config_name="config")
def main(cfg):
    print("THE TASK RAN")


if __name__ == "__main__":
    main()
"""


@pytest.fixture
def app(tmp_path: Path) -> Path:
    (tmp_path / "conf" / "db").mkdir(parents=True)
    (tmp_path / "conf" / "config.yaml").write_text("defaults:\n  - db: mysql\n")
    (tmp_path / "conf" / "db" / "mysql.yaml").write_text("port: 3306\n")
    (tmp_path / "conf" / "db" / "postgresql.yaml").write_text("port: 5432\n")
    (tmp_path / "app.py").write_text(_APP)
    return tmp_path


def _run(app: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    environ = {k: v for k, v in os.environ.items() if not k.startswith("COMP_")}
    return subprocess.run(
        [sys.executable, "app.py", *args],
        cwd=app,
        env={**environ, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_install_prints_a_script_and_runs_nothing(app: Path, shell: str) -> None:
    done = _run(app, "-sc", f"install={shell}")
    assert done.returncode == 0, done.stderr
    assert "THE TASK RAN" not in done.stdout
    assert f"{sys.executable} -m hydria complete" in done.stdout
    assert not (app / "outputs").exists()
    # the interpreters' names and the script's (run as ./app.py)
    register = {
        "bash": ["complete -o default -F _hydria_complete python python3 app.py"],
        "zsh": ["compdef _hydria_complete python python3 app.py"],
        "fish": [
            f"complete -c {c} -n __hydria_is_app -x -a '(__hydria_complete)'"
            for c in ("python", "python3", "app.py")
        ],
    }[shell]
    assert all(line in done.stdout.splitlines() for line in register), done.stdout


@pytest.mark.parametrize(
    ("shell", "expected"),
    [
        ("bash", "complete -r python python3"),
        ("zsh", "compdef -d python python3"),
        ("fish", "complete -e -c app.py"),
    ],
)
def test_uninstall(app: Path, shell: str, expected: str) -> None:
    done = _run(app, "-sc", f"uninstall={shell}")
    assert done.returncode == 0, done.stderr
    assert expected in done.stdout
    assert "THE TASK RAN" not in done.stdout


@pytest.mark.parametrize(("shell", "separator"), [("bash", " "), ("zsh", " "), ("fish", "\n")])
def test_query_answers_hydras_scripts(app: Path, shell: str, separator: str) -> None:
    """Hydra's installed scripts run `APP -sc query=SHELL` with COMP_LINE (and bash's
    COMP_POINT): bash reads the candidates space-separated, fish one a line."""
    line = "python app.py db="
    # bash gives the whole line and the cursor; fish the line up to the cursor
    env = {"COMP_LINE": line, "COMP_POINT": str(len(line))}
    if shell != "fish":
        env["COMP_LINE"] += "mysql"
    done = _run(app, "-sc", f"query={shell}", **env)
    assert done.returncode == 0, done.stderr
    assert done.stdout == f"db=mysql{separator}db=postgresql\n"


def test_query_without_comp_line_is_a_usage_error(app: Path) -> None:
    done = _run(app, "-sc", "query=bash")
    assert done.returncode == 2
    assert "COMP_LINE" in done.stderr and "-sc install=bash" in done.stderr


def test_unknown_shell_names_the_supported_ones(app: Path) -> None:
    done = _run(app, "-sc", "install=tcsh")
    assert done.returncode == 2
    assert "unsupported shell 'tcsh'" in done.stderr
    assert "bash, fish, zsh" in done.stderr
    assert "THE TASK RAN" not in done.stdout


def test_registration_of_a_script_and_of_an_entry_point() -> None:
    assert registration("./src/train.py", "/venv/bin/python3.11", "/x/src/train.py") == (
        Registration(commands=("python", "python3", "python3.11", "train.py"), script=None)
    )
    assert registration("/venv/bin/my-app", "/venv/bin/python", "/site/pkg/cli.py") == (
        Registration(commands=("my-app",), script="/site/pkg/cli.py")
    )
