"""`hydra.core.config_search_path`, served by hydria: the search path plugins edit."""

from hydria.plugins import ConfigSearchPath as ConfigSearchPath
from hydria.plugins import SearchPathElement as SearchPathElement
from hydria.plugins import SearchPathQuery as SearchPathQuery

__all__ = ["ConfigSearchPath", "SearchPathElement", "SearchPathQuery"]
