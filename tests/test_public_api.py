"""The public API, pinned: a change here is a change users see."""

from __future__ import annotations

import importlib.metadata
import inspect
import json
import subprocess
import sys
from collections.abc import Callable
from typing import Any

import pytest

import hydria
import hydria.errors
from hydria.errors import HydriaError

PUBLIC = [
    "Callback",
    "ConfigStore",
    "HydraConfig",
    "__version__",
    "call",
    "compose",
    "explain",
    "get_class",
    "get_method",
    "get_object",
    "initialize",
    "initialize_config_dir",
    "initialize_config_module",
    "instantiate",
    "load_sweep",
    "main",
]

ERRORS = [
    "CompositionError",
    "ConfigContentError",
    "ConfigLoadError",
    "ConfigSyntaxError",
    "ConfigValidationError",
    "DefaultsListError",
    "ExplainError",
    "HydriaError",
    "InstantiationError",
    "JobContextError",
    "MissingConfigError",
    "MissingOptionError",
    "MissingPrimaryConfigError",
    "MissingValuesError",
    "OverrideError",
    "OverrideParseError",
    "OverrideValueError",
    "PluginError",
    "SavedRunError",
    "SweepNotAllowedError",
    "TargetNotFoundError",
    "TargetRefusedError",
    "UsageError",
]

# Each error's direct bases, as the tree in hydria.errors' docstring draws it.
ERROR_BASES = {
    "HydriaError": ("Exception",),
    "OverrideError": ("HydriaError", "ValueError"),
    "OverrideParseError": ("OverrideError",),
    "OverrideValueError": ("OverrideError",),
    "ConfigLoadError": ("HydriaError",),
    "MissingConfigError": ("ConfigLoadError", "LookupError"),
    "MissingPrimaryConfigError": ("MissingConfigError",),
    "MissingOptionError": ("MissingConfigError",),
    "ConfigSyntaxError": ("ConfigLoadError", "ValueError"),
    "ConfigContentError": ("ConfigLoadError", "ValueError"),
    "DefaultsListError": ("HydriaError", "ValueError"),
    "CompositionError": ("HydriaError", "ValueError"),
    "SweepNotAllowedError": ("CompositionError",),
    "InstantiationError": ("HydriaError",),
    "TargetNotFoundError": ("InstantiationError", "ImportError"),
    "TargetRefusedError": ("InstantiationError", "PermissionError"),
    "ConfigValidationError": ("HydriaError", "ValueError"),
    "MissingValuesError": ("ConfigValidationError",),
    "UsageError": ("HydriaError", "ValueError"),
    "JobContextError": ("HydriaError", "RuntimeError"),
    "PluginError": ("HydriaError", "RuntimeError"),
    "SavedRunError": ("HydriaError", "LookupError"),
    "ExplainError": ("HydriaError", "LookupError"),
}


def test_public_names() -> None:
    assert hydria.__all__ == PUBLIC
    assert all(hasattr(hydria, name) for name in PUBLIC)


def test_public_names_are_what_star_import_gives() -> None:
    namespace: dict[str, object] = {}
    exec("from hydria import *", namespace)
    assert sorted(k for k in namespace if k != "__builtins__") == sorted(PUBLIC)


def test_version_matches_the_installed_distribution() -> None:
    assert hydria.__version__ == importlib.metadata.version("hydria")


@pytest.mark.parametrize(
    ("function", "parameters"),
    [
        pytest.param(
            hydria.compose,
            [
                "config_name",
                "overrides",
                "*config_dir",
                "*config_module",
                "*return_hydra_config",
                "*extra_config_dirs",
                "*store",
                "*job_name",
            ],
            id="compose",
        ),
        pytest.param(
            hydria.initialize,
            ["config_path", "job_name", "caller_stack_depth"],
            id="initialize",
        ),
        pytest.param(
            hydria.initialize_config_dir, ["config_dir", "job_name"], id="initialize_config_dir"
        ),
        pytest.param(
            hydria.initialize_config_module,
            ["config_module", "job_name"],
            id="initialize_config_module",
        ),
        pytest.param(hydria.instantiate, ["config", "args", "kwargs"], id="instantiate"),
        pytest.param(hydria.get_object, ["path"], id="get_object"),
        pytest.param(hydria.get_class, ["path"], id="get_class"),
        pytest.param(hydria.get_method, ["path"], id="get_method"),
    ],
)
def test_signatures(function: Callable[..., Any], parameters: list[str]) -> None:
    signature = inspect.signature(function)
    shown = [
        ("*" if p.kind is inspect.Parameter.KEYWORD_ONLY else "") + p.name
        for p in signature.parameters.values()
    ]
    assert shown == parameters


def test_compose_defaults() -> None:
    defaults = {name: p.default for name, p in inspect.signature(hydria.compose).parameters.items()}
    assert defaults == {
        "config_name": None,
        "overrides": (),
        "config_dir": None,
        "config_module": None,
        "return_hydra_config": False,
        "extra_config_dirs": (),
        "store": None,
        "job_name": None,
    }


def test_error_names() -> None:
    assert hydria.errors.__all__ == ERRORS


def _error_classes() -> dict[str, type[BaseException]]:
    return {
        name: obj
        for name, obj in vars(hydria.errors).items()
        if inspect.isclass(obj)
        and issubclass(obj, BaseException)
        and obj.__module__ == "hydria.errors"
    }


def test_every_error_class_is_known() -> None:
    assert sorted(_error_classes()) == sorted(ERROR_BASES)


@pytest.mark.parametrize("name", sorted(ERROR_BASES))
def test_error_hierarchy(name: str) -> None:
    cls = _error_classes()[name]
    assert issubclass(cls, HydriaError)
    assert tuple(base.__name__ for base in cls.__bases__) == ERROR_BASES[name]


def test_missing_config_errors_print_without_quotes() -> None:
    # KeyError-style quoting would wrap the message in ''
    assert str(hydria.errors.MissingOptionError("no option 'x'")) == "no option 'x'"


PROBE = """
import json, sys
import hydria
print(json.dumps(sorted(sys.modules)))
"""


@pytest.fixture(scope="module")
def modules_after_import() -> list[str]:
    out = subprocess.run(
        [sys.executable, "-I", "-c", PROBE], capture_output=True, text=True, check=True
    )
    modules: list[str] = json.loads(out.stdout)
    return modules


def test_import_uses_yaml_and_omegaconf(modules_after_import: list[str]) -> None:
    assert {"hydria", "hydria.app.api", "yaml", "omegaconf"} <= set(modules_after_import)


@pytest.mark.parametrize(
    "heavy",
    ["hydra", "ray", "joblib", "submitit", "numpy", "torch", "pydantic", "hydria.instantiation"],
)
def test_import_does_not_import(modules_after_import: list[str], heavy: str) -> None:
    tops = {m.split(".")[0] for m in modules_after_import}
    assert heavy not in tops and heavy not in modules_after_import


def test_import_is_small(modules_after_import: list[str]) -> None:
    # Python itself, PyYAML and OmegaConf account for ~210 modules today
    assert len(modules_after_import) < 400


def test_utils_names_are_hydras() -> None:
    import hydria.utils

    assert hydria.utils.__all__ == [
        "call",
        "get_class",
        "get_method",
        "get_object",
        "get_original_cwd",
        "instantiate",
        "to_absolute_path",
    ]
