"""`hydra.plugins`, served by hydria: the plugin base classes hydria honours."""

from hydra.plugins import search_path_plugin as search_path_plugin
