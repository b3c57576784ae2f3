"""Sweeper plugins (`hydria.plugins.Sweeper`): which jobs a sweep has, from its overrides.

A sweeper hands the jobs to the `hydria.multirun` session, which runs them."""

from hydria.sweepers.basic import BasicSweeper as BasicSweeper
from hydria.sweepers.basic import job_batches as job_batches

__all__ = ["BasicSweeper", "job_batches"]
