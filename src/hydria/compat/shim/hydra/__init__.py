"""Hydra's `hydra` package, served by hydria (see `hydria.compat`): re-exports only.

As with hydra-core, `import hydra` also loads the public submodules, so
`hydra.core.hydra_config.HydraConfig` and `hydra.utils.instantiate` work after it alone.
`hydra.main`, `hydra.compose` and `hydra.initialize` are the functions, their modules
imported first so that a later `import hydra.main` cannot rebind the attribute.
"""

from hydra import conf as conf
from hydra import core as core
from hydra import errors as errors
from hydra import plugins as plugins
from hydra import types as types
from hydra import utils as utils
from hydra import version as version
from hydra.compose import compose as compose
from hydra.errors import MissingConfigException as MissingConfigException
from hydra.initialize import initialize as initialize
from hydra.initialize import initialize_config_dir as initialize_config_dir
from hydra.initialize import initialize_config_module as initialize_config_module
from hydra.main import main as main
from hydra.types import TaskFunction as TaskFunction
from hydria.compat_version import __version__ as __version__

__all__ = [
    "MissingConfigException",
    "TaskFunction",
    "__version__",
    "compose",
    "initialize",
    "initialize_config_dir",
    "initialize_config_module",
    "main",
    "utils",
]
