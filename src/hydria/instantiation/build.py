"""`instantiate` / `call`: build the objects a config describes, with Hydra 1.3's semantics.

A node with `_target_` is a call: its other keys are keyword arguments, `_args_` the
positional ones; `_recursive_` (default true) builds nested `_target_` nodes first,
`_convert_` (`none`, `partial`, `object`, `all`) chooses what plain nodes become,
`_partial_` returns a `functools.partial` instead of calling. The caller's config is
never modified: the work happens on a copy that keeps its parent, so interpolations
to the rest of the config work. Each interpolation is resolved when the traversal
reaches it (a broken one in a branch that is never built does not matter).

Every target passes the target policy (`hydria.instantiation.policy`) before anything
is imported for it.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from enum import Enum
from typing import Any

from omegaconf import DictConfig, ListConfig, OmegaConf, SCMode
from omegaconf._utils import is_structured_config

from hydria.config_copy import copy_config
from hydria.errors import InstantiationError, TargetNotFoundError, TargetRefusedError
from hydria.instantiation.locate import dotted_name
from hydria.instantiation.policy import TargetPolicy, active_policy, policy_in_force, where

__all__ = ["ConvertMode", "call", "instantiate", "instantiate_under"]

TARGET, ARGS, RECURSIVE, CONVERT, PARTIAL = (
    "_target_",
    "_args_",
    "_recursive_",
    "_convert_",
    "_partial_",
)
_NOT_KWARGS = frozenset({TARGET, RECURSIVE, CONVERT, PARTIAL})
_POLICY_KWARGS = ("_allowed_targets_", "_unsafe_targets_")


class ConvertMode(Enum):
    """What nested plain nodes become in a target's arguments."""

    NONE = "none"  # DictConfig / ListConfig
    PARTIAL = "partial"  # dicts and lists; structured configs stay DictConfig
    OBJECT = "object"  # dicts and lists; structured configs become their dataclass/attrs objects
    ALL = "all"  # dicts and lists, structured configs included


def _convert_mode(value: Any, full_key: object) -> ConvertMode:
    if isinstance(value, ConvertMode):
        return value
    if isinstance(value, str):
        for mode in ConvertMode:
            if value.lower() == mode.value:
                return mode
    choices = ", ".join(m.value for m in ConvertMode)
    raise InstantiationError(f"_convert_{where(full_key)} must be one of {choices}; got {value!r}")


def _flag(name: str, value: Any, full_key: object) -> bool:
    if not isinstance(value, bool):
        raise InstantiationError(
            f"{name}{where(full_key)} must be true or false; got {value!r} ({type(value).__name__})"
        )
    return value


def _working_copy(config: Any) -> DictConfig | ListConfig:
    """A writable copy (objects allowed) that keeps the original's parent, so that
    `${...}` to keys outside the node still resolve."""
    if isinstance(config, (DictConfig, ListConfig)):
        work = copy_config(config)
        work._set_flag(["allow_objects", "struct", "readonly"], [True, False, False])
        work._set_parent(config._get_parent())
        return work
    if isinstance(config, (dict, list)) or is_structured_config(config):
        created = OmegaConf.structured(config, flags={"allow_objects": True})
        assert isinstance(created, (DictConfig, ListConfig))
        created._set_flag(["struct", "readonly"], [False, False])
        return created
    raise InstantiationError(
        f"Cannot instantiate a {type(config).__name__}: give a DictConfig or ListConfig, a "
        "dict or list, or a structured config (a dataclass or attrs class or instance)."
    )


class _KeyOf:
    """A node's full key, worked out only if a message prints it (it is not cheap)."""

    __slots__ = ("node",)

    def __init__(self, node: DictConfig | ListConfig) -> None:
        self.node = node

    def __str__(self) -> str:
        # `node._get_full_key(None)` misspells list items (`m0` for `m[0]`); ask the parent.
        parent = self.node._get_parent()
        return "" if parent is None else str(parent._get_full_key(self.node._key()))


def _value(node: DictConfig | ListConfig, key: Any) -> Any:
    """The value at `key`, its interpolation resolved now that the traversal reached it.
    A container result is copied in at `key`, as `OmegaConf.resolve` would: it is built
    and handed over from there, never from the node it points to."""
    value = node[key]
    if OmegaConf.is_config(value) and value._get_parent() is not node:
        node[key] = value
        value = node[key]
    return value


class _Builder:
    def __init__(self, policy: TargetPolicy) -> None:
        self.policy = policy

    def target(self, value: Any, full_key: object) -> Any:
        if isinstance(value, str):
            try:
                value = self.policy.locate(value, full_key)
            except TargetNotFoundError as exc:
                raise TargetNotFoundError(
                    f"Cannot locate target{where(full_key)}: {exc}"
                ) from exc.__cause__
        elif callable(value):
            self.policy.check_object(value, None, full_key)
        if not callable(value):
            raise InstantiationError(
                f"_target_{where(full_key)} must name a callable; got {value!r} "
                f"({type(value).__name__})"
            )
        return value

    def build(
        self,
        node: Any,
        *args: Any,
        convert: ConvertMode = ConvertMode.NONE,
        recursive: bool = True,
        partial: bool = False,
    ) -> Any:
        if node is None or (OmegaConf.is_config(node) and node._is_none()):
            return None
        if not OmegaConf.is_config(node):
            return node
        full_key = _KeyOf(node)
        if isinstance(node, ListConfig):
            items = [
                self.build(_value(node, index), convert=convert, recursive=recursive)
                for index in range(len(node))
            ]
            if convert is not ConvertMode.NONE:
                return items
            as_list = OmegaConf.create(items, flags={"allow_objects": True})
            as_list._set_parent(node)
            return as_list
        assert isinstance(node, DictConfig)
        if CONVERT in node:
            convert = _convert_mode(_value(node, CONVERT), full_key)
        if RECURSIVE in node:
            recursive = _flag(RECURSIVE, _value(node, RECURSIVE), full_key)
        if PARTIAL in node:
            partial = _flag(PARTIAL, _value(node, PARTIAL), full_key)
        if TARGET in node:
            return self.call(node, args, convert, recursive, partial, full_key)
        if convert is ConvertMode.ALL or (
            convert in (ConvertMode.PARTIAL, ConvertMode.OBJECT)
            and node._metadata.object_type in (None, dict)
        ):
            return {
                key: self.build(_value(node, key), convert=convert, recursive=recursive)
                for key in node
            }
        as_dict = OmegaConf.create({}, flags={"allow_objects": True})
        for key in node:
            as_dict[key] = self.build(_value(node, key), convert=convert, recursive=recursive)
        as_dict._set_parent(node)
        as_dict._metadata.object_type = node._metadata.object_type
        if convert is ConvertMode.OBJECT:
            return OmegaConf.to_object(as_dict)
        return as_dict

    def call(
        self,
        node: DictConfig,
        args: tuple[Any, ...],
        convert: ConvertMode,
        recursive: bool,
        partial: bool,
        full_key: object,
    ) -> Any:
        target = self.target(_value(node, TARGET), full_key)
        kwargs: dict[str, Any] = {}
        for key in node:
            if key in _NOT_KWARGS or (partial and OmegaConf.is_missing(node, key)):
                continue
            value = _value(node, key)
            if recursive:
                value = self.build(value, convert=convert, recursive=recursive)
            elif OmegaConf.is_config(value):
                OmegaConf.resolve(value)  # handed over as it is: resolved as a whole
            kwargs[str(key)] = _converted(value, convert)
        positional = kwargs.pop(ARGS, ())
        if isinstance(positional, str) or not isinstance(positional, Sequence):
            raise InstantiationError(
                f"_args_{where(full_key)} must be a list of positional arguments; got "
                f"{positional!r} ({type(positional).__name__})"
            )
        if args:  # the caller's positional arguments replace the config's, as in Hydra
            positional = args
        for value in [*positional, *kwargs.values()]:
            if OmegaConf.is_config(value):
                value._set_parent(None)  # all resolved; a parent link only hurts pickling
        name = dotted_name(target)
        if partial:
            try:
                return functools.partial(target, *positional, **kwargs)
            except Exception as exc:
                raise InstantiationError(
                    f"Could not make partial('{name}', ...){where(full_key)}: "
                    f"{type(exc).__name__}: {exc}"
                ) from exc
        try:
            return target(*positional, **kwargs)
        except TargetRefusedError as exc:  # a target that locates objects (get_class)
            raise TargetRefusedError(f"In the call to '{name}'{where(full_key)}: {exc}") from None
        except Exception as exc:
            raise InstantiationError(
                f"Error in call to target '{name}'{where(full_key)}: {type(exc).__name__}: {exc}"
            ) from exc


def _converted(value: Any, convert: ConvertMode) -> Any:
    if not OmegaConf.is_config(value) or convert is ConvertMode.NONE:
        return value
    if convert is ConvertMode.ALL:
        return OmegaConf.to_container(value, resolve=True)
    if convert is ConvertMode.PARTIAL:
        return OmegaConf.to_container(
            value, resolve=True, structured_config_mode=SCMode.DICT_CONFIG
        )
    return OmegaConf.to_container(value, resolve=True, structured_config_mode=SCMode.INSTANTIATE)


def instantiate(config: Any, *args: Any, **kwargs: Any) -> Any:
    """Build the object(s) `config` describes; Hydra 1.3's `instantiate`.

    Args:
        config: a DictConfig or ListConfig, a dict or list, or a structured config; None
            gives None. Not modified.
        *args: positional arguments for the top-level target; they replace `_args_`.
        **kwargs: merged onto the config before building (the caller wins), so nested
            dicts override nested keys. `_recursive_`, `_convert_`, `_partial_` set the
            modes for the top level. Two keys set the target policy for this call and
            are not passed on: `_allowed_targets_` (dotted prefixes; only targets under
            them are accepted, replacing `HYDRIA_ALLOWED_TARGETS`) and `_unsafe_targets_`
            (default-refused targets this trusted call may use, e.g. `["os.system"]`).
            Inside another `instantiate` (a target whose code calls it), the outer call's
            policy holds: `_allowed_targets_` narrows it and `_unsafe_targets_` is ignored.

    Returns:
        The built object; for a node without `_target_`, the node with its nested
        targets built (a DictConfig/ListConfig, or dict/list per `_convert_`).

    Raises:
        hydria.errors.TargetRefusedError: a target outside the allow-list, or refused
            by default; nothing was imported or called for it.
        hydria.errors.TargetNotFoundError: a target that does not exist (the message
            names the key, the longest importable prefix and close names).
        hydria.errors.InstantiationError: a target raised (chained) or the config's
            `_args_`, `_convert_`, `_recursive_`, `_partial_` are malformed.
        omegaconf.errors.OmegaConfBaseException: an interpolation failed to resolve.
    """
    allowed, unlocked = kwargs.pop("_allowed_targets_", None), kwargs.pop("_unsafe_targets_", None)
    outer = policy_in_force()
    if outer is not None:  # a target's code calls instantiate: it may narrow, not widen
        policy = outer.narrowed(allowed)
    else:
        policy = TargetPolicy.from_environment(allowed, unlocked)
    return instantiate_under(policy, config, *args, **kwargs)


def instantiate_under(policy: TargetPolicy, config: Any, *args: Any, **kwargs: Any) -> Any:
    """`instantiate` with `policy` instead of the one the caller's keywords and the
    environment give (hydria's own callers: built-in callbacks trusted by name).

    Raises:
        The errors of `instantiate`.
    """
    if config is None:
        return None
    work = _working_copy(config)
    with active_policy(policy):
        builder = _Builder(policy)
        if isinstance(work, DictConfig):
            if kwargs:
                work.merge_with(kwargs)
            modes = {}
            for key in (RECURSIVE, CONVERT, PARTIAL):
                if key in work:
                    modes[key] = _value(work, key)
                    del work[key]
            return builder.build(
                work,
                *args,
                convert=_convert_mode(modes.get(CONVERT, ConvertMode.NONE), ""),
                recursive=_flag(RECURSIVE, modes.get(RECURSIVE, True), ""),
                partial=_flag(PARTIAL, modes.get(PARTIAL, False), ""),
            )
        recursive = _flag(RECURSIVE, kwargs.pop(RECURSIVE, True), "")
        convert = _convert_mode(kwargs.pop(CONVERT, ConvertMode.NONE), "")
        if kwargs.pop(PARTIAL, False):
            raise InstantiationError("_partial_ cannot apply to a list at the top level")
        if kwargs:
            raise InstantiationError(
                f"Keyword arguments {sorted(kwargs)} cannot be merged into a list config"
            )
        return builder.build(work, *args, convert=convert, recursive=recursive)


#: Hydra's other name for `instantiate`, for configs that describe a function call.
call = instantiate
