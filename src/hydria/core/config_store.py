"""Hydra's `hydra.core.config_store` import path (a compatibility facade): `ConfigStore`,
configs registered from Python. The real code is in `hydria.repository.store`."""

from hydria.repository import ConfigStore as ConfigStore

__all__ = ["ConfigStore"]
