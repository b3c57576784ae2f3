"""The launcher conformance suite on the launchers that need no engine."""

from __future__ import annotations

import pytest

from hydria.testing.launchers import LauncherSuite


class TestBasicLauncher(LauncherSuite):
    jobs_outlive_the_sweep = "the basic launcher runs each job in the sweep process"
    job_process_killable = (
        "the basic launcher runs each job in the sweep process: killing a job's process "
        "kills the sweep (test_ownership_a_killed_sweep_resumes_... covers that)"
    )

    @pytest.fixture
    def launcher_overrides(self) -> list[str]:
        return []


class TestJoblibLauncher(LauncherSuite):
    @pytest.fixture
    def launcher_overrides(self) -> list[str]:
        return ["hydra/launcher=joblib", "hydra.launcher.n_jobs=2"]
