"""The search space of an Optuna sweep: its overrides as Optuna distributions and fixed
values, and a trial's sampled values written back as the overrides of the trial's job.

The rules are those of Hydra's Optuna sweeper plugin (hydra-optuna-sweeper 1.2/1.3), so a
study started by Hydra can be resumed here and the jobs get the same overrides:

| override value                          | becomes                                        |
| --------------------------------------- | ---------------------------------------------- |
| `a,b,c`, `choice(a,b,c)`                | CategoricalDistribution((a, b, c))             |
| `shuffle(...)`, `shuffle(range(...))`   | CategoricalDistribution, in the shuffled order |
| `range(a,b,s)`, all ints                | IntDistribution(a, b, step=s): b included (1)  |
| `range(a,b,s)`, any float               | FloatDistribution(a, b, step=s) (1)            |
| `interval(a,b)`                         | FloatDistribution(a, b)                        |
| `int(interval(a,b))`                    | IntDistribution(a, b)                          |
| `tag(log, ...)` on the two above        | the same with log=True                         |
| anything that is not a sweep            | a fixed value, given to every trial            |
| `glob()`, `zip()`                       | refused (OverrideValueError)                   |

(1) `b` moved down to the last value the steps reach, as Optuna itself would (unlike a
basic sweep, which stops before `b`, the plugin samples `b` when a step lands on it).

Choices are kept as the plugin keeps them: strings, numbers and bools as they are, other
values (null, quoted strings, lists, dicts) as their override text.

`hydra.sweeper.params` comes first, the command line after it. For one name (the key with
its `+`/`++`/`~` prefix and `@package`), a later override replaces an earlier one of the
same kind, and a fixed value wins over a distribution wherever either came from (the
plugin removes fixed names from the search space last). Distributions and fixed values
each keep the order in which their names first appeared.

Needs `optuna`: imported only when an Optuna sweep runs.

It runs to ~430 lines on purpose: one converter per row of the table above, with the
plugin's rules for each; split, one table would be read across files.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal
from typing import Any

from omegaconf import DictConfig
from optuna.distributions import (
    BaseDistribution,
    CategoricalChoiceType,
    CategoricalDistribution,
    FloatDistribution,
    IntDistribution,
)
from optuna.trial import Trial

from hydria.errors import InstantiationError, OverrideError, OverrideValueError, TargetNotFoundError
from hydria.instantiation.policy import TargetPolicy, current_policy
from hydria.overrides import (
    ChoiceSweep,
    FrozenDict,
    Glob,
    IntervalSweep,
    Override,
    ParsedValue,
    QuotedString,
    RangeSweep,
    parse_override,
    render_override,
    render_value,
    sweep_values,
)
from hydria.record_class import record

__all__ = [
    "CustomSearchSpace",
    "SearchParam",
    "SearchSpace",
    "custom_search_space_function",
    "distribution_of",
    "legacy_search_space",
    "param_name",
    "params_overrides",
    "search_space",
    "trial_overrides",
]

#: `hydra.sweeper.custom_search_space`: suggests more parameters on each trial. Its
#: return value is not used (the plugin's signature returns None).
CustomSearchSpace = Callable[[DictConfig, Trial], object]

CUSTOM_KEY = "hydra.sweeper.custom_search_space"


@record(kw_only=True)
class SearchParam:
    """One sampled parameter.

    Attributes:
        name: the parameter's name in the study, and the left side of the job's override.
        distribution: what Optuna samples it from.
        choice_texts: for a categorical distribution, each choice as override value text
            (by index), which parses back to the value the override gave.
        source: the override (or `hydra.sweeper.search_space` entry) it came from.
    """

    name: str
    distribution: BaseDistribution
    choice_texts: tuple[str, ...] = ()
    source: str


@record(kw_only=True)
class SearchSpace:
    """What each trial samples (`params`, in suggestion order) and what every trial's
    job gets unchanged (`fixed`, in order)."""

    params: tuple[SearchParam, ...]
    fixed: tuple[Override, ...]

    @property
    def distributions(self) -> dict[str, BaseDistribution]:
        """The distributions by name, in suggestion order (for `trial._suggest`)."""
        return {param.name: param.distribution for param in self.params}

    @property
    def fixed_values(self) -> dict[str, str]:
        """Each fixed value's text by name: what the plugin stores as a trial's user
        attributes (so a custom search space can tell which names are fixed)."""
        return {param_name(o): render_value(o.value) for o in self.fixed}


def param_name(override: Override) -> str:
    """The name an override's parameter has in the study: its key with the prefix and
    package (`+x`, `db@backup`), as the plugin names it."""
    return f"{override.type.value}{override.key_with_package}"


def params_overrides(params: Mapping[str, Any] | None) -> list[str]:
    """`hydra.sweeper.params` as override texts (`key=value`), in its order.

    Raises:
        OverrideValueError: a value is null, a list or a mapping: each must be the text of
            an override value (`choice(1, 2)`, `interval(0, 1)`, `5`).
    """
    texts = []
    for key, value in (params or {}).items():
        if value is None or not isinstance(value, (str, int, float, bool)):
            shown = "null" if value is None else f"a {type(value).__name__}"
            raise OverrideValueError(
                f"hydra.sweeper.params.{key} is {shown}: each entry must be the text of an "
                "override value, as on the command line (choice(1, 2), interval(0, 1), 5)."
            )
        texts.append(f"{key}={value}")
    return texts


def search_space(
    overrides: Sequence[Override | str],
    params: Mapping[str, Any] | None = None,
    *,
    legacy: Sequence[SearchParam] = (),
) -> SearchSpace:
    """The search space of a sweep.

    Args:
        overrides: the sweep's task overrides from the command line (parsed or as text).
        params: `hydra.sweeper.params`; its overrides come before the command line's.
        legacy: distributions from `hydra.sweeper.search_space` (`legacy_search_space`),
            which come first; the plugin uses them only when `params` is not set.

    Returns:
        The distributions and the fixed values, combined as the module docstring says.

    Raises:
        OverrideParseError: an override (or a `params` value) is not override grammar.
        OverrideValueError: an override is a sweep Optuna cannot sample (`glob()`,
            `zip()`), or its bounds are not a valid distribution.
    """
    parsed = [parse_override(text) for text in params_overrides(params)]
    parsed += [o if isinstance(o, Override) else parse_override(o) for o in overrides]
    sampled = {param.name: param for param in legacy}
    fixed: dict[str, Override] = {}
    for override in parsed:
        param = _search_param(override)
        if param is None:
            fixed[param_name(override)] = override
        else:
            sampled[param.name] = param
    return SearchSpace(
        params=tuple(p for name, p in sampled.items() if name not in fixed),
        fixed=tuple(fixed.values()),
    )


def distribution_of(override: Override) -> BaseDistribution | None:
    """The distribution an override's value samples from; None for a fixed value.

    Raises:
        OverrideValueError: a sweep Optuna cannot sample, or invalid bounds.
    """
    param = _search_param(override)
    return None if param is None else param.distribution


def _search_param(override: Override) -> SearchParam | None:
    value = override.value
    if not override.is_sweep:
        return None
    name = param_name(override)
    if not isinstance(value, (ChoiceSweep, RangeSweep, IntervalSweep)):
        raise OverrideValueError(f"Override '{override.text}': {_refusal(value)}")
    try:
        if isinstance(value, ChoiceSweep) or (isinstance(value, RangeSweep) and value.shuffle):
            return _categorical(name, sweep_values(value), override.text)
        distribution = _range(value) if isinstance(value, RangeSweep) else _interval(value)
    except ValueError as exc:  # optuna's checks: low > high, a log scale from 0, step <= 0
        raise OverrideValueError(
            f"Override '{override.text}': the Optuna sweeper cannot sample it: {exc}"
        ) from exc
    return SearchParam(name=name, distribution=distribution, source=override.text)


def _refusal(value: ParsedValue) -> str:
    if isinstance(value, Glob):
        return (
            "glob() selects config group options, which the Optuna sweeper does not list; "
            "name the options as a choice instead (db=mysql,postgresql)"
        )
    kind = type(value).__name__
    return (
        f"a {kind} is not a search space: the Optuna sweeper samples a,b,c, choice(), "
        "range() and interval()"
    )


def _categorical(name: str, values: Sequence[ParsedValue], source: str) -> SearchParam:
    choices = tuple(_stored_choice(v) for v in values)
    return SearchParam(
        name=name,
        distribution=CategoricalDistribution(choices),
        choice_texts=tuple(render_value(v) for v in values),
        source=source,
    )


def _stored_choice(value: ParsedValue) -> CategoricalChoiceType:
    """A choice as the plugin stores it in the study: primitives as they are, anything
    else as its override text (a study started by Hydra then has the same choices)."""
    if isinstance(value, (str, int, float, bool)):
        return value
    if value is None or isinstance(value, (QuotedString, tuple, FrozenDict)):
        return render_value(value)
    raise OverrideValueError(f"{type(value).__name__} cannot be a choice of a categorical")


def _range(sweep: RangeSweep) -> BaseDistribution:
    """The plugin's distribution of a range, its `high` moved down to the last value a
    step lands on: what Optuna would do itself, with a warning the user cannot act on."""
    if any(isinstance(bound, float) for bound in (sweep.start, sweep.stop, sweep.step)):
        low, high, step = (Decimal(str(float(b))) for b in (sweep.start, sweep.stop, sweep.step))
        if step > 0 and high >= low:  # else Optuna's own check refuses it
            high = (high - low) // step * step + low
        return FloatDistribution(float(low), float(high), step=float(step))
    int_low, int_high, int_step = int(sweep.start), int(sweep.stop), int(sweep.step)
    if int_step > 0 and int_high >= int_low:
        int_high = (int_high - int_low) // int_step * int_step + int_low
    return IntDistribution(int_low, int_high, step=int_step)


def _interval(sweep: IntervalSweep) -> BaseDistribution:
    log = "log" in sweep.tags
    if type(sweep.start) is int and type(sweep.end) is int:
        return IntDistribution(sweep.start, sweep.end, log=log)
    return FloatDistribution(float(sweep.start), float(sweep.end), log=log)


def legacy_search_space(entries: Mapping[str, Mapping[str, Any]]) -> tuple[SearchParam, ...]:
    """`hydra.sweeper.search_space`, the plugin's 1.1 form (deprecated by it in 1.2):
    each entry a mapping of `type` (int, float or categorical), `choices`, `low`, `high`,
    `log` and `step`.

    Raises:
        OverrideValueError: an entry is not one of those forms, or Optuna refuses its bounds.
    """
    return tuple(_legacy_param(str(name), entry) for name, entry in entries.items())


def _legacy_param(name: str, entry: Mapping[str, Any]) -> SearchParam:
    where = f"hydra.sweeper.search_space.{name}"
    known = {"type", "choices", "low", "high", "log", "step"}
    unknown = sorted(set(map(str, entry)) - known)
    kind = getattr(entry.get("type"), "name", entry.get("type"))
    if unknown or kind not in ("int", "float", "categorical"):
        raise OverrideValueError(
            f"{where}: expected type (int, float or categorical) and some of choices, low, "
            f"high, log, step; got {dict(entry)!r}. Prefer hydra.sweeper.params "
            f"({name}: interval(0, 1))."
        )
    try:
        if kind == "categorical":
            choices = entry.get("choices") or ()
            if not all(c is None or isinstance(c, (str, int, float, bool)) for c in choices):
                raise ValueError("choices must be strings, numbers, bools or null")
            return SearchParam(
                name=name,
                distribution=CategoricalDistribution(tuple(choices)),
                choice_texts=tuple(render_value(c) for c in choices),
                source=where,
            )
        low, high, step = entry.get("low"), entry.get("high"), entry.get("step")
        log = bool(entry.get("log", False))
        if low is None or high is None:
            raise ValueError("low and high are required")
        distribution: BaseDistribution
        if kind == "int":
            int_step = 1 if log or step is None else int(step)
            distribution = IntDistribution(int(low), int(high), log=log, step=int_step)
        else:
            float_step = None if log or step is None else float(step)
            distribution = FloatDistribution(float(low), float(high), log=log, step=float_step)
    except (TypeError, ValueError) as exc:
        raise OverrideValueError(f"{where}: {exc}") from exc
    return SearchParam(name=name, distribution=distribution, source=where)


def trial_overrides(space: SearchSpace, values: Mapping[str, Any]) -> list[str]:
    """The overrides of a trial's job: each sampled value (`trial.params`, in its order),
    then the fixed values.

    A value of a categorical parameter is written as its override was; a number as Python
    writes it (`0.001`, `1e-05`, `3`); a parameter a custom search space added (not in
    `space`) as an override value (strings escaped, null as `null`). Each text parses back
    to the value sampled.

    Raises:
        OverrideValueError: a sampled name is also a fixed one (a custom search space
            suggested it), is not an override key, or a categorical value is not one of
            its choices.
    """
    known = {param.name: param for param in space.params}
    fixed_names = {param_name(o) for o in space.fixed}
    texts = []
    for name, value in values.items():
        if name in fixed_names:
            raise OverrideValueError(
                f"The parameter '{name}' is sampled and also fixed by an override; a custom "
                "search space must not suggest names that have a fixed value "
                "(trial.user_attrs lists them)."
            )
        param = known.get(name)
        if param is None:
            texts.append(_custom_text(name, value))
        else:
            texts.append(f"{name}={_sampled_text(param, value)}")
    texts += [_fixed_text(o) for o in space.fixed]
    return texts


def _sampled_text(param: SearchParam, value: Any) -> str:
    if not param.choice_texts:
        return render_value(value)
    distribution = param.distribution
    assert isinstance(distribution, CategoricalDistribution)
    try:
        index = int(distribution.to_internal_repr(value))
    except ValueError as exc:
        raise OverrideValueError(
            f"{value!r} is not a choice of '{param.name}' (from '{param.source}')"
        ) from exc
    return param.choice_texts[index]


def _custom_text(name: str, value: Any) -> str:
    if value is not None and not isinstance(value, (str, int, float, bool)):
        raise OverrideValueError(
            f"The custom search space gave '{name}' the value {value!r}, which no override "
            "can write: sample strings, numbers, bools or None."
        )
    text = f"{name}={render_value(value)}"
    try:
        parsed = parse_override(text)
    except OverrideError as exc:
        raise OverrideValueError(
            f"The custom search space suggested '{name}', which is not an override key ({exc})"
        ) from exc
    if param_name(parsed) != name:
        raise OverrideValueError(
            f"The custom search space suggested '{name}', which is not an override key"
        )
    return text


def _fixed_text(override: Override) -> str:
    if override.has_value:
        return render_override(override)
    # the plugin (and Hydra's basic sweeper) writes a bare `~key` as `~key=null`
    return f"{param_name(override)}=null"


def custom_search_space_function(
    path: str, *, policy: TargetPolicy | None = None
) -> CustomSearchSpace:
    """The function `hydra.sweeper.custom_search_space` names, found through the target
    policy as any `_target_` is: a config naming code is the same risk here.

    Args:
        path: its dotted path (`my_app.search.configure`).
        policy: the policy to check it with; None for the one in force (the running
            `instantiate`'s, else the launching process's environment).

    Returns:
        The function, to call as `function(config, trial)` for each trial.

    Raises:
        hydria.errors.TargetRefusedError: the policy refuses the path; nothing was imported.
        hydria.errors.TargetNotFoundError: nothing importable has that path.
        hydria.errors.InstantiationError: the path names something that is not callable.
    """
    checking = policy if policy is not None else current_policy()
    try:
        found = checking.locate(path, CUSTOM_KEY)
    except TargetNotFoundError as exc:
        raise TargetNotFoundError(
            f"Cannot locate the custom search space function (at key '{CUSTOM_KEY}'): {exc}"
        ) from exc.__cause__
    if not callable(found):
        raise InstantiationError(
            f"{CUSTOM_KEY}={path} is a {type(found).__name__}, not a function taking "
            "(config, trial)"
        )
    function: CustomSearchSpace = found
    return function
