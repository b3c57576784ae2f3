"""Running one job: its context (`HydraConfig`), resolvers, output dir, logging and restore.

Layer 3: imports `hydria.errors`, OmegaConf and the standard library; never `hydria.compose`.
"""

from typing import TYPE_CHECKING

from hydria.lazy_exports import lazy_exports

if TYPE_CHECKING:
    from hydria.runtime.context import HydraConfig as HydraConfig
    from hydria.runtime.context import JobToken as JobToken
    from hydria.runtime.context import pop_job as pop_job
    from hydria.runtime.context import push_job as push_job
    from hydria.runtime.job import run_job as run_job
    from hydria.runtime.job_model import JobReturn as JobReturn
    from hydria.runtime.job_model import JobSpec as JobSpec
    from hydria.runtime.job_model import JobStatus as JobStatus
    from hydria.runtime.logging_setup import LoggingState as LoggingState
    from hydria.runtime.logging_setup import configure_logging as configure_logging
    from hydria.runtime.logging_setup import restore_logging as restore_logging
    from hydria.runtime.logging_setup import snapshot_logging as snapshot_logging
    from hydria.runtime.output_dir import make_dir as make_dir
    from hydria.runtime.output_dir import save_sweep_config as save_sweep_config
    from hydria.runtime.resolvers import register_resolvers as register_resolvers

__all__ = [
    "HydraConfig",
    "JobReturn",
    "JobSpec",
    "JobStatus",
    "JobToken",
    "LoggingState",
    "configure_logging",
    "make_dir",
    "pop_job",
    "push_job",
    "register_resolvers",
    "restore_logging",
    "run_job",
    "save_sweep_config",
    "snapshot_logging",
]


# Where each name lives: a name loads its own module on first use, so importing one
# piece of this package does not import the others (see `hydria.lazy_exports`).
_HOMES = {
    "HydraConfig": "hydria.runtime.context",
    "JobReturn": "hydria.runtime.job_model",
    "JobSpec": "hydria.runtime.job_model",
    "JobStatus": "hydria.runtime.job_model",
    "JobToken": "hydria.runtime.context",
    "LoggingState": "hydria.runtime.logging_setup",
    "configure_logging": "hydria.runtime.logging_setup",
    "make_dir": "hydria.runtime.output_dir",
    "pop_job": "hydria.runtime.context",
    "push_job": "hydria.runtime.context",
    "register_resolvers": "hydria.runtime.resolvers",
    "restore_logging": "hydria.runtime.logging_setup",
    "run_job": "hydria.runtime.job",
    "save_sweep_config": "hydria.runtime.output_dir",
    "snapshot_logging": "hydria.runtime.logging_setup",
}

__getattr__ = lazy_exports(globals(), _HOMES)
