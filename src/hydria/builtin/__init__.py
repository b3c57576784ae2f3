"""What hydria ships as config: the schema of the `hydra:` node and its built-in groups.

Layer 1: imports only the standard library, OmegaConf, `hydria.errors` and
`hydria.record_class`.
"""

from collections.abc import Mapping
from types import MappingProxyType

from hydria.builtin.schema import BasicLauncherConf as BasicLauncherConf
from hydria.builtin.schema import BasicSweeperConf as BasicSweeperConf
from hydria.builtin.schema import ConfigSourceInfo as ConfigSourceInfo
from hydria.builtin.schema import HydraConf as HydraConf
from hydria.builtin.schema import RunMode as RunMode
from hydria.builtin.schema import hydra_schema as hydra_schema

__all__ = [
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

#: Importable package whose `hydra/` folder holds the built-in YAML configs (`pkg://` source).
BUILTIN_CONF_PACKAGE = "hydria.builtin.conf"

#: Config path of the root of the hydra node, composed ahead of the primary config.
HYDRA_CONFIG_NAME = "hydra/config"

#: The defaults list of `hydra/config` as (group, option) pairs, relative to `hydra/`.
#: `None` means no option is chosen unless the user picks one. `_self_` follows the last
#: pair, so the schema is merged after every option, as in Hydra.
HYDRA_CONFIG_DEFAULTS: tuple[tuple[str, str | None], ...] = (
    ("output", "default"),
    ("launcher", "basic"),
    ("sweeper", "basic"),
    ("help", "default"),
    ("hydra_help", "default"),
    ("hydra_logging", "default"),
    ("job_logging", "default"),
    ("callbacks", None),
    ("env", "default"),
)

#: Built-in configs that Hydra defines as structured configs, by config path. A loader
#: merges the YAML onto the dataclass so that values keep Hydra's types.
BUILTIN_SCHEMAS: Mapping[str, type] = MappingProxyType(
    {
        HYDRA_CONFIG_NAME: HydraConf,
        "hydra/launcher/basic": BasicLauncherConf,
        "hydra/sweeper/basic": BasicSweeperConf,
    }
)
