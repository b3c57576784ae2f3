"""`hydra.core.hydra_config`, served by hydria: the running job's `hydra` node."""

from hydria.core.hydra_config import HydraConfig as HydraConfig

__all__ = ["HydraConfig"]
