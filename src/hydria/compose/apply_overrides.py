"""Value overrides (`key=v`, `+key=v`, `++key=v`, `~key`) applied to the composed config.

The config is in struct mode here, as in Hydra: changing a key that does not
exist needs `+`, so typos on the command line fail instead of adding keys.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from omegaconf import DictConfig, ListConfig, OmegaConf, open_dict
from omegaconf.errors import ConfigAttributeError, ConfigKeyError, OmegaConfBaseException

from hydria.config_storage import write_leaf
from hydria.errors import CompositionError
from hydria.overrides import ListExtension, Override, OverrideType, plain_value


def _existing(cfg: DictConfig, key: str) -> Any:
    return OmegaConf.select(cfg, key, throw_on_missing=False)


def _holds_key(cfg: DictConfig, key: str) -> bool:
    parent_key, _, leaf = key.rpartition(".")
    node = OmegaConf.select(cfg, parent_key, throw_on_missing=False) if parent_key else cfg
    # `leaf in node` is False for a key holding ???; keys() lists every key
    return isinstance(node, DictConfig) and leaf in node.keys()  # noqa: SIM118


def _delete(cfg: DictConfig, o: Override, value: Any) -> None:
    current = _existing(cfg, o.key)
    if current is None:
        if _holds_key(cfg, o.key):
            # Hydra treats a key whose value is null or ??? as absent here; so do we.
            raise CompositionError(
                f"Override '{o.text}': cannot delete '{o.key}': its value is null or '???', "
                "and '~' only deletes keys that hold a value (as in Hydra). "
                f"Set it instead, e.g. '{o.key}=null'"
            )
        raise CompositionError(
            f"Override '{o.text}': cannot delete '{o.key}', it is not in the config"
        )
    if o.has_value and value is not None and value != current:
        raise CompositionError(
            f"Override '{o.text}': cannot delete '{o.key}': its value is {current!r}, not {value!r}"
        )
    parent_key, _, leaf = o.key.rpartition(".")
    with open_dict(cfg):
        node = OmegaConf.select(cfg, parent_key) if parent_key else cfg
        if isinstance(node, ListConfig):
            if not leaf.isdigit():
                raise CompositionError(
                    f"Override '{o.text}': '{parent_key}' is a list; index it with a number"
                )
            del node[int(leaf)]
        else:
            assert isinstance(node, DictConfig)
            del node[leaf]


def _extend(cfg: DictConfig, o: Override, ext: ListExtension) -> None:
    current = _existing(cfg, o.key)
    if not isinstance(current, ListConfig):
        what = "missing" if current is None else f"{type(current).__name__}"
        raise CompositionError(
            f"Override '{o.text}': extend_list needs '{o.key}' to be a list; it is {what}"
        )
    current.extend([plain_value(v) for v in ext.values])


def _apply_one(cfg: DictConfig, o: Override) -> None:
    if o.package is not None:
        raise CompositionError(
            f"Override '{o.text}' selects a config group, but there is no config group "
            f"'{o.key}' on the search path"
        )
    if isinstance(o.value, ListExtension):
        if o.type is not OverrideType.CHANGE:
            raise CompositionError(
                f"Override '{o.text}': extend_list appends to an existing list and takes no "
                f"'{o.type.value}' prefix; write '{o.key}=extend_list(...)'"
            )
        _extend(cfg, o, o.value)
        return
    value = plain_value(o.value) if o.has_value else None
    if o.type is OverrideType.DELETE:
        _delete(cfg, o, value)
    elif o.type is OverrideType.ADD:
        if _existing(cfg, o.key) is not None and not isinstance(value, (dict, list)):
            raise CompositionError(
                f"Override '{o.text}': cannot add '{o.key}', the config already has it.\n"
                f"  To change it drop the '+': '{o.text[1:]}'\n"
                f"  To add or change it whichever applies use '++': '+{o.text}'"
            )
        OmegaConf.update(cfg, o.key, value, merge=True, force_add=True)
    elif o.type is OverrideType.FORCE_ADD:
        OmegaConf.update(cfg, o.key, value, merge=True, force_add=True)
    else:
        # an existing leaf given a plain value: `update` would end in the leaf's own
        # `_set_value`, where `write_leaf` goes directly (a sweep job's swept values)
        if write_leaf(cfg, o.key, value):
            return
        try:
            OmegaConf.update(cfg, o.key, value, merge=True)
        except (ConfigAttributeError, ConfigKeyError) as exc:
            # a dict value merges into the node: the missing key may be one of its own
            missing = getattr(exc, "full_key", None) or o.key
            if _existing(cfg, o.key) is None:
                missing = o.key
            raise CompositionError(
                f"Override '{o.text}': '{missing}' is not in the config.\n"
                f"  To add it use '+{o.text}'"
            ) from None


def apply_overrides(cfg: DictConfig, overrides: Sequence[Override]) -> None:
    """Apply value overrides in order, in place.

    Raises:
        CompositionError: an override cannot be applied (the message quotes it).
    """
    for o in overrides:
        try:
            _apply_one(cfg, o)
        except CompositionError:
            raise
        except OmegaConfBaseException as exc:  # Hydra's wording, which users' tests match
            raise CompositionError(f"Error merging override {o.text}\n{exc}") from None
        except (ValueError, TypeError, LookupError) as exc:  # OmegaConf lets some through
            raise CompositionError(
                f"Error merging override {o.text}\nCould not set '{o.key}': {exc}"
            ) from None
