"""The record of where an app's last run found its configs (`app.completion_record`):
written by the app's run, read back by completion, and only a miss when it is wrong."""

from __future__ import annotations

import json
import os
from dataclasses import replace
from pathlib import Path

import pytest

from hydria.app.app_setup import AppSource
from hydria.app.completion_record import (
    _FORMAT,
    RecordedSource,
    StoreEntry,
    _entry_name,
    _header,
    read_recorded_source,
    record_app_source,
)
from hydria.app.runner import AppExit, make_app, run_app
from hydria.compose import disk_cache
from hydria.compose.disk_cache import DiskCache

pytestmark = pytest.mark.skipif(not disk_cache.SUPPORTED, reason="needs O_NOFOLLOW and uids")

DATA = Path(__file__).parent / "data" / "app"


def _configs(cache: Path) -> Path:
    return cache / "hydria" / "configs"


def test_round_trip(tmp_path: Path) -> None:
    script = tmp_path / "app.py"
    script.write_text("")
    record_app_source(str(script), "file:///conf", "config", "1.3")
    assert read_recorded_source(str(script)) == RecordedSource(
        script=os.path.realpath(script),
        primary="file:///conf",
        config_name="config",
        version_base="1.3",
    )


def test_keyed_by_real_path(tmp_path: Path) -> None:
    script = tmp_path / "app.py"
    script.write_text("")
    (tmp_path / "link.py").symlink_to(script)
    record_app_source(str(tmp_path / "link.py"), None, None, "1.1")
    found = read_recorded_source(str(script))
    assert found is not None and found.version_base == "1.1"


def _recorded(tmp_path: Path, own_cache: Path) -> tuple[Path, Path]:
    """An app's script, recorded once, and the file its record went to."""
    script = tmp_path / "app.py"
    script.write_text("")
    record_app_source(str(script), "pkg://app.conf", "c", "1.3")
    header = _header(os.path.realpath(script))
    return script, _configs(own_cache) / (_entry_name(header) + disk_cache.SUFFIX)


def test_unchanged_record_is_not_rewritten(tmp_path: Path, own_cache: Path) -> None:
    script, entry = _recorded(tmp_path, own_cache)
    before = entry.stat().st_ino
    record_app_source(str(script), "pkg://app.conf", "c", "1.3")
    assert entry.stat().st_ino == before


def test_no_cache_no_record(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HYDRIA_NO_CACHE", "1")
    script = tmp_path / "app.py"
    record_app_source(str(script), None, "c", "1.3")
    assert read_recorded_source(str(script)) is None


def test_planted_file_is_ignored(tmp_path: Path, own_cache: Path) -> None:
    script = tmp_path / "app.py"
    record_app_source(str(script), "file:///conf", "c", "1.3")
    header = _header(os.path.realpath(script))
    entry = _configs(own_cache) / (_entry_name(header) + disk_cache.SUFFIX)
    entry.write_bytes(disk_cache.MAGIC + b"\0" * 32 + header + b"\0" + b'{"format": 1}')
    assert read_recorded_source(str(script)) is None


@pytest.mark.parametrize(
    "fields",
    [
        pytest.param({"primary": "file://relative/conf"}, id="relative-primary"),
        pytest.param({"primary": "http://evil"}, id="foreign-scheme"),
        pytest.param({"primary": 3}, id="primary-not-text"),
        pytest.param({"config_name": ["a"]}, id="name-not-text"),
        pytest.param({"config_name": "x" * 5000}, id="name-too-long"),
        pytest.param({"config_name": "a\0b"}, id="name-with-nul"),
        pytest.param({"version_base": "0.9"}, id="version-base-too-old"),
        pytest.param({"version_base": "1.3.1"}, id="version-base-not-read"),
        pytest.param({"version_base": None}, id="version-base-missing"),
        pytest.param({"script": "/other/app.py"}, id="another-script"),
        pytest.param({"format": 99}, id="another-format"),
        pytest.param({"format": 1}, id="the-older-format"),
        pytest.param({"store": {"db": 1}}, id="store-not-a-list"),
        pytest.param({"store": [["db", "x.yaml", None]]}, id="store-entry-short"),
        pytest.param({"store": [["../..", "x.yaml", None, {}]]}, id="store-group-escapes"),
        pytest.param({"store": [["db", "../x.yaml", None, {}]]}, id="store-name-escapes"),
        pytest.param({"store": [["db", "x.py", None, {}]]}, id="store-name-not-yaml"),
        pytest.param({"store": [["db", "x.yaml", 3, {}]]}, id="store-package-not-text"),
        pytest.param({"store": [["db", "x.yaml", None, "text"]]}, id="store-content-scalar"),
        pytest.param({"store": [["", "x.yaml", None, {}]]}, id="store-group-empty"),
        pytest.param({"store": [["db", "x.yaml", None, {}]] * 5000}, id="store-too-many"),
        pytest.param(None, id="not-json"),
    ],
)
def test_fields_out_of_shape_are_a_miss(
    tmp_path: Path, own_cache: Path, fields: dict[str, object] | None
) -> None:
    script = os.path.realpath(tmp_path / "app.py")
    data: dict[str, object] = {
        "format": _FORMAT,
        "script": script,
        "primary": "file:///conf",
        "config_name": "c",
        "version_base": "1.3",
    }
    header = _header(script)
    cache = DiskCache(str(_configs(own_cache)))
    digest = b"0" * 32 + b"\n"  # the digest line: only a writer reads it
    cache.write(_entry_name(header), header, digest + json.dumps(data).encode())
    assert read_recorded_source(script) is not None  # the well-formed one is read
    blob = b"{not json" if fields is None else json.dumps({**data, **fields}).encode()
    cache.write(_entry_name(header), header, digest + blob)
    assert read_recorded_source(script) is None


def test_a_changed_record_is_rewritten_and_read_back(tmp_path: Path, own_cache: Path) -> None:
    script, entry = _recorded(tmp_path, own_cache)
    before = entry.stat().st_ino
    record_app_source(str(script), "pkg://app.conf", "other", "1.3")
    assert entry.stat().st_ino != before
    found = read_recorded_source(str(script))
    assert found is not None and found.config_name == "other"


def test_the_store_round_trips(tmp_path: Path) -> None:
    script = tmp_path / "app.py"
    script.write_text("")
    stored = (
        StoreEntry(group=None, name="top.yaml", package=None, content={"a": 1}),
        StoreEntry(group="db/nested", name="x.yaml", package="_global_", content=[1, "b"]),
        StoreEntry(group="db", name="big.yaml", package=None, content=None),
    )
    record_app_source(str(script), None, "top", "1.3", stored)
    found = read_recorded_source(str(script))
    assert found is not None and found.store == stored
    assert found.store_digest() != replace(found, store=stored[:2]).store_digest()


def _task(cfg: object) -> None:
    del cfg


def test_a_run_records_its_source(capsys: pytest.CaptureFixture[str]) -> None:
    app = make_app(_task, "data/app/conf", "config", version_base="1.3")
    # as `python app.py` runs it: the task's file is the script
    app = replace(app, source=AppSource(calling_file=__file__, calling_module=None))
    try:
        run_app(app, ["--cfg", "job"])
    except AppExit as done:  # pragma: no cover - the run is expected to succeed
        pytest.fail(f"the run failed: {done.code}")
    capsys.readouterr()
    found = read_recorded_source(__file__)
    assert found is not None
    assert (found.primary, found.config_name, found.version_base) == (
        f"file://{os.path.realpath(DATA / 'conf')}",
        "config",
        "1.3",
    )


def test_a_broken_cache_never_fails_the_run(
    own_cache: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    own_cache.mkdir()
    (own_cache / "hydria").write_text("not a directory")
    app = make_app(_task, str(DATA / "conf"), "config", version_base="1.3")
    run_app(app, ["--cfg", "job"])
    assert "seed: 1" in capsys.readouterr().out
