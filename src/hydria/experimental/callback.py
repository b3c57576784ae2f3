"""Hydra's `hydra.experimental.callback` import path (a compatibility facade): `Callback`,
the base class of `hydra.callbacks`. The real code is in `hydria.plugin_contracts`."""

from hydria.plugin_contracts import Callback as Callback

__all__ = ["Callback"]
