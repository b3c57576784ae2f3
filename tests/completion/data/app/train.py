"""A completion test app: importing it is a failure (completion must only read it)."""

import hydria

raise SystemExit("the app was imported")


@hydria.main(config_path="conf", config_name="config", version_base=None)
def main(cfg: object) -> None:
    del cfg
