"""`hydra.utils`, served by hydria: instantiation, object lookup and the job's directories."""

from hydria.core.hydra_config import HydraConfig as HydraConfig
from hydria.types import ConvertMode as ConvertMode
from hydria.utils import call as call
from hydria.utils import get_class as get_class
from hydria.utils import get_method as get_method
from hydria.utils import get_method as get_static_method
from hydria.utils import get_object as get_object
from hydria.utils import get_original_cwd as get_original_cwd
from hydria.utils import instantiate as instantiate
from hydria.utils import to_absolute_path as to_absolute_path

__all__ = [
    "ConvertMode",
    "HydraConfig",
    "call",
    "get_class",
    "get_method",
    "get_object",
    "get_original_cwd",
    "get_static_method",
    "instantiate",
    "to_absolute_path",
]
