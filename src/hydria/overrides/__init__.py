"""The override grammar: parse command-line overrides, render them back, enumerate sweeps."""

from typing import TYPE_CHECKING, Any

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
from hydria.overrides.model import is_sweep_value as is_sweep_value
from hydria.overrides.model import plain_value as plain_value
from hydria.overrides.model import values_identical as values_identical
from hydria.overrides.parser import parse_override as parse_override
from hydria.overrides.parser import parse_overrides as parse_overrides
from hydria.overrides.render import render_override as render_override
from hydria.overrides.render import render_value as render_value

if TYPE_CHECKING:
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
    "is_sweep_value",
    "parse_override",
    "parse_overrides",
    "plain_value",
    "render_override",
    "render_value",
    "sweep_values",
    "values_identical",
]


def __getattr__(name: str) -> Any:
    # Expanding sweeps needs `decimal` and `random`; a plain run never does, so they load
    # on first use.
    if name == "sweep_values":
        from hydria.overrides.sweep_expansion import sweep_values

        return sweep_values
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
