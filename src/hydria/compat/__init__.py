"""Running existing Hydra code unchanged on hydria: `import hydra` served by hydria.

`python -m hydria.compat SCRIPT [ARGS...]` runs a script with the `hydra` shim first on
`PYTHONPATH`; `python -m hydria.compat --pythonpath` prints the shim directory for
pytest, notebooks and launchers. The shim (`shim/hydra/`) only re-exports hydria's
names under Hydra's module paths; nothing is installed over hydra-core.
"""

from hydria.compat.shim_runner import environment_with_shim as environment_with_shim
from hydria.compat.shim_runner import run_with_shim as run_with_shim
from hydria.compat.shim_runner import shim_dir as shim_dir

__all__ = ["environment_with_shim", "run_with_shim", "shim_dir"]
