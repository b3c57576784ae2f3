"""`hydra.conf`: the dataclasses of the `hydra` node, served by hydria's built-in schema.

hydria's schema classes are the ones its composition uses, so a primary config that
embeds `hydra: HydraConf = HydraConf(run=RunDir(...))` is checked against the same
schema as the YAML `hydra:` node.
"""

from hydria.builtin.schema import ConfigSourceInfo as ConfigSourceInfo
from hydria.builtin.schema import HelpConf as HelpConf
from hydria.builtin.schema import HydraConf as HydraConf
from hydria.builtin.schema import HydraHelpConf as HydraHelpConf
from hydria.builtin.schema import JobConf as JobConf
from hydria.builtin.schema import OverridesConf as OverridesConf
from hydria.builtin.schema import RunDir as RunDir
from hydria.builtin.schema import RuntimeConf as RuntimeConf
from hydria.builtin.schema import SweepDir as SweepDir

__all__ = [
    "ConfigSourceInfo",
    "HelpConf",
    "HydraConf",
    "HydraHelpConf",
    "JobConf",
    "OverridesConf",
    "RunDir",
    "RuntimeConf",
    "SweepDir",
]
