"""What one run of an app keeps for the next (`hydria.app.run_state`): each run here is a
real process, so "the next run" is a new interpreter reading the user's disk cache.

The app's task prints what its process had to do (files parsed, YAML texts emitted)
and whether `.hydra/hydra.yaml` is byte for byte OmegaConf's text of its `hydra` node.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from hydria.compose import disk_cache

pytestmark = pytest.mark.skipif(not disk_cache.SUPPORTED, reason="needs O_NOFOLLOW and uids")

APP = """
import json, os, sys
import hydria
from omegaconf import OmegaConf
from hydria.app import process_caches
from hydria.runtime import config_yaml

@hydria.main(config_path="conf", config_name="config", version_base=None)
def main(cfg):
    hydra = hydria.HydraConfig.get()
    saved = open(os.path.join(hydra.runtime.output_dir, ".hydra", "hydra.yaml")).read()
    expected = OmegaConf.to_yaml(OmegaConf.create({"hydra": hydra}))
    report = {
        "parsed": process_caches.parsed_files().in_use()[1],
        "resolved": process_caches.app_memos().defaults.in_use()[1],
        "emitted": config_yaml.texts_in_use().emitted,
        "same_text": saved == expected,
        "port": cfg.db.port,
    }
    print("REPORT " + json.dumps(report))

if __name__ == "__main__":
    main()
"""


@pytest.fixture
def app(tmp_path: Path) -> Path:
    (tmp_path / "conf" / "db").mkdir(parents=True)
    (tmp_path / "conf" / "config.yaml").write_text("defaults:\n  - db: mysql\n  - _self_\nx: 1\n")
    (tmp_path / "conf" / "db" / "mysql.yaml").write_text("port: 3306\nhost: localhost\n")
    (tmp_path / "app.py").write_text(APP)
    time.sleep(2.1)  # files changed in the last two seconds are never trusted by stat alone
    return tmp_path


def _process(app: Path, *args: str, script: str = "app.py", **env: str) -> Any:
    environment = {
        **os.environ,
        "XDG_CACHE_HOME": str(app / "cache"),
        "HYDRIA_NO_CACHE": "",
        **env,
    }
    return subprocess.run(
        [sys.executable, script, "hydra.run.dir=out", *args],
        cwd=app,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def _run(app: Path, *args: str, **env: str) -> dict[str, Any]:
    done = _process(app, *args, **env)
    assert done.returncode == 0, done.stderr
    (line,) = [x for x in done.stdout.splitlines() if x.startswith("REPORT ")]
    report: dict[str, Any] = json.loads(line[len("REPORT ") :])
    return report


def _kept(app: Path, prefix: str) -> list[Path]:
    return sorted((app / "cache" / "hydria" / "configs").glob(prefix + "*" + disk_cache.SUFFIX))


def test_the_next_run_parses_no_file_and_emits_hydra_yaml_from_kept_texts(app: Path) -> None:
    first = _run(app)
    assert first["parsed"] >= 3 and first["emitted"] > 10 and first["same_text"]
    assert len(_kept(app, "files-")) == 1 and len(_kept(app, "yaml-")) == 1
    assert first["resolved"] >= 1
    second = _run(app)
    assert second["parsed"] == 0 and second["resolved"] == 0
    assert second["emitted"] <= 3  # the entries that change every run (output dir, ...)
    assert second["same_text"]
    assert second["port"] == 3306


def test_an_edited_file_is_read_again(app: Path) -> None:
    _run(app)
    (app / "conf" / "db" / "mysql.yaml").write_text("port: 3307\nhost: localhost\n")
    edited = _run(app)
    assert edited["port"] == 3307 and edited["parsed"] >= 1


def test_a_file_edited_within_its_size_and_second_is_still_seen(app: Path) -> None:
    _run(app)
    path = app / "conf" / "db" / "mysql.yaml"
    before = path.stat()
    path.write_text("port: 3399\nhost: localhost\n")  # the same size
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))  # and the same mtime
    assert _run(app)["port"] == 3399  # the ctime changed: it is parsed again


def test_a_damaged_or_foreign_store_is_ignored(app: Path) -> None:
    _run(app)
    for entry in _kept(app, "files-") + _kept(app, "yaml-"):
        data = bytearray(entry.read_bytes())
        data[-5] ^= 0x01
        entry.write_bytes(bytes(data))
    damaged = _run(app)
    assert damaged["parsed"] >= 3 and damaged["same_text"] and damaged["port"] == 3306
    assert _run(app)["parsed"] == 0  # rewritten by the run that found it damaged


def test_without_a_disk_cache_nothing_is_kept(app: Path) -> None:
    _run(app, HYDRIA_NO_CACHE="1")
    assert not (app / "cache").exists()


def test_two_apps_keep_their_own_entries(app: Path, tmp_path: Path) -> None:
    _run(app)
    _run(app, "--config-name", "config")  # the same app: one entry each
    other = app / "other.py"
    other.write_text(APP.replace('config_path="conf"', 'config_path="./conf"'))
    assert _process(app, script="other.py").returncode == 0
    assert len(_kept(app, "files-")) == 2


def test_a_kept_defaults_list_is_replayed_against_the_tree_before_use(app: Path) -> None:
    _run(app)
    assert _run(app)["resolved"] == 0
    (app / "conf" / "db" / "postgres.yaml").write_text("port: 5432\n")  # a new option
    chosen = _run(app, "db=postgres")
    assert chosen["port"] == 5432 and chosen["resolved"] >= 1
    (app / "conf" / "config.yaml").write_text("defaults:\n  - db: postgres\n  - _self_\nx: 1\n")
    edited = _run(app)  # the primary config's defaults list changed
    assert edited["port"] == 5432 and edited["resolved"] >= 1
    (app / "conf" / "db" / "postgres.yaml").unlink()  # an option gone
    done = _process(app)
    assert done.returncode == 1 and "postgres" in done.stderr


def test_runs_at_the_same_time_share_the_store_safely(app: Path) -> None:
    environment = {**os.environ, "XDG_CACHE_HOME": str(app / "cache"), "HYDRIA_NO_CACHE": ""}
    runs = [
        subprocess.Popen(
            [sys.executable, "app.py", f"hydra.run.dir=out{i}"],
            cwd=app,
            env=environment,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for i in range(4)
    ]
    for run in runs:
        out, err = run.communicate(timeout=120)
        assert run.returncode == 0, err
        assert '"same_text": true' in out
    after = _run(app)
    assert after["parsed"] == 0 and after["resolved"] == 0 and after["same_text"]


def test_a_run_whose_task_fails_still_keeps_what_it_parsed(app: Path) -> None:
    failing = app / "failing.py"
    failing.write_text(
        APP.replace("def main(cfg):", "def main(cfg):\n    raise ValueError('boom')")
    )
    done = _process(app, script="failing.py")
    assert done.returncode == 1 and "boom" in done.stderr
    assert _kept(app, "files-") and _kept(app, "yaml-")
