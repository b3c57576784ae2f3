"""`hydra.core.global_hydra`, served by hydria: the state `initialize*` sets up."""

from hydria.core.global_hydra import GlobalHydra as GlobalHydra

__all__ = ["GlobalHydra"]
