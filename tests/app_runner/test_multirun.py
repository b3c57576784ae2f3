"""--multirun/-m: the basic sweeper's jobs, in Hydra's order, each in its own output dir."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from omegaconf import DictConfig, OmegaConf

import hydria

CONF = Path(__file__).parent / "data" / "conf"
JOB_NAME = Path(__file__).stem
HINT = "Set the environment variable HYDRA_FULL_ERROR=1 for a complete stack trace.\n"
JOBS: list[dict[str, Any]] = []


@hydria.main(config_path=str(CONF), config_name="config", version_base=None)
def my_app(cfg: DictConfig) -> Any:
    hydra = hydria.HydraConfig.get()
    JOBS.append(
        {
            "a": cfg.a,
            "b": cfg.b,
            "db": hydra.runtime.choices.db,
            "num": hydra.job.num,
            "id": hydra.job.id,
            "mode": str(hydra.mode),
            "task": list(hydra.overrides.task),
            "hydra": list(hydra.overrides.hydra),
            "output_dir": hydra.runtime.output_dir,
        }
    )
    return f"{cfg.a}{cfg.b}"


@pytest.fixture(autouse=True)
def _forget_jobs() -> None:
    JOBS.clear()


def _jobs(*keys: str) -> list[tuple[Any, ...]]:
    return [tuple(job[k] for k in keys) for job in JOBS]


def _log_lines(out: str) -> list[str]:
    """hydria's own lines on stdout, without their timestamps."""
    lines = [
        re.sub(r"^\[[^]]+\]", "[TIME]", line) for line in out.splitlines() if "[HYDRA]" in line
    ]
    return [re.sub(r"in \d+\.\d\d s", "in T s", line) for line in lines]


def _sweep_report(err: str) -> list[str]:
    """stderr of a sweep that went well: its progress lines (without timestamps), then
    the summary; anything else on stderr (a warning, an error) makes it fail."""
    lines = _log_lines(err)
    rest = [line for line in err.splitlines() if "[HYDRA]" not in line]
    assert rest and rest[0].startswith("Sweep multirun/"), err
    assert rest[1].split() == ["#", "overrides", "status", "return", "value"], err
    assert all(re.match(r"\d+ .* completed ", line) for line in rest[2:]), err
    return lines


@pytest.mark.parametrize(
    ("argv", "jobs"),
    [
        pytest.param(["-m", "a=1,2", "b=x,y"], [(1, "x"), (1, "y"), (2, "x"), (2, "y")], id="2x2"),
        pytest.param(
            ["--multirun", "b=x,y", "a=1,2"],
            [(1, "x"), (2, "x"), (1, "y"), (2, "y")],
            id="command-line-order",
        ),
        pytest.param(["-m", "a=1"], [(1, "z")], id="one-job"),
        pytest.param(["-m"], [(0, "z")], id="no-overrides"),
        pytest.param(["-m", "a=range(3)"], [(0, "z"), (1, "z"), (2, "z")], id="range"),
        pytest.param(["-m", "a=choice(3,4)", "b=w"], [(3, "w"), (4, "w")], id="choice"),
        pytest.param(["-m", "a=1,2", "a=3"], [(3, "z")], id="last-override-wins"),
        pytest.param(["-cn", "multirun_mode", "a=1,2"], [(1, "z"), (2, "z")], id="mode-in-config"),
        pytest.param(["-m", "hydra.mode=MULTIRUN", "a=1,2"], [(1, "z"), (2, "z")], id="mode-too"),
        pytest.param(["-m", "-cn", "sweep"], [(5, "z"), (5, "z"), (6, "z"), (6, "z")], id="params"),
    ],
)
def test_jobs_run_in_hydra_order(
    run_app: Any, argv: list[str], jobs: list[tuple[Any, ...]]
) -> None:
    done = run_app(my_app, *argv)
    assert done.code == 0
    assert len(_sweep_report(done.err)) == len(jobs)
    assert _jobs("a", "b") == jobs
    assert _jobs("num") == [(n,) for n in range(len(jobs))]
    assert _jobs("id") == [(str(n),) for n in range(len(jobs))]
    assert {job["mode"] for job in JOBS} == {"RunMode.MULTIRUN"}
    assert done.value == [f"{a}{b}" for a, b in jobs]


def test_launch_lines_and_job_overrides(run_app: Any) -> None:
    done = run_app(my_app, "-m", "a=1,2", "b=x,y")
    # stdout: Hydra's launch lines; stderr: hydria's progress lines and summary
    assert _log_lines(done.out) == [
        "[TIME][HYDRA] Launching 4 jobs locally",
        "[TIME][HYDRA] \t#0 : a=1 b=x",
        "[TIME][HYDRA] \t#1 : a=1 b=y",
        "[TIME][HYDRA] \t#2 : a=2 b=x",
        "[TIME][HYDRA] \t#3 : a=2 b=y",
    ]
    assert _sweep_report(done.err) == [
        "[TIME][HYDRA] [1/4] #0 a=1 b=x: completed in T s, returned 1x",
        "[TIME][HYDRA] [2/4] #1 a=1 b=y: completed in T s, returned 1y",
        "[TIME][HYDRA] [3/4] #2 a=2 b=x: completed in T s, returned 2x",
        "[TIME][HYDRA] [4/4] #3 a=2 b=y: completed in T s, returned 2y",
    ]
    assert _jobs("task", "hydra") == [
        (["a=1", "b=x"], ["hydra.mode=MULTIRUN"]),
        (["a=1", "b=y"], ["hydra.mode=MULTIRUN"]),
        (["a=2", "b=x"], ["hydra.mode=MULTIRUN"]),
        (["a=2", "b=y"], ["hydra.mode=MULTIRUN"]),
    ]


def test_sweep_dirs_and_files(run_app: Any, tmp_path: Path) -> None:
    run_app(my_app, "-m", "a=1,2", "b=x,y")
    [master] = tmp_path.glob("multirun/*/*/multirun.yaml")
    stamp = r"multirun/\d{4}-\d\d-\d\d/\d\d-\d\d-\d\d"
    assert re.fullmatch(stamp, master.parent.relative_to(tmp_path).as_posix())
    for num, (output_dir,) in enumerate(_jobs("output_dir")):
        relative = Path(output_dir).relative_to(tmp_path).as_posix()
        assert re.fullmatch(f"{stamp}/{num}", relative)
    job = Path(JOBS[1]["output_dir"])
    assert sorted(p.relative_to(job).as_posix() for p in job.rglob("*")) == [
        ".hydra",
        ".hydra/config.yaml",
        ".hydra/hydra.yaml",
        ".hydra/overrides.yaml",
        f"{JOB_NAME}.log",
    ]
    assert (job / ".hydra" / "overrides.yaml").read_text() == "- a=1\n- b=y\n"
    assert (job / ".hydra" / "config.yaml").read_text() == (
        "db:\n  host: localhost\n  port: 3306\na: 1\nb: 'y'\nurl: ${db.host}:${db.port}\n"
    )
    saved = OmegaConf.load(job / ".hydra" / "hydra.yaml").hydra
    assert (saved.job.num, saved.job.id, saved.mode) == (1, "1", "MULTIRUN")
    assert saved.runtime.output_dir == str(job)
    swept = OmegaConf.load(master)
    assert list(swept.hydra.overrides.task) == ["a=1,2", "b=x,y"]
    assert list(swept.hydra.overrides.hydra) == ["hydra.mode=MULTIRUN"]
    assert (swept.a, swept.b) == (0, "z")  # the sweep's base config, before any job


def test_every_job_shares_the_sweep_dir(run_app: Any, tmp_path: Path) -> None:
    # %f (microseconds) differs at every resolution: one dir only if the value is shared
    run_app(my_app, "-m", "a=1,2", "hydra.sweep.dir=sw/${now:%f}")
    [sweep_dir] = (tmp_path / "sw").iterdir()
    assert sorted(p.name for p in sweep_dir.iterdir()) == [
        "0",
        "1",
        "multirun.yaml",
        "results.jsonl",
    ]


def test_sweep_dir_and_subdir_from_the_command_line(run_app: Any, tmp_path: Path) -> None:
    done = run_app(
        my_app,
        "-m",
        "a=1,2",
        "hydra.sweep.dir=sw",
        "hydra.sweep.subdir=${hydra.job.override_dirname}",
    )
    assert done.code == 0
    assert sorted(p.name for p in (tmp_path / "sw").iterdir()) == [
        "a=1",
        "a=2",
        "multirun.yaml",
        "results.jsonl",
    ]
    assert _jobs("output_dir") == [(str(tmp_path / "sw" / "a=1"),), (str(tmp_path / "sw" / "a=2"),)]


@pytest.mark.parametrize(
    ("argv", "batches"),
    [
        pytest.param(["a=1,2,3"], ["Launching 3 jobs locally"], id="one-batch"),
        pytest.param(
            ["a=1,2,3", "hydra.sweeper.max_batch_size=2"],
            ["Launching 2 jobs locally", "Launching 1 jobs locally"],
            id="batches-of-2",
        ),
        pytest.param(
            ["a=1,2", "hydra.sweeper.max_batch_size=1"],
            ["Launching 1 jobs locally", "Launching 1 jobs locally"],
            id="batches-of-1",
        ),
    ],
)
def test_max_batch_size(run_app: Any, argv: list[str], batches: list[str]) -> None:
    done = run_app(my_app, "-m", *argv)
    launches = [line for line in _log_lines(done.out) if "Launching" in line]
    assert launches == [f"[TIME][HYDRA] {text}" for text in batches]
    assert _jobs("num") == [(n,) for n in range(len(JOBS))]


@pytest.mark.parametrize(
    ("argv", "jobs"),
    [
        pytest.param(["db=glob(*)"], [(0, "mysql"), (0, "postgresql")], id="glob-all"),
        pytest.param(["db=glob(*,exclude=mysql)"], [(0, "postgresql")], id="glob-exclude"),
        pytest.param(["db=glob(p*)", "a=1,2"], [(1, "postgresql"), (2, "postgresql")], id="prefix"),
        pytest.param(
            ["-cn", "sweep", "a=7", "b=u,v"],
            [(7, "mysql"), (7, "mysql"), (7, "postgresql"), (7, "postgresql")],
            id="params-and-command-line",
        ),
    ],
)
def test_sweep_over_a_config_group(
    run_app: Any, argv: list[str], jobs: list[tuple[Any, ...]]
) -> None:
    done = run_app(my_app, "-m", *argv)
    assert done.code == 0
    assert len(_sweep_report(done.err)) == len(jobs)
    assert _jobs("a", "db") == jobs


def test_params_from_the_config_come_before_the_command_line(run_app: Any) -> None:
    run_app(my_app, "-m", "-cn", "sweep", "a=7", "b=u,v")
    assert _jobs("task") == [
        (["a=7", "db=mysql", "b=u"],),
        (["a=7", "db=mysql", "b=v"],),
        (["a=7", "db=postgresql", "b=u"],),
        (["a=7", "db=postgresql", "b=v"],),
    ]


@pytest.mark.parametrize(
    "override",
    [
        pytest.param("hydra.job.chdir=true,false", id="value"),
        pytest.param("hydra.verbose=true,false", id="verbose"),
        pytest.param("hydra/job_logging=glob(*)", id="hydra-group"),
        pytest.param("+hydra.sweeper.params.a=5,6", id="params"),
    ],
)
def test_sweeping_the_hydra_config_is_rejected(run_app: Any, tmp_path: Path, override: str) -> None:
    done = run_app(my_app, "-m", "a=1,2", override)
    assert (done.code, done.out, JOBS) == (1, "", [])
    assert done.err == (
        f"Override '{override}' sweeps the hydra config, which is shared by all the jobs of a "
        f"sweep and cannot vary between them\n\n{HINT}"
    )
    assert list(tmp_path.iterdir()) == []


def test_a_bad_option_fails_before_any_job_runs(run_app: Any) -> None:
    done = run_app(my_app, "-m", "a=1,2", "db=mysql,mysqll")
    assert (done.code, JOBS) == (1, [])
    assert done.err.startswith(
        "In 'config': Could not find 'db/mysqll'\n\n"
        "Available options in 'db':\n\tmysql\n\tpostgresql\nConfig search path:\n"
    )
    assert "\nThe option was chosen by the override 'db=mysqll'.\nDid you mean 'mysql'?" in done.err
