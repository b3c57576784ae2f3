"""Hydra's `hydra.core.hydra_config` import path (a compatibility facade): `HydraConfig`,
the running job's `hydra` node. The real code is in `hydria.runtime.context`."""

from hydria.runtime.context import HydraConfig as HydraConfig

__all__ = ["HydraConfig"]
