"""Objects from configs: `instantiate` / `call`, `get_object` / `get_class` / `get_method`,
and the target policy that decides which targets a config may name."""

from hydria.instantiation.build import ConvertMode as ConvertMode
from hydria.instantiation.build import call as call
from hydria.instantiation.build import instantiate as instantiate
from hydria.instantiation.build import instantiate_under as instantiate_under
from hydria.instantiation.objects import get_class as get_class
from hydria.instantiation.objects import get_method as get_method
from hydria.instantiation.objects import get_object as get_object
from hydria.instantiation.policy import TargetPolicy as TargetPolicy

__all__ = [
    "ConvertMode",
    "TargetPolicy",
    "call",
    "get_class",
    "get_method",
    "get_object",
    "instantiate",
    "instantiate_under",
]
