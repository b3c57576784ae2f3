"""Hydra's `hydra.core.global_hydra` import path (a compatibility facade): `GlobalHydra`,
the state `initialize*()` and a running app put in effect. The real code is in
`hydria.app.initialization`."""

from hydria.app.initialization import GlobalHydra as GlobalHydra

__all__ = ["GlobalHydra"]
