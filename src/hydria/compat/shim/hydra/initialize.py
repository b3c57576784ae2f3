"""`hydra.initialize*`, served by hydria: context managers and plain calls."""

from hydria import initialize as initialize
from hydria import initialize_config_dir as initialize_config_dir
from hydria import initialize_config_module as initialize_config_module

__all__ = ["initialize", "initialize_config_dir", "initialize_config_module"]
