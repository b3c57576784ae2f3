"""Sweepers: turn sweep overrides into the overrides of each job, in batches."""

from hydria.sweepers.basic import BasicSweeper as BasicSweeper
from hydria.sweepers.basic import job_batches as job_batches

__all__ = ["BasicSweeper", "job_batches"]
