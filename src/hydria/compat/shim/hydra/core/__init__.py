"""`hydra.core`, served by hydria; its submodules load with it, as with hydra-core."""

from hydra.core import config_search_path as config_search_path
from hydra.core import config_store as config_store
from hydra.core import global_hydra as global_hydra
from hydra.core import hydra_config as hydra_config
from hydra.core import utils as utils
