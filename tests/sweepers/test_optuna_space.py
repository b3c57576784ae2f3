"""The Optuna search space: overrides to distributions and fixed values, sampled values back
to override texts, and the custom search space function behind the target policy."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import optuna
import pytest
from omegaconf import OmegaConf
from optuna.distributions import (
    BaseDistribution,
    CategoricalDistribution,
    FloatDistribution,
    IntDistribution,
)

from hydria.errors import (
    InstantiationError,
    OverrideParseError,
    OverrideValueError,
    TargetNotFoundError,
    TargetRefusedError,
)
from hydria.instantiation import TargetPolicy
from hydria.overrides import parse_override, plain_value, values_identical
from hydria.sweepers.optuna_space import (
    SearchParam,
    SearchSpace,
    custom_search_space_function,
    distribution_of,
    legacy_search_space,
    params_overrides,
    search_space,
    trial_overrides,
)

# --- grammar form -> distribution ----------------------------------------------------------


@pytest.mark.parametrize(
    ("override", "expected"),
    [
        pytest.param("x=interval(0, 1)", FloatDistribution(0.0, 1.0), id="interval"),
        pytest.param("x=interval(1, 10)", FloatDistribution(1.0, 10.0), id="interval-int-bounds"),
        pytest.param("x=int(interval(1, 10))", IntDistribution(1, 10), id="int-interval"),
        pytest.param(
            "x=tag(log, interval(0.0001, 0.1))",
            FloatDistribution(0.0001, 0.1, log=True),
            id="log-interval",
        ),
        pytest.param(
            "x=tag(log, int(interval(1, 1024)))",
            IntDistribution(1, 1024, log=True),
            id="log-int-interval",
        ),
        pytest.param(
            "x=int(tag(log, interval(1, 1024)))",
            IntDistribution(1, 1024, log=True),
            id="int-of-log-interval",
        ),
        pytest.param(
            "x=tag(lr, interval(0, 1))", FloatDistribution(0.0, 1.0), id="other-tags-ignored"
        ),
        # the stop is included, as the plugin passes it to Optuna as `high`
        pytest.param("x=range(1, 5)", IntDistribution(1, 5), id="range"),
        pytest.param("x=range(0, 10, 2)", IntDistribution(0, 10, step=2), id="range-step"),
        pytest.param("x=range(4)", IntDistribution(0, 4), id="range-stop-only"),
        pytest.param("x=range(0, 10, 3)", IntDistribution(0, 9, step=3), id="range-off-step"),
        pytest.param(
            "x=range(0, 1, 0.3)", FloatDistribution(0.0, 0.9, step=0.3), id="range-float-off-step"
        ),
        pytest.param(
            "x=range(-5.5, 5.5, step=0.5)",
            FloatDistribution(-5.5, 5.5, step=0.5),
            id="range-float",
        ),
        pytest.param(
            "x=range(0, 2, 0.5)", FloatDistribution(0.0, 2.0, step=0.5), id="range-float-step"
        ),
        pytest.param(
            "x=float(range(0, 3))", FloatDistribution(0.0, 3.0, step=1.0), id="float-range"
        ),
        pytest.param("x=a,b,c", CategoricalDistribution(("a", "b", "c")), id="simple-choice"),
        pytest.param(
            "x=choice(32, 64, 128)", CategoricalDistribution((32, 64, 128)), id="choice-ints"
        ),
        pytest.param(
            "x=choice(true, 1.5, str(1))",
            CategoricalDistribution((True, 1.5, "1")),
            id="choice-mixed",
        ),
        pytest.param(
            "x=null,'a b',[1,2],{k:v}",
            CategoricalDistribution(("null", "'a b'", "[1,2]", "{k:v}")),
            id="choice-as-override-text",
        ),
        pytest.param("x=int(choice('1', '2'))", CategoricalDistribution((1, 2)), id="cast-choice"),
        pytest.param("db=mysql,postgresql", CategoricalDistribution(("mysql", "postgresql"))),
        pytest.param("x=sort(3,1,2)", CategoricalDistribution((1, 2, 3)), id="sorted-choice"),
    ],
)
def test_each_sweep_form_becomes_the_plugins_distribution(
    override: str, expected: BaseDistribution
) -> None:
    assert distribution_of(parse_override(override)) == expected


@pytest.mark.parametrize(
    ("override", "choices"),
    [
        pytest.param("x=shuffle(a,b,c,d)", {"a", "b", "c", "d"}, id="shuffle-choice"),
        pytest.param("x=shuffle(range(1, 5))", {1, 2, 3, 4}, id="shuffle-range"),
        pytest.param("x=shuffle(range(0, 1, 0.25))", {0.0, 0.25, 0.5, 0.75}, id="shuffle-floats"),
    ],
)
def test_a_shuffled_sweep_is_a_categorical_of_its_values(override: str, choices: set[Any]) -> None:
    distribution = distribution_of(parse_override(override))
    assert isinstance(distribution, CategoricalDistribution)
    assert set(distribution.choices) == choices
    assert len(distribution.choices) == len(choices)


@pytest.mark.parametrize(
    "override",
    ["x=1", "x=abc", "x=[1,2]", "x={a:1}", "+x=1", "++x=1", "~x", "~x=1", "db=mysql", "x="],
)
def test_a_value_that_is_not_a_sweep_is_fixed(override: str) -> None:
    assert distribution_of(parse_override(override)) is None


@pytest.mark.parametrize(
    ("override", "message"),
    [
        pytest.param(
            "db=glob(*)",
            "Override 'db=glob(*)': glob() selects config group options, which the Optuna "
            "sweeper does not list; name the options as a choice instead (db=mysql,postgresql)",
            id="glob",
        ),
        pytest.param(
            "x=interval(1, 0)",
            "Override 'x=interval(1, 0)': the Optuna sweeper cannot sample it: ",
            id="empty-interval",
        ),
        pytest.param(
            "x=tag(log, interval(0, 1))",
            "Override 'x=tag(log, interval(0, 1))': the Optuna sweeper cannot sample it: ",
            id="log-from-zero",
        ),
        pytest.param(
            "x=range(5, 0, -1)",
            "Override 'x=range(5, 0, -1)': the Optuna sweeper cannot sample it: ",
            id="descending-range",
        ),
    ],
)
def test_what_optuna_cannot_sample_is_refused_naming_the_override(
    override: str, message: str
) -> None:
    with pytest.raises(OverrideValueError) as info:
        search_space([override])
    assert str(info.value).startswith(message)


# --- combining params and the command line -------------------------------------------------


def _summary(space: SearchSpace) -> tuple[dict[str, BaseDistribution], list[str]]:
    return space.distributions, [o.text for o in space.fixed]


def test_params_come_first_and_the_command_line_replaces_them() -> None:
    space = search_space(
        ["y=interval(0, 2)", "z=5", "w=1,2"],
        {"x": "interval(0, 1)", "y": "choice(1, 2)", "z": 3, "lr": 0.1},
    )
    assert _summary(space) == (
        {
            "x": FloatDistribution(0.0, 1.0),
            "y": FloatDistribution(0.0, 2.0),
            "w": CategoricalDistribution((1, 2)),
        },
        ["z=5", "lr=0.1"],  # z keeps the place of its first appearance
    )


@pytest.mark.parametrize(
    ("params", "overrides"),
    [
        pytest.param({"x": "interval(0, 1)"}, ["x=3"], id="fixed-on-the-command-line"),
        # the plugin removes fixed names from the search space last, wherever they came from
        pytest.param({"x": "3"}, ["x=interval(0, 1)"], id="fixed-in-params"),
    ],
)
def test_a_fixed_value_wins_over_a_distribution(
    params: dict[str, Any], overrides: list[str]
) -> None:
    space = search_space(overrides, params)
    assert _summary(space) == ({}, ["x=3"])
    assert space.fixed_values == {"x": "3"}


def test_names_keep_their_prefix_and_package() -> None:
    space = search_space(["+x=interval(0, 1)", "x=a,b", "db@backup=mysql,pg", "~old"])
    assert list(space.distributions) == ["+x", "x", "db@backup"]
    assert space.fixed_values == {"~old": "null"}


def test_params_values_are_override_text_of_any_scalar_type() -> None:
    assert params_overrides({"a": "choice(1,2)", "b": 5, "c": 0.5, "d": True}) == [
        "a=choice(1,2)",
        "b=5",
        "c=0.5",
        "d=True",
    ]
    assert params_overrides(None) == []


@pytest.mark.parametrize(
    ("value", "shown"),
    [pytest.param(None, "null", id="null"), pytest.param([1, 2], "a list", id="list")],
)
def test_a_params_value_that_is_not_text_is_refused(value: Any, shown: str) -> None:
    with pytest.raises(OverrideValueError) as info:
        search_space([], {"x": value})
    assert str(info.value).startswith(f"hydra.sweeper.params.x is {shown}: each entry must be")


def test_a_params_value_that_does_not_parse_names_it() -> None:
    with pytest.raises(OverrideParseError, match="x=interval\\(0,"):
        search_space([], {"x": "interval(0,"})


def test_params_from_a_config_node() -> None:
    params = OmegaConf.create({"x": "interval(0, 1)", "n": 2})
    assert _summary(search_space([], params)) == ({"x": FloatDistribution(0.0, 1.0)}, ["n=2"])


# --- the plugin's 1.1 search_space ---------------------------------------------------------


@pytest.mark.parametrize(
    ("entry", "expected"),
    [
        pytest.param({"type": "float", "low": 0, "high": 1}, FloatDistribution(0, 1), id="float"),
        pytest.param(
            {"type": "float", "low": 1e-4, "high": 1, "log": True},
            FloatDistribution(1e-4, 1, log=True),
            id="float-log",
        ),
        pytest.param(
            {"type": "float", "low": -5.5, "high": 5.5, "step": 0.5},
            FloatDistribution(-5.5, 5.5, step=0.5),
            id="float-step",
        ),
        pytest.param({"type": "int", "low": 1, "high": 9}, IntDistribution(1, 9), id="int"),
        pytest.param(
            {"type": "int", "low": 1, "high": 9, "step": 2},
            IntDistribution(1, 9, step=2),
            id="int-step",
        ),
        pytest.param(
            {"type": "int", "low": 1, "high": 64, "log": True},
            IntDistribution(1, 64, log=True),
            id="int-log",
        ),
        pytest.param(
            {"type": "categorical", "choices": [-5, 0, 5]},
            CategoricalDistribution((-5, 0, 5)),
            id="categorical",
        ),
    ],
)
def test_the_legacy_search_space(entry: dict[str, Any], expected: BaseDistribution) -> None:
    (param,) = legacy_search_space({"x": entry})
    assert (param.name, param.distribution) == ("x", expected)


def test_the_legacy_search_space_comes_before_overrides() -> None:
    legacy = legacy_search_space(
        {"x": {"type": "int", "low": 1, "high": 9}, "y": {"type": "float", "low": 0, "high": 1}}
    )
    space = search_space(["y=a,b", "z=range(1,3)"], legacy=legacy)
    assert list(space.distributions.items()) == [
        ("x", IntDistribution(1, 9)),
        ("y", CategoricalDistribution(("a", "b"))),
        ("z", IntDistribution(1, 3)),
    ]


def test_a_legacy_entry_of_no_known_form_is_refused() -> None:
    with pytest.raises(OverrideValueError, match="hydra.sweeper.search_space.x: expected type"):
        legacy_search_space({"x": {"type": "normal", "mean": 0}})


# --- a trial's values back to overrides ----------------------------------------------------

ROUND_TRIP = [
    "a=interval(-1.5, 1e6)",
    "b=tag(log, interval(1e-8, 1e-2))",
    "c=int(interval(-3, 3))",
    "d=tag(log, int(interval(1, 4096)))",
    "e=range(0, 10, 3)",
    "f=range(0.0, 1.0, 0.1)",
    "g=a,'b c',\"it's\",null,true,1,1.5,[1, 2],{k: v},a\\,b",
    "s=choice(str(7), str(true), 'x y')",
    "+h=shuffle(x, y)",
    "db@pkg=mysql,postgresql",
]


def _original_choices(override: str) -> list[Any]:
    value = parse_override(override).value
    return list(value.values)  # type: ignore[union-attr]


@pytest.mark.parametrize("seed", range(8))
def test_sampled_values_round_trip_through_their_override_text(seed: int) -> None:
    space = search_space([*ROUND_TRIP, "fixed=1", "~gone"])
    study = optuna.create_study(sampler=optuna.samplers.RandomSampler(seed=seed))
    trial = study.ask(fixed_distributions=space.distributions)
    texts = trial_overrides(space, trial.params)
    assert texts[-2:] == ["fixed=1", "~gone=null"]
    parsed = {o.type.value + o.key_with_package: o for o in map(parse_override, texts[:-2])}
    assert list(parsed) == list(trial.params)
    for name, value in trial.params.items():
        got = parsed[name].value
        param = next(p for p in space.params if p.name == name)
        if isinstance(param.distribution, CategoricalDistribution):
            index = param.distribution.choices.index(value)
            source = next(o for o in [*ROUND_TRIP] if o.startswith(name + "="))
            if not source.startswith("+h=shuffle"):
                assert values_identical(got, _original_choices(source)[index])
        else:
            assert type(plain_value(got)) is type(value)
            assert plain_value(got) == value


@pytest.mark.parametrize(
    ("override", "value", "text"),
    [
        pytest.param("x=interval(0, 1)", 0.25, "x=0.25", id="float"),
        pytest.param("x=interval(0, 1)", 1e-05, "x=1e-05", id="float-exponent"),
        pytest.param("x=int(interval(0, 9))", 3, "x=3", id="int"),
        pytest.param("x=true,false", True, "x=True", id="bool-as-hydra-writes-it"),
        pytest.param("x=a,null", "null", "x=null", id="null"),
        pytest.param("x='a,b',c", "'a,b'", "x='a,b'", id="quoted"),
        pytest.param("x=choice('a,b', c)", "a,b", "x=a\\,b", id="unquoted-in-a-call"),
        pytest.param("x=choice([1,2], c)", "[1,2]", "x=[1,2]", id="list"),
        pytest.param("x=a\\,b,c", "a,b", "x=a\\,b", id="escaped-string"),
    ],
)
def test_how_a_sampled_value_is_written(override: str, value: Any, text: str) -> None:
    assert trial_overrides(search_space([override]), {"x": value}) == [text]


def test_values_a_custom_search_space_adds_are_written_as_override_values() -> None:
    space = search_space(["x=interval(0, 1)", "y=7"])
    assert trial_overrides(space, {"x": 0.5, "+w": 0.25, "z": "a b,c", "n": None}) == [
        "x=0.5",
        "+w=0.25",
        "z=a\\ b\\,c",
        "n=null",
        "y=7",
    ]


@pytest.mark.parametrize(
    ("values", "message"),
    [
        pytest.param(
            {"y": 1.0},
            "The parameter 'y' is sampled and also fixed by an override; a custom search "
            "space must not suggest names that have a fixed value",
            id="overlap",
        ),
        pytest.param(
            {"my param": 1.0},
            "The custom search space suggested 'my param', which is not an override key",
            id="not-a-key",
        ),
        pytest.param({"x": "c"}, "'c' is not a choice of 'x' (from 'x=a,b')", id="not-a-choice"),
    ],
)
def test_values_no_job_override_can_carry_are_refused(values: dict[str, Any], message: str) -> None:
    space = search_space(["x=a,b", "y=7"])
    with pytest.raises(OverrideValueError) as info:
        trial_overrides(space, values)
    assert str(info.value).startswith(message)


def test_search_params_are_records() -> None:
    (param,) = search_space(["x=a,b"]).params
    assert param == SearchParam(
        name="x",
        distribution=CategoricalDistribution(("a", "b")),
        choice_texts=("a", "b"),
        source="x=a,b",
    )


# --- custom_search_space through the target policy ------------------------------------------

CUSTOM = """
def configure(cfg, trial):
    x = trial.params["x"]
    trial.suggest_float("z", x - cfg.max_z_difference_from_x, x + cfg.max_z_difference_from_x)
    trial.suggest_float("+w", 0.0, 1.0)

not_callable = 3
"""


@pytest.fixture
def custom_module(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    name = f"optuna_custom_space_{tmp_path.name.replace('-', '_')}"
    (tmp_path / f"{name}.py").write_text(CUSTOM)
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.delitem(sys.modules, name, raising=False)
    return name


def test_a_custom_search_space_the_policy_allows_extends_each_trial(custom_module: str) -> None:
    configure = custom_search_space_function(
        f"{custom_module}.configure", policy=TargetPolicy(allowed=(custom_module,))
    )
    space = search_space(["x=interval(0, 1)", "y=3"])
    study = optuna.create_study(sampler=optuna.samplers.RandomSampler(seed=0))
    trial = study.ask(fixed_distributions=space.distributions)
    configure(OmegaConf.create({"max_z_difference_from_x": 0.5}), trial)
    texts = trial_overrides(space, trial.params)
    assert [t.partition("=")[0] for t in texts] == ["x", "z", "+w", "y"]
    assert abs(trial.params["z"] - trial.params["x"]) <= 0.5


def test_a_custom_search_space_outside_the_allow_list_is_refused_before_import(
    custom_module: str,
) -> None:
    with pytest.raises(TargetRefusedError) as info:
        custom_search_space_function(
            f"{custom_module}.configure", policy=TargetPolicy(allowed=("my_app",))
        )
    assert str(info.value).startswith(
        f"Target '{custom_module}.configure' (at key 'hydra.sweeper.custom_search_space') is "
        "not in the allowed targets (my_app"
    )
    assert custom_module not in sys.modules


def test_a_custom_search_space_the_policy_refuses_by_default_is_refused() -> None:
    with pytest.raises(TargetRefusedError, match="Target 'os.system' .* is refused by default"):
        custom_search_space_function("os.system", policy=TargetPolicy())


def test_a_custom_search_space_that_does_not_exist_says_where(custom_module: str) -> None:
    with pytest.raises(TargetNotFoundError) as info:
        custom_search_space_function(f"{custom_module}.configur", policy=TargetPolicy())
    assert str(info.value).startswith(
        "Cannot locate the custom search space function (at key "
        "'hydra.sweeper.custom_search_space'): "
    )
    assert "Did you mean 'configure'?" in str(info.value)


def test_a_relative_custom_search_space_path_is_refused() -> None:
    # the plugin's example names `.custom-search-space-objective.configure`
    with pytest.raises(TargetNotFoundError, match="relative paths are not supported"):
        custom_search_space_function(".custom-search-space-objective.configure")


def test_a_custom_search_space_that_is_not_callable_is_refused(custom_module: str) -> None:
    with pytest.raises(InstantiationError, match="is a int, not a function taking"):
        custom_search_space_function(f"{custom_module}.not_callable", policy=TargetPolicy())
