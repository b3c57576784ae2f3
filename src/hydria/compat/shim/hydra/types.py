"""`hydra.types`, served by hydria."""

from hydria.types import ConvertMode as ConvertMode
from hydria.types import HydraContext as HydraContext
from hydria.types import RunMode as RunMode
from hydria.types import TargetConf as TargetConf
from hydria.types import TaskFunction as TaskFunction

__all__ = ["ConvertMode", "HydraContext", "RunMode", "TargetConf", "TaskFunction"]
