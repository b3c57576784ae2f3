"""Launcher plugins (`hydria.plugins.Launcher`): where a sweep's jobs run (this process,
worker processes, SLURM or submitit's local engine, Ray), each reported as it starts
and ends."""

from typing import TYPE_CHECKING

from hydria.lazy_exports import lazy_exports

if TYPE_CHECKING:
    from hydria.launchers.base import WorkerDied as WorkerDied
    from hydria.launchers.basic import BasicLauncher as BasicLauncher
    from hydria.plugin_contracts import JobEvents as JobEvents
    from hydria.plugin_contracts import Launcher as Launcher

__all__ = ["BasicLauncher", "JobEvents", "Launcher", "WorkerDied"]


# Where each name lives: a name loads its own module on first use, so importing one
# piece of this package does not import the others (see `hydria.lazy_exports`).
_HOMES = {
    "BasicLauncher": "hydria.launchers.basic",
    "JobEvents": "hydria.plugin_contracts",
    "Launcher": "hydria.plugin_contracts",
    "WorkerDied": "hydria.launchers.base",
}

__getattr__ = lazy_exports(globals(), _HOMES)
