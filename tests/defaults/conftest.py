"""Helpers for the defaults-list tests: compose a tree under `data/`, resolve its defaults list."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pytest
from omegaconf import OmegaConf

import hydria
from hydria.builtin import BUILTIN_CONF_PACKAGE
from hydria.defaults import DefaultsList, resolve_defaults
from hydria.overrides import parse_overrides
from hydria.repository import ConfigRepository, ConfigStore, ParsedFileCache, build_search_path

DATA = Path(__file__).parent / "data"


@pytest.fixture
def data_dir() -> Path:
    return DATA


@pytest.fixture
def compose_app() -> Callable[..., tuple[Any, list[tuple[str, Any]]]]:
    """Compose `data/<tree>`; return the app part of the config and the non-hydra choices
    as (key, value) pairs in the order they were recorded."""

    def run(
        tree: str, config_name: str | None, overrides: Sequence[str]
    ) -> tuple[Any, list[tuple[str, Any]]]:
        cfg = hydria.compose(
            config_name, list(overrides), config_dir=str(DATA / tree), return_hydra_config=True
        )
        container = OmegaConf.to_container(cfg, resolve=False)
        assert isinstance(container, dict)
        container.pop("hydra")
        choices = [
            (k, v) for k, v in cfg.hydra.runtime.choices.items() if not k.startswith("hydra/")
        ]
        return container, choices

    return run


def make_repo(tree: str) -> ConfigRepository:
    """The repository `hydria.compose(config_dir=data/<tree>)` reads from."""
    entries = build_search_path(config_dir=str(DATA / tree), builtin_module=BUILTIN_CONF_PACKAGE)
    return ConfigRepository(entries, store=ConfigStore(), cache=ParsedFileCache())


@pytest.fixture
def resolve() -> Callable[..., DefaultsList]:
    """`resolve_defaults` on `data/<tree>` with parsed overrides."""

    def run(
        tree: str, config_name: str | None, overrides: Sequence[str], **kwargs: Any
    ) -> DefaultsList:
        repo = make_repo(tree)
        return resolve_defaults(repo, config_name, parse_overrides(list(overrides)), **kwargs)

    return run
