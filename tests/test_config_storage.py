"""`hydria.config_storage` gives what OmegaConf's accessors give, or steps aside."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from typing import Any

import pytest
from omegaconf import DictConfig, OmegaConf

from hydria.config_storage import NOT_PLAIN, plain_leaf, stored_node, stored_value, write_leaf


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


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("hydra.job.num", 7),
        ("hydra.job.num", "8"),  # converted by the leaf, as the checked assignment does
        ("hydra.job.name", "x"),
        ("hydra.job.chdir", True),
        ("hydra.job.chdir", None),
        ("hydra.runtime.output_dir", "/elsewhere"),  # an untyped leaf
        ("a.b.c", 2.5),
        ("a.b.s", "${a.b.c}"),  # an interpolation is stored as typed
        ("hydra.job.name", "???"),
    ],
)
def test_a_written_leaf_is_what_the_checked_assignment_gives(key: str, value: Any) -> None:
    from hydria.config_storage import write_leaf

    written, assigned = _config(), _config()
    assert write_leaf(written, key, value)
    OmegaConf.update(assigned, key, value, merge=False)
    assert OmegaConf.to_yaml(written) == OmegaConf.to_yaml(assigned)
    parent, _, leaf = key.rpartition(".")
    node_written = OmegaConf.select(written, parent)._get_node(leaf)
    node_assigned = OmegaConf.select(assigned, parent)._get_node(leaf)
    assert type(node_written) is type(node_assigned)


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("hydra.job.num", "not a number"),  # refused by the leaf: the checked route raises
        ("hydra.job.mode", "RUN"),  # an enum leaf
        ("hydra.job.env", "x"),  # a container
        ("alias.c", 1),  # through an interpolated node
        ("absent", 1),
        ("a.b.c", [1]),  # not a plain value
    ],
)
def test_a_leaf_that_is_not_one_to_write_is_left_alone(key: str, value: Any) -> None:
    from hydria.config_storage import write_leaf

    cfg = _config()
    before = OmegaConf.to_yaml(cfg)
    assert not write_leaf(cfg, key, value)
    assert OmegaConf.to_yaml(cfg) == before


def test_a_read_only_leaf_is_not_written() -> None:
    from hydria.config_storage import write_leaf

    cfg = _config()
    OmegaConf.set_readonly(cfg.hydra, True)
    assert not write_leaf(cfg, "hydra.job.num", 9)
    assert cfg.hydra.job.num == 3


def test_a_writable_leaf_of_a_read_only_container_is_left_to_the_checked_route() -> None:
    cfg = _config()
    OmegaConf.set_readonly(cfg.hydra.job, True)
    OmegaConf.set_readonly(cfg.hydra.job._get_node("num"), False)
    assert not write_leaf(cfg, "hydra.job.num", 9)
    with pytest.raises(Exception, match="read-only"):
        OmegaConf.update(cfg, "hydra.job.num", 9, merge=True)
