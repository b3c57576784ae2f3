"""Benchmark (not a test): a 32-job sweep on the parallel local launcher, `submitit_local`,
`ray` and (when `SLURM_CONF` points at a running cluster) `submitit_slurm`, side by side.

    .venv/bin/python benchmarks/launcher_speed.py [--jobs 32] [--repeat 3] [--sleep 0.5]

For each launcher, `python app.py -m x=range(0,N)` with a task that sleeps --sleep
seconds (so jobs can overlap), wall time, median of --repeat runs:

* throughput: jobs per second over the whole sweep (start-up included);
* per-job overhead: (T(N) - T(1) - (ceil(N / p) - 1) * sleep) / (N - 1), what a
  launcher adds to each further job beyond the task itself, with `p` the jobs it runs
  at once (2 workers, 2 Ray CPUs; submitit_local starts every job at once).

Ray runs against a head node this script starts (`ray start --head`, 2 CPUs; its start
is not counted), and also starting its own local cluster inside the sweep (counted).
With --slurm, a one-node SLURM (the test suite's, with accounting) is started for the
run and `submitit_slurm` measured too.
"""

from __future__ import annotations

import argparse
import importlib.util
import math
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

APP = """
import time
from pathlib import Path
import hydria

@hydria.main(config_path="conf", config_name="config", version_base=None)
def app(cfg):
    time.sleep(cfg.sleep)
    return cfg.x

if __name__ == "__main__":
    app()
"""


def wall(cmd: list[str], cwd: str, env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, cwd=cwd, env=env, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_ray_head(temp: str, env: dict[str, str]) -> tuple[subprocess.Popen[bytes], int]:
    port = free_port()
    ray = shutil.which("ray", path=os.path.dirname(sys.executable)) or "ray"
    head = subprocess.Popen(
        [ray, "start", "--head", "--block", f"--port={port}", "--num-cpus=2",
         "--include-dashboard=false", "--disable-usage-stats", f"--temp-dir={temp}"],
        env=env, start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    deadline = time.time() + 60
    while time.time() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                time.sleep(2)  # the raylet registers after the GCS listens
                return head, port
        time.sleep(0.2)
    os.killpg(head.pid, signal.SIGKILL)
    raise SystemExit("the Ray head node did not start")


def start_slurm(root: str) -> object:
    """The test suite's one-node SLURM with accounting, started in `root`."""
    here = os.path.dirname(os.path.abspath(__file__))
    path = os.path.join(here, "..", "tests", "launchers", "slurm", "conftest.py")
    spec = importlib.util.spec_from_file_location("slurm_fixture", path)
    if spec is None or spec.loader is None:
        raise SystemExit(f"cannot load {path}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    reason = module.unavailable_reason()
    if reason is not None:
        raise SystemExit(f"--slurm: {reason}")
    os.makedirs(root)
    cluster = module.LocalSlurm(Path(root))
    cluster.start()
    return cluster


def slurm_cpus(cluster: object) -> int:
    out = subprocess.run(
        ["sinfo", "-h", "-o", "%c"], env={**os.environ, "SLURM_CONF": str(cluster.conf)},  # type: ignore[attr-defined]
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    return int(out.split()[0])


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--jobs", type=int, default=32)
    p.add_argument("--repeat", type=int, default=3)
    p.add_argument("--sleep", type=float, default=0.5)
    p.add_argument("--slurm", action="store_true", help="start a one-node SLURM and measure it")
    args = p.parse_args()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HYDRA_", "HYDRIA_"))}
    env["RAY_AUTH_MODE"] = "disabled"
    with tempfile.TemporaryDirectory() as root:
        os.makedirs(os.path.join(root, "conf"))
        with open(os.path.join(root, "conf", "config.yaml"), "w") as f:
            f.write(f"x: 0\nsleep: {args.sleep}\n")
        with open(os.path.join(root, "app.py"), "w") as f:
            f.write(APP)
        head, port = start_ray_head(os.path.join(root, "ray"), env)
        slurm = None
        try:
            launchers: dict[str, tuple[list[str], int]] = {
                "joblib (2 workers)": (["hydra/launcher=joblib", "hydra.launcher.n_jobs=2"], 2),
                "submitit_local": (["hydra/launcher=submitit_local"], args.jobs),
                "ray (head node, 2 CPUs)": (
                    ["hydra/launcher=ray", f"hydra.launcher.ray.init.address=127.0.0.1:{port}"],
                    2,
                ),
                "ray (own local cluster)": (
                    ["hydra/launcher=ray", "+hydra.launcher.ray.init.num_cpus=2"],
                    2,
                ),
            }
            slurm = start_slurm(os.path.join(root, "slurm")) if args.slurm else None
            if slurm is not None:
                env["SLURM_CONF"] = str(slurm.conf)
                launchers["submitit_slurm (one node)"] = (
                    ["hydra/launcher=submitit_slurm"],
                    slurm_cpus(slurm),
                )
            print(f"{args.jobs} jobs sleeping {args.sleep} s; wall medians of {args.repeat}")
            for name, (overrides, parallel) in launchers.items():

                def sweep(n: int, overrides: list[str] = overrides) -> float:
                    cmd = [sys.executable, "app.py", "-m", f"x=range(0,{n})", *overrides]
                    return wall([*cmd, f"hydra.sweep.dir=s{n}_{time.time_ns()}"], root, env)

                one = statistics.median(sweep(1) for _ in range(args.repeat))
                many = statistics.median(sweep(args.jobs) for _ in range(args.repeat))
                waves = math.ceil(args.jobs / min(parallel, args.jobs))
                overhead = (many - one - (waves - 1) * args.sleep) / (args.jobs - 1)
                print(
                    f"  {name:26s} {many:7.2f} s  {args.jobs / many:6.2f} jobs/s  "
                    f"overhead {overhead * 1e3:8.1f} ms/job  (1 job: {one:5.2f} s)"
                )
        finally:
            os.killpg(head.pid, signal.SIGKILL)
            head.wait()
            if args.slurm and slurm is not None:
                slurm.stop()


if __name__ == "__main__":
    main()
