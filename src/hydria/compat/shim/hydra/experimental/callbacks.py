"""`hydra.experimental.callbacks`, served by hydria: Hydra's two ready-made callbacks."""

from hydria.experimental.callbacks import LogJobReturnCallback as LogJobReturnCallback
from hydria.experimental.callbacks import PickleJobInfoCallback as PickleJobInfoCallback

__all__ = ["LogJobReturnCallback", "PickleJobInfoCallback"]
