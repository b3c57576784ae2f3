"""Validate a finished composition with the pydantic models among its schemas.

A model registered in the ConfigStore (`cs.store(name=..., node=MyModel)`) and used
in a defaults list validates the node it was merged at; a task annotated with a
model validates the whole task config. Interpolations are resolved first; every
problem is reported at once, each with its key and the config file (or override)
that set the value: mandatory `???` values never set, then values the model
rejects.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import field
from typing import Any

from omegaconf import DictConfig, ListConfig, OmegaConf
from omegaconf.errors import InterpolationToMissingValueError, OmegaConfBaseException

from hydria.compose.composer import Composition
from hydria.compose.origin import value_origin
from hydria.errors import ConfigValidationError, JobContextError, MissingValuesError
from hydria.record_class import record
from hydria.runtime.resolvers import register_resolvers

__all__ = ["SchemaCheck", "build_model", "schema_checks", "validate_composition"]


@record
class SchemaCheck:
    """Validate the node at `package` (`""`: the root) with a pydantic `model`."""

    package: str
    model: type
    registered_as: str


@record(frozen=False)
class _Findings:
    missing: list[str] = field(default_factory=list)
    needs_job: list[str] = field(default_factory=list)
    unresolved: list[tuple[str, str]] = field(default_factory=list)
    rejected: list[tuple[str, str]] = field(default_factory=list)


def schema_checks(composition: Composition) -> list[SchemaCheck]:
    """The pydantic models among the configs this composition merged, in merge order."""
    checks: list[SchemaCheck] = []
    for default in composition.defaults.defaults:
        raw = composition.repository.load(default.config_path)
        if raw is None or raw.validator is None:
            continue
        check = SchemaCheck(default.package, raw.validator, default.config_path)
        if check not in checks:
            checks.append(check)
    return checks


def _join(path: str, key: Any) -> str:
    if isinstance(key, int):
        return f"{path}[{key}]"
    return f"{path}.{key}" if path else str(key)


def _needs_job(exc: BaseException) -> bool:
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, JobContextError):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def _plain(node: Any, path: str, found: _Findings, skip: tuple[str, ...] = ()) -> Any:
    """`node` as plain data with interpolations resolved; what cannot be is recorded
    (missing, needing a running job, failing) and left out."""
    if not isinstance(node, (DictConfig, ListConfig)):
        return node
    if node._is_none():
        return None
    keys: Iterable[Any] = node.keys() if isinstance(node, DictConfig) else range(len(node))
    out: Any = {} if isinstance(node, DictConfig) else []
    for key in keys:
        if key in skip:
            continue
        child = _join(path, key)
        if OmegaConf.is_missing(node, key):
            if child not in found.missing:
                found.missing.append(child)
            continue
        try:
            value = node[key]
        except InterpolationToMissingValueError:
            continue  # the missing value it points to is reported itself
        except OmegaConfBaseException as exc:
            if _needs_job(exc):
                found.needs_job.append(child)  # `${hydra:...}`: checked when the job runs
            else:
                found.unresolved.append((child, str(exc).splitlines()[0]))
            continue
        value = _plain(value, child, found)
        if isinstance(out, dict):
            out[key] = value
        else:
            out.append(value)
    return out


def _location(package: str, loc: Sequence[Any]) -> str:
    path = package
    for part in loc:
        path = _join(path, part)
    return path


def _validate(model: Any, data: Any, package: str, found: _Findings) -> Any:
    import pydantic  # the model exists, so pydantic is installed and imported already

    try:
        return model.model_validate(data)
    except pydantic.ValidationError as exc:
        for error in exc.errors():
            key = _location(package, error["loc"])
            left_out = [*found.needs_job, *(k for k, _ in found.unresolved)]
            if any(key == s or key.startswith((s + ".", s + "[")) for s in left_out):
                continue  # already reported, or checked when the job runs
            if error["type"] == "missing":
                if key not in found.missing:
                    found.missing.append(key)
                continue
            problem = (key, f"{error['msg']} (got {error['input']!r})")
            if problem not in found.rejected:  # a group's model and the task's may agree
                found.rejected.append(problem)
    return None


def _data_of(cfg: DictConfig, package: str, found: _Findings) -> Any:
    node = cfg if not package else OmegaConf.select(cfg, package, default=None)
    if node is None:
        return {}
    return _plain(node, package, found, skip=() if package else ("hydra",))


def _report(found: _Findings, origin: Any) -> None:
    def where(key: str) -> str:
        source = origin(key)
        return f" [{source}]" if source else ""

    lines: list[str] = []
    if found.missing:
        lines.append(
            "Mandatory values are missing (???); set them in a config or on the command line:"
        )
        lines += [f"  {key}{where(key)}" for key in sorted(set(found.missing))]
    problems = found.unresolved + found.rejected
    if problems:
        lines.append("Values the schema rejects:")
        lines += [f"  {key}: {why}{where(key)}" for key, why in problems]
    if not lines:
        return
    message = "\n".join(lines)
    if found.missing:
        raise MissingValuesError(message)
    raise ConfigValidationError(message)


def validate_composition(composition: Composition, extra: Sequence[SchemaCheck] = ()) -> None:
    """Validate `composition.config` with every pydantic schema it used, plus `extra`.

    Raises:
        hydria.errors.MissingValuesError: `???` values were never set (all listed,
            with any other problem).
        hydria.errors.ConfigValidationError: a model rejected values, or an
            interpolation did not resolve; each key is listed with its source.
    """
    checks = [*schema_checks(composition), *extra]
    if not checks:
        return
    register_resolvers()  # `${now:}` resolves; `${hydra:}` says it needs the job
    found = _Findings()
    for check in checks:
        _validate(
            check.model, _data_of(composition.config, check.package, found), check.package, found
        )
    _report(found, lambda key: value_origin(composition, key))


def build_model(model: Any, cfg: DictConfig) -> Any:
    """The task config as an instance of `model` (a task annotated with it gets this).

    Raises:
        hydria.errors.MissingValuesError, hydria.errors.ConfigValidationError: as
            `validate_composition`, without sources (the composition is gone by now).
    """
    found = _Findings()
    instance = _validate(model, _data_of(cfg, "", found), "", found)
    _report(found, lambda key: None)
    return instance
