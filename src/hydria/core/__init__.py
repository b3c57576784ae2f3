"""Hydra's `hydra.core` import paths, as thin re-export modules (a compatibility facade).

Code migrating from Hydra writes `from hydria.core.hydra_config import HydraConfig` where
it wrote `from hydra.core.hydra_config import HydraConfig`; the real code lives elsewhere
in hydria, and each submodule here only re-exports it.
"""
