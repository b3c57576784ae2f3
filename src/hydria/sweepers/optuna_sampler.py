"""The sampler and directions of an Optuna sweep, from the `hydra.sweeper` node as Hydra's
Optuna sweeper plugin (hydra-optuna-sweeper 1.2/1.3) writes it.

The `sampler` node is instantiated like any `_target_`, through the target policy. Names
under `optuna.samplers` are exempt from an allow-list (hydria's own sampler configs name
them), not from the policy's refusals. Three adjustments keep the plugin's configs working
on today's Optuna, whose defaults they match:

* Options Optuna 4 deprecated (TPESampler's `consider_prior`, `prior_weight`,
  `consider_magic_clip`, `consider_endpoints`, `warn_independent_sampling`; CmaEsSampler's
  `inc_popsize` without a `restart_strategy`) are left out when they hold the value the
  plugin's config gives, which is what Optuna does anyway: no FutureWarning for options
  the user never set. Any other value is passed on (and Optuna warns).
* `optuna.samplers.MOTPESampler` (hydra/sweeper/sampler=motpe), removed in Optuna 4, is
  built as the TPESampler that replaced it (it handles several objectives), with
  `n_ehvi_candidates` as `n_ei_candidates`. An Optuna that still has MOTPESampler builds it.
* The grid sampler (`_partial_: true`) is completed with the grid made from the sweep's
  search space (`grid_search_space`), as the plugin does.

Needs `optuna`: imported only when an Optuna sweep runs.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Mapping, Sequence
from decimal import Decimal
from enum import Enum
from typing import Any

import optuna
from omegaconf import OmegaConf
from optuna.distributions import CategoricalDistribution, FloatDistribution, IntDistribution
from optuna.samplers import BaseSampler, GridSampler
from optuna.study import StudyDirection

from hydria.errors import (
    InstantiationError,
    OverrideValueError,
    PluginError,
    TargetRefusedError,
)
from hydria.instantiation import TargetPolicy, instantiate_under
from hydria.sweepers.optuna_space import SearchSpace

__all__ = [
    "GridValue",
    "build_sampler",
    "grid_search_space",
    "grid_size",
    "is_grid_sampler",
    "sampler_options",
    "study_directions",
]

SAMPLER_KEY = "hydra.sweeper.sampler"
_SAMPLERS = "optuna.samplers"
_GRID_TARGETS = frozenset({f"{_SAMPLERS}.GridSampler", f"{_SAMPLERS}._grid.GridSampler"})
_MOTPE = f"{_SAMPLERS}.MOTPESampler"

#: A value in a grid, as `optuna.samplers.GridSampler` takes it.
GridValue = str | int | float | bool | None

# Options Optuna 4 deprecated, with the value the plugin's configs give them: that value
# is Optuna's own default (for `warn_independent_sampling`, a warning only), so leaving
# it out changes nothing but the FutureWarning.
_DEPRECATED_DEFAULTS: Mapping[str, Mapping[str, object]] = {
    f"{_SAMPLERS}.TPESampler": {
        "consider_prior": True,
        "prior_weight": 1.0,
        "consider_magic_clip": True,
        "consider_endpoints": False,
        "warn_independent_sampling": True,
    },
}


def is_grid_sampler(node: Mapping[str, Any]) -> bool:
    """Whether the sampler node names Optuna's GridSampler, which needs the grid before it
    is built (and caps the number of trials at the grid's size)."""
    return str(node.get("_target_")) in _GRID_TARGETS


def build_sampler(
    node: Mapping[str, Any],
    space: SearchSpace | None = None,
    *,
    policy: TargetPolicy | None = None,
) -> BaseSampler:
    """The sampler `hydra.sweeper.sampler` describes.

    Args:
        node: the sampler node (a DictConfig or a dict): `_target_` and keyword arguments.
        space: the sweep's search space, from which the grid sampler's grid is made
            (`grid_search_space`); the other samplers do not need it.
        policy: the target policy; None for the launching process's environment.

    Returns:
        The sampler, ready for `optuna.create_study`.

    Raises:
        hydria.errors.TargetRefusedError: the policy refuses a target in the node.
        hydria.errors.PluginError: the node has no `_target_`, names nothing, its options
            do not fit the sampler, or it does not build a sampler.
        hydria.errors.OverrideValueError: the grid sampler was given a continuous
            parameter (`grid_search_space`).
    """
    options = sampler_options(node)
    target = str(options.get("_target_", ""))
    if not target:
        raise PluginError(f"{SAMPLER_KEY} has no _target_: name an optuna.samplers class")
    if target in _GRID_TARGETS:
        options["_partial_"] = True
    options = _current_options(target, options)
    checking = (policy or TargetPolicy.from_environment()).trusting(_SAMPLERS)
    try:
        built = instantiate_under(checking, options)
    except TargetRefusedError:
        raise
    except InstantiationError as exc:  # a missing target, or options that do not fit
        raise PluginError(f"{SAMPLER_KEY} ({target}) cannot be built: {exc}") from exc
    if isinstance(built, functools.partial):
        built = _completed_grid_sampler(built, target, space)
    if not isinstance(built, BaseSampler):
        raise PluginError(
            f"{SAMPLER_KEY}._target_={target} made a {type(built).__name__}, not an Optuna "
            "sampler (a subclass of optuna.samplers.BaseSampler)"
        )
    return built


def sampler_options(node: Mapping[str, Any]) -> dict[str, Any]:
    """The sampler node as a plain dict (a DictConfig, or a dict from the registry)."""
    if OmegaConf.is_config(node):
        container = OmegaConf.to_container(node, resolve=True)
        assert isinstance(container, dict)
        return {str(key): value for key, value in container.items()}
    return {str(key): value for key, value in node.items()}


def _current_options(target: str, options: dict[str, Any]) -> dict[str, Any]:
    """The options with the adjustments the module docstring lists."""
    if target == _MOTPE and not hasattr(optuna.samplers, "MOTPESampler"):
        target = f"{_SAMPLERS}.TPESampler"
        options["_target_"] = target
        if "n_ehvi_candidates" in options:
            options["n_ei_candidates"] = options.pop("n_ehvi_candidates")
    defaults = dict(_DEPRECATED_DEFAULTS.get(target, {}))
    if target == f"{_SAMPLERS}.CmaEsSampler" and options.get("restart_strategy") is None:
        defaults["inc_popsize"] = 2  # only read with a restart strategy
    return {
        key: value
        for key, value in options.items()
        if key not in defaults or not _same(value, defaults[key])
    }


def _same(value: object, default: object) -> bool:
    """Equal, and a bool only for a bool (`1.0` is `prior_weight`'s default, `1` too)."""
    return value == default and isinstance(value, bool) == isinstance(default, bool)


def _completed_grid_sampler(
    partial: functools.partial[Any],
    target: str,
    space: SearchSpace | None,
) -> Any:
    if partial.func is not GridSampler:
        raise PluginError(
            f"{SAMPLER_KEY} ({target}) has _partial_: true, which only the grid sampler "
            "takes (its grid comes from the search space); remove it"
        )
    if space is None:
        raise PluginError(
            f"{SAMPLER_KEY} is the grid sampler, which is built from the sweep's search space"
        )
    grid = grid_search_space(space)
    try:
        return partial(grid)
    except (TypeError, ValueError) as exc:
        raise PluginError(f"{SAMPLER_KEY} (GridSampler) refused the grid: {exc}") from exc


def grid_search_space(space: SearchSpace) -> dict[str, list[GridValue]]:
    """The grid of a search space, by parameter, as the plugin makes it: a categorical's
    choices; for a stepped int or float distribution, `low + i * step` for i from 0 while
    below `high` (so `range(1, 5)` gives 1, 2, 3, 4 as in a basic sweep). Floats are
    stepped in decimal, as the basic sweeper steps a range: `range(0, 1, 0.1)` gives ten
    points, 0.3 among them (the plugin's float arithmetic gave nine, and
    0.30000000000000004).

    Raises:
        OverrideValueError: a parameter is continuous (`interval()`) or on a log scale.
    """
    return {
        param.name: _grid_values(param.name, param.source, param.distribution)
        for param in space.params
    }


def _grid_values(name: str, source: str, distribution: object) -> list[GridValue]:
    if isinstance(distribution, CategoricalDistribution):
        return list(distribution.choices)
    if isinstance(distribution, IntDistribution) and not distribution.log:
        count = (distribution.high - distribution.low) // distribution.step
        return [distribution.low + i * distribution.step for i in range(count)]
    if (
        isinstance(distribution, FloatDistribution)
        and distribution.step is not None
        and not distribution.log
    ):
        low, high = Decimal(repr(distribution.low)), Decimal(repr(distribution.high))
        step = Decimal(repr(distribution.step))
        return [float(low + i * step) for i in range(int((high - low) // step))]
    raise OverrideValueError(
        f"The grid sampler takes only discrete parameters (choices and ranges), and "
        f"'{name}' (from '{source}') is continuous: make it a choice() or range(), or use "
        "another sampler"
    )


def grid_size(grid: Mapping[str, Sequence[GridValue]]) -> int:
    """How many points the grid has: the sweep runs at most that many trials."""
    return math.prod(len(values) for values in grid.values())


def study_directions(direction: object) -> list[StudyDirection]:
    """The study's directions from `hydra.sweeper.direction`: `minimize` or `maximize`
    (any case, or an enum member of that name, as the plugin's `Direction`), or a list of
    them for a multi-objective study.

    Raises:
        hydria.errors.PluginError: anything else, or an empty list.
    """
    if isinstance(direction, Sequence) and not isinstance(direction, str):
        items = list(direction)
        if not items:
            raise PluginError(_direction_message(direction))
        return [_direction(item) for item in items]
    return [_direction(direction)]


def _direction(value: object) -> StudyDirection:
    name = value.name if isinstance(value, Enum) else value
    if isinstance(name, str) and name.lower() in ("minimize", "maximize"):
        return StudyDirection[name.upper()]
    raise PluginError(_direction_message(value))


def _direction_message(value: object) -> str:
    return (
        f"hydra.sweeper.direction: {value!r} is not a direction. Give minimize or maximize, "
        "or a list of them (one per objective the task returns) for a multi-objective study."
    )
