"""Benchmark (not a test): how long a Tab takes, hydria's completion against hydra-core's.

    .venv/bin/python benchmarks/completion_speed.py [--bench ../shared/bench] [--repeat 10]
        [--hydra-python /tmp/hydra-ref/bin/python]

The app is a script on the lightning-hydra-template tree whose module sleeps 2 s at
import, as an app importing torch would. hydria answers with `python -m hydria complete`,
which reads the script without importing it; hydra-core answers with the app itself
(`COMP_LINE=... python train.py -sc query=bash`, what its bash function runs), which
imports it. "cold" is hydria's first Tab with an empty cache; "warm" the median of the
next ones; "floor" a process that only runs `import hydria`. Wall and CPU (user+sys of
the child) medians, in milliseconds.

The tree asks for the hydra-colorlog plugin, which neither implementation has here: the
line selects Hydra's built-in logging first, as the bench's scenario S2 does, or the
config would not compose for either.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence

LINE = "python train.py hydra/hydra_logging=default hydra/job_logging=default model.optimizer."
APP = """import time

time.sleep(2)  # what importing torch costs an app

import {package}


@{package}.main(config_path={config_dir!r}, config_name="train", version_base="1.3")
def main(cfg):
    pass


if __name__ == "__main__":
    main()
"""


def _run(argv: Sequence[str], env: dict[str, str], cwd: str) -> tuple[float, float, str]:
    """Wall and CPU seconds of one child process, and its stdout."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(argv, env=env, cwd=cwd, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, done.stdout


def _medians(samples: list[tuple[float, float, str]]) -> tuple[float, float]:
    return (
        statistics.median(s[0] for s in samples) * 1000,
        statistics.median(s[1] for s in samples) * 1000,
    )


def _row(name: str, wall: float, cpu: float, answer: str) -> None:
    words = answer.split()
    shown = " ".join(words[:4]) + (" ..." if len(words) > 4 else "")
    print(f"{name:<28} {wall:8.1f} {cpu:8.1f}   {shown}")


def main() -> None:
    here = os.path.dirname(os.path.abspath(__file__))
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bench", default=os.path.join(here, "..", "..", "shared", "bench"))
    parser.add_argument("--repeat", type=int, default=10)
    parser.add_argument("--hydra-python", default="/tmp/hydra-ref/bin/python")
    parser.add_argument("--line", default=LINE)
    args = parser.parse_args()
    config_dir = os.path.abspath(
        os.path.join(args.bench, "trees", "lightning-hydra-template", "configs")
    )
    with tempfile.TemporaryDirectory() as work:
        hydria_dir = os.path.join(work, "hydria_app")
        hydra_dir = os.path.join(work, "hydra_app")
        for directory, package in ((hydria_dir, "hydria"), (hydra_dir, "hydra")):
            os.makedirs(directory)
            with open(os.path.join(directory, "train.py"), "w") as handle:
                handle.write(APP.format(package=package, config_dir=config_dir))
        env = {**os.environ, "XDG_CACHE_HOME": os.path.join(work, "cache"), "PROJECT_ROOT": work}
        env.pop("HYDRIA_NO_CACHE", None)
        complete = [sys.executable, "-m", "hydria", "complete", "--script", "train.py"]
        complete += ["--cwd", hydria_dir, "--line", args.line]

        print(f"line: {args.line!r}")
        print(f"{'':<28} {'wall ms':>8} {'cpu ms':>8}   answer")
        cold = _run(complete, env, work)
        _row("hydria, cold (empty cache)", cold[0] * 1000, cold[1] * 1000, cold[2])
        warm = [_run(complete, env, work) for _ in range(args.repeat)]
        _row(f"hydria, warm (median of {args.repeat})", *_medians(warm), warm[-1][2])
        floor = [_run([sys.executable, "-c", "import hydria"], env, work)]
        floor += [_run([sys.executable, "-c", "import hydria"], env, work) for _ in range(4)]
        _row("floor: python -c 'import hydria'", *_medians(floor), "")
        if not os.path.exists(args.hydra_python):
            print(f"hydra-core: no {args.hydra_python}; skipped")
            return
        query = [args.hydra_python, "train.py", "-sc", "query=bash"]
        hydra_env = {**env, "COMP_LINE": args.line, "COMP_POINT": str(len(args.line))}
        hydra = [_run(query, hydra_env, hydra_dir) for _ in range(args.repeat)]
        _row(f"hydra-core (median of {args.repeat})", *_medians(hydra), hydra[-1][2])


if __name__ == "__main__":
    main()
