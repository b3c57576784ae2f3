"""Experiment tracking: every job is a Weights & Biases run and an MLflow run.

The config turns both on with one line (`override hydra/callbacks: tracking`), wandb
in offline mode (its files go under each job's output dir) and MLflow in an SQLite
file where the app is started. The task logs to the runs the callbacks opened.
"""

import math

from omegaconf import DictConfig

import hydria


@hydria.main(config_path="conf", config_name="config", version_base=None)
def train(cfg: DictConfig) -> dict[str, float]:
    import mlflow
    import wandb

    loss = 1.0
    for epoch in range(cfg.epochs):
        loss = round(math.exp(-cfg.lr * 10 * (epoch + 1)), 4)
        wandb.log({"loss": loss, "epoch": epoch})
        mlflow.log_metric("loss", loss, step=epoch)
    print(f"lr={cfg.lr}: final loss {loss}")
    return {"loss": loss, "accuracy": round(1 - loss / 2, 4)}


if __name__ == "__main__":
    train()
