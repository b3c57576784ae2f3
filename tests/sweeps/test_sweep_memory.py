"""A sweep frees each job's configs when the job is done with them, by reference counting,
so they never wait for the cyclic GC; what a task or callback kept stays whole."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

from tests.sweeps.conftest import app_env

APP = """
import gc, json, sys, weakref
import hydria
from hydria.core.hydra_config import HydraConfig

gc.disable()  # what dies now is what reference counting freed
seen = []
kept = {}

@hydria.main(config_path="conf", config_name="config", version_base=None)
def app(cfg):
    num = HydraConfig.get().job.num
    seen.append((num, weakref.ref(cfg), weakref.ref(HydraConfig.get())))
    if num in KEEP_WHOLE:
        kept[num] = cfg
    elif num in KEEP_NODE:
        kept[num] = cfg.db
    return num

KEEP_WHOLE = {int(x) for x in sys.argv.pop(1).split(",") if x}
KEEP_NODE = {int(x) for x in sys.argv.pop(1).split(",") if x}
app()
print(json.dumps({
    "freed_task": sorted(n for n, task, _ in seen if task() is None),
    "freed_job": sorted(n for n, _, hydra in seen if hydra() is None),
    "kept_ports": {str(n): (c.db.port if n in KEEP_WHOLE else c.port) for n, c in kept.items()},
    "kept_links": {str(n): (c.link if n in KEEP_WHOLE else c._get_root().link)
                   for n, c in kept.items()},
    "hydra_of_kept": {str(n): c._get_root().hydra.job.num
                      for n, c in kept.items() if n in KEEP_NODE and "hydra" in c._get_root()},
}))
"""


def _sweep(tmp_path: Path, app: str, config: str, *argv: str) -> dict[str, Any]:
    """Run `app` (its report: the last line of its output, JSON) as a script in a real process."""
    (tmp_path / "conf").mkdir()
    (tmp_path / "conf" / "config.yaml").write_text(config)
    (tmp_path / "app.py").write_text(app)
    proc = subprocess.run(
        [sys.executable, "app.py", *argv],
        cwd=tmp_path,
        env=app_env(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def _run(tmp_path: Path, keep_whole: str, keep_node: str, *argv: str) -> dict[str, Any]:
    config = "db:\n  port: 3306\n  host: h\nlink: ${db.port}\n"
    return _sweep(tmp_path, APP, config, keep_whole, keep_node, "-m", *argv)


def test_each_jobs_configs_are_freed_by_reference_counting(tmp_path: Path) -> None:
    out = _run(tmp_path, "", "", "db.port=range(0,12)")
    assert out["freed_task"] == list(range(12))
    assert out["freed_job"] == list(range(12))


def test_what_a_task_kept_stays_whole_and_the_rest_is_freed(tmp_path: Path) -> None:
    out = _run(tmp_path, "2,7", "4", "db.port=range(0,10)")
    assert out["freed_task"] == [n for n in range(10) if n not in (2, 4, 7)]
    assert out["freed_job"] == list(range(10))  # the task's copy is its own tree
    assert out["kept_ports"] == {"2": 2, "4": 4, "7": 7}
    assert out["kept_links"] == {"2": 2, "4": 4, "7": 7}  # interpolations still resolve


GC_APP = """
import gc, json, weakref
import hydria

assert gc.get_freeze_count() == 0
report = {"collected_before_next": [], "frozen_during": []}
previous = []

class Cycle:
    def __init__(self):
        self.me = self

@hydria.main(config_path="conf", config_name="config", version_base=None)
def app(cfg):
    report["frozen_during"].append(gc.get_freeze_count() > 0)
    if previous:
        gc.collect()
        report["collected_before_next"].append(previous[-1]() is None)
    previous.append(weakref.ref(Cycle()))  # the task's own cyclic garbage

app()
report["frozen_after"] = gc.get_freeze_count()
print(json.dumps(report))
"""


def test_a_tasks_cyclic_garbage_is_collected_during_the_sweep_and_the_gc_is_as_before(
    tmp_path: Path,
) -> None:
    report = _sweep(tmp_path, GC_APP, "db:\n  port: 1\n", "-m", "db.port=range(0,6)")
    assert report["frozen_during"] == [True] * 6  # the batch's configs are held apart
    assert report["collected_before_next"] == [True] * 5  # a task's garbage is not
    assert report["frozen_after"] == 0  # and the process's GC is as it was
