"""Every Hydra import path the shim serves resolves to hydria's own object (in a real process)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from hydria.compat import shim_dir

# (Hydra's module, name) -> (hydria's module, name): the shim's whole contract.
PATHS = [
    ("hydra", "main", "hydria", "main"),
    ("hydra", "compose", "hydria", "compose"),
    ("hydra", "initialize", "hydria", "initialize"),
    ("hydra", "initialize_config_dir", "hydria", "initialize_config_dir"),
    ("hydra", "initialize_config_module", "hydria", "initialize_config_module"),
    ("hydra", "MissingConfigException", "hydria.errors", "MissingConfigException"),
    ("hydra", "TaskFunction", "hydria.types", "TaskFunction"),
    ("hydra", "__version__", "hydria.compat_version", "__version__"),
    ("hydra.main", "main", "hydria", "main"),
    ("hydra.compose", "compose", "hydria", "compose"),
    ("hydra.initialize", "initialize_config_module", "hydria", "initialize_config_module"),
    ("hydra.core.hydra_config", "HydraConfig", "hydria.core.hydra_config", "HydraConfig"),
    ("hydra.core.config_store", "ConfigStore", "hydria.core.config_store", "ConfigStore"),
    ("hydra.core.global_hydra", "GlobalHydra", "hydria.core.global_hydra", "GlobalHydra"),
    ("hydra.core.utils", "JobReturn", "hydria.core.utils", "JobReturn"),
    ("hydra.core.utils", "JobStatus", "hydria.core.utils", "JobStatus"),
    ("hydra.core.config_search_path", "ConfigSearchPath", "hydria.plugins", "ConfigSearchPath"),
    ("hydra.core.config_search_path", "SearchPathQuery", "hydria.plugins", "SearchPathQuery"),
    ("hydra.plugins.search_path_plugin", "SearchPathPlugin", "hydria.plugins", "SearchPathPlugin"),
    ("hydra.experimental.callback", "Callback", "hydria.experimental.callback", "Callback"),
    (
        "hydra.experimental.callbacks",
        "LogJobReturnCallback",
        "hydria.experimental.callbacks",
        "LogJobReturnCallback",
    ),
    (
        "hydra.experimental.callbacks",
        "PickleJobInfoCallback",
        "hydria.experimental.callbacks",
        "PickleJobInfoCallback",
    ),
    ("hydra.types", "RunMode", "hydria.types", "RunMode"),
    ("hydra.types", "ConvertMode", "hydria.types", "ConvertMode"),
    ("hydra.types", "TargetConf", "hydria.types", "TargetConf"),
    ("hydra.types", "HydraContext", "hydria.types", "HydraContext"),
    ("hydra.utils", "instantiate", "hydria.utils", "instantiate"),
    ("hydra.utils", "call", "hydria.utils", "call"),
    ("hydra.utils", "get_class", "hydria.utils", "get_class"),
    ("hydra.utils", "get_method", "hydria.utils", "get_method"),
    ("hydra.utils", "get_static_method", "hydria.utils", "get_method"),
    ("hydra.utils", "get_object", "hydria.utils", "get_object"),
    ("hydra.utils", "get_original_cwd", "hydria.utils", "get_original_cwd"),
    ("hydra.utils", "to_absolute_path", "hydria.utils", "to_absolute_path"),
    ("hydra.utils", "HydraConfig", "hydria.core.hydra_config", "HydraConfig"),
    ("hydra.utils", "ConvertMode", "hydria.types", "ConvertMode"),
    ("hydra.version", "base_at_least", "hydria.compat_version", "base_at_least"),
    ("hydra.version", "getbase", "hydria.compat_version", "getbase"),
    ("hydra.version", "setbase", "hydria.compat_version", "setbase"),
    ("hydra.version", "__compat_version__", "hydria.compat_version", "__compat_version__"),
    ("hydra.conf", "HydraConf", "hydria.builtin.schema", "HydraConf"),
    ("hydra.conf", "JobConf", "hydria.builtin.schema", "JobConf"),
    ("hydra.conf", "RunDir", "hydria.builtin.schema", "RunDir"),
    ("hydra.conf", "SweepDir", "hydria.builtin.schema", "SweepDir"),
    ("hydra.conf", "HelpConf", "hydria.builtin.schema", "HelpConf"),
    ("hydra.conf", "HydraHelpConf", "hydria.builtin.schema", "HydraHelpConf"),
    ("hydra.conf", "OverridesConf", "hydria.builtin.schema", "OverridesConf"),
    ("hydra.conf", "RuntimeConf", "hydria.builtin.schema", "RuntimeConf"),
    ("hydra.conf", "ConfigSourceInfo", "hydria.builtin.schema", "ConfigSourceInfo"),
] + [
    ("hydra.errors", name, "hydria.errors", name)
    for name in [
        "HydraException",
        "CompactHydraException",
        "OverrideParseException",
        "InstantiationException",
        "ConfigCompositionException",
        "SearchPathException",
        "MissingConfigException",
        "HydraDeprecationError",
    ]
]

# Run in a fresh interpreter with the shim on PYTHONPATH: for each path, "same" when the
# name is hydria's object itself, otherwise what went wrong.
CHECK = """
import importlib, json, sys
results = {}
for hydra_module, name, hydria_module, hydria_name in json.loads(sys.argv[1]):
    try:
        served = getattr(importlib.import_module(hydra_module), name)
        own = getattr(importlib.import_module(hydria_module), hydria_name)
        results[f"{hydra_module}:{name}"] = "same" if served is own else f"not hydria's: {served!r}"
    except Exception as exc:
        results[f"{hydra_module}:{name}"] = f"{type(exc).__name__}: {exc}"
print(json.dumps(results))
"""


def run_with_shim(code: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env["PYTHONPATH"] = str(shim_dir())
    return subprocess.run(
        [sys.executable, "-c", code, *args],
        env=env,
        cwd=Path(__file__).parent,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.fixture(scope="module")
def served() -> dict[str, str]:
    result = run_with_shim(CHECK, json.dumps(PATHS))
    assert result.returncode == 0, result.stderr
    checked: dict[str, str] = json.loads(result.stdout)
    return checked


@pytest.mark.parametrize(
    ("hydra_module", "name"), [pytest.param(m, n, id=f"{m}:{n}") for m, n, _, _ in PATHS]
)
def test_import_path_serves_hydrias_object(
    served: dict[str, str], hydra_module: str, name: str
) -> None:
    assert served[f"{hydra_module}:{name}"] == "same"


def test_import_hydra_loads_the_public_submodules_as_hydra_core_does() -> None:
    # Scripts write `hydra.core.hydra_config.HydraConfig.get()` after a bare `import hydra`.
    code = (
        "import hydra\n"
        "print(hydra.core.hydra_config.HydraConfig.__module__)\n"
        "print(hydra.core.global_hydra.GlobalHydra.__name__)\n"
        "print(hydra.utils.instantiate.__name__)\n"
        "import hydra.main\n"
        "print(callable(hydra.main) and not isinstance(hydra.main, type(hydra)))\n"
    )
    result = run_with_shim(code)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith("hydria.")
    assert lines[1:] == ["GlobalHydra", "instantiate", "True"]


def test_hydra_version_is_usable_as_version_base(tmp_path: Path) -> None:
    # A pattern of real projects: `initialize(..., version_base=hydra.__version__)`.
    (tmp_path / "conf").mkdir()
    (tmp_path / "conf" / "config.yaml").write_text("x: 1\n")
    code = (
        "import sys, hydra\n"
        "with hydra.initialize_config_dir(sys.argv[1], version_base=hydra.__version__):\n"
        "    print(hydra.compose('config').x)\n"
        "print(hydra.__version__)\n"
    )
    result = run_with_shim(code, str(tmp_path / "conf"))
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == ["1", "1.3.2"]
