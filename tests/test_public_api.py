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
    "TrialPruned",
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
    "report",
]

ERRORS = [
    "AlreadyInitializedError",
    "CompactHydraException",
    "CompositionError",
    "ConfigCompositionException",
    "ConfigContentError",
    "ConfigLoadError",
    "ConfigSyntaxError",
    "ConfigValidationError",
    "DefaultsListError",
    "ExplainError",
    "HydraDeprecationError",
    "HydraException",
    "HydriaError",
    "InstantiationError",
    "InstantiationException",
    "JobContextError",
    "MissingConfigError",
    "MissingConfigException",
    "MissingOptionError",
    "MissingPrimaryConfigError",
    "MissingValuesError",
    "OutputDirError",
    "OverrideError",
    "OverrideParseError",
    "OverrideParseException",
    "OverrideValueError",
    "PluginError",
    "SavedRunError",
    "SearchPathException",
    "SweepDirInUseError",
    "SweepNotAllowedError",
    "SweepFailureRateError",
    "SweepRecordsError",
    "TargetNotFoundError",
    "TargetRefusedError",
    "UsageError",
    "VersionBaseError",
]

# Each error's direct bases, as the tree in hydria.errors' docstring draws it. Hydra's
# names are bases of hydria's errors, so `except <Hydra name>` catches what Hydra raises.
ERROR_BASES = {
    "HydriaError": ("Exception",),
    "HydraException": ("Exception",),  # an alias of HydriaError
    "CompactHydraException": ("HydriaError",),
    "OverrideParseException": ("CompactHydraException",),
    "ConfigCompositionException": ("CompactHydraException",),
    "MissingConfigException": ("ConfigCompositionException", "OSError"),
    "InstantiationException": ("CompactHydraException",),
    "SearchPathException": ("CompactHydraException",),
    "HydraDeprecationError": ("HydriaError",),
    "VersionBaseError": ("HydriaError", "TypeError", "ValueError"),
    "AlreadyInitializedError": ("HydriaError", "ValueError"),
    "OverrideError": ("OverrideParseException", "ValueError"),
    "OverrideParseError": ("OverrideError",),
    "OverrideValueError": ("OverrideError",),
    "ConfigLoadError": ("ConfigCompositionException",),
    "MissingConfigError": ("ConfigLoadError", "MissingConfigException", "LookupError"),
    "MissingPrimaryConfigError": ("MissingConfigError",),
    "MissingOptionError": ("MissingConfigError",),
    "ConfigSyntaxError": ("ConfigLoadError", "ValueError"),
    "ConfigContentError": ("ConfigLoadError", "ValueError"),
    "DefaultsListError": ("ConfigCompositionException", "ValueError"),
    "CompositionError": ("ConfigCompositionException", "ValueError"),
    "SweepNotAllowedError": ("CompositionError",),
    "InstantiationError": ("InstantiationException",),
    "TargetNotFoundError": ("InstantiationError", "ImportError"),
    "TargetRefusedError": ("InstantiationError", "PermissionError"),
    "ConfigValidationError": ("HydriaError", "ValueError"),
    "MissingValuesError": ("ConfigValidationError",),
    "UsageError": ("HydriaError", "ValueError"),
    "JobContextError": ("HydriaError", "RuntimeError", "ValueError"),
    "PluginError": ("HydriaError", "RuntimeError"),
    "OutputDirError": ("HydriaError", "OSError"),
    "SavedRunError": ("HydriaError", "LookupError"),
    "SweepFailureRateError": ("HydriaError", "RuntimeError"),
    "SweepRecordsError": ("HydriaError", "ValueError"),
    "SweepDirInUseError": ("HydriaError", "RuntimeError"),
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
                "return_hydra_config",
                "strict",
                "*config_dir",
                "*config_module",
                "*extra_config_dirs",
                "*store",
                "*job_name",
            ],
            id="compose",
        ),
        pytest.param(
            hydria.initialize,
            ["config_path", "job_name", "caller_stack_depth", "version_base"],
            id="initialize",
        ),
        pytest.param(
            hydria.initialize_config_dir,
            ["config_dir", "job_name", "version_base"],
            id="initialize_config_dir",
        ),
        pytest.param(
            hydria.initialize_config_module,
            ["config_module", "job_name", "version_base"],
            id="initialize_config_module",
        ),
        pytest.param(hydria.main, ["config_path", "config_name", "version_base"], id="main"),
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
        "overrides": None,
        "return_hydra_config": False,
        "strict": None,
        "config_dir": None,
        "config_module": None,
        "extra_config_dirs": (),
        "store": None,
        "job_name": None,
    }


@pytest.mark.parametrize(
    "function",
    [
        hydria.main,
        hydria.initialize,
        hydria.initialize_config_dir,
        hydria.initialize_config_module,
    ],
)
def test_version_base_and_config_path_default_to_unspecified(function: Any) -> None:
    # Hydra tells "left out" from None for both: left out means version_base 1.1
    from hydria.version_base import UNSPECIFIED

    parameters = inspect.signature(function).parameters
    assert parameters["version_base"].default is UNSPECIFIED
    if "config_path" in parameters:
        assert parameters["config_path"].default is UNSPECIFIED


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


def test_import_loads_what_the_decorator_needs(modules_after_import: list[str]) -> None:
    assert {"hydria", "hydria.app.main"} <= set(modules_after_import)


@pytest.mark.parametrize(
    "stage",
    [
        "hydria.app.api",
        "hydria.app.runner",
        "hydria.compose.composer",
        "hydria.defaults.resolver",
        "hydria.overrides.parser",
        "hydria.repository.config_repository",
        "hydria.runtime.context",
        "hydria.runtime.job",
        "logging.config",
        "importlib.metadata",
        "pickle",
        # only composing or running needs OmegaConf (shell completion's quick answers do not)
        "omegaconf",
        "yaml",
    ],
)
def test_import_leaves_the_stages_to_first_use(modules_after_import: list[str], stage: str) -> None:
    # `import hydria` at the top of an app must not pay for composing or running: those
    # load when `main` runs the app, or on first use of `hydria.compose` and the others.
    assert stage not in modules_after_import


FRONT_DOOR_PROBE = """
import json, sys
from hydria.runtime import HydraConfig
from hydria.overrides import parse_overrides
print(json.dumps(sorted(sys.modules)))
"""


@pytest.mark.parametrize(
    "stage", ["hydria.runtime.job", "hydria.runtime.logging_setup", "hydria.compose.composer"]
)
def test_a_package_front_door_loads_only_the_names_read(stage: str) -> None:
    # `from hydria.runtime import HydraConfig` reaches the job context, not the job runner
    out = subprocess.run(
        [sys.executable, "-I", "-c", FRONT_DOOR_PROBE], capture_output=True, text=True, check=True
    )
    modules = json.loads(out.stdout)
    assert {"hydria.runtime.context", "hydria.overrides.parser"} <= set(modules)
    assert stage not in modules


@pytest.mark.parametrize(
    "package",
    [
        "hydria",
        "hydria.compose",
        "hydria.defaults",
        "hydria.launchers",
        "hydria.multirun",
        "hydria.overrides",
        "hydria.repository",
        "hydria.runtime",
    ],
)
def test_every_lazy_name_has_a_home(package: str) -> None:
    # a name added to `__all__` but not to `_HOMES` (or the reverse) would fail only on use
    module = importlib.import_module(package)
    eager = {"__version__", "main"} if package == "hydria" else set()
    assert set(module._HOMES) | eager == set(module.__all__)
    for name in module.__all__:
        assert getattr(module, name) is not None


LAZY_PROBE = """
import json, sys
import hydria
names = {name: type(getattr(hydria, name)).__name__ for name in hydria.__all__}
import hydria.compose.composer
print(json.dumps([names, type(hydria.compose).__name__, hydria.compose.__module__]))
"""


def test_lazy_names_resolve_to_the_same_objects() -> None:
    out = subprocess.run(
        [sys.executable, "-I", "-c", LAZY_PROBE], capture_output=True, text=True, check=True
    )
    names, compose_type, compose_module = json.loads(out.stdout)
    assert sorted(names) == sorted(PUBLIC)
    assert names["compose"] == "function" and names["ConfigStore"] == "type"
    # importing the `hydria.compose` stage never shadows the `hydria.compose` function
    assert (compose_type, compose_module) == ("function", "hydria.app.api")


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


# --- Hydra's import paths: thin facades over hydria's own objects ------------------------


def _facades() -> dict[str, tuple[list[str], dict[str, object]]]:
    import hydria.app.initialization
    import hydria.builtin
    import hydria.instantiation
    import hydria.plugin_contracts
    import hydria.runtime.context
    import hydria.runtime.job_model
    import hydria.version_base

    return {
        "hydria.core.hydra_config": (
            ["HydraConfig"],
            {"HydraConfig": hydria.runtime.context.HydraConfig},
        ),
        "hydria.core.config_store": (["ConfigStore"], {"ConfigStore": hydria.ConfigStore}),
        "hydria.core.global_hydra": (
            ["GlobalHydra"],
            {"GlobalHydra": hydria.app.initialization.GlobalHydra},
        ),
        "hydria.core.utils": (
            ["JobReturn", "JobStatus"],
            {
                "JobReturn": hydria.runtime.job_model.JobReturn,
                "JobStatus": hydria.runtime.job_model.JobStatus,
            },
        ),
        "hydria.types": (
            ["ConvertMode", "HydraContext", "RunMode", "TargetConf", "TaskFunction"],
            {
                "RunMode": hydria.builtin.RunMode,
                "ConvertMode": hydria.instantiation.ConvertMode,
            },
        ),
        "hydria.experimental.callback": (
            ["Callback"],
            {"Callback": hydria.plugin_contracts.Callback},
        ),
        "hydria.compat_version": (
            ["__compat_version__", "__version__", "base_at_least", "getbase", "setbase"],
            {
                "base_at_least": hydria.version_base.base_at_least,
                "getbase": hydria.version_base.getbase,
                "setbase": hydria.version_base.setbase,
            },
        ),
    }


@pytest.mark.parametrize(
    "module",
    [
        "hydria.core.hydra_config",
        "hydria.core.config_store",
        "hydria.core.global_hydra",
        "hydria.core.utils",
        "hydria.types",
        "hydria.experimental.callback",
        "hydria.compat_version",
    ],
)
def test_hydra_import_paths(module: str) -> None:
    import importlib

    names, same = _facades()[module]
    loaded = importlib.import_module(module)
    assert loaded.__all__ == names
    assert loaded.__doc__ is not None and "compatibility facade" in loaded.__doc__
    for name in names:
        assert hasattr(loaded, name)
    for name, obj in same.items():
        assert getattr(loaded, name) is obj  # the same object, not a copy


def test_the_same_hydra_config_and_config_store_as_hydria() -> None:
    from hydria.core.config_store import ConfigStore
    from hydria.core.hydra_config import HydraConfig

    assert HydraConfig is hydria.HydraConfig
    assert ConfigStore is hydria.ConfigStore


def test_compat_version_values() -> None:
    import hydria.compat_version as version

    assert version.__version__ == "1.3.2"
    assert str(version.__compat_version__) == "1.1"


def test_types_task_function_and_run_mode() -> None:
    from hydria.types import RunMode, TaskFunction

    assert [m.name for m in RunMode] == ["RUN", "MULTIRUN"]
    assert TaskFunction is not None


def test_import_does_not_load_the_facades(modules_after_import: list[str]) -> None:
    assert not {"hydria.core", "hydria.types", "hydria.compat_version"} & set(modules_after_import)


# --- Hydra's exception names catch what hydria raises where Hydra raises them -----------


def _compose_missing_option(tmp_path: Any) -> None:
    (tmp_path / "db").mkdir(exist_ok=True)
    (tmp_path / "db" / "mysql.yaml").write_text("port: 1\n")
    (tmp_path / "config.yaml").write_text("defaults:\n  - db: mysqll\n")
    hydria.compose("config", config_dir=str(tmp_path))


def _compose_missing_primary(tmp_path: Any) -> None:
    hydria.compose("nope", config_dir=str(tmp_path))


def _compose_bad_override(tmp_path: Any) -> None:
    hydria.compose(overrides=["a=[1,"], config_dir=str(tmp_path))


def _compose_bad_value_override(tmp_path: Any) -> None:
    (tmp_path / "config.yaml").write_text("a: 1\n")
    hydria.compose("config", ["b=2"], config_dir=str(tmp_path))


def _compose_bad_defaults(tmp_path: Any) -> None:
    (tmp_path / "config.yaml").write_text("defaults:\n  - override db: x\n  - other\n")
    hydria.compose("config", config_dir=str(tmp_path))


def _instantiate_missing_target(tmp_path: Any) -> None:
    hydria.instantiate({"_target_": "hydria_no_such_module.Thing"})


@pytest.mark.parametrize(
    ("action", "hydra_names"),
    [
        pytest.param(
            _compose_missing_option,
            ["MissingConfigException", "ConfigCompositionException"],
            id="missing-option",
        ),
        pytest.param(
            _compose_missing_primary,
            ["MissingConfigException", "ConfigCompositionException"],
            id="missing-primary",
        ),
        pytest.param(_compose_bad_override, ["OverrideParseException"], id="override-grammar"),
        pytest.param(
            _compose_bad_value_override, ["ConfigCompositionException"], id="value-override"
        ),
        pytest.param(_compose_bad_defaults, ["ConfigCompositionException"], id="defaults-list"),
        pytest.param(_instantiate_missing_target, ["InstantiationException"], id="instantiate"),
    ],
)
def test_hydra_exception_names_catch_hydrias_errors(
    tmp_path: Any, action: Callable[[Any], None], hydra_names: list[str]
) -> None:
    for name in [*hydra_names, "HydraException", "CompactHydraException"]:
        with pytest.raises(getattr(hydria.errors, name)):
            action(tmp_path)


def test_hydra_exception_is_hydria_error() -> None:
    assert hydria.errors.HydraException is HydriaError


def test_hydra_attributes_of_errors() -> None:
    error = hydria.errors.OverrideParseError("a=[1,", 4, "expected a value")
    assert error.override == "a=[1,"
    assert error.message == str(error)
    missing = hydria.errors.MissingOptionError("no option 'x'")
    assert (missing.missing_cfg_file, missing.options) == (None, None)
    assert isinstance(missing, OSError)  # Hydra's MissingConfigException is an IOError


def test_the_testing_suites_declare_their_names() -> None:
    """`hydria.testing` is public (STYLE §5): what plugin packages import from it is pinned."""
    import hydria.testing.launchers
    import hydria.testing.sweepers

    assert hydria.testing.launchers.__all__ == [
        "APP",
        "LauncherSuite",
        "run_sweep_app",
        "start_sweep_app",
    ]
    assert hydria.testing.sweepers.__all__ == ["RecordingSession", "SweeperSuite"]
