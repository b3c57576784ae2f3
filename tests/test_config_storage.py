"""`hydria.config_storage` gives what OmegaConf's accessors give, or steps aside."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from typing import Any

import pytest
from omegaconf import DictConfig, OmegaConf

from hydria.config_storage import NOT_PLAIN, plain_leaf, stored_node, stored_value


class Mode(Enum):
    RUN = 1


@dataclass
class Job:
    name: str = "???"
    num: int = 3
    chdir: bool | None = None
    mode: Mode = Mode.RUN
    where: Path = Path("/tmp")
    env: dict[str, str] = field(default_factory=lambda: {"A": "1"})


def _config() -> DictConfig:
    cfg = OmegaConf.create(
        {
            "hydra": {"job": OmegaConf.structured(Job), "runtime": {"output_dir": "/o"}},
            "a": {"b": {"c": 1.5, "s": "text", "t": True, "n": None, "i": "${a.b.c}"}},
            "lst": [1, {"x": 2}],
            "alias": "${a.b}",
            "null_node": None,
            "missing_node": "???",
        }
    )
    cfg.null_dict = DictConfig(None)
    return cfg


@pytest.mark.parametrize(
    "key",
    ["hydra", "hydra.job", "hydra.job.env", "a", "a.b", "lst", "hydra.runtime"],
)
def test_a_container_is_the_accessors_node(key: str) -> None:
    cfg = _config()
    assert stored_node(cfg, key) is OmegaConf.select(cfg, key)


@pytest.mark.parametrize(
    "key", ["alias", "null_node", "null_dict", "missing_node", "nope", "a.b.c", "lst.1", "a.zz.y"]
)
def test_anything_else_is_left_to_omegaconf(key: str) -> None:
    assert stored_node(_config(), key) is None


@pytest.mark.parametrize(
    ("key", "stored", "plain"),
    [
        ("a.b.c", 1.5, 1.5),
        ("a.b.s", "text", "text"),
        ("a.b.t", True, True),
        ("a.b.n", None, None),
        ("a.b.i", "${a.b.c}", NOT_PLAIN),  # an interpolation: its text, never resolved here
        ("hydra.job.name", "???", NOT_PLAIN),
        ("hydra.job.num", 3, 3),
        ("hydra.job.chdir", None, None),
        ("hydra.job.mode", NOT_PLAIN, NOT_PLAIN),  # an enum leaf
        ("hydra.job.where", NOT_PLAIN, NOT_PLAIN),  # a path leaf
        ("hydra.job.env", NOT_PLAIN, NOT_PLAIN),  # a container
        ("alias.c", NOT_PLAIN, NOT_PLAIN),  # through an interpolated node
        ("lst.0", NOT_PLAIN, NOT_PLAIN),  # through a list
        ("absent", NOT_PLAIN, NOT_PLAIN),
    ],
)
def test_leaves(key: str, stored: Any, plain: Any) -> None:
    cfg = _config()
    assert (
        stored_value(cfg, key) == stored
        if stored is not NOT_PLAIN
        else (stored_value(cfg, key) is NOT_PLAIN)
    )
    value = plain_leaf(cfg, key)
    if plain is NOT_PLAIN:
        assert value is NOT_PLAIN
    else:
        assert value == plain and type(value) is type(OmegaConf.select(cfg, key))
        assert value == OmegaConf.select(cfg, key)
