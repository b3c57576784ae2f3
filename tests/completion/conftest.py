"""Each test gets its own disk cache (records, memos) and fresh process caches."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from hydria.app.process_caches import reset_process_caches

APP_DIR = Path(__file__).parent / "data" / "app"


@pytest.fixture(autouse=True)
def own_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    cache = tmp_path / "cache"
    monkeypatch.setenv("XDG_CACHE_HOME", str(cache))
    monkeypatch.delenv("HYDRIA_NO_CACHE", raising=False)
    monkeypatch.delenv("HYDRIA_COMPLETION_DEBUG", raising=False)
    reset_process_caches()
    yield cache
    reset_process_caches()


@pytest.fixture
def app_dir() -> Path:
    return APP_DIR
