"""Benchmark (not a test): `instantiate` on a nested config of 500 `_target_` nodes,
hydria against hydra-core when a Python with hydra-core is given.

    .venv/bin/python benchmarks/instantiate_speed.py [--repeat 30] [--hydra-python PATH]

The config is a tree of `_target_: benchmarks_target.Node` calls four levels deep
(branching 7: 1 + 7 + 49 + 343 + a list of 100 leaves = 500 targets), with plain
values, a nested plain dict, and interpolations at each node, so that every part of
instantiate's traversal is exercised. Each implementation runs in its own process
(the same script, `--impl`); figures are CPU-time medians over --repeat calls on a
config composed once.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from typing import Any

TARGET_MODULE = """
class Node:
    def __init__(self, *args, **kwargs):
        self.args = args
        self.kwargs = kwargs
"""


def nested_config(depth: int = 4, branching: int = 7, leaves: int = 100) -> dict[str, Any]:
    """A config whose tree holds 1 + 7 + 49 + 343 + `leaves` = 500 targets."""

    def node(level: int, index: int) -> dict[str, Any]:
        content: dict[str, Any] = {
            "_target_": "benchmarks_target.Node",
            "index": index,
            "name": f"n{level}_{index}",
            "scale": "${scale}",
            "options": {"lr": 0.1, "betas": [0.9, 0.999]},
        }
        if level < depth - 1:
            for child in range(branching):
                content[f"c{child}"] = node(level + 1, child)
        return content

    root = {"scale": 2.0, "model": node(0, 0)}
    root["model"]["leaves"] = [
        {"_target_": "benchmarks_target.Node", "index": i} for i in range(leaves)
    ]
    return root


def count_targets(value: Any) -> int:
    if isinstance(value, dict):
        return ("_target_" in value) + sum(count_targets(v) for v in value.values())
    if isinstance(value, list):
        return sum(count_targets(v) for v in value)
    return 0


def measure(impl: str, repeat: int) -> dict[str, float]:
    from omegaconf import OmegaConf

    if impl == "hydra":
        from hydra.utils import instantiate
    else:
        from hydria import instantiate

    cfg = OmegaConf.create(nested_config())
    instantiate(cfg.model)  # imports and caches warmed
    times = []
    for _ in range(repeat):
        start = time.process_time()
        instantiate(cfg.model)
        times.append(time.process_time() - start)
    return {"median": statistics.median(times), "min": min(times)}


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--repeat", type=int, default=30)
    p.add_argument("--hydra-python", default=os.environ.get("HYDRA_REF_PYTHON"))
    p.add_argument("--impl", choices=["hydria", "hydra"], help=argparse.SUPPRESS)
    args = p.parse_args()
    if args.impl:
        print(json.dumps(measure(args.impl, args.repeat)))
        return
    assert count_targets(nested_config()) == 500
    runs = {"hydria": sys.executable}
    if args.hydra_python:
        runs["hydra"] = args.hydra_python
    results = {}
    with tempfile.TemporaryDirectory() as folder:
        with open(os.path.join(folder, "benchmarks_target.py"), "w") as f:
            f.write(TARGET_MODULE)
        env = {
            **os.environ,
            "PYTHONPATH": os.pathsep.join([folder, os.environ.get("PYTHONPATH", "")]),
        }
        for name, python in runs.items():
            out = subprocess.run(
                [python, __file__, "--impl", name, "--repeat", str(args.repeat)],
                env=env,
                capture_output=True,
                text=True,
                check=True,
            )
            results[name] = json.loads(out.stdout)
    for name, figures in results.items():
        print(
            f"{name:7s} instantiate, 500 targets: median {figures['median'] * 1e3:7.2f} ms CPU "
            f"(min {figures['min'] * 1e3:.2f} ms)"
        )
    if "hydra" in results:
        ratio = results["hydra"]["median"] / results["hydria"]["median"]
        print(f"hydria is {ratio:.2f}x the speed of hydra-core")


if __name__ == "__main__":
    main()
