"""The app the tab-completion tests complete for: `train.py`, whose import takes
`IMPORT_SECONDS` and leaves a file `<module file>.imported` beside itself, and its config
tree (a group, a nested group, nested keys)."""

from __future__ import annotations

import sys
from pathlib import Path

IMPORT_SECONDS = 3
#: what an import of the app (or of its package) leaves beside the imported file
IMPORTED_MARK = ".imported"
APP = f"""\
#!{sys.executable}
import time

open(__file__ + "{IMPORTED_MARK}", "a").close()  # completion must never import the app
time.sleep({IMPORT_SECONDS})

import hydria


@hydria.main(version_base=None, config_path="conf", config_name="config")
def main(cfg):
    print(cfg)


if __name__ == "__main__":
    main()
"""
CONFIGS = {
    "config.yaml": "defaults:\n  - db: mysql\n  - model/optimizer: adam\n  - _self_\n"
    "trainer:\n  epochs: 10\n  schedule:\n    warmup: 100\n",
    "other.yaml": "name: other\n",
    "db/mysql.yaml": "driver: mysql\nport: 3306\n",
    "db/postgresql.yaml": "driver: postgresql\nport: 5432\n",
    "model/optimizer/adam.yaml": "name: adam\nbeta: 0.9\n",
    "model/optimizer/sgd.yaml": "name: sgd\nmomentum: 0.9\n",
}


#: the same app as a module of a package (`python -m apps.train`), configs in `../conf`;
#: importing the package would take as long as importing the script
MODULE = APP.replace('config_path="conf"', 'config_path="../conf"')
PACKAGE_INIT = (
    f'import time\n\nopen(__file__ + "{IMPORTED_MARK}", "a").close()\n'
    f"time.sleep({IMPORT_SECONDS})\n"
)


def write_app(folder: Path) -> None:
    """`train.py` (executable, its shebang this interpreter), the package `apps` with the
    same app as `apps/train.py`, and `conf/` in `folder`."""
    script = folder / "train.py"
    script.write_text(APP)
    script.chmod(0o755)
    (folder / "apps").mkdir(exist_ok=True)
    (folder / "apps" / "__init__.py").write_text(PACKAGE_INIT)
    (folder / "apps" / "train.py").write_text(MODULE)
    for name, text in CONFIGS.items():
        path = folder / "conf" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
