"""Copying a config fast: the one place that decides how.

A pickle round trip is ~3x faster than `copy.deepcopy` on a config, and keeps its
flags (struct, readonly) and resolver cache, so `${now:...}` in the copy gives the
timestamp the original got. A config holding objects that do not pickle (classes
local to a function, locks, ...) is deep-copied instead.

Configs are pickled here with `ConfigPickler`, which stores a node as its `__dict__`
and restores it by updating the new node's `__dict__`. OmegaConf's own
`__getstate__`/`__setstate__` do the same plus a round trip of a container's
`ref_type` through the bare `Dict`/`List` (for Pythons whose typing generics did not
pickle); on the `hydra` node's 47 containers that round trip is ~40% of unpickling
it, and every job of a sweep and every warm compose unpickles one. The copy is
exactly the original (the round trip turned a bare `Dict` into `Dict[Any, Any]`).
A node class with a `__getstate__` or `__setstate__` of its own is pickled its own
way. `tests/internals/test_private_routes.py` checks on OmegaConf 2.3 and 2.4 that
the restored nodes hold what OmegaConf's own pickling gives them.
"""

from __future__ import annotations

import copy
import copyreg
import io
import pickle
from typing import Any, TypeVar

from omegaconf import DictConfig, ListConfig, OmegaConf
from omegaconf.base import Node
from omegaconf.basecontainer import BaseContainer

__all__ = ["ConfigPickler", "copy_config", "dumps_config", "loads_config"]

C = TypeVar("C", bound=DictConfig | ListConfig)

#: OmegaConf's own pickling methods: a node class using only these is all `__dict__`
_STOCK_GETSTATE = (Node.__getstate__, BaseContainer.__getstate__)
_STOCK_SETSTATE = (Node.__setstate__, BaseContainer.__setstate__)
#: per node class, whether it pickles by `__dict__` alone. Process-wide but never stale:
#: a class's pickling methods are fixed once it is defined, and a class defined again is a
#: new key; it holds no config, so `reset_process_caches` has nothing to drop here.
_by_dict: dict[type, bool] = {}
#: pickle writes a reduction through `copyreg.__newobj__` as its NEWOBJ opcode: the node
#: is made by `cls.__new__(cls)` in C (not in typeshed, hence read from the module)
_NEWOBJ: Any = vars(copyreg)["__newobj__"]


def _pickled_by_dict(cls: type) -> bool:
    known = _by_dict.get(cls)
    if known is None:
        known = _by_dict[cls] = (
            getattr(cls, "__getstate__", None) in _STOCK_GETSTATE
            and getattr(cls, "__setstate__", None) in _STOCK_SETSTATE
        )
    return known


def _set_state(node: Node, state: dict[str, Any]) -> None:
    """A node restored from its `__dict__` (the flags cache is rebuilt on use)."""
    fields = node.__dict__
    fields.update(state)
    fields["_flags_cache"] = None


class ConfigPickler(pickle.Pickler):
    """A pickler storing each OmegaConf node as its `__dict__` (see the module's docstring)."""

    def __init__(self, file: io.BytesIO) -> None:
        super().__init__(file, protocol=pickle.HIGHEST_PROTOCOL)

    def reducer_override(self, obj: Any) -> Any:
        cls = type(obj)
        if isinstance(obj, Node) and _pickled_by_dict(cls):
            state = obj.__dict__.copy()
            state.pop("_flags_cache", None)
            return _NEWOBJ, (cls,), state, None, None, _set_state
        return NotImplemented


def dumps_config(config: Any) -> bytes:
    """`config` pickled with `ConfigPickler`."""
    buffer = io.BytesIO()
    ConfigPickler(buffer).dump(config)
    return buffer.getvalue()


def loads_config(data: bytes) -> Any:
    """What `dumps_config` pickled (plain `pickle.loads`: the restoring function is named in
    the data)."""
    return pickle.loads(data)


def copy_config(config: C) -> C:
    """A full, independent copy of `config`."""
    try:
        copied: C = loads_config(dumps_config(config))
    except Exception:  # noqa: BLE001 - any object that refuses pickling: deep-copy it
        return copy.deepcopy(config)
    OmegaConf.copy_cache(from_config=config, to_config=copied)
    return copied
