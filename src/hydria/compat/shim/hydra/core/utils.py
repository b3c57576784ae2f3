"""`hydra.core.utils`, served by hydria: what a finished job returns."""

from hydria.core.utils import JobReturn as JobReturn
from hydria.core.utils import JobStatus as JobStatus

__all__ = ["JobReturn", "JobStatus"]
