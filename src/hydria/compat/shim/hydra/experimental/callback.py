"""`hydra.experimental.callback`, served by hydria: hooks around runs, sweeps and jobs."""

from hydria.experimental.callback import Callback as Callback

__all__ = ["Callback"]
