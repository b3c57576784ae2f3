"""The instantiate tests import their targets from `inst_targets` in this folder."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from hydria.instantiation.policy import ALLOWED_ENV, HYDRA_OVERRIDE_ENV, UNSAFE_ENV

# At collection already: the test modules import their targets from it.
if str(Path(__file__).parent) not in sys.path:
    sys.path.insert(0, str(Path(__file__).parent))


@pytest.fixture(autouse=True)
def _no_policy_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    for name in (ALLOWED_ENV, UNSAFE_ENV, HYDRA_OVERRIDE_ENV):
        monkeypatch.delenv(name, raising=False)
    yield
