"""`hydra.experimental.callbacks`, served by hydria: Hydra's two ready-made callbacks."""

from hydria.runtime.callbacks import LogJobReturnCallback as LogJobReturnCallback
from hydria.runtime.callbacks import PickleJobInfoCallback as PickleJobInfoCallback

__all__ = ["LogJobReturnCallback", "PickleJobInfoCallback"]
