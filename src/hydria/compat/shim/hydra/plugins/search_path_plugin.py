"""`hydra.plugins.search_path_plugin`, served by hydria: plugins that add config sources."""

from hydria.plugins import SearchPathPlugin as SearchPathPlugin

__all__ = ["SearchPathPlugin"]
