"""hydria: compose configs from Hydra-style config trees, much faster; run and sweep apps.

The public API is declared here and pinned by a test.
"""

from typing import TYPE_CHECKING, Any

from hydria.app.api import compose as compose
from hydria.app.api import initialize as initialize
from hydria.app.api import initialize_config_dir as initialize_config_dir
from hydria.app.api import initialize_config_module as initialize_config_module
from hydria.app.main import main as main
from hydria.repository import ConfigStore as ConfigStore
from hydria.runtime.context import HydraConfig as HydraConfig
from hydria.version import __version__ as __version__

if TYPE_CHECKING:
    from hydria.app.explain import explain as explain
    from hydria.instantiation import call as call
    from hydria.instantiation import get_class as get_class
    from hydria.instantiation import get_method as get_method
    from hydria.instantiation import get_object as get_object
    from hydria.instantiation import instantiate as instantiate
    from hydria.runtime.callbacks import Callback as Callback
    from hydria.sweep.records import load_sweep as load_sweep

_LAZY = frozenset({"call", "get_class", "get_method", "get_object", "instantiate"})

__all__ = [
    "Callback",
    "ConfigStore",
    "HydraConfig",
    "__version__",
    "call",
    "compose",
    "explain",
    "get_class",
    "get_method",
    "get_object",
    "initialize",
    "initialize_config_dir",
    "initialize_config_module",
    "instantiate",
    "load_sweep",
    "main",
]


def __getattr__(name: str) -> Any:
    # `instantiate` and its helpers load on first use: a run that builds nothing from
    # its config does not pay for them at start-up.
    if name in _LAZY:
        import hydria.instantiation as objects

        return getattr(objects, name)
    if name == "Callback":
        from hydria.runtime.callbacks import Callback

        return Callback
    if name == "explain":
        from hydria.app.explain import explain

        return explain
    if name == "load_sweep":
        from hydria.sweep.records import load_sweep

        return load_sweep
    raise AttributeError(f"module 'hydria' has no attribute {name!r}")
