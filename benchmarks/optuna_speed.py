"""Benchmark (not a test): an Optuna sweep of trials of uneven length, hydria against
hydra-core with hydra-optuna-sweeper, both on the joblib launcher, in one run.

    .venv/bin/python benchmarks/optuna_speed.py --hydra-python /tmp/hydra-opt/bin/python \\
        [--trials 16] [--n-jobs 4] [--repeat 3]

The reference environment: `python3 -m venv /tmp/hydra-opt && /tmp/hydra-opt/bin/pip
install hydra-core==1.3.2 hydra-optuna-sweeper==1.2.0 hydra-joblib-launcher==1.2.0`.

The same app runs under both (`import hydra` for one, `import hydria` for the other):
trial `num` sleeps 1 + (7 * num) % 4 seconds (1 to 4 s, set by the job number so both
samplers see the same lengths) and returns a number. Each run reports, as medians over
--repeat runs (the two alternate):

* wall: the whole sweep, process start to exit;
* idle: worker-seconds with no trial running, n_jobs x (last end - first start) minus the
  trials' own time: what a batch barrier costs (a batch waits for its slowest trial).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

CONFIG = """
defaults:
  - override hydra/sweeper: optuna
  - override hydra/launcher: joblib
x: 0.0
hydra:
  sweeper:
    n_trials: {trials}
    n_jobs: {n_jobs}
    direction: minimize
    sampler:
      seed: 123
    params:
      x: interval(-5, 5)
  launcher:
    n_jobs: {n_jobs}
"""

APP = """
import json, os, time
import {module} as hydra_like
from {module}.core.hydra_config import HydraConfig

@hydra_like.main(config_path="conf", config_name="config", version_base=None)
def app(cfg):
    num = HydraConfig.get().job.num
    start = time.time()
    time.sleep(1 + (7 * num) % 4)
    with open(os.path.join(os.environ["BENCH_TRACE"], f"{{num}}.json"), "w") as f:
        json.dump({{"start": start, "end": time.time()}}, f)
    return (cfg.x - 1.0) ** 2

if __name__ == "__main__":
    app()
"""


def one_run(python: str, module: str, trials: int, n_jobs: int) -> dict[str, float]:
    root = Path(tempfile.mkdtemp(prefix=f"optuna-{module}-"))
    try:
        (root / "conf").mkdir()
        (root / "conf" / "config.yaml").write_text(CONFIG.format(trials=trials, n_jobs=n_jobs))
        (root / "app.py").write_text(APP.format(module=module))
        trace = root / "trace"
        trace.mkdir()
        env = {k: v for k, v in os.environ.items() if not k.startswith(("HYDRA", "HYDRIA"))}
        env["BENCH_TRACE"] = str(trace)
        env.pop("PYTHONPATH", None)
        began = time.perf_counter()
        subprocess.run(
            [python, "app.py", "-m", "hydra.sweep.dir=sw"],
            cwd=root,
            env=env,
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wall = time.perf_counter() - began
        spans = [json.loads(p.read_text()) for p in trace.glob("*.json")]
        if len(spans) != trials:
            raise RuntimeError(f"{module}: {len(spans)} trials ran, expected {trials}")
        busy = sum(s["end"] - s["start"] for s in spans)
        window = max(s["end"] for s in spans) - min(s["start"] for s in spans)
        return {"wall": wall, "idle": n_jobs * window - busy, "busy": busy, "window": window}
    finally:
        shutil.rmtree(root, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hydra-python", required=True)
    parser.add_argument("--trials", type=int, default=16)
    parser.add_argument("--n-jobs", type=int, default=4)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    runs: dict[str, list[dict[str, float]]] = {"hydria": [], "hydra": []}
    for index in range(args.repeat):
        order = ["hydria", "hydra"] if index % 2 == 0 else ["hydra", "hydria"]
        for name in order:
            python = sys.executable if name == "hydria" else args.hydra_python
            result = one_run(python, name, args.trials, args.n_jobs)
            runs[name].append(result)
            print(
                f"  [{index + 1}/{args.repeat}] {name:6s} wall {result['wall']:.2f} s, "
                f"idle {result['idle']:.2f} worker-s, window {result['window']:.2f} s",
                file=sys.stderr,
            )
    median = {
        name: {key: statistics.median(r[key] for r in rs) for key in rs[0]}
        for name, rs in runs.items()
    }
    busy = median["hydria"]["busy"]
    print(
        f"{args.trials} trials of 1-4 s ({busy:.0f} s of work), n_jobs={args.n_jobs}, "
        f"median of {args.repeat}:"
    )
    for name in ("hydria", "hydra"):
        m = median[name]
        print(f"  {name:6s}  wall {m['wall']:6.2f} s   workers idle {m['idle']:6.2f} worker-s")
    ratio = median["hydria"]["wall"] / median["hydra"]["wall"]
    print(f"  hydria/hydra wall: {ratio:.2f}; floor (work / n_jobs): {busy / args.n_jobs:.2f} s")


if __name__ == "__main__":
    main()
