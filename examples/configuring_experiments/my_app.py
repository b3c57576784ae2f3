"""Configuring experiments: `+experiment=aplite` swaps groups and values from one file."""

from omegaconf import DictConfig, OmegaConf

import hydria


@hydria.main(config_path="conf", config_name="config", version_base=None)
def my_app(cfg: DictConfig) -> None:
    print(OmegaConf.to_yaml(cfg), end="")


if __name__ == "__main__":
    my_app()
