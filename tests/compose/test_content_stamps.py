"""A file rewritten with the same inode, size and mtime is still seen: in this process
(parsed files, built configs) and by the next (the disk cache key holds a checksum)."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

import hydria
from hydria.repository import sources
from hydria.repository.sources import ParsedFileCache


def _rewrite_keeping_stamp(path: Path, text: str) -> None:
    before = path.stat()
    with path.open("r+") as f:  # same inode
        f.write(text)
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    after = path.stat()
    assert (after.st_ino, after.st_size, after.st_mtime_ns) == (
        before.st_ino,
        before.st_size,
        before.st_mtime_ns,
    )


def test_parsed_file_cache_sees_a_same_stamp_rewrite(tmp_path: Path) -> None:
    path = tmp_path / "c.yaml"
    path.write_text("name: one\n")
    cache = ParsedFileCache()
    _, first, stamp = cache.load(str(path))
    assert first == {"name": "one"}
    _rewrite_keeping_stamp(path, "name: two\n")
    _, second, new_stamp = cache.load(str(path))
    assert second == {"name": "two"}
    assert new_stamp != stamp


def test_a_settled_file_is_trusted_by_its_stat_which_a_rewrite_still_changes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sources, "_SETTLE_NS", 0)  # as if the file were old
    path = tmp_path / "c.yaml"
    path.write_text("name: one\n")
    cache = ParsedFileCache()
    assert cache.load(str(path))[1] == {"name": "one"}
    time.sleep(0.05)  # past a tick of the file system's clock
    _rewrite_keeping_stamp(path, "name: two\n")  # ctime moves; utime cannot set it back
    assert cache.load(str(path))[1] == {"name": "two"}


def test_compose_sees_a_same_stamp_rewrite_of_the_hydra_node(tmp_path: Path) -> None:
    primary = tmp_path / "config.yaml"
    primary.write_text("x: 1\nhydra:\n  job:\n    name: one\n")
    first = hydria.compose("config", config_dir=str(tmp_path), return_hydra_config=True)
    assert first.hydra.job.name == "one"
    _rewrite_keeping_stamp(primary, "x: 2\nhydra:\n  job:\n    name: two\n")
    second = hydria.compose("config", config_dir=str(tmp_path), return_hydra_config=True)
    assert (second.x, second.hydra.job.name) == (2, "two")
