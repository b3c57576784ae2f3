"""`hydra.extra`, served by hydria: holds Hydra's pytest plugin (`hydra.extra.pytest_plugin`)."""
