"""`hydra.compose`, served by hydria."""

from hydria import compose as compose

__all__ = ["compose"]
