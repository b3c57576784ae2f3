"""The launcher conformance suite: what every launcher promises, checked on real sweeps.

Each launcher's tests subclass `LauncherSuite` and give the overrides that select it
(and start whatever engine it needs), for instance::

    class TestJoblib(LauncherSuite):
        @pytest.fixture
        def launcher_overrides(self) -> list[str]:
            return ["hydra/launcher=joblib", "hydra.launcher.n_jobs=2"]

Every test runs a real app in a fresh process (`python app.py -m ...`) in its own
directory and checks what a user would: job numbers and output dirs, the `.hydra`
files, return values in `results.jsonl`, a failing job isolated and explained,
and `--resume` running only the jobs that did not complete.

Needs pytest (a test dependency, not one of hydria's).
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import yaml

from hydria.sweep.records import JobRecord, load_sweep

__all__ = ["APP", "LauncherSuite", "run_sweep_app"]

# The app every test runs. It records each run it makes in `runs.log` (one line per
# job execution), fails when its `fail` value is in $FAIL_ON, and returns a dict.
APP = textwrap.dedent(
    """
    import logging, os
    import hydria
    log = logging.getLogger(__name__)

    @hydria.main(config_path="conf", config_name="config", version_base=None)
    def app(cfg):
        hc = hydria.HydraConfig.get()
        log.info("job %s x=%s", hc.job.num, cfg.x)
        with open(os.path.join(os.environ["SUITE_DIR"], "runs.log"), "a") as f:
            f.write(f"{hc.job.num} {cfg.x}\\n")
        if str(cfg.x) in os.environ.get("FAIL_ON", "").split(","):
            raise ValueError(f"x={cfg.x} is not accepted")
        return {"x": cfg.x, "num": hc.job.num, "square": cfg.x * cfg.x, "has_hydra": "hydra" in cfg}

    if __name__ == "__main__":
        app()
    """
)
CONFIG = "x: 0\nname: suite\n"


def run_sweep_app(
    root: Path, argv: list[str], *, env: dict[str, str] | None = None, timeout: float = 600
) -> subprocess.CompletedProcess[str]:
    """Run the suite's app (written into `root` on first use) with `argv`, in `root`."""
    if not (root / "app.py").exists():
        (root / "conf").mkdir(parents=True, exist_ok=True)
        (root / "conf" / "config.yaml").write_text(CONFIG)
        (root / "app.py").write_text(APP)
    base = {k: v for k, v in os.environ.items() if not k.startswith(("HYDRA_", "HYDRIA_"))}
    base.update({"SUITE_DIR": str(root), "XDG_CACHE_HOME": str(root / ".cache")})
    base.update(env or {})
    return subprocess.run(
        [sys.executable, str(root / "app.py"), *argv],
        cwd=root,
        env=base,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def _records(sweep_dir: Path) -> dict[int, JobRecord]:
    return {r.num: r for r in load_sweep(sweep_dir)}


def _runs(root: Path) -> list[tuple[int, int]]:
    path = root / "runs.log"
    if not path.exists():
        return []
    pairs = [line.split() for line in path.read_text().splitlines() if line.strip()]
    return sorted((int(num), int(x)) for num, x in pairs)


class LauncherSuite:
    """The promises every launcher keeps. Subclasses give `launcher_overrides`."""

    @pytest.fixture
    def launcher_overrides(self) -> list[str]:
        raise NotImplementedError("a launcher's suite gives the overrides that select it")

    def sweep(
        self, root: Path, overrides: list[str], *extra: str, env: dict[str, str] | None = None
    ) -> subprocess.CompletedProcess[str]:
        return run_sweep_app(root, ["-m", *overrides, "hydra.sweep.dir=sweep", *extra], env=env)

    def test_jobs_are_numbered_with_their_own_dirs_and_records(
        self, tmp_path: Path, launcher_overrides: list[str]
    ) -> None:
        done = self.sweep(tmp_path, launcher_overrides, "x=1,2,3,4")
        assert done.returncode == 0, done.stderr
        sweep = tmp_path / "sweep"
        records = _records(sweep)
        assert sorted(records) == [0, 1, 2, 3]
        for num, record in records.items():
            x = num + 1
            assert (record.overrides, record.status) == ((f"x={x}",), "completed")
            assert record.return_value == {"x": x, "num": num, "square": x * x, "has_hydra": False}
            assert record.output_dir == str(sweep / str(num))
            assert record.duration > 0 and record.started > 0
            hydra_files = sweep / str(num) / ".hydra"
            assert yaml.safe_load((hydra_files / "overrides.yaml").read_text()) == [f"x={x}"]
            assert yaml.safe_load((hydra_files / "config.yaml").read_text()) == {
                "x": x,
                "name": "suite",
            }
            hydra = yaml.safe_load((hydra_files / "hydra.yaml").read_text())["hydra"]
            assert (hydra["job"]["num"], hydra["mode"]) == (num, "MULTIRUN")
            assert hydra["runtime"]["output_dir"] == str(sweep / str(num))
            log = (sweep / str(num) / "app.log").read_text()
            assert f"job {num} x={x}" in log
        assert _runs(tmp_path) == [(0, 1), (1, 2), (2, 3), (3, 4)]  # each job ran once
        assert yaml.safe_load((sweep / "multirun.yaml").read_text())["hydra"]["mode"] == "MULTIRUN"

    def test_a_failing_job_is_isolated_and_explained(
        self, tmp_path: Path, launcher_overrides: list[str]
    ) -> None:
        done = self.sweep(tmp_path, launcher_overrides, "x=1,2,3", env={"FAIL_ON": "2"})
        assert done.returncode == 1
        records = _records(tmp_path / "sweep")
        assert [records[n].status for n in (0, 1, 2)] == ["completed", "failed", "completed"]
        failed = records[1]
        assert failed.error == "ValueError: x=2 is not accepted"
        assert failed.traceback is not None and "raise ValueError" in failed.traceback
        assert "1 of 3 jobs failed" in done.stderr
        assert "ValueError: x=2 is not accepted" in done.stderr

    def test_resume_runs_only_the_jobs_that_did_not_complete(
        self, tmp_path: Path, launcher_overrides: list[str]
    ) -> None:
        first = self.sweep(tmp_path, launcher_overrides, "x=1,2,3", env={"FAIL_ON": "1,3"})
        assert first.returncode == 1
        again = self.sweep(tmp_path, launcher_overrides, "x=1,2,3", "--resume")
        assert again.returncode == 0, again.stderr
        records = _records(tmp_path / "sweep")
        assert [records[n].status for n in (0, 1, 2)] == ["completed"] * 3
        assert [records[n].return_value["x"] for n in (0, 1, 2)] == [1, 2, 3]
        # x=2 completed the first time and was not run again
        assert _runs(tmp_path) == [(0, 1), (0, 1), (1, 2), (2, 3), (2, 3)]

    def test_every_job_sees_its_own_config_and_hydra_node(
        self, tmp_path: Path, launcher_overrides: list[str]
    ) -> None:
        done = self.sweep(tmp_path, launcher_overrides, "x=5,6", "+name2=${hydra:job.num}")
        assert done.returncode == 0, done.stderr
        for num in (0, 1):
            saved = yaml.safe_load(
                (tmp_path / "sweep" / str(num) / ".hydra" / "config.yaml").read_text()
            )
            assert saved == {"x": 5 + num, "name": "suite", "name2": "${hydra:job.num}"}
        records = _records(tmp_path / "sweep")
        assert [records[n].return_value["num"] for n in (0, 1)] == [0, 1]
