"""Hydra's `hydra.core.utils` import path (a compatibility facade): `JobReturn` and
`JobStatus`, how a job went, as callbacks receive it. The real code is in
`hydria.runtime.job_model`."""

from hydria.runtime.job_model import JobReturn as JobReturn
from hydria.runtime.job_model import JobStatus as JobStatus

__all__ = ["JobReturn", "JobStatus"]
