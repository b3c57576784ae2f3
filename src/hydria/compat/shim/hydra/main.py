"""`hydra.main`, served by hydria."""

from hydria import main as main

__all__ = ["main"]
