"""Ranks of one distributed launch share one run (`hydria.runtime.ranks`).

The launches are real: `data/ranks_app/train.py` is started once per rank with the
variables torchrun, srun and Lightning's DDP launcher set (no GPU, no torch), or
re-executes itself as Lightning does. The rank-detection rules and the adoption of a
parent's run are checked in-process too.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest
from omegaconf import DictConfig

from hydria.runtime import HydraConfig, JobReturn, ranks
from hydria.runtime.ranks import Rank, SharedRun, detect_rank

TRAIN = Path(__file__).parent / "data" / "ranks_app" / "train.py"
RunTask = Callable[..., JobReturn]

#: Every variable a launcher may have left in the environment pytest runs in.
_LAUNCH_VARS = (
    "RANK",
    "LOCAL_RANK",
    "WORLD_SIZE",
    "NODE_RANK",
    "GROUP_RANK",
    "MASTER_ADDR",
    "MASTER_PORT",
    "TORCHELASTIC_RUN_ID",
    "TORCHELASTIC_RESTART_COUNT",
    ranks.ENV_SHARED_RUN,
    ranks.ENV_RENDEZVOUS_DIR,
    ranks.ENV_TIMEOUT,
)


def _clean_env() -> dict[str, str]:
    return {
        k: v
        for k, v in os.environ.items()
        if k not in _LAUNCH_VARS and not k.startswith(("SLURM_", "HYDRA_FULL", "HYDRIA_FULL"))
    }


@pytest.fixture(autouse=True)
def _no_launch_in_pytest(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    for name in os.environ:
        if name in _LAUNCH_VARS or name.startswith("SLURM_"):
            monkeypatch.delenv(name)
    yield


# --- which rank a process is ---------------------------------------------------------


@pytest.mark.parametrize(
    ("environ", "expected"),
    [
        pytest.param({}, None, id="plain"),
        pytest.param(
            {"RANK": "2", "LOCAL_RANK": "0", "WORLD_SIZE": "4", "SLURM_PROCID": "1"},
            Rank(rank=2, local_rank=0, source="RANK", launch=()),
            id="torchrun-rank-wins-over-slurm",
        ),
        pytest.param(
            {"RANK": "0", "WORLD_SIZE": "1", "MASTER_PORT": "1"}, None, id="torchrun-one-process"
        ),
        pytest.param(
            {
                "RANK": "1",
                "LOCAL_RANK": "1",
                "WORLD_SIZE": "2",
                "TORCHELASTIC_RUN_ID": "abc",
                "TORCHELASTIC_RESTART_COUNT": "0",
                "MASTER_ADDR": "h",
                "MASTER_PORT": "5",
                "SLURM_JOB_ID": "7",
            },
            Rank(
                1,
                1,
                "RANK",
                (
                    ("TORCHELASTIC_RUN_ID", "abc"),
                    ("TORCHELASTIC_RESTART_COUNT", "0"),
                    ("MASTER_ADDR", "h"),
                    ("MASTER_PORT", "5"),
                ),
            ),
            id="torchrun-launch-names",
        ),
        pytest.param(
            {"SLURM_PROCID": "0", "SLURM_NTASKS": "1", "SLURM_JOB_ID": "7"},
            None,
            id="sbatch-single-task",
        ),
        pytest.param({"SLURM_PROCID": "0", "SLURM_JOB_ID": "7"}, None, id="slurm-no-task-count"),
        pytest.param(
            {
                "SLURM_PROCID": "3",
                "SLURM_LOCALID": "1",
                "SLURM_STEP_NUM_TASKS": "4",
                "SLURM_NTASKS": "1",
                "SLURM_JOB_ID": "7",
                "SLURM_STEP_ID": "2",
                "MASTER_PORT": "9",
            },
            Rank(3, 1, "SLURM_PROCID", (("SLURM_JOB_ID", "7"), ("SLURM_STEP_ID", "2"))),
            id="srun-step",
        ),
        pytest.param(
            {"SLURM_PROCID": "0", "SLURM_NTASKS": "1", "LOCAL_RANK": "1", "WORLD_SIZE": "2"},
            Rank(1, 1, "LOCAL_RANK", ()),
            id="lightning-child-inside-sbatch",
        ),
        pytest.param(
            {"RANK": "x", "LOCAL_RANK": "1", "MASTER_ADDR": "h", "MASTER_PORT": "5"},
            Rank(1, 1, "LOCAL_RANK", (("MASTER_ADDR", "h"), ("MASTER_PORT", "5"))),
            id="not-an-integer-is-ignored",
        ),
    ],
)
def test_detect_rank(environ: Mapping[str, str], expected: Rank | None) -> None:
    assert detect_rank(environ) == expected


# --- a child re-executed by its parent's job (in-process) ------------------------------


def _parent_record(tmp_path: Path, **fields: Any) -> SharedRun:
    values: dict[str, Any] = {
        "output_dir": str(tmp_path / "shared" / "0"),
        "dir": str(tmp_path / "shared"),
        "subdir": "0",
        "task_overrides": ("db.port=1",),
        "job": "job0",
        "launch": "",
        "pid": os.getppid(),  # the process that started pytest plays the parent
        "host": ranks._host(),
        "started": 0.0,
    }
    values.update(fields)
    return SharedRun(**values)


def _where(cfg: DictConfig) -> dict[str, Any]:
    hydra = HydraConfig.get()
    return {
        "output_dir": hydra.runtime.output_dir,
        "exported": os.environ[ranks.ENV_SHARED_RUN],
    }


def _where_in_sweep(cfg: DictConfig) -> dict[str, Any]:
    hydra = HydraConfig.get()
    return {**_where(cfg), "sweep": (hydra.sweep.dir, hydra.sweep.subdir)}


def test_a_child_rank_of_a_sweep_job_shares_its_dir(
    run_task: RunTask, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    parent = _parent_record(tmp_path)
    monkeypatch.setenv("LOCAL_RANK", "1")
    monkeypatch.setenv(ranks.ENV_SHARED_RUN, parent.to_json())
    ret = run_task(
        _where_in_sweep,
        ["db.port=1", "hydra.job.num=0"],
        dir_key="hydra.sweep.dir",
        subdir_key="hydra.sweep.subdir",
        configure_logging=False,
    )
    seen = ret.return_value
    assert seen["output_dir"] == parent.output_dir == ret.output_dir
    assert seen["sweep"] == (parent.dir, "0")
    assert not (tmp_path / "shared" / "0" / ".hydra").exists()  # the parent's to write
    # its own children would find the same dir
    assert SharedRun.from_json(seen["exported"]).output_dir == parent.output_dir  # type: ignore[union-attr]
    assert os.environ[ranks.ENV_SHARED_RUN] == parent.to_json()  # restored


def test_a_child_running_another_job_keeps_its_own_dir(
    run_task: RunTask, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LOCAL_RANK", "1")
    monkeypatch.setenv(ranks.ENV_SHARED_RUN, _parent_record(tmp_path).to_json())
    with pytest.warns(UserWarning) as caught:
        ret = run_task(_where, ["db.port=2"], configure_logging=False)
    assert str(caught[0].message) == (
        "hydria: rank 1 (from LOCAL_RANK) is not sharing rank 0's run: its parent "
        f"(pid {os.getppid()}) runs another job (overrides ['db.port=1'], this one "
        "['db.port=2']). It uses its own output directory."
    )
    assert ret.output_dir != str(tmp_path / "shared" / "0")
    assert (Path(ret.output_dir) / ".hydra" / "config.yaml").is_file()


def test_a_record_from_a_process_that_is_not_the_parent_is_ignored(
    run_task: RunTask, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # a torchrun launched from inside a job: its ranks' parent is the agent, not the job
    stranger = _parent_record(tmp_path, pid=os.getpid(), task_overrides=())
    monkeypatch.setenv("LOCAL_RANK", "1")
    monkeypatch.setenv(ranks.ENV_SHARED_RUN, stranger.to_json())
    with pytest.warns(UserWarning, match=r"none of TORCHELASTIC_RUN_ID, .* names its launch"):
        ret = run_task(_where, configure_logging=False)
    assert ret.output_dir != stranger.output_dir


def test_a_plain_job_exports_its_run_for_children(run_task: RunTask) -> None:
    ret = run_task(_where, configure_logging=False)
    assert ret.error is None, ret.error_traceback
    exported = SharedRun.from_json(ret.return_value["exported"])
    assert exported is not None
    assert (exported.output_dir, exported.pid, exported.job) == (ret.output_dir, os.getpid(), "run")
    assert ranks.ENV_SHARED_RUN not in os.environ


# --- real launches ---------------------------------------------------------------------


def _start(cwd: Path, env: Mapping[str, str], *argv: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, str(TRAIN), *argv],
        cwd=cwd,
        env={**_clean_env(), "XDG_CACHE_HOME": str(cwd / ".cache"), **env},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _finish(process: subprocess.Popen[str]) -> tuple[list[dict[str, Any]], str]:
    out, err = process.communicate(timeout=60)
    assert process.returncode == 0, err
    return [json.loads(line) for line in out.splitlines() if line.startswith("{")], err


def _launch(
    cwd: Path, per_rank: list[dict[str, str]], *argv: str
) -> tuple[list[dict[str, Any]], list[str]]:
    """Start one process per rank at once (as torchrun and srun do); their reports, stderrs."""
    barrier = cwd / f"barrier-{uuid.uuid4().hex}"
    barrier.mkdir()
    common = {"TEST_BARRIER": str(barrier), "TEST_WORLD": str(len(per_rank))}
    processes = [_start(cwd, {**common, **env}, *argv) for env in per_rank]
    reports, errors = [], []
    for process in processes:
        out, err = _finish(process)
        reports += out
        errors.append(err)
    return reports, errors


def _torchrun(world: int, **launch: str) -> list[dict[str, str]]:
    base = {"WORLD_SIZE": str(world), "LOCAL_WORLD_SIZE": str(world), **launch}
    return [{**base, "RANK": str(r), "LOCAL_RANK": str(r)} for r in range(world)]


def _files(directory: str) -> list[str]:
    root = Path(directory)
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())


def _one_shared_run(reports: list[dict[str, Any]], world: int) -> str:
    dirs = {r["output_dir"] for r in reports}
    assert len(reports) == world and len(dirs) == 1, reports
    output_dir = dirs.pop()
    # `hydra.run.dir` reads the same on every rank, as rank 0 resolved it
    assert len({r["run_dir"] for r in reports}) == 1
    assert {r["job_name"] for r in reports} == {"train"}
    ranks_logs = [f"train_rank{r}.log" for r in range(1, world)]
    expected = [".hydra/config.yaml", ".hydra/hydra.yaml", ".hydra/overrides.yaml"]
    assert _files(output_dir) == sorted([*expected, "train.log", *ranks_logs])
    for rank in range(world):
        log = Path(output_dir, "train.log" if rank == 0 else f"train_rank{rank}.log")
        assert f"training on rank {rank}\n" in log.read_text()
    return output_dir


def _records_of(directory: Path, text: str) -> list[Path]:
    if not directory.is_dir():
        return []
    return [p for p in directory.iterdir() if text in p.read_text(errors="replace")]


def test_torchrun_ranks_share_one_run_and_chdir_into_it(tmp_path: Path) -> None:
    run_id = uuid.uuid4().hex  # the per-user temp rendezvous is shared with other tests
    launch = _torchrun(3, TORCHELASTIC_RUN_ID=run_id, MASTER_ADDR="127.0.0.1", MASTER_PORT="29500")
    reports, errors = _launch(tmp_path, launch, "lr=0.5", "hydra.job.chdir=true")
    output_dir = _one_shared_run(reports, 3)
    assert Path(output_dir).parent == tmp_path / "outputs"
    assert {r["cwd"] for r in reports} == {output_dir}
    assert {r["lr"] for r in reports} == {0.5}
    assert errors == ["", "", ""]
    getuid = getattr(os, "getuid", None)
    owner = getuid() if getuid is not None else os.environ.get("USERNAME", "user")
    rendezvous = Path(tempfile.gettempdir(), f"hydria-ranks-{owner}")
    assert _records_of(rendezvous, run_id) == []  # rank 0 removed its record


def test_lightning_children_share_the_parents_run(tmp_path: Path) -> None:
    # `python train.py` alone; its task starts `python train.py` with LOCAL_RANK=1
    reports, err = _finish(_start(tmp_path, {"TEST_SPAWN_CHILD": "1"}, "lr=0.2"))
    output_dir = _one_shared_run(reports, 2)
    assert Path(output_dir).parent == tmp_path / "outputs"
    assert sorted(r["rank"] for r in reports) == ["0", "1"]
    assert {r["lr"] for r in reports} == {0.2}
    assert err == ""


def test_lightning_children_of_a_sweep_job_share_its_dir(tmp_path: Path) -> None:
    # the child re-runs the whole `-m` command line; its job with the same overrides
    # lands in the parent's job dir
    reports, err = _finish(_start(tmp_path, {"TEST_SPAWN_CHILD": "1"}, "-m", "lr=0.3"))
    assert len(reports) == 2 and len({r["output_dir"] for r in reports}) == 1, reports
    (job_dir,) = {Path(r["output_dir"]) for r in reports}
    assert job_dir.name == "0"
    assert "train_rank1.log" in _files(str(job_dir))
    assert "train.log" in _files(str(job_dir))
    assert "is not sharing" not in err


def test_srun_tasks_share_one_run(tmp_path: Path) -> None:
    step = {
        "SLURM_JOB_ID": "4242",
        "SLURM_STEP_ID": "0",
        "SLURM_NTASKS": "3",
        "SLURM_STEP_NUM_TASKS": "3",
        ranks.ENV_RENDEZVOUS_DIR: str(tmp_path / "rendezvous"),
    }
    per_rank = [{**step, "SLURM_PROCID": str(r), "SLURM_LOCALID": str(r)} for r in range(3)]
    reports, errors = _launch(tmp_path, per_rank)
    _one_shared_run(reports, 3)
    assert errors == ["", "", ""]
    assert list((tmp_path / "rendezvous").iterdir()) == []


def test_a_later_launch_with_the_same_names_gets_its_own_run(tmp_path: Path) -> None:
    # torchrun's defaults: run id "none", port 29500 -- the same for every launch
    rendezvous = tmp_path / "rendezvous"
    names = {"TORCHELASTIC_RUN_ID": "none", "MASTER_ADDR": "127.0.0.1", "MASTER_PORT": "29500"}
    launch = _torchrun(2, **names, **{ranks.ENV_RENDEZVOUS_DIR: str(rendezvous)})
    first = _one_shared_run(_launch(tmp_path, launch)[0], 2)
    assert list(rendezvous.iterdir()) == []  # its leader's record went with its job

    # a rank 0 killed mid-run leaves its record behind: the next launch must not use it
    killed = _start(tmp_path, {**launch[0], "TEST_KILL_SELF": "1"})
    killed.communicate(timeout=60)
    assert killed.returncode == -9
    (left,) = rendezvous.iterdir()
    stale = json.loads(left.read_text())["output_dir"]
    late = _start(tmp_path, {**launch[1], ranks.ENV_TIMEOUT: "0.3"})
    reports, err = _finish(late)
    assert reports[0]["output_dir"] not in (stale, first)
    assert "is not sharing rank 0's run" in err


def test_a_rank_whose_leader_never_comes_warns_and_runs_alone(tmp_path: Path) -> None:
    lonely = {
        "RANK": "1",
        "LOCAL_RANK": "1",
        "WORLD_SIZE": "2",
        "MASTER_ADDR": "10.0.0.1",
        "MASTER_PORT": "29400",
        ranks.ENV_RENDEZVOUS_DIR: str(tmp_path / "rendezvous"),
        ranks.ENV_TIMEOUT: "0.5",
    }
    (report,), err = _finish(_start(tmp_path, lonely))
    assert (
        "UserWarning: hydria: rank 1 (from RANK) is not sharing rank 0's run: no output "
        "directory from the leader of launch [MASTER_ADDR=10.0.0.1 MASTER_PORT=29400] (run) "
        f"appeared in {tmp_path / 'rendezvous'}" in err
    )
    assert "within 0.5 s (HYDRIA_RANK_TIMEOUT)" in err
    assert "It uses its own output directory." in err
    # its own run, complete: .hydra files, and its log under its rank's name
    assert _files(report["output_dir"]) == [
        ".hydra/config.yaml",
        ".hydra/hydra.yaml",
        ".hydra/overrides.yaml",
        "train_rank1.log",
    ]


def test_a_single_task_slurm_job_is_a_plain_run(tmp_path: Path) -> None:
    sbatch = {
        "SLURM_PROCID": "0",
        "SLURM_LOCALID": "0",
        "SLURM_NTASKS": "1",
        "SLURM_JOB_ID": "99",
        ranks.ENV_RENDEZVOUS_DIR: str(tmp_path / "rendezvous"),
    }
    (report,), err = _finish(_start(tmp_path, sbatch))
    assert err == ""
    assert _files(report["output_dir"]) == [
        ".hydra/config.yaml",
        ".hydra/hydra.yaml",
        ".hydra/overrides.yaml",
        "train.log",
    ]
    assert not (tmp_path / "rendezvous").exists()


def test_a_shared_run_is_written_as_json_dumps_writes_it_and_read_back() -> None:
    """`SharedRun.to_json` writes JSON without importing `json` (start-up time); it must be
    `json.dumps`'s text exactly, whatever the strings hold."""
    import random
    from dataclasses import asdict

    rng = random.Random(7)
    alphabet = "ab/ _-.:" + '"\\' + "\x00\x1f\x7f" + "éü✓日本" + "\U0001f600"

    def text() -> str:
        return "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 10)))

    for _ in range(500):
        run = SharedRun(
            output_dir=text(),
            dir=text(),
            subdir=rng.choice([None, text()]),
            task_overrides=tuple(text() for _ in range(rng.randint(0, 3))),
            job=text(),
            launch=text(),
            pid=rng.randint(0, 2**31),
            host=text(),
            started=rng.random() * 2e9,
        )
        assert run.to_json() == json.dumps(asdict(run))
        assert SharedRun.from_json(run.to_json()) == run


@pytest.mark.skipif(not os.path.exists("/proc/self/comm"), reason="reads Linux's /proc")
def test_a_process_named_in_any_bytes_has_a_start_time() -> None:
    # /proc/<pid>/stat holds the command name as raw bytes: a non-ASCII name must not
    # make a live leader look gone
    child = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time\n"
            "open('/proc/self/comm', 'wb').write('trainé ) x'.encode())\n"
            "print('named', flush=True)\n"
            "time.sleep(30)\n",
        ],
        stdout=subprocess.PIPE,
    )
    try:
        assert child.stdout is not None and child.stdout.readline() == b"named\n"
        assert Path(f"/proc/{child.pid}/comm").read_bytes().startswith("trainé".encode())
        started = ranks._process_started(child.pid)
        assert started is not None
        assert time.time() - 120 < started < time.time() + 2  # it started just now
    finally:
        child.kill()
        child.wait()
        if child.stdout is not None:
            child.stdout.close()
