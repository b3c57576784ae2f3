"""Hydra's `hydra.experimental` import paths, as thin re-export modules (a compatibility
facade): `callback` (the base class) and `callbacks` (Hydra's two ready-made ones)."""
