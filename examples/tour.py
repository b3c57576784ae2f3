"""The seed tour, run as a user would: each example app on its command line (`make demo`)."""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))

STEPS = [
    ("Extending configs: db/mysql extends db/base_mysql", "extending_configs", []),
    ("Overriding from the command line", "extending_configs", ["db.port=3308", "+db.timeout=5"]),
    ("Configuring experiments", "configuring_experiments", ["+experiment=aplite"]),
    (
        "A sweep over both experiments (multirun)",
        "configuring_experiments",
        ["--multirun", "+experiment=aplite,nglite"],
    ),
    (
        "Specializing configuration: imagenet + alexnet (the defaults), AlexNet's 7 layers",
        "specializing_config",
        [],
    ),
    (
        "Specializing configuration: cifar10 + alexnet picks dataset_model/cifar10_alexnet: "
        "5 layers",
        "specializing_config",
        ["dataset=cifar10", "model=alexnet"],
    ),
    (
        "Specializing configuration: cifar10 + resnet has no specialization",
        "specializing_config",
        ["dataset=cifar10", "model=resnet"],
    ),
    ("Accessing the Hydra config", "hydra_config", []),
    ("Resolvers: now and python_version", "resolvers", []),
    ("Printing the config without running: --cfg job", "extending_configs", ["--cfg", "job"]),
    (
        "Where each value came from: --cfg job --explain",
        "extending_configs",
        ["--cfg", "job", "--explain"],
    ),
    (
        "Every value one key took: --explain db.port",
        "extending_configs",
        ["--explain", "db.port", "db.port=3308"],
    ),
    ("A typo in an option (exit code 1)", "extending_configs", ["db=mysqll"]),
    (
        "Experiment tracking: each job a wandb run (offline) and an MLflow run (SQLite)",
        "tracking",
        ["--multirun", "lr=0.05,0.2", "hydra.sweep.dir=tracked"],
    ),
    (
        "A parallel sweep: 6 jobs on 2 worker processes, results collected",
        "parallel_sweep",
        [
            "--multirun",
            "lr=0.001,0.01,0.1",
            "batch_size=16,64",
            "hydra/launcher=joblib",
            "hydra.launcher.n_jobs=2",
            "hydra.sweep.dir=sweep",
        ],
    ),
    ("The sweep's results, read back from sweep/results.jsonl", None, ["results", "sweep"]),
]


def main() -> int:
    with tempfile.TemporaryDirectory() as work:
        for title, example, argv in STEPS:
            if example is None:  # a `python -m hydria` command
                command, shown = ["-m", "hydria", *argv], " ".join(["python -m hydria", *argv])
            else:
                app = os.path.join(HERE, example, "my_app.py")
                command = [app, *argv]
                shown = " ".join(["python", f"{example}/my_app.py", *map(shlex.quote, argv)])
            print(f"== {title}\n$ {shown}")
            # stdout and stderr as a terminal shows them: interleaved, in order
            done = subprocess.run(
                [sys.executable, *command],
                cwd=work,
                env={**os.environ, "PYTHONUNBUFFERED": "1"},
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                text=True,
            )
            out = done.stdout.rstrip()
            print("   " + out.replace("\n", "\n   "))
            if done.returncode:
                print(f"   (exit code {done.returncode})")
            print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
