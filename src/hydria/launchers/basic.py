"""The basic launcher: the jobs one after another, in this process (Hydra's default).

Each job's working directory, environment, logging and job context are restored by
`run_job` after it, so one job cannot leak into the next.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from hydria.errors import PluginError
from hydria.launchers.base import job_line
from hydria.plugin_contracts import JobEvents, JobStream, Launcher
from hydria.runtime import JobSpec, run_job

__all__ = ["BasicLauncher"]

LOG = logging.getLogger("hydria.launchers.basic")


class BasicLauncher(Launcher):
    """Runs each job in turn in this process; accepts no options."""

    def __init__(self, **options: Any) -> None:
        if options.get("wait") is False:
            raise PluginError(
                "the basic launcher runs jobs in this process and always waits for them; "
                "--no-wait (hydra.launcher.wait=false) is for cluster launchers (submitit_slurm)"
            )
        if options:
            raise TypeError(f"the basic launcher takes no options; got {sorted(options)}")

    def launch(self, jobs: Sequence[JobSpec], events: JobEvents) -> None:
        LOG.info("Launching %d jobs locally", len(jobs))
        for index, spec in enumerate(jobs):
            LOG.info("\t#%s : %s", *job_line(spec))
            events.started(index, {})
            events.finished(index, run_job(spec))

    def launch_stream(self, jobs: JobStream, events: JobEvents) -> None:
        """One job at a time, whatever `max_in_flight` allows (jobs share this process's
        working directory and logging); each next job is made once the last has ended."""
        LOG.info("Launching jobs locally, one at a time, as the sweep makes them")
        index = 0
        while (spec := jobs.next()) is not None:
            LOG.info("\t#%s : %s", *job_line(spec))
            events.started(index, {})
            events.finished(index, run_job(spec))
            index += 1
