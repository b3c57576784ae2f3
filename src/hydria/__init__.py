"""hydria: compose configs from Hydra-style config trees, much faster; run and sweep apps.

The public API is declared here and pinned by a test.
"""

from hydria.app.api import compose as compose
from hydria.app.api import initialize as initialize
from hydria.app.api import initialize_config_dir as initialize_config_dir
from hydria.app.api import initialize_config_module as initialize_config_module
from hydria.app.main import main as main
from hydria.repository import ConfigStore as ConfigStore
from hydria.runtime.context import HydraConfig as HydraConfig
from hydria.version import __version__ as __version__

__all__ = [
    "ConfigStore",
    "HydraConfig",
    "__version__",
    "compose",
    "initialize",
    "initialize_config_dir",
    "initialize_config_module",
    "main",
]
