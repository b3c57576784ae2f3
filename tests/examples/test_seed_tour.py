"""The example apps, run as a user runs them: `python examples/<x>/my_app.py ARGS` in a
fresh directory. Checks what they print, their exit code and the files each run leaves."""

from __future__ import annotations

import datetime
import importlib.util
import os
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLES = Path(__file__).parents[2] / "examples"
HINT = "Set the environment variable HYDRA_FULL_ERROR=1 for a complete stack trace.\n"
PY = sys.version_info

MYSQL = "db:\n  host: localhost\n  port: 3307\n  user: omry\n  password: secret\n  encoding: utf8\n"


def _run(
    cwd: Path, script: Path, *argv: str, timeout: float = 60
) -> subprocess.CompletedProcess[str]:
    env = {
        k: v for k, v in os.environ.items() if k not in ("HYDRA_FULL_ERROR", "HYDRIA_FULL_ERROR")
    }
    env["XDG_CACHE_HOME"] = str(cwd / ".cache")  # keep the user's cache out of it
    return subprocess.run(
        [sys.executable, str(script), *argv],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def _output_dirs(cwd: Path) -> list[Path]:
    return sorted(cwd.glob("outputs/*/*"))


@pytest.mark.parametrize(
    ("example", "argv", "stdout", "overrides"),
    [
        pytest.param("extending_configs", [], MYSQL, "[]\n", id="extending"),
        pytest.param(
            "extending_configs",
            ["db.port=3308", "+db.timeout=5"],
            MYSQL.replace("3307", "3308") + "  timeout: 5\n",
            "- db.port=3308\n- +db.timeout=5\n",
            id="extending-overrides",
        ),
        pytest.param(
            "configuring_experiments",
            [],
            "db:\n  driver: mysql\n  host: localhost\n  port: 3306\n"
            "server:\n  name: apache\n  port: 80\nlog_queries: false\n",
            "[]\n",
            id="experiments-none",
        ),
        pytest.param(
            "configuring_experiments",
            ["+experiment=aplite"],
            "db:\n  driver: sqlite\n  path: /tmp/app.db\n"
            "server:\n  name: apache\n  port: 8080\nlog_queries: true\n",
            "- +experiment=aplite\n",
            id="experiment-aplite",
        ),
        pytest.param(
            "configuring_experiments",
            ["+experiment=nglite"],
            "db:\n  driver: sqlite\n  path: /tmp/app.db\n"
            "server:\n  name: nginx\n  port: 9090\nlog_queries: false\n",
            "- +experiment=nglite\n",
            id="experiment-nglite",
        ),
        pytest.param(
            "specializing_config",
            [],
            "dataset:\n  name: imagenet\n  path: /datasets/imagenet\n"
            "model:\n  num_layers: 7\n  width: 1024\n",
            "[]\n",
            id="specializing-default",
        ),
        pytest.param(
            "specializing_config",
            ["dataset=cifar10"],
            "dataset:\n  name: cifar10\n  path: /datasets/cifar10\n"
            "model:\n  num_layers: 5\n  width: 1024\n",
            "- dataset=cifar10\n",
            id="specializing-cifar10-alexnet",
        ),
        pytest.param(
            "specializing_config",
            ["dataset=cifar10", "model=resnet"],
            "dataset:\n  name: cifar10\n  path: /datasets/cifar10\n"
            "model:\n  num_layers: 50\n  width: 2048\n",
            "- dataset=cifar10\n- model=resnet\n",
            id="specializing-none-for-cifar10-resnet",
        ),
        pytest.param(
            "specializing_config",
            ["model=resnet"],
            "dataset:\n  name: imagenet\n  path: /datasets/imagenet\n"
            "model:\n  num_layers: 50\n  width: 2048\n",
            "- model=resnet\n",
            id="specializing-none-for-resnet",
        ),
        pytest.param(
            "hydra_config",
            [],
            "name from the config: my_app\n"
            "name from HydraConfig: my_app\n"
            "chosen db: none\n"
            "output dir ends with the time: ['{date}', '{time}']\n",
            "[]\n",
            id="hydra-config",
        ),
        pytest.param(
            "resolvers",
            [],
            f"run_date: '{{date}}'\nrun_time: {{time}}\npython: '{PY[0]}.{PY[1]}'\n"
            f"python_major: '{PY[0]}'\npython_micro: {PY[0]}.{PY[1]}.{PY[2]}\n",
            "[]\n",
            id="resolvers",
        ),
    ],
)
def test_example_run(
    tmp_path: Path, example: str, argv: list[str], stdout: str, overrides: str
) -> None:
    before = datetime.date.today().isoformat()
    done = _run(tmp_path, EXAMPLES / example / "my_app.py", *argv)
    after = datetime.date.today().isoformat()
    assert (done.returncode, done.stderr) == (0, "")
    [output_dir] = _output_dirs(tmp_path)
    date, time = output_dir.parent.name, output_dir.name
    assert date in (before, after)
    assert done.stdout == stdout.format(date=date, time=time)
    found = sorted(p.relative_to(output_dir).as_posix() for p in output_dir.rglob("*"))
    assert found == [
        ".hydra",
        ".hydra/config.yaml",
        ".hydra/hydra.yaml",
        ".hydra/overrides.yaml",
        "my_app.log",
    ]
    assert (output_dir / ".hydra" / "overrides.yaml").read_text() == overrides
    hydra_yaml = (output_dir / ".hydra" / "hydra.yaml").read_text()
    assert "\n    name: my_app\n" in hydra_yaml
    assert f"\n    output_dir: {output_dir}\n" in hydra_yaml
    if example not in ("hydra_config", "resolvers"):  # these print the config resolved
        assert (output_dir / ".hydra" / "config.yaml").read_text() == stdout
    assert (output_dir / "my_app.log").read_text() == ""  # the examples do not log


def test_saved_config_keeps_interpolations(tmp_path: Path) -> None:
    done = _run(tmp_path, EXAMPLES / "resolvers" / "my_app.py")
    assert done.returncode == 0
    [output_dir] = _output_dirs(tmp_path)
    assert (output_dir / ".hydra" / "config.yaml").read_text() == (
        (EXAMPLES / "resolvers" / "conf" / "config.yaml").read_text()
    )


def test_cfg_job_prints_without_running(tmp_path: Path) -> None:
    done = _run(tmp_path, EXAMPLES / "extending_configs" / "my_app.py", "--cfg", "job")
    assert (done.returncode, done.stdout, done.stderr) == (0, MYSQL, "")
    assert _output_dirs(tmp_path) == []


# The seed document's annotations, exactly (comments aligned two spaces after the longest line).
SEED_EXPLAINED = """\
db:
  host: localhost   # from db/base_mysql
  port: 3307        # overridden by db/mysql.yaml
  user: omry        # populated by db/mysql.yaml
  password: secret  # populated by db/mysql.yaml
  encoding: utf8    # added by db/mysql.yaml
"""


def test_cfg_job_explain_prints_the_seed_annotations(tmp_path: Path) -> None:
    done = _run(tmp_path, EXAMPLES / "extending_configs" / "my_app.py", "--cfg", "job", "--explain")
    assert (done.returncode, done.stdout, done.stderr) == (0, SEED_EXPLAINED, "")
    assert _output_dirs(tmp_path) == []


def test_explain_one_key_prints_its_history(tmp_path: Path) -> None:
    script = EXAMPLES / "extending_configs" / "my_app.py"
    done = _run(tmp_path, script, "--explain", "db.port", "db.port=3308")
    assert (done.returncode, done.stderr) == (0, "")
    assert done.stdout == (
        "db.port: 3308\n"
        "  1. 3306  from db/base_mysql.yaml:2 (package db)\n"
        "  2. 3307  overridden by db/mysql.yaml:6 (package db)\n"
        "  3. 3308  overridden by override #1 'db.port=3308'\n"
    )


def test_a_typo_in_an_option(tmp_path: Path) -> None:
    done = _run(tmp_path, EXAMPLES / "extending_configs" / "my_app.py", "db=mysqll")
    conf = EXAMPLES / "extending_configs" / "conf"
    assert (done.returncode, done.stdout) == (1, "")
    assert done.stderr == (
        "In 'config': Could not find 'db/mysqll'\n\n"
        "Available options in 'db':\n\tbase_mysql\n\tmysql\n"
        "Config search path:\n"
        "\tprovider=hydra, path=pkg://hydria.builtin.conf\n"
        f"\tprovider=main, path=file://{conf}\n"
        "\tprovider=schema, path=structured://\n"
        "The option was chosen by the override 'db=mysqll'.\n"
        "Did you mean 'mysql'?\n\n" + HINT
    )
    assert _output_dirs(tmp_path) == []


def test_a_sweep_over_experiments(tmp_path: Path) -> None:
    script = EXAMPLES / "configuring_experiments" / "my_app.py"
    done = _run(tmp_path, script, "-m", "+experiment=aplite,nglite")
    assert done.returncode == 0
    # stderr: the sweep's progress and summary, nothing else; stdout: the jobs' output
    [summary] = [line for line in done.stderr.splitlines() if line.startswith("Sweep ")]
    assert summary.endswith(": 2 jobs, 2 completed, 0 not")
    assert done.stderr.count("[HYDRA] [") == 2 and "Sweep " not in done.stdout
    [sweep_dir] = tmp_path.glob("multirun/*/*")
    assert sorted(p.name for p in sweep_dir.iterdir()) == [
        "0",
        "1",
        "multirun.yaml",
        "results.jsonl",
    ]
    for num, experiment in enumerate(["aplite", "nglite"]):
        saved = sweep_dir / str(num) / ".hydra" / "overrides.yaml"
        assert saved.read_text() == f"- +experiment={experiment}\n"
    assert "server:\n  name: apache\n  port: 8080\n" in done.stdout
    assert "server:\n  name: nginx\n  port: 9090\n" in done.stdout


def _tour_steps() -> list[tuple[str, str | None, list[str]]]:
    spec = importlib.util.spec_from_file_location("tour", EXAMPLES / "tour.py")
    assert spec is not None and spec.loader is not None
    tour = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tour)
    steps: list[tuple[str, str | None, list[str]]] = tour.STEPS
    return steps


def test_the_tour_shows_every_step(tmp_path: Path) -> None:
    done = _run(tmp_path, EXAMPLES / "tour.py", timeout=300)  # 20 s of CPU; more when busy
    assert (done.returncode, done.stderr) == (0, "")
    steps = _tour_steps()
    assert len(steps) >= 9
    shown = [line for line in done.stdout.splitlines() if line.startswith(("== ", "$ "))]
    expected = []
    for title, example, argv in steps:
        command = (
            ["$ python -m hydria"] if example is None else ["$ python", f"{example}/my_app.py"]
        )
        expected += [f"== {title}", " ".join([*command, *map(shlex.quote, argv)])]
    assert shown == expected
    # it ends with a parallel sweep and its results table, read back by `results`
    assert done.stdout.rstrip().endswith(
        "   sweep: 6 jobs, 6 completed, 0 not\n"
        "   #  overrides               status     return value\n"
        "   0  lr=0.001 batch_size=16  completed  0.1435\n"
        "   1  lr=0.001 batch_size=64  completed  0.0966\n"
        "   2  lr=0.01 batch_size=16   completed  0.0625\n"
        "   3  lr=0.01 batch_size=64   completed  0.0156\n"
        "   4  lr=0.1 batch_size=16    completed  8.1625\n"
        "   5  lr=0.1 batch_size=64    completed  8.1156"
    )
    assert "Joblib launcher: 6 jobs on 2 worker processes" in done.stdout
    # the specializing step shows the seed's point: cifar10 + alexnet gives 5 layers
    specialized = done.stdout.split("dataset=cifar10 model=alexnet\n", 1)[1].split("\n== ")[0]
    assert specialized == (
        "   dataset:\n     name: cifar10\n     path: /datasets/cifar10\n"
        "   model:\n     num_layers: 5\n     width: 1024\n"
    )
    assert "\n   " + MYSQL.replace("\n", "\n   ").rstrip() + "\n" in done.stdout
    assert "\n   " + SEED_EXPLAINED.replace("\n", "\n   ").rstrip() + "\n" in done.stdout
    assert done.stdout.count("\n   (exit code ") == 1  # only the typo step fails
    assert "Did you mean 'mysql'?\n" in done.stdout
    assert "   (exit code 1)\n" in done.stdout
    assert "Traceback" not in done.stdout
    assert not (tmp_path / "outputs").exists()  # the tour works in a directory of its own
