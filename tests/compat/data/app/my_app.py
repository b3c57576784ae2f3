# An unmodified Hydra app: it imports `hydra` only, never hydria.
import os
import subprocess
import sys

import hydra
from hydra.core.hydra_config import HydraConfig
from omegaconf import DictConfig


@hydra.main(version_base=None, config_path="conf", config_name="config")
def my_app(cfg: DictConfig) -> None:
    print(f"db={cfg.db.driver}:{cfg.db.port}")
    print(f"job_name={HydraConfig.get().job.name}")
    sources = HydraConfig.get().runtime.config_sources
    print(f"config_dir={[s.path for s in sources if s.provider == 'main']}")
    print(f"hydra_file={hydra.__file__}")
    print(f"argv0={sys.argv[0]}")
    if cfg.spawn_child:
        # What DDP launchers and re-running scripts do: start this script again.
        child = [sys.executable, sys.argv[0], "spawn_child=false", "db=postgresql"]
        sys.stdout.flush()
        code = subprocess.run(child, check=False).returncode
        print(f"child_exit={code}")
    if cfg.exit_code:
        sys.exit(cfg.exit_code)


if __name__ == "__main__":
    print(f"pythonpath={os.environ.get('PYTHONPATH', '')}")
    my_app()
