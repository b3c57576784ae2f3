"""Accessing the Hydra config: `${hydra:...}` in a config, `HydraConfig.get()` in code."""

from omegaconf import DictConfig

import hydria


@hydria.main(config_path="conf", config_name="config", version_base=None)
def my_app(cfg: DictConfig) -> None:
    hydra = hydria.HydraConfig.get()
    print(f"name from the config: {cfg.name}")
    print(f"name from HydraConfig: {hydra.job.name}")
    print(f"chosen db: {hydra.runtime.choices.get('db', 'none')}")
    print(f"output dir ends with the time: {hydra.runtime.output_dir.split('/')[-2:]}")


if __name__ == "__main__":
    my_app()
