"""A training script as torchrun, srun and Lightning run it: once per rank.

Environment switches used by tests/runtime/test_ranks.py:
TEST_BARRIER / TEST_WORLD: wait in the task until TEST_WORLD ranks reached it
(what `init_process_group` does); TEST_SPAWN_CHILD: re-run `sys.argv` with
LOCAL_RANK=1, as Lightning's DDP launcher does; TEST_KILL_SELF: die by SIGKILL.
"""

import json
import logging
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import hydria

log = logging.getLogger("train")


def _barrier(rank: str) -> None:
    folder = os.environ.get("TEST_BARRIER")
    if not folder:
        return
    Path(folder, rank).touch()
    deadline = time.monotonic() + 20
    while len(os.listdir(folder)) < int(os.environ["TEST_WORLD"]):
        assert time.monotonic() < deadline, "the other ranks never came"
        time.sleep(0.02)


@hydria.main(version_base=None, config_path="conf", config_name="config")
def train(cfg) -> None:
    hydra = hydria.HydraConfig.get()
    env = os.environ
    rank = env.get("RANK") or env.get("SLURM_PROCID") or env.get("LOCAL_RANK") or "0"
    log.info("training on rank %s", rank)
    if os.environ.get("TEST_KILL_SELF"):
        os.kill(os.getpid(), signal.SIGKILL)
    child = None
    if os.environ.get("TEST_SPAWN_CHILD") and "LOCAL_RANK" not in os.environ:
        # Lightning's _SubprocessScriptLauncher: set these here, then start LOCAL_RANK=1..n-1
        os.environ.update(MASTER_ADDR="127.0.0.1", MASTER_PORT="45321", WORLD_SIZE="2")
        os.environ.update(NODE_RANK="0", LOCAL_RANK="0")
        env = {**os.environ, "LOCAL_RANK": "1"}
        child = subprocess.Popen([sys.executable, *sys.argv], env=env, cwd=hydra.runtime.cwd)
    _barrier(str(rank))
    report = {
        "rank": rank,
        "output_dir": hydra.runtime.output_dir,
        "cwd": os.getcwd(),
        "run_dir": str(hydra.run.dir),
        "job_name": hydra.job.name,
        "lr": cfg.lr,
    }
    print(json.dumps(report), flush=True)
    if child is not None:
        sys.exit(child.wait())


if __name__ == "__main__":
    train()
