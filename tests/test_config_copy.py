"""hydria.config_copy: copies are whole, independent and exact."""

from __future__ import annotations

import io
import threading
import typing
from typing import Any

from omegaconf import AnyNode, DictConfig, OmegaConf

from hydria.config_copy import ConfigPickler, copy_config, dumps_config, loads_config


def test_a_copy_is_independent_and_keeps_flags_and_resolved_timestamps() -> None:
    cfg = OmegaConf.create({"a": {"b": [1, 2]}, "n": 3})
    OmegaConf.set_struct(cfg, True)
    copied = copy_config(cfg)
    copied.a.b.append(3)
    assert cfg.a.b == [1, 2] and copied.a.b == [1, 2, 3]
    assert OmegaConf.is_struct(copied)
    assert copied._get_node("a")._get_parent() is copied


def test_an_untyped_container_keeps_its_exact_ref_type() -> None:
    bare = typing.Dict  # noqa: UP006 - the bare typing alias is what is kept
    cfg = OmegaConf.create({"a": {}})
    cfg._get_node("a")._metadata.ref_type = bare
    copied = loads_config(dumps_config(cfg))
    assert copied._get_node("a")._metadata.ref_type is bare


class _OwnState(AnyNode):
    """A node class that pickles itself its own way."""

    def __getstate__(self) -> dict[str, Any]:
        state = super().__getstate__()
        state["_seen"] = True
        return state


def test_a_node_class_with_its_own_pickling_keeps_it() -> None:
    pickler = ConfigPickler(io.BytesIO())
    assert pickler.reducer_override(_OwnState(1)) is NotImplemented
    assert pickler.reducer_override(AnyNode(1)) is not NotImplemented
    copied = loads_config(dumps_config(_OwnState(5)))
    assert type(copied) is _OwnState and copied.__dict__.get("_seen") is True
    assert copied._value() == 5


def test_a_config_holding_what_does_not_pickle_is_deep_copied() -> None:
    lock = threading.Lock()
    cfg = OmegaConf.create({"a": 1}, flags={"allow_objects": True})
    cfg.lock = lock
    copied = copy_config(cfg)
    assert isinstance(copied, DictConfig) and copied.a == 1 and copied is not cfg
