"""Hydra's exception names, served by hydria: each is, or is a base of, hydria's own error."""

from hydria.errors import CompactHydraException as CompactHydraException
from hydria.errors import ConfigCompositionException as ConfigCompositionException
from hydria.errors import HydraDeprecationError as HydraDeprecationError
from hydria.errors import HydraException as HydraException
from hydria.errors import InstantiationException as InstantiationException
from hydria.errors import MissingConfigException as MissingConfigException
from hydria.errors import OverrideParseException as OverrideParseException
from hydria.errors import SearchPathException as SearchPathException

__all__ = [
    "CompactHydraException",
    "ConfigCompositionException",
    "HydraDeprecationError",
    "HydraException",
    "InstantiationException",
    "MissingConfigException",
    "OverrideParseException",
    "SearchPathException",
]
