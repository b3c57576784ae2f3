"""Benchmark (not a test): what a sweep costs per job, and what the parallel launcher gains.

    .venv/bin/python benchmarks/sweep_speed.py [--jobs 100 1000] [--hydra-python PATH]
        [--cpu-jobs 16] [--repeat 3]

1. Per-job overhead on the basic launcher: `python app.py -m a=range(0,N)` with a
   no-op task, wall time, for N jobs and for 1 job; the overhead per job is
   (T(N) - T(1)) / (N - 1). Same tree, same command, hydria and (with
   --hydra-python) hydra-core, in the same run.
2. Parallel scaling: a sweep of --cpu-jobs CPU-bound jobs (each about two seconds
   of pure Python), on `basic` and on `hydra/launcher=joblib`; the speed-up against
   the ideal, min(cores, jobs).
Each figure is the median of --repeat runs.
"""

from __future__ import annotations

import argparse
import compileall
import os
import statistics
import sys
import tempfile

from startup import FLAVOURS, wall  # the same two apps, timed the same way

APP = """
import os
{import_line}

@{decorator}
def app(cfg):
    if cfg.get("work"):
        n = 0
        for i in range(int(cfg.work)):
            n += i * i
        return n

if __name__ == "__main__":
    app()
"""


def write_tree(root: str) -> None:
    os.makedirs(os.path.join(root, "conf", "db"))
    with open(os.path.join(root, "conf", "config.yaml"), "w") as f:
        f.write("defaults:\n  - db: mysql\n  - _self_\n\na: 0\nwork: 0\n")
    with open(os.path.join(root, "conf", "db", "mysql.yaml"), "w") as f:
        f.write("host: localhost\nport: 3306\n")
    for name, (import_line, decorator) in FLAVOURS.items():
        with open(os.path.join(root, f"{name}_app.py"), "w") as f:
            f.write(APP.format(import_line=import_line, decorator=decorator))


def median_wall(cmd: list[str], cwd: str, repeat: int) -> float:
    return statistics.median(wall(cmd, cwd) for _ in range(repeat))


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--jobs", type=int, nargs="+", default=[100, 1000])
    p.add_argument("--cpu-jobs", type=int, default=16)
    p.add_argument("--cpu-work", type=int, default=50_000_000)
    p.add_argument("--repeat", type=int, default=3)
    p.add_argument("--hydra-python", default=os.environ.get("HYDRA_REF_PYTHON"))
    args = p.parse_args()
    import hydria

    compileall.compile_dir(os.path.dirname(hydria.__file__), quiet=1)
    pythons = {"hydria": sys.executable}
    if args.hydra_python:
        pythons["hydra"] = args.hydra_python
    with tempfile.TemporaryDirectory() as root:
        write_tree(root)
        print("Per-job overhead, basic launcher, no-op task (wall, median):")
        overhead: dict[tuple[str, int], float] = {}
        for name, python in pythons.items():
            app = os.path.join(root, f"{name}_app.py")

            def sweep(n: int, app: str = app, python: str = python) -> float:
                cmd = [python, app, "-m", f"a=range(0,{n})", "hydra.sweep.dir=sw"]
                return median_wall(cmd, root, args.repeat)

            one = sweep(1)
            for n in args.jobs:
                total = sweep(n)
                overhead[(name, n)] = (total - one) / (n - 1)
                print(
                    f"  {name:7s} {n:5d} jobs: {total:7.2f} s total, "
                    f"{overhead[(name, n)] * 1e3:6.2f} ms per job (1 job: {one:.2f} s)"
                )
        if "hydra" in pythons:
            for n in args.jobs:
                ratio = overhead[("hydra", n)] / overhead[("hydria", n)]
                print(
                    f"  {n} jobs: hydria's per-job overhead is {ratio:.1f}x lower than hydra-core's"
                )

        cores = os.cpu_count() or 1
        ideal = min(cores, args.cpu_jobs)
        app = os.path.join(root, "hydria_app.py")
        base = [sys.executable, app, "-m", f"a=range(0,{args.cpu_jobs})", f"work={args.cpu_work}"]
        basic = median_wall([*base, "hydra.sweep.dir=cpu_basic"], root, args.repeat)
        parallel = median_wall(
            [*base, "hydra/launcher=joblib", "hydra.sweep.dir=cpu_joblib"], root, args.repeat
        )
        speedup = basic / parallel
        print(f"\n{args.cpu_jobs} CPU-bound jobs on {cores} cores (wall, median):")
        print(f"  basic  {basic:6.2f} s")
        share = speedup / ideal
        print(f"  joblib {parallel:6.2f} s  -> {speedup:.2f}x, {share:.0%} of ideal {ideal}x")


if __name__ == "__main__":
    main()
