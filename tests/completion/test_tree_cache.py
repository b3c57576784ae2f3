"""A warm Tab answers from what an earlier Tab kept (`tree_cache`), without OmegaConf,
YAML or a composition; anything changed under the config dirs, a different group
choice, or a damaged cache file is a miss, never a stale or wrong answer."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

from hydria.completion import tree_cache
from hydria.completion.command import complete_line

DATA = Path(__file__).parent / "data" / "app"

PROBE = """
import json, sys
from hydria.completion.command import complete_line
found = complete_line(sys.argv[1], sys.argv[2], sys.argv[3])
print(json.dumps({"found": found, "heavy": [m for m in ("omegaconf", "yaml") if m in sys.modules]}))
"""


def _probe(app: Path, line: str) -> dict[str, list[str]]:
    done = subprocess.run(
        [sys.executable, "-c", PROBE, "train.py", line, str(app)],
        capture_output=True,
        text=True,
        env=dict(os.environ),
        timeout=60,
        check=True,
    )
    result: dict[str, list[str]] = json.loads(done.stdout)
    return result


def test_a_warm_tab_loads_neither_omegaconf_nor_yaml(tmp_path: Path) -> None:
    app = tmp_path / "app"
    shutil.copytree(DATA, app)
    cold = _probe(app, "python train.py db.")
    assert cold["heavy"]  # the first Tab composed
    warm = _probe(app, "python train.py db.")
    assert warm == {"found": cold["found"], "heavy": []}
    # a value override does not change which keys exist: still warm
    warm = _probe(app, "python train.py db.port=1 db.")
    assert warm == {"found": cold["found"], "heavy": []}


def test_a_group_choice_is_composed_once_then_warm(tmp_path: Path) -> None:
    app = tmp_path / "app"
    shutil.copytree(DATA, app)
    (app / "conf" / "db" / "other.yaml").write_text("url: x\nuser: me\n")
    assert _probe(app, "python train.py db.")["found"] == ["db.host=", "db.port="]
    first = _probe(app, "python train.py db=other db.")
    assert first == {"found": ["db.url=", "db.user="], "heavy": ["omegaconf", "yaml"]}
    assert _probe(app, "python train.py db=other db.") == {"found": first["found"], "heavy": []}


def test_an_edited_config_is_seen_at_the_next_tab(tmp_path: Path) -> None:
    app = tmp_path / "app"
    shutil.copytree(DATA, app)
    assert complete_line("train.py", "python train.py db.", str(app)) == ["db.host=", "db.port="]
    time.sleep(0.01)  # a new mtime even on coarse clocks
    for option in (app / "conf" / "db").glob("*.yaml"):
        option.write_text(option.read_text() + "timeout: 3\n")
    found = _probe(app, "python train.py db.")
    assert "db.timeout=" in found["found"] and found["heavy"]
    (app / "conf" / "db" / "added.yaml").write_text("a: 1\n")  # a new option
    assert "db=added" in complete_line("train.py", "python train.py db=", str(app))


def test_a_damaged_or_foreign_entry_is_a_miss(tmp_path: Path, own_cache: Path) -> None:
    app = tmp_path / "app"
    shutil.copytree(DATA, app)
    expected = complete_line("train.py", "python train.py db.", str(app))
    entries = list((own_cache / "hydria" / "configs").glob("complete-*"))
    assert entries
    for entry in entries:
        data = entry.read_bytes()
        entry.write_bytes(data[:-40] + b"x" * 40)  # the MAC no longer matches
    assert complete_line("train.py", "python train.py db.", str(app)) == expected
    for entry in (own_cache / "hydria" / "configs").glob("complete-*"):
        entry.write_bytes(b"not a cache entry")
    assert complete_line("train.py", "python train.py db.", str(app)) == expected


def test_composition_key_keeps_what_changes_the_keys() -> None:
    groups = {"": ([], ["db"]), "db": (["mysql"], [])}
    key = tree_cache.composition_key(
        ["db=mysql", "db.port=3", "+extra=1", "~x", "++y=2", "seed=1,2", "db@other=mysql"], groups
    )
    assert json.loads(key) == ["db=mysql", "+extra=1", "~x", "++y=2", "db@other=mysql"]
