"""A parallel sweep: each job "trains" and returns its loss; the sweep collects them.

python my_app.py --multirun lr=0.001,0.01,0.1 batch_size=16,64 hydra/launcher=joblib
python -m hydria results <the sweep's directory>
"""

import time

from omegaconf import DictConfig

import hydria


@hydria.main(config_path="conf", config_name="config", version_base=None)
def train(cfg: DictConfig) -> float:
    time.sleep(0.2)  # the training
    loss = 1000 * (cfg.lr - 0.01) ** 2 + 1 / cfg.batch_size
    return round(loss, 4)


if __name__ == "__main__":
    train()
