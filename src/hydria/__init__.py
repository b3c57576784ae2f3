"""hydria: compose configs from Hydra-style config trees, much faster; run and sweep apps.

The public API is declared here and pinned by a test. `import hydria` loads only what
`@hydria.main` needs when a module applies it; every other name loads on first use, so
an app pays at start-up for the stages its command line runs, and nothing else.
"""

from importlib import import_module
from typing import TYPE_CHECKING

from hydria.app.main import main as main
from hydria.lazy_exports import lazy_exports
from hydria.version import __version__ as __version__

if TYPE_CHECKING:
    from hydria.app.api import compose as compose
    from hydria.app.api import initialize as initialize
    from hydria.app.api import initialize_config_dir as initialize_config_dir
    from hydria.app.api import initialize_config_module as initialize_config_module
    from hydria.app.explain import explain as explain
    from hydria.instantiation import call as call
    from hydria.instantiation import get_class as get_class
    from hydria.instantiation import get_method as get_method
    from hydria.instantiation import get_object as get_object
    from hydria.instantiation import instantiate as instantiate
    from hydria.multirun.records import load_sweep as load_sweep
    from hydria.plugin_contracts import Callback as Callback
    from hydria.repository.store import ConfigStore as ConfigStore
    from hydria.runtime.context import HydraConfig as HydraConfig
    from hydria.runtime.pruning import TrialPruned as TrialPruned
    from hydria.sweepers.optuna_report import report as report
else:
    # `hydria.compose` names both the function (public) and the composition stage (a
    # subpackage). Importing a subpackage binds it on its parent, so the stage is imported
    # here, once, while its `__init__` is still light, and the binding dropped: from then
    # on the name resolves through `__getattr__` to the function, whichever of the two
    # the process imports first.
    import_module("hydria.compose")
    del globals()["compose"]

__all__ = [
    "Callback",
    "ConfigStore",
    "HydraConfig",
    "TrialPruned",
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
    "report",
]

# Where each lazily loaded public name lives.
_HOMES = {
    "Callback": "hydria.plugin_contracts",
    "ConfigStore": "hydria.repository.store",
    "HydraConfig": "hydria.runtime.context",
    "call": "hydria.instantiation",
    "compose": "hydria.app.api",
    "explain": "hydria.app.explain",
    "get_class": "hydria.instantiation",
    "get_method": "hydria.instantiation",
    "get_object": "hydria.instantiation",
    "initialize": "hydria.app.api",
    "initialize_config_dir": "hydria.app.api",
    "initialize_config_module": "hydria.app.api",
    "instantiate": "hydria.instantiation",
    "load_sweep": "hydria.multirun.records",
    "report": "hydria.sweepers.optuna_report",
    "TrialPruned": "hydria.runtime.pruning",
}


__getattr__ = lazy_exports(globals(), _HOMES)


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
