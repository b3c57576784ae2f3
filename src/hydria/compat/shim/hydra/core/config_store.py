"""`hydra.core.config_store`, served by hydria: configs registered from Python."""

from hydria.core.config_store import ConfigStore as ConfigStore

__all__ = ["ConfigStore"]
