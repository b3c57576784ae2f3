"""Benchmark (not a test): warm composition of a tree of structured configs, hydria against Hydra.

The tree (`trees/habitat_like`) mimics a large simulator project: a package of dataclass
schemas registered in the ConfigStore and YAML configs whose defaults lists pull in about
fifteen structured nodes per composition. Structured nodes are what made hydria slow on
such trees (each composition re-copied and re-validated them), so this is the tree to
watch when touching the store, the config memo or the composer:

    .venv/bin/python benchmarks/structured_speed.py [--repeat 50]

hydria runs in this process; Hydra (hydra-core) runs the same tree in a subprocess with
the interpreter in $HYDRA_REF_PYTHON (default /tmp/hydra-ref/bin/python), when there is
one. Figures are CPU time (process_time), medians over --repeat warm calls; both sides
also print a digest of the composed config, so a mismatch shows.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import statistics
import subprocess
import sys
import time
import zlib
from collections.abc import Callable
from typing import Any

HERE = os.path.dirname(os.path.abspath(__file__))
TREE = os.path.join(HERE, "trees", "habitat_like")
CONF = os.path.join(TREE, "conf")
CONFIG_NAME = "benchmark/pointnav"
OVERRIDES = [
    "habitat.environment.max_episode_steps=200",
    "habitat.task.measurements.success.success_distance=0.2",
    "habitat.simulator.agents.main_agent.sim_sensors.rgb_sensor.width=128",
]
DEFAULT_REF = "/tmp/hydra-ref/bin/python"


def _cpu_median(fn: Callable[[], object], repeat: int) -> float:
    fn()  # warm: files parsed, memos filled, imports done
    times = []
    for _ in range(repeat):
        t = time.process_time()
        fn()
        times.append(time.process_time() - t)
    return statistics.median(times)


def _load_schema() -> Any:
    """The tree's schema module, imported by name (as an installed package would be)."""
    name = "habitat_like_schema"
    spec = importlib.util.spec_from_file_location(name, os.path.join(TREE, "schema.py"))
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def _measure(flavour: str, repeat: int) -> tuple[float, str]:
    """Time warm compositions with `flavour` (`hydria` or `hydra`) in this process;
    also a digest of the composed config."""
    from omegaconf import OmegaConf

    schema = _load_schema()
    schema.register(schema.config_store(flavour))
    cfg: Any
    if flavour == "hydra":
        from hydra import compose, initialize_config_dir

        with initialize_config_dir(config_dir=CONF, version_base="1.3"):
            cfg = compose(CONFIG_NAME, OVERRIDES)
            median = _cpu_median(lambda: compose(CONFIG_NAME, OVERRIDES), repeat)
    else:
        import hydria

        def once() -> object:
            return hydria.compose(CONFIG_NAME, OVERRIDES, config_dir=CONF)

        cfg = once()
        median = _cpu_median(once, repeat)
    text = OmegaConf.to_yaml(cfg)
    return median, f"{zlib.crc32(text.encode()):08x}"


def _hydra_python() -> str | None:
    ref = os.environ.get("HYDRA_REF_PYTHON") or DEFAULT_REF
    return ref if os.path.exists(ref) else None


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--repeat", type=int, default=50)
    p.add_argument("--worker", choices=["hydria", "hydra"], help=argparse.SUPPRESS)
    args = p.parse_args()
    if args.worker:
        print(json.dumps(_measure(args.worker, args.repeat)))
        return
    mine, my_digest = _measure("hydria", args.repeat)
    line = f"habitat_like  hydria warm {mine * 1e3:8.3f} ms"
    ref = _hydra_python()
    if ref is None:
        print(line + "  (no Hydra interpreter: set HYDRA_REF_PYTHON)")
        return
    out = subprocess.run(
        [ref, os.path.abspath(__file__), "--worker", "hydra", "--repeat", str(args.repeat)],
        check=True,
        capture_output=True,
        text=True,
    )
    theirs, their_digest = json.loads(out.stdout.strip().splitlines()[-1])
    same = "same config" if their_digest == my_digest else "CONFIGS DIFFER"
    print(f"{line}  hydra-core warm {theirs * 1e3:8.3f} ms  {theirs / mine:5.1f}x  ({same})")


if __name__ == "__main__":
    main()
