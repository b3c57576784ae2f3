"""Hydra's two ready-made callbacks (`hydra.experimental.callbacks`): log each job's
return, or pickle each job's config and return record into its `.hydra` folder."""

from __future__ import annotations

import logging
import pickle
from pathlib import Path
from typing import Any

from omegaconf import DictConfig

from hydria.plugin_contracts import Callback

__all__ = ["LogJobReturnCallback", "PickleJobInfoCallback"]


class LogJobReturnCallback(Callback):
    """Logs each job's return value, or its error with traceback."""

    def __init__(self) -> None:
        self.log = logging.getLogger(f"{__name__}.{type(self).__name__}")

    def on_job_end(self, config: DictConfig, job_return: Any, **kwargs: Any) -> None:
        if job_return.error is None:
            self.log.info("Succeeded with return value: %s", job_return.return_value)
        else:
            self.log.error("", exc_info=job_return.error)


class PickleJobInfoCallback(Callback):
    """Saves the job's config and its return record as pickles in its `.hydra` folder
    (what `--rerun` reads back)."""

    def __init__(self) -> None:
        self.log = logging.getLogger(f"{__name__}.{type(self).__name__}")

    def _save(self, config: DictConfig, obj: Any, filename: str) -> None:
        subdir = config.hydra.output_subdir
        if subdir is None:
            return
        folder = Path(config.hydra.runtime.output_dir) / str(subdir)
        folder.mkdir(parents=True, exist_ok=True)
        with open(folder / filename, "wb") as file:
            pickle.dump(obj, file, protocol=4)
        self.log.info("Saving %s in %s", filename, folder / filename)

    def on_job_start(self, config: DictConfig, **kwargs: Any) -> None:
        self._save(config, config, "config.pickle")

    def on_job_end(self, config: DictConfig, job_return: Any, **kwargs: Any) -> None:
        self._save(config, job_return, "job_return.pickle")
