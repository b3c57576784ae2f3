"""Where configs come from: the search path, config sources, the ConfigStore, parsing."""

from typing import TYPE_CHECKING

from hydria.lazy_exports import lazy_exports

if TYPE_CHECKING:
    from hydria.repository.config_repository import ConfigRepository as ConfigRepository
    from hydria.repository.search_path import SearchPathEntry as SearchPathEntry
    from hydria.repository.search_path import apply_search_path_plugins as apply_search_path_plugins
    from hydria.repository.search_path import as_url as as_url
    from hydria.repository.search_path import build_search_path as build_search_path
    from hydria.repository.sources import ParsedFileCache as ParsedFileCache
    from hydria.repository.sources import RawConfig as RawConfig
    from hydria.repository.sources import package_directory as package_directory
    from hydria.repository.store import ConfigStore as ConfigStore
    from hydria.repository.store import StoredConfig as StoredConfig
    from hydria.repository.yaml_load import parse_yaml as parse_yaml

__all__ = [
    "ConfigRepository",
    "ConfigStore",
    "ParsedFileCache",
    "RawConfig",
    "SearchPathEntry",
    "StoredConfig",
    "apply_search_path_plugins",
    "as_url",
    "build_search_path",
    "package_directory",
    "parse_yaml",
]


# Where each name lives: a name loads its own module on first use, so importing one
# piece of this package does not import the others (see `hydria.lazy_exports`).
_HOMES = {
    "ConfigRepository": "hydria.repository.config_repository",
    "ConfigStore": "hydria.repository.store",
    "ParsedFileCache": "hydria.repository.sources",
    "RawConfig": "hydria.repository.sources",
    "SearchPathEntry": "hydria.repository.search_path",
    "StoredConfig": "hydria.repository.store",
    "apply_search_path_plugins": "hydria.repository.search_path",
    "as_url": "hydria.repository.search_path",
    "build_search_path": "hydria.repository.search_path",
    "package_directory": "hydria.repository.sources",
    "parse_yaml": "hydria.repository.yaml_load",
}

__getattr__ = lazy_exports(globals(), _HOMES)
