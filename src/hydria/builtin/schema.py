"""Typed schema of the `hydra:` config node, field for field the same as Hydra 1.3's.

Dataclasses are mutable on purpose: OmegaConf builds nodes from them and needs setattr.
"""

import functools
import pickle
from dataclasses import field
from enum import Enum
from typing import Any

from omegaconf import MISSING, DictConfig, OmegaConf, flag_override

from hydria.record_class import record

__all__ = [
    "BasicLauncherConf",
    "BasicSweeperConf",
    "ConfigSourceInfo",
    "HelpConf",
    "HydraConf",
    "HydraHelpConf",
    "JobConf",
    "JobConfig",
    "OverrideDirname",
    "OverridesConf",
    "RunDir",
    "RunMode",
    "RuntimeConf",
    "SweepDir",
    "hydra_schema",
]


class RunMode(Enum):
    """Whether the app was started for one job or for a sweep; stored in `hydra.mode`."""

    RUN = 1
    MULTIRUN = 2


@record(frozen=False, slots=False)
class RunDir:
    """Where a single run writes its outputs; the value comes from `hydra/output`."""

    dir: str = MISSING


@record(frozen=False, slots=False)
class SweepDir:
    """Where a sweep writes: one shared directory plus one sub-directory per job."""

    dir: str = MISSING
    subdir: str = MISSING


@record(frozen=False, slots=False)
class HelpConf:
    """Text pieces of the app's `--help`; left unset here so `hydra/help` decides them."""

    app_name: str = MISSING
    header: str = MISSING
    footer: str = MISSING
    template: str = MISSING


@record(frozen=False, slots=False)
class HydraHelpConf:
    """Text of `--hydra-help`; `hydra_help` stays unset, as in Hydra."""

    hydra_help: str = MISSING
    template: str = MISSING


@record(frozen=False, slots=False)
class OverridesConf:
    """Command-line overrides as typed, split by whether they target `hydra.` or the app."""

    hydra: list[str] = field(default_factory=list)
    task: list[str] = field(default_factory=list)


@record(frozen=False, slots=False)
class OverrideDirname:
    """How `${hydra.job.override_dirname}` joins a job's overrides into one path segment."""

    kv_sep: str = "="
    item_sep: str = ","
    exclude_keys: list[str] = field(default_factory=list)


@record(frozen=False, slots=False)
class JobConfig:
    """User-tunable settings of the job node (Hydra's `JobConf.JobConfig`)."""

    override_dirname: OverrideDirname = field(default_factory=OverrideDirname)


@record(frozen=False, slots=False)
class JobConf:
    """Identity of the running job; most values are filled in when a job starts."""

    name: str = MISSING
    # None leaves it to version_base, as in Hydra: 1.2 and later stay in the launch directory.
    chdir: bool | None = None
    override_dirname: str = MISSING
    # Identifier given by the scheduler that runs the job.
    id: str = MISSING
    # Position of the job inside a sweep.
    num: int = MISSING
    config_name: str | None = MISSING
    # Variables exported into the job's environment, and names copied from the launcher's.
    env_set: dict[str, str] = field(default_factory=dict)
    env_copy: list[str] = field(default_factory=list)
    config: JobConfig = field(default_factory=JobConfig)


@record(frozen=False, slots=False)
class ConfigSourceInfo:
    """One entry of the search path as recorded in `hydra.runtime.config_sources`."""

    path: str
    schema: str
    provider: str


@record(frozen=False, slots=False)
class RuntimeConf:
    """Facts about the process and the composition, recorded when a job starts."""

    version: str = MISSING
    version_base: str = MISSING
    cwd: str = MISSING
    config_sources: list[ConfigSourceInfo] = MISSING
    output_dir: str = MISSING
    # Group -> chosen option; values may be a string, a list of strings or None.
    choices: dict[str, Any] = field(default_factory=dict)


def _hydra_config_defaults() -> list[Any]:
    # The groups of the hydra node and their default options, in Hydra's order.
    return [
        {"output": "default"},
        {"launcher": "basic"},
        {"sweeper": "basic"},
        {"help": "default"},
        {"hydra_help": "default"},
        {"hydra_logging": "default"},
        {"job_logging": "default"},
        {"callbacks": None},
        {"env": "default"},
    ]


@record(frozen=False, slots=False)
class HydraConf:
    """Root of the `hydra:` node; the order of fields is Hydra's and shows in saved configs."""

    defaults: list[Any] = field(default_factory=_hydra_config_defaults)
    mode: RunMode | None = None
    # Extra search-path entries; honoured only when set from the primary config.
    searchpath: list[str] = field(default_factory=list)
    run: RunDir = field(default_factory=RunDir)
    sweep: SweepDir = field(default_factory=SweepDir)
    # Logging settings (logging.config.dictConfig format) for hydria itself and for the job.
    hydra_logging: dict[str, Any] = MISSING
    job_logging: dict[str, Any] = MISSING
    # Filled by the chosen `hydra/sweeper` and `hydra/launcher` options.
    sweeper: Any = MISSING
    launcher: Any = MISSING
    callbacks: dict[str, Any] = field(default_factory=dict)
    help: HelpConf = field(default_factory=HelpConf)
    hydra_help: HydraHelpConf = field(default_factory=HydraHelpConf)
    # Sub-directory of the job's output dir for the saved configs; None disables saving.
    output_subdir: str | None = ".hydra"
    overrides: OverridesConf = field(default_factory=OverridesConf)
    job: JobConf = field(default_factory=JobConf)
    runtime: RuntimeConf = field(default_factory=RuntimeConf)
    # True (debug logging for the root logger), a logger name, or a list of logger names.
    verbose: Any = False


@record(frozen=False, slots=False)
class BasicLauncherConf:
    """Schema of `hydra/launcher/basic`: jobs run one after another in this process."""

    _target_: str = "hydria.launchers.basic.BasicLauncher"


@record(frozen=False, slots=False)
class BasicSweeperConf:
    """Schema of `hydra/sweeper/basic`: the cartesian product of the sweep overrides."""

    _target_: str = "hydria.sweepers.basic.BasicSweeper"
    # Jobs handed to the launcher at once; None sends the whole sweep in one batch.
    max_batch_size: int | None = None
    # Sweep overrides kept in the config, e.g. {"db": "mysql,postgresql"}.
    params: dict[str, str] | None = None


def _build_schema() -> DictConfig:
    node: DictConfig = OmegaConf.structured(HydraConf)
    # The defaults list is composition metadata, not content: Hydra strips it from
    # the composed node, so the schema used as content must not carry it.
    with flag_override(node, "struct", False):
        node.pop("defaults")
    return node


@functools.cache
def _pickled_schema() -> bytes:
    return pickle.dumps(_build_schema(), protocol=pickle.HIGHEST_PROTOCOL)


def hydra_schema() -> DictConfig:
    """Return a fresh, typed `hydra` node holding only the schema defaults.

    Every composition needs one, and building it from the dataclasses costs
    5-7 ms, while unpickling a node built once costs about 0.15 ms (deepcopy of
    a built node: about 0.9 ms). The `defaults` field is left out: it drives
    composition and never appears in a composed `hydra` node.

    Returns:
        A new DictConfig of type `HydraConf`, not shared with any other caller.
    """
    node = pickle.loads(_pickled_schema())
    assert isinstance(node, DictConfig)
    return node
