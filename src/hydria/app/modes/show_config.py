"""`--cfg job|hydra|all` (with `--package`, `--resolve`, `--explain`): print the composed
config instead of running."""

from __future__ import annotations

import sys
from typing import Any

from omegaconf import Container, DictConfig, ListConfig, OmegaConf, open_dict

from hydria.app.application import Invocation
from hydria.config_resolve import resolve_keeping_missing
from hydria.errors import UsageError
from hydria.runtime import pop_job, push_job

__all__ = ["show_config", "without_hydra"]


def without_hydra(cfg: DictConfig) -> DictConfig:
    """The task's part of a composed config (what `--cfg job` shows)."""
    return OmegaConf.masked_copy(cfg, [str(k) for k in cfg if k != "hydra"])


def show_config(invocation: Invocation) -> None:
    """Print the part of the config `--cfg` names, on stdout (it is the command's output)."""
    request = invocation.request
    composition = invocation.compose()
    cfg = composition.config
    token = push_job(cfg.hydra)
    try:
        OmegaConf.set_readonly(cfg.hydra, None)
        if request.cfg == "job":
            shown: Any = without_hydra(cfg)
        elif request.cfg == "hydra":
            shown = OmegaConf.masked_copy(cfg, ["hydra"])
            with open_dict(shown.hydra):  # as Hydra: the help texts only with --cfg all
                for key in ("help", "hydra_help"):
                    shown.hydra.pop(key, None)
        else:
            shown = cfg
        package = None if request.package == "_global_" else request.package
        selected = shown if package is None else OmegaConf.select(shown, package)
        if selected is None:
            raise UsageError(f"package '{package}' not found in config")
        if not isinstance(selected, Container):
            text = f"{selected}\n"
        else:
            if package is not None:
                print(f"# @package {package}")
            if request.resolve:
                assert isinstance(selected, (DictConfig, ListConfig))
                resolve_keeping_missing(selected)
            text = OmegaConf.to_yaml(selected)
        if request.explain == "":
            from hydria.app.explain import annotated_config

            text = annotated_config(composition, text, package=package, resolved=request.resolve)
        sys.stdout.write(text)
    finally:
        pop_job(token)
