"""Launchers: run a batch of jobs and return how each went."""

from hydria.launchers.basic import launch_in_process as launch_in_process

__all__ = ["launch_in_process"]
