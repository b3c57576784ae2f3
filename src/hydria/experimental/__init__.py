"""Hydra's `hydra.experimental` import paths, as thin re-export modules (a compatibility
facade); only `hydria.experimental.callback` is offered."""
