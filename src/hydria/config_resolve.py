"""Resolving a config in place the way OmegaConf 2.3 does: a `???` stays `???`.

OmegaConf 2.3's `OmegaConf.resolve` leaves an interpolation to a `???` value as `???`
(and so Hydra 1.3's `--cfg ... --resolve` shows it); 2.4 raises instead, which would
make `--cfg hydra --resolve` unusable (`hydra.sweep.subdir` points to the unset
`hydra.job.num`). Only OmegaConf's public API is used.
"""

from __future__ import annotations

from typing import Any

from omegaconf import DictConfig, ListConfig, OmegaConf
from omegaconf.errors import InterpolationToMissingValueError, MissingMandatoryValue

__all__ = ["resolve_keeping_missing"]

_MISSING_ERRORS = (MissingMandatoryValue, InterpolationToMissingValueError)


def resolve_keeping_missing(cfg: DictConfig | ListConfig) -> None:
    """Resolve every interpolation of `cfg` in place; one that leads to `???` becomes `???`.

    Args:
        cfg: the config (or node) to resolve; it must not be read-only.
    """
    try:
        OmegaConf.resolve(cfg)
        return
    except _MISSING_ERRORS:
        pass
    keys: list[Any] = list(range(len(cfg))) if isinstance(cfg, ListConfig) else list(cfg.keys())
    for key in keys:
        if OmegaConf.is_interpolation(cfg, key):
            try:
                value = cfg[key]
            except _MISSING_ERRORS:
                value = "???"
            cfg[key] = value
        elif not OmegaConf.is_missing(cfg, key):
            child = cfg[key]
            if isinstance(child, (DictConfig, ListConfig)):
                resolve_keeping_missing(child)
