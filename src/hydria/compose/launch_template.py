"""The launch template: what every job of a sweep shares, composed once a sweep.

A sweep composes each of its jobs from the same base config, with the same hydra
overrides, in the same directory, under the same names; the jobs differ in their task
overrides only. Recording the shared part in the typed `hydra` node (its overrides,
the working directory, the job and config names) costs ~0.1 ms a write, once per job
otherwise. The template is that base config with the shared part done, kept in the
config memo; a job's composition copies it, applies its task overrides and fills its
own fields (`fill_task`). The shortcut is taken only where it gives exactly what
applying everything in order gives (`launch_template` says when).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Hashable, Sequence

from omegaconf import DictConfig
from omegaconf.errors import OmegaConfBaseException

from hydria.compose.apply_overrides import apply_overrides
from hydria.compose.config_memo import ConfigMemo
from hydria.compose.hydra_node import DirnameRule, fill_launch
from hydria.errors import CompositionError
from hydria.overrides import Override, is_hydra_override

__all__ = ["launch_template"]


#: where `fill_launch` writes: an override there must come after it, so is not filled ahead
_RUNTIME_NODES = ("hydra.job", "hydra.runtime", "hydra.overrides")


def _fills_runtime(o: Override) -> bool:
    key = o.key
    return key == "hydra" or any(key == n or key.startswith(n + ".") for n in _RUNTIME_NODES)


class _NotAhead(Exception):
    """This config cannot be filled ahead for every job (it has no hydra node, or copies
    the environment); carries the base config, built already."""

    def __init__(self, config: DictConfig) -> None:
        super().__init__("not filled ahead")
        self.config = config


def launch_template(
    configs: ConfigMemo,
    rules: dict[Hashable, DirnameRule | None],
    key: Hashable,
    base: Callable[[], DictConfig],
    config_overrides: Sequence[Override],
    *,
    overrides: Sequence[Override],
    config_name: str | None,
    job_name: str,
) -> tuple[DictConfig, DirnameRule, Sequence[Override]] | DictConfig | None:
    """A copy of the config with its hydra overrides applied and `fill_launch` done, kept
    in `configs` (its override-dir rule in `rules`, under the same key): what every job
    of a sweep shares, made once a sweep instead of once a job. Returns it with
    the override-dir rule and the overrides left to apply (the task's), or None when
    the shortcut would not give what applying everything in order gives: the hydra
    overrides are not all before the task's, one writes where `fill_launch` writes, or
    the config copies the environment (`hydra.job.env_copy`, read at each composition);
    or the base config itself when building the template showed it cannot be one.
    """
    split = next((i for i, o in enumerate(config_overrides) if not is_hydra_override(o)), None)
    split = len(config_overrides) if split is None else split
    ahead, task = config_overrides[:split], config_overrides[split:]
    if any(is_hydra_override(o) or _fills_runtime(o) for o in task) or any(
        _fills_runtime(o) for o in ahead
    ):
        return None
    hydra_texts = tuple(o.text for o in overrides if is_hydra_override(o))
    ahead_texts = tuple(o.text for o in ahead)
    launch_key = ("launch", key, ahead_texts, hydra_texts, os.getcwd(), config_name, job_name)
    if launch_key in rules and rules[launch_key] is None:
        return None

    def build() -> DictConfig:
        cfg = base()
        if "hydra" not in cfg or cfg.hydra.job.env_copy:
            raise _NotAhead(cfg)
        apply_overrides(cfg, ahead)
        try:
            rule = fill_launch(
                cfg, hydra_texts=hydra_texts, config_name=config_name, job_name=job_name
            )
        except OmegaConfBaseException as exc:
            raise CompositionError(
                f"Could not record this composition in the hydra node: {exc}"
            ) from None
        if len(rules) > 1024:
            rules.clear()
        rules[launch_key] = rule
        return cfg

    try:
        cfg = configs.get_or_build(launch_key, build)
    except _NotAhead as not_ahead:
        rules[launch_key] = None
        return not_ahead.config
    rule = rules.get(launch_key)
    if rule is None:  # the rules were cleared while the config stayed in the memo
        return None
    return cfg, rule, task
