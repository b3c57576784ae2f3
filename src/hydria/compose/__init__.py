"""Composition on OmegaConf: merge the defaults list's configs, apply value overrides."""

from typing import TYPE_CHECKING

from hydria.lazy_exports import lazy_exports

if TYPE_CHECKING:
    from hydria.compose.composer import Composition as Composition
    from hydria.compose.composer import Memos as Memos
    from hydria.compose.composer import compose_config as compose_config
    from hydria.compose.composer import reject_sweeps as reject_sweeps

__all__ = ["Composition", "Memos", "compose_config", "reject_sweeps"]


# Where each name lives: a name loads its own module on first use, so importing one
# piece of this package does not import the others (see `hydria.lazy_exports`).
_HOMES = {
    "Composition": "hydria.compose.composer",
    "Memos": "hydria.compose.composer",
    "compose_config": "hydria.compose.composer",
    "reject_sweeps": "hydria.compose.composer",
}

__getattr__ = lazy_exports(globals(), _HOMES)
