"""Benchmark (not a test): the start-up of a command-line app, hydria against the floor
and, when a Python with hydra-core is given, against Hydra.

    .venv/bin/python benchmarks/startup.py [--repeat 15] [--hydra-python /path/to/python]

Measures the wall time of `python app.py --cfg job` and of a no-op run on a small tree,
each a fresh process, against `python -c "import omegaconf, yaml"` (the floor: any
OmegaConf app pays it). Medians over --repeat runs; the two apps alternate.
"""

from __future__ import annotations

import argparse
import compileall
import os
import statistics
import subprocess
import sys
import tempfile
import time

APP = """
import sys
{import_line}

@{decorator}
def app(cfg):
    pass

if __name__ == "__main__":
    app()
"""

FLAVOURS = {
    "hydria": (
        "import hydria",
        'hydria.main(config_path="conf", config_name="config", version_base=None)',
    ),
    "hydra": (
        "import hydra",
        'hydra.main(version_base=None, config_path="conf", config_name="config")',
    ),
}


def write_tree(root: str) -> None:
    os.makedirs(os.path.join(root, "conf", "db"))
    with open(os.path.join(root, "conf", "config.yaml"), "w") as f:
        f.write("defaults:\n  - db: mysql\n")
    with open(os.path.join(root, "conf", "db", "mysql.yaml"), "w") as f:
        f.write("defaults:\n  - base_mysql\n\nuser: omry\nport: 3307\n")
    with open(os.path.join(root, "conf", "db", "base_mysql.yaml"), "w") as f:
        f.write("host: localhost\nport: 3306\nuser: ???\npassword: ???\n")
    for name, (import_line, decorator) in FLAVOURS.items():
        with open(os.path.join(root, f"{name}_app.py"), "w") as f:
            f.write(APP.format(import_line=import_line, decorator=decorator))


def wall(cmd: list[str], cwd: str) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, cwd=cwd, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--repeat", type=int, default=15)
    p.add_argument("--hydra-python", default=os.environ.get("HYDRA_REF_PYTHON"))
    args = p.parse_args()
    pythons = {"hydria": sys.executable}
    if args.hydra_python:
        pythons["hydra"] = args.hydra_python
    # An installed package has its bytecode; an editable one under PYTHONDONTWRITEBYTECODE
    # would be compiled from source on every run and measured unfairly slow.
    import hydria

    compileall.compile_dir(os.path.dirname(hydria.__file__), quiet=1)
    with tempfile.TemporaryDirectory() as root:
        write_tree(root)
        runs: dict[str, list[float]] = {}
        for _ in range(args.repeat):
            for name, python in pythons.items():
                app = os.path.join(root, f"{name}_app.py")
                for mode, extra in (("--cfg job", ["--cfg", "job"]), ("no-op run", [])):
                    runs.setdefault(f"{name} {mode}", []).append(wall([python, app, *extra], root))
            floor = wall([sys.executable, "-c", "import omegaconf, yaml"], root)
            runs.setdefault("floor", []).append(floor)
    medians = {k: statistics.median(v) for k, v in runs.items()}
    for name, value in medians.items():
        ratio = value / medians["floor"]
        print(f"{name:22s} {value * 1e3:7.1f} ms   {ratio:4.2f}x floor")
    if "hydra no-op run" in medians:
        speedup = medians["hydra no-op run"] / medians["hydria no-op run"]
        print(f"no-op run: hydria is {speedup:.2f}x faster than hydra-core")


if __name__ == "__main__":
    main()
