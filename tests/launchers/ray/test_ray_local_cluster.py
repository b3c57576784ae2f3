"""The Ray launcher starting a local Ray cluster of its own, as `ray.init()` without an
address does: the conformance suite, and a job no node of that cluster can hold.

Each sweep starts and stops its own cluster, so these tests share no engine. They still
form one xdist group ("ray-local"), so that only one of these clusters starts at a time,
while the head node's tests ("ray") run beside them on another worker: clusters started
side by side on a 2-core machine slowed each other several times over.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from tests.launchers.ray.test_ray_launcher import (
    DEAD_DRIVERS_TASKS_STOP_LATE,
    JOBS_DIE_WITH_THE_DRIVER,
    _sweep,
    _write_app,
)

from hydria.testing.launchers import LauncherSuite

pytestmark = pytest.mark.xdist_group("ray-local")


class TestRayLocalCluster(LauncherSuite):
    jobs_outlive_the_sweep = JOBS_DIE_WITH_THE_DRIVER
    dead_sweeps_jobs_stop_late = DEAD_DRIVERS_TASKS_STOP_LATE

    @pytest.fixture
    def launcher_overrides(self, ray_dir: Path) -> list[str]:
        return [
            "hydra/launcher=ray",
            "+hydra.launcher.ray.init.num_cpus=2",
            f"+hydra.launcher.ray.init._temp_dir={ray_dir / 'local'}",
        ]

    def sweep(
        self, root: Path, overrides: list[str], *extra: str, env: dict[str, str] | None = None
    ) -> subprocess.CompletedProcess[str]:
        done = super().sweep(root, overrides, *extra, env=env)
        assert "Ray launcher: " in done.stderr + done.stdout
        assert " jobs on a local Ray cluster with 2 CPUs" in done.stderr + done.stdout
        return done


def test_jobs_no_node_can_hold_are_refused_on_a_local_cluster(
    tmp_path: Path, ray_dir: Path
) -> None:
    root = _write_app(tmp_path)
    code, output, records = _sweep(
        root,
        "x=1",
        "+hydra.launcher.ray.init.num_cpus=1",
        f"+hydra.launcher.ray.init._temp_dir={ray_dir / 'local'}",
        "+hydra.launcher.ray.remote.num_gpus=1",
    )
    assert code == 1, output
    assert (
        "each job asks Ray for CPU=1, GPU=1 (hydra.launcher.ray.remote), but no node of the "
        "cluster has that much (nodes: CPU=1, GPU=0); give the local cluster more"
    ) in output
    assert records == {}
