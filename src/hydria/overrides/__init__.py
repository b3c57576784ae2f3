"""The override grammar: parse command-line overrides, render them back, enumerate sweeps."""

from typing import TYPE_CHECKING

from hydria.lazy_exports import lazy_exports

if TYPE_CHECKING:
    from hydria.overrides.model import SWEEP_TYPES as SWEEP_TYPES
    from hydria.overrides.model import ChoiceSweep as ChoiceSweep
    from hydria.overrides.model import DictKey as DictKey
    from hydria.overrides.model import FrozenDict as FrozenDict
    from hydria.overrides.model import Glob as Glob
    from hydria.overrides.model import IntervalSweep as IntervalSweep
    from hydria.overrides.model import ListExtension as ListExtension
    from hydria.overrides.model import Override as Override
    from hydria.overrides.model import OverrideType as OverrideType
    from hydria.overrides.model import ParsedValue as ParsedValue
    from hydria.overrides.model import PlainValue as PlainValue
    from hydria.overrides.model import Quote as Quote
    from hydria.overrides.model import QuotedString as QuotedString
    from hydria.overrides.model import RangeSweep as RangeSweep
    from hydria.overrides.model import Sweep as Sweep
    from hydria.overrides.model import ZipSweep as ZipSweep
    from hydria.overrides.model import is_hydra_override as is_hydra_override
    from hydria.overrides.model import is_sweep_value as is_sweep_value
    from hydria.overrides.model import plain_value as plain_value
    from hydria.overrides.model import values_identical as values_identical
    from hydria.overrides.parser import parse_override as parse_override
    from hydria.overrides.parser import parse_overrides as parse_overrides
    from hydria.overrides.render import render_override as render_override
    from hydria.overrides.render import render_value as render_value
    from hydria.overrides.sweep_expansion import sweep_values as sweep_values

__all__ = [
    "SWEEP_TYPES",
    "ChoiceSweep",
    "DictKey",
    "FrozenDict",
    "Glob",
    "IntervalSweep",
    "ListExtension",
    "Override",
    "OverrideType",
    "ParsedValue",
    "PlainValue",
    "Quote",
    "QuotedString",
    "RangeSweep",
    "Sweep",
    "ZipSweep",
    "is_hydra_override",
    "is_sweep_value",
    "parse_override",
    "parse_overrides",
    "plain_value",
    "render_override",
    "render_value",
    "sweep_values",
    "values_identical",
]


# Where each name lives: a name loads its own module on first use, so importing one
# piece of this package does not import the others (see `hydria.lazy_exports`).
_HOMES = {
    "ChoiceSweep": "hydria.overrides.model",
    "DictKey": "hydria.overrides.model",
    "FrozenDict": "hydria.overrides.model",
    "Glob": "hydria.overrides.model",
    "IntervalSweep": "hydria.overrides.model",
    "ListExtension": "hydria.overrides.model",
    "Override": "hydria.overrides.model",
    "OverrideType": "hydria.overrides.model",
    "ParsedValue": "hydria.overrides.model",
    "PlainValue": "hydria.overrides.model",
    "Quote": "hydria.overrides.model",
    "QuotedString": "hydria.overrides.model",
    "RangeSweep": "hydria.overrides.model",
    "SWEEP_TYPES": "hydria.overrides.model",
    "Sweep": "hydria.overrides.model",
    "ZipSweep": "hydria.overrides.model",
    "is_hydra_override": "hydria.overrides.model",
    "is_sweep_value": "hydria.overrides.model",
    "parse_override": "hydria.overrides.parser",
    "parse_overrides": "hydria.overrides.parser",
    "plain_value": "hydria.overrides.model",
    "render_override": "hydria.overrides.render",
    "render_value": "hydria.overrides.render",
    # expanding sweeps needs `decimal` and `random`, which a plain run never loads
    "sweep_values": "hydria.overrides.sweep_expansion",
    "values_identical": "hydria.overrides.model",
}

__getattr__ = lazy_exports(globals(), _HOMES)
