"""Experiment tracking as callbacks: `hydra/callbacks=wandb`, `mlflow`, or `tracking` (both).

Each imports its library only when a job starts (the `wandb` and `mlflow` extras).
"""

from hydria.tracking.mlflow_callback import MlflowCallback as MlflowCallback
from hydria.tracking.wandb_callback import WandbCallback as WandbCallback

__all__ = ["MlflowCallback", "WandbCallback"]
