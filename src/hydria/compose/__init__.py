"""Composition on OmegaConf: merge the defaults list's configs, apply value overrides."""

from hydria.compose.composer import Composition as Composition
from hydria.compose.composer import Memos as Memos
from hydria.compose.composer import compose_config as compose_config
from hydria.compose.composer import reject_sweeps as reject_sweeps

__all__ = ["Composition", "Memos", "compose_config", "reject_sweeps"]
