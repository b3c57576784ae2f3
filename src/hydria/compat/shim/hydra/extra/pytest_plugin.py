"""`hydra.extra.pytest_plugin`, served by hydria: Hydra's fixtures, re-exported.

Load it with `pytest -p hydra.extra.pytest_plugin` (or `pytest_plugins = [...]`).
"""

from hydria.testing.hydra_pytest_plugin import hydra_restore_singletons as hydra_restore_singletons
from hydria.testing.hydra_pytest_plugin import hydra_sweep_runner as hydra_sweep_runner
from hydria.testing.hydra_pytest_plugin import hydra_task_runner as hydra_task_runner

__all__ = ["hydra_restore_singletons", "hydra_sweep_runner", "hydra_task_runner"]
