"""A tiny Hydra-style app: the test utils compose its configs and run it as a script."""

from omegaconf import DictConfig, OmegaConf

import hydria


@hydria.main(version_base=None, config_path="conf", config_name="config")
def my_app(cfg: DictConfig) -> None:
    print(OmegaConf.to_yaml(cfg), end="")


if __name__ == "__main__":
    my_app()
