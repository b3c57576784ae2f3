"""The compose API without an app: config groups, an experiment, and what compose refuses.

Run it with `.venv/bin/python examples/compose_api/app.py`.
"""

from __future__ import annotations

import os

from omegaconf import OmegaConf

import hydria
from hydria.errors import HydriaError

CONF = os.path.join(os.path.dirname(os.path.abspath(__file__)), "conf")


def show(title: str, overrides: list[str]) -> None:
    cfg = hydria.compose("config", overrides, config_dir=CONF, return_hydra_config=True)
    choices = OmegaConf.to_container(cfg.hydra.runtime.choices)
    assert isinstance(choices, dict)
    picked = {k: v for k, v in choices.items() if not str(k).startswith("hydra/")}
    print(f"== {title}: overrides {overrides or '(none)'}")
    print(f"   choices: {picked}")
    app = OmegaConf.masked_copy(cfg, [k for k in cfg if k != "hydra"])
    print("   " + OmegaConf.to_yaml(app, resolve=True).replace("\n", "\n   ").rstrip())


def main() -> None:
    show("1. config groups (db/mysql extends db/base_mysql)", [])
    show("2. pick other options and change values", ["db=postgresql", "server.port=8000"])
    show("3. an experiment that overrides groups from inside", ["+experiment=aplite"])
    print("== 4. a sweep is for multirun; compose says so:")
    try:
        hydria.compose("config", ["db=mysql,postgresql"], config_dir=CONF)
    except HydriaError as exc:
        print("   " + str(exc).replace("\n", "\n   "))
    print("== 5. a typo in an option:")
    try:
        hydria.compose("config", ["db=mysqll"], config_dir=CONF)
    except HydriaError as exc:
        print("   " + str(exc).replace("\n", "\n   "))


if __name__ == "__main__":
    main()
