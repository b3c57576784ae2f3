"""The launcher conformance suite on the launchers that need no engine."""

from __future__ import annotations

import pytest

from hydria.testing.launchers import LauncherSuite


class TestBasicLauncher(LauncherSuite):
    @pytest.fixture
    def launcher_overrides(self) -> list[str]:
        return []


class TestJoblibLauncher(LauncherSuite):
    @pytest.fixture
    def launcher_overrides(self) -> list[str]:
        return ["hydra/launcher=joblib", "hydra.launcher.n_jobs=2"]
