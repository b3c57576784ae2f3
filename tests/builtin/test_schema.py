"""The built-in `hydra` node: schema, shipped YAML, and the node they compose into.

Expected values come from hydra-core 1.3.8 composing `seed_db`; run-time values are at defaults.
"""

import ast
import copy
import json
import re
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
from omegaconf import DictConfig, ListConfig, OmegaConf
from omegaconf.errors import (
    ConfigAttributeError,
    ValidationError,
)

import hydria.builtin as builtin
from hydria.builtin import (
    BUILTIN_CONF_PACKAGE,
    BUILTIN_SCHEMAS,
    HYDRA_CONFIG_DEFAULTS,
    HYDRA_CONFIG_NAME,
    BasicLauncherConf,
    BasicSweeperConf,
    HydraConf,
    RunMode,
    hydra_schema,
)

CONF_ROOT = Path(str(resources.files(BUILTIN_CONF_PACKAGE)))
PACKAGE_ROOT = Path(builtin.__file__).parent

# Hydra's key order of the composed node: options first, in defaults order, then the
# schema fields they did not already create.
TOP_LEVEL_KEYS = [
    "run",
    "sweep",
    "launcher",
    "sweeper",
    "help",
    "hydra_help",
    "hydra_logging",
    "job_logging",
    "env",
    "mode",
    "searchpath",
    "callbacks",
    "output_subdir",
    "overrides",
    "job",
    "runtime",
    "verbose",
]

SCHEMA_KEYS = [
    "mode",
    "searchpath",
    "run",
    "sweep",
    "hydra_logging",
    "job_logging",
    "sweeper",
    "launcher",
    "callbacks",
    "help",
    "hydra_help",
    "output_subdir",
    "overrides",
    "job",
    "runtime",
    "verbose",
]

LOG_FORMAT = "[%(asctime)s][%(name)s][%(levelname)s] - %(message)s"
CONSOLE = {"class": "logging.StreamHandler", "formatter": "simple", "stream": "ext://sys.stdout"}

EXPECTED_NODE: dict[str, Any] = {
    "run": {"dir": "outputs/${now:%Y-%m-%d}/${now:%H-%M-%S}"},
    "sweep": {"dir": "multirun/${now:%Y-%m-%d}/${now:%H-%M-%S}", "subdir": "${hydra.job.num}"},
    "launcher": {"_target_": "hydria.launchers.basic.BasicLauncher"},
    "sweeper": {
        "_target_": "hydria.sweepers.basic.BasicSweeper",
        "max_batch_size": None,
        "params": None,
    },
    "help": {
        "app_name": "${hydra.job.name}",
        "header": "${hydra.help.app_name} is powered by Hydra.\n",
        "footer": "Powered by Hydra (https://hydra.cc)\n"
        "Use --hydra-help to view Hydra specific help\n",
        "template": "${hydra.help.header}\n"
        "== Configuration groups ==\n"
        "Compose your configuration from those groups (group=option)\n"
        "\n"
        "$APP_CONFIG_GROUPS\n"
        "\n"
        "== Config ==\n"
        "Override anything in the config (foo.bar=value)\n"
        "\n"
        "$CONFIG\n"
        "\n"
        "${hydra.help.footer}\n",
    },
    "hydra_help": {
        "template": "Hydra (${hydra.runtime.version})\n"
        "See https://hydra.cc for more info.\n"
        "\n"
        "== Flags ==\n"
        "$FLAGS_HELP\n"
        "\n"
        "== Configuration groups ==\n"
        "Compose your configuration from those groups (For example, "
        "append hydra/job_logging=disabled to command line)\n"
        "\n"
        "$HYDRA_CONFIG_GROUPS\n"
        "\n"
        "Use '--cfg hydra' to Show the Hydra config.\n",
        "hydra_help": "???",
    },
    "hydra_logging": {
        "version": 1,
        "formatters": {"simple": {"format": "[%(asctime)s][HYDRA] %(message)s"}},
        "handlers": {"console": CONSOLE},
        "root": {"level": "INFO", "handlers": ["console"]},
        "loggers": {"logging_example": {"level": "DEBUG"}},
        "disable_existing_loggers": False,
    },
    "job_logging": {
        "version": 1,
        "formatters": {"simple": {"format": LOG_FORMAT}},
        "handlers": {
            "console": CONSOLE,
            "file": {
                "class": "logging.FileHandler",
                "formatter": "simple",
                "filename": "${hydra.runtime.output_dir}/${hydra.job.name}.log",
            },
        },
        "root": {"level": "INFO", "handlers": ["console", "file"]},
        "disable_existing_loggers": False,
    },
    "env": {},
    "mode": None,
    "searchpath": [],
    "callbacks": {},
    "output_subdir": ".hydra",
    "overrides": {"hydra": [], "task": []},
    "job": {
        "name": "???",
        "chdir": None,
        "override_dirname": "???",
        "id": "???",
        "num": "???",
        "config_name": "???",
        "env_set": {},
        "env_copy": [],
        "config": {"override_dirname": {"kv_sep": "=", "item_sep": ",", "exclude_keys": []}},
    },
    "runtime": {
        "version": "???",
        "version_base": "???",
        "cwd": "???",
        "config_sources": "???",
        "output_dir": "???",
        "choices": {},
    },
    "verbose": False,
}

DISABLED_LOGGING = {"version": 1, "root": {"level": "ERROR"}, "disable_existing_loggers": True}
NO_LOGGING = {"version": 1, "root": None, "disable_existing_loggers": False}

# Every option of the logging groups, as Hydra 1.3.8 composes it.
LOGGING_OPTIONS = [
    pytest.param("hydra_logging", "disabled", DISABLED_LOGGING, id="hydra_logging/disabled"),
    pytest.param("hydra_logging", "none", NO_LOGGING, id="hydra_logging/none"),
    pytest.param(
        "hydra_logging",
        "hydra_debug",
        {
            "version": 1,
            "formatters": {"simple": {"format": LOG_FORMAT}},
            "handlers": {
                "file": {
                    "class": "logging.FileHandler",
                    "mode": "w",
                    "formatter": "simple",
                    "filename": "hydra-${hydra.job.name}.log",
                    "delay": True,
                }
            },
            "root": {"level": "ERROR", "handlers": ["file"]},
            "loggers": {"hydra": {"level": "DEBUG"}},
            "disable_existing_loggers": False,
        },
        id="hydra_logging/hydra_debug",
    ),
    pytest.param("job_logging", "disabled", DISABLED_LOGGING, id="job_logging/disabled"),
    pytest.param("job_logging", "none", NO_LOGGING, id="job_logging/none"),
    pytest.param(
        "job_logging",
        "stdout",
        {
            "version": 1,
            "formatters": {"simple": {"format": "%(message)s"}},
            "handlers": {"console": CONSOLE},
            "root": {"level": "INFO", "handlers": ["console"]},
            "disable_existing_loggers": False,
        },
        id="job_logging/stdout",
    ),
]

# Relative path under conf/ -> the `# @package` header it must carry (None: no header, so
# the config lands at its group path, as Hydra's own files and structured configs do).
HEADERS: dict[str, str | None] = {
    "hydra/config.yaml": "hydra",
    "hydra/output/default.yaml": "hydra",
    "hydra/help/default.yaml": None,
    "hydra/hydra_help/default.yaml": None,
    "hydra/hydra_logging/default.yaml": None,
    "hydra/hydra_logging/disabled.yaml": None,
    "hydra/hydra_logging/hydra_debug.yaml": None,
    "hydra/hydra_logging/none.yaml": None,
    "hydra/job_logging/default.yaml": None,
    "hydra/job_logging/disabled.yaml": None,
    "hydra/job_logging/none.yaml": None,
    "hydra/job_logging/stdout.yaml": None,
    "hydra/env/default.yaml": None,
    "hydra/launcher/basic.yaml": None,
    "hydra/launcher/joblib.yaml": None,
    "hydra/launcher/ray.yaml": None,
    "hydra/launcher/submitit_local.yaml": None,
    "hydra/launcher/submitit_slurm.yaml": None,
    "hydra/sweeper/basic.yaml": None,
    "hydra/sweeper/list.yaml": None,
    "hydra/sweeper/optuna.yaml": None,
    "hydra/sweeper/sampler/tpe.yaml": None,
    "hydra/sweeper/sampler/random.yaml": None,
    "hydra/sweeper/sampler/cmaes.yaml": None,
    "hydra/sweeper/sampler/nsgaii.yaml": None,
    "hydra/sweeper/sampler/motpe.yaml": None,
    "hydra/sweeper/sampler/qmc.yaml": None,
    "hydra/sweeper/sampler/grid.yaml": None,
    "hydra/sweeper/sampler/gp.yaml": None,
    "hydra/callbacks/wandb.yaml": None,
    "hydra/callbacks/mlflow.yaml": None,
    "hydra/callbacks/tracking.yaml": None,
}


def read_header(path: Path) -> str | None:
    for line in path.read_text().splitlines():
        if not line.startswith("#"):
            break
        found = re.match(r"#\s*@package\s+(\S+)\s*$", line)
        if found:
            return found.group(1)
    return None


def load_option(group: str, option: str) -> DictConfig:
    """A built-in option at its package, typed by its schema when it has one."""
    path = CONF_ROOT / "hydra" / group / f"{option}.yaml"
    node = OmegaConf.load(path)
    schema = BUILTIN_SCHEMAS.get(f"hydra/{group}/{option}")
    if schema is not None:
        node = OmegaConf.merge(OmegaConf.structured(schema), node)
    package = read_header(path) or f"hydra.{group}"
    for key in reversed(package.split(".")):
        node = OmegaConf.create({key: node})
    assert isinstance(node, DictConfig)
    return node


def compose_hydra_node(choices: dict[str, str] | None = None) -> DictConfig:
    """Compose the way Hydra does: options in defaults order, then the schema as `_self_`."""
    chosen = {**dict(HYDRA_CONFIG_DEFAULTS), **(choices or {})}
    cfg = OmegaConf.create()
    for group, option in chosen.items():
        if option is not None:
            cfg.merge_with(load_option(group, option))
    cfg.merge_with({"hydra": hydra_schema()})
    OmegaConf.set_struct(cfg, True)
    return cfg


def ordered(value: Any) -> str:
    """JSON text, so that comparing two values also compares the order of their keys."""
    return json.dumps(value, indent=1)


# --- the schema -------------------------------------------------------------------------


def test_structured_schema_builds_with_hydra_field_order() -> None:
    node = OmegaConf.structured(HydraConf)
    assert list(node.keys()) == ["defaults", *SCHEMA_KEYS]
    assert OmegaConf.to_container(node.defaults) == [
        {group: option} for group, option in HYDRA_CONFIG_DEFAULTS
    ]


def test_hydra_schema_is_typed_and_has_no_defaults_list() -> None:
    node = hydra_schema()
    assert OmegaConf.get_type(node) is HydraConf
    assert list(node.keys()) == SCHEMA_KEYS
    reference = OmegaConf.to_container(OmegaConf.structured(HydraConf))
    assert isinstance(reference, dict)
    del reference["defaults"]
    assert ordered(OmegaConf.to_container(node)) == ordered(reference)


def node_types(node: Any, path: str = "") -> list[tuple[str, str, str, str, bool]]:
    """Every node below `node` with its class, declared type, object type and optionality."""
    meta = node._metadata
    found = [
        (
            path,
            type(node).__name__,
            str(meta.ref_type),
            str(getattr(meta, "object_type", None)),
            node._is_optional(),
        )
    ]
    if isinstance(node, DictConfig | ListConfig) and not node._is_missing():
        keys = node.keys() if isinstance(node, DictConfig) else range(len(node))
        for key in keys:
            found += node_types(node._get_node(key), f"{path}.{key}")
    return found


def test_hydra_schema_copy_keeps_every_node_type() -> None:
    built = OmegaConf.structured(HydraConf)
    built_types = [entry for entry in node_types(built) if not entry[0].startswith(".defaults")]
    assert node_types(hydra_schema()) == built_types


def test_hydra_schema_resolves_interpolations_after_composition() -> None:
    cfg = compose_hydra_node()
    cfg.hydra.job.num = 3
    cfg.hydra.job.name = "app"
    assert cfg.hydra.sweep.subdir == "3"
    assert cfg.hydra.help.header == "app is powered by Hydra.\n"


def test_hydra_schema_returns_independent_copies() -> None:
    first = hydra_schema()
    first.job.name = "changed"
    first.searchpath.append("pkg://x")
    second = hydra_schema()
    assert second.job._get_node("name")._is_missing()
    assert second.searchpath == []


@pytest.mark.parametrize(
    ("path", "node_type", "optional"),
    [
        pytest.param("mode", "EnumNode", True, id="mode"),
        pytest.param("verbose", "AnyNode", True, id="verbose"),
        pytest.param("output_subdir", "StringNode", True, id="output_subdir"),
        pytest.param("job.chdir", "BooleanNode", True, id="job.chdir"),
        pytest.param("job.num", "IntegerNode", False, id="job.num"),
        pytest.param("job.id", "StringNode", False, id="job.id"),
        pytest.param("job.config_name", "StringNode", True, id="job.config_name"),
        pytest.param("job.env_set", "DictConfig", False, id="job.env_set"),
        pytest.param("runtime.config_sources", "ListConfig", False, id="config_sources"),
        pytest.param("sweeper", "AnyNode", True, id="sweeper"),
    ],
)
def test_schema_node_types(path: str, node_type: str, optional: bool) -> None:
    node = hydra_schema()._get_node(path.split(".")[0])
    for part in path.split(".")[1:]:
        node = node._get_node(part)
    assert type(node).__name__ == node_type
    assert node._is_optional() is optional


def test_run_mode_values() -> None:
    assert [(mode.name, mode.value) for mode in RunMode] == [("RUN", 1), ("MULTIRUN", 2)]


def test_basic_plugin_schemas() -> None:
    assert OmegaConf.to_container(OmegaConf.structured(BasicLauncherConf)) == {
        "_target_": "hydria.launchers.basic.BasicLauncher"
    }
    sweeper = OmegaConf.structured(BasicSweeperConf)
    assert ordered(OmegaConf.to_container(sweeper)) == ordered(EXPECTED_NODE["sweeper"])
    with pytest.raises(ValidationError):
        sweeper.max_batch_size = "many"


# --- the YAML files ---------------------------------------------------------------------


def test_every_yaml_is_listed() -> None:
    shipped = sorted(str(p.relative_to(CONF_ROOT)) for p in CONF_ROOT.rglob("*.yaml"))
    assert shipped == sorted(HEADERS)


@pytest.mark.parametrize(("relative", "header"), list(HEADERS.items()), ids=list(HEADERS))
def test_yaml_parses_and_has_header(relative: str, header: str | None) -> None:
    path = CONF_ROOT / relative
    assert isinstance(OmegaConf.load(path), DictConfig)
    assert read_header(path) == header


def test_config_yaml_defaults_list() -> None:
    loaded = OmegaConf.load(CONF_ROOT / f"{HYDRA_CONFIG_NAME}.yaml")
    assert OmegaConf.to_container(loaded.defaults) == [
        *({group: option} for group, option in HYDRA_CONFIG_DEFAULTS),
        "_self_",
    ]


def test_config_yaml_body_mirrors_schema() -> None:
    loaded = OmegaConf.load(CONF_ROOT / f"{HYDRA_CONFIG_NAME}.yaml")
    body = OmegaConf.to_container(loaded)
    assert isinstance(body, dict)
    del body["defaults"]
    schema = hydra_schema()
    assert ordered(body) == ordered(OmegaConf.to_container(schema))
    merged = OmegaConf.merge(schema, body)
    assert ordered(OmegaConf.to_container(merged)) == ordered(body)


@pytest.mark.parametrize(
    ("config_path", "schema"), list(BUILTIN_SCHEMAS.items()), ids=list(BUILTIN_SCHEMAS)
)
def test_yaml_of_structured_config_matches_its_schema(config_path: str, schema: type) -> None:
    body = OmegaConf.to_container(OmegaConf.load(CONF_ROOT / f"{config_path}.yaml"))
    assert isinstance(body, dict)
    body.pop("defaults", None)
    typed = OmegaConf.to_container(OmegaConf.structured(schema))
    assert isinstance(typed, dict)
    typed.pop("defaults", None)
    assert ordered(body) == ordered(typed)


# --- the composed node ------------------------------------------------------------------


def test_composed_node_matches_hydra() -> None:
    node = compose_hydra_node().hydra
    assert list(node.keys()) == TOP_LEVEL_KEYS
    assert OmegaConf.get_type(node) is HydraConf
    assert ordered(OmegaConf.to_container(node)) == ordered(EXPECTED_NODE)


def test_composed_plugin_nodes_are_typed() -> None:
    node = compose_hydra_node().hydra
    assert OmegaConf.get_type(node.launcher) is BasicLauncherConf
    assert OmegaConf.get_type(node.sweeper) is BasicSweeperConf


@pytest.mark.parametrize(("group", "option", "expected"), LOGGING_OPTIONS)
def test_logging_options_match_hydra(group: str, option: str, expected: dict[str, Any]) -> None:
    node = compose_hydra_node({group: option}).hydra
    assert list(node.keys()) == TOP_LEVEL_KEYS
    assert ordered(OmegaConf.to_container(node[group])) == ordered(expected)


# (key under hydra, value written, what Hydra 1.3.8 does: the exception raised, or the
# value read back).
WRITES = [
    pytest.param("job.chdir", "abc", ValidationError, id="chdir-str"),
    pytest.param("job.chdir", "true", True, id="chdir-bool-str"),
    pytest.param("job.chdir", None, None, id="chdir-none"),
    pytest.param("job.num", "x", ValidationError, id="num-str"),
    pytest.param("job.num", "3", 3, id="num-int-str"),
    pytest.param("job.num", 3.5, ValidationError, id="num-float"),
    pytest.param("job.num", None, ValidationError, id="num-none"),
    pytest.param("job.id", 5, "5", id="id-int"),
    pytest.param("job.name", None, ValidationError, id="name-none"),
    pytest.param("job.config_name", None, None, id="config_name-none"),
    pytest.param("mode", "MULTIRUN", RunMode.MULTIRUN, id="mode-name"),
    pytest.param("mode", 1, RunMode.RUN, id="mode-value"),
    pytest.param("mode", "FOO", ValidationError, id="mode-bad"),
    pytest.param("verbose", "hydra", "hydra", id="verbose-str"),
    pytest.param("verbose", ["a", "b"], ["a", "b"], id="verbose-list"),
    pytest.param("output_subdir", None, None, id="output_subdir-none"),
    pytest.param("output_subdir", 3, "3", id="output_subdir-int"),
    pytest.param("output_subdir", [1], ValidationError, id="output_subdir-list"),
    pytest.param("searchpath", "x", ValidationError, id="searchpath-str"),
    pytest.param("searchpath", [1], ["1"], id="searchpath-ints"),
    pytest.param("searchpath", None, ValidationError, id="searchpath-none"),
    pytest.param("run.dir", None, ValidationError, id="run.dir-none"),
    pytest.param("run.dir", {"a": 1}, ValidationError, id="run.dir-dict"),
    pytest.param("sweeper.max_batch_size", "x", ValidationError, id="max_batch_size-str"),
    pytest.param("sweeper.max_batch_size", 3, 3, id="max_batch_size-int"),
    pytest.param("sweeper.params", {"a": 1}, {"a": "1"}, id="params-dict"),
    pytest.param("sweeper.params", "x", ValidationError, id="params-str"),
    pytest.param("sweeper.foo", 1, ConfigAttributeError, id="sweeper-new-key"),
    pytest.param("launcher.foo", 1, ConfigAttributeError, id="launcher-new-key"),
    pytest.param("launcher", None, None, id="launcher-none"),
    pytest.param("job.env_set", {"A": 1}, {"A": "1"}, id="env_set-int"),
    pytest.param("job.env_set", {"A": [1]}, ValidationError, id="env_set-list"),
    pytest.param("job.env_copy", "A", ValidationError, id="env_copy-str"),
    pytest.param("job.config.override_dirname.kv_sep", None, ValidationError, id="kv_sep-none"),
    pytest.param("job_logging.root.level", "DEBUG", "DEBUG", id="job_logging-level"),
    pytest.param("job_logging.new", 1, ConfigAttributeError, id="job_logging-new-key"),
    pytest.param("job_logging", None, ValidationError, id="job_logging-none"),
    pytest.param("hydra_logging", "x", ValidationError, id="hydra_logging-str"),
    pytest.param("callbacks", None, ValidationError, id="callbacks-none"),
    pytest.param("env.x", 1, ConfigAttributeError, id="env-new-key"),
    pytest.param("foo", 1, ConfigAttributeError, id="hydra-new-key"),
    pytest.param("help.app_name", None, ValidationError, id="app_name-none"),
    pytest.param("overrides.task", None, ValidationError, id="overrides-none"),
    pytest.param("runtime.cwd", None, ValidationError, id="cwd-none"),
    pytest.param("runtime.config_sources", [1], ValidationError, id="config_sources-int"),
    pytest.param("runtime.version", 1.3, "1.3", id="version-float"),
]


@pytest.mark.parametrize(("key", "value", "expected"), WRITES)
def test_writes_are_validated_like_hydra(key: str, value: Any, expected: Any) -> None:
    # update() rather than setattr: omegaconf 2.4 warns on implicit conversion by setattr.
    cfg = compose_hydra_node()
    if isinstance(expected, type) and issubclass(expected, Exception):
        with pytest.raises(expected):
            OmegaConf.update(cfg, f"hydra.{key}", value, merge=False)
        return
    OmegaConf.update(cfg, f"hydra.{key}", value, merge=False)
    got = OmegaConf.select(cfg, f"hydra.{key}")
    if isinstance(got, DictConfig | ListConfig):
        got = OmegaConf.to_container(got)
    assert got == expected
    assert type(got) is type(expected)


# --- packaging and layering -------------------------------------------------------------


def test_public_names() -> None:
    assert sorted(builtin.__all__) == sorted(
        [
            "BUILTIN_CONF_PACKAGE",
            "BUILTIN_SCHEMAS",
            "HYDRA_CONFIG_DEFAULTS",
            "HYDRA_CONFIG_NAME",
            "BasicLauncherConf",
            "BasicSweeperConf",
            "ConfigSourceInfo",
            "HydraConf",
            "RunMode",
            "hydra_schema",
        ]
    )


def test_imports_stay_in_layer_one() -> None:
    allowed = {"hydria.builtin", "hydria.errors", "hydria.record_class"}
    for source in PACKAGE_ROOT.rglob("*.py"):
        tree = ast.parse(source.read_text())
        for statement in ast.walk(tree):
            names: list[str] = []
            if isinstance(statement, ast.Import):
                names = [alias.name for alias in statement.names]
            elif isinstance(statement, ast.ImportFrom) and statement.module:
                names = [statement.module]
            for name in names:
                if name.split(".")[0] == "hydria":
                    assert any(name == a or name.startswith(a + ".") for a in allowed), (
                        f"{source.name} imports {name}"
                    )


def test_schema_survives_deepcopy() -> None:
    cfg = compose_hydra_node()
    copied = copy.deepcopy(cfg)
    assert OmegaConf.get_type(copied.hydra) is HydraConf
    with pytest.raises(ValidationError):
        copied.hydra.job.chdir = "abc"
