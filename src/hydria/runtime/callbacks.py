"""`hydra.callbacks`: user hooks around runs, sweeps and jobs, as in Hydra 1.3.

Each entry of `hydra.callbacks` is instantiated once per run (or sweep) and the same
objects see every hook, in config order; the `*_end` hooks run in reverse order, so
a callback that opened something first closes it last. A hook that raises does not
cost the run: it is reported as a warning and the others still run.

Hydra's own callbacks, named by their Hydra paths in existing configs, are provided
here under the same names. Every `_target_` passes the target policy, as in
`instantiate`; hydria's own callbacks, named as registered, are exempt from the
allow-list (not from the refusals).
"""

from __future__ import annotations

import logging
import pickle
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from omegaconf import DictConfig, OmegaConf

__all__ = ["Callback", "Callbacks", "LogJobReturnCallback", "PickleJobInfoCallback"]


class Callback:
    """Base class of callbacks: override the hooks you need (all do nothing here).

    `config` is the full config of the run, sweep or job, `hydra` node included.
    """

    def on_run_start(self, config: DictConfig, **kwargs: Any) -> None:
        """Before the single job of a run."""

    def on_run_end(self, config: DictConfig, **kwargs: Any) -> None:
        """After the single job of a run (`job_return` in kwargs)."""

    def on_multirun_start(self, config: DictConfig, **kwargs: Any) -> None:
        """Before the first job of a sweep."""

    def on_multirun_end(self, config: DictConfig, **kwargs: Any) -> None:
        """After the last job of a sweep."""

    def on_job_start(self, config: DictConfig, **kwargs: Any) -> None:
        """In the job, just before the task (`task_function` in kwargs)."""

    def on_job_end(self, config: DictConfig, job_return: Any, **kwargs: Any) -> None:
        """In the job, just after the task, with how it went."""

    def on_compose_config(self, config: DictConfig, **kwargs: Any) -> None:
        """After each composition (`config_name`, `overrides` in kwargs)."""


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
    """Saves the job's config and its return record as pickles in its `.hydra` folder."""

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


# Configs written for Hydra name its callbacks by Hydra's module paths.
_HYDRA_PATHS = {
    "hydra.experimental.callback.Callback": f"{__name__}.Callback",
    "hydra.experimental.callbacks.LogJobReturnCallback": f"{__name__}.LogJobReturnCallback",
    "hydra.experimental.callbacks.PickleJobInfoCallback": f"{__name__}.PickleJobInfoCallback",
    "hydra.experimental.pickle_job_info_callback.PickleJobInfoCallback": (
        f"{__name__}.PickleJobInfoCallback"
    ),
}


#: hydria's callbacks, by the names configs give them (exempt from the allow-list).
BUILTIN_CALLBACKS = frozenset(
    {
        *_HYDRA_PATHS.values(),
        "hydria.Callback",
        "hydria.tracking.MlflowCallback",
        "hydria.tracking.WandbCallback",
        "hydria.tracking.mlflow_callback.MlflowCallback",
        "hydria.tracking.wandb_callback.WandbCallback",
    }
)


class Callbacks:
    """The callbacks of one run or sweep, and the dispatch of each hook to them."""

    def __init__(self, callbacks: Sequence[Any] = ()) -> None:
        self.callbacks = list(callbacks)

    @classmethod
    def from_config(cls, config: DictConfig) -> Callbacks:
        """Instantiate `config.hydra.callbacks` (nothing to do when it is empty).

        Raises:
            hydria.errors.InstantiationError: a callback could not be built.
        """
        entries = OmegaConf.select(config, "hydra.callbacks", default=None)
        if not entries:
            return cls()
        # only apps with callbacks pay for these
        from hydria.instantiation import TargetPolicy, instantiate_under

        policy = TargetPolicy.from_environment()
        built = []
        for name in entries:
            spec = entries[name]
            if spec is None:
                continue  # `hydra.callbacks.x: null` switches a callback off
            target = spec.get("_target_") if isinstance(spec, DictConfig) else None
            if isinstance(target, str) and target in _HYDRA_PATHS:
                spec = OmegaConf.merge(spec, {"_target_": _HYDRA_PATHS[target]})
                target = _HYDRA_PATHS[target]
            # hydria's own callbacks are registered by name: exempt from the allow-list
            trusted = (target,) if isinstance(target, str) and target in BUILTIN_CALLBACKS else ()
            built.append(instantiate_under(policy.trusting(*trusted), spec))
        return cls(built)

    def __bool__(self) -> bool:
        return bool(self.callbacks)

    def notify(self, hook: str, *, reverse: bool = False, **kwargs: Any) -> None:
        """Call `hook(**kwargs)` on every callback that has it."""
        for callback in reversed(self.callbacks) if reverse else self.callbacks:
            method = getattr(callback, hook, None)
            if method is None:
                continue
            try:
                method(**kwargs)
            except Exception as exc:  # a broken hook must not cost the run its result
                warnings.warn(
                    f"Callback {type(callback).__name__}.{hook} raised {type(exc).__name__}: {exc}",
                    RuntimeWarning,
                    stacklevel=2,
                )
