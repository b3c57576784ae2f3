"""Value overrides (`key=v`, `+key=v`, `++key=v`, `~key`) applied to the composed config.

The config is in struct mode here, as in Hydra: changing a key that does not
exist needs `+`, so typos on the command line fail instead of adding keys.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from omegaconf import DictConfig, ListConfig, OmegaConf, open_dict
from omegaconf.errors import ConfigAttributeError, ConfigKeyError, OmegaConfBaseException

from hydria.errors import CompositionError
from hydria.overrides import ListExtension, Override, OverrideType, plain_value


def _existing(cfg: DictConfig, key: str) -> Any:
    return OmegaConf.select(cfg, key, throw_on_missing=False)


def _delete(cfg: DictConfig, o: Override, value: Any) -> None:
    current = _existing(cfg, o.key)
    if current is None:
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
        try:
            OmegaConf.update(cfg, o.key, value, merge=True)
        except (ConfigAttributeError, ConfigKeyError):
            raise CompositionError(
                f"Override '{o.text}': '{o.key}' is not in the config.\n  To add it use '+{o.text}'"
            ) from None


def apply_overrides(cfg: DictConfig, overrides: Sequence[Override]) -> None:
    """Apply value overrides in order, in place.

    Raises:
        CompositionError: an override cannot be applied (the message quotes it).
    """
    for o in overrides:
        try:
            _apply_one(cfg, o)
        except OmegaConfBaseException as exc:
            raise CompositionError(f"Override '{o.text}' could not be applied: {exc}") from None
