"""Launchers: run a batch of jobs, reporting each as it starts and ends."""

from hydria.launchers.base import JobEvents as JobEvents
from hydria.launchers.base import Launcher as Launcher
from hydria.launchers.base import WorkerDied as WorkerDied
from hydria.launchers.basic import BasicLauncher as BasicLauncher

__all__ = ["BasicLauncher", "JobEvents", "Launcher", "WorkerDied"]
