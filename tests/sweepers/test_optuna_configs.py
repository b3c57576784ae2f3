"""hydra/sweeper=optuna and its sampler group: what composes, what each sampler node builds,
the grid sampler's grid, and the study's directions."""

from __future__ import annotations

import enum
import warnings
from pathlib import Path
from typing import Any

import optuna
import pytest
from omegaconf import DictConfig, OmegaConf
from optuna.distributions import CategoricalDistribution, FloatDistribution
from optuna.study import StudyDirection

import hydria
from hydria.errors import OverrideValueError, PluginError, TargetRefusedError
from hydria.instantiation import TargetPolicy
from hydria.plugin_registry import builtin_targets
from hydria.repository.unsupported_plugins import unsupported_plugin_message
from hydria.sweepers.optuna_sampler import (
    build_sampler,
    grid_search_space,
    grid_size,
    is_grid_sampler,
    study_directions,
)
from hydria.sweepers.optuna_space import search_space, trial_overrides

LIGHTNING = Path(__file__).parent / "data" / "lightning"
PLUGIN_TARGET = "hydra_plugins.hydra_optuna_sweeper.optuna_sweeper.OptunaSweeper"


def _sweeper_node(tmp_path: Path, overrides: list[str]) -> DictConfig:
    (tmp_path / "config.yaml").write_text("x: 1\n")
    cfg = hydria.compose(
        "config",
        ["hydra/sweeper=optuna", *overrides],
        config_dir=str(tmp_path),
        return_hydra_config=True,
    )
    node = cfg.hydra.sweeper
    assert isinstance(node, DictConfig)
    return node


TPE = {
    "_target_": "optuna.samplers.TPESampler",
    "seed": None,
    "consider_prior": True,
    "prior_weight": 1.0,
    "consider_magic_clip": True,
    "consider_endpoints": False,
    "n_startup_trials": 10,
    "n_ei_candidates": 24,
    "multivariate": False,
    "warn_independent_sampling": True,
}


def test_the_optuna_sweeper_composes_with_the_plugins_defaults(tmp_path: Path) -> None:
    node = _sweeper_node(tmp_path, [])
    assert OmegaConf.to_container(node) == {
        "sampler": TPE,
        "_target_": PLUGIN_TARGET,
        "direction": "minimize",
        "storage": None,
        "study_name": None,
        "n_trials": 20,
        "n_jobs": 2,
        "max_failure_rate": 0.0,
        "search_space": None,
        "params": None,
        "custom_search_space": None,
        "pruner": None,  # hydria's: the plugin cannot prune
    }
    assert list(node) == ["sampler", "_target_", "direction", "storage", "study_name"] + [
        "n_trials",
        "n_jobs",
        "max_failure_rate",
        "search_space",
        "params",
        "custom_search_space",
        "pruner",
    ]


def test_the_sweeper_is_a_builtin_no_longer_refused() -> None:
    assert (
        builtin_targets("sweeper")[PLUGIN_TARGET] == "hydria.sweepers.optuna_sweeper:OptunaSweeper"
    )
    assert unsupported_plugin_message(group="hydra/sweeper", option="optuna") is None
    assert unsupported_plugin_message(target=PLUGIN_TARGET) is None


SAMPLERS = {
    "tpe": TPE,
    "random": {"_target_": "optuna.samplers.RandomSampler", "seed": None},
    "cmaes": {
        "_target_": "optuna.samplers.CmaEsSampler",
        "seed": None,
        "x0": None,
        "sigma0": None,
        "independent_sampler": None,
        "warn_independent_sampling": True,
        "consider_pruned_trials": False,
        "restart_strategy": None,
        "inc_popsize": 2,
        "use_separable_cma": False,
        "source_trials": None,
    },
    "nsgaii": {
        "_target_": "optuna.samplers.NSGAIISampler",
        "seed": None,
        "population_size": 50,
        "mutation_prob": None,
        "crossover_prob": 0.9,
        "swapping_prob": 0.5,
        "constraints_func": None,
    },
    "motpe": {
        "_target_": "optuna.samplers.MOTPESampler",
        "seed": None,
        "consider_prior": True,
        "prior_weight": 1.0,
        "consider_magic_clip": True,
        "consider_endpoints": False,
        "n_startup_trials": 10,
        "n_ehvi_candidates": 24,
    },
    "qmc": {
        "_target_": "optuna.samplers.QMCSampler",
        "seed": None,
        "qmc_type": "sobol",
        "scramble": False,
        "independent_sampler": None,
        "warn_asynchronous_seeding": True,
        "warn_independent_sampling": True,
    },
    "gp": {
        "_target_": "optuna.samplers.GPSampler",
        "seed": None,
        "independent_sampler": None,
        "n_startup_trials": 10,
        "deterministic_objective": False,
        "constraints_func": None,
        "warn_independent_sampling": True,
    },
    "grid": {"_target_": "optuna.samplers.GridSampler", "_partial_": True},
}

# What each option builds on the installed Optuna (5: MOTPESampler is gone, TPE replaces it).
BUILDS = {
    "tpe": "TPESampler",
    "random": "RandomSampler",
    "cmaes": "CmaEsSampler",
    "nsgaii": "NSGAIISampler",
    "motpe": "MOTPESampler" if hasattr(optuna.samplers, "MOTPESampler") else "TPESampler",
    "qmc": "QMCSampler",
    "gp": "GPSampler",
    "grid": "GridSampler",
}


@pytest.mark.parametrize("option", list(SAMPLERS))
def test_each_sampler_option_composes_and_builds_without_warnings(
    tmp_path: Path, option: str
) -> None:
    node = _sweeper_node(tmp_path, [f"hydra/sweeper/sampler={option}"])
    assert OmegaConf.to_container(node.sampler) == SAMPLERS[option]
    assert is_grid_sampler(node.sampler) == (option == "grid")
    space = search_space(["x=range(0, 4)", "y=a,b"])
    with warnings.catch_warnings():
        # QMCSampler is marked experimental by Optuna itself; nothing else may warn
        warnings.filterwarnings("ignore", category=optuna.exceptions.ExperimentalWarning)
        sampler = build_sampler(node.sampler, space)
    assert type(sampler).__name__ == BUILDS[option]


def test_motpe_becomes_the_tpe_sampler_with_its_candidates(tmp_path: Path) -> None:
    if hasattr(optuna.samplers, "MOTPESampler"):
        pytest.skip("this Optuna still has MOTPESampler")
    node = _sweeper_node(tmp_path, ["hydra/sweeper/sampler=motpe"])
    node.sampler.n_ehvi_candidates = 7
    sampler = build_sampler(node.sampler)
    assert isinstance(sampler, optuna.samplers.TPESampler)
    assert sampler._n_ei_candidates == 7


def test_a_deprecated_option_set_by_the_user_reaches_optuna(tmp_path: Path) -> None:
    node = _sweeper_node(tmp_path, ["hydra.sweeper.sampler.consider_prior=false"])
    with pytest.warns(FutureWarning, match="consider_prior"):
        build_sampler(node.sampler)


def _sampled(sampler: optuna.samplers.BaseSampler, n: int, directions: int = 1) -> list[Any]:
    space = search_space(["x=interval(-5, 5)", "y=a,b,c", "z=range(1, 9)"])
    study = optuna.create_study(sampler=sampler, directions=["minimize"] * directions)
    seen = []
    for _ in range(n):
        trial = study.ask(fixed_distributions=space.distributions)
        seen.append(dict(trial.params))
        x = float(trial.params["x"])
        study.tell(trial, [x * x, -x][:directions] if directions > 1 else x * x)
    return seen


@pytest.mark.parametrize(
    ("option", "directions"),
    [("tpe", 1), ("random", 1), ("nsgaii", 2), ("motpe", 2), ("tpe", 2)],
)
def test_a_seeded_sampler_samples_the_same_trials(
    tmp_path: Path, option: str, directions: int
) -> None:
    overrides = [f"hydra/sweeper/sampler={option}", "hydra.sweeper.sampler.seed=1234"]
    if option in ("tpe", "motpe"):
        overrides.append("hydra.sweeper.sampler.n_startup_trials=3")
    node = _sweeper_node(tmp_path, overrides)
    first = _sampled(build_sampler(node.sampler), 8, directions)
    assert first == _sampled(build_sampler(node.sampler), 8, directions)
    node.sampler.seed = 4321
    assert first != _sampled(build_sampler(node.sampler), 8, directions)


# --- the grid sampler ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("overrides", "grid"),
    [
        pytest.param(["x=a,b"], {"x": ["a", "b"]}, id="choice"),
        pytest.param(["x=range(1, 5)"], {"x": [1, 2, 3, 4]}, id="range"),
        pytest.param(["x=range(0, 10, 3)"], {"x": [0, 3, 6]}, id="range-step"),
        pytest.param(
            ["x=range(0, 1, 0.1)"],
            {"x": [0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9]},
            id="range-float",
        ),
        pytest.param(["x=int(interval(1, 4))"], {"x": [1, 2, 3]}, id="int-interval"),
        pytest.param(["x=1,2", "y=5"], {"x": [1, 2]}, id="fixed-not-in-grid"),
    ],
)
def test_the_grid_of_a_search_space(overrides: list[str], grid: dict[str, list[Any]]) -> None:
    assert grid_search_space(search_space(overrides)) == grid


@pytest.mark.parametrize("override", ["x=interval(0, 1)", "x=tag(log, int(interval(1, 8)))"])
def test_a_continuous_parameter_has_no_grid(override: str) -> None:
    with pytest.raises(OverrideValueError) as info:
        grid_search_space(search_space([override]))
    assert str(info.value).startswith(
        f"The grid sampler takes only discrete parameters (choices and ranges), and 'x' "
        f"(from '{override}') is continuous"
    )


def test_the_grid_sampler_visits_every_point_once(tmp_path: Path) -> None:
    node = _sweeper_node(tmp_path, ["hydra/sweeper/sampler=grid", "+hydra.sweeper.sampler.seed=0"])
    space = search_space(["x=a,b,c", "y=range(1, 3)"])
    assert grid_size(grid_search_space(space)) == 6
    study = optuna.create_study(sampler=build_sampler(node.sampler, space))
    seen = set()
    for _ in range(6):
        trial = study.ask(fixed_distributions=space.distributions)
        seen.add((trial.params["x"], trial.params["y"]))
        try:
            study.tell(trial, 0.0)
        except RuntimeError as exc:  # the grid is done: its stop() outside optimize()
            assert "Study.stop" in str(exc) and len(seen) == 6
    assert seen == {(x, y) for x in "abc" for y in (1, 2)}


def test_the_grid_sampler_needs_the_search_space(tmp_path: Path) -> None:
    node = _sweeper_node(tmp_path, ["hydra/sweeper/sampler=grid"])
    with pytest.raises(PluginError, match="built from the sweep's search space"):
        build_sampler(node.sampler)


# --- sampler nodes that do not build -------------------------------------------------------


@pytest.mark.parametrize(
    ("node", "message"),
    [
        pytest.param({"seed": 1}, "hydra.sweeper.sampler has no _target_", id="no-target"),
        pytest.param(
            {"_target_": "optuna.samplers.TPESampler", "n_ehvi_candidates": 3},
            "hydra.sweeper.sampler (optuna.samplers.TPESampler) cannot be built: ",
            id="unknown-option",
        ),
        pytest.param(
            {"_target_": "optuna.samplers.NoSuchSampler"},
            "hydra.sweeper.sampler (optuna.samplers.NoSuchSampler) cannot be built: ",
            id="missing",
        ),
        pytest.param(
            {"_target_": "collections.OrderedDict"},
            "hydra.sweeper.sampler._target_=collections.OrderedDict made a OrderedDict, not an "
            "Optuna sampler",
            id="not-a-sampler",
        ),
        pytest.param(
            {"_target_": "optuna.samplers.RandomSampler", "_partial_": True},
            "hydra.sweeper.sampler (optuna.samplers.RandomSampler) has _partial_: true, which "
            "only the grid sampler takes",
            id="partial",
        ),
    ],
)
def test_a_sampler_node_that_does_not_build_says_why(node: dict[str, Any], message: str) -> None:
    with pytest.raises(PluginError) as info:
        build_sampler(node, policy=TargetPolicy())
    assert str(info.value).startswith(message)


def test_optuna_samplers_pass_an_allow_list_other_targets_do_not() -> None:
    policy = TargetPolicy(allowed=("my_app",), allowed_source="HYDRIA_ALLOWED_TARGETS")
    node = {
        "_target_": "optuna.samplers.CmaEsSampler",
        "independent_sampler": {"_target_": "optuna.samplers.RandomSampler", "seed": 3},
    }
    assert isinstance(build_sampler(node, policy=policy), optuna.samplers.CmaEsSampler)
    with pytest.raises(TargetRefusedError, match="is not in the allowed targets"):
        build_sampler({"_target_": "collections.OrderedDict"}, policy=policy)


# --- directions ----------------------------------------------------------------------------


class Direction(enum.Enum):
    """The plugin's enum, as a structured config of it gives the direction."""

    minimize = 1
    maximize = 2


MIN, MAX = StudyDirection.MINIMIZE, StudyDirection.MAXIMIZE


@pytest.mark.parametrize(
    ("direction", "expected"),
    [
        pytest.param("minimize", [MIN], id="minimize"),
        pytest.param("maximize", [MAX], id="maximize"),
        pytest.param("MAXIMIZE", [MAX], id="upper-case"),
        pytest.param(Direction.maximize, [MAX], id="plugin-enum"),
        pytest.param(MAX, [MAX], id="study-direction"),
        pytest.param(["minimize", "maximize"], [MIN, MAX], id="list"),
        pytest.param(
            OmegaConf.create({"d": ["maximize", "minimize"]}).d, [MAX, MIN], id="list-config"
        ),
        pytest.param([Direction.minimize, "maximize"], [MIN, MAX], id="mixed"),
    ],
)
def test_directions(direction: object, expected: list[StudyDirection]) -> None:
    assert study_directions(direction) == expected


@pytest.mark.parametrize(
    "direction",
    ["up", "", [], None, 3, StudyDirection.NOT_SET, ["minimize", "max"]],
    ids=["word", "empty", "empty-list", "null", "int", "not-set", "list-with-typo"],
)
def test_a_direction_that_is_not_one_is_refused(direction: object) -> None:
    with pytest.raises(PluginError, match="is not a direction. Give minimize or maximize"):
        study_directions(direction)


def test_a_multi_objective_study_from_the_directions(tmp_path: Path) -> None:
    node = _sweeper_node(
        tmp_path, ["hydra/sweeper/sampler=nsgaii", "hydra.sweeper.direction=[minimize,maximize]"]
    )
    study = optuna.create_study(
        sampler=build_sampler(node.sampler), directions=study_directions(node.direction)
    )
    space = search_space(["x=interval(0, 1)"])
    for _ in range(4):
        trial = study.ask(fixed_distributions=space.distributions)
        study.tell(trial, [trial.params["x"], trial.params["x"] ** 2])
    assert study.directions == [MIN, MAX]
    assert study.best_trials


# --- lightning-hydra-template's hparams_search ---------------------------------------------


def test_an_hparams_search_config_like_the_lightning_templates_composes() -> None:
    cfg = hydria.compose(
        "train",
        ["hparams_search=mnist_optuna"],
        config_dir=str(LIGHTNING),
        return_hydra_config=True,
    )
    sweeper = cfg.hydra.sweeper
    assert cfg.hydra.mode.name == "MULTIRUN"
    assert cfg.hydra.runtime.choices["hydra/sweeper"] == "optuna"
    assert cfg.hydra.runtime.choices["hydra/sweeper/sampler"] == "tpe"
    assert OmegaConf.to_container(sweeper.sampler) == {**TPE, "seed": 1234}
    assert (sweeper._target_, sweeper.direction, sweeper.n_trials, sweeper.n_jobs) == (
        PLUGIN_TARGET,
        "maximize",
        20,
        1,
    )
    assert (sweeper.storage, sweeper.study_name, sweeper.custom_search_space) == (None, None, None)
    assert sweeper.max_failure_rate == 0.0
    space = search_space([], sweeper.params)
    assert space.distributions == {
        "model.optimizer.lr": FloatDistribution(0.0001, 0.1),
        "data.batch_size": CategoricalDistribution((32, 64, 128, 256)),
        "model.net.lin1_size": CategoricalDistribution((64, 128, 256)),
        "model.net.lin2_size": CategoricalDistribution((64, 128, 256)),
        "model.net.lin3_size": CategoricalDistribution((32, 64, 128, 256)),
    }
    assert isinstance(build_sampler(sweeper.sampler, space), optuna.samplers.TPESampler)
    assert study_directions(sweeper.direction) == [MAX]
    # a trial's job overrides compose with the tree
    study = optuna.create_study(sampler=build_sampler(sweeper.sampler, space))
    trial = study.ask(fixed_distributions=space.distributions)
    job = hydria.compose("train", trial_overrides(space, trial.params), config_dir=str(LIGHTNING))
    assert job.data.batch_size == trial.params["data.batch_size"]
    assert job.model.optimizer.lr == trial.params["model.optimizer.lr"]
